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

from kcsac.domain.integrity import AuditHead, IntegrityReport
from kcsac.domain.records import (
    AuditEvent,
)
from kcsac.storage import audit as audit_chain
from kcsac.storage import convert, integrity, seals
from kcsac.storage.accounts_store import AccountsMixin
from kcsac.storage.attachments_store import AttachmentsMixin
from kcsac.storage.decisions_store import DecisionsMixin
from kcsac.storage.errors import DatabaseBusy, NotFound, StaleRecord, WriteFailed
from kcsac.storage.filings_store import FilingsMixin
from kcsac.storage.queries import QueriesMixin
from kcsac.storage.users_store import UsersMixin

if TYPE_CHECKING:
    import sqlite_utils


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

    def audit_head(self) -> AuditHead | None:
        """The newest audit row's seq and hash: what a letter prints in its fingerprint
        block and a backup holds as its own head (kcsac audit verify --head / --against)."""
        found = audit_chain.head(self.conn)
        return AuditHead(*found) if found else None

    def verify_integrity(
        self, *, against: Path | None = None, head: AuditHead | None = None
    ) -> IntegrityReport:
        """Every check of kcsac.storage.integrity (read only); raises StoreError in one
        line naming the file when it is damaged."""
        return integrity.verify(self.conn, self.path, against=against, head=head)

    def quick_check(self) -> str:
        """'ok', or what SQLite found damaged (PRAGMA quick_check; ~0.4 s at 100,000
        applications, so the app runs it at start, not on every query)."""
        return quick_check_of(self.conn, self.path)

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
