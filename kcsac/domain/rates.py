"""Effective-dated fee and rate tables: every figure of Ordinance 260209, with its citation.

This module is the only place an ordinance figure is written down. A later ordinance is one
new `RateTable` appended to `RATE_TABLES` with its effective date (usually built from the
previous one with `dataclasses.replace`); look-ups go through `rate_table_on(day)`, and a
billing period that spans two tables is priced day by day with each table's rates.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass


class VolumeRounding(StrEnum):
    """How a volume charge treats a fraction of a ccf ("or a portion thereof")."""

    PRO_RATA = "pro-rata"  # 7.48 ccf is charged as 7.48 ccf (the default, a reading)
    WHOLE_CCF_UP = "whole-ccf-up"  # 7.48 ccf is charged as 8 ccf

    @property
    def label(self) -> str:
        return _ROUNDING_LABELS[self]


_ROUNDING_LABELS = {
    VolumeRounding.PRO_RATA: "fractional ccf priced pro rata",
    VolumeRounding.WHOLE_CCF_UP: "each started ccf charged as a whole ccf",
}


@dataclass(frozen=True)
class Figure:
    """One number set by an ordinance, its unit, and the section that sets it."""

    amount: Decimal
    unit: str
    citation: str


@dataclass(frozen=True)
class FeeTier:
    """One line of a fee list: an amount and the categories it covers."""

    fee: Figure
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class ClassCharges:
    """Service and volume charges for one customer class (None: the class has no such charge)."""

    customer_class: CustomerClass
    service_charge: Figure | None  # dollars per month (30 days)
    volume_charge: Figure | None  # dollars per ccf


@dataclass(frozen=True)
class SurchargeRates:
    """Dollars per pound of excess BOD, SS and O&G."""

    bod: Figure
    ss: Figure
    og: Figure


@dataclass(frozen=True)
class RateTable:
    """Everything one ordinance sets, in force from `effective_on` until the next table."""

    ordinance: str
    effective_on: date
    resident_fees: tuple[FeeTier, ...]
    nonresident_fees: tuple[FeeTier, ...]
    charges: tuple[ClassCharges, ...]
    resident_surcharge: SurchargeRates
    nonresident_surcharge: SurchargeRates
    residential_winter_cap: Figure  # recorded for completeness; residential accounts never apply
    resident_month: Figure
    nonresident_month: Figure
    volume_rounding: VolumeRounding
    volume_rounding_basis: str

    def fee(self, category: Category, *, resident: bool) -> Figure | None:
        """The application fee for a category, or None when this ordinance sets none."""
        tiers = self.resident_fees if resident else self.nonresident_fees
        for tier in tiers:
            if category in tier.categories:
                return tier.fee
        return None

    def fee_section(self, *, resident: bool) -> str:
        """The section that lists the application fees (cited even when a fee is not set)."""
        return (self.resident_fees if resident else self.nonresident_fees)[0].fee.citation

    def charges_for(self, customer_class: CustomerClass) -> ClassCharges:
        for entry in self.charges:
            if entry.customer_class is customer_class:
                return entry
        raise KeyError(customer_class)  # every class is in every table (a test checks)

    def surcharge_for(self, customer_class: CustomerClass) -> SurchargeRates:
        if customer_class.is_resident:
            return self.resident_surcharge
        return self.nonresident_surcharge

    def month_for(self, customer_class: CustomerClass) -> Figure:
        """The days in a "month" for prorating this class's monthly charges."""
        return self.resident_month if customer_class.is_resident else self.nonresident_month

    def figures(self) -> tuple[Figure, ...]:
        """Every dollar figure of the table (fees, charges, surcharge rates, the cap)."""
        found: list[Figure] = [t.fee for t in self.resident_fees + self.nonresident_fees]
        for entry in self.charges:
            found += [f for f in (entry.service_charge, entry.volume_charge) if f is not None]
        for rates in (self.resident_surcharge, self.nonresident_surcharge):
            found += [rates.bod, rates.ss, rates.og]
        found.append(self.residential_winter_cap)
        return tuple(found)


_PER_APPLICATION = "per application"
_PER_MONTH = "per month"
_PER_CCF = "per ccf"
_PER_LB = "per pound of excess"
_C = Category
_CC = CustomerClass

ORDINANCE_260209 = RateTable(
    ordinance=o.ORDINANCE,
    effective_on=date(2026, 5, 1),  # Section 2 of the ordinance
    resident_fees=(
        FeeTier(
            Figure(Decimal("250"), _PER_APPLICATION, o.SEC_60_2_2_C), (_C.CAR_WASH, _C.LAUNDRY)
        ),
        FeeTier(
            Figure(Decimal("600"), _PER_APPLICATION, o.SEC_60_2_2_C),
            (_C.EVAPORATION, _C.IRRIGATION, _C.OWNERSHIP_CHANGE),
        ),
        FeeTier(
            Figure(Decimal("1250"), _PER_APPLICATION, o.SEC_60_2_2_C),
            (_C.WATER_TO_PRODUCT, _C.OTHER, _C.SEWER_METERING),
        ),
    ),
    # 60-3(a)(6) lists no ownership-change fee for nonresidents: kcsac does not invent one.
    nonresident_fees=(
        FeeTier(
            Figure(Decimal("250"), _PER_APPLICATION, o.SEC_60_3_A_6), (_C.CAR_WASH, _C.LAUNDRY)
        ),
        FeeTier(
            Figure(Decimal("600"), _PER_APPLICATION, o.SEC_60_3_A_6),
            (_C.EVAPORATION, _C.IRRIGATION),
        ),
        FeeTier(
            Figure(Decimal("1250"), _PER_APPLICATION, o.SEC_60_3_A_6),
            (_C.WATER_TO_PRODUCT, _C.OTHER, _C.SEWER_METERING),
        ),
    ),
    charges=(
        ClassCharges(
            _CC.RESIDENT,
            Figure(Decimal("32.02"), _PER_MONTH, o.SEC_60_2_1_A),
            Figure(Decimal("12.90"), _PER_CCF, o.SEC_60_2_2),
        ),
        ClassCharges(
            _CC.NONRESIDENT_DIRECT,
            Figure(Decimal("45.10"), _PER_MONTH, o.SEC_60_3_A_4),
            Figure(Decimal("17.17"), _PER_CCF, o.SEC_60_3_A_4),
        ),
        ClassCharges(
            _CC.NONRESIDENT_UNMETERED,
            Figure(Decimal("20.43"), "per month per customer", o.SEC_60_3_A_2),
            Figure(Decimal("7.00"), _PER_CCF, o.SEC_60_3_A_2),
        ),
        ClassCharges(
            _CC.NONRESIDENT_METERED,
            None,  # "with no service charges"
            Figure(Decimal("4.70"), "per ccf of bulk flow", o.SEC_60_3_A_1),
        ),
        ClassCharges(
            _CC.NONRESIDENT_FLAT,
            Figure(Decimal("65.00"), "per month per dwelling unit", o.SEC_60_3_A_3),
            None,  # no consumption records, so no volume charge
        ),
    ),
    resident_surcharge=SurchargeRates(
        bod=Figure(Decimal("0.605"), f"{_PER_LB} BOD", o.SEC_60_2_3),
        ss=Figure(Decimal("0.294"), f"{_PER_LB} SS", o.SEC_60_2_3),
        og=Figure(Decimal("0.284"), f"{_PER_LB} O&G", o.SEC_60_2_3),
    ),
    nonresident_surcharge=SurchargeRates(
        bod=Figure(Decimal("0.721"), f"{_PER_LB} BOD", o.SEC_60_3_A_5),
        ss=Figure(Decimal("0.339"), f"{_PER_LB} SS", o.SEC_60_3_A_5),
        og=Figure(Decimal("0.312"), f"{_PER_LB} O&G", o.SEC_60_3_A_5),
    ),
    residential_winter_cap=Figure(
        Decimal("77.40"),
        "per month, residential volume charge without winter history",
        o.SEC_60_2_2_B,
    ),
    resident_month=Figure(Decimal(30), "days", o.SEC_60_2_4),  # "approximately 30 days"
    nonresident_month=Figure(Decimal(30), "days", o.SEC_60_3_B),
    volume_rounding=VolumeRounding.PRO_RATA,
    volume_rounding_basis=(
        f"reading: {o.SEC_78_4_1} allows for billing in portions thereof, so a fraction of a "
        "ccf is priced pro rata"
    ),
)

# In effective-date order; a later ordinance is one more entry here.
RATE_TABLES: tuple[RateTable, ...] = (ORDINANCE_260209,)


def rate_table_on(day: date, tables: Sequence[RateTable] = RATE_TABLES) -> RateTable | None:
    """The table in force on `day`, or None before the first table kcsac holds."""
    in_force = None
    for table in sorted(tables, key=lambda t: t.effective_on):
        if table.effective_on <= day:
            in_force = table
    return in_force


def first_effective_on(tables: Sequence[RateTable] = RATE_TABLES) -> date:
    """The first day kcsac holds rates for."""
    return min(t.effective_on for t in tables)


@dataclass(frozen=True)
class TableSpan:
    """Consecutive days of a billing period under one rate table (both ends included)."""

    table: RateTable
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def table_spans(
    start: date, end: date, tables: Sequence[RateTable] = RATE_TABLES
) -> list[TableSpan] | None:
    """Split start..end (inclusive) by the table in force; None if any day has no table."""
    if rate_table_on(start, tables) is None:
        return None
    spans: list[TableSpan] = []
    ordered = sorted(tables, key=lambda t: t.effective_on)
    day = start
    while day <= end:
        table = rate_table_on(day, ordered)
        assert table is not None  # tables only ever start, so a later day has one too
        later = [t.effective_on for t in ordered if t.effective_on > day]
        span_end = min([end, *(d - timedelta(days=1) for d in later)])
        spans.append(TableSpan(table, day, span_end))
        day = span_end + timedelta(days=1)
    return spans
