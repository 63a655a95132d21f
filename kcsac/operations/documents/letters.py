"""Every decision's letter, built from the records of the decision it records: approval,
denial, amendment, revocation, and the end of a credit by an ownership change.

Each builder takes the decision (by default the latest of its kind) and returns a frozen
snapshot; `build_letter` picks the builder for a decision. Every letter carries the Water
Services contact block the administrator entered (none until then) and the audit chain's
head at issue, printed in its fingerprint block (`kcsac audit verify --head`).
"""

import re
from collections.abc import Sequence
from datetime import date, timedelta

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.documents import (
    AmendmentLetter,
    ApprovalLetter,
    DenialLetter,
    EndingLetter,
    Letter,
    PaymentLine,
    RevocationLetter,
    Signature,
)
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.records import (
    Decision,
    DecisionKind,
    Determination,
    SacApplication,
)
from kcsac.domain.status import Status
from kcsac.operations.admin import water_services_contact
from kcsac.operations.documents.wording import (
    DUTY_ACCESS,
    DUTY_NOTIFY,
    DUTY_READINGS,
    DUTY_STORM,
    DUTY_TESTS,
    ENCLOSURE_SCHEDULE,
    addressee_for,
    amendment_on_bills,
    approval_citations,
    approval_on_bills,
    ending_citations,
    ending_on_bills,
    fee_basis,
    meter_lines,
    method_parameters,
    next_steps_after_ending,
    next_steps_after_revocation,
    revocation_citations,
    revocation_on_bills,
    section_for,
    split_reason,
)
from kcsac.operations.errors import Refused
from kcsac.storage import Store

_METERED = (Method.DEDUCT_METER, Method.SEWER_METER)
_SIGNED = (DecisionKind.APPROVAL, DecisionKind.AMENDMENT)

# Which decision a file's letter records, by the file's status: a revoked or ended credit's
# letter is its revocation or ending, never its approval.
LETTER_DECISIONS: dict[Status, tuple[DecisionKind, ...]] = {
    Status.APPROVED: _SIGNED,
    Status.DENIED: (DecisionKind.DENIAL,),
    Status.REVOKED: (DecisionKind.REVOCATION,),
    Status.ENDED: (DecisionKind.OWNERSHIP_CHANGE,),
}
# operations.ownership notes the prior credit's end as "credit moved to SAC-... from DATE".
_MOVED = re.compile(r"credit moved to (\S+) from (\d{4}-\d{2}-\d{2})")


def _signature(store: Store, decision: Decision) -> Signature:
    user = store.get_user(decision.decided_by)
    name = user.name if user and user.name else decision.decided_by
    title = user.title if user and user.title else "Director of Water Services"
    return Signature(name, title, decision.decided_on)


def _audit_head(store: Store) -> str:
    """The audit chain's newest row as a letter prints it ("SEQ:HASH16"), "" when empty."""
    head = store.audit_head()
    return head.short if head is not None else ""


def last_decision(store: Store, number: str, kinds: Sequence[DecisionKind]) -> Decision | None:
    """The latest decision of `number` of one of `kinds` (None: there is none)."""
    found = [d for d in store.decisions(number) if d.kind in kinds]
    return found[-1] if found else None


def letter_decision(store: Store, number: str) -> Decision:
    """The decision whose letter the file's state calls for (Refused: none yet)."""
    app = store.get_application(number)
    kinds = LETTER_DECISIONS.get(app.status)
    decision = last_decision(store, number, kinds) if kinds else None
    if decision is None:
        raise Refused(
            f"Application {number} is {app.status.label.lower()}; a letter is issued once it "
            "is approved or denied"
        )
    return decision


def build_letter(
    store: Store, decision: Decision, *, letter_on: date, issued_on: date | None = None
) -> Letter:
    """The letter of `decision`, whatever its kind."""
    builders = {
        DecisionKind.APPROVAL: build_approval_letter,
        DecisionKind.AMENDMENT: build_amendment_letter,
        DecisionKind.DENIAL: build_denial_letter,
        DecisionKind.REVOCATION: build_revocation_letter,
        DecisionKind.OWNERSHIP_CHANGE: build_ending_letter,
    }
    build = builders.get(decision.kind)
    if build is None:
        raise Refused(f"A {decision.kind.value} decision has no letter")
    return build(
        store, decision.application, letter_on=letter_on, issued_on=issued_on, decision=decision
    )


def _decision(
    store: Store,
    app: SacApplication,
    decision: Decision | None,
    kinds: tuple[DecisionKind, ...],
    statuses: tuple[Status, ...],
    what: str,
) -> Decision:
    found = decision if decision is not None else last_decision(store, app.number, kinds)
    if found is None or found.kind not in kinds or app.status not in statuses:
        raise Refused(
            f"Application {app.number} is {app.status.label.lower()}; {what}",
            citation=o.SEC_60_2_2_C,
        )
    return found


def _terms(store: Store, decision: Decision, number: str) -> Determination:
    if decision.determination_id is not None:
        return store.get_determination(decision.determination_id)
    return store.determinations(number)[-1]


def _duties(metered: bool) -> tuple[str, ...]:
    duties = [DUTY_NOTIFY, DUTY_STORM, DUTY_ACCESS]
    if metered:
        duties[:0] = [DUTY_READINGS, DUTY_TESTS]
    return tuple(duties)


def build_approval_letter(
    store: Store,
    number: str,
    *,
    letter_on: date,
    issued_on: date | None = None,
    decision: Decision | None = None,
) -> ApprovalLetter:
    """The approval letter of `number`'s approval (the latest, unless `decision` is given)."""
    app = store.get_application(number)
    decision = _decision(
        store,
        app,
        decision,
        (DecisionKind.APPROVAL,),
        (Status.APPROVED, Status.REVOKED, Status.ENDED),
        "an approval letter needs a signed approval",
    )
    account = store.get_account(app.account)
    determination = _terms(store, decision, number)
    effective_on = decision.effective_on or decision.decided_on
    meters = store.meters(number) if determination.method in _METERED else []
    section = section_for(account.customer_class)
    notes: list[str] = []
    basis = "the date the director signed this determination"
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
        fee_citation=fee_basis(app.fee_note, section),
        payments=tuple(
            PaymentLine(p.receipt_no, p.paid_on, p.amount_cents) for p in store.payments(number)
        ),
        fee_paid_cents=app.paid_cents,
        method_label=determination.method.label,
        method_parameters=method_parameters(determination, app.category),
        meters=meter_lines(meters, effective_on),
        duties=_duties(bool(meters)),
        section=section,
        ordinance=o.ORDINANCE,
        citations=approval_citations(account.customer_class),
        signature=_signature(store, decision),
        notes=tuple(notes),
        effective_basis=basis,
        on_bills=approval_on_bills(determination.method, effective_on),
        enclosures=(ENCLOSURE_SCHEDULE,),
        contact=water_services_contact(store),
        audit_head=_audit_head(store),
        issued_on=issued_on or letter_on,
    )


def build_amendment_letter(
    store: Store,
    number: str,
    *,
    letter_on: date,
    issued_on: date | None = None,
    decision: Decision | None = None,
) -> AmendmentLetter:
    """The letter of an amendment: its new terms from its own signature date, and the terms
    they replace (in force before it)."""
    app = store.get_application(number)
    decision = _decision(
        store,
        app,
        decision,
        (DecisionKind.AMENDMENT,),
        (Status.APPROVED, Status.REVOKED, Status.ENDED),
        "an amendment letter needs a signed amendment",
    )
    signed = [d for d in store.decisions(number) if d.kind in _SIGNED]
    earlier = [d for d in signed if d.id < decision.id]
    if not earlier:
        raise Refused(f"Amendment {decision.id} of {number} amends no signed determination")
    before = earlier[-1]
    account = store.get_account(app.account)
    terms, old_terms = _terms(store, decision, number), _terms(store, before, number)
    effective_on = decision.effective_on or decision.decided_on
    meters = store.meters(number) if terms.method in _METERED else []
    first = signed[0]
    return AmendmentLetter(
        letter_on=letter_on,
        application_no=number,
        addressee=addressee_for(account),
        category_label=app.category.label,
        customer_class_label=account.customer_class.label,
        credit_effective_on=app.effective_on or first.effective_on or first.decided_on,
        effective_on=effective_on,
        previous_method_label=old_terms.method.label,
        previous_parameters=method_parameters(old_terms, app.category),
        previous_effective_on=before.effective_on or before.decided_on,
        method_label=terms.method.label,
        method_parameters=method_parameters(terms, app.category),
        meters=meter_lines(meters, effective_on),
        duties=_duties(bool(meters)),
        on_bills=amendment_on_bills(effective_on),
        enclosures=(ENCLOSURE_SCHEDULE,),
        section=section_for(account.customer_class),
        ordinance=o.ORDINANCE,
        citations=approval_citations(account.customer_class),
        signature=_signature(store, decision),
        contact=water_services_contact(store),
        audit_head=_audit_head(store),
        issued_on=issued_on or letter_on,
    )


def build_denial_letter(
    store: Store,
    number: str,
    *,
    letter_on: date,
    issued_on: date | None = None,
    decision: Decision | None = None,
) -> DenialLetter:
    """The denial letter for the latest denial of `number` (or `decision`)."""
    app = store.get_application(number)
    found = (
        decision if decision is not None else last_decision(store, number, (DecisionKind.DENIAL,))
    )
    if found is None or found.kind is not DecisionKind.DENIAL or app.status is not Status.DENIED:
        raise Refused(
            f"Application {number} is {app.status.label.lower()}; a denial letter needs a "
            "recorded denial"
        )
    decision = found
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
        contact=water_services_contact(store),
        audit_head=_audit_head(store),
        issued_on=issued_on or letter_on,
    )


def build_revocation_letter(
    store: Store,
    number: str,
    *,
    letter_on: date,
    issued_on: date | None = None,
    decision: Decision | None = None,
) -> RevocationLetter:
    """The revocation letter: from which day the credit ends, why, and on what authority."""
    app = store.get_application(number)
    decision = _decision(
        store,
        app,
        decision,
        (DecisionKind.REVOCATION,),
        (Status.REVOKED,),
        "a revocation letter needs a recorded revocation",
    )
    account = store.get_account(app.account)
    revoked_from = decision.effective_on or (
        app.ended_on + timedelta(days=1) if app.ended_on else decision.decided_on
    )
    first = last_decision(store, number, (DecisionKind.APPROVAL,))
    credit_from = app.effective_on or (first.effective_on if first else None) or revoked_from
    return RevocationLetter(
        letter_on=letter_on,
        application_no=number,
        addressee=addressee_for(account),
        category_label=app.category.label,
        customer_class_label=account.customer_class.label,
        credit_effective_on=credit_from,
        revoked_from=revoked_from,
        last_credited_on=revoked_from - timedelta(days=1),
        decided_on=decision.decided_on,
        reason=split_reason(decision.note or "No reason was recorded"),
        on_bills=revocation_on_bills(revoked_from),
        next_steps=next_steps_after_revocation(number),
        section=section_for(account.customer_class),
        ordinance=o.ORDINANCE,
        citations=revocation_citations(account.customer_class),
        signature=_signature(store, decision),
        contact=water_services_contact(store),
        audit_head=_audit_head(store),
        issued_on=issued_on or letter_on,
    )


def build_ending_letter(
    store: Store,
    number: str,
    *,
    letter_on: date,
    issued_on: date | None = None,
    decision: Decision | None = None,
) -> EndingLetter:
    """The letter to the earlier owner: the credit ended the day before the ownership
    changed, and moved to the new owner's application (named)."""
    app = store.get_application(number)
    decision = _decision(
        store,
        app,
        decision,
        (DecisionKind.OWNERSHIP_CHANGE,),
        (Status.ENDED,),
        "an ending letter needs a recorded ownership change",
    )
    moved = _MOVED.search(decision.note)
    if moved is None:
        raise Refused(
            f"The ownership change of {number} does not name the new owner's application; "
            "its letter cannot be made"
        )
    new_number, transfer_on = moved.group(1), date.fromisoformat(moved.group(2))
    ended_on = app.ended_on or transfer_on - timedelta(days=1)
    account = store.get_account(app.account)
    first = last_decision(store, number, (DecisionKind.APPROVAL,))
    credit_from = app.effective_on or (first.effective_on if first else None) or ended_on
    return EndingLetter(
        letter_on=letter_on,
        application_no=number,
        addressee=addressee_for(account),
        category_label=app.category.label,
        customer_class_label=account.customer_class.label,
        credit_effective_on=credit_from,
        ended_on=ended_on,
        transfer_on=transfer_on,
        new_application_no=new_number,
        on_bills=ending_on_bills(ended_on, transfer_on, new_number),
        next_steps=next_steps_after_ending(number, new_number),
        section=section_for(account.customer_class),
        ordinance=o.ORDINANCE,
        citations=ending_citations(account.customer_class),
        signature=_signature(store, decision),
        contact=water_services_contact(store),
        audit_head=_audit_head(store),
        issued_on=issued_on or letter_on,
    )
