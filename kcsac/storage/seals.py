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
import operator
import sqlite3
from collections.abc import Iterable, Iterator

SEALS_ID = "seals"
SEALED = "consumption sealed"
_TOUCHED = "temp.kcsac_seal_touched"

# A segment's text: its number of periods, then one line per period in period_start order
# (json_array() quotes every value, so no period's text can run into the next one's).
_LINE = "json_array(c.period_start, c.period_end, c.ccf)"
_LINES = (
    f"SELECT c.account, substr(c.period_start, 1, 4), {_LINE}, "
    "json_array(c.account, substr(c.period_start, 1, 4)) FROM consumption c"
)
# The same text built by SQLite for one (account, year) of `t`: the subquery's rows come
# in the primary key's order (a search of it, no sort), as group_concat joins them.
_SEGMENT_TEXT = (
    "(SELECT json_array(t.account, t.year) || char(10) || count(*) || char(10) || "
    "group_concat(j, char(10)) FROM (SELECT "
    f"{_LINE} AS j FROM consumption c WHERE c.account = t.account "
    "AND c.period_start >= t.year AND c.period_start < t.year || '~' "
    "ORDER BY c.period_start))"
)


def segment_text(key: str, lines: list[str]) -> str:
    """The text a segment's sha256 covers: its key (json_array(account, year)), its number
    of periods, then one line per period (as _SEGMENT_TEXT has SQLite build it)."""
    return f"{key}\n{len(lines)}\n" + "\n".join(lines)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segments(rows: Iterable[tuple[str, str, str, str]]) -> Iterator[tuple[str, str, int, str]]:
    """(account, year, periods, sha256) of each segment of _LINES rows given in (account,
    period_start) order."""
    line = operator.itemgetter(2)
    for (account, year), group in itertools.groupby(rows, key=operator.itemgetter(0, 1)):
        rows_of = list(group)
        lines = list(map(line, rows_of))
        yield account, year, len(lines), digest(segment_text(rows_of[0][3], lines))


def all_segments(conn: sqlite3.Connection) -> Iterator[tuple[str, str, int, str]]:
    """Every segment of the consumption table, recomputed (for verification)."""
    return segments(conn.execute(f"{_LINES} ORDER BY c.account, c.period_start"))


def root(conn: sqlite3.Connection) -> tuple[int, int, str]:
    """(segments, periods, sha256 over every seal row in key order)."""
    count, periods, text = conn.execute(
        "SELECT count(*), coalesce(sum(periods), 0), coalesce(group_concat(line, char(10)), '') "
        "FROM (SELECT json_array(account, year, periods, sha256) AS line, periods "
        "FROM consumption_seals ORDER BY account, year)"
    ).fetchone()
    return count, periods, hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    touch(conn, touched)
    try:
        return reseal_touched(conn)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {_TOUCHED}")


def touch(conn: sqlite3.Connection, touched: Iterable[tuple[str, str]]) -> None:
    """Mark (account, year) segments as touched; then call reseal_touched()."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {_TOUCHED} (account TEXT NOT NULL, year TEXT NOT NULL, "
        "PRIMARY KEY (account, year)) WITHOUT ROWID"
    )
    conn.executemany(
        f"INSERT OR IGNORE INTO {_TOUCHED} (account, year) VALUES (?,?)", sorted(touched)
    )


def touch_staged(conn: sqlite3.Connection, staged_sql: str) -> None:
    """Mark the (account, year) of every row `staged_sql` selects (columns account and
    period_start: a large import's staged rows) as touched; then call reseal_touched()."""
    touch(conn, ())
    conn.execute(
        f"INSERT OR IGNORE INTO {_TOUCHED} (account, year) "
        f"SELECT DISTINCT account, substr(period_start, 1, 4) FROM ({staged_sql}) "
        "ORDER BY 1, 2"
    )


def reseal_touched(conn: sqlite3.Connection) -> int:
    """Re-seal the segments marked in the TEMP table of touched ones, and drop it;
    returns how many were marked."""
    try:
        (marked,) = conn.execute(f"SELECT count(*) FROM {_TOUCHED}").fetchone()
        if not marked:
            return 0
        found = []
        for account, year, text in conn.execute(
            f"SELECT t.account, t.year, {_SEGMENT_TEXT} FROM {_TOUCHED} t"
        ):
            if text is not None:  # (a segment left with no periods: deleted below)
                count = text.index("\n") + 1
                periods = int(text[count : text.index("\n", count)])
                found.append((account, year, periods, digest(text)))
        conn.executemany(
            "INSERT OR REPLACE INTO consumption_seals (account, year, periods, sha256) "
            "VALUES (?,?,?,?)",
            found,
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
