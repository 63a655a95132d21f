"""Reading billing periods from a CSV file, with problems that name the line and column.

Lines are counted as an editor counts them: the header is line 1. A missing column is a
usage problem (the file is the wrong shape); a bad value is a data problem on its line.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kcsac.domain.method import Method
from kcsac.domain.schedule import PeriodInput

REQUIRED_COLUMNS = ("start", "end", "purchased_ccf")
OPTIONAL_COLUMNS = (
    "diverted_ccf",
    "sewer_ccf",
    "makeup_ccf",
    "blowdown_ccf",
    "bod",
    "ss",
    "og",
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class CsvProblem:
    """A problem at a line (header = 1) and column of the file."""

    line: int
    column: str
    message: str

    def render(self, file_name: str) -> str:
        return f"{file_name} line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedPeriods:
    periods: tuple[PeriodInput, ...]
    lines: tuple[int, ...]  # the line each period came from
    missing_columns: tuple[CsvProblem, ...]  # usage problems: nothing else was read
    problems: tuple[CsvProblem, ...]  # data problems in values


def parse_iso_date(text: str) -> date | None:
    """A date written YYYY-MM-DD, or None."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_decimal(text: str) -> Decimal | None:
    """A plain decimal number such as `96`, `38.25` or `-3`, or None."""
    text = text.strip()
    return Decimal(text) if _NUMBER.fullmatch(text) else None


def columns_for(method: Method, header: list[str]) -> list[str]:
    """The columns that must be in the header for this method (beyond the three always)."""
    if method is Method.SEWER_METER:
        return ["sewer_ccf"]
    if method is Method.DEDUCT_METER:
        if "diverted_ccf" in header or not ({"makeup_ccf", "blowdown_ccf"} & set(header)):
            return ["diverted_ccf"]
        return ["makeup_ccf", "blowdown_ccf"]  # evaporation: make-up minus blow-down
    return []


def _missing(method: Method, header: list[str]) -> tuple[CsvProblem, ...]:
    problems = []
    for column in (*REQUIRED_COLUMNS, *columns_for(method, header)):
        if column not in header:
            why = "" if column in REQUIRED_COLUMNS else f" (needed by the {method.value} method)"
            problems.append(CsvProblem(1, column, f"missing column {column}{why}"))
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(CsvProblem(1, name, f"column {name} appears twice"))
        seen.add(name)
    return tuple(problems)


def parse_periods_csv(text: str, method: Method) -> ParsedPeriods:
    """Periods from CSV text with a header row; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header_row = next(reader, None)
    if header_row is None:
        expected = ",".join(REQUIRED_COLUMNS)
        problem = CsvProblem(1, "", f"the file is empty: expected a header row {expected}")
        return ParsedPeriods((), (), (problem,), ())
    header = [name.strip().lower() for name in header_row]
    missing = _missing(method, header)
    if missing:
        return ParsedPeriods((), (), missing, ())
    known = [c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in header]
    periods: list[PeriodInput] = []
    lines: list[int] = []
    problems: list[CsvProblem] = []
    line = reader.line_num
    for row in reader:
        first_line, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(
                CsvProblem(
                    first_line,
                    "",
                    f"{len(row)} values but the header names {len(header)} columns",
                )
            )
            continue
        cells = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
        values, row_problems = _values(cells, known, first_line)
        problems += row_problems
        if not row_problems:
            periods.append(PeriodInput(**values))  # type: ignore[arg-type]
            lines.append(first_line)
    return ParsedPeriods(tuple(periods), tuple(lines), (), tuple(problems))


def _values(
    cells: dict[str, str], known: list[str], line: int
) -> tuple[dict[str, object], list[CsvProblem]]:
    values: dict[str, object] = {}
    problems: list[CsvProblem] = []
    for column in known:
        text = cells[column].strip()
        if column in ("start", "end"):
            day = parse_iso_date(text)
            if day is None:
                what = "is blank" if not text else f"{text!r} is not a date (YYYY-MM-DD)"
                problems.append(CsvProblem(line, column, f"{column} {what}"))
            values[column] = day
        elif not text:
            if column == "purchased_ccf":
                problems.append(CsvProblem(line, column, "purchased_ccf is blank"))
            values[column] = None  # an optional value left blank
        else:
            number = parse_decimal(text)
            if number is None:
                problems.append(CsvProblem(line, column, f"{column} {text!r} is not a number"))
            values[column] = number
    return values, problems
