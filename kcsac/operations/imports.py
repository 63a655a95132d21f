"""Imports from the billing system: accounts and consumption CSV files.

Every row is checked first; with any bad row nothing is imported (unless skip_bad, which
imports the good rows and hands back the bad ones). Re-importing the same file changes nothing.
"""

import array
import contextlib
import csv
import dataclasses
import datetime as dt
import gc
import hashlib
import io
import itertools
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account, RecordError, User
from kcsac.domain.roles import Permission
from kcsac.operations.accounts import check_account
from kcsac.operations.users import require
from kcsac.storage import Store

ACCOUNT_COLUMNS = ("account", "customer", "service_address", "account_class", "customer_class")
CONSUMPTION_COLUMNS = ("account", "period_start", "period_end", "ccf")


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


def _read(path: Path) -> str:
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


def _read_header(path: Path, reader, columns: tuple[str, ...], result: "ImportResult") -> list:
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


def _rows(
    path: Path, text: str, columns: tuple[str, ...], result: "ImportResult"
) -> Iterator[tuple[int, dict, tuple]]:
    """(first line of the row, {column: cell}, cells) for each data row; checks the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _read_header(path, reader, columns, result)
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


def _bad(line: int, columns: tuple[str, ...], column: str, message: str, cells) -> BadRow:
    number = columns.index(column) + 1 if column in columns else 0
    return BadRow(line, column if number else "", number, message, tuple(cells))


def _width_problem(line, columns, cells, header_width) -> BadRow:
    return BadRow(
        line, "", 0, f"has {len(cells)} cells; the header has {header_width}", tuple(cells)
    )


def import_accounts(
    store: Store, actor: User | None, path: Path, *, today: dt.date, skip_bad: bool = False
) -> ImportResult:
    """Add or update accounts from the billing system's CSV."""
    require(actor, Permission.IMPORT, "import files")
    text = _read(path)
    result = ImportResult(header=ACCOUNT_COLUMNS)
    good: dict[str, tuple[int, Account]] = {}
    for line, row, cells in _rows(path, text, ACCOUNT_COLUMNS, result):
        if not row:
            result.bad.append(_width_problem(line, ACCOUNT_COLUMNS, cells, len(ACCOUNT_COLUMNS)))
            continue
        problems = check_account(
            row["account"],
            row["customer"],
            row["service_address"],
            row["account_class"],
            row["customer_class"],
        )
        for p in problems:
            result.bad.append(_bad(line, ACCOUNT_COLUMNS, p.field, p.message, cells))
        if problems:
            continue
        acct = Account(
            row["account"],
            row["customer"],
            row["service_address"],
            AccountClass(row["account_class"]),
            CustomerClass(row["customer_class"]),
        )
        if acct.number in good and good[acct.number][1] != acct:
            result.bad.append(
                _bad(
                    line,
                    ACCOUNT_COLUMNS,
                    "account",
                    f"account {acct.number} is also on line "
                    f"{good[acct.number][0]} with different values",
                    cells,
                )
            )
            continue
        good.setdefault(acct.number, (line, acct))
    if result.bad and not skip_bad:
        return result
    reason = f"imported from {path.name} (sha256 {_digest(text)[:12]})"
    with store.write():
        for _line, acct in good.values():
            current = store.find_account(acct.number)
            if current is None:
                store.insert_account(acct, actor.login, reason=reason)
                result.added += 1
            elif _same_account(current, acct):
                result.unchanged += 1
            else:
                store.save_account(
                    acct, expected_version=current.version, actor=actor.login, reason=reason
                )
                result.changed += 1
    result.imported = True
    return result


def _same_account(a: Account, b: Account) -> bool:
    return (a.customer, a.service_address, a.account_class, a.customer_class) == (
        b.customer,
        b.service_address,
        b.account_class,
        b.customer_class,
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


# Above this many lines, the file goes through the bulk path (_import_consumption_bulk):
# every account number and the last stored period of every account read in one pass each
# (a monthly file names most accounts), rows checked a batch at a time and held in a TEMP
# table, not in memory. Below it, only the accounts the file names are read.
_BULK_LINES = 2000
# Rows the bulk path reads and checks at a time: big enough for the column-wise checks to
# pay, small enough to keep memory flat.
_BATCH = 10_000


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A large import makes millions of small tuples and strings that never form cycles;
    the cycle collector would walk them again and again (about a tenth of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_consumption(
    store: Store, actor: User | None, path: Path, *, today: dt.date, skip_bad: bool = False
) -> ImportResult:
    """Water purchased per account and billing period (ccf), keyed by account + start."""
    require(actor, Permission.IMPORT, "import files")
    text = _read(path)
    run = _import_consumption_bulk if text.count("\n") > _BULK_LINES else _import_consumption
    with _no_cycle_collection():
        return run(store, actor, path, text, today=today, skip_bad=skip_bad)


def _import_consumption(
    store: Store, actor: User, path: Path, text: str, *, today: dt.date, skip_bad: bool
) -> ImportResult:
    """A small file: its rows and their accounts' stored periods, held in memory."""
    cols = CONSUMPTION_COLUMNS
    result = ImportResult(header=cols)
    # (account, start ISO) -> (line, end ISO, ccf) of the first row with that key
    good: dict[tuple[str, str], tuple[int, str, Decimal]] = {}
    known: dict[str, bool] = {}
    # A file repeats a few dates many times: each text is parsed once (date, ISO text).
    dates: dict[str, tuple[dt.date | None, str]] = {}
    bad = result.bad
    # Per account, its good rows in file order: (line, start ISO, end ISO, ccf, cells).
    by_account: dict[str, list[tuple[int, str, str, Decimal, list]]] = {}
    for line, values, cells in _values(path, text, cols, result):
        if values is None:
            bad.append(_width_problem(line, cols, cells, len(result.header)))
            continue
        account = values[0]
        exists = known.get(account)
        if exists is None:
            exists = known[account] = store.find_account(account) is not None
        checked = _checked(line, values, cells, exists, dates, today, bad)
        if checked is None:
            continue
        start_iso, end_iso, ccf = checked
        key = (account, start_iso)
        found = good.get(key)
        if found is None:
            good[key] = (line, end_iso, ccf)
            items = by_account.get(account)
            if items is None:
                items = by_account[account] = []
            items.append((line, start_iso, end_iso, ccf, cells))
        elif found[1:] != (end_iso, ccf):
            bad.append(_conflict(line, account, found[0], cells))
    overlaps: dict[str, list[BadRow]] = {}
    new: list[tuple[int, tuple[str, str, str, str]]] = []  # (line, row as stored)
    changed: list[tuple[int, tuple[str, str, str, str]]] = []
    unchanged: list[int] = []
    for account in by_account:
        found, *sorts = _compare(account, by_account[account], store.stored_consumption(account))
        if found:
            overlaps[account] = found
        for kept, more in zip((new, changed, unchanged), sorts, strict=True):
            kept.extend(more)
    for account in by_account:  # in the file's order, as they were always reported
        result.bad.extend(overlaps.get(account, ()))
    if result.bad and not skip_bad:
        return result
    bad_lines = {b.line for b in result.bad}
    added = [row for line, row in new if line not in bad_lines]
    replaced = [row for line, row in changed if line not in bad_lines]
    with store.write():
        store.replace_consumption(added + replaced)
        result.added, result.changed = len(added), len(replaced)
        result.unchanged = sum(1 for line in unchanged if line not in bad_lines)
        _audit_consumption(store, actor, path, result, _digest(text))
    result.imported = True
    return result


def _checked(
    line: int,
    values: tuple[str, ...],
    cells: list,
    exists: bool,
    dates: dict,
    today: dt.date,
    bad: list[BadRow],
) -> tuple[str, str, Decimal] | None:
    """(start ISO, end ISO, ccf) of a good row; None for a bad one, its problems added to
    `bad`. `dates` caches each date text parsed (a file repeats a few dates many times)."""
    _account, start_text, end_text, ccf_text = values
    start, start_iso = dates.get(start_text) or _parsed(dates, start_text)
    end, end_iso = dates.get(end_text) or _parsed(dates, end_text)
    try:
        ccf = Decimal(ccf_text)
        # Written out, as billing systems write volumes: "1e3" or "+5" is a typing slip.
        ccf_ok = bool(_WRITTEN_OUT.fullmatch(ccf_text)) and ccf.is_finite()
    except InvalidOperation:
        ccf_ok = False
    if not (exists and ccf_ok and start and end and start <= end <= today):
        # The rare bad row: every problem it has, in the order of its columns' checks.
        bad.extend(_row_problems(line, cells, values, exists, start, end, ccf_ok, today))
        return None
    return start_iso, end_iso, ccf


def _conflict(line: int, account: str, first_line: int, cells) -> BadRow:
    return _bad(
        line,
        CONSUMPTION_COLUMNS,
        "period_start",
        f"this period of {account} is also on line {first_line} with different values",
        cells,
    )


def _compare(
    account: str, items: list, stored: dict[str, tuple[str, str]]
) -> tuple[list[BadRow], list[tuple[int, tuple]], list[tuple[int, tuple]], list[int]]:
    """One account's good rows (line, start ISO, end ISO, ccf, cells) against its stored
    periods: (overlaps, new and changed (line, row as stored), unchanged lines)."""
    if _all_after(items, stored):  # the usual monthly file: nothing to compare
        return [], [(line, (account, s, e, str(ccf))) for line, s, e, ccf, _ in items], [], []
    new, changed, unchanged = [], [], []
    for line, start, end, ccf, _cells in items:
        row = (account, start, end, str(ccf))  # as put_consumption stores it
        old = stored.get(start)
        if old is None:
            new.append((line, row))
        elif old == row[2:]:
            unchanged.append(line)
        else:
            changed.append((line, row))
    return _overlaps(account, items, stored), new, changed, unchanged


def _audit_consumption(
    store: Store, actor: User, path: Path, result: ImportResult, digest: str
) -> None:
    if result.added or result.changed:
        store.audit(
            actor.login,
            "consumption imported",
            "consumption",
            path.name,
            after={
                "added": result.added,
                "changed": result.changed,
                "file": path.name,
                "sha256": digest,
            },
        )


_WRITTEN_OUT = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")  # a volume, 0 or more, no exponent

# --- the bulk path: a chunk of the file at a time, checked column-wise, held in SQLite ---

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
    return _ODD_BREAKS.search(chunk) is not None


# About _BATCH lines of a usual file: big enough for the column-wise checks to pay, small
# enough to keep memory flat.
_CHUNK_CHARS = 400_000
# Above this many accounts to compare in full (a file imported again, say), their stored
# periods are read in one pass over the table rather than one query each.
_MANY_ACCOUNTS = 1000


def _import_consumption_bulk(
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
    digest = _digest(text)
    reader = csv.reader(_lines(text))
    pick, width = _header(path, reader, cols, result)
    header_lines = reader.line_num
    body = sum(map(len, itertools.islice(_lines(text), header_lines)))  # where rows start
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
        with store.write():
            staging.write()
            result.added = staging.count - compared.rows + compared.added
            result.changed, result.unchanged = compared.changed, compared.unchanged
            _audit_consumption(store, actor, path, result, digest)
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
        reader = csv.reader(_lines(text, start))
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
            reader = csv.reader(_lines(chunk))
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
                done.conflicts.append(_conflict(line, account, found[0], ()))
        overlaps, new, changed, unchanged = _compare(account, items, stored)
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
    for line, _, cells in _values(path, text, CONSUMPTION_COLUMNS, ImportResult()):
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
    stored period (the accounts _all_after would refuse), tracked as rows arrive."""

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
                day = _date(text)
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
                    bad.append(_width_problem(line, CONSUMPTION_COLUMNS, cells, width))
                continue
            values = tuple(map(str.strip, cells if pick is None else pick(cells)))
            if not any(values) and not any(c.strip() for c in cells):
                continue  # blank lines are not rows
            exists = values[0] in self.accounts
            checked = _checked(line, values, cells, exists, self.dates, self.today, bad)
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


# Line breaks str.splitlines knows and io.StringIO(newline="") (and so csv) does not.
_ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CHUNK = 1 << 20


def _lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of `text` from `start`, ends kept, as io.StringIO(text, newline="") gives
    them, a megabyte at a time: StringIO would first copy all of it at 4 bytes a character."""
    size = len(text)
    while start < size:
        end = text.find("\n", start + _CHUNK) + 1 or size
        chunk = text[start:end]
        if _ODD_BREAKS.search(chunk):
            yield from io.StringIO(chunk, newline="")
        else:
            yield from chunk.splitlines(keepends=True)
        start = end


def _header(path: Path, reader, columns: tuple[str, ...], result: ImportResult):
    """Reads and checks the header; (a function picking `columns` from a row's cells, or
    None when the header is exactly `columns`; the header's width)."""
    header = _read_header(path, reader, columns, result)
    names = [h.strip().lower() for h in header]
    where = [names.index(c) for c in columns]
    pick = None if where == list(range(len(header))) else operator.itemgetter(*where)
    return pick, len(header)


def _values(
    path: Path, text: str, columns: tuple[str, ...], result: ImportResult
) -> Iterator[tuple[int, tuple[str, ...] | None, list]]:
    """(first line, the columns' stripped cells in `columns` order or None when the row is
    not as wide as the header, cells) for each data row: _rows without a dict per row."""
    reader = csv.reader(_lines(text))
    pick, width = _header(path, reader, columns, result)
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


def _row_problems(
    line: int,
    cells: list,
    values: tuple[str, ...],
    exists: bool,
    start: dt.date | None,
    end: dt.date | None,
    ccf_ok: bool,
    today: dt.date,
) -> list[BadRow]:
    """Every problem of one consumption row, account first, ccf last."""
    cols = CONSUMPTION_COLUMNS
    account, start_text, end_text, ccf_text = values
    found = []
    if not exists:
        found.append(
            _bad(
                line,
                cols,
                "account",
                f"account {account!r} is not in kcsac; "
                "import it with `kcsac import accounts` first",
                cells,
            )
        )
    if start is None:
        found.append(
            _bad(line, cols, "period_start", f"{start_text!r} is not a date (YYYY-MM-DD)", cells)
        )
    if end is None:
        found.append(
            _bad(line, cols, "period_end", f"{end_text!r} is not a date (YYYY-MM-DD)", cells)
        )
    if start and end and end < start:
        found.append(
            _bad(
                line,
                cols,
                "period_end",
                f"the period ends ({end}) before it starts ({start})",
                cells,
            )
        )
    if start and end and end > today:
        found.append(
            _bad(line, cols, "period_end", f"the period ends in the future ({end})", cells)
        )
    if not ccf_ok:
        found.append(
            _bad(
                line,
                cols,
                "ccf",
                f"{ccf_text!r} is not a volume in ccf (a number written out, 0 or more, "
                "e.g. 1000 or 12.5)",
                cells,
            )
        )
    return found


def _parsed(dates: dict, text: str) -> tuple[dt.date | None, str]:
    day = _date(text)
    dates[text] = found = (day, day.isoformat() if day else "")
    return found


def _all_after(items: list, stored: dict[str, tuple[str, str]]) -> bool:
    """Whether the file's periods of an account follow one another and all stored ones,
    which follow one another too: then none overlaps and none is stored already. (Pairs
    where the next start is not after the previous end, overlapping or out of order,
    send the account to the full check.)"""
    starts = [item[1] for item in items]
    ends = [item[2] for item in items]
    if any(map(operator.le, starts[1:], ends[:-1])):
        return False
    if not stored:
        return True
    stored_starts = list(stored)
    stored_ends = [end for end, _ccf in stored.values()]
    return stored_ends[-1] < starts[0] and not any(
        map(operator.le, stored_starts[1:], stored_ends[:-1])
    )


def _overlaps(account: str, items: list, stored: dict[str, tuple[str, str]]) -> list[BadRow]:
    """A period overlapping another of the same account (in the file or stored) is an error."""
    incoming = {start for _, start, _, _, _ in items}
    pool = [(line, start, end, cells) for line, start, end, _ccf, cells in items]
    pool += [(0, start, end, ()) for start, (end, _) in stored.items() if start not in incoming]
    pool.sort(key=lambda x: x[1])  # ISO dates sort as the dates do
    found = []
    for (l1, a_start, a_end, c1), (l2, b_start, b_end, c2) in itertools.pairwise(pool):
        if b_start > a_end:
            continue
        line, other = (l2, l1) if l2 else (l1, l2)
        where = "already stored" if other == 0 else f"on line {other}"
        found.append(
            BadRow(
                line,
                "period_start",
                2,
                f"the period {b_start}..{b_end} overlaps {a_start}.."
                f"{a_end} of account {account} ({where})",
                tuple(c2 if l2 else c1),
            )
        )
    return found


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
