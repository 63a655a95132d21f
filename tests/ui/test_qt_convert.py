"""Numbers typed by a clerk: commas only as thousands separators, never a decimal point."""

from decimal import Decimal

import pytest

from kcsac.ui.qt_convert import decimal_problem, parse_decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15.5", Decimal("15.5")),
        (" 15 ", Decimal(15)),
        ("1,250", Decimal(1250)),
        ("12,500.50", Decimal("12500.50")),
        ("1,234,567.8", Decimal("1234567.8")),
        ("-1,250", Decimal(-1250)),
        (".5", Decimal("0.5")),
        ("0", Decimal(0)),
    ],
)
def test_numbers_and_thousands_groups_are_read(text, value):
    assert decimal_problem(text) == ""
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["15,5", "1,2,3", ",5", "1,25", "1,2500", "12,500,5", "1,250,"])
def test_a_comma_outside_thousands_groups_is_refused_saying_it_is_no_decimal_point(text):
    assert parse_decimal(text) is None, "never 155 for 15,5"
    message = decimal_problem(text)
    assert message.startswith(f"{text!r} is not a number")
    assert "the comma is not a decimal point here" in message
    assert "1,250" in message


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "1.2.3", "1.5.", "--1"])
def test_other_non_numbers_are_refused(text):
    assert parse_decimal(text) is None
    assert decimal_problem(text) == f"{text!r} is not a number"


def test_blank_is_no_number_and_no_problem():
    assert parse_decimal("  ") is None
    assert decimal_problem("  ") == ""
