"""Reading billing periods from CSV: values, line numbers (header = 1), columns."""

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from kcsac.domain.determination import PeriodInput
from kcsac.domain.method import Method
from kcsac.domain.periods_csv import (
    Coverage,
    PeriodReader,
    parse_decimal,
    parse_iso_date,
    parse_periods_csv,
)


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


@pytest.mark.parametrize("text", ["١٢", "۱۲", "１２", "1２", "१२", "12.５", "٢٠٢٦"])
def test_only_ascii_digits_are_numbers(text):
    assert parse_decimal(text) is None
    assert parse_decimal("12.5") == Decimal("12.5")


@pytest.mark.parametrize("text", ["２０２６-06-01", "2026-０6-01", "٢٠٢٦-٠٦-٠١"])
def test_only_ascii_digits_are_dates(text):
    assert parse_iso_date(text) is None


class _CountingStream(io.StringIO):
    """A text stream that counts the lines read from it."""

    reads = 0

    def readline(self, size=-1):
        self.reads += 1
        return super().readline(size)


def test_rows_are_read_one_at_a_time():
    """The reader holds no list of the file's rows: the first period is there after three
    lines are read (header, the row, nothing more)."""
    text = "start,end,purchased_ccf\n" + "2026-06-01,2026-06-30,5\n" * 10_000
    stream = _CountingStream(text, newline="")
    rows = iter(PeriodReader(stream, Method.PERCENTAGE))
    first = next(rows)
    assert (first.line, first.period.purchased_ccf) == (2, 5)
    assert stream.reads <= 3
    assert sum(1 for _ in rows) == 9_999


def test_a_line_too_long_is_skipped_not_read_whole_and_numbering_goes_on():
    text = "start,end,purchased_ccf\n" + "x" * 50 + "\n2026-07-01,2026-07-31,5\n"
    reader = PeriodReader(io.StringIO(text, newline=""), Method.PERCENTAGE, line_limit=40)
    rows = list(reader)
    assert [(r.line, r.period is None) for r in rows] == [(2, True), (3, False)]
    assert rows[0].problems[0].message.startswith("the line is longer than 40 characters")


def test_a_value_over_the_field_limit_is_one_problem():
    text = "start,end,purchased_ccf\n2026-06-01,2026-06-30," + "1" * 131_073 + "\n"
    [row] = PeriodReader(io.StringIO(text, newline=""), Method.PERCENTAGE)
    assert row.problems[0].message == (
        "a value is longer than 131,072 characters (the CSV field limit)"
    )


def test_a_header_that_cannot_be_read_is_a_usage_problem():
    text = "start,end,purchased_\udcffccf\n2026-06-01,2026-06-30,5\n"
    reader = PeriodReader(io.StringIO(text, newline=""), Method.PERCENTAGE)
    assert [(p.line, p.message) for p in reader.missing_columns] == [
        (1, "the line is not UTF-8 text")
    ]
    assert list(reader) == []


def _days(start: date, end: date) -> set[date]:
    return {start + timedelta(days=k) for k in range((end - start).days + 1)}


def test_coverage_finds_every_overlap_in_any_order():
    """Against the plain set of days, over random files of periods in any order: an
    overlap is found exactly when a period shares a day with one before, and the covered
    days make as many ranges as they have runs."""
    rng = random.Random(260209)
    first = date(2026, 5, 1)
    for _ in range(400):
        coverage, covered = Coverage(recent=rng.choice([1, 64])), set()
        coverage.BLOCK = rng.choice([1, 2, 512])  # small blocks: splits and merges across them
        for _ in range(rng.randint(1, 60)):
            start = first + timedelta(days=rng.randint(0, 150))
            end = start + timedelta(days=rng.randint(0, 12))
            days = _days(start, end)
            found = coverage.add(PeriodInput(start, end, Decimal(1)))
            assert (found is not None) == bool(days & covered)
            covered |= days
        ordered = sorted(covered)
        runs = 1 + sum((b - a).days > 1 for a, b in pairwise(ordered))
        assert coverage.ranges == runs


def test_coverage_names_the_period_overlapped():
    coverage = Coverage()
    june = PeriodInput(date(2026, 6, 1), date(2026, 6, 30), Decimal(1))
    assert coverage.add(june) is None
    again = PeriodInput(date(2026, 6, 20), date(2026, 7, 19), Decimal(1))
    assert coverage.add(again) == (
        "start 2026-06-20 overlaps the period 2026-06-01 to 2026-06-30 (2026-06-20 to 2026-07-19)"
    )
    forgetful = Coverage(recent=1)
    forgetful.add(june)
    forgetful.add(PeriodInput(date(2026, 8, 1), date(2026, 8, 31), Decimal(1)))
    assert forgetful.add(again) == (
        "start 2026-06-20 overlaps days earlier rows already cover (2026-06-20 to 2026-06-30) "
        "(2026-06-20 to 2026-07-19)"
    )


def test_consecutive_periods_in_either_order_make_one_range():
    for order in (range(2000), reversed(range(2000))):
        coverage = Coverage()
        for k in order:
            day = date(2026, 5, 1) + timedelta(days=k)
            assert coverage.add(PeriodInput(day, day, Decimal(1))) is None
        assert coverage.ranges == 1
