"""`kcsac fee CATEGORY --class CLASS [--on DATE] [--json]`: the application fee in force."""

import argparse
import json
import sys
import types
from datetime import date
from typing import NoReturn

from kcsac.cli import EXIT_OK, EXIT_RULE, EXIT_USAGE
from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.fees import application_fee
from kcsac.domain.money import format_plain, format_usd
from kcsac.domain.periods_csv import parse_iso_date

CATEGORIES = tuple(c.value for c in Category)
CLASSES = tuple(c.value for c in CustomerClass)


def _error_one_line(self: argparse.ArgumentParser, message: str) -> NoReturn:
    """argparse's usage error as one stderr line (the usage text is in --help)."""
    self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def one_line_errors(parser: argparse.ArgumentParser) -> None:
    """Make this parser report a usage error on one line, exit status 2."""
    parser.error = types.MethodType(_error_one_line, parser)  # type: ignore[method-assign]


def iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    day = parse_iso_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)")
    return day


def add_class_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--class",
        dest="customer_class",
        required=True,
        choices=CLASSES,
        metavar="CLASS",
        help="customer class: " + ", ".join(CLASSES),
    )


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "fee",
        parents=[common],
        help="the application fee in force on a date",
        description="The Sewer Allowance Credit application fee for a category and customer "
        "class, from the rate table in force on the date (Code secs. 60-2(2)(c), 60-3(a)(6)). "
        "Exit status 3 (a rule refusal) when no table is in force, the ordinance sets no such "
        "fee, or the adjustment does not apply to the class (nonresident-metered, "
        "nonresident-flat: no application is taken and no fee is assessed).",
    )
    parser.add_argument(
        "category",
        choices=CATEGORIES,
        metavar="CATEGORY",
        help="application category: " + ", ".join(CATEGORIES),
    )
    add_class_option(parser)
    parser.add_argument(
        "--on",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date the application is received (default: today)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=handle)
    one_line_errors(parser)


def handle(args: argparse.Namespace) -> int:
    on = args.on or date.today()  # the CLI may read the clock; the domain never does
    category = Category(args.category)
    customer_class = CustomerClass(args.customer_class)
    quote = application_fee(category, customer_class, on)
    if quote.cents is None:
        print(f"kcsac fee: {quote.not_set_reason}", file=sys.stderr)
        return EXIT_RULE
    assert quote.effective_on is not None  # a fee comes from a table in force
    if args.json:
        print(
            json.dumps(
                {
                    "category": category.value,
                    "class": customer_class.value,
                    "fee": format_plain(quote.cents),
                    "citation": quote.citation,
                    "ordinance": quote.ordinance,
                    "effective": quote.effective_on.isoformat(),
                },
                indent=2,
            )
        )
        return EXIT_OK
    rows = (
        ("Application fee", format_usd(quote.cents)),
        ("Category", f"{category.value} ({category.label})"),
        ("Class", f"{customer_class.value} ({customer_class.label})"),
        ("Received on", on.isoformat()),
        ("Citation", quote.citation),
        ("Ordinance", f"{quote.ordinance}, in force from {quote.effective_on.isoformat()}"),
    )
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    return EXIT_OK
