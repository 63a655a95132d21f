"""The adjusted volume schedule: diverted, credited and billed volume and charges per period.

RULES.md, "The adjusted volume": for each billing period with water purchased P, the share
f of its days on or after the effective date, the diverted volume D by the director's
method, credited = D x f, billed B = P - D x f; volume charge = price(B), unadjusted =
price(P), credit = the difference. Every charge is rounded once, half-up, to the cent.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Context, Decimal
from fractions import Fraction
from typing import NamedTuple

from kcsac.domain import ordinance as o
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import (
    DeterminationTerms,
    PeriodInput,
    check_periods,
    check_terms,
    fixed_diversion,
    parse_period_field,
    period_field,
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
from kcsac.domain.rates import (
    RATE_TABLES,
    Figure,
    RateTable,
    VolumeRounding,
    rate_table_on,
)
from kcsac.domain.surcharge import Concentrations, SurchargeLimits, check_limits
from kcsac.domain.volume import (
    LB_PER_CCF_MG_L,
    VOLUME_PLACES,
    format_ccf,
    round_half_up,
    to_decimal,
)

# The inputs and their checks live in determination.py; importing them from here works too.
__all__ = [
    "AdjustedSchedule",
    "DeterminationTerms",
    "PeriodFigures",
    "PeriodInput",
    "PeriodPricer",
    "RateUsed",
    "RowFigures",
    "ScheduleRow",
    "ScheduleStream",
    "ScheduleTotals",
    "build_schedule",
    "check_periods",
    "check_terms",
    "credited_line",
    "metered_since",
    "parse_period_field",
    "period_field",
    "with_rows",
]

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
    if method not in _METERED:
        return None
    if p.metered_from is not None:
        return p.metered_from
    if p.start < effective_on <= p.end:
        return effective_on
    return p.start


_METERED = (Method.DEDUCT_METER, Method.SEWER_METER)
_METER_ERROR = "meter error"
METER_ERROR_FLAG = "meter error: blow-down above make-up; no credit"


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
        if not s.credited or (method in _METERED and not s.metered):
            billed.append(volume)
        elif method is Method.SEWER_METER:
            billed.append(sewer * s.days / metered_days)
        elif method is Method.DEDUCT_METER:
            billed.append(volume - diverted * s.days / metered_days)
        else:
            billed.append(volume - diverted * s.days / days)
    return bought, billed


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _metered_flag(
    p: PeriodInput, method: Method, since: date, counted: int, metered_days: int, negative: bool
) -> str:
    """What a row whose meters measured only part of the period says about it."""
    days = p.days
    outside = days - counted
    if method is Method.SEWER_METER:
        sewer = "S" if counted == metered_days else f"S x {counted}/{metered_days}"
        text = (
            f"sewer meter from its activation reading on {since.isoformat()}: the "
            f"{_days(outside)} before it billed on the purchase, B = P x {outside}/{days} + {sewer}"
        )
        if negative:
            text += "; B is above P, billed as measured: the credit is negative, an added charge"
        return text
    if counted == metered_days:
        return (
            f"metered from the activation reading on {since.isoformat()}: D is the use of those "
            f"{_days(metered_days)} only and is credited as measured (f does not scale it)"
        )
    return (
        f"metered from {since.isoformat()}: {counted} of its {_days(metered_days)} are credited, "
        f"credited = D x {counted}/{metered_days}"
    )


def credited_line(row: ScheduleRow, method: Method) -> str:
    """The worked example's line for the credited and billed volumes of `row`, saying which
    days a metered volume covers (RULES.md, "First metered period")."""
    p, d = format_ccf(row.purchased_ccf), format_ccf(row.diverted_ccf or 0)
    credited, billed = format_ccf(row.credited_ccf), format_ccf(row.billed_ccf)
    since = row.metered_from
    if since is None or method not in _METERED:
        covers = ""
        if method in _METERED and row.days_credited:
            covers = f"D is the meters' use over the whole period ({_days(row.days)}). "
        return (
            f"{covers}Credited = D × f = {d} × {row.factor_text} = {credited} ccf; billed sewer "
            f"volume B = P − D × f = {p} − {credited} = {billed} ccf."
        )
    counted = min(row.days_credited, row.metered_days)
    outside = row.days - counted
    if method is Method.SEWER_METER:
        s = format_ccf(row.sewer_ccf or 0)
        if counted == row.metered_days:
            formula, figures = f"P × {outside}/{row.days} + S", f"{p} × {outside}/{row.days} + {s}"
        else:
            share = f"{counted}/{row.metered_days}"
            formula = f"P × {outside}/{row.days} + S × {share}"
            figures = f"{p} × {outside}/{row.days} + {s} × {share}"
        return (
            f"The sewer meter counts from its activation reading on {since.isoformat()}: S covers "
            f"the {_days(row.metered_days)} from then, and the {_days(outside)} before it are "
            f"billed on the purchase, so billed sewer volume B = {formula} = {figures} = "
            f"{billed} ccf; credited = P − B = {credited} ccf."
        )
    if counted == row.metered_days:
        return (
            f"Credited = D as measured = {credited} ccf: the meters count from their activation "
            f"reading on {since.isoformat()}, so D covers only the {_days(row.metered_days)} "
            f"from then, all credited, and f does not scale it again; billed sewer volume "
            f"B = P − D = {p} − {credited} = {billed} ccf."
        )
    return (
        f"Credited = D × {counted}/{row.metered_days} = {credited} ccf: D is the meters' use "
        f"from {since.isoformat()} ({_days(row.metered_days)}), of which {counted} are "
        f"credited; billed sewer volume B = P − credited = {p} − {credited} = {billed} ccf."
    )


def _row_flags(
    p: PeriodInput,
    method: Method,
    credited_days: int,
    metered_from: date | None,
    counted: int,
    metered_days: int,
    *,
    negative: bool,
    two_tables: bool,
) -> list[str]:
    """A row's flags after the diversion's and the surcharge's (the one wording both the
    engine and the quick path use)."""
    flags: list[str] = []
    if credited_days == 0:
        flags.append("before the effective date: no credit")
    elif metered_from is not None:
        flags.append(_metered_flag(p, method, metered_from, counted, metered_days, negative))
    elif negative:  # only the sewer-meter method bills more than the purchase
        # RULES.md: S above P is billed as measured, so B is above P and the credit (the
        # unadjusted less the adjusted charge) is negative: the one negative credit.
        if credited_days == p.days:
            flags.append(
                "sewer meter above purchase: billed as measured (B = S, above P); the credit "
                "is negative, an added charge"
            )
        else:
            flags.append(
                f"sewer meter above purchase: billed as measured on the {credited_days} of "
                f"{p.days} days on or after the effective date (B = P + (S - P) x "
                f"{credited_days}/{p.days}, above P); the credit is negative, an added charge"
            )
    if two_tables:
        flags.append("spans two rate tables: priced day by day")
    return flags


def _row(
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
    if limits is not None and None not in (p.bod, p.ss, p.og):
        found = Concentrations(p.bod, p.ss, p.og)  # type: ignore[arg-type]
        on_billed = surcharge_on_segments(customer_class, parts, billed_parts, limits, found)
        surcharge = cents(max(Fraction(0), on_billed))
    elif limits is not None:
        flags.append("no concentrations: surcharge not computed")
    partly_metered = since is not None and since > p.start and counted > 0
    flags += _row_flags(
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
        rows.append(_row(p, parts, terms, customer_class, mode, limits, effective_on))
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
        rates_used=_rates_used(used_tables, customer_class, limits),
        notes=_notes(
            table,
            used_tables,
            terms,
            effective_on,
            mode,
            limits,
            meter_error=any(_METER_ERROR in f for r in rows for f in r.flags),
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
    surcharges = [r.surcharge_cents for r in rows]
    return ScheduleTotals(
        days=sum(r.days for r in rows),
        purchased_ccf=sum((r.purchased_ccf for r in rows), Decimal(0)),
        credited_ccf=sum((r.credited_ccf for r in rows), Decimal(0)),
        billed_ccf=sum((r.billed_ccf for r in rows), Decimal(0)),
        service_charge_cents=sum(r.service_charge_cents for r in rows),
        volume_charge_unadjusted_cents=sum(r.volume_charge_unadjusted_cents for r in rows),
        volume_charge_cents=sum(r.volume_charge_cents for r in rows),
        credit_cents=sum(r.credit_cents for r in rows),
        surcharge_cents=None if None in surcharges else sum(surcharges),  # type: ignore[arg-type]
    )


def _rates_used(
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


def _method_note(terms: DeterminationTerms) -> str:
    match terms.method:
        case Method.PERCENTAGE:
            return f"Method: percentage, D = P x {terms.percent}% (set by the director)."
        case Method.FIXED:
            return f"Method: fixed, D = {terms.fixed_ccf} ccf x days / 30 (set by the director)."
        case Method.DEDUCT_METER:
            return (
                "Method: deduct meter, D = the deduct meter's use in the period (evaporation: "
                "make-up minus blow-down; blow-down above make-up is a meter error, no credit)."
            )
        case _:
            return (
                "Method: sewer meter, the sewer meter's volume S replaces the purchase "
                "(D = P - S); a sewer meter above the purchase is billed as measured."
            )


FIRST_METERED_NOTE = (
    "First metered period (ruling): a meter's use is measured from its activation reading, "
    "taken on the effective date (for a meter installed later, on its installation). In the "
    "billing period that holds that reading the metered volume covers only the days from it, "
    "so f does not scale it again: credited = D as measured (deduct meter; make-up minus "
    "blow-down; irrigation meter), and with a sewer meter B = P x (1 - f) + S."
)

NO_LIMITS_NOTE = (
    f"Surcharge not computed: the normal-sewage limits of {o.ART_IV} are not set (limits not set)."
)


def _notes(
    table: RateTable,
    used: Sequence[RateTable],
    terms: DeterminationTerms,
    effective_on: date,
    mode: VolumeRounding,
    limits: SurchargeLimits | None,
    *,
    meter_error: bool,
    first_metered: bool,
) -> tuple[str, ...]:
    if mode is table.volume_rounding is VolumeRounding.PRO_RATA:
        rounding = f"Volume rounding: pro-rata, {mode.label} ({table.volume_rounding_basis})."
    else:
        rounding = (
            f"Volume rounding: {mode.value}, {mode.label} (chosen for this schedule; the "
            f"table's setting is {table.volume_rounding.value})."
        )
    notes = [
        rounding,
        "Each charge is rounded half-up to the cent once, at the end of its own calculation "
        "(reading).",
        f"Effective {effective_on.isoformat()}, the date of the director's signature "
        f"({o.cites(o.SEC_60_2_2_C, o.SEC_60_3_A_6)}): the credit is prospective only; f is the "
        "share of each period's days on or after that date.",
        _method_note(terms),
        f"{o.MONTH_ABOUT_30_DAYS.capitalize()} ({o.cites(o.SEC_60_2_4, o.SEC_60_3_B)}).",
    ]
    if limits is None:
        notes.append(NO_LIMITS_NOTE)
    else:
        notes.append(
            f"Surcharge on the adjusted billed volume with normal-sewage limits BOD {limits.bod}, "
            f"SS {limits.ss}, O&G {limits.og} mg/L ({limits.citation or 'no citation given'})."
        )
    if len(used) > 1:
        names = ", ".join(f"{t.ordinance} from {t.effective_on.isoformat()}" for t in used)
        notes.append(f"Periods spanning two rate tables are priced day by day ({names}).")
    if meter_error:
        notes.append("A period flagged with a meter error gets no credit.")
    if first_metered:
        notes.append(FIRST_METERED_NOTE)
    return tuple(notes)


# --- one period's figures in integer arithmetic (the billing export's hot path) -------------

_MILLION = 10**VOLUME_PLACES
_EXACT = Context(prec=60)  # the precision of volume.to_decimal, so exact results agree
_LIMIT = 10**12  # beyond this many ccf (or days) the quick path steps aside


class PeriodFigures(NamedTuple):
    """What build_schedule's row gives for one period and the billing export needs, with
    the factor kept as integers (days_credited / days, not reduced). A NamedTuple: the
    export makes one per period, half a million at a time."""

    days: int
    days_credited: int
    purchased_ccf: Decimal
    diverted_ccf: Decimal
    credited_ccf: Decimal
    billed_ccf: Decimal
    volume_charge_unadjusted_cents: int
    volume_charge_cents: int
    credit_cents: int
    flags: tuple[str, ...]


def _ratio(value: Decimal) -> tuple[int, int] | None:
    """(numerator, denominator) of a Decimal with at most 6 places, else None."""
    try:
        num, den = value.as_integer_ratio()
    except (ValueError, OverflowError):  # NaN, infinity
        return None
    return None if _MILLION % den else (num, den)


def _shown_ratio(num: int, den: int) -> Decimal:
    """schedule._shown(Fraction(num, den)) without the Fraction: exact when it terminates
    within 6 places (as volume.to_decimal writes it), else half-up to 6 places."""
    if num * _MILLION % den == 0:
        return _EXACT.divide(Decimal(num), Decimal(den))
    whole = (2 * abs(num) * _MILLION + den) // (2 * den)
    return Decimal(-whole if num < 0 else whole).scaleb(-VOLUME_PLACES)


class PeriodPricer:
    """build_schedule's figures for one period at a time, for the common case: a percentage
    or fixed determination, one rate table over the period, pro-rata pricing, no surcharge.

    `figures()` returns None whenever the general engine is needed (metered methods, a
    period across two tables, whole-ccf-up rounding, anything build_schedule would refuse
    or report), so the caller falls back to build_schedule. Exact integer arithmetic: the
    same numbers as the Fraction engine (tests/domain/test_period_pricer.py compares them).
    `shapes` may be shared by the pricers of one customer class and the same tables: it
    remembers each (effective date, period)'s days and rates.
    """

    def __init__(
        self,
        customer_class: CustomerClass,
        terms: DeterminationTerms,
        tables: Sequence[RateTable] = RATE_TABLES,
        *,
        shapes: dict | None = None,
    ) -> None:
        self.customer_class = customer_class
        self.terms = terms
        self._tables = sorted(tables, key=lambda t: t.effective_on)
        self._param: tuple[int, int] | None = None
        self._percentage = terms.method is Method.PERCENTAGE
        usable = (
            adjustment_problem(customer_class) is None
            and terms.method in (Method.PERCENTAGE, Method.FIXED)
            and not check_terms(terms)
        )
        if usable:
            value = terms.percent if self._percentage else terms.fixed_ccf
            self._param = _ratio(value)  # type: ignore[arg-type]
        self._shapes: dict = {} if shapes is None else shapes

    def _table_of(self, start: date, end: date) -> RateTable | None:
        """The one table in force on every day of start..end, or None."""
        found = None
        for t in self._tables:
            if t.effective_on <= start:
                found = t
            elif t.effective_on <= end:
                return None  # a later table starts inside the period
        return found

    def _shape(self, effective_on: date, start: date, end: date) -> tuple | None:
        """(days, days credited, rate num, rate den, month num, month den), or None when
        the period is not for the quick path (no single table, not pro rata, bad dates)."""
        if end < start:
            return None
        in_force = self._table_of(effective_on, effective_on)
        table = self._table_of(start, end)
        if in_force is None or table is None:
            return None
        if in_force.volume_rounding is not VolumeRounding.PRO_RATA:
            return None
        charge = table.charges_for(self.customer_class).volume_charge
        rate = (0, 1) if charge is None else _ratio(charge.amount)
        month = _ratio(table.month_for(self.customer_class).amount)
        if rate is None or month is None:
            return None
        days = (end - start).days + 1
        if effective_on <= start:
            credited_days = days
        elif effective_on > end:
            credited_days = 0
        else:
            credited_days = (end - effective_on).days + 1
        return (days, credited_days, *rate, *month)

    def figures(
        self, effective_on: date, start: date, end: date, purchased: Decimal
    ) -> PeriodFigures | None:
        if self._param is None:
            return None
        key = (effective_on, start, end)
        shape = self._shapes.get(key, False)
        if shape is False:
            shape = self._shapes[key] = self._shape(effective_on, start, end)
        ratio = _ratio(purchased)
        if shape is None or ratio is None:
            return None
        days, credited_days, rn, rd, mn, md = shape
        pn, pd = ratio
        if pn < 0 or pn >= _LIMIT * pd:
            return None
        qn, qd = self._param
        if self._percentage:
            dn, dd = pn * qn, pd * qd * 100  # D = P x p / 100
        else:
            dn, dd = qn * days * md, qd * mn  # D = v x days / month
            if dn * pd > pn * dd:
                return None  # the fixed diversion exceeds the purchase: the engine says so
        # credited = D x c / days; billed = P - credited; charges at the table's rate.
        cn, cd = dn * credited_days, dd * days
        # Half-up to the cent of exact non-negative dollars: floor(x + 1/2).
        den = pd * rd
        unadjusted = (pn * rn * 200 + den) // (2 * den)
        den *= cd
        adjusted = ((pn * cd - cn * pd) * rn * 200 + den) // (2 * den)
        purchased_shown = _shown_ratio(pn, pd)
        credited_shown = _shown_ratio(cn, cd)
        return PeriodFigures(
            days,
            credited_days,
            purchased_shown,
            _shown_ratio(dn, dd),
            credited_shown,
            purchased_shown - credited_shown,
            unadjusted,
            adjusted,
            unadjusted - adjusted,
            _NO_CREDIT if credited_days == 0 else (),
        )


_NO_CREDIT = ("before the effective date: no credit",)


# --- the schedule one period at a time (a long file: `kcsac schedule`) ----------------------


class RowFigures(NamedTuple):
    """One period's figures as a schedule prints them (a ScheduleRow without the exact
    fractions): what ScheduleStream gives per period."""

    start: date
    end: date
    days: int
    days_credited: int
    purchased_ccf: Decimal
    diverted_ccf: Decimal | None
    credited_ccf: Decimal
    billed_ccf: Decimal
    service_charge_cents: int
    volume_charge_unadjusted_cents: int
    volume_charge_cents: int
    credit_cents: int
    surcharge_cents: int | None
    flags: tuple[str, ...]
    metered_from: date | None = None

    @property
    def factor_text(self) -> str:
        """`20/31`: days on or after the effective date over the period's days."""
        return f"{self.days_credited}/{self.days}"

    @classmethod
    def of(cls, row: ScheduleRow) -> "RowFigures":
        return cls(
            row.start,
            row.end,
            row.days,
            row.days_credited,
            row.purchased_ccf,
            row.diverted_ccf,
            row.credited_ccf,
            row.billed_ccf,
            row.service_charge_cents,
            row.volume_charge_unadjusted_cents,
            row.volume_charge_cents,
            row.credit_cents,
            row.surcharge_cents,
            row.flags,
            row.metered_from,
        )


def _half_up_cents(num: int, den: int) -> int:
    """Exact non-negative dollars num/den rounded half-up to the cent: floor(100x + 1/2)."""
    return (num * 200 + den) // (2 * den)


class QuickRows:
    """build_schedule's row in integer arithmetic for the common case of a long file: one
    rate table over the period, volumes with at most 6 places below 10^12 ccf. Every
    method (the first metered period included), both volume roundings, the surcharge when
    limits are given. `row()` returns None whenever the general engine is needed; tests
    compare the two."""

    def __init__(
        self,
        customer_class: CustomerClass,
        terms: DeterminationTerms,
        effective_on: date,
        tables: Sequence[RateTable],
        rounding: VolumeRounding = VolumeRounding.PRO_RATA,
        limits: SurchargeLimits | None = None,
    ) -> None:
        self.rounding = rounding
        self.limits = limits
        self.customer_class = customer_class
        self.terms = terms
        self.method = terms.method
        self.effective_on = effective_on
        self._tables = sorted(tables, key=lambda t: t.effective_on)
        self._param: tuple[int, int] | None = (1, 1)
        if self.method is Method.PERCENTAGE:
            self._param = _ratio(terms.percent)  # type: ignore[arg-type]
        elif self.method is Method.FIXED:
            self._param = _ratio(terms.fixed_ccf)  # type: ignore[arg-type]
        self._rates: dict[int, tuple | None] = {}

    def table_of(self, start: date, end: date) -> RateTable | None:
        """The one table in force on every day of start..end, or None."""
        found = None
        for t in self._tables:
            if t.effective_on <= start:
                found = t
            elif t.effective_on <= end:
                return None  # a later table starts inside the period
        return found

    def _rates_of(self, table: RateTable) -> tuple | None:
        """(rate, month, service charge) of the table as integer ratios, or None."""
        key = id(table)
        if key not in self._rates:
            charges = table.charges_for(self.customer_class)
            rate = (0, 1) if charges.volume_charge is None else _ratio(charges.volume_charge.amount)
            month = _ratio(table.month_for(self.customer_class).amount)
            service = (
                (0, 1) if charges.service_charge is None else _ratio(charges.service_charge.amount)
            )
            found = (rate, month, service)
            self._rates[key] = None if None in found else found
        return self._rates[key]

    _pounds = LB_PER_CCF_MG_L.as_integer_ratio()  # pounds per ccf and mg/L

    def _excess(
        self, table: RateTable, found: tuple[Decimal, Decimal, Decimal]
    ) -> tuple[int, int] | None:
        """surcharge.weighted_excess as an integer ratio: RB x max(0, BOD - Nb) + ...;
        None when a figure has more than 6 places."""
        limits = self.limits
        assert limits is not None
        rates = table.surcharge_for(self.customer_class)
        num, den = 0, 1
        for rate, measured, limit in (
            (rates.bod.amount, found[0], limits.bod),
            (rates.ss.amount, found[1], limits.ss),
            (rates.og.amount, found[2], limits.og),
        ):
            r, c, n = _ratio(rate), _ratio(measured), _ratio(limit)
            if r is None or c is None or n is None:
                return None
            over = c[0] * n[1] - n[0] * c[1]  # (C - N) x c_den x n_den
            if over > 0:
                term_num, term_den = r[0] * over, r[1] * c[1] * n[1]
                num, den = num * term_den + term_num * den, den * term_den
        return num, den

    def row(self, p: PeriodInput) -> tuple[RowFigures, RateTable] | None:
        if self._param is None:
            return None
        table = self.table_of(p.start, p.end)
        if table is None:
            return None
        rates = self._rates_of(table)
        purchased = _volume_ratio(p.purchased_ccf)
        if rates is None or purchased is None:
            return None
        (rn, rd), (mn, md), (sn, sd) = rates
        pn, pd = purchased
        start, end, eff = p.start, p.end, self.effective_on
        days = (end - start).days + 1
        if eff <= start:
            credited_days = days
        elif eff > end:
            credited_days = 0
        else:
            credited_days = (end - eff).days + 1
        flags: list[str] = []
        method = self.method
        since: date | None = None
        metered_days, counted = days, credited_days
        shown_diverted: tuple[int, int]
        if method in _METERED:
            since = metered_since(p, eff, method)
            assert since is not None
            metered_days = (end - since).days + 1
            counted = min(credited_days, metered_days)
        if method is Method.PERCENTAGE:
            qn, qd = self._param
            dn, dd = pn * qn, pd * qd * 100  # D = P x p / 100
            cn, cd = dn * credited_days, dd * days  # credited = D x c / days
            shown_diverted = (dn, dd)
        elif method is Method.FIXED:
            qn, qd = self._param
            dn, dd = qn * days * md, qd * mn  # D = v x days / month
            if dn * pd > pn * dd:
                return None  # the fixed diversion exceeds the purchase: the engine says so
            cn, cd = dn * credited_days, dd * days
            shown_diverted = (dn, dd)
        elif method is Method.DEDUCT_METER:
            if p.diverted_ccf is not None:
                diverted = _volume_ratio(p.diverted_ccf)
                if diverted is None:
                    return None
                dn, dd = diverted
            else:
                makeup, blowdown = _volume_ratio(p.makeup_ccf), _volume_ratio(p.blowdown_ccf)
                if makeup is None or blowdown is None:
                    return None
                dn, dd = makeup[0] * blowdown[1] - blowdown[0] * makeup[1], makeup[1] * blowdown[1]
                if dn < 0:
                    dn, dd = 0, 1
                    flags.append(METER_ERROR_FLAG)
            if dn * pd > pn * dd:
                return None  # D above P: the engine's checks say so
            cn, cd = dn * counted, dd * metered_days  # credited = D x counted / metered days
            shown_diverted = (dn, dd)
        else:  # the sewer meter: B = P x (days - counted) / days + S x counted / metered days
            sewer = _volume_ratio(p.sewer_ccf)
            if sewer is None:
                return None
            sn2, sd2 = sewer
            bn = pn * (days - counted) * sd2 * metered_days + sn2 * counted * pd * days
            bd = pd * days * sd2 * metered_days
            cn, cd = pn * bd - bn * pd, pd * bd  # credited = P - B
            shown_diverted = (pn * sd2 - sn2 * pd, pd * sd2)  # D = P - S
        # billed = P - credited, exact: (pn cd - cn pd) / (pd cd)
        billed_num, billed_den = pn * cd - cn * pd, pd * cd
        if billed_num < 0:
            return None
        if self.rounding is VolumeRounding.PRO_RATA:
            unadjusted = _half_up_cents(pn * rn, pd * rd)
            adjusted = _half_up_cents(billed_num * rn, billed_den * rd)
        else:  # whole-ccf-up: each started ccf at the table's rate
            unadjusted = _half_up_cents(-(-pn // pd) * rn, rd)
            adjusted = _half_up_cents(-(-billed_num // billed_den) * rn, rd)
        service = _half_up_cents(sn * days * md, sd * mn)
        surcharge: int | None = None
        if self.limits is not None:
            if None in (p.bod, p.ss, p.og):
                flags.append("no concentrations: surcharge not computed")
            else:
                excess = self._excess(table, (p.bod, p.ss, p.og))  # type: ignore[arg-type]
                if excess is None:
                    return None
                # B x 0.006238754 x excess, B >= 0 and excess >= 0
                (en, ed), (ln, ld) = excess, self._pounds
                surcharge = _half_up_cents(billed_num * ln * en, billed_den * ld * ed)
        partly_metered = since is not None and since > start and counted > 0
        flags += _row_flags(
            p,
            method,
            credited_days,
            since if partly_metered else None,
            counted,
            metered_days,
            negative=cn < 0,
            two_tables=False,
        )
        purchased_shown = _shown_ratio(pn, pd)
        credited_shown = _shown_ratio(cn, cd)
        figures = RowFigures(
            start,
            end,
            days,
            credited_days,
            purchased_shown,
            _shown_ratio(*shown_diverted),
            credited_shown,
            purchased_shown - credited_shown,
            service,
            unadjusted,
            adjusted,
            unadjusted - adjusted,
            surcharge,
            tuple(flags),
            since if partly_metered else None,
        )
        return figures, table


def _volume_ratio(value: object) -> tuple[int, int] | None:
    """(numerator, denominator) of a volume with at most 6 places in 0..10^12, else None
    (the general engine takes it)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        num, den = value.numerator, value.denominator
        if _MILLION % den:
            return None
    else:
        found = _ratio(value)  # type: ignore[arg-type]
        if found is None:
            return None
        num, den = found
    if num < 0 or num >= _LIMIT * den:
        return None
    return num, den


class ScheduleStream:
    """build_schedule for periods that come one at a time (a file of a million periods):
    `add()` gives each period's figures, `finish()` the schedule's totals, rates and notes
    (with no rows). Nothing is kept per period, so memory stays bounded.

    Each period must have passed check_periods' checks (period_problems and no overlap);
    the constructor refuses what build_schedule refuses about the class, the effective date,
    the terms and the limits. Periods under one rate table are priced in integer arithmetic
    (QuickRows), the rest by the same engine as build_schedule."""

    def __init__(
        self,
        *,
        customer_class: CustomerClass,
        effective_on: date,
        terms: DeterminationTerms,
        rounding: VolumeRounding | None = None,
        limits: SurchargeLimits | None = None,
        tables: Sequence[RateTable] = RATE_TABLES,
    ) -> None:
        not_adjustable = adjustment_problem(customer_class)
        if not_adjustable is not None:
            raise RuleRefused(not_adjustable.message, not_adjustable.citation)
        table = rate_table_on(effective_on, tables)
        if table is None:
            raise RuleRefused(
                f"the credit cannot take effect: {no_table_reason(effective_on, tuple(tables))}"
            )
        problems = check_terms(terms) + (check_limits(limits) if limits is not None else [])
        if problems:
            raise InputError(problems)
        self.customer_class = customer_class
        self.effective_on = effective_on
        self.terms = terms
        self.limits = limits
        self.mode = rounding or table.volume_rounding
        self._table = table
        self._tables = tuple(tables)
        self._quick = QuickRows(customer_class, terms, effective_on, tables, self.mode, limits)
        self._used: list[RateTable] = []
        self._meter_error = self._first_metered = False
        self.count = 0
        self._days = 0
        self._purchased = self._credited = self._billed = Decimal(0)
        self._service = self._unadjusted = self._adjusted = self._credit = 0
        self._surcharge: int | None = 0

    def add(self, p: PeriodInput) -> RowFigures:
        """The period's figures (the period checked before, as build_schedule checks it)."""
        quick = self._quick.row(p)
        if quick is not None:
            figures, table = quick
            if table not in self._used:
                self._used.append(table)
        else:
            since = metered_since(p, self.effective_on, self.terms.method)
            parts = segments(p.start, p.end, self.effective_on, self._tables, since)
            if parts is None:
                raise InputError(check_periods([p], self.terms, tables=self._tables))
            row = _row(
                p,
                parts,
                self.terms,
                self.customer_class,
                self.mode,
                self.limits,
                self.effective_on,
            )
            figures = RowFigures.of(row)
            for s in parts:
                if s.table not in self._used:
                    self._used.append(s.table)
        self.count += 1
        self._days += figures.days
        self._purchased += figures.purchased_ccf
        self._credited += figures.credited_ccf
        self._billed += figures.billed_ccf
        self._service += figures.service_charge_cents
        self._unadjusted += figures.volume_charge_unadjusted_cents
        self._adjusted += figures.volume_charge_cents
        self._credit += figures.credit_cents
        if figures.surcharge_cents is None or self._surcharge is None:
            self._surcharge = None
        else:
            self._surcharge += figures.surcharge_cents
        if figures.flags and not self._meter_error:
            self._meter_error = any(_METER_ERROR in f for f in figures.flags)
        if figures.metered_from is not None:
            self._first_metered = True
        return figures

    def finish(self) -> AdjustedSchedule:
        """The schedule of the periods added: totals, rates used and notes; rows empty."""
        used = sorted(self._used or [self._table], key=lambda t: t.effective_on)
        totals = ScheduleTotals(
            days=self._days,
            purchased_ccf=self._purchased,
            credited_ccf=self._credited,
            billed_ccf=self._billed,
            service_charge_cents=self._service,
            volume_charge_unadjusted_cents=self._unadjusted,
            volume_charge_cents=self._adjusted,
            credit_cents=self._credit,
            surcharge_cents=self._surcharge,
        )
        return AdjustedSchedule(
            customer_class=self.customer_class,
            terms=self.terms,
            effective_on=self.effective_on,
            volume_rounding=self.mode,
            rows=(),
            totals=totals,
            rates_used=_rates_used(used, self.customer_class, self.limits),
            notes=_notes(
                self._table,
                used,
                self.terms,
                self.effective_on,
                self.mode,
                self.limits,
                meter_error=self._meter_error,
                first_metered=self._first_metered,
            ),
            limits=self.limits,
            ordinances=tuple(t.ordinance for t in used),
        )
