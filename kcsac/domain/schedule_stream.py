"""The adjusted volume schedule one period at a time, for a long file (`kcsac schedule`).

ScheduleStream gives each period's figures as it is added and the totals at the end, with
nothing kept per period; QuickRows prices the common periods in integer arithmetic and the
rest go through the engine of kcsac.domain.schedule.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, PeriodInput, check_periods, check_terms
from kcsac.domain.eligibility import adjustment_problem
from kcsac.domain.fees import no_table_reason
from kcsac.domain.method import Method
from kcsac.domain.pricing import segments
from kcsac.domain.problems import InputError, RuleRefused
from kcsac.domain.rates import RATE_TABLES, RateTable, VolumeRounding, rate_table_on
from kcsac.domain.ratios import LIMIT, MILLION, decimal_ratio, half_up_cents, shown_ratio
from kcsac.domain.schedule import (
    METERED,
    AdjustedSchedule,
    ScheduleRow,
    ScheduleTotals,
    metered_since,
    period_row,
    rates_used,
)
from kcsac.domain.schedule_notes import METER_ERROR, METER_ERROR_FLAG, row_flags, schedule_notes
from kcsac.domain.surcharge import SurchargeLimits, check_limits
from kcsac.domain.volume import LB_PER_CCF_MG_L, Volume


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
            self._param = None if terms.percent is None else decimal_ratio(terms.percent)
        elif self.method is Method.FIXED:
            fixed = terms.fixed_ccf
            self._param = None if fixed is None else decimal_ratio(fixed)
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
            rate = (
                (0, 1)
                if charges.volume_charge is None
                else decimal_ratio(charges.volume_charge.amount)
            )
            month = decimal_ratio(table.month_for(self.customer_class).amount)
            service = (
                (0, 1)
                if charges.service_charge is None
                else decimal_ratio(charges.service_charge.amount)
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
            r, c, n = decimal_ratio(rate), decimal_ratio(measured), decimal_ratio(limit)
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
        if method in METERED:
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
            unadjusted = half_up_cents(pn * rn, pd * rd)
            adjusted = half_up_cents(billed_num * rn, billed_den * rd)
        else:  # whole-ccf-up: each started ccf at the table's rate
            unadjusted = half_up_cents(-(-pn // pd) * rn, rd)
            adjusted = half_up_cents(-(-billed_num // billed_den) * rn, rd)
        service = half_up_cents(sn * days * md, sd * mn)
        surcharge: int | None = None
        if self.limits is not None:
            if p.bod is None or p.ss is None or p.og is None:
                flags.append("no concentrations: surcharge not computed")
            else:
                excess = self._excess(table, (p.bod, p.ss, p.og))
                if excess is None:
                    return None
                # B x 0.006238754 x excess, B >= 0 and excess >= 0
                (en, ed), (ln, ld) = excess, self._pounds
                surcharge = half_up_cents(billed_num * ln * en, billed_den * ld * ed)
        partly_metered = since is not None and since > start and counted > 0
        flags += row_flags(
            p,
            method,
            credited_days,
            since if partly_metered else None,
            counted,
            metered_days,
            negative=cn < 0,
            two_tables=False,
        )
        purchased_shown = shown_ratio(pn, pd)
        credited_shown = shown_ratio(cn, cd)
        figures = RowFigures(
            start,
            end,
            days,
            credited_days,
            purchased_shown,
            shown_ratio(*shown_diverted),
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


def _volume_ratio(value: Volume | None) -> tuple[int, int] | None:
    """(numerator, denominator) of a volume with at most 6 places in 0..10^12, else None
    (the general engine takes it)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        num, den = value.numerator, value.denominator
        if MILLION % den:
            return None
    else:
        found = decimal_ratio(value)
        if found is None:
            return None
        num, den = found
    if num < 0 or num >= LIMIT * den:
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
            row = period_row(
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
            self._meter_error = any(METER_ERROR in f for f in figures.flags)
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
            rates_used=rates_used(used, self.customer_class, self.limits),
            notes=schedule_notes(
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
