"""Ownership change: an approved credit moves to the new owner from the transfer date."""

import dataclasses
import datetime as dt

from kcsac.domain.actions import Action
from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.problems import Problem
from kcsac.domain.records import Decision, DecisionKind, SacApplication, User
from kcsac.domain.roles import Permission
from kcsac.domain.status import Status
from kcsac.domain.workflow import moved
from kcsac.operations.accounts import add_account
from kcsac.operations.errors import InvalidInput, NotFound
from kcsac.operations.intake import create_application, submit_application
from kcsac.operations.ownership_rules import check_ownership_change, new_owner_problems
from kcsac.operations.payments import set_fee
from kcsac.operations.permits import check, require_action
from kcsac.operations.snapshots import snapshot
from kcsac.operations.users import acting
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
    actor = require_action(store, actor, Action.OWNERSHIP)
    try:  # the desk's question first: may this credit change owner now?
        known = store.get_application(prior_application.strip())
    except NotFound:
        pass  # named by field below
    else:
        check(store, actor, Action.OWNERSHIP, known)
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
    password: str = "",
) -> SacApplication:
    """The whole ownership-change intake as one transaction: the new owner's account (when
    new), the draft, its submission (the fee in force on `received_on` assessed) and, for a
    fee the ordinance does not set, the director's fee with its reason (`fee_cents`, with
    the director's `password`).

    Either every step is stored with its audit rows or nothing is: a refusal at any step
    (say, the director's fee) leaves no account, draft or fee behind, so a retry starts clean.
    """
    actor = require_action(store, actor, Action.OWNERSHIP)
    new_account = new_account.strip()
    with acting(store, actor, Permission.EDIT_RECORDS, "create applications") as actor:
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
            app = set_fee(
                store,
                actor,
                app.number,
                cents=fee_cents,
                reason=fee_reason,
                password=password,
                today=today,
            )
    return app


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
        moved(app, Status.APPROVED, effective_on=transfer_on),
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
        moved(prior, Status.ENDED, ended_on=ended_on),
        expected_version=prior.version,
        actor=actor.login,
        action=f"credit ended: ownership changed ({app.number})",
        reason=f"ownership change {app.number} from {transfer_on.isoformat()}",
    )
    return decision
