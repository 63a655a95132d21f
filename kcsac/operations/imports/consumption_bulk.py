"""The bulk path of the consumption import: a chunk of the file at a time, checked
column-wise, its good rows held in SQLite (TEMP tables), with the small path's messages in
the same order."""

import array
import csv
import dataclasses
import datetime as dt
import itertools
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from kcsac.domain.records import User
from kcsac.domain.roles import Permission
from kcsac.operations.imports.consumption_rows import (
    CONSUMPTION_COLUMNS,
    audit_consumption,
    checked_row,
    compare_with_stored,
    conflict,
)
from kcsac.operations.imports.csv_files import (
    ODD_BREAKS,
    BadRow,
    ImportFileError,
    ImportResult,
    parse_date,
    read_columns,
    row_values,
    sha256_text,
    text_lines,
    width_problem,
)
from kcsac.operations.users import acting
from kcsac.storage import Store

# Rows the bulk path reads and checks at a time: big enough for the column-wise checks to
# pay, small enough to keep memory flat.
_BATCH = 10_000


# A ccf that str(Decimal(text)) writes unchanged: no sign, no leading zero, no exponent,
# and not so small that str() would switch to an exponent (0.0000001 is 1E-7).
_CCF = r"(?!0\.000000[0-9])(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"
_CCF_COLUMN = re.compile(rf"(?:{_CCF}\n)*{_CCF}")


def _plain_account(number: str) -> bool:
    """Whether a plain line carries the account number as it is: no spaces around it (the
    small path strips cells), nothing JSON would escape (see ConsumptionStaging)."""
    return (
        bool(number)
        and number.isprintable()
        and number == number.strip()
        and not ('"' in number or "\\" in number)
    )


def _odd_breaks(chunk: str) -> bool:
    """Whether `chunk` holds a line break str.splitlines knows and csv does not (a few
    fast substring scans for the usual ASCII text)."""
    if chunk.isascii():
        return any(map(chunk.__contains__, "\x0b\x0c\x1c\x1d\x1e"))
    return ODD_BREAKS.search(chunk) is not None


# About _BATCH lines of a usual file: big enough for the column-wise checks to pay, small
# enough to keep memory flat.
_CHUNK_CHARS = 400_000
# Above this many accounts to compare in full (a file imported again, say), their stored
# periods are read in one pass over the table rather than one query each.
_MANY_ACCOUNTS = 1000


def import_consumption_bulk(
    store: Store, actor: User, path: Path, text: str, *, today: dt.date, skip_bad: bool
) -> ImportResult:
    """A large file, a chunk at a time: every row checked before anything is written, as
    on the small path, with the same messages in the same order, but only a chunk of rows
    in memory.

    A chunk whose every line is a plain good row (the usual case) is split by one regular
    expression and checked a column at a time in C (sets, map); any other chunk row by row
    as on the small path. Good rows go to TEMP tables. An account whose new periods follow
    one another and its last stored one needs no other check; the others are compared in
    full afterwards, their rows read back."""
    cols = CONSUMPTION_COLUMNS
    result = ImportResult(header=cols)
    digest = sha256_text(text)
    reader = csv.reader(text_lines(text))
    pick, width = read_columns(path, reader, cols, result)
    header_lines = reader.line_num
    body = sum(map(len, itertools.islice(text_lines(text), header_lines)))  # where rows start
    stored_last = store.last_consumption_periods()  # read meanwhile, on the other core
    order = _Order(store.account_numbers())
    checks = _BatchChecks(order.last, today, pick, width)
    row_bad: list[BadRow] = []  # problems of single rows, in line order
    with store.consumption_staging() as staging:
        for good in _good_rows(path, text, body, header_lines + 1, checks, row_bad):
            order.add(good.accounts, good.starts, good.ends, good.before)
            if good.plain is not None:
                staging.add_plain(good.first, good.plain)
            else:
                staging.add_rows(good.rows)
        staging.added()
        # Accounts to compare in full: periods out of order, repeated or overlapping in the
        # file, not after the last stored one, or stored periods overlapping one another.
        full = order.irregular | order.not_after(*stored_last())
        compared = _compare_staged(store, staging, full)
        fill = {b.line for b in compared.conflicts} | {
            b.line for _first, found in compared.overlaps for b in found
        }
        cells = _cells_of(path, text, fill - {0}) if fill else {}
        result.bad = sorted(row_bad + _with_cells(compared.conflicts, cells), key=_line)
        for _first, found in sorted(compared.overlaps, key=operator.itemgetter(0)):
            result.bad.extend(_with_cells(found, cells))  # by the account's first line
        if result.bad and not skip_bad:
            return result
        staging.keep(compared.keep)
        with acting(store, actor, Permission.IMPORT, "import files") as actor:
            staging.write()
            result.added = staging.count - compared.rows + compared.added
            result.changed, result.unchanged = compared.changed, compared.unchanged
            audit_consumption(store, actor, path, result, digest)
    result.imported = True
    return result


class _Good(NamedTuple):
    """The good rows of a chunk of the file, their accounts, starts and ends as columns."""

    accounts: list[str]
    starts: list[str]
    ends: list[str]
    before: list[str] | None = None  # each account's _Order.last before the chunk
    first: int = 0  # with `plain`: the line of the first
    plain: list[str] | None = None  # "account,start,end,ccf" of consecutive lines
    rows: list[tuple] | None = None  # or (line, account, start, end, ccf) each


def _good_rows(
    path: Path, text: str, start: int, line: int, checks: "_BatchChecks", bad: list[BadRow]
) -> Iterator[_Good]:
    """The good rows of `text` from `start` (line `line`), a chunk at a time; the problems
    of bad rows added to `bad`."""
    if text.find('"', start) >= 0:  # quoted cells may hold line breaks: csv throughout
        reader = csv.reader(text_lines(text, start))
        for lines, rows in _batches(path, reader, line - 1):
            yield checks.rows(lines, rows, bad)
        return
    while start < len(text):
        end = text.find("\n", start + _CHUNK_CHARS) + 1 or len(text)
        chunk = text[start:end]
        good = checks.quick(chunk, line)
        if good is not None:
            yield good
            line += len(good.plain)
        else:  # some line is not a plain good row: row by row (no quotes: a line each)
            reader = csv.reader(text_lines(chunk))
            for lines, cells in _batches(path, reader, line - 1):
                yield checks.rows(lines, cells, bad)
            line += reader.line_num
        start = end


def _line(bad: BadRow) -> int:
    return bad.line


@dataclass
class _Compared:
    """What the full comparison of some accounts found (see _compare_staged)."""

    rows: int = 0  # their rows staged
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    keep: array.array = field(default_factory=lambda: array.array("q"))  # lines to write
    conflicts: list[BadRow] = field(default_factory=list)  # same key, other values
    overlaps: list[tuple[int, list[BadRow]]] = field(default_factory=list)  # (first line, ...)


def _compare_staged(store: Store, staging, accounts: set[str]) -> _Compared:
    """The small path's duplicate, overlap and stored-period checks for `accounts`, one
    account at a time from the TEMP tables, with its stored periods; BadRows without cells."""
    done = _Compared()
    if not accounts:
        return done
    groups = staging.grouped(accounts)
    many = len(accounts) > _MANY_ACCOUNTS
    for account, rows, stored in _with_stored(store, groups, many=many):
        done.rows += len(rows)
        first: dict[str, tuple[int, str, Decimal]] = {}
        items = []
        for line, start, end, ccf_text in rows:
            ccf = Decimal(ccf_text)
            found = first.get(start)
            if found is None:
                first[start] = (line, end, ccf)
                items.append((line, start, end, ccf, ()))
            elif found[1:] != (end, ccf):
                done.conflicts.append(conflict(line, account, found[0], ()))
        overlaps, new, changed, unchanged = compare_with_stored(account, items, stored)
        bad_lines = {b.line for b in overlaps}  # of all bad rows, only these are its items
        if overlaps:
            done.overlaps.append((rows[0][0], overlaps))
        added = [line for line, _row in new if line not in bad_lines]
        replaced = [line for line, _row in changed if line not in bad_lines]
        done.keep.extend(added)
        done.keep.extend(replaced)
        done.added += len(added)
        done.changed += len(replaced)
        done.unchanged += sum(1 for line in unchanged if line not in bad_lines)
    return done


def _with_stored(store: Store, groups, *, many: bool):
    """(account, its staged rows, its stored periods) for each (account, rows) of `groups`
    (in account order): one query per account, or for many accounts one pass over the
    table in the same order."""
    if not many:
        for account, rows in groups:
            yield account, rows, store.stored_consumption(account)
        return
    stored = store.all_stored_consumption()
    current = next(stored, None)
    for account, rows in groups:
        # Python orders str as SQLite's BINARY collation orders their UTF-8 bytes.
        while current is not None and current[0] < account:
            current = next(stored, None)
        found = current is not None and current[0] == account
        yield account, rows, current[1] if found else {}


def _cells_of(path: Path, text: str, lines: set[int]) -> dict[int, tuple[str, ...]]:
    """The cells of the rows starting on `lines` (for the messages of the few bad rows
    found after their cells were let go): one more pass over the file, up to the last."""
    found: dict[int, tuple[str, ...]] = {}
    last = max(lines, default=0)
    for line, _, cells in row_values(path, text, CONSUMPTION_COLUMNS, ImportResult()):
        if line in lines:
            found[line] = tuple(cells)
        if line >= last:
            break
    return found


def _with_cells(bad: list[BadRow], cells: dict[int, tuple[str, ...]]) -> list[BadRow]:
    return [dataclasses.replace(b, cells=cells[b.line]) if b.line else b for b in bad]


_ACCOUNT, _START, _END = (operator.itemgetter(i) for i in range(3))
_COLUMNS = [operator.itemgetter(i) for i in range(5)]


class _Order:
    """Which accounts' new periods do not simply follow one another and the account's last
    stored period (the accounts all_after would refuse), tracked as rows arrive."""

    def __init__(self, accounts: set[str]) -> None:
        # Every known account -> end of its latest period in the file so far ("" before
        # its first: no start is before it); also what says an account is known.
        self.last: dict[str, str] = dict.fromkeys(accounts, "")
        self.first: dict[str, str] = {}  # account -> start of its first period in the file
        self.irregular: set[str] = set()  # periods out of order, repeated or overlapping

    def add(
        self, accounts: list[str], starts: list[str], ends: list[str], before: list | None
    ) -> None:
        """Good rows' accounts, starts and ends (ISO) in file order; `before`, if given,
        is each account's value in `last` already looked up."""
        last = self.last
        new_ends = dict(zip(accounts, ends, strict=True))
        if len(new_ends) == len(accounts):
            # Each account once (a month's file): a column at a time.
            if before is None:
                before = list(map(last.get, accounts, itertools.repeat("")))
            if any(map(operator.le, starts, before)):
                self.irregular.update(
                    a for a, s, b in zip(accounts, starts, before, strict=True) if s <= b
                )
            if "" in before:  # accounts met for the first time
                self.first.update(
                    itertools.compress(
                        zip(accounts, starts, strict=True), map(operator.not_, before)
                    )
                )
            last.update(new_ends)
        else:
            first = self.first
            for account, start, end in zip(accounts, starts, ends, strict=True):
                earlier = last.get(account)
                if not earlier:
                    first[account] = start
                elif start <= earlier:
                    self.irregular.add(account)
                last[account] = end

    def not_after(self, stored_last: dict[str, str], stored_overlapping: set[str]) -> set[str]:
        """The accounts of the file whose first period does not start after their last
        stored one, or whose stored periods overlap one another."""
        found = {a for a in stored_overlapping if a in self.first}
        found.update(a for a, start in self.first.items() if start <= stored_last.get(a, ""))
        return found


class _BatchChecks:
    """The small path's per-row checks, for a chunk at once when every row passes."""

    def __init__(
        self, accounts: dict[str, str], today: dt.date, pick: Callable | None, width: int
    ) -> None:
        self.accounts = accounts  # every known account number -> _Order's last end
        # Accounts a plain line cannot carry as they are: spaces around (the small path
        # strips cells), or what JSON would have to escape (see ConsumptionStaging).
        self.unplain = {a for a in accounts if not _plain_account(a)}
        self.today = today
        self.today_iso = today.isoformat()
        self.pick, self.width = pick, width
        self.at = list(range(4) if pick is None else pick(range(width)))  # columns' cells
        self.iso_days: set[str] = set()  # texts seen that are dates written YYYY-MM-DD
        self.dates: dict[str, tuple[dt.date | None, str]] = {}  # for the row-by-row checks

    def quick(self, chunk: str, line: int) -> _Good | None:
        """The rows of `chunk` (from line `line`) when every line is a plain good row;
        None when any is not (bad, blank, spaces around a value...). The file has no
        quotes, so csv would split each line at every comma, as str.split does."""
        if _odd_breaks(chunk):  # splitlines would end lines csv does not
            return None
        lines = chunk.splitlines()
        width = self.width
        commas = set(map(str.count, lines, itertools.repeat(",")))
        if commas != {width - 1} or max(map(len, lines)) > csv.field_size_limit():
            return None  # a row narrower or wider than the header, or blank
        cells = ",".join(lines).split(",")  # row after row, `width` cells each
        accounts, starts, ends, ccfs = (cells[at::width] for at in self.at)
        try:  # every account known; what _Order needs of each on the way
            before = list(map(self.accounts.__getitem__, accounts))
        except KeyError:
            return None
        if self.unplain and not self.unplain.isdisjoint(accounts):
            return None
        start_days, end_days = set(starts), set(ends)  # a few: the chunk's months
        days = start_days | end_days
        if not days <= self.iso_days:
            for text in days - self.iso_days:
                day = parse_date(text)
                if day is None or day.isoformat() != text:
                    return None
                self.iso_days.add(text)
        if max(end_days) > self.today_iso:
            return None
        if max(start_days) > min(end_days) and any(map(operator.gt, starts, ends)):
            return None
        if not _CCF_COLUMN.fullmatch("\n".join(ccfs)):  # cells hold no line break
            return None
        # Each line is "account,start,end,ccf" already when the header is just those.
        plain = (
            lines
            if self.pick is None
            else list(map(",".join, zip(accounts, starts, ends, ccfs, strict=True)))
        )
        return _Good(accounts, starts, ends, before, line, plain)

    def rows(self, lines, rows, bad: list[BadRow]) -> _Good:
        """The good rows, checked one at a time as on the small path; the problems of the
        others added to `bad`."""
        good = []
        pick, width = self.pick, self.width
        for line, cells in zip(lines, rows, strict=True):
            if len(cells) != width:
                if any(c.strip() for c in cells):  # blank lines are not rows
                    bad.append(width_problem(line, CONSUMPTION_COLUMNS, cells, width))
                continue
            values = tuple(map(str.strip, cells if pick is None else pick(cells)))
            if not any(values) and not any(c.strip() for c in cells):
                continue  # blank lines are not rows
            exists = values[0] in self.accounts
            checked = checked_row(line, values, cells, exists, self.dates, self.today, bad)
            if checked is not None:
                good.append((line, values[0], checked[0], checked[1], str(checked[2])))
        accounts, starts, ends = (list(map(get, good)) for get in _COLUMNS[1:4])
        return _Good(accounts, starts, ends, rows=good)


def _batches(path: Path, reader, before: int) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
    """(first line of each row, rows) for up to _BATCH rows at a time from a csv reader
    whose first line is the one after line `before`."""
    line = before + 1  # where the next row starts
    while True:
        rows: list[list[str]] = []
        ends: list[int] = []  # the reader's last line of each row
        add_row, add_end = rows.append, ends.append
        try:
            for cells in itertools.islice(reader, _BATCH):
                add_row(cells)
                add_end(reader.line_num)
        except csv.Error as exc:
            where = before + ends[-1] + 1 if ends else line
            raise ImportFileError(f"{path}: line {where}: {exc}") from None
        if not rows:
            return
        if before + ends[-1] - line + 1 == len(rows):  # a line each: no quoted line breaks
            yield range(line, line + len(rows)), rows
        else:
            yield [line, *(before + end + 1 for end in ends[:-1])], rows
        line = before + ends[-1] + 1
