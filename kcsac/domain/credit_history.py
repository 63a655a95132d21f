"""A credit's whole history: every billing period under the terms in force for it.

RULES.md, "A credit over time". A credit is a run of signed determinations (TermsInForce),
each in force from its own signature date (an ownership change's: the transfer date) to the
day before the next one took effect, the last one until the credit ends (revoked, ownership
changed) or for good. Each billing period that touches the run is ONE billing line:

- under one set of terms from its start (or a day inside it) to its end, the line is the
  engine's row (kcsac.domain.schedule.build_schedule with those terms and that start);
- otherwise (the terms change inside the period, or the credit ends inside it) each set of
  terms credits its own days: its credited volume is the engine's credited volume from its
  first day less the engine's from the day after its last (same terms, same period), and
  the line's credited volume is the sum of those parts. The purchase P and its unadjusted
  charge count once: B = P - credited, volume charge = price(B), credit = price(P) -
  price(B), each rounded once (RULES.md, "The adjusted volume").

A period that cannot be priced (a meter not read, D above P, no rate table) is left out
whole, with its reason: never a part of a period. The line types are in
kcsac.domain.credit_lines; rule 6's combined check is kcsac.domain.double_credits.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from kcsac.domain.credit_lines import (
    ENDS_INSIDE,
    NO_CONCENTRATIONS,
    CreditLine,
    FastPricing,
    LeftOut,
    LinePart,
    PeriodItem,
    Priced,
    SpanInput,
    shown_volume,
    totals_of,
)
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import (
    PeriodInput,
    check_periods,
    fixed_diversion,
)
from kcsac.domain.method import Method
from kcsac.domain.period_pricer import PeriodPricer
from kcsac.domain.pricing import (
    Segment,
    cents,
    segments,
    surcharge_on_segments,
    volume_dollars,
)
from kcsac.domain.problems import RuleRefused
from kcsac.domain.rates import RATE_TABLES, RateTable, VolumeRounding, rate_table_on
from kcsac.domain.schedule import (
    AdjustedSchedule,
    RateUsed,
    ScheduleRow,
    ScheduleTotals,
    build_schedule,
)
from kcsac.domain.signed_terms import TermsInForce
from kcsac.domain.surcharge import Concentrations, SurchargeLimits

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CreditHistory:
    """Every billing period of a credit under the terms in force for it."""

    customer_class: CustomerClass
    spans: tuple[TermsInForce, ...]
    lines: tuple[CreditLine, ...]
    left_out: tuple[LeftOut, ...]
    volume_rounding: VolumeRounding
    limits: SurchargeLimits | None = None
    tables: tuple[RateTable, ...] = RATE_TABLES
    inputs: tuple["SpanInput", ...] = ()

    @cached_property
    def totals(self) -> ScheduleTotals:
        return totals_of(self.lines)

    @cached_property
    def schedules(self) -> tuple[AdjustedSchedule, ...]:
        """Each set of terms' engine schedule over the periods whose lines it credits from
        its own start (for the rates, notes and worked example a document prints)."""
        priced = {line.key for line in self.lines}
        found = []
        for given in self.inputs:
            periods = [
                _period_input(item)
                for item in given.periods
                if not isinstance(item, LeftOut) and (item.start, item.end) in priced
            ]
            found.append(
                build_schedule(
                    customer_class=self.customer_class,
                    effective_on=given.span.start,
                    terms=given.span.terms,
                    periods=periods,
                    rounding=self.volume_rounding,
                    limits=self.limits,
                    tables=self.tables,
                )
            )
        return tuple(found)

    @cached_property
    def rates_used(self) -> tuple[RateUsed, ...]:
        """The figures the lines applied, with the ordinance and date of each."""
        found: list[RateUsed] = []
        for schedule in self.schedules:
            found += [r for r in schedule.rates_used if r not in found]
        return tuple(sorted(found, key=lambda r: r.effective_on))  # stable: labels in order

    @cached_property
    def notes(self) -> tuple[str, ...]:
        """The engine's notes of every set of terms, each once, in order."""
        found: list[str] = []
        for schedule in self.schedules:
            found += [n for n in schedule.notes if n not in found]
        return tuple(found)

    @property
    def ordinances(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.ordinance for r in self.rates_used))

    def without(self, reasons: Mapping[tuple[date, date], str]) -> "CreditHistory":
        """The history with the lines of `reasons`' periods left out for those reasons."""
        if not reasons:
            return self
        kept = tuple(line for line in self.lines if line.key not in reasons)
        dropped = [
            LeftOut(line.start, line.end, reasons[line.key])
            for line in self.lines
            if line.key in reasons
        ]
        left = tuple(sorted((*self.left_out, *dropped), key=lambda x: (x.start, x.end)))
        return replace(self, lines=kept, left_out=left)


def credit_history(
    customer_class: CustomerClass,
    inputs: Sequence[SpanInput],
    *,
    limits: SurchargeLimits | None = None,
    tables: Sequence[RateTable] = RATE_TABLES,
    rounding: VolumeRounding | None = None,
    fast: FastPricing | None = None,
) -> CreditHistory:
    """The credit's lines, one per billing period, from its terms in force (in date order,
    contiguous) and each one's periods. Raises RuleRefused as build_schedule does (a class
    the adjustment does not apply to, an effective date no rate table covers).

    `fast`: price the ordinary percentage and fixed lines by the engine's integer path and
    the lines those split in exact fractions, never by a period-at-a-time build_schedule
    (for the billing hand-off: the same figures, tested)."""
    spans = tuple(i.span for i in inputs)
    tables = tuple(tables)
    if not spans:
        raise ValueError("credit_history needs at least one set of terms")
    table = rate_table_on(spans[0].start, tables)
    if table is None:  # build_schedule says why
        build_schedule(
            customer_class=customer_class,
            effective_on=spans[0].start,
            terms=spans[0].terms,
            periods=[],
            tables=tables,
        )
        raise RuleRefused(f"no rate table on {spans[0].start.isoformat()}")  # pragma: no cover
    mode = rounding or table.volume_rounding
    work = _Work(customer_class, spans, limits, tables, mode, fast)
    if len(inputs) == 1:  # one set of terms: its periods, in date order, one line each
        grouped = [[(0, item)] for item in sorted(inputs[0].periods, key=_period_key)]
    else:
        by_period: dict[tuple[date, date], list[tuple[int, PeriodItem]]] = {}
        for index, given in enumerate(inputs):
            for item in given.periods:
                by_period.setdefault((item.start, item.end), []).append((index, item))
        grouped = [by_period[key] for key in sorted(by_period)]
    lines: list[CreditLine] = []
    left: list[LeftOut] = []
    quick = work.fast_line if len(inputs) == 1 else None
    for items in grouped:
        found = quick(0, items[0][1]) if quick is not None else None  # the hand-off's hot path
        if found is None:
            found = work.line(items)
        (left if isinstance(found, LeftOut) else lines).append(found)  # type: ignore[arg-type]
    return CreditHistory(
        customer_class, spans, tuple(lines), tuple(left), mode, limits, tables, tuple(inputs)
    )


class _Work:
    """credit_history's state: the engine's rows per set of terms, computed as needed."""

    def __init__(
        self,
        customer_class: CustomerClass,
        spans: tuple[TermsInForce, ...],
        limits: SurchargeLimits | None,
        tables: tuple[RateTable, ...],
        mode: VolumeRounding,
        fast: FastPricing | None,
    ) -> None:
        self.customer_class = customer_class
        self.spans = spans
        self.limits = limits
        self.tables = tables
        self.mode = mode
        self.fast = fast
        self._rows: dict[tuple[int, date, date, date], ScheduleRow | LeftOut] = {}
        # The fast path's per-span pricer (None: the engine prices that span's lines).
        self._pricers: list[PeriodPricer | None] = [
            fast.pricer(customer_class, span.terms)
            if fast is not None
            and mode is VolumeRounding.PRO_RATA
            and span.terms.method in (Method.PERCENTAGE, Method.FIXED)
            else None
            for span in spans
        ]
        self._services = fast.services(customer_class) if fast is not None else {}
        self._no_concentrations = (NO_CONCENTRATIONS,) if limits is not None else ()

    # -- one billing period ---------------------------------------------------------------
    def line(self, items: list[tuple[int, PeriodItem]]) -> CreditLine | LeftOut:
        if len(items) == 1:  # the common case: one set of terms, to the period's end
            index, item = items[0]
            span = self.spans[index]
            if not isinstance(item, LeftOut) and (span.end is None or span.end >= item.end):
                quick = self._fast_line(index, item)
                if quick is not None:
                    return quick
        first_item = items[0][1]
        start, end = first_item.start, first_item.end
        reasons = [item.reason for _, item in items if isinstance(item, LeftOut)]
        if reasons:
            return LeftOut(start, end, "; ".join(dict.fromkeys(reasons)))
        pieces: list[tuple[int, Priced, date, date]] = []
        for index, given in items:
            assert not isinstance(given, LeftOut)  # returned above
            span = self.spans[index]
            first = max(span.start, start)
            last = end if span.end is None else min(span.end, end)
            pieces.append((index, given, first, last))
        if len(pieces) == 1 and pieces[0][3] == end:
            index, priced, _, _ = pieces[0]
            quick = self._fast_line(index, priced)
            if quick is not None:
                return quick
            row = self._row(index, priced, self.spans[index].start)
            if isinstance(row, LeftOut):
                return row
            return _from_row(row, pieces[0], self.spans[index])
        merged = self._fast_merged(pieces)
        if merged is not None:
            return merged
        return self._merged(pieces)

    # -- the engine ----------------------------------------------------------------------
    def _row(self, index: int, item: Priced, effective_on: date) -> ScheduleRow | LeftOut:
        """The engine's row of `item` under span `index`'s terms from `effective_on`."""
        key = (index, item.start, item.end, effective_on)
        found = self._rows.get(key)
        if found is None:
            period = _period_input(item)
            terms = self.spans[index].terms
            problems = check_periods(
                [period], terms, customer_class=self.customer_class, tables=self.tables
            )
            if problems:
                found = LeftOut(item.start, item.end, "; ".join(p.message for p in problems))
            else:
                found = build_schedule(
                    customer_class=self.customer_class,
                    effective_on=effective_on,
                    terms=terms,
                    periods=[period],
                    rounding=self.mode,
                    limits=self.limits,
                    tables=self.tables,
                ).rows[0]
            self._rows[key] = found
        return found

    def _from(self, index: int, item: Priced, day: date) -> ScheduleRow | LeftOut:
        """The engine's row crediting span `index`'s terms from `day` (the span's own
        start when that is the first day it credits in the period: the same row)."""
        span_start = self.spans[index].start
        return self._row(index, item, span_start if day == max(span_start, item.start) else day)

    def _credited(self, index: int, item: Priced, first: date, last: date) -> Fraction | LeftOut:
        """What span `index`'s terms credit on the days first..last of the period: the
        engine's credited volume from `first` less the engine's from the day after `last`."""
        row = self._from(index, item, first)
        if isinstance(row, LeftOut):
            return row
        credited = row.credited_exact
        if last < item.end:
            after = self._row(index, item, last + _DAY)
            if isinstance(after, LeftOut):
                return after
            credited -= after.credited_exact
        return credited

    def _merged(self, pieces) -> CreditLine | LeftOut:
        """A period under several sets of terms, or under one that ends inside it."""
        _, item, _, _ = pieces[0]
        start, end = item.start, item.end
        days = (end - start).days + 1
        purchased = Fraction(item.purchased_ccf)
        tables = segments(start, end, start, self.tables)
        if tables is None:
            return LeftOut(start, end, f"no rate table covers every day of {start} to {end}")
        parts: list[LinePart] = []
        flags: list[str] = []
        credited_on = [Fraction(0)] * len(tables)  # each rate table's days
        service = unadjusted = None
        metered_from = None
        diverted_exact: list[Fraction] = []
        for index, item_i, first, last in pieces:
            row = self._from(index, item_i, first)
            if isinstance(row, LeftOut):
                return row
            service = row.service_charge_cents
            unadjusted = row.volume_charge_unadjusted_cents
            metered_from = metered_from or row.metered_from
            diverted_exact.append(row.diverted_exact)
            for flag in row.flags:
                if flag not in flags:
                    flags.append(flag)
            total = Fraction(0)
            for k, seg in enumerate(tables):
                a, b = max(first, seg.start), min(last, seg.end)
                if a > b:
                    continue
                part = self._credited(index, item_i, a, b)
                if isinstance(part, LeftOut):
                    return part
                credited_on[k] += part
                total += part
            parts.append(
                LinePart(
                    self.spans[index], first, last, row.diverted_ccf, shown_volume(total), total
                )
            )
        credited = sum(credited_on, Fraction(0))
        billed_on = [
            purchased * seg.days / days - c for seg, c in zip(tables, credited_on, strict=True)
        ]
        adjusted = cents(
            max(Fraction(0), volume_dollars(self.customer_class, tables, billed_on, self.mode))
        )
        surcharge = None
        p = _period_input(item)
        if self.limits is not None and None not in (p.bod, p.ss, p.og):
            found = Concentrations(p.bod, p.ss, p.og)  # type: ignore[arg-type]
            on_billed = surcharge_on_segments(
                self.customer_class, tables, billed_on, self.limits, found
            )
            surcharge = cents(max(Fraction(0), on_billed))
        assert service is not None
        assert unadjusted is not None
        return self._line(
            item,
            parts,
            flags,
            credited,
            service,
            unadjusted,
            adjusted,
            surcharge,
            diverted=diverted_exact,
            metered_from=metered_from,
        )

    def _line(
        self,
        item: Priced,
        parts: list[LinePart],
        flags: list[str],
        credited: Fraction,
        service: int,
        unadjusted: int,
        adjusted: int,
        surcharge: int | None,
        *,
        diverted: list[Fraction],
        metered_from: date | None,
    ) -> CreditLine:
        start, end = item.start, item.end
        days = (end - start).days + 1
        flags = [f for f in flags if not f.startswith("before the effective date")]
        if len(parts) > 1:
            told = ", ".join(
                f"{p.span.label} for {p.first.isoformat()} to {p.last.isoformat()} "
                f"({_days(p.days)})"
                for p in parts
            )
            flags.append(
                f"terms changed inside this period: {told}; credited volumes summed, the "
                "purchase and its unadjusted charge counted once"
            )
        last = parts[-1]
        if last.span.end is not None and last.span.end < end and last.span == self.spans[-1]:
            flags.append(ENDS_INSIDE.format(last.span.end.isoformat()))
        purchased_shown = shown_volume(Fraction(item.purchased_ccf))
        credited_shown = shown_volume(credited)
        same_d = all(d == diverted[0] for d in diverted)
        return CreditLine(
            start,
            end,
            days,
            sum(p.days for p in parts),
            purchased_shown,
            shown_volume(diverted[0]) if diverted and same_d else None,
            credited_shown,
            purchased_shown - credited_shown,
            service,
            unadjusted,
            adjusted,
            unadjusted - adjusted,
            surcharge,
            tuple(flags),
            tuple(parts),
            None,
            metered_from,
            None,
            credited,
            Fraction(item.purchased_ccf) - credited,
            diverted[0] if diverted and same_d else None,
        )

    # -- the billing hand-off's fast paths ---------------------------------------------
    def _fastable(self, index: int, item: Priced) -> bool:
        if self._pricers[index] is None:
            return False
        # with concentrations the engine prices the surcharge
        return not (isinstance(item, PeriodInput) and None not in (item.bod, item.ss, item.og))

    def fast_line(self, index: int, item: PeriodItem) -> CreditLine | None:
        """A period under span `index` alone, to its end, priced by PeriodPricer; None when
        it is anything else (left out, split, ended inside, not for the fast path)."""
        if self._pricers[index] is None or type(item) is LeftOut:
            return None
        end = self.spans[index].end
        if end is not None and end < item.end:
            return None
        return self._fast_line(index, item)  # type: ignore[arg-type]

    def _fast_line(self, index: int, item: Priced) -> CreditLine | None:
        """An ordinary line by PeriodPricer, or None (the engine takes it)."""
        pricer = self._pricers[index]
        if pricer is None or (
            type(item) is PeriodInput and None not in (item.bod, item.ss, item.og)
        ):
            return None
        span = self.spans[index]
        start, end = item.start, item.end
        purchased = item.purchased_ccf
        if type(purchased) is not Decimal:  # an exact Fraction: the engine prices it
            return None
        s = pricer.figures(span.start, start, end, purchased)
        service = self._services.get((start, end))
        if service is None:
            assert self.fast is not None
            service = self.fast.service(self.customer_class, start, end)
        if s is None or service is None or s.days_credited == 0:
            return None
        flags = self._no_concentrations + s.flags if self._no_concentrations else s.flags
        first = span.start if span.start > start else start
        part = LinePart(span, first, end, s.diverted_ccf, s.credited_ccf, None)
        return CreditLine(
            item.start,
            item.end,
            s.days,
            s.days_credited,
            s.purchased_ccf,
            s.diverted_ccf,
            s.credited_ccf,
            s.billed_ccf,
            service,
            s.volume_charge_unadjusted_cents,
            s.volume_charge_cents,
            s.credit_cents,
            None,
            flags,
            (part,),
        )

    def _fast_merged(self, pieces) -> CreditLine | None:
        """A split (or ended-inside) line of percentage and fixed terms under one rate
        table, in exact fractions (what _merged computes through the engine)."""
        if not all(self._fastable(index, item) for index, item, _, _ in pieces):
            return None
        _, item, _, _ = pieces[0]
        start, end = item.start, item.end
        tables = segments(start, end, start, self.tables)
        if tables is None or len(tables) != 1:
            return None
        table = tables[0]
        days = tables[0].days
        purchased = Fraction(item.purchased_ccf)
        month = table.table.month_for(self.customer_class).amount
        parts: list[LinePart] = []
        diverted: list[Fraction] = []
        credited = Fraction(0)
        for index, _item, first, last in pieces:
            terms = self.spans[index].terms
            if terms.method is Method.PERCENTAGE:
                d = purchased * Fraction(terms.percent or 0) / 100
            else:
                d = fixed_diversion(terms, days, month)
                if d > purchased:
                    return None  # the engine names the problem
            if d < 0 or purchased < 0:
                return None
            part = d * ((last - first).days + 1) / days
            credited += part
            diverted.append(d)
            parts.append(
                LinePart(self.spans[index], first, last, shown_volume(d), shown_volume(part), part)
            )
        service = self.fast.service(self.customer_class, start, end) if self.fast else None
        if service is None:
            return None
        whole = [Segment(table.table, start, end, True)]
        unadjusted = cents(volume_dollars(self.customer_class, whole, [purchased], self.mode))
        adjusted = cents(
            max(
                Fraction(0),
                volume_dollars(self.customer_class, whole, [purchased - credited], self.mode),
            )
        )
        flags = [NO_CONCENTRATIONS] if self.limits is not None else []
        return self._line(
            item,
            parts,
            flags,
            credited,
            service,
            unadjusted,
            adjusted,
            None,
            diverted=diverted,
            metered_from=None,
        )


def _from_row(row: ScheduleRow, piece, span: TermsInForce) -> CreditLine:
    _, _, first, last = piece
    part = LinePart(span, first, last, row.diverted_ccf, row.credited_ccf, row.credited_exact)
    return CreditLine(
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
        (part,),
        row,
        row.metered_from,
        row.sewer_ccf,
        row.credited_exact,
        row.billed_exact,
        row.diverted_exact,
    )


def _period_key(item: PeriodItem) -> tuple[date, date]:
    return (item.start, item.end)


def _period_input(item: Priced) -> PeriodInput:
    if isinstance(item, PeriodInput):
        return item
    return PeriodInput(item.start, item.end, item.purchased_ccf)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"
