"""Importing the billing system's consumption file (ccf per account and billing period).

Every row is checked first; with any bad row nothing is imported (unless skip_bad, which
imports the good rows and hands back the bad ones). Re-importing the same file changes
nothing. A small file is held in memory; a large one goes through consumption_bulk."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from kcsac.domain.records import User
from kcsac.domain.roles import Permission
from kcsac.operations.imports.consumption_bulk import import_consumption_bulk
from kcsac.operations.imports.consumption_rows import (
    CONSUMPTION_COLUMNS,
    audit_consumption,
    checked_row,
    compare_with_stored,
    conflict,
)
from kcsac.operations.imports.csv_files import (
    BadRow,
    ImportResult,
    no_cycle_collection,
    read_text,
    row_values,
    sha256_text,
    width_problem,
)
from kcsac.operations.users import acting, require
from kcsac.storage import Store

# Above this many lines, the file goes through the bulk path (import_consumption_bulk):
# every account number and the last stored period of every account read in one pass each
# (a monthly file names most accounts), rows checked a batch at a time and held in a TEMP
# table, not in memory. Below it, only the accounts the file names are read.
BULK_LINES = 2000


def import_consumption(
    store: Store, actor: User | None, path: Path, *, today: dt.date, skip_bad: bool = False
) -> ImportResult:
    """Water purchased per account and billing period (ccf), keyed by account + start."""
    require(store, actor, Permission.IMPORT, "import files")
    text = read_text(path)
    run = import_consumption_bulk if text.count("\n") > BULK_LINES else import_small_file
    with no_cycle_collection():
        return run(store, actor, path, text, today=today, skip_bad=skip_bad)


def import_small_file(
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
    for line, values, cells in row_values(path, text, cols, result):
        if values is None:
            bad.append(width_problem(line, cols, cells, len(result.header)))
            continue
        account = values[0]
        exists = known.get(account)
        if exists is None:
            exists = known[account] = store.find_account(account) is not None
        checked = checked_row(line, values, cells, exists, dates, today, bad)
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
            bad.append(conflict(line, account, found[0], cells))
    overlaps: dict[str, list[BadRow]] = {}
    new: list[tuple[int, tuple[str, str, str, str]]] = []  # (line, row as stored)
    changed: list[tuple[int, tuple[str, str, str, str]]] = []
    unchanged: list[int] = []
    for account in by_account:
        found, *sorts = compare_with_stored(
            account, by_account[account], store.stored_consumption(account)
        )
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
    with acting(store, actor, Permission.IMPORT, "import files") as actor:
        store.replace_consumption(added + replaced)
        result.added, result.changed = len(added), len(replaced)
        result.unchanged = sum(1 for line in unchanged if line not in bad_lines)
        audit_consumption(store, actor, path, result, sha256_text(text))
    result.imported = True
    return result
