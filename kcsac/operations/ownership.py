"""Ownership change: an approved credit moves to the new owner from the transfer date."""

import dataclasses
import datetime as dt

from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.eligibility import check_eligibility
from kcsac.domain.problems import Problem
from kcsac.domain.records import Blocker, Decision, DecisionKind, SacApplication, User
from kcsac.domain.roles import Permission
from kcsac.domain.status import Status
from kcsac.operations.accounts import add_account
from kcsac.operations.errors import InvalidInput, NotFound, Refused
from kcsac.operations.intake import create_application, submit_application
from kcsac.operations.payments import set_fee
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
    check_ownership_change(store, prior_application, new_account, transfer_on)
    prior = store.get_application(prior_application.strip())
    return create_application(
        store,
        actor,
        account=new_account,
        category=Category.OWNERSHIP_CHANGE,
        today=today,
        details={"prior_application": prior.number, "transfer_on": transfer_on.isoformat()},
    )


# Where the desk records one; named in the refusals of a draft made any other way.
DESK_PATH = "select the approved credit on the desk and use Decision > Ownership change"


def ownership_change_problems(
    store: Store, prior_number: str, new_account: str, transfer_on: dt.date | None
) -> list[Problem]:
    """What is wrong with moving the credit of `prior_number` to `new_account` from
    `transfer_on` (None: no transfer date given), field by field; [] when nothing is.

    The one set of rules for every ownership change: the desk's intake
    (create_ownership_change) and the submission of any draft filed as an ownership change.
    """
    prior_number = prior_number.strip()
    if not prior_number:
        return [
            Problem(
                "prior_application",
                f"No approved credit is named whose owner changes; {DESK_PATH}",
            )
        ]
    try:
        prior = store.get_application(prior_number)
    except NotFound:
        return [Problem("prior_application", f"There is no application {prior_number}")]
    problems = []
    if prior.status is not Status.APPROVED:
        problems.append(
            Problem(
                "prior_application",
                f"{prior.number} is {prior.status.label.lower()}, not an approved credit",
            )
        )
    if transfer_on is None:
        problems.append(
            Problem("transfer_on", f"The transfer date is missing; {DESK_PATH}, which asks for it")
        )
    elif (
        prior.status is Status.APPROVED and prior.effective_on and transfer_on <= prior.effective_on
    ):
        problems.append(
            Problem(
                "transfer_on",
                "The transfer date must be after the credit's "
                f"effective date {prior.effective_on.isoformat()}",
            )
        )
    if new_account.strip() == prior.account:
        problems.append(Problem("account", "The new owner's account is the same as the old one"))
    account = store.find_account(new_account.strip()) if new_account.strip() else None
    if account is not None:
        problems += new_owner_problems(account.account_class, account.customer_class)
    return problems


def new_owner_problems(
    account_class: AccountClass | str, customer_class: CustomerClass | str
) -> list[Problem]:
    """Why the ordinance refuses the new owner's account (a residential account, or a class
    a volume adjustment cannot change), with the citation; [] when it may take the credit.

    The same rules as any application's account (domain.eligibility), checked at intake so
    that no fee is assessed on a change that could never be signed.
    """
    try:
        account_class, customer_class = AccountClass(account_class), CustomerClass(customer_class)
    except ValueError:
        return []  # add_account names a class that does not exist
    return check_eligibility(
        account_class=account_class,
        customer_class=customer_class,
        discharges_to_storm_sewer=False,
    )


def check_ownership_change(
    store: Store,
    prior_number: str,
    new_account: str,
    transfer_on: dt.date | None,
    *,
    this_application: str = "",
) -> None:
    """Raise InvalidInput (field-named problems) or Refused (another ownership change of the
    same credit is still open, `this_application` aside) unless the change may be filed."""
    problems = ownership_change_problems(store, prior_number, new_account, transfer_on)
    if problems:
        raise InvalidInput(problems)
    prior_number = prior_number.strip()
    pending = [n for n in store.open_ownership_changes(prior_number) if n != this_application]
    if pending:
        raise Refused(
            f"The credit of {prior_number} already has an ownership change in progress "
            f"({', '.join(pending)}); finish, deny or withdraw it first"
        )


def check_ownership_draft(store: Store, app: SacApplication) -> None:
    """The rules of check_ownership_change for a stored ownership-change draft about to be
    submitted, read from its details (prior_application, transfer_on)."""
    try:
        transfer_on = dt.date.fromisoformat(app.details.get("transfer_on", "").strip())
    except ValueError:
        transfer_on = None  # a draft the wizard made had no transfer date
    check_ownership_change(
        store,
        app.details.get("prior_application", ""),
        app.account,
        transfer_on,
        this_application=app.number,
    )


@dataclasses.dataclass(frozen=True)
class NewOwner:
    """The new owner's account details, used only when the account is not on file yet."""

    customer: str
    service_address: str
    account_class: AccountClass | str
    customer_class: CustomerClass | str


def record_ownership_change(
    store: Store,
    actor: User | None,
    *,
    prior_application: str,
    new_account: str,
    transfer_on: dt.date,
    received_on: dt.date,
    today: dt.date,
    new_owner: NewOwner | None = None,
    fee_cents: int | None = None,
    fee_reason: str = "",
) -> SacApplication:
    """The whole ownership-change intake as one transaction: the new owner's account (when
    new), the draft, its submission (the fee in force on `received_on` assessed) and, for a
    fee the ordinance does not set, the director's fee with its reason (`fee_cents`).

    Either every step is stored with its audit rows or nothing is: a refusal at any step
    (say, the director's fee) leaves no account, draft or fee behind, so a retry starts clean.
    """
    require(actor, Permission.EDIT_RECORDS, "create applications")
    new_account = new_account.strip()
    with store.write():
        if store.find_account(new_account) is None:
            if new_owner is not None:
                # Refused before the account is added: nothing is stored for an owner who
                # could never take the credit.
                refused = new_owner_problems(new_owner.account_class, new_owner.customer_class)
                if refused:
                    raise InvalidInput(refused)
            if new_owner is None:
                raise InvalidInput(
                    [
                        Problem(
                            "account",
                            f"There is no account {new_account or '(blank)'}; give the new "
                            "owner's name, service address and classes to add it",
                        )
                    ]
                )
            add_account(
                store,
                actor,
                number=new_account,
                customer=new_owner.customer,
                service_address=new_owner.service_address,
                account_class=new_owner.account_class,
                customer_class=new_owner.customer_class,
                today=today,
            )
        draft = create_ownership_change(
            store,
            actor,
            prior_application=prior_application,
            new_account=new_account,
            transfer_on=transfer_on,
            today=today,
        )
        app = submit_application(store, actor, draft.number, received_on=received_on, today=today)
        if fee_cents is not None:
            app = set_fee(store, actor, app.number, cents=fee_cents, reason=fee_reason, today=today)
    return app


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
