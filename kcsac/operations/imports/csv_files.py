"""Reading the billing system's CSV files and reporting their bad rows: the file's text,
its header, its rows by line (as an editor counts them), and the rejects file."""

import contextlib
import csv
import datetime as dt
import gc
import hashlib
import io
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kcsac.domain.records import RecordError


class ImportFileError(RecordError):
    """The file itself cannot be read (missing, not UTF-8 text, no header)."""


@dataclass(frozen=True)
class BadRow:
    """One problem in one row; line counts as an editor does (the header is line 1)."""

    line: int
    column: str  # column name, "" for the whole row
    column_number: int  # 1-based, 0 for the whole row
    message: str
    cells: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column {self.column_number} ({self.column})"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    header: tuple[str, ...] = ()
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)
    imported: bool = False  # False when bad rows stopped the whole import

    @property
    def rows_bad(self) -> int:
        return len({b.line for b in self.bad})


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a folder, not a CSV file") from None
    except PermissionError:
        raise ImportFileError(f"{path}: cannot be read (permission denied)") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path}: is not UTF-8 text (byte {exc.start}); save it as CSV (UTF-8) and retry"
        ) from None


def read_header(path: Path, reader, columns: tuple[str, ...], result: "ImportResult") -> list:
    """The header row, checked to hold every one of `columns` (in any order, any case)."""
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(
            f"{path}: is empty; expected the header {','.join(columns)}"
        ) from None
    except csv.Error as exc:
        raise ImportFileError(f"{path}: line 1: {exc}") from None
    result.header = tuple(header)
    names = [h.strip().lower() for h in header]
    missing = [c for c in columns if c not in names]
    if missing:
        raise ImportFileError(
            f"{path}: line 1: the header lacks {', '.join(missing)}; expected "
            f"{','.join(columns)} (found {','.join(header)})"
        )
    return header


def dict_rows(
    path: Path, text: str, columns: tuple[str, ...], result: "ImportResult"
) -> Iterator[tuple[int, dict, tuple]]:
    """(first line of the row, {column: cell}, cells) for each data row; checks the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = read_header(path, reader, columns, result)
    names = [h.strip().lower() for h in header]
    index = {c: names.index(c) for c in columns}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(f"{path}: line {line}: {exc}") from None
        first_line, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        if len(cells) != len(header):
            yield first_line, {}, tuple(cells)
            continue
        yield first_line, {c: cells[i].strip() for c, i in index.items()}, tuple(cells)


def bad_row(line: int, columns: tuple[str, ...], column: str, message: str, cells) -> BadRow:
    number = columns.index(column) + 1 if column in columns else 0
    return BadRow(line, column if number else "", number, message, tuple(cells))


def width_problem(line, columns, cells, header_width) -> BadRow:
    return BadRow(
        line, "", 0, f"has {len(cells)} cells; the header has {header_width}", tuple(cells)
    )


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """A large import makes millions of small tuples and strings that never form cycles;
    the cycle collector would walk them again and again (about a tenth of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Line breaks str.splitlines knows and io.StringIO(newline="") (and so csv) does not.
ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CHUNK = 1 << 20


def text_lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of `text` from `start`, ends kept, as io.StringIO(text, newline="") gives
    them, a megabyte at a time: StringIO would first copy all of it at 4 bytes a character."""
    size = len(text)
    while start < size:
        end = text.find("\n", start + _CHUNK) + 1 or size
        chunk = text[start:end]
        if ODD_BREAKS.search(chunk):
            yield from io.StringIO(chunk, newline="")
        else:
            yield from chunk.splitlines(keepends=True)
        start = end


def read_columns(path: Path, reader, columns: tuple[str, ...], result: ImportResult):
    """Reads and checks the header; (a function picking `columns` from a row's cells, or
    None when the header is exactly `columns`; the header's width)."""
    header = read_header(path, reader, columns, result)
    names = [h.strip().lower() for h in header]
    where = [names.index(c) for c in columns]
    pick = None if where == list(range(len(header))) else operator.itemgetter(*where)
    return pick, len(header)


def row_values(
    path: Path, text: str, columns: tuple[str, ...], result: ImportResult
) -> Iterator[tuple[int, tuple[str, ...] | None, list]]:
    """(first line, the columns' stripped cells in `columns` order or None when the row is
    not as wide as the header, cells) for each data row: dict_rows without a dict per row."""
    reader = csv.reader(text_lines(text))
    pick, width = read_columns(path, reader, columns, result)
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(f"{path}: line {line}: {exc}") from None
        first_line, line = line, reader.line_num + 1
        if len(cells) != width:
            if any(c.strip() for c in cells):  # blank lines are not rows
                yield first_line, None, cells
            continue
        values = tuple(map(str.strip, cells if pick is None else pick(cells)))
        if not any(values) and not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        yield first_line, values, cells


def write_rejects(result: ImportResult, path: Path) -> None:
    """The bad rows, as they were, plus the line and what is wrong (for fixing and re-import)."""
    by_line: dict[int, list[BadRow]] = {}
    for bad in result.bad:
        by_line.setdefault(bad.line, []).append(bad)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*result.header, "line", "problem"])
        for line in sorted(by_line):
            cells = next((b.cells for b in by_line[line] if b.cells), ())
            writer.writerow([*cells, line, "; ".join(str(b) for b in by_line[line])])
