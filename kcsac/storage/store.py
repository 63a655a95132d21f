"""Opening the database file safely; the Store that reads and writes domain objects."""

import sqlite3
from pathlib import Path

import sqlite_utils

from kcsac.storage.errors import StoreError
from kcsac.storage.migrations import MIGRATIONS

_SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class Store:
    """kcsac's records in one SQLite file."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None) -> None:
        self.db = db
        self.path = path

    def close(self) -> None:
        self.db.close()


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
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path}: is not a kcsac database (not an SQLite file); it was not changed. "
            "Choose another file with --db, or restore a backup with `kcsac restore`"
        )


def open_store(path: str | Path) -> Store:
    """Open (creating and migrating if needed) the database at `path`, or ":memory:"."""
    if str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
        MIGRATIONS.apply(db)
        return Store(db, None)
    path = Path(path).expanduser()
    _check_file(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        db = sqlite_utils.Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        if db.journal_mode != "wal":
            db.enable_wal()
        MIGRATIONS.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(_explain(path, exc)) from exc
    return Store(db, path)


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
