"""Backups with SQLite's online backup API (safe while the app has the database open)."""

import datetime as dt
import re
import sqlite3
from pathlib import Path

from kcsac.storage.errors import StoreError
from kcsac.storage.migrations import KNOWN, applied_names

BACKUP_NAME = re.compile(r"^kcsac-(\d{8}-\d{6})(?:-(\d+))?\.db$")


def _copy(source: sqlite3.Connection, dest_path: Path) -> None:
    dest = sqlite3.connect(dest_path)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    finally:
        dest.close()


def check_database(path: Path) -> str:
    """'ok', or why `path` is not a sound kcsac database this version can use."""
    if not path.is_file():
        return f"{path}: no such file"
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return f"{path}: is not an SQLite database"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            return f"{path}: fails the integrity check ({result})"
        names = set(applied_names(conn))
    except sqlite3.DatabaseError as exc:
        return f"{path}: is not a kcsac database ({exc})"
    finally:
        conn.close()
    known = set(KNOWN)
    if not names:
        return f"{path}: is not a kcsac database"
    if names - known:
        return f"{path}: was written by a newer kcsac ({', '.join(sorted(names - known))})"
    return "ok"


def backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the open database to `dest` (a new file, or a folder to put a dated file in)."""
    if dest.is_dir():
        dest = dest / backup_name(dt.datetime.now(dt.UTC))
    if dest.exists():
        raise StoreError(f"{dest}: already exists; choose a new file name (nothing was written)")
    if not dest.parent.is_dir():
        raise StoreError(f"{dest}: the folder {dest.parent} does not exist")
    part = dest.with_name(dest.name + ".part")
    try:
        _copy(conn, part)
        verdict = check_database(part)
        if verdict != "ok":
            raise StoreError(f"the backup did not verify: {verdict}")
        part.replace(dest)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"{dest}: the backup failed ({exc})") from exc
    finally:
        part.unlink(missing_ok=True)
    return dest


def _backup_order(path: Path) -> tuple[str, int]:
    """Oldest first: by time stamp, then by the -N a same-second backup got."""
    match = BACKUP_NAME.match(path.name)
    return match.group(1), int(match.group(2) or 0)


def backup_name(now: dt.datetime) -> str:
    return f"kcsac-{now:%Y%m%d-%H%M%S}.db"


def restore(src: Path, dest: Path, *, force: bool = False) -> None:
    """Replace `dest` with the backup `src`, after checking the backup is sound."""
    verdict = check_database(src)
    if verdict != "ok":
        raise StoreError(f"not restored: {verdict}")
    if dest.exists() and not force:
        raise StoreError(
            f"{dest}: already exists; restoring would replace it. Add --force to replace it "
            "(make a backup of it first with `kcsac backup`)"
        )
    if not dest.parent.is_dir():
        raise StoreError(f"{dest}: the folder {dest.parent} does not exist")
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(dest, timeout=5)
        try:
            source.backup(target)  # page by page into the live file, under its locks
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{dest}: the restore failed ({exc}); close kcsac and retry") from exc
    finally:
        source.close()


def auto_backup(conn: sqlite3.Connection, folder: Path, keep: int, now: dt.datetime) -> Path:
    """A dated backup in `folder`, then delete the oldest kcsac backups beyond `keep`."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / backup_name(now)
    n = 1
    while dest.exists():
        dest = folder / f"{backup_name(now)[:-3]}-{n}.db"
        n += 1
    made = backup(conn, dest)
    ours = sorted((p for p in folder.iterdir() if BACKUP_NAME.match(p.name)), key=_backup_order)
    for old in ours[: max(0, len(ours) - keep)]:
        old.unlink()
    return made
