"""Backups with SQLite's online backup API (safe while the app has the database open)."""

import datetime as dt
import re
import shutil
import sqlite3
from pathlib import Path

from kcsac.storage.core import quick_check_of
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
    """Copy the open database to `dest` (a new file, or a folder to put a dated file in).
    A damaged database is not copied: a damaged backup would be taken for a good one."""
    source = conn.execute("PRAGMA database_list").fetchone()[2] or None
    verdict = quick_check_of(conn, Path(source) if source else None)
    if verdict != "ok":
        raise StoreError(f"{verdict}; no backup was written")
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


def _backup_order(path: Path) -> tuple[str, int] | None:
    """Oldest first: by time stamp, then by the -N a same-second backup got; None for a
    file that is not a kcsac backup."""
    match = BACKUP_NAME.match(path.name)
    return None if match is None else (match.group(1), int(match.group(2) or 0))


def backup_name(now: dt.datetime) -> str:
    return f"kcsac-{now:%Y%m%d-%H%M%S}.db"


def restore(
    src: Path, dest: Path, *, force: bool = False, now: dt.datetime | None = None
) -> Path | None:
    """Replace `dest` with the backup `src`, after checking the backup is sound. The file it
    replaces is kept first, next to it (`kcsac-before-restore-<time>.db`): a restore over the
    wrong file loses nothing. Returns that copy (None when there was no file to replace)."""
    verdict = check_database(src)
    if verdict != "ok":
        raise StoreError(f"not restored: {verdict}")
    if dest.exists() and not force:
        raise StoreError(
            f"{dest}: already exists; restoring would replace it. Add --force to replace it "
            "(the file it replaces is kept next to it)"
        )
    if not dest.parent.is_dir():
        raise StoreError(f"{dest}: the folder {dest.parent} does not exist")
    kept = _keep_before_restore(dest, now or dt.datetime.now(dt.UTC)) if dest.exists() else None
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(dest, timeout=5)
        try:
            source.backup(target)  # page by page into the live file, under its locks
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" not in str(exc) and "malformed" not in str(exc):
            raise StoreError(f"{dest}: the restore failed ({exc}); close kcsac and retry") from exc
        _replace_damaged(source, dest)  # SQLite cannot write into it: a whole new file
    except sqlite3.Error as exc:
        raise StoreError(f"{dest}: the restore failed ({exc}); close kcsac and retry") from exc
    finally:
        source.close()
    return kept


def _replace_damaged(source: sqlite3.Connection, dest: Path) -> None:
    fresh = dest.with_name(dest.name + ".restoring")
    fresh.unlink(missing_ok=True)
    _copy(source, fresh)
    for stale in (dest.with_name(dest.name + "-wal"), dest.with_name(dest.name + "-shm")):
        stale.unlink(missing_ok=True)  # they belong to the damaged file
    fresh.replace(dest)


def _keep_before_restore(dest: Path, now: dt.datetime) -> Path:
    """The safety copy, written under a temporary name and renamed when complete: a restore
    killed half-way never leaves a broken copy under the name one would restore from."""
    remove_leftovers(dest.parent, "kcsac-before-restore-*.part", now)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    kept = dest.with_name(f"kcsac-before-restore-{stamp}.db")
    n = 1
    while kept.exists():
        kept = dest.with_name(f"kcsac-before-restore-{stamp}-{n}.db")
        n += 1
    part = kept.with_name(kept.name + ".part")
    wal = dest.with_name(dest.name + "-wal")
    try:
        try:
            conn = sqlite3.connect(f"file:{dest}?mode=ro", uri=True)
            try:
                _copy(conn, part)  # consistent even while the app has it open
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            part.unlink(missing_ok=True)
            shutil.copy2(dest, part)  # damaged (why one restores): keep its bytes as they are
            if wal.exists():
                shutil.copy2(wal, kept.with_name(kept.name + "-wal"))
        part.replace(kept)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return kept


LEFTOVER_AGE = dt.timedelta(hours=1)  # far longer than any backup takes


def remove_leftovers(folder: Path, pattern: str, now: dt.datetime) -> list[Path]:
    """Delete the temporary files of backups or restores that were killed (`pattern`, e.g.
    "kcsac-*.db.part") once they are older than LEFTOVER_AGE: a younger one may be another
    desk's backup still being written. Returns what was removed."""
    removed = []
    for part in folder.glob(pattern):
        try:
            written = dt.datetime.fromtimestamp(part.stat().st_mtime, dt.UTC)
            if now - written > LEFTOVER_AGE:
                part.unlink()
                removed.append(part)
        except OSError:
            continue  # gone already, or not ours to delete: the next rotation tries again
    return removed


def role_of(path: Path, login: str) -> tuple[int, str | None]:
    """(number of active users, `login`'s role or None) in the database at `path`, read
    only; (0, None) when it holds no users table or cannot be read as a database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0, None
    try:
        users = conn.execute("SELECT count(*) FROM users WHERE active = 1").fetchone()[0]
        row = conn.execute(
            "SELECT role FROM users WHERE login = ? AND active = 1", (login,)
        ).fetchone()
        return users, (row[0] if row else None)
    except sqlite3.DatabaseError:
        return 0, None
    finally:
        conn.close()


def auto_backup(conn: sqlite3.Connection, folder: Path, keep: int, now: dt.datetime) -> Path:
    """A dated backup in `folder`, then delete the oldest kcsac backups beyond `keep`."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / backup_name(now)
    n = 1
    while dest.exists():
        dest = folder / f"{backup_name(now)[:-3]}-{n}.db"
        n += 1
    made = backup(conn, dest)
    remove_leftovers(folder, "kcsac-*.db.part", now)
    dated = sorted((order, p) for p in folder.iterdir() if (order := _backup_order(p)) is not None)
    ours = [p for _, p in dated]
    for old in ours[: max(0, len(ours) - keep)]:
        old.unlink()
    return made
