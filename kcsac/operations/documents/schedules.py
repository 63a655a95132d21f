"""The adjusted volume schedule of a credit: its whole history (operations.credit_schedule,
the computation the billing hand-off uses too) with every figure as printed, the terms in
force over its life, and one period's arithmetic worked through."""

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kcsac.domain import ordinance as o
from kcsac.domain.credit_history import CreditHistory
from kcsac.domain.credit_lines import NO_CONCENTRATIONS, CreditLine
from kcsac.domain.documents import (
    Addressee,
    Parameter,
    RateLine,
    ScheduleDocument,
    ScheduleLine,
    ScheduleTerms,
    ScheduleTotals,
)
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.rates import VolumeRounding
from kcsac.domain.records import Determination
from kcsac.domain.schedule import credited_line
from kcsac.domain.schedule_notes import NO_LIMITS_NOTE
from kcsac.domain.signed_terms import TermsInForce
from kcsac.domain.volume import format_ccf, round_half_up
from kcsac.operations.credit_schedule import credit_schedule
from kcsac.operations.documents.wording import addressee_for, method_parameters, section_for
from kcsac.operations.errors import Refused
from kcsac.storage import Store

NO_SURCHARGE_LIMITS = (
    "No high-concentration surcharge is shown: it is computed from the normal-sewage limits "
    f"of {o.ART_IV}, which are not set."
)
NO_SURCHARGE_CONCENTRATIONS = (
    "No high-concentration surcharge is shown: no BOD, SS or O&G concentrations are on record "
    f"for these billing periods ({o.ART_IV})."
)


def left_out_note(start: date, end: date, reason: str) -> str:
    """The schedule's note for a billing period it leaves out."""
    return f"Period {start.isoformat()} to {end.isoformat()} left out: {reason}."


def build_schedule_document(
    store: Store,
    number: str,
    *,
    prepared_on: date,
    through: date | None = None,
    version: int = 0,
    version_note: str = "",
) -> ScheduleDocument:
    """The adjusted volume schedule of a signed credit: every billing period (starting on
    or before `through`, when given) under the terms in force for it, as signed."""
    app = store.get_application(number)
    if app.effective_on is None:
        raise Refused(
            f"Application {number} is {app.status.label.lower()}; a schedule needs a signed "
            "approval (the effective date)",
            citation=o.SEC_60_2_2_C,
        )
    found = credit_schedule(store, number, today=prepared_on, through=through)
    history = found.history
    if history is None or not history.lines:
        why = "; ".join(
            [*(str(p) for p in found.problems), *(found.notes if history is not None else ())]
        )
        raise Refused(
            f"Application {number}: no billing period on or after the effective date "
            f"{app.effective_on.isoformat()} can be put in a schedule"
            + (f" ({why})" if why else "; import the account's consumption first")
        )
    account = store.get_account(app.account)
    return schedule_document_from(
        history,
        application_no=number,
        addressee=addressee_for(account),
        category_label=app.category.label,
        category=app.category,
        prepared_on=prepared_on,
        version=version,
        version_note=version_note,
    )


def schedule_document_from(
    history: CreditHistory,
    *,
    application_no: str,
    addressee: Addressee,
    category_label: str,
    category,
    prepared_on: date,
    version: int = 0,
    version_note: str = "",
) -> ScheduleDocument:
    """A schedule snapshot from a credit's history: every figure as printed."""
    labels = {span: str(i + 1) for i, span in enumerate(history.spans)}
    several = len(history.spans) > 1
    no_concentrations = bool(history.lines) and all(
        NO_CONCENTRATIONS in line.flags for line in history.lines
    )
    rows = tuple(_row(line, labels if several else {}, no_concentrations) for line in history.lines)
    t = history.totals
    diverted_total = sum(
        (line.diverted_ccf or Decimal(0) for line in history.lines if not line.split), Decimal(0)
    )
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
        for r in history.rates_used
    )
    mode = history.volume_rounding
    rates += (RateLine("Volume rounding", f"{mode.value}: {mode.label}", o.SEC_78_4_1, None),)
    section = section_for(history.customer_class)
    citations = [section]
    for r in history.rates_used:
        if r.figure.citation not in citations:
            citations.append(r.figure.citation)
    citations += [o.SEC_78_4_1, *dict.fromkeys(history.ordinances or (o.ORDINANCE,))]
    surcharge_note = ""
    if t.surcharge_cents is None:
        if history.limits is None:
            surcharge_note = NO_SURCHARGE_LIMITS
        elif no_concentrations:
            surcharge_note = NO_SURCHARGE_CONCENTRATIONS
    notes = history.notes
    if surcharge_note:  # said once, where the surcharge would be, not again in the notes
        notes = tuple(n for n in notes if n != NO_LIMITS_NOTE)
    if several:  # one note for every set of terms' effective date (the table lists them)
        notes = (
            _effective_note(history.spans[0].start),
            *(n for n in notes if not n.startswith("Effective ")),
        )
    current = history.spans[-1]
    terms = tuple(
        ScheduleTerms(
            label=labels[span],
            determination=str(span.determination_id),
            signed_on=span.signed_on or span.start,
            in_force_from=span.start,
            in_force_to=span.end,
            method_label=span.terms.method.label,
            parameters=_parameters(span, category),
        )
        for span in history.spans
    )
    return ScheduleDocument(
        prepared_on=prepared_on,
        application_no=application_no,
        addressee=addressee,
        category_label=category_label,
        customer_class_label=history.customer_class.label,
        method_label=current.terms.method.label,
        method_parameters=_parameters(current, category),
        effective_on=history.spans[0].start,
        volume_rounding=mode.value,
        volume_rounding_label=(
            f"Volume rounding used: {mode.value} ({mode.label}). Each charge is computed "
            "exactly and rounded half-up to the cent once (a reading)."
        ),
        rates=rates,
        rows=rows,
        totals=totals,
        worked_example=worked_example(history),
        notes=(*notes, *(x.note for x in history.left_out)),
        section=section,
        ordinance=o.ORDINANCE,
        citations=tuple(citations),
        surcharge_note=surcharge_note,
        terms=terms if several else (),
        version=version,
        version_note=version_note,
    )


def _effective_note(first: date) -> str:
    return (
        f"Effective {first.isoformat()}, the date of the director's signature "
        f"({o.cites(o.SEC_60_2_2_C, o.SEC_60_3_A_6)}); each amendment takes effect on its own "
        "signature date. The credit is prospective only: f is the share of each period's days "
        "on or after the date its terms took effect."
    )


def _parameters(span: TermsInForce, category) -> tuple[Parameter, ...]:
    t = span.terms
    d = Determination(
        span.determination_id, "", t.method, t.percent, t.fixed_ccf, span.justification
    )
    return method_parameters(d, category)


def _ccf(value: Decimal) -> str:
    """Volumes in the table: 2 places, half-up (the exact value is in the worked example)."""
    return f"{round_half_up(value, 2):,}"


def _figure_text(amount: Decimal, unit: str, label: str) -> str:
    if unit == "days":
        return f"{amount} days"
    places = max(2, -amount.as_tuple().exponent)  # type: ignore[operator]
    return f"${amount:,.{places}f} {unit}"


def _row(line: CreditLine, labels: dict, no_concentrations: bool) -> ScheduleLine:
    flags = [f for f in line.flags if not (no_concentrations and f == NO_CONCENTRATIONS)]
    return ScheduleLine(
        start=line.start,
        end=line.end,
        days=line.days,
        purchased_ccf=_ccf(line.purchased_ccf),
        diverted_ccf=_ccf(line.diverted_ccf) if line.diverted_ccf is not None else "–",
        credited_share=_share(line),
        credited_ccf=_ccf(line.credited_ccf),
        billed_ccf=_ccf(line.billed_ccf),
        service_charge_cents=line.service_charge_cents,
        volume_charge_unadjusted_cents=line.volume_charge_unadjusted_cents,
        volume_charge_cents=line.volume_charge_cents,
        credit_cents=line.credit_cents,
        surcharge_cents=line.surcharge_cents,
        note="; ".join(flags),
        terms=" + ".join(labels[p.span] for p in line.parts) if labels else "",
    )


def _share(line: CreditLine) -> str:
    if line.days_credited == 0:
        return "0"
    if line.days_credited == line.days:
        return "1"
    return line.factor_text


# --- the worked example ------------------------------------------------------------------------


def _example(history: CreditHistory) -> tuple[CreditLine, TermsInForce] | None:
    """A period worked through: one under a single set of terms from its start or a day
    inside it (its f is "days on or after"), preferring one the terms start inside."""
    plain = [line for line in history.lines if line.row is not None]
    partial = [line for line in plain if 0 < line.days_credited < line.days]
    credited = [line for line in plain if line.credit_cents > 0]
    found = partial or credited or plain
    return (found[0], found[0].parts[0].span) if found else None


def _rate(history: CreditHistory, label: str, on: date) -> Decimal | None:
    found = None
    for r in history.rates_used:
        if r.label == label and r.effective_on <= on:
            found = r.figure.amount
    return found


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def worked_example(history: CreditHistory) -> tuple[str, ...]:
    """One period's arithmetic, line by line, from the engine's own figures."""
    found = _example(history)
    if found is None:
        return ()
    line, span = found
    r = line.row
    assert r is not None
    usd = format_usd
    first = history.spans[0] == span
    since = (
        f"the effective date {span.start.isoformat()}"
        if first
        else f"{span.start.isoformat()}, when the terms signed that day took effect"
    )
    if r.days_credited == r.days:
        share = f"all {_days(r.days)} are on or after {since}, so the credited share f = 1."
    else:
        verb = "is" if r.days_credited == 1 else "are"
        share = (
            f"{_days(r.days)}, of which {r.days_credited} {verb} on or after {since}, so the "
            f"credited share f = {r.factor_text}."
        )
    lines = [f"Period {r.start.isoformat()} to {r.end.isoformat()}: {share}"]
    p = format_ccf(r.purchased_ccf)
    d = format_ccf(r.diverted_ccf) if r.diverted_ccf is not None else None
    terms = span.terms
    if r.metered_from is None:
        covers = f"over the whole period ({_days(r.days)})"
    elif r.metered_from == r.end:
        covers = f"from the activation reading on {r.end.isoformat()} (1 day)"
    else:
        covers = (
            f"from the activation reading on {r.metered_from.isoformat()} to "
            f"{r.end.isoformat()} ({_days(r.metered_days)})"
        )
    match terms.method:
        case Method.PERCENTAGE:
            lines.append(f"Diverted D = P × p = {p} ccf × {terms.percent}% = {d} ccf.")
        case Method.FIXED:
            lines.append(f"Diverted D = {terms.fixed_ccf} ccf × {r.days} / 30 = {d} ccf.")
        case Method.DEDUCT_METER:
            lines.append(f"Diverted D = the meters' use {covers} = {d} ccf.")
        case Method.SEWER_METER:
            s = format_ccf(r.sewer_ccf) if r.sewer_ccf is not None else "?"
            lines.append(
                f"Sewer meter S = its volume {covers} = {s} ccf; diverted D = P − S = {d} ccf."
            )
    lines.append(credited_line(r, terms.method))
    billed = format_ccf(r.billed_ccf)
    rate = _rate(history, "volume charge", r.start)
    if rate is not None and "spans two rate tables" not in " ".join(r.flags):
        rate_text = f"${rate:,.2f}"
        if history.volume_rounding is VolumeRounding.WHOLE_CCF_UP:
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
    service = _rate(history, "service charge", r.start)
    if service is not None and "spans two rate tables" not in " ".join(r.flags):
        lines.append(
            f"Service charge = ${service:,.2f} × {r.days} / 30 = "
            f"{usd(r.service_charge_cents)} (not changed by the credit)."
        )
    if r.surcharge_cents is not None:
        lines.append(f"Surcharge on the billed volume B = {usd(r.surcharge_cents)}.")
    return tuple(lines)


__all__: Sequence[str] = (
    "NO_SURCHARGE_CONCENTRATIONS",
    "NO_SURCHARGE_LIMITS",
    "build_schedule_document",
    "left_out_note",
    "schedule_document_from",
    "worked_example",
)
