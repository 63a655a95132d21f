"""The application fee after it is assessed: payments (receipts), their reversal, and a fee
the director decides where the ordinance sets none."""

import dataclasses
import datetime as dt

from kcsac.domain.actions import Action, payment_needs_reason
from kcsac.domain.dates import before_received_problems, future_date_problems
from kcsac.domain.problems import Problem
from kcsac.domain.records import (
    FeeAssessment,
    Payment,
    SacApplication,
    User,
)
from kcsac.domain.roles import Permission
from kcsac.domain.workflow import OPEN_STATUSES
from kcsac.operations.errors import InvalidInput, Refused
from kcsac.operations.permits import check, require_action
from kcsac.operations.progress import refresh_status
from kcsac.operations.users import acting, require
from kcsac.storage import Store

PAYMENT_METHODS = ("cash", "check", "card", "transfer", "money order")


def set_fee(
    store: Store,
    actor: User | None,
    number: str,
    *,
    cents: int,
    reason: str,
    password: str,
    today: dt.date,
) -> SacApplication:
    """A director decides a fee the ordinance does not set (nonresident ownership change),
    with their password."""
    actor = require_action(store, actor, Action.SET_FEE)
    problems = fee_decision_problems(cents, reason)
    if problems:
        raise InvalidInput(problems)
    with acting(store, actor, Permission.SET_FEE, "set a fee", password=password) as actor:
        app = store.get_application(number)
        check(store, actor, Action.SET_FEE, app)
        store.add_fee_assessment(
            FeeAssessment(
                0, number, today, cents, "", "", None, f"decided by the director: {reason.strip()}"
            ),
            actor.login,
            reason=reason.strip(),
        )
        app = dataclasses.replace(
            app, fee_cents=cents, fee_note=f"decided by {actor.name or actor.login}: {reason}"
        )
        return refresh_status(store, app, actor.login, "fee decided by the director", reason)


def fee_decision_problems(cents: int | None, reason: str) -> list[Problem]:
    """What is wrong with a fee the director decides (field-named; [] when nothing): the
    set-fee dialog shows these as they are typed, set_fee refuses on them. `cents` None: no
    amount could be read (the dialog says why)."""
    problems = []
    if cents is not None and cents < 0:
        problems.append(Problem("fee", "The fee cannot be negative"))
    if not reason.strip():
        problems.append(Problem("reason", "Say why this fee was decided (required)"))
    return problems


def payment_problems(
    *, amount_cents: int | None, paid_on: dt.date, receipt_no: str, method: str, today: dt.date
) -> list[Problem]:
    """What is wrong with a payment's own fields (field-named; [] when nothing): the payment
    dialog shows these as they are typed, record_payment refuses on them. `amount_cents`
    None: no amount could be read (the dialog says why). Whether it needs a reason is
    domain.actions.payment_needs_reason; a date before the received date, the file's."""
    problems = []
    if amount_cents is not None and amount_cents <= 0:
        problems.append(Problem("amount", "The amount must be more than $0.00"))
    problems += future_date_problems("paid_on", paid_on, today, "record a payment")
    if not receipt_no.strip():
        problems.append(Problem("receipt_no", "The receipt number is empty"))
    if not method.strip():
        problems.append(Problem("method", "Say how it was paid (cash, check, card ...)"))
    return problems


def record_payment(
    store: Store,
    actor: User | None,
    number: str,
    *,
    amount_cents: int,
    paid_on: dt.date,
    receipt_no: str,
    method: str,
    today: dt.date,
    reason: str = "",
) -> SacApplication:
    """Record a fee payment (receipt); the file moves to review once paid in full.

    An overpayment, or any payment on a withdrawn application, is taken only with a reason
    (the clerk confirmed it: domain.actions.payment_needs_reason); the reason goes to the audit
    trail with the payment. A payment dated after today or before the application was received
    is refused by field (paid_on); one on a file that owes nothing, by the domain's rule.
    """
    actor = require_action(store, actor, Action.PAYMENT)
    problems = payment_problems(
        amount_cents=amount_cents,
        paid_on=paid_on,
        receipt_no=receipt_no,
        method=method,
        today=today,
    )
    if problems:
        raise InvalidInput(problems)
    with acting(store, actor, Permission.EDIT_RECORDS, "record payments") as actor:
        app = store.get_application(number)
        check(store, actor, Action.PAYMENT, app)
        early = before_received_problems("paid_on", paid_on, app.received_on, "record a payment")
        if early:
            raise InvalidInput(early)
        why = payment_needs_reason(app, amount_cents)
        reason = reason.strip()
        if why and not reason:
            raise InvalidInput(
                [Problem("reason", f"{why}; confirm the payment and give a reason to take it")]
            )
        saved = store.add_payment(
            Payment(0, number, receipt_no.strip(), amount_cents, paid_on, method.strip()),
            actor.login,
        )
        if why:
            # The payment's own audit row has no reason; this row records the confirmation.
            store.audit(
                actor.login,
                "payment confirmed",
                "payment",
                str(saved.id),
                after=saved,
                reason=f"{why}: {reason}",
                application=number,
            )
        app = dataclasses.replace(app, paid_cents=app.paid_cents + amount_cents)
        return refresh_status(
            store, app, actor.login, "fee payment recorded", reason if why else ""
        )


def reverse_payment(
    store: Store, actor: User | None, payment_id: int, *, reason: str, today: dt.date
) -> SacApplication:
    """Reverse a mis-keyed or bounced payment (kept on file, no longer counted); the balance
    is owed again. Only before the file is decided."""
    require(store, actor, Permission.EDIT_RECORDS, "reverse payments")
    if not reason.strip():
        raise InvalidInput([Problem("reason", "Say why the payment is reversed")])
    with acting(store, actor, Permission.EDIT_RECORDS, "reverse payments") as actor:
        found = store.payments("", only_id=payment_id)
        if not found:
            raise InvalidInput([Problem("payment", f"Payment {payment_id} does not exist")])
        app = store.get_application(found[0].application)
        if app.status not in OPEN_STATUSES:
            raise Refused(
                f"Application {app.number} is {app.status.label.lower()}; its payments can "
                "no longer be reversed"
            )
        payment = store.reverse_payment(payment_id, today, reason.strip(), actor.login)
        app = dataclasses.replace(app, paid_cents=app.paid_cents - payment.amount_cents)
        return refresh_status(
            store, app, actor.login, f"payment {payment.receipt_no} reversed", reason.strip()
        )
