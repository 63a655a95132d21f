"""Ownership change: an approved credit moves to the new owner from the transfer date."""

import dataclasses
import datetime as dt

from kcsac.domain.category import Category
from kcsac.domain.problems import Problem
from kcsac.domain.records import Blocker, Decision, DecisionKind, SacApplication, User
from kcsac.domain.roles import Permission
from kcsac.domain.status import Status
from kcsac.operations.applications import create_application
from kcsac.operations.errors import InvalidInput, NotFound
from kcsac.operations.snapshots import snapshot
from kcsac.operations.users import require
from kcsac.storage import Store


def create_ownership_change(
    store: Store,
    actor: User | None,
    *,
    prior_application: str,
    new_account: str,
    transfer_on: dt.date,
    today: dt.date,
) -> SacApplication:
    """A draft ownership-change application that will move the approved credit of
    `prior_application` to `new_account` from `transfer_on` (the old credit ends the day
    before) once the director signs it."""
    require(actor, Permission.EDIT_RECORDS, "create applications")
    prior = store.get_application(prior_application)
    problems = []
    if prior.status is not Status.APPROVED:
        problems.append(
            Problem(
                "prior_application",
                f"{prior.number} is {prior.status.label.lower()}, not an approved credit",
            )
        )
    elif prior.effective_on and transfer_on <= prior.effective_on:
        problems.append(
            Problem(
                "transfer_on",
                "The transfer date must be after the credit's "
                f"effective date {prior.effective_on.isoformat()}",
            )
        )
    if new_account == prior.account:
        problems.append(Problem("account", "The new owner's account is the same as the old one"))
    if problems:
        raise InvalidInput(problems)
    return create_application(
        store,
        actor,
        account=new_account,
        category=Category.OWNERSHIP_CHANGE,
        today=today,
        details={"prior_application": prior.number, "transfer_on": transfer_on.isoformat()},
    )


def ownership_blockers(store: Store, app: SacApplication) -> list[Blocker]:
    prior_number = app.details.get("prior_application", "")
    transfer = app.details.get("transfer_on", "")
    out = []
    if not prior_number:
        return [
            Blocker(
                "Name the prior approved application (prior_application)", field="prior_application"
            )
        ]
    try:
        prior = store.get_application(prior_number)
    except NotFound:
        return [
            Blocker(
                f"The prior application {prior_number} does not exist", field="prior_application"
            )
        ]
    if prior.status is not Status.APPROVED:
        out.append(
            Blocker(
                f"The prior application {prior_number} is "
                f"{prior.status.label.lower()}, not an approved credit",
                field="prior_application",
            )
        )
    try:
        transfer_on = dt.date.fromisoformat(transfer)
    except ValueError:
        out.append(
            Blocker("Enter the transfer date (transfer_on, YYYY-MM-DD)", field="transfer_on")
        )
    else:
        if prior.effective_on and transfer_on <= prior.effective_on:
            out.append(
                Blocker(
                    f"The transfer date must be after the prior credit's effective "
                    f"date {prior.effective_on.isoformat()}",
                    field="transfer_on",
                )
            )
    return out


def approve_ownership_change(
    store: Store, actor: User, app: SacApplication, signed_on: dt.date, backdated_reason: str
) -> Decision:
    prior = store.get_application(app.details["prior_application"])
    transfer_on = dt.date.fromisoformat(app.details["transfer_on"])
    terms = [d for d in store.determinations(prior.number) if d.locked][-1]
    carried = store.add_determination(
        dataclasses.replace(
            terms,
            id=0,
            application=app.number,
            amends=None,
            justification=f"carried over from {prior.number}: {terms.justification}",
            entered_on=signed_on,
        ),
        actor.login,
    )
    text, digest = snapshot(store, app, carried, signed_on, actor)
    store.lock_determination(carried.id)
    decision = store.add_decision(
        Decision(
            0,
            app.number,
            DecisionKind.APPROVAL,
            actor.login,
            actor.role,
            signed_on,
            store.clock(),
            carried.id,
            transfer_on,
            backdated_reason.strip(),
            digest,
            text,
            note=f"ownership change from {prior.number}",
        ),
        actor.login,
        reason=backdated_reason.strip(),
    )
    store.save_application(
        dataclasses.replace(app, status=Status.APPROVED, effective_on=transfer_on),
        expected_version=app.version,
        actor=actor.login,
        action="ownership change approved",
        reason=backdated_reason.strip(),
    )
    ended_on = transfer_on - dt.timedelta(days=1)
    store.add_decision(
        Decision(
            0,
            prior.number,
            DecisionKind.OWNERSHIP_CHANGE,
            actor.login,
            actor.role,
            signed_on,
            store.clock(),
            None,
            None,
            note=f"credit moved to {app.number} from {transfer_on.isoformat()}",
        ),
        actor.login,
    )
    store.save_application(
        dataclasses.replace(prior, status=Status.ENDED, ended_on=ended_on),
        expected_version=prior.version,
        actor=actor.login,
        action=f"credit ended: ownership changed ({app.number})",
        reason=f"ownership change {app.number} from {transfer_on.isoformat()}",
    )
    return decision
