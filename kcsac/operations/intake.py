"""Intake: a draft application (and the wizard's save of account and draft), its edits, its
submission (the fee assessed) and its withdrawal. Each call checks the role, writes one
transaction, audits it."""

import dataclasses
import datetime as dt
from typing import Any

from kcsac.domain.actions import Action
from kcsac.domain.category import Category
from kcsac.domain.dates import future_date_problems
from kcsac.domain.fees import application_fee
from kcsac.domain.problems import Problem
from kcsac.domain.records import (
    Account,
    FeeAssessment,
    SacApplication,
    User,
)
from kcsac.domain.roles import Permission
from kcsac.domain.status import Status
from kcsac.domain.workflow import moved
from kcsac.operations.accounts import add_account
from kcsac.operations.errors import InvalidInput, Refused
from kcsac.operations.ownership_rules import check_ownership_draft
from kcsac.operations.permits import check, require_action
from kcsac.operations.progress import refresh_status
from kcsac.operations.users import acting
from kcsac.storage import Store


def create_application(
    store: Store,
    actor: User | None,
    *,
    account: str,
    category: Category | str,
    today: dt.date,
    discharges_to_storm_sewer: bool = False,
    details: dict[str, str] | None = None,
    paperwork: dict[str, bool] | None = None,
    number: str = "",
    received_on: dt.date | None = None,
) -> SacApplication:
    """A new draft application on an existing account (numbered SAC-<year>-NNNN).

    `received_on` is the day the application reached the office (kept on the draft; the fee
    in force on it is assessed when the draft is submitted).
    """
    actor = require_action(store, actor, Action.NEW)
    _check_received_on(received_on, today)
    try:
        category = Category(category)
    except ValueError as exc:
        raise InvalidInput([Problem("category", f"{category!r} is not a category")]) from exc
    store.get_account(account)  # NotFound with a clear message
    app = SacApplication(
        number=number,
        category=category,
        status=Status.DRAFT,
        account=account,
        received_on=received_on,
        discharges_to_storm_sewer=discharges_to_storm_sewer,
        details=dict(details or {}),
        paperwork=dict(paperwork or {}),
    )
    with acting(store, actor, Permission.EDIT_RECORDS, "create applications") as actor:
        return store.insert_application(app, actor.login, year=today.year)


def update_application(
    store: Store, actor: User | None, app: SacApplication, *, reason: str = "", today: dt.date
) -> SacApplication:
    """Save the editable fields of `app` (as read, with its version).

    After submission a correction needs a reason; the category and received date are fixed
    then (the fee depends on them), and decided files cannot be edited.
    """
    actor = require_action(store, actor, Action.PAPERWORK)
    with acting(store, actor, Permission.EDIT_RECORDS, "change applications") as actor:
        current = store.get_application(app.number)
        # A draft is edited in the wizard; a submitted file is corrected on the desk.
        editing = Action.RESUME if current.status is Status.DRAFT else Action.PAPERWORK
        check(store, actor, editing, current)
        if current.status is Status.DRAFT:
            _check_received_on(app.received_on, today)
        submitted = current.status is not Status.DRAFT
        if submitted and not reason.strip():
            raise InvalidInput(
                [Problem("reason", "A reason is required to correct a submitted application")]
            )
        if submitted and (app.category, app.account, app.received_on) != (
            current.category,
            current.account,
            current.received_on,
        ):
            raise Refused(
                "The category, account and received date of a submitted application cannot "
                "change (the fee was assessed on them); withdraw it and file a new one"
            )
        new = dataclasses.replace(current, **_edits(app))
        store.get_account(new.account)
        return store.save_application(
            new,
            expected_version=app.version,
            actor=actor.login,
            action="application corrected" if submitted else "application edited",
            reason=reason,
        )


# What an edit may change (update_application saves these fields and nothing else).
_EDITABLE = (
    "category",
    "account",
    "received_on",
    "discharges_to_storm_sewer",
    "details",
    "paperwork",
)


def _edits(app: SacApplication) -> dict[str, Any]:
    """The editable fields of `app` (dicts copied)."""
    values = {name: getattr(app, name) for name in _EDITABLE}
    return {name: dict(v) if isinstance(v, dict) else v for name, v in values.items()}


def save_draft(
    store: Store,
    actor: User | None,
    *,
    account: Account,
    draft: SacApplication,
    today: dt.date,
) -> SacApplication:
    """The intake wizard's save, in one transaction: the account (added when kcsac does not
    know it yet) and the draft filed on it (created when `draft` has no number yet, else its
    editable fields saved, as read with its version).

    A refusal at any step stores nothing: no account is left behind by a draft that could not
    be stored. Nothing is written when the stored draft already holds these values.
    """
    actor = require_action(store, actor, Action.NEW)
    draft = dataclasses.replace(draft, account=account.number.strip())
    with acting(store, actor, Permission.EDIT_RECORDS, "create applications"):
        if store.find_account(draft.account) is None:
            add_account(
                store,
                actor,
                number=account.number,
                customer=account.customer,
                service_address=account.service_address,
                account_class=account.account_class,
                customer_class=account.customer_class,
                today=today,
            )
        if not draft.number:
            return create_application(
                store,
                actor,
                account=draft.account,
                category=draft.category,
                today=today,
                discharges_to_storm_sewer=draft.discharges_to_storm_sewer,
                details=draft.details,
                paperwork=draft.paperwork,
                received_on=draft.received_on,
            )
        stored = store.get_application(draft.number)
        if _edits(stored) == _edits(draft):
            return stored
        return update_application(store, actor, draft, today=today)


def _check_received_on(received_on: dt.date | None, today: dt.date) -> None:
    problems = future_date_problems("received_on", received_on, today, "the received date must be")
    if problems:
        raise InvalidInput(problems)


def submit_application(
    store: Store,
    actor: User | None,
    number: str,
    *,
    received_on: dt.date | None = None,
    today: dt.date,
    expected_version: int | None = None,
) -> SacApplication:
    """Record the application as received: the fee in force on `received_on` is assessed.

    Without `received_on`, the received date kept on the draft is used. An ownership change
    is checked as the desk's intake checks it (ownership_rules.check_ownership_change): an approved
    prior credit, a transfer date after its effective date, another account, no other open
    change of that credit; a failed check stores nothing.
    """
    actor = require_action(store, actor, Action.RESUME)
    _check_received_on(received_on, today)
    with acting(store, actor, Permission.EDIT_RECORDS, "submit applications") as actor:
        app = store.get_application(number)
        if expected_version is not None and app.version != expected_version:
            raise store._stale("applications", "number", number, f"Application {number}")
        check(store, actor, Action.RESUME, app)
        if app.category is Category.OWNERSHIP_CHANGE:
            # The same rules as the desk's ownership change, whoever made the draft.
            check_ownership_draft(store, app)
        received_on = received_on or app.received_on
        if received_on is None:
            raise InvalidInput(
                [Problem("received_on", f"Say when application {number} was received")]
            )
        _check_received_on(received_on, today)
        account = store.get_account(app.account)
        quote = application_fee(app.category, account.customer_class, received_on)
        note = quote.citation if quote.cents is not None else (quote.not_set_reason or "")
        store.add_fee_assessment(
            FeeAssessment(
                0,
                number,
                received_on,
                quote.cents,
                quote.citation,
                quote.ordinance,
                quote.effective_on,
                "" if quote.cents is not None else note,
            ),
            actor.login,
        )
        app = moved(
            app,
            Status.AWAITING_FEE,
            received_on=received_on,
            fee_cents=quote.cents,
            fee_note=note,
        )
        return refresh_status(store, app, actor.login, "application submitted")


def withdraw(
    store: Store, actor: User | None, number: str, *, reason: str, today: dt.date
) -> SacApplication:
    """The applicant withdrew an undecided application."""
    actor = require_action(store, actor, Action.WITHDRAW)
    if not reason.strip():
        raise InvalidInput([Problem("reason", "Say why the application is withdrawn")])
    with acting(store, actor, Permission.EDIT_RECORDS, "withdraw applications") as actor:
        app = store.get_application(number)
        check(store, actor, Action.WITHDRAW, app)
        return store.save_application(
            moved(app, Status.WITHDRAWN),
            expected_version=app.version,
            actor=actor.login,
            action="application withdrawn",
            reason=reason.strip(),
        )
