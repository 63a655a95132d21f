"""A large consumption import's checked rows, held in TEMP tables instead of Python memory."""

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kcsac.storage import seals
from kcsac.storage.errors import WriteFailed

# Connection-private (TEMP) tables: the checked rows, either a chunk of consecutive lines
# as one JSON array of "account,start,end,ccf" texts (no row bound one by one: SQLite
# unpacks them itself) or a row each; the accounts compared in full; of their rows, the
# lines to write.
_PLAIN = "temp.kcsac_import_plain"
_ROWS = "temp.kcsac_import_rows"
_FULL = "temp.kcsac_import_full"
_KEEP = "temp.kcsac_import_keep"
# Every staged row as (account, period_start, period_end, ccf, line); in a plain text the
# dates are the 10 characters after the first comma and after the second.
_STAGED_PLAIN = (
    "SELECT substr(j.value, 1, instr(j.value, ',') - 1) AS account, "
    "substr(j.value, instr(j.value, ',') + 1, 10) AS period_start, "
    "substr(j.value, instr(j.value, ',') + 12, 10) AS period_end, "
    "substr(j.value, instr(j.value, ',') + 23) AS ccf, p.first + j.key AS line "
    f"FROM {_PLAIN} p, json_each(p.lines) j"
)
_STAGED = (
    f"{_STAGED_PLAIN} UNION ALL SELECT account, period_start, period_end, ccf, line FROM {_ROWS}"
)


class ConsumptionStaging:
    """The rows of one import, from the first checked row to the insert into consumption.

    Rows are added in one transaction of the TEMP database only (the main database is not
    locked while the file is read); `write()` runs inside the caller's write transaction."""

    def __init__(
        self, conn: sqlite3.Connection, sealed: Callable[[None], None] | None = None
    ) -> None:
        self.conn = conn
        self.sealed = sealed  # re-seals the segments write() touched (Store.seal_consumption)
        self.count = 0  # rows added
        self.any_rows = False  # any added by add_rows
        self.any_full = False  # any account given to grouped()

    def _create(self) -> None:
        self._drop()
        self.conn.execute(f"CREATE TABLE {_PLAIN} (first INTEGER NOT NULL, lines TEXT NOT NULL)")
        self.conn.execute(
            f"CREATE TABLE {_ROWS} (line INTEGER PRIMARY KEY, account TEXT NOT NULL, "
            "period_start TEXT NOT NULL, period_end TEXT NOT NULL, ccf TEXT NOT NULL)"
        )
        self.conn.execute(f"CREATE TABLE {_FULL} (account TEXT PRIMARY KEY) WITHOUT ROWID")
        self.conn.execute(f"CREATE TABLE {_KEEP} (line INTEGER PRIMARY KEY)")

    def _drop(self) -> None:
        for table in (_PLAIN, _ROWS, _FULL, _KEEP):
            self.conn.execute(f"DROP TABLE IF EXISTS {table}")

    def _begin(self) -> None:
        if not self.conn.in_transaction:  # one TEMP transaction for all the rows
            self.conn.execute("BEGIN")

    def add_plain(self, first: int, lines: list[str]) -> None:
        """Rows of consecutive lines from `first` on, each "account,period_start,
        period_end,ccf" exactly as stored: ISO dates, and an account and a ccf with no comma,
        quote, backslash or control character (nothing JSON would escape)."""
        if not lines:
            return
        with _refusal():
            self._begin()
            self.conn.execute(
                f"INSERT INTO {_PLAIN} (first, lines) VALUES (?, ?)",
                (first, '["' + '","'.join(lines) + '"]'),
            )
        self.count += len(lines)

    def add_rows(self, rows: list[tuple[int, str, str, str, str]]) -> None:
        """(line, account, period_start, period_end, ccf) rows, any text."""
        with _refusal():
            self._begin()
            self.conn.executemany(
                f"INSERT INTO {_ROWS} (line, account, period_start, period_end, ccf) "
                "VALUES (?,?,?,?,?)",
                rows,
            )
        self.count += len(rows)
        self.any_rows = self.any_rows or bool(rows)

    def added(self) -> None:
        """Every row is added: end the TEMP transaction of add()."""
        with _refusal():
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def grouped(self, accounts: Iterable[str]) -> Iterator[tuple[str, list[tuple]]]:
        """(account, [(line, period_start, period_end, ccf), ...] in line order) for each of
        `accounts` with rows, in account order (the consumption table's own order)."""
        self._fill(_FULL, "account", ((a,) for a in accounts))
        self.any_full = True
        current: str | None = None
        rows: list[tuple] = []
        for account, line, start, end, ccf in self.conn.execute(
            "SELECT account, line, period_start, period_end, ccf "
            f"FROM ({_STAGED}) WHERE account IN (SELECT account FROM {_FULL}) "
            "ORDER BY account, line"
        ):
            if account != current:
                if current is not None:
                    yield current, rows
                current, rows = account, []
            rows.append((line, start, end, ccf))
        if current is not None:
            yield current, rows

    def keep(self, lines: Iterable[int]) -> None:
        """Of the accounts given to grouped(), the lines write() inserts (all others are
        left out); every row of any other account is inserted."""
        self._fill(_KEEP, "line", ((n,) for n in lines))

    def _fill(self, table: str, column: str, values: Iterable[tuple]) -> None:
        with _refusal():
            self.conn.execute("BEGIN")
            self.conn.execute(f"DELETE FROM {table}")
            self.conn.executemany(f"INSERT OR IGNORE INTO {table} ({column}) VALUES (?)", values)
            self.conn.execute("COMMIT")

    def write(self) -> int:
        """Insert or replace the rows into consumption in its key order; the number of rows.

        Call it inside the caller's write transaction and let it be the first write there:
        a savepoint of its own would make SQLite journal every page changed (2.5x as long
        for 1.2 million rows). On an error the caller's write() rolls everything back."""
        (threads,) = self.conn.execute("PRAGMA threads").fetchone()
        self.conn.execute("PRAGMA threads = 2")  # the sort may use the second core
        try:
            return self._insert()
        finally:
            self.conn.execute(f"PRAGMA threads = {int(threads)}")

    def _insert(self) -> int:
        # The usual file, every chunk plain and no account to compare in full, needs
        # neither the other table nor the filter (a sixth of the time).
        where = (
            f"WHERE account NOT IN (SELECT account FROM {_FULL}) "
            f"OR line IN (SELECT line FROM {_KEEP}) "
            if self.any_full
            else ""
        )
        count = self.conn.execute(
            "INSERT OR REPLACE INTO consumption (account, period_start, period_end, ccf) "
            "SELECT account, period_start, period_end, ccf "
            f"FROM ({_STAGED if self.any_rows else _STAGED_PLAIN}) {where}"
            "ORDER BY account, period_start"
        ).rowcount
        if self.sealed is not None:  # every segment a row was staged for (more: harmless)
            seals.touch_staged(self.conn, _STAGED if self.any_rows else _STAGED_PLAIN)
            self.sealed(None)  # the segments just marked
        return count


@contextlib.contextmanager
def staging(
    conn: sqlite3.Connection, sealed: Callable[[None], None] | None = None
) -> Iterator[ConsumptionStaging]:
    """A ConsumptionStaging whose TEMP tables exist inside the block and are dropped after."""
    if conn.in_transaction:
        raise WriteFailed("A consumption import cannot run inside another transaction.")
    staged = ConsumptionStaging(conn, sealed)
    try:
        with _refusal():
            staged._create()
        yield staged
    finally:
        if conn.in_transaction:  # only ever the TEMP transaction of add()
            conn.execute("ROLLBACK")
        staged._drop()


@contextlib.contextmanager
def _refusal() -> Iterator[None]:
    """SQLite's refusal to hold the rows (a full disk for the temporary file, say) as the
    clear message every other refused save gets."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise WriteFailed(
            f"The import could not hold its rows in a temporary table ({exc}); nothing was saved."
        ) from exc


def last_periods(conn: sqlite3.Connection) -> tuple[dict[str, str], set[str]]:
    """({account: end of its latest-starting stored period}, {accounts whose stored periods
    overlap one another}): what a large import compares its new periods with, from two
    passes of SQLite instead of every stored period read into Python."""
    # With one max(), SQLite takes the bare column from the row holding the maximum; the
    # whole answer comes back as one JSON text (one row, not 100,000 for Python to make).
    (last,) = conn.execute(
        "SELECT json_group_object(account, period_end) FROM (SELECT account, period_end, "
        "max(period_start) FROM consumption GROUP BY account)"
    ).fetchone()
    overlapping = {
        account
        for (account,) in conn.execute(
            "SELECT DISTINCT a.account FROM consumption a WHERE EXISTS (SELECT 1 FROM "
            "consumption b WHERE b.account = a.account AND b.period_start > a.period_start "
            "AND b.period_start <= a.period_end)"
        )
    }
    return json.loads(last), overlapping


def last_periods_meanwhile(
    conn: sqlite3.Connection, path: Path | None
) -> Callable[[], tuple[dict[str, str], set[str]]]:
    """last_periods() read on a thread of its own with a connection of its own (SQLite
    leaves the GIL while it works, so the caller goes on reading its file on the other
    core); call the result for the answer. In memory, read on the spot."""
    if path is None:
        ready = last_periods(conn)
        return lambda: ready
    found: list[tuple[dict[str, str], set[str]] | BaseException] = []

    def read() -> None:
        try:
            other = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                found.append(last_periods(other))
            finally:
                other.close()
        except sqlite3.DatabaseError as exc:
            found.append(exc)

    worker = threading.Thread(target=read, name="kcsac-last-periods", daemon=True)
    worker.start()

    def answer() -> tuple[dict[str, str], set[str]]:
        worker.join()
        result = found[0]
        if isinstance(result, BaseException):
            # The same reading where the import's own connection is (it reports clearly).
            return last_periods(conn)
        return result

    return answer
