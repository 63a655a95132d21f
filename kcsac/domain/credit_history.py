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
whole, with its reason: never a part of a period. `credit_history` computes the lines;
`double_credits` finds the periods two credits of one account credit twice (rule 6).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import NamedTuple

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import (
    DeterminationTerms,
    PeriodInput,
    check_periods,
    fixed_diversion,
)
from kcsac.domain.method import Method
from kcsac.domain.pricing import (
    Segment,
    cents,
    segments,
    service_dollars,
    surcharge_on_segments,
    volume_dollars,
)
from kcsac.domain.problems import RuleRefused
from kcsac.domain.rates import RATE_TABLES, RateTable, VolumeRounding, rate_table_on
from kcsac.domain.schedule import (
    AdjustedSchedule,
    PeriodPricer,
    RateUsed,
    ScheduleRow,
    ScheduleTotals,
    build_schedule,
)
from kcsac.domain.signed_terms import TermsInForce
from kcsac.domain.surcharge import Concentrations, SurchargeLimits
from kcsac.domain.volume import round_half_up, to_decimal

NO_CONCENTRATIONS = "no concentrations: surcharge not computed"  # the engine's flag
ENDS_INSIDE = "credit ends {} inside this period: only the days to then are credited (reading)"
_DAY = timedelta(days=1)


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
    for items in grouped:
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
        pieces = []
        for index, item in items:
            span = self.spans[index]
            first = max(span.start, start)
            last = end if span.end is None else min(span.end, end)
            pieces.append((index, item, first, last))
        if len(pieces) == 1 and pieces[0][3] == end:
            index, item, _, _ = pieces[0]
            quick = self._fast_line(index, item)
            if quick is not None:
                return quick
            row = self._row(index, item, self.spans[index].start)
            if isinstance(row, LeftOut):
                return row
            return _from_row(row, pieces[0], self.spans[index])
        merged = self._fast_merged(pieces)
        if merged is not None:
            return merged
        return self._merged(pieces)

    # -- the engine ----------------------------------------------------------------------
    def _row(self, index: int, item: PeriodItem, effective_on: date) -> ScheduleRow | LeftOut:
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

    def _from(self, index: int, item: PeriodItem, day: date) -> ScheduleRow | LeftOut:
        """The engine's row crediting span `index`'s terms from `day` (the span's own
        start when that is the first day it credits in the period: the same row)."""
        span_start = self.spans[index].start
        return self._row(index, item, span_start if day == max(span_start, item.start) else day)

    def _credited(
        self, index: int, item: PeriodItem, first: date, last: date
    ) -> Fraction | LeftOut:
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
        item: PeriodItem,
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
    def _fastable(self, index: int, item: PeriodItem) -> bool:
        if self._pricers[index] is None:
            return False
        # with concentrations the engine prices the surcharge
        return not (isinstance(item, PeriodInput) and None not in (item.bod, item.ss, item.og))

    def _fast_line(self, index: int, item: PeriodItem) -> CreditLine | None:
        """An ordinary line by PeriodPricer, or None (the engine takes it)."""
        pricer = self._pricers[index]
        if pricer is None or (
            type(item) is PeriodInput and None not in (item.bod, item.ss, item.og)
        ):
            return None
        span = self.spans[index]
        start, end = item.start, item.end
        s = pricer.figures(span.start, start, end, item.purchased_ccf)
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
                d = purchased * Fraction(terms.percent) / 100  # type: ignore[arg-type]
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


def _period_input(item: PeriodItem) -> PeriodInput:
    if isinstance(item, PeriodInput):
        return item
    return PeriodInput(item.start, item.end, item.purchased_ccf)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


# --- rule 6: one account's credits never credit the same water twice -------------------------


@dataclass(frozen=True)
class AccountCredit:
    """A credit of an account, for the combined-diversion check: which use of water it
    credits (an ownership change: the use of the credit it carries on), its days in force,
    and its lines."""

    number: str
    use: str
    start: date
    end: date | None
    lines: tuple[CreditLine, ...]


def double_credits(
    this: AccountCredit, others: Iterable[AccountCredit]
) -> dict[tuple[date, date], str]:
    """The periods of `this` that the account's credits credit twice (RULES.md rule 6, a
    reading): two credits of the same use in force on the same days, or credits whose
    credited volumes together exceed the water purchased. Each message names both credits;
    the caller leaves the period out (never credited twice)."""
    others = [o for o in others if o.number != this.number]
    found: dict[tuple[date, date], str] = {}
    by_period = {o.number: {line.key: line for line in o.lines} for o in others}
    for line in this.lines:
        together = line.credited_ccf
        with_whom: list[str] = []
        for other in others:
            theirs = by_period[other.number].get(line.key)
            if theirs is None:
                continue
            overlap = _overlap(this, other, line.start, line.end)
            if other.use == this.use and overlap is not None:
                found[line.key] = (
                    f"credited twice: {this.number} and {other.number} both credit the "
                    f"{this.use} water of this account on {overlap[0].isoformat()} to "
                    f"{overlap[1].isoformat()}; one credit per use of water (rule 6, a "
                    "reading): not credited until one of them is amended or ended"
                )
                break
            together += theirs.credited_ccf
            with_whom.append(other.number)
        else:
            if with_whom and together > line.purchased_ccf:
                names = " and ".join([this.number, *with_whom])
                found[line.key] = (
                    f"credited twice: {names} together credit {together} ccf, more than the "
                    f"{line.purchased_ccf} ccf purchased (rule 6, a reading): not credited "
                    "until the director corrects one of them"
                )
    return found


def _overlap(
    a: AccountCredit, b: AccountCredit, start: date, end: date
) -> tuple[date, date] | None:
    first = max(a.start, b.start, start)
    last = min(x for x in (a.end, b.end, end) if x is not None)
    return (first, last) if first <= last else None
