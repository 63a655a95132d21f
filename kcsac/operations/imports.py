"""Imports from the billing system: accounts and consumption CSV files.

Every row is checked first; with any bad row nothing is imported (unless skip_bad, which
imports the good rows and hands back the bad ones). Re-importing the same file changes nothing.
"""

import contextlib
import csv
import datetime as dt
import gc
import hashlib
import io
import itertools
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account, RecordError, User
from kcsac.domain.roles import Permission
from kcsac.operations.applications import check_account
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


def _rows(
    path: Path, text: str, columns: tuple[str, ...], result: "ImportResult"
) -> Iterator[tuple[int, dict, tuple]]:
    """(first line of the row, {column: cell}, cells) for each data row; checks the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
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


# Above this many lines, every account number and stored period is read in one pass each
# (a monthly file names most accounts); below it, only the accounts the file names.
_BULK_LINES = 2000


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
    with _no_cycle_collection():
        return _import_consumption(store, actor, path, text, today=today, skip_bad=skip_bad)


def _import_consumption(
    store: Store, actor: User, path: Path, text: str, *, today: dt.date, skip_bad: bool
) -> ImportResult:
    cols = CONSUMPTION_COLUMNS
    result = ImportResult(header=cols)
    bulk = text.count("\n") > _BULK_LINES
    # (account, start ISO) -> (line, end ISO, ccf) of the first row with that key
    good: dict[tuple[str, str], tuple[int, str, Decimal]] = {}
    known: dict[str, bool] = {}
    all_accounts = store.account_numbers() if bulk else None
    # A file repeats a few dates many times: each text is parsed once (date, ISO text).
    dates: dict[str, tuple[dt.date | None, str]] = {}
    bad = result.bad
    # Per account, its good rows in file order: (line, start ISO, end ISO, ccf, cells).
    by_account: dict[str, list[tuple[int, str, str, Decimal, list]]] = {}
    for line, values, cells in _values(path, text, cols, result):
        if values is None:
            bad.append(_width_problem(line, cols, cells, len(cols)))
            continue
        account, start_text, end_text, ccf_text = values
        exists = known.get(account)
        if exists is None:
            exists = known[account] = (
                account in all_accounts
                if all_accounts is not None
                else store.find_account(account) is not None
            )
        start, start_iso = dates.get(start_text) or _parsed(dates, start_text)
        end, end_iso = dates.get(end_text) or _parsed(dates, end_text)
        try:
            ccf = Decimal(ccf_text)
            ccf_ok = ccf.is_finite() and ccf >= 0
        except InvalidOperation:
            ccf_ok = False
        if not (exists and ccf_ok and start and end and start <= end <= today):
            # The rare bad row: every problem it has, in the order of its columns' checks.
            bad.extend(_row_problems(line, cells, values, exists, start, end, ccf_ok, today))
            continue
        key = (account, start_iso)
        found = good.get(key)
        if found is None:
            good[key] = (line, end_iso, ccf)
            items = by_account.get(account)
            if items is None:
                items = by_account[account] = []
            items.append((line, start_iso, end_iso, ccf, cells))
        elif found[1:] != (end_iso, ccf):
            bad.append(
                _bad(
                    line,
                    cols,
                    "period_start",
                    f"this period of {account} is also on line {found[0]} with different values",
                    cells,
                )
            )
    overlaps: dict[str, list[BadRow]] = {}
    new: list[tuple[int, tuple[str, str, str, str]]] = []  # (line, row as stored)
    changed: list[tuple[int, tuple[str, str, str, str]]] = []
    unchanged: list[int] = []
    for account, stored in _stored(store, by_account, bulk):
        items = by_account[account]
        if _all_after(items, stored):  # the usual monthly file: nothing to compare
            new.extend(
                (line, (account, start, end, str(ccf))) for line, start, end, ccf, _ in items
            )
            continue
        found = _overlaps(account, items, stored)
        if found:
            overlaps[account] = found
        for line, start, end, ccf, _cells in items:
            row = (account, start, end, str(ccf))  # as put_consumption stores it
            old = stored.get(start)
            if old is None:
                new.append((line, row))
            elif old == row[2:]:
                unchanged.append(line)
            else:
                changed.append((line, row))
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
        if added or replaced:
            store.audit(
                actor.login,
                "consumption imported",
                "consumption",
                path.name,
                after={
                    "added": len(added),
                    "changed": len(replaced),
                    "file": path.name,
                    "sha256": _digest(text),
                },
            )
    result.imported = True
    return result


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
                f"{ccf_text!r} is not a volume in ccf (a number, 0 or more)",
                cells,
            )
        )
    return found


def _parsed(dates: dict, text: str) -> tuple[dt.date | None, str]:
    day = _date(text)
    dates[text] = found = (day, day.isoformat() if day else "")
    return found


def _values(
    path: Path, text: str, columns: tuple[str, ...], result: ImportResult
) -> Iterator[tuple[int, tuple[str, ...] | None, list]]:
    """(first line, the columns' stripped cells in `columns` order or None when the row is
    not as wide as the header, cells) for each data row: _rows without a dict per row."""
    reader = csv.reader(io.StringIO(text, newline=""))
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
    pick = operator.itemgetter(*(names.index(c) for c in columns))
    width = len(header)
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
        values = tuple(map(str.strip, pick(cells)))
        if not any(values) and not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        yield first_line, values, cells


def _stored(
    store: Store, by_account: dict, bulk: bool
) -> Iterator[tuple[str, dict[str, tuple[str, str]]]]:
    """(account, {start: (end, ccf)} of its stored periods) for each account of the file:
    one pass over the table for a large file, one query per account for a small one."""
    if not bulk:
        for account in by_account:
            yield account, store.stored_consumption(account)
        return
    seen = set()
    for account, periods in store.all_stored_consumption():
        if account in by_account:
            seen.add(account)
            yield account, periods
    for account in by_account:
        if account not in seen:
            yield account, {}


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
