"""Opening the database file safely; the Store that reads and writes domain objects."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kcsac.domain.integrity import AuditHead, IntegrityReport
from kcsac.domain.records import (
    AuditEvent,
)
from kcsac.storage import audit as audit_chain
from kcsac.storage import convert, integrity, migrations, seals
from kcsac.storage.accounts_store import AccountsMixin
from kcsac.storage.attachments_store import AttachmentsMixin
from kcsac.storage.decisions_store import DecisionsMixin
from kcsac.storage.errors import DatabaseBusy, NotFound, StaleRecord, StoreError, WriteFailed
from kcsac.storage.filings_store import FilingsMixin
from kcsac.storage.queries import QueriesMixin
from kcsac.storage.users_store import UsersMixin

if TYPE_CHECKING:
    import sqlite_utils

_SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


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
        try:
            found = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            found = [str(exc)]
        if found == ["ok"]:
            return "ok"
        where = self.path or "the database"
        return (
            f"{where}: the database file is damaged ({'; '.join(found[:3])}). Restore a "
            "backup with `kcsac restore`"
        )

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


# --- opening ---------------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    if not path.parent.is_dir():
        raise StoreError(
            f"{path}: the folder {path.parent} does not exist; create it or choose another "
            "database with --db"
        )
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file; choose a file with --db")
    # A file with no write bit was marked read-only on purpose: honour it even for root,
    # whom os.access always lets write.
    marked_read_only = not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if marked_read_only or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path}: the database file (or its folder) is read-only; kcsac needs to write to "
            "it. Fix the permissions or copy it somewhere writable"
        )
    _check_header(path, empty_ok=True)


def _check_header(path: Path, *, empty_ok: bool) -> None:
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC and (head or not empty_ok):
        raise StoreError(
            f"{path}: is not a kcsac database (not an SQLite file); it was not changed. "
            "Choose another file with --db, or restore a backup with `kcsac restore`"
        )


def _refuse_newer(conn: sqlite3.Connection, path: Path | str) -> list[str]:
    """A database migrated by a newer kcsac has migrations we do not know: never touch it.
    Returns the names of the migrations applied."""
    applied = migrations.applied_names(conn)
    unknown = [name for name in applied if name not in migrations.KNOWN]
    if unknown:
        raise StoreError(
            f"{path}: this database was written by a newer version of kcsac (it has changes "
            f"this version does not know: {', '.join(unknown)}); it was not changed. Use the "
            "newer kcsac, or restore an older backup"
        )
    return applied


def _connect(target: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils has always set it
    return conn


def _migrate(store: Store) -> None:
    migrations.migrations().apply(store.db)


def open_store(
    path: str | Path, *, clock: Callable[[], str] = utc_now, read_only: bool = False
) -> Store:
    """Open (creating and migrating if needed) the database at `path`, or ":memory:".
    `read_only`: for commands that only read (exports, backups, checks), which then work on
    a file marked read-only too; it is never created, migrated or written."""
    if read_only:
        return _open_read_only(Path(path).expanduser(), clock)
    if str(path) == ":memory:":
        store = Store(_connect(":memory:"), None, clock)
        _migrate(store)
        return store
    path = Path(path).expanduser()
    _check_file(path)

    def prepare(conn: sqlite3.Connection) -> Store:
        # Reading the schema first fails cleanly on a damaged or non-database file.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        applied = _refuse_newer(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")  # legal records: a commit survives power loss
        store = Store(conn, path, clock)
        if len(applied) < len(migrations.KNOWN):
            _migrate(store)
        return store

    return _opened(path, lambda: _connect(path), prepare)


def _open_read_only(path: Path, clock: Callable[[], str]) -> Store:
    if not path.is_file():
        raise StoreError(f"{path}: no such database file; check the path or choose one with --db")
    _check_header(path, empty_ok=False)

    def prepare(conn: sqlite3.Connection) -> Store:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        applied = _refuse_newer(conn, path)
        if len(applied) < len(migrations.KNOWN):
            raise StoreError(
                f"{path}: was written by an older kcsac and must be updated first, which needs "
                "write access; open it once where it can be written"
            )
        return Store(conn, path, clock)

    uri = f"file:{path}?mode=ro"
    return _opened(
        path,
        lambda: sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        ),
        prepare,
    )


def _opened(
    path: Path,
    connect: Callable[[], sqlite3.Connection],
    prepare: Callable[[sqlite3.Connection], Store],
) -> Store:
    """The Store `prepare` makes of the connection `connect` opens; on any failure the
    connection is closed and the failure explained in one line naming the file."""
    conn = None
    try:
        conn = connect()
        return prepare(conn)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise StoreError(_explain(path, exc)) from exc
    except StoreError:
        if conn is not None:
            conn.close()
        raise


def _explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            f"{path}: the database is locked by another program; close it (or wait) and try again"
        )
    if "readonly" in text or "read-only" in text:
        return (
            f"{path}: the database file (or its folder) is read-only; kcsac needs to write to "
            "it. Fix the permissions or copy it somewhere writable"
        )
    if "not a database" in text or "malformed" in text:
        return (
            f"{path}: the database file is damaged ({text}); it was not changed. Restore a "
            "backup with `kcsac restore`"
        )
    if "unable to open" in text:
        return f"{path}: cannot open the database file ({text}); check the path and permissions"
    return f"{path}: database error: {text}"
