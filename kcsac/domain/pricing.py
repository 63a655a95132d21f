"""Pricing a billing period day by day: service charge, volume charge, surcharge.

A period is cut into segments of consecutive days that share a rate table and lie on the same
side of the effective date. Within a period the purchase (and the diversion) is spread evenly
over its days, so a period spanning two ordinances pays each one's rates for its own days.
Every function returns exact dollars as a Fraction; `cents()` rounds once.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import localcontext
from fractions import Fraction

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.money import Cents, to_cents
from kcsac.domain.rates import RATE_TABLES, RateTable, VolumeRounding, rate_table_on, table_spans
from kcsac.domain.surcharge import Concentrations, SurchargeLimits, surcharge_dollars
from kcsac.domain.volume import to_decimal


@dataclass(frozen=True)
class Segment:
    """Consecutive days of one period under one table, all before or all from the effective date."""

    table: RateTable
    start: date
    end: date
    credited: bool  # on or after the effective date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def cents(dollars: Fraction) -> Cents:
    """Round exact dollars half-up to the cent, through the one rounding function."""
    with localcontext() as ctx:
        ctx.prec = 60  # so that to_cents' own arithmetic stays exact for our fractions
        return to_cents(to_decimal(dollars))


def segments(
    start: date, end: date, effective_on: date, tables: Sequence[RateTable] = RATE_TABLES
) -> list[Segment] | None:
    """The period's segments in date order; None when some day has no rate table."""
    spans = table_spans(start, end, tables)
    if spans is None:
        return None
    found: list[Segment] = []
    for span in spans:
        if span.start < effective_on <= span.end:
            found.append(Segment(span.table, span.start, effective_on - timedelta(days=1), False))
            found.append(Segment(span.table, effective_on, span.end, True))
        else:
            found.append(Segment(span.table, span.start, span.end, span.start >= effective_on))
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
    daily_ccf: dict[bool, Fraction],
    rounding: VolumeRounding,
) -> Fraction:
    """Price the volume billed on each day (daily_ccf[credited]) at that day's rate.

    With whole-ccf-up the period's total is rounded up to a whole ccf first and charged at
    the day-weighted rate of the period (equal to the table's rate when one table applies).
    """
    volume = sum((daily_ccf[p.credited] * p.days for p in parts), Fraction(0))
    dollars = sum(
        (daily_ccf[p.credited] * p.days * _volume_rate(p.table, customer_class) for p in parts),
        Fraction(0),
    )
    if rounding is VolumeRounding.PRO_RATA or volume == 0:
        return dollars
    return math.ceil(volume) * dollars / volume


def surcharge_on_segments(
    customer_class: CustomerClass,
    parts: Sequence[Segment],
    daily_billed_ccf: dict[bool, Fraction],
    limits: SurchargeLimits,
    found: Concentrations,
) -> Fraction:
    """The surcharge on each day's billed volume at that day's surcharge rates."""
    return sum(
        (
            surcharge_dollars(
                daily_billed_ccf[p.credited] * p.days,
                p.table.surcharge_for(customer_class),
                limits,
                found,
            )
            for p in parts
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
    return cents(volume_dollars(customer_class, [part], {True: Fraction(volume_ccf)}, mode))
