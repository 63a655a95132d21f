"""What every part of the Store builds on: the connection, one write transaction at a time,
the audit trail, the row helpers the record mixins read with, and the connection's checks.

Store (kcsac.storage.store) is StoreCore plus one mixin per kind of record; each mixin
subclasses StoreCore, so what it uses of the core is declared and typed in one place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from kcsac.storage import audit as audit_chain
from kcsac.storage import convert, seals
from kcsac.storage.errors import DatabaseBusy, NotFound, StaleRecord, WriteFailed

if TYPE_CHECKING:
    import sqlite_utils

# A row as the mixins read it: column name -> value (text, integer, None, ...).
Row = dict[str, Any]
# Parameters of one statement: positional or named.
Params = Sequence[object] | Mapping[str, object]


def quick_check_of(conn: sqlite3.Connection, path: Path | None) -> str:
    """'ok', or one line saying what SQLite's quick check found damaged in the file."""
    try:
        found = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    if found == ["ok"]:
        return "ok"
    return (
        f"{path or 'the database'}: the database file is damaged ({'; '.join(found[:3])}); it "
        "was not changed. Restore a backup with `kcsac restore`"
    )


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class StoreCore:
    """The connection and what the record mixins share: write(), audit(), clock, _row()."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, clock: Callable[[], str] = utc_now
    ) -> None:
        self.path = path
        self.conn = conn
        self.conn.row_factory = sqlite3.Row
        self.conn.isolation_level = None  # transactions only where write() opens them
        self.clock = clock
        self._savepoints = itertools.count(1)
        self._operation: int | None = None  # of the open write transaction's audit rows

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on the same connection, imported on first use (migrations, tests)."""
        import sqlite_utils

        db = sqlite_utils.Database(self.conn, execute_plugins=False)
        self.conn.row_factory = sqlite3.Row  # as the Store's own reads expect
        return db

    def close(self) -> None:
        self.conn.close()

    # --- transactions and the audit trail -------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[Self]:
        """One write transaction. BEGIN IMMEDIATE takes the write lock up front, so reads of
        versions and of the last audit hash inside it cannot go stale; nested calls are
        savepoints."""
        if self.conn.in_transaction:
            name = f"sp_{next(self._savepoints)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._write_error(exc) from exc
        self._operation = None  # the first audit row of this transaction will name it
        try:
            yield self
        except sqlite3.DatabaseError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise self._write_error(exc) from exc
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise self._write_error(exc) from exc

    def _write_error(self, exc: sqlite3.DatabaseError) -> WriteFailed:
        """What a clerk reads when the database itself refused a save (nothing was saved)."""
        text = str(exc)
        where = self.path or "the database"
        if "locked" in text or "busy" in text:
            return DatabaseBusy(
                "The database is busy (another kcsac window or program is saving); nothing "
                "was saved. Try again in a moment."
            )
        if "readonly" in text or "read-only" in text:
            return WriteFailed(f"{where} is read-only; nothing was saved.")
        if "malformed" in text or "not a database" in text:
            return WriteFailed(
                f"{where} is damaged ({text}); nothing was saved. Restore a backup with "
                "`kcsac restore`."
            )
        return WriteFailed(f"The database refused the change: {text}. Nothing was saved.")

    def audit(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        *,
        before: object = None,
        after: object = None,
        reason: str = "",
        application: str | None = None,
    ) -> int:
        """Append one audit row (inside the caller's write transaction); consumption
        re-sealed in this transaction is bound first, by a row of the same actor."""
        with self.write():
            self.audit_seal(actor)
            return self._append_audit(
                actor,
                action,
                entity,
                entity_id,
                before=before,
                after=after,
                reason=reason,
                application=application,
            )

    def _append_audit(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        *,
        before: object = None,
        after: object = None,
        reason: str = "",
        application: str | None = None,
    ) -> int:
        with self.write():
            seq, self._operation = audit_chain.append(
                self.conn,
                {
                    "at": self.clock(),
                    "actor": actor,
                    "action": action,
                    "entity": entity,
                    "entity_id": str(entity_id),
                    "application": application,
                    "before": convert.to_json(before),
                    "after": convert.to_json(after),
                    "reason": reason,
                },
                self._operation,
            )
            return seq

    # Consumption re-sealed in the open transaction and not yet bound by an audit row.
    _seal_pending = False

    def seal_consumption(self, touched: set[tuple[str, str]] | None = None) -> None:
        """Re-seal the consumption segments (account, year) of `touched`, or those marked by
        kcsac.storage.seals.touch_staged when None; the next audit row of this transaction
        (or audit_seal()) binds the seals' new root."""
        with self.write():
            if touched is None:
                marked = seals.reseal_touched(self.conn)
            else:
                marked = seals.reseal(self.conn, touched)
            self._seal_pending = self._seal_pending or bool(marked)

    def audit_seal(self, actor: str) -> None:
        """Bind the consumption seals' root by an audit row, if they were re-sealed."""
        if not self._seal_pending:
            return
        with self.write():
            self._append_audit(
                actor,
                seals.SEALED,
                "consumption",
                seals.SEALS_ID,
                after=seals.root_after(self.conn),
            )
            self._seal_pending = False

    # --- row helpers ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: Params = ()) -> list[Row]:
        return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def _row(self, sql: str, params: Params = ()) -> Row | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _existing_row(self, sql: str, params: Params, what: str) -> Row:
        """The one row `sql` selects, which must exist (e.g. one just inserted)."""
        row = self._row(sql, params)
        if row is None:
            raise NotFound(f"{what} does not exist")
        return row

    def _insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; the rowid of the row it added."""
        rowid = self.conn.execute(sql, params).lastrowid
        if rowid is None:  # sqlite3 sets it after every INSERT that adds a row
            raise WriteFailed("The database added no row; nothing was saved.")
        return rowid

    def _stale(self, table: str, key_col: str, key: str, what: str) -> StaleRecord:
        row = self._row(f"SELECT updated_by, updated_at FROM {table} WHERE {key_col} = ?", (key,))
        if row is None:
            raise NotFound(f"{what} no longer exists")
        return StaleRecord(what, row["updated_by"], row["updated_at"])
