"""Reading billing periods from a CSV file, with problems that name the line and column.

Lines are counted as an editor counts them: the header is line 1. A missing column is a
usage problem (the file is the wrong shape); a bad value is a data problem on its line.
The file is read as a stream (`read_periods`): one row at a time, each line and each value
bounded in length, so a file of any size is read in bounded memory. Numbers and dates are
written with ASCII digits only (`١٢` or `１２` are not numbers).
"""

import csv
import io
import re
from bisect import bisect_right
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TextIO

from kcsac.domain.determination import PeriodInput
from kcsac.domain.method import Method

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
# ASCII digits only: `\d` would take Arabic-Indic or full-width digits, and Decimal() reads them.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# What a line of text read with errors="surrogateescape" holds where its bytes were not UTF-8.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")

FIELD_LIMIT = 131_072  # the csv module's field size limit, in characters
LINE_LIMIT = 1_048_576  # no billing period row comes near it; a longer line is not read whole


@dataclass(frozen=True)
class CsvProblem:
    """A problem at a line (header = 1) and column of the file. A `citation` marks a rule
    refusal (e.g. a period no rate table covers) rather than bad data."""

    line: int
    column: str
    message: str
    citation: str = ""

    def render(self, file_name: str) -> str:
        cited = f" ({self.citation})" if self.citation else ""
        return f"{file_name} line {self.line}: {self.message}{cited}"


@dataclass(frozen=True)
class ParsedPeriods:
    periods: tuple[PeriodInput, ...]
    lines: tuple[int, ...]  # the line each period came from
    missing_columns: tuple[CsvProblem, ...]  # usage problems: nothing else was read
    problems: tuple[CsvProblem, ...]  # data problems in values


@dataclass(frozen=True)
class CsvRow:
    """One data row: its period (None when a value is bad) and the problems on its lines."""

    line: int
    period: PeriodInput | None
    problems: tuple[CsvProblem, ...] = ()


def parse_iso_date(text: str) -> date | None:
    """A date written YYYY-MM-DD in ASCII digits, or None."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_decimal(text: str) -> Decimal | None:
    """A plain decimal number in ASCII digits such as `96`, `38.25` or `-3`, or None."""
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


class _Lines:
    """The stream's lines for the csv reader, each at most LINE_LIMIT characters; a longer
    line, or one with bytes that are not UTF-8, is handed on as a blank line and noted as a
    problem (`pending`), so line numbers stay right and memory stays bounded."""

    def __init__(self, stream: TextIO, limit: int) -> None:
        self._readline = stream.readline
        self._limit = limit
        self.count = 0
        self.pending: list[CsvProblem] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._readline(self._limit + 1)
        if not line:
            raise StopIteration
        self.count += 1
        if len(line) > self._limit and line[-1] not in "\r\n":
            while (rest := self._readline(self._limit)) and rest[-1] not in "\r\n":
                pass  # the rest of the line is not read into memory
            self.pending.append(
                CsvProblem(
                    self.count,
                    "",
                    f"the line is longer than {self._limit:,} characters; no billing period "
                    "row is (a value may hold at most "
                    f"{FIELD_LIMIT:,})",
                )
            )
            return "\n"
        if _NOT_UTF8.search(line):
            self.pending.append(CsvProblem(self.count, "", "the line is not UTF-8 text"))
            return "\n"
        return line


@dataclass
class PeriodReader:
    """Periods from a CSV text stream with a header row, one row at a time.

    `missing_columns` holds the header's usage problems (then no row is read). Iterating
    gives a CsvRow for each row that is not blank, and for lines that are not read (too
    long, not UTF-8, not CSV) a CsvRow without a period. Open the stream with newline=""
    and errors="surrogateescape" (bytes that are not UTF-8 are then reported by line).
    """

    stream: TextIO
    method: Method
    line_limit: int = LINE_LIMIT
    missing_columns: tuple[CsvProblem, ...] = ()
    header: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lines = _Lines(self.stream, self.line_limit)
        self._reader = csv.reader(self._lines)
        header_row = self._next_row()
        if self._lines.pending or isinstance(header_row, CsvProblem):
            # the header line itself could not be read: the file is the wrong shape
            unread = [header_row] if isinstance(header_row, CsvProblem) else []
            self.missing_columns = (*self._lines.pending, *unread)
            return
        if header_row is None:
            expected = ",".join(REQUIRED_COLUMNS)
            problem = CsvProblem(1, "", f"the file is empty: expected a header row {expected}")
            self.missing_columns = (problem,)
            return
        if header_row and header_row[0].startswith("\ufeff"):
            header_row[0] = header_row[0].removeprefix("\ufeff")
        self.header = [name.strip().lower() for name in header_row]
        self.missing_columns = _missing(self.method, self.header)

    def _next_row(self) -> list[str] | CsvProblem | None:
        """The next record, a problem for a line that is not CSV, or None at the end."""
        lines = self._lines
        start = lines.count + 1
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            text = str(exc)
            if "field larger than field limit" in text:
                text = f"a value is longer than {FIELD_LIMIT:,} characters (the CSV field limit)"
            else:
                text = f"not CSV: {text}"
            return CsvProblem(start, "", text)

    def __iter__(self) -> Iterator[CsvRow]:
        if self.missing_columns:
            return
        header = self.header
        width = len(header)
        known = [
            (header.index(c), c) for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in header
        ]
        lines = self._lines
        while True:
            first_line = lines.count + 1
            row = self._next_row()
            pending = lines.pending
            if pending:
                for problem in pending:
                    yield CsvRow(problem.line, None, (problem,))
                pending.clear()
            if row is None:
                return
            if isinstance(row, CsvProblem):
                yield CsvRow(row.line, None, (row,))
                continue
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) > width:
                message = f"{len(row)} values but the header names {width} columns"
                yield CsvRow(first_line, None, (CsvProblem(first_line, "", message),))
                continue
            values, problems = _values(row, known, first_line)
            if problems:
                yield CsvRow(first_line, None, tuple(problems))
            else:
                yield CsvRow(first_line, PeriodInput(**values))  # type: ignore[arg-type]


def read_periods(stream: TextIO, method: Method) -> PeriodReader:
    """A PeriodReader over `stream` (see there)."""
    return PeriodReader(stream, method)


def parse_periods_csv(text: str, method: Method) -> ParsedPeriods:
    """Periods from CSV text with a header row; blank lines are skipped (a small file read
    whole; read_periods streams a large one)."""
    reader = read_periods(io.StringIO(text, newline=""), method)
    if reader.missing_columns:
        return ParsedPeriods((), (), reader.missing_columns, ())
    periods: list[PeriodInput] = []
    lines: list[int] = []
    problems: list[CsvProblem] = []
    for row in reader:
        problems += row.problems
        if row.period is not None:
            periods.append(row.period)
            lines.append(row.line)
    return ParsedPeriods(tuple(periods), tuple(lines), (), tuple(problems))


def _values(
    row: list[str], known: list[tuple[int, str]], line: int
) -> tuple[dict[str, object], list[CsvProblem]]:
    values: dict[str, object] = {}
    problems: list[CsvProblem] = []
    size = len(row)
    for index, column in known:
        text = row[index].strip() if index < size else ""
        if column in ("start", "end"):
            day = parse_iso_date(text)
            if day is None:
                what = "is blank" if not text else f"{_quoted(text)} is not a date (YYYY-MM-DD)"
                problems.append(CsvProblem(line, column, f"{column} {what}"))
            values[column] = day
        elif not text:
            if column == "purchased_ccf":
                problems.append(CsvProblem(line, column, "purchased_ccf is blank"))
            values[column] = None  # an optional value left blank
        else:
            number = parse_decimal(text)
            if number is None:
                problems.append(
                    CsvProblem(line, column, f"{column} {_quoted(text)} is not a number")
                )
            values[column] = number
    return values, problems


def _quoted(text: str, limit: int = 40) -> str:
    """A value for a one-line message: repr'd, and cut short when long."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


class Coverage:
    """The days the periods read so far cover, to find an overlap as rows stream in.

    Covered days are kept as disjoint ranges of day ordinals, adjacent periods merged: a file
    of consecutive periods, in either order, needs one range. The ranges are held in sorted
    blocks of at most 2 x BLOCK, so even periods in random order with gaps between them
    cost O(BLOCK + log n) each, never a shift of every range. The last `recent` periods
    are remembered to name the one a new period overlaps.
    """

    BLOCK = 512

    def __init__(self, recent: int = 64) -> None:
        self._blocks: list[tuple[list[int], list[int]]] = []  # (starts, ends), in order
        self._firsts: list[int] = []  # each block's first start
        self._recent: deque[tuple[int, int]] = deque(maxlen=recent)

    @property
    def ranges(self) -> int:
        """How many disjoint ranges the covered days make (for tests and benchmarks)."""
        return sum(len(starts) for starts, _ in self._blocks)

    def add(self, p: PeriodInput) -> str | None:
        """Record the period; the message when it overlaps one recorded before, or None."""
        start, end = p.start.toordinal(), p.end.toordinal()
        if end < start:
            return None  # reported as dates out of order
        self._recent.append((start, end))
        blocks = self._blocks
        if not blocks:
            blocks.append(([start], [end]))
            self._firsts.append(start)
            return None
        last_starts, last_ends = blocks[-1]
        if start > last_ends[-1]:  # the usual file: each period after the ones before
            if start == last_ends[-1] + 1:
                last_ends[-1] = end
            else:
                last_starts.append(start)
                last_ends.append(end)
                self._split(len(blocks) - 1)
            return None
        return self._insert(p, start, end)

    def _insert(self, p: PeriodInput, start: int, end: int) -> str | None:
        blocks, firsts = self._blocks, self._firsts
        # the last range starting on or before end + 1 (it may touch or overlap the period)
        b = max(bisect_right(firsts, end + 1) - 1, 0)
        i = bisect_right(blocks[b][0], end + 1)
        # walk back over the ranges that touch start - 1 .. end + 1 (ends rise with starts)
        touched: list[tuple[int, int]] = []  # (block, index), last first
        while True:
            if i == 0:
                if b == 0:
                    break
                b -= 1
                i = len(blocks[b][0])
                continue
            if blocks[b][1][i - 1] < start - 1:
                break
            i -= 1
            touched.append((b, i))
        problem = None
        overlapped = [
            (blocks[bb][0][ii], blocks[bb][1][ii])
            for bb, ii in touched
            if blocks[bb][0][ii] <= end and blocks[bb][1][ii] >= start
        ]
        if overlapped:
            problem = self._message(p, start, end, overlapped)
        if not touched:
            b = max(bisect_right(firsts, start) - 1, 0)
            i = bisect_right(blocks[b][0], start)
            blocks[b][0].insert(i, start)
            blocks[b][1].insert(i, end)
            firsts[b] = blocks[b][0][0]
            self._split(b)
            return problem
        first_b, first_i = touched[-1]
        last_b, last_i = touched[0]
        merged_start = min(start, blocks[first_b][0][first_i])
        merged_end = max(end, blocks[last_b][1][last_i])
        # remove the touched ranges (contiguous from (first_b, first_i) to (last_b, last_i))
        for bb in range(last_b, first_b - 1, -1):
            lo = first_i if bb == first_b else 0
            hi = last_i + 1 if bb == last_b else len(blocks[bb][0])
            del blocks[bb][0][lo:hi]
            del blocks[bb][1][lo:hi]
        blocks[first_b][0].insert(first_i, merged_start)
        blocks[first_b][1].insert(first_i, merged_end)
        for bb in range(last_b, first_b, -1):  # blocks emptied by the merge
            if not blocks[bb][0]:
                del blocks[bb]
                del firsts[bb]
            else:
                firsts[bb] = blocks[bb][0][0]
        firsts[first_b] = blocks[first_b][0][0]
        self._split(first_b)
        return problem

    def _split(self, b: int) -> None:
        starts, ends = self._blocks[b]
        if len(starts) <= 2 * self.BLOCK:
            return
        half = len(starts) // 2
        self._blocks.insert(b + 1, (starts[half:], ends[half:]))
        del starts[half:]
        del ends[half:]
        self._firsts.insert(b + 1, self._blocks[b + 1][0][0])

    def _message(
        self, p: PeriodInput, start: int, end: int, overlapped: list[tuple[int, int]]
    ) -> str:
        recent = list(self._recent)[:-1]  # not the period itself
        for first, last in reversed(recent):
            if first <= end and start <= last:
                label = f"{date.fromordinal(first).isoformat()} to {date.fromordinal(last)}"
                return f"start {p.start.isoformat()} overlaps the period {label} ({p.label})"
        low = max(start, min(r[0] for r in overlapped))
        high = min(end, max(r[1] for r in overlapped))
        covered = f"{date.fromordinal(low).isoformat()} to {date.fromordinal(high).isoformat()}"
        return (
            f"start {p.start.isoformat()} overlaps days earlier rows already cover "
            f"({covered}) ({p.label})"
        )
