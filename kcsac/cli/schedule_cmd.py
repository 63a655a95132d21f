"""`kcsac schedule ...`: the adjusted volume schedule for a determination and billing periods."""

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from kcsac.cli import EXIT_DATA, EXIT_FILE, EXIT_OK, EXIT_RULE, EXIT_USAGE
from kcsac.cli.fee_cmd import add_class_option, iso_date, one_line_errors
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.eligibility import adjustment_problem
from kcsac.domain.fees import no_table_reason
from kcsac.domain.method import Method
from kcsac.domain.money import format_plain, format_usd
from kcsac.domain.periods_csv import CsvProblem, parse_decimal, parse_periods_csv
from kcsac.domain.problems import Problem
from kcsac.domain.rates import VolumeRounding, rate_table_on
from kcsac.domain.schedule import (
    AdjustedSchedule,
    DeterminationTerms,
    ScheduleRow,
    build_schedule,
    check_periods,
    check_terms,
    parse_period_field,
)
from kcsac.domain.surcharge import SurchargeLimits, check_limits
from kcsac.domain.volume import format_ccf, round_half_up

PROG = "kcsac schedule"
METHODS = tuple(m.value for m in Method)
ROUNDINGS = tuple(r.value for r in VolumeRounding)
_OPTION = {"percent": "--percent", "fixed_ccf": "--fixed-ccf"}


def _decimal(text: str) -> Decimal:
    number = parse_decimal(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return number


def _limits(text: str) -> tuple[Decimal, Decimal, Decimal]:
    parts = [parse_decimal(p) for p in text.split(",")]
    if len(parts) != 3 or None in parts:
        raise argparse.ArgumentTypeError(f"{text!r} is not BOD,SS,OG (three numbers in mg/L)")
    return parts[0], parts[1], parts[2]  # type: ignore[return-value]


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "schedule",
        parents=[common],
        help="the adjusted volume schedule for billing periods",
        description="Price billing periods with and without the Sewer Allowance Credit. "
        "FILE.csv has a header row and columns start,end,purchased_ccf and, as the method "
        "needs, diverted_ccf (or makeup_ccf,blowdown_ccf), sewer_ccf, and optionally bod,ss,og "
        "(mg/L). Exit status: 2 usage, 3 rule refusal, 4 bad data in the CSV.",
    )
    add_class_option(parser)
    parser.add_argument(
        "--effective",
        type=iso_date,
        required=True,
        metavar="YYYY-MM-DD",
        help="effective date (the director's signature)",
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
        help="billing periods, one a row, with a header row (see above)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=handle)
    one_line_errors(parser)


def _fail(lines: list[str], status: int) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return status


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


def _data_problems(
    name: str, problems: list[Problem], lines: tuple[int, ...], csv_problems: tuple[CsvProblem, ...]
) -> list[str]:
    located: list[tuple[int, str]] = [(p.line, p.render(name)) for p in csv_problems]
    for problem in problems:
        where = parse_period_field(problem.field)
        line = lines[where[0]] if where else 0
        located.append((line, f"{name} line {line}: {problem.message}"))
    return [text for _, text in sorted(located, key=lambda item: item[0])]


def handle(args: argparse.Namespace) -> int:
    customer_class = CustomerClass(args.customer_class)
    terms = DeterminationTerms(Method(args.method), args.percent, args.fixed_ccf)
    limits = None
    if args.limits is not None:
        limits = SurchargeLimits(*args.limits, citation=args.limits_citation)
    usage = [f"{PROG}: {_OPTION.get(p.field, p.field)}: {p.message}" for p in check_terms(terms)]
    if limits is not None:
        usage += [f"{PROG}: --limits: {p.message}" for p in check_limits(limits)]
    if usage:
        return _fail(usage, EXIT_USAGE)
    refused = _rule_problems(customer_class, args.effective)
    if refused:
        return _fail(refused, EXIT_RULE)
    name = str(args.periods)
    try:
        text = args.periods.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return _fail([f"{name} line 1: the file is not UTF-8 text"], EXIT_DATA)
    except OSError as exc:
        return _fail([f"{PROG}: cannot read {name}: {exc.strerror or exc}"], EXIT_FILE)
    parsed = parse_periods_csv(text, terms.method)
    if parsed.missing_columns:
        return _fail([p.render(name) for p in parsed.missing_columns], EXIT_USAGE)
    problems = check_periods(parsed.periods, terms, customer_class=customer_class)
    if problems or parsed.problems:
        return _fail(_data_problems(name, problems, parsed.lines, parsed.problems), EXIT_DATA)
    if not parsed.periods:
        return _fail([f"{name} line 2: no billing periods after the header"], EXIT_DATA)
    schedule = build_schedule(
        customer_class=customer_class,
        effective_on=args.effective,
        terms=terms,
        periods=parsed.periods,
        rounding=VolumeRounding(args.rounding) if args.rounding else None,
        limits=limits,
    )
    print(json.dumps(schedule_json(schedule), indent=2) if args.json else render_table(schedule))
    return EXIT_OK


def _money(cents: int | None) -> str | None:
    return None if cents is None else format_plain(cents)


def schedule_json(schedule: AdjustedSchedule) -> dict[str, object]:
    """The --json shape the issue fixes (money and volumes as strings)."""
    totals = schedule.totals
    return {
        "class": schedule.customer_class.value,
        "method": schedule.method.value,
        "effective": schedule.effective_on.isoformat(),
        "volume_rounding": schedule.volume_rounding.value,
        "periods": [
            {
                "start": row.start.isoformat(),
                "end": row.end.isoformat(),
                "days": row.days,
                "factor": row.factor_text,
                "purchased_ccf": format_ccf(row.purchased_ccf),
                "diverted_ccf": None if row.diverted_ccf is None else format_ccf(row.diverted_ccf),
                "credited_ccf": format_ccf(row.credited_ccf),
                "billed_ccf": format_ccf(row.billed_ccf),
                "service_charge": _money(row.service_charge_cents),
                "volume_charge_unadjusted": _money(row.volume_charge_unadjusted_cents),
                "volume_charge": _money(row.volume_charge_cents),
                "credit": _money(row.credit_cents),
                "surcharge": _money(row.surcharge_cents),
            }
            for row in schedule.rows
        ],
        "totals": {
            "service_charge": _money(totals.service_charge_cents),
            "volume_charge_unadjusted": _money(totals.volume_charge_unadjusted_cents),
            "volume_charge": _money(totals.volume_charge_cents),
            "credit": _money(totals.credit_cents),
            "surcharge": _money(totals.surcharge_cents),
        },
    }


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


def _ccf2(value: Decimal | None) -> str:
    """A volume to two places for the table (exact values are in --json)."""
    return "" if value is None else f"{round_half_up(value, 2):,}"


def _surcharge_cell(cents: int | None, schedule: AdjustedSchedule) -> str:
    if cents is not None:
        return format_usd(cents)
    return "not set" if schedule.limits is None else "n/a"


def _cells(row: ScheduleRow, schedule: AdjustedSchedule) -> list[str]:
    return [
        f"{row.start.isoformat()} to {row.end.isoformat()}",
        str(row.days),
        row.factor_text,
        _ccf2(row.purchased_ccf),
        _ccf2(row.diverted_ccf),
        _ccf2(row.credited_ccf),
        _ccf2(row.billed_ccf),
        format_usd(row.service_charge_cents),
        format_usd(row.volume_charge_unadjusted_cents),
        format_usd(row.volume_charge_cents),
        format_usd(row.credit_cents),
        _surcharge_cell(row.surcharge_cents, schedule),
    ]


def _parameter(schedule: AdjustedSchedule) -> str:
    terms = schedule.terms
    if terms.method is Method.PERCENTAGE:
        return f" {terms.percent}%"
    if terms.method is Method.FIXED:
        return f" {terms.fixed_ccf} ccf per 30 days"
    return ""


def render_table(schedule: AdjustedSchedule) -> str:
    """Aligned columns, a totals row, then rounding, rates with citations, and notes."""
    t = schedule.totals
    body = [_cells(row, schedule) for row in schedule.rows]
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
        _surcharge_cell(t.surcharge_cents, schedule),
    ]
    grid = [list(_HEADERS), *body, total]
    widths = [max(len(r[i]) for r in grid) for i in range(len(_HEADERS))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [
        "Adjusted volume schedule (Sewer Allowance Credit): "
        f"class {schedule.customer_class.value}, "
        f"method {schedule.method.value}{_parameter(schedule)}, "
        f"effective {schedule.effective_on.isoformat()}",
        "",
        line(grid[0]),
        rule,
        *(line(cells) for cells in body),
        rule,
        line(total),
        "",
        f"Volume rounding: {schedule.volume_rounding.value} ({schedule.volume_rounding.label}); "
        "each charge rounded half-up to the cent once.",
        "Rates:",
        *_rate_lines(schedule),
        "Notes:",
        *(f"  - {note}" for note in schedule.notes),
    ]
    for row in schedule.rows:
        out += [f"  - {row.start.isoformat()} to {row.end.isoformat()}: {f}" for f in row.flags]
    return "\n".join(out)


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
