"""Opening the database file safely; the Store that reads and writes domain objects."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kcsac.domain.records import (
    AuditEvent,
)
from kcsac.storage import audit as audit_chain
from kcsac.storage import backup as sqlite_backup
from kcsac.storage import convert
from kcsac.storage.accounts_store import AccountsMixin
from kcsac.storage.attachments_store import AttachmentsMixin
from kcsac.storage.core import quick_check_of
from kcsac.storage.decisions_store import DecisionsMixin
from kcsac.storage.errors import DatabaseBusy, NotFound, StaleRecord, WriteFailed
from kcsac.storage.filings_store import FilingsMixin
from kcsac.storage.queries import QueriesMixin
from kcsac.storage.users_store import UsersMixin

if TYPE_CHECKING:
    import sqlite_utils

# What Store.change_mark returns: opaque, only ever handed back to Store.changed_since.
ChangeMark = tuple[int, int]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store(
    AccountsMixin, FilingsMixin, DecisionsMixin, UsersMixin, QueriesMixin, AttachmentsMixin
):
    """kcsac's records in one SQLite file. Writes go through `write()` (one transaction)."""

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
    def write(self) -> Iterator[Store]:
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
        """Append one audit row (inside the caller's write transaction)."""
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

    def quick_check(self) -> str:
        """'ok', or what SQLite found damaged (PRAGMA quick_check; ~0.4 s at 100,000
        applications, so the app runs it at start, not on every query)."""
        return quick_check_of(self.conn, self.path)

    # --- the whole database: changes, backups ---------------------------------------------

    def change_mark(self) -> ChangeMark:
        """A mark of the database as it is now, for `changed_since`: whether anything was
        saved since, by this Store or by any other connection or process."""
        # data_version moves when another connection commits; total_changes counts this
        # connection's own writes (a rolled-back one too: it errs towards "changed").
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return (int(version), self.conn.total_changes)

    def changed_since(self, mark: ChangeMark) -> bool:
        """Whether anything was saved to the database after `change_mark` gave `mark`."""
        return self.change_mark() != mark

    def backup_to(self, dest: Path) -> Path:
        """A consistent, verified copy of the database (safe while other windows use it) at
        `dest`: a new file, or a folder to put a dated file in. Returns the file written."""
        return sqlite_backup.backup(self.conn, dest)

    def backup_rotating(self, folder: Path, keep: int, now: dt.datetime) -> Path:
        """A backup dated `now` in `folder` (created if needed), then the oldest kcsac
        backups there beyond the last `keep` deleted. Returns the file written."""
        return sqlite_backup.auto_backup(self.conn, folder, keep, now)

    def verify_audit(self) -> audit_chain.AuditCheck:
        return audit_chain.verify(self.conn)

    def timeline(self, number: str, limit: int = 500) -> list[AuditEvent]:
        rows = self._rows(
            "SELECT * FROM audit WHERE application = ? ORDER BY seq DESC LIMIT ?", (number, limit)
        )
        return [convert.audit_event(r) for r in reversed(rows)]

    def audit_events(self, *, entity: str | None = None, limit: int = 500) -> list[AuditEvent]:
        if entity is None:
            rows = self._rows("SELECT * FROM audit ORDER BY seq DESC LIMIT ?", (limit,))
        else:
            rows = self._rows(
                "SELECT * FROM audit WHERE entity = ? ORDER BY seq DESC LIMIT ?", (entity, limit)
            )
        return [convert.audit_event(r) for r in reversed(rows)]

    # --- helpers ----------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def _row(self, sql: str, params: tuple | dict = ()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _stale(self, table: str, key_col: str, key: str, what: str) -> StaleRecord:
        row = self._row(f"SELECT updated_by, updated_at FROM {table} WHERE {key_col} = ?", (key,))
        if row is None:
            raise NotFound(f"{what} no longer exists")
        return StaleRecord(what, row["updated_by"], row["updated_at"])
