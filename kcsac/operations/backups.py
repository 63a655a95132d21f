"""Backups for the desk and the CLI: on demand, automatic at start, and restore."""

import datetime as dt
from pathlib import Path

from kcsac.domain.integrity import AuditHead
from kcsac.domain.roles import Role
from kcsac.operations.admin import backup_settings
from kcsac.operations.errors import NotPermitted
from kcsac.storage import Store, open_store
from kcsac.storage import backup as sqlite_backup


def backup(store: Store, dest: Path) -> Path:
    """A consistent copy of the open database (works while other windows use it)."""
    return store.backup_to(Path(dest).expanduser())


def backup_head(path: Path) -> AuditHead | None:
    """The audit chain's head a backup file holds (read from the file itself): kept outside
    the live database, it anchors it (`kcsac audit verify --against` / `--head`)."""
    copy = open_store(path, read_only=True)
    try:
        return copy.audit_head()
    finally:
        copy.close()


def default_backup_folder(store: Store) -> Path | None:
    if store.path is None:
        return None
    return store.path.parent / "backups"


def auto_backup(
    store: Store,
    folder: Path | None = None,
    keep: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> Path | None:
    """The start-up backup: into `folder` (else the setting, else backups/ beside the
    database), keeping the last `keep` (else the setting). None for an in-memory store or
    when the administrator turned it off."""
    settings = backup_settings(store)
    if folder is None and not settings.on_start:
        return None
    folder = folder or settings.folder or default_backup_folder(store)
    if folder is None:
        return None
    return store.backup_rotating(
        Path(folder), keep or settings.keep, now or dt.datetime.now(dt.UTC)
    )


def restore(src: Path, dest: Path, *, login: str, force: bool = False) -> Path | None:
    """Replace the database `dest` with the backup `src`. Over a database that has users,
    only one of its administrators may (a damaged file, which cannot say who they are, is
    kept next to it like every replaced file). Returns the copy of the replaced file."""
    dest = Path(dest).expanduser()
    if dest.exists():
        users, role = sqlite_backup.role_of(dest, login)
        if users and role != Role.ADMINISTRATOR:
            raise NotPermitted(
                f"{dest}: only a kcsac administrator of this database may replace it "
                f"({login or 'this login'} is not one); nothing was changed"
            )
    return sqlite_backup.restore(Path(src).expanduser(), dest, force=force)


check_database = sqlite_backup.check_database


def startup_maintenance(path: Path, *, backup: bool = True) -> tuple[str, str]:
    """SQLite's quick check, then the start-up backup, on a connection of its own (so the
    desk can run it on a worker thread). Returns (damaged, note): `damaged` is "" for a sound
    file, else what is wrong and how to restore; `note` says what was backed up, or why not.
    A damaged file is never backed up: rotating a damaged copy into the backups would push
    out the good copies needed to restore it."""
    from kcsac.storage import StoreError, open_store

    try:
        store = open_store(path)
    except StoreError as exc:
        return str(exc), ""
    try:
        verdict = store.quick_check()
        if verdict != "ok":
            return verdict, ""
        if not backup:
            return "", ""
        try:
            made = auto_backup(store)
        except Exception as exc:  # a failed backup must not stop the desk
            return "", f"Start-up backup failed: {exc}"
        return "", f"Backup written to {made}" if made is not None else ""
    finally:
        store.close()
