"""The director's terms and the billing periods' readings, and every problem with them.

Checked before any pricing: check_terms() and check_periods() return problems as data.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.method import Method
from kcsac.domain.problems import Problem
from kcsac.domain.rates import RATE_TABLES, RateTable, first_effective_on, rate_table_on
from kcsac.domain.volume import Volume, format_ccf


@dataclass(frozen=True)
class PeriodInput:
    """One billing period's readings. Volumes in ccf (Decimal, or an exact Fraction).

    `diverted_ccf` is the deduct meter's use; for evaporation give `makeup_ccf` and
    `blowdown_ccf` instead. `sewer_ccf` is the sewer meter's volume. bod/ss/og in mg/L.

    `metered_from` is the first day those metered volumes cover (they run to `end`): a meter
    counts from its activation reading (RULES.md, "First metered period"). None means the
    ruling's default: in the period that holds the effective date, the effective date (the
    volumes are the use since activation); in any other period, its start.
    """

    start: date
    end: date
    purchased_ccf: Volume
    diverted_ccf: Volume | None = None
    sewer_ccf: Volume | None = None
    bod: Decimal | None = None
    ss: Decimal | None = None
    og: Decimal | None = None
    makeup_ccf: Volume | None = None
    blowdown_ccf: Volume | None = None
    metered_from: date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class DeterminationTerms:
    """The director's determination: the method and its parameter."""

    method: Method
    percent: Decimal | None = None  # percentage method: 0 < p < 100
    fixed_ccf: Decimal | None = None  # fixed method: ccf per 30 days


def period_field(index: int, column: str) -> str:
    """The Problem.field for a period's value: `periods[3].diverted_ccf` (0-based index)."""
    return f"periods[{index}].{column}"


def parse_period_field(name: str) -> tuple[int, str] | None:
    """(index, column) from a `periods[i].column` field; None for other fields."""
    if not name.startswith("periods["):
        return None
    index, _, column = name.removeprefix("periods[").partition("].")
    return (int(index), column) if index.isdigit() else None


def check_terms(terms: DeterminationTerms) -> list[Problem]:
    """The method's parameter is present, in range, and only where it belongs."""
    problems: list[Problem] = []
    if terms.method is Method.PERCENTAGE:
        if terms.percent is None:
            problems.append(Problem("percent", "the percentage method needs a percent p"))
        elif not Decimal(0) < terms.percent < Decimal(100):
            problems.append(Problem("percent", f"percent {terms.percent} is outside 0 < p < 100"))
    elif terms.percent is not None:
        problems.append(Problem("percent", "a percent applies only to the percentage method"))
    if terms.method is Method.FIXED:
        if terms.fixed_ccf is None:
            problems.append(Problem("fixed_ccf", "the fixed method needs a volume per 30 days"))
        elif terms.fixed_ccf <= 0:
            problems.append(
                Problem("fixed_ccf", f"fixed volume {terms.fixed_ccf} ccf must be above 0")
            )
    elif terms.fixed_ccf is not None:
        problems.append(Problem("fixed_ccf", "a fixed volume applies only to the fixed method"))
    return problems


_VOLUME_COLUMNS = ("purchased_ccf", "diverted_ccf", "sewer_ccf", "makeup_ccf", "blowdown_ccf")
_CONCENTRATIONS = ("bod", "ss", "og")


def fixed_diversion(terms: DeterminationTerms, days: int, month: Decimal) -> Fraction:
    """The fixed method's D: the director's volume per 30 days x days / 30."""
    return Fraction(terms.fixed_ccf or 0) * days / Fraction(month)


def check_periods(
    periods: Sequence[PeriodInput],
    terms: DeterminationTerms,
    *,
    customer_class: CustomerClass = CustomerClass.RESIDENT,
    tables: Sequence[RateTable] = RATE_TABLES,
) -> list[Problem]:
    """Every problem with the periods; each field is `periods[i].column`."""
    problems: list[Problem] = []
    for i, p in enumerate(periods):
        problems += period_problems(i, p, terms, customer_class=customer_class, tables=tables)
    problems += _overlap_problems(periods)
    return problems


def period_problems(
    i: int,
    p: PeriodInput,
    terms: DeterminationTerms,
    *,
    customer_class: CustomerClass = CustomerClass.RESIDENT,
    tables: Sequence[RateTable] = RATE_TABLES,
) -> list[Problem]:
    """Every problem with period `i` on its own (check_periods adds the overlaps).

    A period no rate table covers is a rule refusal, not bad data: that problem carries the
    citation of the first table (the others carry none)."""
    first = min(tables, key=lambda t: t.effective_on)
    problems: list[Problem] = []
    if p.end < p.start:
        problems.append(
            Problem(
                period_field(i, "end"),
                f"end {p.end.isoformat()} is before start {p.start.isoformat()} ({p.label})",
            )
        )
    if p.start < first.effective_on:
        problems.append(
            Problem(
                period_field(i, "start"),
                f"no rate table covers {p.label}: kcsac holds rates from "
                f"{first.effective_on.isoformat()}",
                first.ordinance,
            )
        )
    problems += [
        Problem(period_field(i, column), f"{message} ({p.label})")
        for column, message in _period_value_problems(p)
    ]
    return problems + _method_problems(i, p, terms, customer_class, tables)


def _period_value_problems(p: PeriodInput) -> list[tuple[str, str]]:
    """(column, message) for the metered span out of the period and negative values."""
    found: list[tuple[str, str]] = []
    if p.metered_from is not None and not p.start <= p.metered_from <= p.end:
        found.append(
            (
                "metered_from",
                f"the meters count from {p.metered_from.isoformat()}, outside the period",
            )
        )
    for column in _VOLUME_COLUMNS:
        value = getattr(p, column)
        if value is not None and value < 0:
            found.append((column, f"{column} {value} is negative"))
    given = [c for c in _CONCENTRATIONS if getattr(p, c) is not None]
    if given and len(given) < len(_CONCENTRATIONS):
        missing = [c for c in _CONCENTRATIONS if c not in given]
        found.append((missing[0], f"bod, ss and og go together: {', '.join(missing)} missing"))
    found += [(c, f"{c} {getattr(p, c)} is negative") for c in given if getattr(p, c) < 0]
    return found


def _minus(a: Volume, b: Volume) -> Volume:
    """a - b exactly: two Decimals stay a Decimal (as entered); with a Fraction (a volume
    read in gallons) both are Fractions, as Decimal - Fraction is not defined."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a - b
    return Fraction(a) - Fraction(b)


def _method_problems(
    i: int,
    p: PeriodInput,
    terms: DeterminationTerms,
    customer_class: CustomerClass,
    tables: Sequence[RateTable],
) -> list[Problem]:
    found: list[Problem] = []

    def add(column: str, message: str) -> None:
        found.append(Problem(period_field(i, column), f"{message} ({p.label})"))

    method = terms.method
    if method is Method.DEDUCT_METER:
        pair = (p.makeup_ccf, p.blowdown_ccf)
        if p.diverted_ccf is None and pair == (None, None):
            add("diverted_ccf", "diverted_ccf is missing (the deduct meter's use in the period)")
        elif p.diverted_ccf is not None and pair != (None, None):
            add("diverted_ccf", "give diverted_ccf or makeup_ccf and blowdown_ccf, not both")
        elif p.diverted_ccf is None and None in pair:
            column = "makeup_ccf" if p.makeup_ccf is None else "blowdown_ccf"
            add(column, f"{column} is missing (make-up minus blow-down needs both)")
        elif p.diverted_ccf is not None and 0 <= p.purchased_ccf < p.diverted_ccf:
            add(
                "diverted_ccf",
                f"diverted_ccf {p.diverted_ccf} exceeds purchased_ccf {p.purchased_ccf}",
            )
        elif p.makeup_ccf is not None and p.blowdown_ccf is not None:
            evaporated = _minus(p.makeup_ccf, p.blowdown_ccf)
            if 0 <= p.purchased_ccf < evaporated and p.blowdown_ccf >= 0:
                add(
                    "makeup_ccf",
                    f"make-up minus blow-down {evaporated} exceeds purchased_ccf {p.purchased_ccf}",
                )
    elif method is Method.SEWER_METER:
        if p.sewer_ccf is None:
            add("sewer_ccf", "sewer_ccf is missing (the sewer meter's volume in the period)")
    elif method is Method.FIXED and terms.fixed_ccf is not None and p.end >= p.start:
        table = rate_table_on(max(p.start, first_effective_on(tables)), tables)
        assert table is not None  # on or after the first table's date
        month = table.month_for(customer_class).amount
        diverted = fixed_diversion(terms, p.days, month)
        if 0 <= p.purchased_ccf < diverted:
            add(
                "purchased_ccf",
                f"the fixed diversion {format_ccf(diverted)} ccf ({terms.fixed_ccf} x "
                f"{p.days}/{month}) exceeds purchased_ccf {p.purchased_ccf}",
            )
    return found


def _overlap_problems(periods: Sequence[PeriodInput]) -> list[Problem]:
    found: list[Problem] = []
    order = sorted(range(len(periods)), key=lambda j: (periods[j].start, j))
    reach: int | None = None  # the period seen so far that ends last
    for j in order:
        if reach is not None and periods[j].start <= periods[reach].end:
            later, earlier = max(reach, j), min(reach, j)  # report it further down the file
            found.append(
                Problem(
                    period_field(later, "start"),
                    f"start {periods[later].start.isoformat()} overlaps the period "
                    f"{periods[earlier].label} ({periods[later].label})",
                )
            )
        if reach is None or periods[j].end > periods[reach].end:
            reach = j
    return found
