"""The approval and denial letters, built from the records of the decision they record."""

from collections.abc import Sequence
from datetime import date

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.documents import (
    ApprovalLetter,
    DenialLetter,
    PaymentLine,
    Signature,
)
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.records import (
    Decision,
    DecisionKind,
)
from kcsac.domain.status import Status
from kcsac.operations.documents.wording import (
    DUTY_ACCESS,
    DUTY_NOTIFY,
    DUTY_READINGS,
    DUTY_STORM,
    DUTY_TESTS,
    addressee_for,
    approval_citations,
    meter_lines,
    method_parameters,
    section_for,
    split_reason,
)
from kcsac.operations.errors import Refused
from kcsac.storage import Store

_METERED = (Method.DEDUCT_METER, Method.SEWER_METER)


def _signature(store: Store, decision: Decision) -> Signature:
    user = store.get_user(decision.decided_by)
    name = user.name if user and user.name else decision.decided_by
    title = user.title if user and user.title else "Director of Water Services"
    return Signature(name, title, decision.decided_on)


def last_decision(store: Store, number: str, kinds: Sequence[DecisionKind]) -> Decision | None:
    """The latest decision of `number` of one of `kinds` (None: there is none)."""
    found = [d for d in store.decisions(number) if d.kind in kinds]
    return found[-1] if found else None


def build_approval_letter(store: Store, number: str, *, letter_on: date) -> ApprovalLetter:
    """The approval letter for the latest signed approval (or amendment) of `number`."""
    app = store.get_application(number)
    decision = last_decision(store, number, (DecisionKind.APPROVAL, DecisionKind.AMENDMENT))
    if decision is None or app.status not in (Status.APPROVED, Status.REVOKED, Status.ENDED):
        raise Refused(
            f"Application {number} is {app.status.label.lower()}; an approval letter needs a "
            "signed approval",
            citation=o.SEC_60_2_2_C,
        )
    account = store.get_account(app.account)
    determination = (
        store.get_determination(decision.determination_id)
        if decision.determination_id is not None
        else store.determinations(number)[-1]
    )
    effective_on = decision.effective_on or decision.decided_on
    payments = store.payments(number)
    meters = store.meters(number) if determination.method in _METERED else []
    duties = [DUTY_NOTIFY, DUTY_STORM, DUTY_ACCESS]
    if meters:
        duties[:0] = [DUTY_READINGS, DUTY_TESTS]
    section = section_for(account.customer_class)
    notes: list[str] = []
    basis = "the date the director signed this determination"
    if decision.kind is DecisionKind.AMENDMENT:
        notes.append(
            f"This letter records an amendment of the determination, signed "
            f"{decision.decided_on.isoformat()}; it replaces the terms of earlier letters from "
            "that date."
        )
    if app.category is Category.OWNERSHIP_CHANGE:
        basis = "the date the ownership changed"
        if decision.note:
            notes.append(f"Ownership change: {decision.note}.")
    return ApprovalLetter(
        letter_on=letter_on,
        application_no=number,
        addressee=addressee_for(account),
        category_label=app.category.label,
        customer_class_label=account.customer_class.label,
        effective_on=effective_on,
        fee_assessed_cents=app.fee_cents or 0,
        fee_citation=app.fee_note or section,
        payments=tuple(PaymentLine(p.receipt_no, p.paid_on, p.amount_cents) for p in payments),
        fee_paid_cents=app.paid_cents,
        method_label=determination.method.label,
        method_parameters=method_parameters(determination, app.category),
        meters=meter_lines(meters, effective_on),
        duties=tuple(duties),
        section=section,
        ordinance=o.ORDINANCE,
        citations=approval_citations(account.customer_class),
        signature=_signature(store, decision),
        notes=tuple(notes),
        effective_basis=basis,
    )


def build_denial_letter(store: Store, number: str, *, letter_on: date) -> DenialLetter:
    """The denial letter for the latest denial of `number`."""
    app = store.get_application(number)
    decision = last_decision(store, number, (DecisionKind.DENIAL,))
    if decision is None or app.status is not Status.DENIED:
        raise Refused(
            f"Application {number} is {app.status.label.lower()}; a denial letter needs a "
            "recorded denial"
        )
    account = store.get_account(app.account)
    section = section_for(account.customer_class)
    # deny() keeps its free-text note among the reasons; the note is for the file, not a reason.
    given = [r for r in decision.reasons if not (decision.note and r == decision.note.strip())]
    reasons = tuple(split_reason(r) for r in given or decision.reasons)
    words = " ".join(r.message.lower() for r in reasons)
    steps: list[str] = []
    if "storm sewer" in words:
        steps.append(
            "Change the drainage so that no diverted water reaches the storm sewer; then you "
            "may apply again with a plan that shows the change."
        )
    if "fee" in words and app.balance_cents:
        steps.append(
            f"Pay the balance of the application fee ({format_usd(app.balance_cents)}); the "
            "full fee must be received before any sewer use volume adjustment."
        )
    if "review" in words or "inspection" in words:
        steps.append(
            "Correct what the site review, plan review or installation inspection found, and "
            "ask Water Services to inspect again."
        )
    steps += [
        "If you believe a fact stated above is wrong, write to Water Services and quote "
        f"application {number}; the director may reopen the file.",
        "You may submit a new application at any time; it is assessed the fee in force on the "
        "day it is received.",
    ]
    citations = sorted({r.citation for r in reasons if r.citation} | {section})
    return DenialLetter(
        letter_on=letter_on,
        application_no=number,
        addressee=addressee_for(account),
        category_label=app.category.label,
        customer_class_label=account.customer_class.label,
        decided_on=decision.decided_on,
        reasons=reasons,
        next_steps=tuple(steps),
        section=section,
        ordinance=o.ORDINANCE,
        citations=(*citations, o.ORDINANCE),
        signature=_signature(store, decision),
        fee_assessed_cents=app.fee_cents,
        fee_paid_cents=app.paid_cents,
    )
