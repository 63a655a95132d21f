"""The checks of one consumption row and of an account's periods (no overlap, in the store
or the file), shared by the small and the bulk path of the consumption import."""

import datetime as dt
import itertools
import operator
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kcsac.domain.records import User
from kcsac.operations.imports.csv_files import BadRow, ImportResult, bad_row, parse_date
from kcsac.storage import Store

CONSUMPTION_COLUMNS = ("account", "period_start", "period_end", "ccf")


def checked_row(
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
    start, start_iso = dates.get(start_text) or parsed_date(dates, start_text)
    end, end_iso = dates.get(end_text) or parsed_date(dates, end_text)
    try:
        ccf = Decimal(ccf_text)
        # Written out, as billing systems write volumes: "1e3" or "+5" is a typing slip.
        ccf_ok = bool(_WRITTEN_OUT.fullmatch(ccf_text)) and ccf.is_finite()
    except InvalidOperation:
        ccf_ok = False
    if not (exists and ccf_ok and start and end and start <= end <= today):
        # The rare bad row: every problem it has, in the order of its columns' checks.
        bad.extend(row_problems(line, cells, values, exists, start, end, ccf_ok, today))
        return None
    return start_iso, end_iso, ccf


def conflict(line: int, account: str, first_line: int, cells) -> BadRow:
    return bad_row(
        line,
        CONSUMPTION_COLUMNS,
        "period_start",
        f"this period of {account} is also on line {first_line} with different values",
        cells,
    )


def compare_with_stored(
    account: str, items: list, stored: dict[str, tuple[str, str]]
) -> tuple[list[BadRow], list[tuple[int, tuple]], list[tuple[int, tuple]], list[int]]:
    """One account's good rows (line, start ISO, end ISO, ccf, cells) against its stored
    periods: (overlaps, new and changed (line, row as stored), unchanged lines)."""
    if all_after(items, stored):  # the usual monthly file: nothing to compare
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
    return overlaps(account, items, stored), new, changed, unchanged


def audit_consumption(
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


def row_problems(
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
            bad_row(
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
            bad_row(line, cols, "period_start", f"{start_text!r} is not a date (YYYY-MM-DD)", cells)
        )
    if end is None:
        found.append(
            bad_row(line, cols, "period_end", f"{end_text!r} is not a date (YYYY-MM-DD)", cells)
        )
    if start and end and end < start:
        found.append(
            bad_row(
                line,
                cols,
                "period_end",
                f"the period ends ({end}) before it starts ({start})",
                cells,
            )
        )
    if start and end and end > today:
        found.append(
            bad_row(line, cols, "period_end", f"the period ends in the future ({end})", cells)
        )
    if not ccf_ok:
        found.append(
            bad_row(
                line,
                cols,
                "ccf",
                f"{ccf_text!r} is not a volume in ccf (a number written out, 0 or more, "
                "e.g. 1000 or 12.5)",
                cells,
            )
        )
    return found


def parsed_date(dates: dict, text: str) -> tuple[dt.date | None, str]:
    day = parse_date(text)
    dates[text] = found = (day, day.isoformat() if day else "")
    return found


def all_after(items: list, stored: dict[str, tuple[str, str]]) -> bool:
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


def overlaps(account: str, items: list, stored: dict[str, tuple[str, str]]) -> list[BadRow]:
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
