"""Opening a database file: which kind of file it is, and never writing to one that fails its
check (damaged, foreign, from a newer kcsac, on a network share).

The kinds, the same for every command and the desk:
- missing, 0 bytes, or an SQLite file with no tables at all: a new database. A command that
  writes (and the desk) creates kcsac's tables in it; a command that only reads says it holds
  no kcsac database yet.
- a kcsac database: opened; a writer migrates an older one and turns on WAL, after SQLite's
  quick check has found it sound.
- anything else (not SQLite, an SQLite file of another program, one from a newer kcsac, a
  damaged one): refused in one line naming the file, and the file is not changed.

Every question is first asked on a read-only connection, so a refused file is never written,
not even its journal mode.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from kcsac.storage import migrations
from kcsac.storage.errors import StoreError
from kcsac.storage.store import Store, quick_check_of, utc_now

T = TypeVar("T")

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000  # how long a save waits for another desk's save before it says "busy"
BUSY_TIMEOUT_ENV = "KCSAC_BUSY_TIMEOUT_MS"  # a busier office may wait longer
MOUNTINFO = Path("/proc/self/mountinfo")
# File systems that put the file on another host: SQLite's locking (and WAL's shared memory)
# cannot be trusted there, and several hosts writing one file corrupts it.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.davfs2",
    }
)
SERVER_HINT = (
    "For several desks, use a kcsac server database instead (--db postgresql://...; see the "
    "README, 'An office on a server'), or keep the file on a local disk"
)


def open_store(
    path: str | Path,
    *,
    clock: Callable[[], str] = utc_now,
    read_only: bool = False,
    check: bool = False,
) -> Store:
    """Open the database at `path` (or ":memory:"), creating and migrating it if needed.

    `read_only`: for commands that only read (exports, backups, checks): they work on a file
    marked read-only too, and never create, migrate or write it. `check`: run SQLite's quick
    check before opening for writing (commands that write do; the desk checks after its
    first paint instead). A migration or a journal-mode change always checks first.
    """
    if str(path) == ":memory:":
        store = Store(_connect(":memory:"), None, clock)
        migrations.migrations().apply(store.db)
        return store
    path = Path(path).expanduser()
    if read_only:
        return _open_read_only(path, clock)
    _check_writable(path)
    found = _inspect(path, quick_check=check)

    def prepare(conn: sqlite3.Connection) -> Store:
        if found.journal_mode != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")  # legal records: a commit survives power loss
        store = Store(conn, path, clock)
        if found.pending:
            migrations.migrations().apply(store.db)
        return store

    return _opened(path, lambda: _connect(path), prepare)


@dataclass(frozen=True)
class _Found:
    """What the read-only look at a file found (a new database: nothing applied)."""

    applied: tuple[str, ...] = ()
    journal_mode: str = ""

    @property
    def pending(self) -> bool:
        return len(self.applied) < len(migrations.KNOWN)


def _inspect(path: Path, *, quick_check: bool) -> _Found:
    """Classify an existing file on a read-only connection; refuse what kcsac must not touch.
    A file that will be migrated or switched to WAL is quick-checked first."""
    if not path.exists() or path.stat().st_size == 0:
        return _Found()

    def look(conn: sqlite3.Connection) -> _Found:
        tables = _tables(conn)
        if not tables:
            return _Found()  # a new, empty SQLite database
        applied = tuple(_kcsac_migrations(conn, path, tables))
        found = _Found(applied, conn.execute("PRAGMA journal_mode").fetchone()[0])
        if quick_check or found.pending or found.journal_mode != "wal":
            verdict = quick_check_of(conn, path)
            if verdict != "ok":
                raise StoreError(verdict)
        return found

    return _opened(path, lambda: _connect_read_only(path), look, close=True)


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def _kcsac_migrations(conn: sqlite3.Connection, path: Path, tables: list[str]) -> list[str]:
    """The kcsac migrations applied to this file; refuses another program's SQLite file and
    a file from a newer kcsac, naming what was found."""
    applied = migrations.applied_names(conn) if migrations.MIGRATIONS_TABLE in tables else []
    if not applied:
        shown = ", ".join(sorted(t for t in tables if not t.startswith("sqlite_"))[:5])
        raise StoreError(
            f"{path}: is an SQLite database of another program, not a kcsac database (it holds "
            f"{shown or 'no kcsac tables'}); it was not changed. Choose a kcsac database with "
            "--db, or a new file name to start one"
        )
    unknown = [name for name in applied if name not in migrations.KNOWN]
    if unknown:
        raise StoreError(
            f"{path}: this database was written by a newer version of kcsac (it has changes "
            f"this version does not know: {', '.join(unknown)}); it was not changed. Use the "
            "newer kcsac, or restore an older backup"
        )
    return applied


def _check_writable(path: Path) -> None:
    _check_location(path)
    if not path.exists():
        return
    # A file with no write bit was marked read-only on purpose: honour it even for root,
    # whom os.access always lets write.
    marked_read_only = not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if marked_read_only or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path}: the database file (or its folder) is read-only; kcsac needs to write to "
            "it. Fix the permissions or copy it somewhere writable"
        )
    _check_header(path)


def _check_location(path: Path) -> None:
    if not path.parent.is_dir():
        raise StoreError(
            f"{path}: the folder {path.parent} does not exist; create it or choose another "
            "database with --db"
        )
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file; choose a file with --db")
    remote = network_filesystem(path)
    if remote:
        raise StoreError(
            f"{path}: is on a network share ({remote}); an SQLite file there can be damaged "
            f"when more than one computer uses it. {SERVER_HINT}"
        )


def _check_header(path: Path) -> None:
    """An existing file must be empty (a new database) or start with SQLite's header."""
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        raise StoreError(
            f"{path}: is not a kcsac database (not an SQLite file); it was not changed. "
            "Choose another file with --db, or restore a backup with `kcsac restore`"
        )


def network_filesystem(path: Path, mountinfo: Path | None = None) -> str:
    """The type of the network file system that holds `path` ("" for a local disk), from
    the mount table (`mountinfo`, default /proc/self/mountinfo)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_remote(path)
    try:
        lines = (mountinfo or MOUNTINFO).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    target = str(path.parent.resolve())
    best, fstype = -1, ""
    for line in lines:
        head, sep, tail = line.partition(" - ")
        fields = head.split()
        if not sep or len(fields) < 5 or not tail.split():
            continue
        point = _unescape(fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best:
            best, fstype = len(point), tail.split()[0]
    return fstype if fstype in NETWORK_FILESYSTEMS else ""


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def _windows_remote(path: Path) -> str:  # pragma: no cover - Windows only
    import ctypes

    anchor = str(path.resolve().anchor)
    if anchor.startswith("\\\\"):
        return "a Windows share"
    drive_remote = 4  # DRIVE_REMOTE, also a drive letter mapped to a share
    if ctypes.windll.kernel32.GetDriveTypeW(anchor) == drive_remote:  # type: ignore[attr-defined]
        return "a Windows share"
    return ""


def _open_read_only(path: Path, clock: Callable[[], str]) -> Store:
    _check_location(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such database file; check the path or choose one with --db")
    _check_header(path)
    no_database = StoreError(
        f"{path}: holds no kcsac database yet (the file is empty); open it with the desk or "
        "a command that writes to create one, or choose another file with --db"
    )
    if path.stat().st_size == 0:
        raise no_database

    def prepare(conn: sqlite3.Connection) -> Store:
        tables = _tables(conn)
        if not tables:
            raise no_database
        applied = _kcsac_migrations(conn, path, tables)
        if len(applied) < len(migrations.KNOWN):
            raise StoreError(
                f"{path}: was written by an older kcsac and must be updated first by a command "
                "that writes (start the desk on it, or run any import); this command only reads "
                "and did not change it"
            )
        return Store(conn, path, clock)

    return _opened(path, lambda: _connect_read_only(path), prepare)


def busy_timeout_ms() -> int:
    """$KCSAC_BUSY_TIMEOUT_MS when it is a whole number of milliseconds, else the default."""
    given = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    return int(given) if given.isascii() and given.isdigit() else BUSY_TIMEOUT_MS


def _connect(target: str | Path) -> sqlite3.Connection:
    wait = busy_timeout_ms()
    conn = sqlite3.connect(target, timeout=wait / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {wait}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils has always set it
    return conn


def _connect_read_only(path: Path) -> sqlite3.Connection:
    wait = busy_timeout_ms()
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=wait / 1000, isolation_level=None
    )
    conn.execute(f"PRAGMA busy_timeout = {wait}")
    return conn


def _opened(
    path: Path,
    connect: Callable[[], sqlite3.Connection],
    prepare: Callable[[sqlite3.Connection], T],
    *,
    close: bool = False,
) -> T:
    """What `prepare` makes of the connection `connect` opens; on any failure (or with
    `close`, always) the connection is closed, and a failure is explained in one line naming
    the file."""
    conn = None
    try:
        conn = connect()
        made = prepare(conn)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise StoreError(_explain(path, exc)) from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    if close:
        conn.close()
    return made


def explain_failure(exc: BaseException, path: Path | str | None) -> str | None:
    """One line for a database failure met after opening (a damaged page read later, a lock
    held by another program), naming the file; None when `exc` is not a database failure."""
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return _explain(Path(path) if path else Path("the database"), exc)
    return None


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
