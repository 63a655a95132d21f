"""Pricing a billing period day by day: service charge, volume charge, surcharge.

A period is cut into segments of consecutive days that share a rate table, lie on the same
side of the effective date and on the same side of the day its metered volumes count from.
The caller gives each segment's volume (the purchase spread evenly over the period's days, a
meter's use over the days it measured), so a period spanning two ordinances pays each one's
rates for its own days. Every function returns exact dollars as a Fraction; `cents()` rounds
once.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import localcontext
from fractions import Fraction

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.money import Cents, to_cents
from kcsac.domain.rates import RATE_TABLES, RateTable, VolumeRounding, rate_table_on
from kcsac.domain.surcharge import Concentrations, SurchargeLimits, surcharge_dollars
from kcsac.domain.volume import to_decimal


@dataclass(frozen=True)
class Segment:
    """Consecutive days of one period under one table, all before or all from the effective
    date, and all before or all from the day the period's metered volumes count from."""

    table: RateTable
    start: date
    end: date
    credited: bool  # on or after the effective date
    metered: bool = True  # on or after the day the metered volumes count from

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def cents(dollars: Fraction) -> Cents:
    """Round exact dollars half-up to the cent, through the one rounding function."""
    with localcontext() as ctx:
        ctx.prec = 60  # so that to_cents' own arithmetic stays exact for our fractions
        return to_cents(to_decimal(dollars))


def _table_spans(
    start: date, end: date, tables: Sequence[RateTable]
) -> list[tuple[RateTable, date, date]] | None:
    """start..end (inclusive) split by the table in force; None if any day has no table.
    Never steps past `end` (a period may end on date.max)."""
    ordered = sorted(tables, key=lambda t: t.effective_on)
    if not ordered or ordered[0].effective_on > start:
        return None
    spans: list[tuple[RateTable, date, date]] = []
    for i, table in enumerate(ordered):
        later = ordered[i + 1].effective_on if i + 1 < len(ordered) else None
        if later is not None and later <= start:
            continue  # a later table is in force on the first day already
        if table.effective_on > end:
            break
        first = max(start, table.effective_on)
        last = end if later is None or later > end else later - timedelta(days=1)
        spans.append((table, first, last))
    return spans


def segments(
    start: date,
    end: date,
    effective_on: date,
    tables: Sequence[RateTable] = RATE_TABLES,
    metered_from: date | None = None,
) -> list[Segment] | None:
    """The period's segments in date order; None when some day has no rate table.

    Cut at each table's first day, at the effective date and at `metered_from` (the day the
    period's metered volumes count from) when those fall inside the period."""
    spans = _table_spans(start, end, tables)
    if spans is None:
        return None
    cuts = sorted({d for d in (effective_on, metered_from) if d is not None and start < d <= end})
    found: list[Segment] = []
    for table, first, last in spans:
        day = first
        for cut in [*(c for c in cuts if first < c <= last), None]:
            upto = last if cut is None else cut - timedelta(days=1)
            found.append(
                Segment(
                    table,
                    day,
                    upto,
                    day >= effective_on,
                    metered_from is None or day >= metered_from,
                )
            )
            if cut is not None:
                day = cut
    return found


def service_dollars(customer_class: CustomerClass, parts: Sequence[Segment]) -> Fraction:
    """Monthly service charge x days / 30, each table for its own days (60-2(4), 60-3(b))."""
    total = Fraction(0)
    for part in parts:
        charge = part.table.charges_for(customer_class).service_charge
        if charge is not None:
            month = Fraction(part.table.month_for(customer_class).amount)
            total += Fraction(charge.amount) * part.days / month
    return total


def _volume_rate(table: RateTable, customer_class: CustomerClass) -> Fraction:
    charge = table.charges_for(customer_class).volume_charge
    return Fraction(0) if charge is None else Fraction(charge.amount)


def volume_dollars(
    customer_class: CustomerClass,
    parts: Sequence[Segment],
    volumes: Sequence[Fraction],
    rounding: VolumeRounding,
) -> Fraction:
    """Price each segment's volume (`volumes[i]` ccf billed on `parts[i]`) at its rate.

    With whole-ccf-up the period's total is rounded up to a whole ccf first and charged at
    the volume-weighted rate of the period (equal to the table's rate when one table applies).
    """
    volume = sum(volumes, Fraction(0))
    dollars = sum(
        (v * _volume_rate(p.table, customer_class) for p, v in zip(parts, volumes, strict=True)),
        Fraction(0),
    )
    if rounding is VolumeRounding.PRO_RATA or volume == 0:
        return dollars
    return math.ceil(volume) * dollars / volume


def surcharge_on_segments(
    customer_class: CustomerClass,
    parts: Sequence[Segment],
    billed: Sequence[Fraction],
    limits: SurchargeLimits,
    found: Concentrations,
) -> Fraction:
    """The surcharge on each segment's billed volume at that segment's surcharge rates."""
    return sum(
        (
            surcharge_dollars(v, p.table.surcharge_for(customer_class), limits, found)
            for p, v in zip(parts, billed, strict=True)
        ),
        Fraction(0),
    )


def price_volume(
    volume_ccf: Fraction,
    customer_class: CustomerClass,
    on: date,
    rounding: VolumeRounding | None = None,
    tables: Sequence[RateTable] = RATE_TABLES,
) -> Cents | None:
    """The volume charge for `volume_ccf` at the rates in force on `on` (None: no table)."""
    table = rate_table_on(on, tables)
    if table is None:
        return None
    part = Segment(table, on, on, True)
    mode = rounding or table.volume_rounding
    return cents(volume_dollars(customer_class, [part], [Fraction(volume_ccf)], mode))
