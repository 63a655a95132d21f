"""One period's figures in integer arithmetic: the billing export's hot path.

PeriodPricer gives build_schedule's figures for the common case (percentage or fixed, one
rate table, pro rata, no surcharge) and None for the rest, which the caller prices with
build_schedule.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, check_terms
from kcsac.domain.eligibility import adjustment_problem
from kcsac.domain.method import Method
from kcsac.domain.rates import RATE_TABLES, RateTable, VolumeRounding
from kcsac.domain.ratios import LIMIT, decimal_ratio, shown_ratio


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
            self._param = None if value is None else decimal_ratio(value)
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
        rate = (0, 1) if charge is None else decimal_ratio(charge.amount)
        month = decimal_ratio(table.month_for(self.customer_class).amount)
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
        ratio = decimal_ratio(purchased)
        if shape is None or ratio is None:
            return None
        days, credited_days, rn, rd, mn, md = shape
        pn, pd = ratio
        if pn < 0 or pn >= LIMIT * pd:
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
        purchased_shown = shown_ratio(pn, pd)
        credited_shown = shown_ratio(cn, cd)
        return PeriodFigures(
            days,
            credited_days,
            purchased_shown,
            shown_ratio(dn, dd),
            credited_shown,
            purchased_shown - credited_shown,
            unadjusted,
            adjusted,
            unadjusted - adjusted,
            _NO_CREDIT if credited_days == 0 else (),
        )


_NO_CREDIT = ("before the effective date: no credit",)
