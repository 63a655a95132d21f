"""The adjusted volume schedule of an approved credit: its billing periods priced by the
engine, every figure as printed, and one period's arithmetic worked through."""

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from kcsac.domain import ordinance as o
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.documents import (
    Addressee,
    Parameter,
    RateLine,
    ScheduleDocument,
    ScheduleLine,
    ScheduleTotals,
)
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.problems import InputError, RuleRefused
from kcsac.domain.rates import VolumeRounding, first_effective_on
from kcsac.domain.records import (
    DecisionKind,
    Determination,
    SacApplication,
)
from kcsac.domain.schedule import AdjustedSchedule, ScheduleRow, build_schedule, with_rows
from kcsac.domain.schedule_notes import NO_LIMITS_NOTE
from kcsac.domain.volume import format_ccf, round_half_up
from kcsac.operations.admin import surcharge_limits
from kcsac.operations.documents.letters import last_decision
from kcsac.operations.documents.wording import addressee_for, method_parameters, section_for
from kcsac.operations.errors import Refused
from kcsac.operations.exports import ENDS_INSIDE
from kcsac.operations.meters import period_inputs
from kcsac.storage import Store


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


def _row(r: ScheduleRow) -> ScheduleLine:
    return ScheduleLine(
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


def _share(r: ScheduleRow) -> str:
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


def _example_row(schedule: AdjustedSchedule) -> ScheduleRow | None:
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
    decision = last_decision(store, number, (DecisionKind.APPROVAL, DecisionKind.AMENDMENT))
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
