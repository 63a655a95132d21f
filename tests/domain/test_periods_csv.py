"""Reading billing periods from CSV: values, line numbers (header = 1), columns."""

from datetime import date
from decimal import Decimal

import pytest

from kcsac.domain.method import Method
from kcsac.domain.periods_csv import parse_decimal, parse_iso_date, parse_periods_csv


def test_reads_periods_with_their_lines():
    text = (
        "start,end,purchased_ccf,diverted_ccf\n"
        "2026-06-01,2026-06-30,140,38.25\n"
        "\n"
        "2026-07-01,2026-07-31,120,\n"
    )
    parsed = parse_periods_csv(text, Method.DEDUCT_METER)
    assert parsed.missing_columns == ()
    assert parsed.problems == ()
    assert parsed.lines == (2, 4)
    first, second = parsed.periods
    assert (first.start, first.end) == (date(2026, 6, 1), date(2026, 6, 30))
    assert (first.purchased_ccf, first.diverted_ccf) == (Decimal(140), Decimal("38.25"))
    assert second.diverted_ccf is None  # blank: the schedule check reports it


def test_header_is_forgiving_about_case_spaces_and_a_bom():
    text = "\ufeff Start , END,Purchased_CCF\r\n2026-06-01,2026-06-30,5\r\n"
    parsed = parse_periods_csv(text, Method.PERCENTAGE)
    assert parsed.periods[0].purchased_ccf == 5
    assert parsed.lines == (2,)


def test_a_quoted_value_spanning_lines_keeps_later_line_numbers_right():
    text = 'start,end,purchased_ccf,note\n2026-06-01,2026-06-30,5,"two\nlines"\nx,2026-07-31,5,\n'
    parsed = parse_periods_csv(text, Method.PERCENTAGE)
    assert [(p.line, p.column) for p in parsed.problems] == [(4, "start")]


@pytest.mark.parametrize(
    ("method", "header", "missing"),
    [
        (Method.PERCENTAGE, "start,end", ["purchased_ccf"]),
        (Method.DEDUCT_METER, "start,end,purchased_ccf", ["diverted_ccf"]),
        (Method.DEDUCT_METER, "start,end,purchased_ccf,makeup_ccf", ["blowdown_ccf"]),
        (Method.SEWER_METER, "end,purchased_ccf", ["start", "sewer_ccf"]),
    ],
)
def test_missing_columns_are_usage_problems_on_line_1(method, header, missing):
    parsed = parse_periods_csv(header + "\n2026-06-01,2026-06-30,5\n", method)
    assert [(p.line, p.column) for p in parsed.missing_columns] == [(1, c) for c in missing]
    assert parsed.periods == ()
    assert f"missing column {missing[-1]}" in parsed.missing_columns[-1].message


def test_make_up_and_blow_down_columns_replace_diverted():
    text = "start,end,purchased_ccf,makeup_ccf,blowdown_ccf\n2026-06-01,2026-06-30,50,30,5\n"
    parsed = parse_periods_csv(text, Method.DEDUCT_METER)
    assert (parsed.periods[0].makeup_ccf, parsed.periods[0].blowdown_ccf) == (30, 5)


def test_empty_file():
    parsed = parse_periods_csv("", Method.PERCENTAGE)
    assert "the file is empty" in parsed.missing_columns[0].message


def test_duplicate_column():
    parsed = parse_periods_csv("start,end,purchased_ccf,end\n", Method.PERCENTAGE)
    assert parsed.missing_columns[0].message == "column end appears twice"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("2026-6-1,2026-06-30,5", "start", "start '2026-6-1' is not a date (YYYY-MM-DD)"),
        ("2026-06-01,2026-02-30,5", "end", "end '2026-02-30' is not a date (YYYY-MM-DD)"),
        (",2026-06-30,5", "start", "start is blank"),
        ("2026-06-01,2026-06-30,abc", "purchased_ccf", "purchased_ccf 'abc' is not a number"),
        ("2026-06-01,2026-06-30,1e3", "purchased_ccf", "purchased_ccf '1e3' is not a number"),
        ("2026-06-01,2026-06-30,NaN", "purchased_ccf", "purchased_ccf 'NaN' is not a number"),
        ("2026-06-01,2026-06-30,", "purchased_ccf", "purchased_ccf is blank"),
        ("2026-06-01,2026-06-30,5,6", "", "4 values but the header names 3 columns"),
    ],
)
def test_bad_values_are_data_problems_naming_line_and_column(row, column, message):
    parsed = parse_periods_csv(
        f"start,end,purchased_ccf\n2026-05-01,2026-05-31,1\n{row}\n", Method.PERCENTAGE
    )
    [problem] = parsed.problems
    assert (problem.line, problem.column, problem.message) == (3, column, message)
    assert problem.render("periods.csv") == f"periods.csv line 3: {message}"
    assert parsed.lines == (2,)  # the good row is still read


def test_parsers():
    assert parse_iso_date(" 2026-08-12 ") == date(2026, 8, 12)
    assert parse_iso_date("20260812") is None
    assert parse_decimal("-3") == Decimal(-3)
    assert parse_decimal(".5") == Decimal("0.5")
    assert parse_decimal("1,5") is None
