"""The lines of a credit's history: one billing period under the terms in force for it
(kcsac.domain.credit_history computes them), what a period left out says, and the caches the
billing hand-off prices its ordinary lines with."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.period_pricer import PeriodPricer
from kcsac.domain.pricing import cents, segments, service_dollars
from kcsac.domain.rates import RATE_TABLES, RateTable
from kcsac.domain.schedule import ScheduleRow, ScheduleTotals
from kcsac.domain.signed_terms import TermsInForce
from kcsac.domain.volume import round_half_up, to_decimal

NO_CONCENTRATIONS = "no concentrations: surcharge not computed"  # the engine's flag
ENDS_INSIDE = "credit ends {} inside this period: only the days to then are credited (reading)"


class Purchase(NamedTuple):
    """A billing period's purchase, for a method without meters (a PeriodInput costs more
    to make, and half a million of them are made for the billing hand-off)."""

    start: date
    end: date
    purchased_ccf: Decimal


class LeftOut(NamedTuple):
    """A billing period the history cannot price, and why."""

    start: date
    end: date
    reason: str

    @property
    def note(self) -> str:
        return f"Period {self.start.isoformat()} to {self.end.isoformat()} left out: {self.reason}."


PeriodItem = PeriodInput | Purchase | LeftOut
Priced = PeriodInput | Purchase  # a period item the engine can price


@dataclass(frozen=True)
class SpanInput:
    """One set of terms and the billing periods that touch it (in date order): the engine's
    input for each, or why it has none (e.g. a meter not read yet)."""

    span: TermsInForce
    periods: tuple[PeriodItem, ...]


class LinePart(NamedTuple):
    """The days of a billing period under one set of terms, and what they credit."""

    span: TermsInForce
    first: date
    last: date
    diverted_ccf: Decimal | None  # the period's D under these terms
    credited_ccf: Decimal
    credited_exact: Fraction | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


class CreditLine(NamedTuple):
    """One billing period of a credit: one line on the schedule and in the billing hand-off.

    Volumes as the engine shows them (exact when they terminate within 6 places, else
    half-up to 6); the *_exact fractions are None on a line priced by the integer path
    (the billing hand-off's). `row` is the engine's own row when the line is one set of
    terms to the period's end."""

    start: date
    end: date
    days: int
    days_credited: int
    purchased_ccf: Decimal
    diverted_ccf: Decimal | None  # None when the parts' D differ
    credited_ccf: Decimal
    billed_ccf: Decimal
    service_charge_cents: int
    volume_charge_unadjusted_cents: int
    volume_charge_cents: int
    credit_cents: int
    surcharge_cents: int | None
    flags: tuple[str, ...]
    parts: tuple[LinePart, ...]
    row: ScheduleRow | None = None
    metered_from: date | None = None
    sewer_ccf: Decimal | None = None
    credited_exact: Fraction | None = None
    billed_exact: Fraction | None = None
    diverted_exact: Fraction | None = None

    @property
    def key(self) -> tuple[date, date]:
        return (self.start, self.end)

    @property
    def factor(self) -> Fraction:
        """Days credited over the period's days (the share f)."""
        return Fraction(self.days_credited, self.days)

    @property
    def factor_text(self) -> str:
        """`20/31`: days credited over the period's days."""
        return f"{self.days_credited}/{self.days}"

    @property
    def metered_days(self) -> int:
        """The days the metered volumes cover (all the period's days unless metered_from)."""
        return self.days if self.metered_from is None else (self.end - self.metered_from).days + 1

    @property
    def determinations(self) -> tuple[int, ...]:
        return tuple(p.span.determination_id for p in self.parts)

    @property
    def split(self) -> bool:
        """The period is credited under more than one set of terms."""
        return len(self.parts) > 1


def totals_of(lines: Sequence[CreditLine]) -> ScheduleTotals:
    surcharges = [line.surcharge_cents for line in lines]
    return ScheduleTotals(
        days=sum(line.days for line in lines),
        purchased_ccf=sum((line.purchased_ccf for line in lines), Decimal(0)),
        credited_ccf=sum((line.credited_ccf for line in lines), Decimal(0)),
        billed_ccf=sum((line.billed_ccf for line in lines), Decimal(0)),
        service_charge_cents=sum(line.service_charge_cents for line in lines),
        volume_charge_unadjusted_cents=sum(line.volume_charge_unadjusted_cents for line in lines),
        volume_charge_cents=sum(line.volume_charge_cents for line in lines),
        credit_cents=sum(line.credit_cents for line in lines),
        surcharge_cents=None if None in surcharges else sum(surcharges),  # type: ignore[arg-type]
    )


def shown_volume(value: Fraction) -> Decimal:
    """A volume as the engine shows it: exact when it terminates within 6 places, else
    rounded half-up to 6 (kcsac.domain.schedule's rule for its rows)."""
    exact = to_decimal(value)
    rounded = round_half_up(value)
    return exact if exact == rounded else rounded


class FastPricing:
    """Caches for pricing many credits' ordinary lines by the engine's integer path
    (PeriodPricer, the same figures as build_schedule: tests/domain compare them). One
    instance serves a whole billing hand-off."""

    def __init__(self, tables: Sequence[RateTable] = RATE_TABLES) -> None:
        self.tables = tuple(tables)
        self._pricers: dict[tuple[CustomerClass, DeterminationTerms], PeriodPricer] = {}
        self._shapes: dict[CustomerClass, dict] = {}
        self._service: dict[CustomerClass, dict[tuple[date, date], int | None]] = {}

    def pricer(self, customer_class: CustomerClass, terms: DeterminationTerms) -> PeriodPricer:
        found = self._pricers.get((customer_class, terms))
        if found is None:
            shapes = self._shapes.setdefault(customer_class, {})
            found = self._pricers[(customer_class, terms)] = PeriodPricer(
                customer_class, terms, self.tables, shapes=shapes
            )
        return found

    def services(self, customer_class: CustomerClass) -> dict[tuple[date, date], int | None]:
        """(start, end) -> the period's service charge in cents, filled by `service`."""
        return self._service.setdefault(customer_class, {})

    def service(self, customer_class: CustomerClass, start: date, end: date) -> int | None:
        found = self.services(customer_class)
        key = (start, end)
        if key not in found:
            parts = segments(start, end, start, self.tables)
            found[key] = None if parts is None else cents(service_dollars(customer_class, parts))
        return found[key]
