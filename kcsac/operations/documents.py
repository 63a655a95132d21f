"""Issue and re-print documents: snapshots built from the records, stored, rendered to PDF.

Issuing a document freezes its snapshot (canonical JSON) in the store with the snapshot's
sha256; the PDF's own sha256 goes into the audit trail. Re-printing renders the stored
snapshot, never the current records, so a letter printed a year later is the letter that was
sent. The approval and denial letters are issued by `operations.approvals` inside the signing
(or denial) transaction, dated the decision; `letter_for` returns that stored letter and only
issues one itself for decisions recorded before kcsac did so. Schedules are issued at their
first print. Qt-free: the desk and the CLI call the same functions.
"""

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.documents import (
    Addressee,
    ApprovalLetter,
    DenialLetter,
    Document,
    MeterLine,
    Parameter,
    PaymentLine,
    RateLine,
    Reason,
    ScheduleDocument,
    ScheduleRow,
    ScheduleTotals,
    Signature,
    document_from_json,
)
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.problems import InputError, RuleRefused
from kcsac.domain.rates import VolumeRounding, first_effective_on
from kcsac.domain.records import (
    Account,
    Decision,
    DecisionKind,
    Determination,
    Meter,
    MeterRole,
    MeterUnit,
    SacApplication,
)
from kcsac.domain.schedule import (
    NO_LIMITS_NOTE,
    AdjustedSchedule,
    DeterminationTerms,
    PeriodInput,
    build_schedule,
    with_rows,
)
from kcsac.domain.schedule import ScheduleRow as EngineRow
from kcsac.domain.status import Status
from kcsac.domain.volume import format_ccf, round_half_up
from kcsac.operations.admin import surcharge_limits
from kcsac.operations.errors import Refused
from kcsac.operations.exports import ENDS_INSIDE
from kcsac.operations.meters import period_inputs
from kcsac.storage import Store

APPROVAL = ApprovalLetter.kind
DENIAL = DenialLetter.kind
SCHEDULE = ScheduleDocument.kind

DUTY_READINGS = (
    "Read each meter listed above at the end of every billing period and report the readings "
    "to Kansas City Water Services; readings are never estimated."
)
DUTY_TESTS = (
    "Have each meter tested for accuracy when Water Services asks, and keep the test reports."
)
DUTY_NOTIFY = (
    "Notify Water Services in writing before changing the process, equipment or use that "
    "diverts the water; the credit covers only the process as reviewed."
)
DUTY_STORM = (
    "Never discharge the diverted water, or any water that takes part in the credit, to the "
    "storm sewer."
)
DUTY_ACCESS = "Keep the meters, seals and piping accessible to Water Services for inspection."

_ROLE_LABELS = {
    MeterRole.DEDUCT: "Deduct meter",
    MeterRole.MAKE_UP: "Make-up meter",
    MeterRole.BLOW_DOWN: "Blow-down meter",
    MeterRole.IRRIGATION: "Irrigation meter",
    MeterRole.SEWER: "Sewer meter",
}
_METERED = (Method.DEDUCT_METER, Method.SEWER_METER)


@dataclass(frozen=True)
class IssuedDocument:
    """A document as stored at issue: its snapshot and the snapshot's sha256."""

    id: int
    application: str
    kind: str
    issued_on: date
    issued_by: str
    sha256: str
    snapshot: Document
    decision_id: int | None = None

    @property
    def filename(self) -> str:
        """`SAC-2026-0001-approval-letter.pdf`: what a batch export names the file."""
        return f"{self.application}-{self.kind}.pdf"


# --- building snapshots from the records ------------------------------------------------------


def addressee_for(account: Account) -> Addressee:
    """The letter goes to the customer at the service address (kcsac keeps no other)."""
    street, _, rest = account.service_address.partition(", ")
    lines = (street, rest) if rest else (street,)
    return Addressee(account.customer, lines, account.service_address, account.number)


def section_for(customer_class: CustomerClass) -> str:
    return o.SEC_60_2_2_C if customer_class.is_resident else o.SEC_60_3_A_6


def approval_citations(customer_class: CustomerClass) -> tuple[str, ...]:
    """The sections an approval letter cites, with what each says."""
    return (
        f"{section_for(customer_class)}: who may apply, the application fee, the director's "
        "determination; the credit is effective on the date of the director's signature",
        *charge_citations(customer_class),
        f"{o.ORDINANCE}, which re-enacts these sections effective 2026-05-01",
    )


def charge_citations(customer_class: CustomerClass) -> tuple[str, ...]:
    """The sections of the charges the credit lowers, as a letter cites them."""
    if customer_class.is_resident:
        return (
            f"{o.cites(o.SEC_60_2_1_A, o.SEC_60_2_2)}: resident service and volume charges",
            f"{o.SEC_60_2_4}: a month is about 30 days; charges are prorated per day",
        )
    own = {
        CustomerClass.NONRESIDENT_DIRECT: o.SEC_60_3_A_4,
        CustomerClass.NONRESIDENT_UNMETERED: o.SEC_60_3_A_2,
        CustomerClass.NONRESIDENT_METERED: o.SEC_60_3_A_1,
        CustomerClass.NONRESIDENT_FLAT: o.SEC_60_3_A_3,
    }[customer_class]
    return (
        f"{own}: nonresident charges for this customer class",
        f"{o.SEC_60_3_B}: a month is about 30 days; charges are prorated per day",
    )


def _signature(store: Store, decision: Decision) -> Signature:
    user = store.get_user(decision.decided_by)
    name = user.name if user and user.name else decision.decided_by
    title = user.title if user and user.title else "Director of Water Services"
    return Signature(name, title, decision.decided_on)


def _last_decision(store: Store, number: str, kinds: Sequence[DecisionKind]) -> Decision | None:
    found = [d for d in store.decisions(number) if d.kind in kinds]
    return found[-1] if found else None


def method_parameters(determination: Determination, category: Category) -> tuple[Parameter, ...]:
    """The method's parameters as the letter and schedule print them."""
    out: list[Parameter] = []
    match determination.method:
        case Method.PERCENTAGE:
            out.append(
                Parameter(
                    "Share diverted",
                    f"{determination.percent}% of the water purchased in each billing period",
                )
            )
        case Method.FIXED:
            out.append(
                Parameter(
                    "Diverted volume",
                    f"{determination.fixed_ccf} ccf per 30 days, prorated per day of each "
                    "billing period",
                )
            )
        case Method.DEDUCT_METER:
            if category is Category.EVAPORATION:
                text = "make-up meter use minus blow-down meter use in each billing period"
            elif category is Category.IRRIGATION:
                text = "the irrigation meter's use in each billing period"
            else:
                text = "the deduct meter's use in each billing period"
            out.append(Parameter("Diverted volume", text))
        case Method.SEWER_METER:
            out.append(
                Parameter(
                    "Sewer volume",
                    "the sewer meter's volume replaces the water purchased as the billed "
                    "sewer volume",
                )
            )
    if determination.justification.strip():
        out.append(Parameter("Justification", determination.justification.strip()))
    return tuple(out)


def _reading_text(value: Decimal | None, unit: MeterUnit) -> str:
    if value is None:
        return "not recorded"
    unit_text = "gal" if unit is MeterUnit.GALLONS else "ft³"
    return f"{value:,} {unit_text}"


def meter_lines(meters: Sequence[Meter], effective_on: date | None) -> tuple[MeterLine, ...]:
    return tuple(
        MeterLine(
            role=_ROLE_LABELS.get(m.role, m.role.value),
            serial_no=m.serial,
            make_model=m.make_model,
            size=m.size,
            location=m.location,
            activation_reading=_reading_text(m.activation_reading, m.unit),
            activation_on=effective_on if m.activation_reading is not None else None,
            last_test_on=m.last_tested_on,
        )
        for m in meters
    )


def build_approval_letter(store: Store, number: str, *, letter_on: date) -> ApprovalLetter:
    """The approval letter for the latest signed approval (or amendment) of `number`."""
    app = store.get_application(number)
    decision = _last_decision(store, number, (DecisionKind.APPROVAL, DecisionKind.AMENDMENT))
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


def split_reason(text: str) -> Reason:
    """`"Fee not paid (Code sec. 60-2(2)(c))"` -> message and citation; free text as given."""
    stripped = text.strip().removesuffix(".")
    if stripped.endswith(")") and " (Code" in stripped:
        head, _, tail = stripped.rpartition(" (Code")
        return Reason(head.strip() + ".", "Code" + tail[:-1])
    return Reason(text.strip(), "")


def build_denial_letter(store: Store, number: str, *, letter_on: date) -> DenialLetter:
    """The denial letter for the latest denial of `number`."""
    app = store.get_application(number)
    decision = _last_decision(store, number, (DecisionKind.DENIAL,))
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


# --- the schedule -----------------------------------------------------------------------------


def schedule_periods(store: Store, app: SacApplication, determination: Determination):
    """Billing periods of the account from the effective date on, with the meters' use.

    Returns (periods, notes): periods the schedule can price, and a note for each period
    left out (not read yet, or before kcsac's first rate table). The meters' volumes come
    from meters.period_inputs, the computation the billing export uses too.
    """
    account = store.get_account(app.account)
    effective_on = app.effective_on
    assert effective_on is not None
    first = first_effective_on()
    notes: list[str] = []
    kept = []
    for c in store.consumption(account.number):
        if c.end < effective_on or (app.ended_on and c.start > app.ended_on):
            continue
        if c.start < first:
            notes.append(f"Period {_label(c)} left out: it starts before {first.isoformat()}.")
            continue
        kept.append(c)
    periods: list[PeriodInput] = []
    for c, metered in zip(
        kept,
        period_inputs(store, determination.method, app.number, kept, effective_on),
        strict=True,
    ):
        if metered.period is None:
            notes.append(left_out_note(c.start, c.end, metered.left_out))
        else:
            periods.append(metered.period)
    return periods, notes


def _label(c) -> str:
    return f"{c.start.isoformat()} to {c.end.isoformat()}"


def left_out_note(start: date, end: date, reason: str) -> str:
    """The schedule's note for a billing period it leaves out."""
    return f"Period {start.isoformat()} to {end.isoformat()} left out: {reason}."


def schedule_document_from(
    schedule: AdjustedSchedule,
    *,
    application_no: str,
    addressee: Addressee,
    category_label: str,
    method_params: tuple[Parameter, ...],
    prepared_on: date,
    extra_notes: Sequence[str] = (),
) -> ScheduleDocument:
    """A schedule snapshot from the engine's AdjustedSchedule: every figure as printed."""
    rows = tuple(_row(r) for r in schedule.rows)
    t = schedule.totals
    diverted_total = sum((r.diverted_ccf or Decimal(0) for r in schedule.rows), Decimal(0))
    totals = ScheduleTotals(
        days=t.days,
        purchased_ccf=_ccf(t.purchased_ccf),
        diverted_ccf=_ccf(diverted_total),
        credited_ccf=_ccf(t.credited_ccf),
        billed_ccf=_ccf(t.billed_ccf),
        service_charge_cents=t.service_charge_cents,
        volume_charge_unadjusted_cents=t.volume_charge_unadjusted_cents,
        volume_charge_cents=t.volume_charge_cents,
        credit_cents=t.credit_cents,
        surcharge_cents=t.surcharge_cents,
    )
    rates = tuple(
        RateLine(
            label=r.label[:1].upper() + r.label[1:],
            value=_figure_text(r.figure.amount, r.figure.unit, r.label),
            citation=r.figure.citation,
            effective_on=r.effective_on,
        )
        for r in schedule.rates_used
    )
    mode = schedule.volume_rounding
    rates += (RateLine("Volume rounding", f"{mode.value}: {mode.label}", o.SEC_78_4_1, None),)
    section = section_for(schedule.customer_class)
    citations = [section]
    for r in schedule.rates_used:
        if r.figure.citation not in citations:
            citations.append(r.figure.citation)
    citations += [o.SEC_78_4_1, *dict.fromkeys(schedule.ordinances or (o.ORDINANCE,))]
    surcharge_note = ""
    if t.surcharge_cents is None and schedule.limits is None:
        surcharge_note = (
            "No high-concentration surcharge is shown: the normal-sewage limits of "
            f"{o.ART_IV} have not been entered in kcsac."
        )
    notes = schedule.notes
    if surcharge_note:  # said once, where the surcharge would be, not again in the notes
        notes = tuple(n for n in notes if n != NO_LIMITS_NOTE)
    return ScheduleDocument(
        prepared_on=prepared_on,
        application_no=application_no,
        addressee=addressee,
        category_label=category_label,
        customer_class_label=schedule.customer_class.label,
        method_label=schedule.method.label,
        method_parameters=method_params,
        effective_on=schedule.effective_on,
        volume_rounding=mode.value,
        volume_rounding_label=(
            f"Volume rounding used: {mode.value} ({mode.label}). Each charge is computed "
            "exactly and rounded half-up to the cent once (a reading)."
        ),
        rates=rates,
        rows=rows,
        totals=totals,
        worked_example=worked_example(schedule),
        notes=(*notes, *extra_notes),
        section=section,
        ordinance=o.ORDINANCE,
        citations=tuple(citations),
        surcharge_note=surcharge_note,
    )


def _ccf(value: Decimal) -> str:
    """Volumes in the table: 2 places, half-up (the exact value is in the worked example)."""
    return f"{round_half_up(value, 2):,}"


def _figure_text(amount: Decimal, unit: str, label: str) -> str:
    if unit == "days":
        return f"{amount} days"
    places = max(2, -amount.as_tuple().exponent)  # type: ignore[operator]
    return f"${amount:,.{places}f} {unit}"


def _row(r: EngineRow) -> ScheduleRow:
    return ScheduleRow(
        start=r.start,
        end=r.end,
        days=r.days,
        purchased_ccf=_ccf(r.purchased_ccf),
        diverted_ccf=_ccf(r.diverted_ccf) if r.diverted_ccf is not None else "–",
        credited_share=_share(r),
        credited_ccf=_ccf(r.credited_ccf),
        billed_ccf=_ccf(r.billed_ccf),
        service_charge_cents=r.service_charge_cents,
        volume_charge_unadjusted_cents=r.volume_charge_unadjusted_cents,
        volume_charge_cents=r.volume_charge_cents,
        credit_cents=r.credit_cents,
        surcharge_cents=r.surcharge_cents,
        note="; ".join(r.flags),
    )


def _share(r: EngineRow) -> str:
    if r.days_credited == 0:
        return "0"
    if r.days_credited == r.days:
        return "1"
    return r.factor_text


def _ended_inside(
    schedule: AdjustedSchedule, ended_on: date, periods: Sequence[PeriodInput], limits
) -> AdjustedSchedule:
    """A credit revoked or ended inside a period: that period's credit is the credit from
    the effective date less the credit from the day after the end, as the billing export
    computes it (exports.ENDS_INSIDE)."""
    rows = list(schedule.rows)
    for i, (row, p) in enumerate(zip(rows, periods, strict=True)):
        if not row.start <= ended_on < row.end:
            continue
        after = build_schedule(
            customer_class=schedule.customer_class,
            effective_on=ended_on + timedelta(days=1),
            terms=schedule.terms,
            periods=[p],
            limits=limits,
        ).rows[0]
        credited = row.credited_ccf - after.credited_ccf
        credited_exact = row.credited_exact - after.credited_exact
        credit = row.credit_cents - after.credit_cents
        flags = [*row.flags, ENDS_INSIDE.format(ended_on.isoformat())]
        if row.surcharge_cents is not None:
            flags.append("surcharge not computed for a credit ending inside the period")
        rows[i] = replace(
            row,
            days_credited=row.days_credited - after.days_credited,
            factor=row.factor - after.factor,
            credited_ccf=credited,
            billed_ccf=row.purchased_ccf - credited,
            credited_exact=credited_exact,
            billed_exact=Fraction(p.purchased_ccf) - credited_exact,
            volume_charge_cents=row.volume_charge_unadjusted_cents - credit,
            credit_cents=credit,
            surcharge_cents=None,
            flags=tuple(flags),
        )
    return with_rows(schedule, rows)


def _example_row(schedule: AdjustedSchedule) -> EngineRow | None:
    # A period the credit ends inside is not the example: its f is not "days on or after".
    rows = [r for r in schedule.rows if not any(f.startswith("credit ends ") for f in r.flags)]
    partial = [r for r in rows if 0 < r.days_credited < r.days]
    credited = [r for r in rows if r.credit_cents > 0]
    return (partial or credited or list(rows) or [None])[0]


def _rate(schedule: AdjustedSchedule, label: str) -> Decimal | None:
    for r in schedule.rates_used:
        if r.label == label:
            return r.figure.amount
    return None


def worked_example(schedule: AdjustedSchedule) -> tuple[str, ...]:
    """One period's arithmetic, line by line, from the engine's own figures."""
    r = _example_row(schedule)
    if r is None:
        return ()
    usd = format_usd
    lines = [
        f"Period {r.start.isoformat()} to {r.end.isoformat()}: {r.days} days, of which "
        f"{r.days_credited} are on or after the effective date "
        f"{schedule.effective_on.isoformat()}, so the credited share f = {r.factor_text}"
        f"{' = 1' if r.days_credited == r.days else ''}.",
    ]
    p = format_ccf(r.purchased_ccf)
    d = format_ccf(r.diverted_ccf) if r.diverted_ccf is not None else None
    match schedule.method:
        case Method.PERCENTAGE:
            lines.append(f"Diverted D = P × p = {p} ccf × {schedule.terms.percent}% = {d} ccf.")
        case Method.FIXED:
            lines.append(f"Diverted D = {schedule.terms.fixed_ccf} ccf × {r.days} / 30 = {d} ccf.")
        case Method.DEDUCT_METER:
            lines.append(f"Diverted D = the metered use in the period = {d} ccf.")
        case Method.SEWER_METER:
            s = format_ccf(r.sewer_ccf) if r.sewer_ccf is not None else "?"
            lines.append(f"Sewer meter S = {s} ccf; diverted D = P − S = {d} ccf.")
    credited = format_ccf(r.credited_ccf)
    billed = format_ccf(r.billed_ccf)
    lines.append(
        f"Credited = D × f = {d} × {r.factor_text} = {credited} ccf; billed sewer volume "
        f"B = P − D × f = {p} − {credited} = {billed} ccf."
    )
    rate = _rate(schedule, "volume charge")
    if rate is not None and "spans two rate tables" not in " ".join(r.flags):
        rate_text = f"${rate:,.2f}"
        if schedule.volume_rounding is VolumeRounding.WHOLE_CCF_UP:
            b_whole = math.ceil(r.billed_exact)
            p_whole = math.ceil(Fraction(r.purchased_ccf))
            lines.append(
                f"Volume charge, adjusted = {b_whole} ccf (each started ccf) × {rate_text} = "
                f"{usd(r.volume_charge_cents)}; unadjusted = {p_whole} ccf × {rate_text} = "
                f"{usd(r.volume_charge_unadjusted_cents)}."
            )
        else:
            lines.append(
                f"Volume charge, adjusted = {billed} ccf × {rate_text} = "
                f"{usd(r.volume_charge_cents)}; unadjusted = {p} ccf × {rate_text} = "
                f"{usd(r.volume_charge_unadjusted_cents)}."
            )
    else:
        lines.append(
            f"Volume charge, adjusted = {usd(r.volume_charge_cents)}; unadjusted = "
            f"{usd(r.volume_charge_unadjusted_cents)} (priced day by day with each rate table)."
        )
    lines.append(
        f"Sewer Allowance Credit = {usd(r.volume_charge_unadjusted_cents)} − "
        f"{usd(r.volume_charge_cents)} = {usd(r.credit_cents)}."
    )
    service = _rate(schedule, "service charge")
    if service is not None:
        lines.append(
            f"Service charge = ${service:,.2f} × {r.days} / 30 = "
            f"{usd(r.service_charge_cents)} (not changed by the credit)."
        )
    if r.surcharge_cents is not None:
        lines.append(f"Surcharge on the billed volume B = {usd(r.surcharge_cents)}.")
    return tuple(lines)


def build_schedule_document(store: Store, number: str, *, prepared_on: date) -> ScheduleDocument:
    """The adjusted volume schedule of an approved application, from its billing periods."""
    app = store.get_application(number)
    decision = _last_decision(store, number, (DecisionKind.APPROVAL, DecisionKind.AMENDMENT))
    if decision is None or app.effective_on is None:
        raise Refused(
            f"Application {number} is {app.status.label.lower()}; a schedule needs a signed "
            "approval (the effective date)",
            citation=o.SEC_60_2_2_C,
        )
    account = store.get_account(app.account)
    determination = (
        store.get_determination(decision.determination_id)
        if decision.determination_id is not None
        else store.determinations(number)[-1]
    )
    # An amendment's terms are in force from its own signature: the schedule issued with it
    # starts there (the periods before it were credited under the earlier terms, as the
    # billing export splits them), never the new terms back to the first effective date.
    in_force_from = decision.effective_on or app.effective_on
    amended = in_force_from != app.effective_on
    if amended:
        app = replace(app, effective_on=in_force_from)
    periods, left_out = schedule_periods(store, app, determination)
    if amended:
        left_out = (
            f"Terms as amended, in force from {in_force_from.isoformat()}; the periods before "
            "that date were credited under the earlier terms (their schedule was issued with "
            "them).",
            *left_out,
        )
    if not periods:
        raise Refused(
            f"Application {number}: no billing periods on or after the effective date "
            f"{app.effective_on.isoformat()} to put in a schedule; import the account's "
            "consumption first (kcsac import consumption)"
        )
    terms = DeterminationTerms(determination.method, determination.percent, determination.fixed_ccf)
    try:
        schedule = build_schedule(
            customer_class=account.customer_class,
            effective_on=app.effective_on,
            terms=terms,
            periods=periods,
            limits=surcharge_limits(store),
        )
    except RuleRefused as exc:
        raise Refused(f"Application {number}: {exc}", citation=exc.citation) from exc
    except InputError as exc:
        raise Refused(
            f"Application {number}: the billing periods have problems", exc.problems
        ) from exc
    if app.ended_on is not None:
        schedule = _ended_inside(schedule, app.ended_on, periods, surcharge_limits(store))
    return schedule_document_from(
        schedule,
        application_no=number,
        addressee=addressee_for(account),
        category_label=app.category.label,
        method_params=method_parameters(determination, app.category),
        prepared_on=prepared_on,
        extra_notes=left_out,
    )


# --- issuing and re-printing ------------------------------------------------------------------


def _issued(row: dict) -> IssuedDocument:
    return IssuedDocument(
        id=row["id"],
        application=row["application"],
        kind=row["kind"],
        issued_on=date.fromisoformat(row["issued_on"]),
        issued_by=row["issued_by"],
        sha256=row["sha256"],
        snapshot=document_from_json(row["snapshot_json"]),
        decision_id=row.get("decision_id"),
    )


def issued_documents(store: Store, number: str) -> list[IssuedDocument]:
    """Every document issued for `number`, oldest first."""
    return [_issued(row) for row in store.documents(number)]


def latest_issued(store: Store, number: str, kind: str) -> IssuedDocument | None:
    found = [d for d in issued_documents(store, number) if d.kind == kind]
    return found[-1] if found else None


def issue(
    store: Store, actor: str, snapshot: Document, *, today: date, decision_id: int | None = None
) -> IssuedDocument:
    """Store `snapshot` as issued (JSON + sha256); the PDF's sha256 goes to the audit trail.

    Runs inside the caller's write transaction when there is one (store.write() nests as a
    savepoint), so a decision and its letter are stored, or undone, together."""
    text = snapshot.to_json()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    from kcsac.pdf import render_document  # reportlab loads when a document is made

    pdf_digest = hashlib.sha256(render_document(snapshot)).hexdigest()
    with store.write():
        doc_id = store.add_document(
            application=snapshot.application_no,
            kind=snapshot.kind,
            issued_on=today,
            issued_by=actor,
            snapshot_json=text,
            sha256=digest,
            decision_id=decision_id,
        )
        store.audit(
            actor,
            f"{snapshot.kind} PDF rendered",
            "document",
            str(doc_id),
            after={"snapshot_sha256": digest, "pdf_sha256": pdf_digest},
            application=snapshot.application_no,
        )
    return IssuedDocument(
        doc_id, snapshot.application_no, snapshot.kind, today, actor, digest, snapshot, decision_id
    )


def letter_kind(store: Store, number: str) -> str:
    """Which letter `number` gets: the approval letter or the denial letter."""
    app = store.get_application(number)
    if app.status is Status.DENIED:
        return DENIAL
    if app.status in (Status.APPROVED, Status.REVOKED, Status.ENDED):
        return APPROVAL
    raise Refused(
        f"Application {number} is {app.status.label.lower()}; a letter is issued once it is "
        "approved or denied"
    )


def _current_decision_id(store: Store, number: str, kind: str) -> int | None:
    kinds = (
        (DecisionKind.DENIAL,)
        if kind == DENIAL
        else (
            DecisionKind.APPROVAL,
            DecisionKind.AMENDMENT,
        )
    )
    decision = _last_decision(store, number, kinds)
    return decision.id if decision else None


def _need_issuer(actor: str | None, number: str, what: str) -> str:
    if not actor:  # None or "": not a kcsac user
        raise Refused(
            f"The {what} of application {number} has not been issued yet, and only a kcsac "
            "user can issue it (you may print documents already issued)"
        )
    return actor


def letter_for(store: Store, actor: str | None, number: str, *, today: date) -> IssuedDocument:
    """The issued letter of the current decision: the one frozen when it was signed or
    denied. A decision recorded before letters were frozen at signing gets its letter issued
    now (dated today).

    `actor` None (not a kcsac user) may print issued letters but not issue new ones.
    """
    kind = letter_kind(store, number)
    decision_id = _current_decision_id(store, number, kind)
    existing = latest_issued(store, number, kind)
    if existing is not None and existing.decision_id == decision_id:
        return existing
    actor = _need_issuer(actor, number, "denial letter" if kind == DENIAL else "approval letter")
    build = build_denial_letter if kind == DENIAL else build_approval_letter
    return issue(
        store, actor, build(store, number, letter_on=today), today=today, decision_id=decision_id
    )


def schedule_for(
    store: Store, actor: str | None, number: str, *, today: date, reissue: bool = False
) -> IssuedDocument:
    """The issued schedule of the current approval; issued now if not yet (or `reissue`,
    e.g. after new billing periods were imported)."""
    decision_id = _current_decision_id(store, number, APPROVAL)
    existing = latest_issued(store, number, SCHEDULE)
    if existing is not None and existing.decision_id == decision_id and not reissue:
        return existing
    actor = _need_issuer(actor, number, "adjusted volume schedule")
    doc = build_schedule_document(store, number, prepared_on=today)
    return issue(store, actor, doc, today=today, decision_id=decision_id)


def render_issued(doc: IssuedDocument) -> bytes:
    """Re-print: the stored snapshot rendered again (identical bytes to the first print)."""
    if doc.snapshot.sha256() != doc.sha256:
        raise Refused(
            f"Document {doc.id} of {doc.application}: its stored snapshot does not match its "
            "sha256; the record was altered outside kcsac. Restore a backup."
        )
    from kcsac.pdf import render_document  # reportlab loads when a document is made

    return render_document(doc.snapshot)


# --- batch export -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What a batch export wrote, what it could not, and whether it was cancelled."""

    written: tuple[Path, ...]
    skipped: tuple[tuple[str, str], ...]  # (application number, why)
    cancelled: bool = False


def export_documents(
    store: Store,
    actor: str | None,
    numbers: Sequence[str],
    folder: Path,
    *,
    today: date,
    schedules: bool = True,
    progress: Callable[[int, int], None] = lambda done, total: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ExportResult:
    """Write each application's letter (and, for approvals, its schedule) into `folder`.

    Letters not yet issued are issued now. `progress(done, total)` is called after each
    application; `cancelled()` is checked before each, and a cancel keeps what was written.
    An application that cannot have a letter is skipped with the reason; nothing is lost.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: list[tuple[str, str]] = []
    total = len(numbers)
    for done, number in enumerate(numbers):
        if cancelled():
            return ExportResult(tuple(written), tuple(skipped), cancelled=True)
        try:
            docs = [letter_for(store, actor, number, today=today)]
            if schedules and docs[0].kind == APPROVAL:
                try:
                    docs.append(schedule_for(store, actor, number, today=today))
                except Refused as exc:
                    skipped.append((number, f"schedule: {exc}"))
        except Refused as exc:
            skipped.append((number, str(exc)))
            docs = []
        for doc in docs:
            path = folder / doc.filename
            _write_atomically(path, render_issued(doc))
            written.append(path)
        progress(done + 1, total)
    return ExportResult(tuple(written), tuple(skipped))


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name, then rename: a crash never leaves half a PDF."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def decided_since(store: Store, status: Status, since: date | None) -> list[str]:
    """Numbers of applications now `status` (approved or denied) decided on or after `since`."""
    from kcsac.operations.queries import count_applications, list_applications

    kinds = (
        (DecisionKind.DENIAL,)
        if status is Status.DENIED
        else (DecisionKind.APPROVAL, DecisionKind.AMENDMENT)
    )
    total = count_applications(store, status)
    numbers: list[str] = []
    for summary in list_applications(store, status, limit=max(total, 1)):
        decision = _last_decision(store, summary.number, kinds)
        if decision is None:
            continue
        if since is None or decision.decided_on >= since:
            numbers.append(summary.number)
    return numbers
