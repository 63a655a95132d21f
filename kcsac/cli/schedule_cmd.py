"""`kcsac schedule ...`: the adjusted volume schedule for a determination and billing periods."""

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from kcsac.cli import EXIT_DATA, EXIT_FILE, EXIT_OK, EXIT_RULE, EXIT_USAGE
from kcsac.cli.fee_cmd import add_class_option, iso_date, one_line_errors
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import (
    DeterminationTerms,
    check_terms,
    parse_period_field,
    period_problems,
)
from kcsac.domain.eligibility import adjustment_problem
from kcsac.domain.fees import no_table_reason
from kcsac.domain.method import Method
from kcsac.domain.money import format_plain, format_usd
from kcsac.domain.periods_csv import Coverage, CsvProblem, PeriodReader, parse_decimal
from kcsac.domain.rates import VolumeRounding, rate_table_on
from kcsac.domain.schedule import AdjustedSchedule
from kcsac.domain.schedule_stream import RowFigures, ScheduleStream
from kcsac.domain.surcharge import SurchargeLimits, check_limits
from kcsac.domain.volume import format_ccf, round_half_up

PROG = "kcsac schedule"
METHODS = tuple(m.value for m in Method)
ROUNDINGS = tuple(r.value for r in VolumeRounding)
_OPTION = {"percent": "--percent", "fixed_ccf": "--fixed-ccf"}
MAX_PROBLEMS = 100  # problems printed; the rest are counted


def _decimal(text: str) -> Decimal:
    number = parse_decimal(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return number


def _limits(text: str) -> tuple[Decimal, Decimal, Decimal]:
    parts = [parse_decimal(p) for p in text.split(",")]
    numbers = [p for p in parts if p is not None]
    if len(parts) != 3 or len(numbers) != 3:
        raise argparse.ArgumentTypeError(f"{text!r} is not BOD,SS,OG (three numbers in mg/L)")
    return numbers[0], numbers[1], numbers[2]


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "schedule",
        parents=[common],
        help="the adjusted volume schedule for billing periods",
        description="Price billing periods with and without the Sewer Allowance Credit. "
        "FILE.csv (UTF-8) has a header row and columns start,end,purchased_ccf and, as the "
        "method needs, diverted_ccf (or makeup_ccf,blowdown_ccf), sewer_ccf, and optionally "
        "bod,ss,og (mg/L); dates YYYY-MM-DD and numbers in ASCII digits. A metered column "
        "(diverted_ccf, makeup_ccf, blowdown_ccf, sewer_ccf) of the period that holds the "
        "effective date is the volume measured since the meter's activation reading on that "
        "date, so f does not scale it again (RULES.md, First metered period). The file is "
        "read as a stream: any number of periods in bounded memory. Exit status: 2 usage, 3 "
        "rule refusal (a class the adjustment does not apply to, or an effective date or a "
        "period no rate table covers), 4 bad data in the CSV; at most the first "
        f"{MAX_PROBLEMS} problems are printed, one a line, then how many more.",
    )
    add_class_option(parser)
    parser.add_argument(
        "--effective",
        type=iso_date,
        required=True,
        metavar="YYYY-MM-DD",
        help="effective date (the director's signature; the meters' activation)",
    )
    parser.add_argument(
        "--method", required=True, choices=METHODS, metavar="METHOD", help=", ".join(METHODS)
    )
    parser.add_argument("--percent", type=_decimal, metavar="P", help="percentage method: p")
    parser.add_argument(
        "--fixed-ccf", type=_decimal, metavar="V", help="fixed method: ccf per 30 days"
    )
    parser.add_argument(
        "--rounding",
        choices=ROUNDINGS,
        default=None,
        help="volume rounding (default: the rate table's, pro-rata)",
    )
    parser.add_argument(
        "--limits",
        type=_limits,
        metavar="BOD,SS,OG",
        help="normal-sewage limits in mg/L (ch. 60 art. IV); without them no surcharge",
    )
    parser.add_argument(
        "--limits-citation",
        default="entered on the command line",
        metavar="TEXT",
        help="where the limits come from (printed with the schedule)",
    )
    parser.add_argument(
        "--periods",
        type=Path,
        required=True,
        metavar="FILE.csv",
        help="billing periods, one a row, with a header row (see above); the metered "
        "columns of the period that holds the effective date are the use since activation",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=handle)
    one_line_errors(parser)


def _rule_problems(customer_class: CustomerClass, effective_on: date) -> list[str]:
    found = []
    not_adjustable = adjustment_problem(customer_class)
    if not_adjustable is not None:
        found.append(f"{PROG}: {not_adjustable.message} ({not_adjustable.citation})")
    if rate_table_on(effective_on) is None:
        found.append(
            f"{PROG}: --effective {effective_on.isoformat()}: {no_table_reason(effective_on)}"
        )
    return found


class _Problems:
    """The file's problems as they stream in: the first MAX_PROBLEMS lines kept to print,
    the rest only counted; whether any is a rule refusal (cited) decides the exit status."""

    def __init__(self, name: str, limit: int = MAX_PROBLEMS) -> None:
        self.name = name
        self.limit = limit
        self.lines: list[str] = []
        self.count = 0
        self.rule = False

    def add(self, problem: CsvProblem) -> None:
        self.count += 1
        self.rule = self.rule or bool(problem.citation)
        if len(self.lines) < self.limit:
            self.lines.append(problem.render(self.name))

    def report(self) -> int:
        for line in self.lines:
            print(line, file=sys.stderr)
        if self.count > len(self.lines):
            print(f"... and {self.count - len(self.lines):,} more", file=sys.stderr)
        return EXIT_RULE if self.rule else EXIT_DATA


def handle(args: argparse.Namespace) -> int:
    customer_class = CustomerClass(args.customer_class)
    terms = DeterminationTerms(Method(args.method), args.percent, args.fixed_ccf)
    limits = None
    if args.limits is not None:
        bod, ss, og = args.limits  # _limits gives three
        limits = SurchargeLimits(bod, ss, og, citation=args.limits_citation)
    usage = [f"{PROG}: {_OPTION.get(p.field, p.field)}: {p.message}" for p in check_terms(terms)]
    if limits is not None:
        usage += [f"{PROG}: --limits: {p.message}" for p in check_limits(limits)]
    if usage:
        return _fail(usage, EXIT_USAGE)
    refused = _rule_problems(customer_class, args.effective)
    if refused:
        return _fail(refused, EXIT_RULE)
    name = str(args.periods)
    stream = ScheduleStream(
        customer_class=customer_class,
        effective_on=args.effective,
        terms=terms,
        rounding=VolumeRounding(args.rounding) if args.rounding else None,
        limits=limits,
    )
    output = _JsonOutput() if args.json else _TableOutput(limits_set=limits is not None)
    try:
        # surrogateescape: bytes that are not UTF-8 are reported with their line number
        f = args.periods.open(encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as exc:
        return _fail([f"{PROG}: cannot read {name}: {exc.strerror or exc}"], EXIT_FILE)
    with f, output:
        try:
            status = _price_file(f, name, terms, customer_class, stream, output)
            if status != EXIT_OK:
                return status
            try:
                output.write(stream.finish(), sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:
                raise
            except OSError as exc:
                raise _OutputError(exc.strerror or exc) from exc
        except BrokenPipeError:  # the reader (e.g. `| head`) stopped reading: nothing to say
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_FILE
        except _OutputError as exc:
            return _fail([f"{PROG}: cannot write the schedule: {exc}"], EXIT_FILE)
        except OSError as exc:
            return _fail([f"{PROG}: cannot read {name}: {exc.strerror or exc}"], EXIT_FILE)
    return EXIT_OK


class _OutputError(Exception):
    """Writing the schedule (its temporary files, or standard output) failed."""


def _fail(lines: list[str], status: int) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return status


def _price_file(
    f: TextIO,
    name: str,
    terms: DeterminationTerms,
    customer_class: CustomerClass,
    stream: ScheduleStream,
    output: "_Output",
) -> int:
    """Read, check and price every period of the file, one at a time; the exit status.
    After the first problem nothing more is priced, but every row is still checked so
    that the count of problems is right."""
    reader = PeriodReader(f, terms.method)
    problems = _Problems(name)
    if reader.missing_columns:
        for problem in reader.missing_columns:
            problems.add(problem)
        problems.report()
        return EXIT_USAGE
    coverage = Coverage()
    for row in reader:
        p = row.period
        if p is None:
            for problem in row.problems:
                problems.add(problem)
            continue
        found = period_problems(0, p, terms, customer_class=customer_class)
        overlap = coverage.add(p)
        if found or overlap:
            for issue in found:
                column = (parse_period_field(issue.field) or (0, ""))[1]
                problems.add(CsvProblem(row.line, column, issue.message, issue.citation))
            if overlap:
                problems.add(CsvProblem(row.line, "start", overlap))
            continue
        if not problems.count:
            figures = stream.add(p)
            try:
                output.add(figures)
            except OSError as exc:  # e.g. no space left for the temporary file
                raise _OutputError(exc.strerror or exc) from exc
    if problems.count:
        return problems.report()
    if not stream.count:
        return _fail([f"{name} line 2: no billing periods after the header"], EXIT_DATA)
    return EXIT_OK


class _Output:
    """Rows as they are priced go to a temporary file (bounded memory); `write` prints the
    whole schedule once every period is known (the table's columns fit the widest value)."""

    def __init__(self, *, limits_set: bool = False) -> None:
        self._limits_set = limits_set

    def __enter__(self) -> "_Output":
        self._rows = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self._flags = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self._pending: list[str] = []
        self._pending_flags: list[str] = []
        self._rows_written = False
        return self

    def __exit__(self, *exc: object) -> None:
        self._rows.close()
        self._flags.close()

    def _buffer(self, line: str) -> None:
        """One row's line for the temporary file, written a thousand at a time."""
        pending = self._pending
        pending.append(line)
        if len(pending) >= 1000:
            self._flush()

    def _flag(self, line: str) -> None:
        self._pending_flags.append(line)
        if len(self._pending_flags) >= 1000:
            self._flush()

    # how the temporary file separates rows (the JSON objects take a comma between them)
    _separator = "\n"
    _terminated = True  # a separator after each row too

    def _flush(self) -> None:
        if self._pending:
            sep = self._separator
            text = sep.join(self._pending)
            if self._terminated:
                text += sep
            elif self._rows_written:
                text = sep + text
            self._rows.write(text)
            self._rows_written = True
            self._pending.clear()
        if self._pending_flags:
            self._flags.write("".join(self._pending_flags))
            self._pending_flags.clear()

    def rewind(self) -> None:
        """Everything added is in the temporary files, read from their start."""
        self._flush()
        self._rows.seek(0)
        self._flags.seek(0)

    def add(self, row: RowFigures) -> None:
        raise NotImplementedError

    def write(self, schedule: AdjustedSchedule, out: TextIO) -> None:
        raise NotImplementedError


_TWO_PLACES = Decimal("0.01")


def _ccf2(value: Decimal | None) -> str:
    """A volume to two places (half-up) for the table (exact values are in --json)."""
    if value is None:
        return ""
    try:
        return f"{value.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP):,}"
    except InvalidOperation:  # beyond the context's precision
        return f"{round_half_up(value, 2):,}"


def _json_text(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


class _JsonOutput(_Output):
    """The --json shape the issue fixes (money and volumes as strings), indented by 2."""

    _separator = ",\n"
    _terminated = False

    def add(self, row: RowFigures) -> None:
        diverted = None if row.diverted_ccf is None else format_ccf(row.diverted_ccf)
        surcharge = row.surcharge_cents
        self._buffer(
            "    {\n"
            f'      "start": "{row.start.isoformat()}",\n'
            f'      "end": "{row.end.isoformat()}",\n'
            f'      "days": {row.days},\n'
            f'      "factor": "{row.days_credited}/{row.days}",\n'
            f'      "purchased_ccf": "{format_ccf(row.purchased_ccf)}",\n'
            f'      "diverted_ccf": {_json_text(diverted)},\n'
            f'      "credited_ccf": "{format_ccf(row.credited_ccf)}",\n'
            f'      "billed_ccf": "{format_ccf(row.billed_ccf)}",\n'
            f'      "service_charge": "{format_plain(row.service_charge_cents)}",\n'
            f'      "volume_charge_unadjusted": '
            f'"{format_plain(row.volume_charge_unadjusted_cents)}",\n'
            f'      "volume_charge": "{format_plain(row.volume_charge_cents)}",\n'
            f'      "credit": "{format_plain(row.credit_cents)}",\n'
            f'      "surcharge": {_json_text(_money(surcharge))}\n'
            "    }"
        )

    def write(self, schedule: AdjustedSchedule, out: TextIO) -> None:
        totals = schedule.totals
        head = {
            "class": schedule.customer_class.value,
            "method": schedule.method.value,
            "effective": schedule.effective_on.isoformat(),
            "volume_rounding": schedule.volume_rounding.value,
        }
        out.write("{\n")
        for key, value in head.items():
            out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
        out.write('  "periods": [\n')
        self.rewind()
        shutil.copyfileobj(self._rows, out)  # the objects, separated by ",\n"
        out.write("\n")
        money = {
            "service_charge": _money(totals.service_charge_cents),
            "volume_charge_unadjusted": _money(totals.volume_charge_unadjusted_cents),
            "volume_charge": _money(totals.volume_charge_cents),
            "credit": _money(totals.credit_cents),
            "surcharge": _money(totals.surcharge_cents),
        }
        out.write('  ],\n  "totals": {\n')
        out.write(",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in money.items()))
        out.write("\n  }\n}\n")


class _TableOutput(_Output):
    """Aligned columns, a totals row, then rounding, rates with citations, and notes."""

    def __enter__(self) -> "_TableOutput":
        super().__enter__()
        self._widths = [len(h) for h in _HEADERS]
        return self

    def add(self, row: RowFigures) -> None:
        start, end = row.start.isoformat(), row.end.isoformat()
        cells = (
            f"{start} to {end}",
            str(row.days),
            f"{row.days_credited}/{row.days}",
            _ccf2(row.purchased_ccf),
            _ccf2(row.diverted_ccf),
            _ccf2(row.credited_ccf),
            _ccf2(row.billed_ccf),
            format_usd(row.service_charge_cents),
            format_usd(row.volume_charge_unadjusted_cents),
            format_usd(row.volume_charge_cents),
            format_usd(row.credit_cents),
            _surcharge_cell(row.surcharge_cents, self._limits_set),
        )
        self._widths = list(map(max, self._widths, map(len, cells)))
        self._buffer("\t".join(cells))
        for flag in row.flags:
            self._flag(f"  - {start} to {end}: {flag}\n")

    def write(self, schedule: AdjustedSchedule, out: TextIO) -> None:
        t = schedule.totals
        total = [
            "Total",
            str(t.days),
            "",
            _ccf2(t.purchased_ccf),
            "",
            _ccf2(t.credited_ccf),
            _ccf2(t.billed_ccf),
            format_usd(t.service_charge_cents),
            format_usd(t.volume_charge_unadjusted_cents),
            format_usd(t.volume_charge_cents),
            format_usd(t.credit_cents),
            _surcharge_cell(t.surcharge_cents, schedule.limits is not None),
        ]
        widths = [max(w, len(c)) for w, c in zip(self._widths, total, strict=True)]
        # the first column left-aligned, the others right-aligned, two spaces between
        layout = "  ".join([f"{{:<{widths[0]}}}", *(f"{{:>{w}}}" for w in widths[1:])])

        def line(cells: Sequence[str]) -> str:
            return layout.format(*cells).rstrip() + "\n"

        rule = "  ".join("-" * w for w in widths) + "\n"
        out.write(
            "Adjusted volume schedule (Sewer Allowance Credit): "
            f"class {schedule.customer_class.value}, "
            f"method {schedule.method.value}{_parameter(schedule)}, "
            f"effective {schedule.effective_on.isoformat()}\n\n"
        )
        out.write(line(_HEADERS))
        out.write(rule)
        self.rewind()
        batch: list[str] = []
        for text in self._rows:
            batch.append(line(text[:-1].split("\t")))
            if len(batch) >= 1000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
        out.write(rule)
        out.write(line(total))
        tail = [
            "",
            f"Volume rounding: {schedule.volume_rounding.value} "
            f"({schedule.volume_rounding.label}); each charge rounded half-up to the cent once.",
            "Rates:",
            *_rate_lines(schedule),
            "Notes:",
            *(f"  - {note}" for note in schedule.notes),
        ]
        out.write("\n".join(tail) + "\n")
        shutil.copyfileobj(self._flags, out)


def _money(cents: int | None) -> str | None:
    return None if cents is None else format_plain(cents)


_HEADERS = (
    "Period",
    "Days",
    "f",
    "Purchased",
    "Diverted",
    "Credited",
    "Billed",
    "Service",
    "Unadjusted",
    "Volume",
    "Credit",
    "Surcharge",
)


def _surcharge_cell(cents: int | None, limits_set: bool) -> str:
    if cents is not None:
        return format_usd(cents)
    return "n/a" if limits_set else "not set"


def _parameter(schedule: AdjustedSchedule) -> str:
    terms = schedule.terms
    if terms.method is Method.PERCENTAGE:
        return f" {terms.percent}%"
    if terms.method is Method.FIXED:
        return f" {terms.fixed_ccf} ccf per 30 days"
    return ""


def _figure(amount: Decimal, unit: str) -> str:
    return f"{amount} {unit}" if unit == "days" else f"${amount} {unit}"


def _rate_lines(schedule: AdjustedSchedule) -> list[str]:
    """One aligned line per rate applied: what, how much, citation, ordinance."""
    grid = [
        [
            u.label,
            _figure(u.figure.amount, u.figure.unit),
            u.figure.citation,
            f"{u.ordinance}, in force from {u.effective_on.isoformat()}",
        ]
        for u in schedule.rates_used
    ]
    widths = [max(len(r[i]) for r in grid) for i in range(4)] if grid else []
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in grid
    ]
