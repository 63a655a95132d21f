"""Consumption seals: the bulk-written consumption periods bound to the audit trail.

A consumption import writes up to a million rows in one statement; an audit row each would
double the file. Instead the periods are sealed by segment, one account's periods starting
in one calendar year: `consumption_seals` holds each segment's number of periods and the
sha256 over them, and every write of consumption re-seals the segments it touched and
appends one audit row ("consumption sealed", entity consumption, id `SEALS_ID`) whose
`after` holds the root: the sha256 over every seal row. `kcsac audit verify` recomputes each
segment from the consumption table and the root from the seals, so a period changed,
added or deleted outside kcsac names its account and year, and seals edited to match name
the audit row they no longer match.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import sqlite3
from collections.abc import Iterable, Iterator

SEALS_ID = "seals"
SEALED = "consumption sealed"
_TOUCHED = "temp.kcsac_seal_touched"

# One text per period, in the segment's order; json_array() quotes every value, so no
# period's text can run into the next one's.
_LINES = (
    "SELECT c.account, substr(c.period_start, 1, 4), "
    "json_array(c.period_start, c.period_end, c.ccf) FROM consumption c"
)


def segment_digest(account: str, year: str, lines: Iterable[str]) -> str:
    """sha256 over a segment's key and its periods' texts (as _LINES gives them, in
    period_start order)."""
    text = json.dumps([account, year]) + "\n" + "\n".join(lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segments(rows: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, str, int, str]]:
    """(account, year, periods, sha256) of each segment of (account, year, line) rows given
    in (account, period_start) order."""
    line = operator.itemgetter(2)
    for (account, year), group in itertools.groupby(rows, key=operator.itemgetter(0, 1)):
        lines = list(map(line, group))
        yield account, year, len(lines), segment_digest(account, year, lines)


def all_segments(conn: sqlite3.Connection) -> Iterator[tuple[str, str, int, str]]:
    """Every segment of the consumption table, recomputed (for verification)."""
    return segments(conn.execute(f"{_LINES} ORDER BY c.account, c.period_start"))


def root(conn: sqlite3.Connection) -> tuple[int, int, str]:
    """(segments, periods, sha256 over every seal row in key order)."""
    digest = hashlib.sha256()
    count = periods = 0
    for text, n in conn.execute(
        "SELECT json_array(account, year, periods, sha256), periods FROM consumption_seals "
        "ORDER BY account, year"
    ):
        digest.update(text.encode("utf-8"))
        digest.update(b"\n")
        count += 1
        periods += n
    return count, periods, digest.hexdigest()


def reseal(conn: sqlite3.Connection, touched: Iterable[tuple[str, str]] | None = None) -> int:
    """Recompute the seals of the `touched` (account, year) segments (all when None) from
    the consumption table; call inside the write transaction that changed them, then audit
    the root (Store does: see Store.seal_consumption). Returns the segments touched."""
    if touched is None:
        conn.execute("DELETE FROM consumption_seals")
        found = list(all_segments(conn))
        conn.executemany(
            "INSERT INTO consumption_seals (account, year, periods, sha256) VALUES (?,?,?,?)",
            found,
        )
        return len(found)
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {_TOUCHED} (account TEXT NOT NULL, year TEXT NOT NULL, "
        "PRIMARY KEY (account, year)) WITHOUT ROWID"
    )
    try:
        conn.executemany(f"INSERT OR IGNORE INTO {_TOUCHED} (account, year) VALUES (?,?)", touched)
        return reseal_touched(conn)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {_TOUCHED}")


def touch_staged(conn: sqlite3.Connection, staged_sql: str) -> None:
    """Mark as touched the (account, year) of every row `staged_sql` selects (a query with
    columns account and period_start); then call reseal_touched()."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {_TOUCHED} (account TEXT NOT NULL, year TEXT NOT NULL, "
        "PRIMARY KEY (account, year)) WITHOUT ROWID"
    )
    conn.execute(
        f"INSERT OR IGNORE INTO {_TOUCHED} (account, year) "
        f"SELECT DISTINCT account, substr(period_start, 1, 4) FROM ({staged_sql})"
    )


def reseal_touched(conn: sqlite3.Connection) -> int:
    """Re-seal the segments marked in the TEMP table of touched ones, and drop it;
    returns how many were marked."""
    try:
        (marked,) = conn.execute(f"SELECT count(*) FROM {_TOUCHED}").fetchone()
        if not marked:
            return 0
        rows = conn.execute(
            f"{_LINES} JOIN {_TOUCHED} t ON c.account = t.account "
            "AND c.period_start >= t.year AND c.period_start < t.year || '~' "
            "ORDER BY c.account, c.period_start"
        )
        conn.executemany(
            "INSERT OR REPLACE INTO consumption_seals (account, year, periods, sha256) "
            "VALUES (?,?,?,?)",
            list(segments(rows)),
        )
        # A touched segment left with no periods keeps no seal.
        conn.execute(
            "DELETE FROM consumption_seals WHERE (account, year) IN "
            f"(SELECT account, year FROM {_TOUCHED} t WHERE NOT EXISTS (SELECT 1 FROM "
            "consumption c WHERE c.account = t.account AND c.period_start >= t.year "
            "AND c.period_start < t.year || '~'))"
        )
        return marked
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {_TOUCHED}")


def root_after(conn: sqlite3.Connection) -> dict:
    """The `after` of a "consumption sealed" audit row: the root and what it covers."""
    count, periods, digest = root(conn)
    return {"segments": count, "periods": periods, "root": digest}
