"""The adjusted volume schedule: diverted, credited and billed volume and charges per period.

RULES.md, "The adjusted volume": for each billing period with water purchased P, the share
f of its days on or after the effective date, the diverted volume D by the director's
method, credited = D x f, billed B = P - D x f; volume charge = price(B), unadjusted =
price(P), credit = the difference. Every charge is rounded once, half-up, to the cent.

Here: the rows and build_schedule (the exact Fraction engine). Beside it: the inputs and
their checks (determination), the words of flags and notes (schedule_notes), one period in
integer arithmetic for the billing export (period_pricer) and the schedule one period at a
time for a long file (schedule_stream).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import (
    DeterminationTerms,
    PeriodInput,
    check_periods,
    check_terms,
    fixed_diversion,
)
from kcsac.domain.eligibility import adjustment_problem
from kcsac.domain.fees import no_table_reason
from kcsac.domain.method import Method
from kcsac.domain.pricing import (
    Segment,
    cents,
    segments,
    service_dollars,
    surcharge_on_segments,
    volume_dollars,
)
from kcsac.domain.problems import InputError, RuleRefused
from kcsac.domain.rates import RATE_TABLES, Figure, RateTable, VolumeRounding, rate_table_on
from kcsac.domain.schedule_notes import (
    METER_ERROR,
    METER_ERROR_FLAG,
    days_text,
    row_flags,
    schedule_notes,
)
from kcsac.domain.surcharge import Concentrations, SurchargeLimits, check_limits
from kcsac.domain.volume import format_ccf, round_half_up, to_decimal

_HUNDRED = Fraction(100)


@dataclass(frozen=True)
class ScheduleRow:
    """One billing period of the schedule. Volumes are shown to 6 places; *_exact are exact."""

    start: date
    end: date
    days: int
    days_credited: int
    factor: Fraction
    purchased_ccf: Decimal
    diverted_ccf: Decimal | None
    credited_ccf: Decimal
    billed_ccf: Decimal
    service_charge_cents: int
    volume_charge_unadjusted_cents: int
    volume_charge_cents: int
    credit_cents: int
    surcharge_cents: int | None
    sewer_ccf: Decimal | None = None
    diverted_exact: Fraction = Fraction(0)
    credited_exact: Fraction = Fraction(0)
    billed_exact: Fraction = Fraction(0)
    flags: tuple[str, ...] = ()
    # The first day the metered volumes cover when the meters measured only part of the
    # period (their activation reading inside it: RULES.md, "First metered period").
    metered_from: date | None = None

    @property
    def metered_days(self) -> int:
        """The days the metered volumes cover (all the period's days unless metered_from)."""
        return self.days if self.metered_from is None else (self.end - self.metered_from).days + 1

    @property
    def factor_text(self) -> str:
        """`20/31`: days on or after the effective date over the period's days."""
        return f"{self.days_credited}/{self.days}"


@dataclass(frozen=True)
class ScheduleTotals:
    days: int
    purchased_ccf: Decimal
    credited_ccf: Decimal
    billed_ccf: Decimal
    service_charge_cents: int
    volume_charge_unadjusted_cents: int
    volume_charge_cents: int
    credit_cents: int
    surcharge_cents: int | None


@dataclass(frozen=True)
class RateUsed:
    """A figure the schedule applied, with the ordinance and date it took effect."""

    label: str
    figure: Figure
    ordinance: str
    effective_on: date


@dataclass(frozen=True)
class AdjustedSchedule:
    customer_class: CustomerClass
    terms: DeterminationTerms
    effective_on: date
    volume_rounding: VolumeRounding
    rows: tuple[ScheduleRow, ...]
    totals: ScheduleTotals
    rates_used: tuple[RateUsed, ...]
    notes: tuple[str, ...]
    limits: SurchargeLimits | None = None
    ordinances: tuple[str, ...] = field(default=())

    @property
    def method(self) -> Method:
        return self.terms.method


def _diversion(
    p: PeriodInput, terms: DeterminationTerms, month: Decimal
) -> tuple[Fraction, list[str]]:
    """The diverted volume D and flags: for percentage and fixed the whole period's (f
    scales it); for meters their use as measured (from the activation reading in the first
    metered period: RULES.md, "First metered period")."""
    purchased = Fraction(p.purchased_ccf)
    match terms.method:
        case Method.PERCENTAGE:
            return purchased * Fraction(terms.percent or 0) / _HUNDRED, []
        case Method.FIXED:
            return fixed_diversion(terms, p.days, month), []
        case Method.SEWER_METER:
            return purchased - Fraction(p.sewer_ccf or 0), []
        case Method.DEDUCT_METER:
            if p.diverted_ccf is not None:
                return Fraction(p.diverted_ccf), []
            makeup, blowdown = Fraction(p.makeup_ccf or 0), Fraction(p.blowdown_ccf or 0)
            if blowdown > makeup:
                return Fraction(0), [METER_ERROR_FLAG]
            return makeup - blowdown, []
    raise ValueError(terms.method)  # pragma: no cover - Method is exhaustive


def _shown(value: Fraction) -> Decimal:
    """Exact when it terminates within 6 places, else rounded half-up to 6 (a Fraction read
    from a meter in gallons does not terminate)."""
    exact = to_decimal(value)
    rounded = round_half_up(value)
    return exact if exact == rounded else rounded


def metered_since(p: PeriodInput, effective_on: date, method: Method) -> date | None:
    """The first day the period's metered volumes cover (RULES.md, "First metered period"),
    or None for a method without meters.

    A meter's use is measured from its activation reading, taken on the effective date: in
    the period that holds the effective date the metered volumes cover only the days from
    it. `PeriodInput.metered_from` says so explicitly (the readings know when each meter
    counts from, e.g. a meter installed later in a running credit)."""
    if method not in METERED:
        return None
    if p.metered_from is not None:
        return p.metered_from
    if p.start < effective_on <= p.end:
        return effective_on
    return p.start


METERED = (Method.DEDUCT_METER, Method.SEWER_METER)


def _billed_parts(
    p: PeriodInput,
    parts: list[Segment],
    terms: DeterminationTerms,
    diverted: Fraction,
    metered_days: int,
) -> tuple[list[Fraction], list[Fraction]]:
    """(purchased, billed) volume on each segment.

    The purchase is spread evenly over the period's days. On credited days: percentage and
    fixed take D spread over the period's days (D x f in all); a deduct meter's D is spread
    over the days it measured (from its activation reading), a sewer meter's S replaces the
    purchase on the days it measured. Days the meters did not measure are billed on the
    purchase."""
    purchased = Fraction(p.purchased_ccf)
    days = p.days
    bought = [purchased * s.days / days for s in parts]
    billed: list[Fraction] = []
    method = terms.method
    sewer = Fraction(p.sewer_ccf or 0)
    for s, volume in zip(parts, bought, strict=True):
        if not s.credited or (method in METERED and not s.metered):
            billed.append(volume)
        elif method is Method.SEWER_METER:
            billed.append(sewer * s.days / metered_days)
        elif method is Method.DEDUCT_METER:
            billed.append(volume - diverted * s.days / metered_days)
        else:
            billed.append(volume - diverted * s.days / days)
    return bought, billed


def credited_line(row: ScheduleRow, method: Method) -> str:
    """The worked example's line for the credited and billed volumes of `row`, saying which
    days a metered volume covers (RULES.md, "First metered period")."""
    p, d = format_ccf(row.purchased_ccf), format_ccf(row.diverted_ccf or Decimal(0))
    credited, billed = format_ccf(row.credited_ccf), format_ccf(row.billed_ccf)
    since = row.metered_from
    if since is None or method not in METERED:
        covers = ""
        if method in METERED and row.days_credited:
            covers = f"D is the meters' use over the whole period ({days_text(row.days)}). "
        return (
            f"{covers}Credited = D × f = {d} × {row.factor_text} = {credited} ccf; billed sewer "
            f"volume B = P − D × f = {p} − {credited} = {billed} ccf."
        )
    counted = min(row.days_credited, row.metered_days)
    outside = row.days - counted
    if method is Method.SEWER_METER:
        s = format_ccf(row.sewer_ccf or Decimal(0))
        if counted == row.metered_days:
            formula, figures = f"P × {outside}/{row.days} + S", f"{p} × {outside}/{row.days} + {s}"
        else:
            share = f"{counted}/{row.metered_days}"
            formula = f"P × {outside}/{row.days} + S × {share}"
            figures = f"{p} × {outside}/{row.days} + {s} × {share}"
        return (
            f"The sewer meter counts from its activation reading on {since.isoformat()}: S "
            f"covers the {days_text(row.metered_days)} from then, and the "
            f"{days_text(outside)} before it are "
            f"billed on the purchase, so billed sewer volume B = {formula} = {figures} = "
            f"{billed} ccf; credited = P − B = {credited} ccf."
        )
    if counted == row.metered_days:
        return (
            f"Credited = D as measured = {credited} ccf: the meters count from their activation "
            f"reading on {since.isoformat()}, so D covers only the {days_text(row.metered_days)} "
            f"from then, all credited, and f does not scale it again; billed sewer volume "
            f"B = P − D = {p} − {credited} = {billed} ccf."
        )
    return (
        f"Credited = D × {counted}/{row.metered_days} = {credited} ccf: D is the meters' use "
        f"from {since.isoformat()} ({days_text(row.metered_days)}), of which {counted} are "
        f"credited; billed sewer volume B = P − credited = {p} − {credited} = {billed} ccf."
    )


def period_row(
    p: PeriodInput,
    parts: list[Segment],
    terms: DeterminationTerms,
    customer_class: CustomerClass,
    rounding: VolumeRounding,
    limits: SurchargeLimits | None,
    effective_on: date,
) -> ScheduleRow:
    month = parts[0].table.month_for(customer_class).amount
    purchased = Fraction(p.purchased_ccf)
    diverted, flags = _diversion(p, terms, month)
    credited_days = sum(s.days for s in parts if s.credited)
    factor = Fraction(credited_days, p.days)
    since = metered_since(p, effective_on, terms.method)
    metered_days = p.days if since is None else (p.end - since).days + 1
    counted = sum(s.days for s in parts if s.credited and s.metered)
    bought, billed_parts = _billed_parts(p, parts, terms, diverted, metered_days)
    billed = sum(billed_parts, Fraction(0))
    credited = purchased - billed
    unadjusted = cents(volume_dollars(customer_class, parts, bought, rounding))
    # Two rate tables and a meter's use on fewer days than the purchase could price B below
    # nothing; a charge is never below 0.
    adjusted = cents(
        max(Fraction(0), volume_dollars(customer_class, parts, billed_parts, rounding))
    )
    surcharge: int | None = None
    if limits is not None and p.bod is not None and p.ss is not None and p.og is not None:
        found = Concentrations(p.bod, p.ss, p.og)
        on_billed = surcharge_on_segments(customer_class, parts, billed_parts, limits, found)
        surcharge = cents(max(Fraction(0), on_billed))
    elif limits is not None:
        flags.append("no concentrations: surcharge not computed")
    partly_metered = since is not None and since > p.start and counted > 0
    flags += row_flags(
        p,
        terms.method,
        credited_days,
        since if partly_metered else None,
        counted,
        metered_days,
        negative=credited < 0,
        two_tables=len({id(s.table) for s in parts}) > 1,
    )
    credited_shown = _shown(credited)
    purchased_shown = _shown(purchased)
    return ScheduleRow(
        start=p.start,
        end=p.end,
        days=p.days,
        days_credited=credited_days,
        factor=factor,
        purchased_ccf=purchased_shown,
        diverted_ccf=_shown(diverted),
        credited_ccf=credited_shown,
        billed_ccf=purchased_shown - credited_shown,  # so billed + credited = purchased
        service_charge_cents=cents(service_dollars(customer_class, parts)),
        volume_charge_unadjusted_cents=unadjusted,
        volume_charge_cents=adjusted,
        credit_cents=unadjusted - adjusted,
        surcharge_cents=surcharge,
        sewer_ccf=None if p.sewer_ccf is None else _shown(Fraction(p.sewer_ccf)),
        diverted_exact=diverted,
        credited_exact=credited,
        billed_exact=billed,
        flags=tuple(flags),
        metered_from=since if partly_metered else None,
    )


def build_schedule(
    *,
    customer_class: CustomerClass,
    effective_on: date,
    terms: DeterminationTerms,
    periods: Sequence[PeriodInput],
    rounding: VolumeRounding | None = None,
    limits: SurchargeLimits | None = None,
    tables: Sequence[RateTable] = RATE_TABLES,
) -> AdjustedSchedule:
    """The adjusted volume schedule. Raises RuleRefused for what the rules forbid and
    InputError for input that check_terms/check_periods would report."""
    not_adjustable = adjustment_problem(customer_class)
    if not_adjustable is not None:
        raise RuleRefused(not_adjustable.message, not_adjustable.citation)
    table = rate_table_on(effective_on, tables)
    if table is None:
        raise RuleRefused(
            f"the credit cannot take effect: {no_table_reason(effective_on, tuple(tables))}"
        )
    problems = check_terms(terms) + check_periods(
        periods, terms, customer_class=customer_class, tables=tables
    )
    if limits is not None:
        problems += check_limits(limits)
    if problems:
        raise InputError(problems)
    mode = rounding or table.volume_rounding
    rows: list[ScheduleRow] = []
    used_tables: list[RateTable] = []
    for p in periods:
        since = metered_since(p, effective_on, terms.method)
        parts = segments(p.start, p.end, effective_on, tables, since)
        assert parts is not None  # check_periods refused days without a table
        rows.append(period_row(p, parts, terms, customer_class, mode, limits, effective_on))
        for s in parts:
            if s.table not in used_tables:
                used_tables.append(s.table)
    if not used_tables:
        used_tables.append(table)
    used_tables.sort(key=lambda t: t.effective_on)
    return AdjustedSchedule(
        customer_class=customer_class,
        terms=terms,
        effective_on=effective_on,
        volume_rounding=mode,
        rows=tuple(rows),
        totals=_totals(rows),
        rates_used=rates_used(used_tables, customer_class, limits),
        notes=schedule_notes(
            table,
            used_tables,
            terms,
            effective_on,
            mode,
            limits,
            meter_error=any(METER_ERROR in f for r in rows for f in r.flags),
            first_metered=any(r.metered_from is not None for r in rows),
        ),
        limits=limits,
        ordinances=tuple(t.ordinance for t in used_tables),
    )


def with_rows(schedule: AdjustedSchedule, rows: Sequence[ScheduleRow]) -> AdjustedSchedule:
    """The schedule with some rows replaced (e.g. a credit ending inside a period), its
    totals summed again."""
    return replace(schedule, rows=tuple(rows), totals=_totals(rows))


def _totals(rows: Sequence[ScheduleRow]) -> ScheduleTotals:
    surcharges = [r.surcharge_cents for r in rows if r.surcharge_cents is not None]
    return ScheduleTotals(
        days=sum(r.days for r in rows),
        purchased_ccf=sum((r.purchased_ccf for r in rows), Decimal(0)),
        credited_ccf=sum((r.credited_ccf for r in rows), Decimal(0)),
        billed_ccf=sum((r.billed_ccf for r in rows), Decimal(0)),
        service_charge_cents=sum(r.service_charge_cents for r in rows),
        volume_charge_unadjusted_cents=sum(r.volume_charge_unadjusted_cents for r in rows),
        volume_charge_cents=sum(r.volume_charge_cents for r in rows),
        credit_cents=sum(r.credit_cents for r in rows),
        surcharge_cents=sum(surcharges) if len(surcharges) == len(rows) else None,
    )


def rates_used(
    tables: Sequence[RateTable], customer_class: CustomerClass, limits: SurchargeLimits | None
) -> tuple[RateUsed, ...]:
    used: list[RateUsed] = []
    for t in tables:
        charges = t.charges_for(customer_class)
        pairs: list[tuple[str, Figure | None]] = [
            ("service charge", charges.service_charge),
            ("volume charge", charges.volume_charge),
            ("month", t.month_for(customer_class)),
        ]
        if limits is not None:
            rates = t.surcharge_for(customer_class)
            pairs += [
                ("surcharge RB", rates.bod),
                ("surcharge RS", rates.ss),
                ("surcharge RG", rates.og),
            ]
        used += [RateUsed(label, f, t.ordinance, t.effective_on) for label, f in pairs if f]
    return tuple(used)
