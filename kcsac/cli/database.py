"""Which database file a command uses, and opening it with a one-line message on failure."""

import os
import sys
from pathlib import Path

from kcsac import paths
from kcsac.storage import Store, StoreError, open_store


def default_data_dir() -> Path:
    """The user's data folder, as Qt's QStandardPaths.AppDataLocation names it on Linux."""
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "kcsac"


def resolve_db_path(given: Path | None) -> Path:
    """--db, else $KCSAC_DB, else kcsac.db in the user's data folder (created if missing)."""
    if given is not None:
        return given.expanduser()
    from_env = paths.env_db_path()
    if from_env is not None:
        return from_env
    folder = default_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / paths.DB_FILENAME


def open_or_explain(given: Path | None, *, read_only: bool = False) -> Store | None:
    """Open the store; on failure print one line to stderr and return None. `read_only`
    for commands that only read: they work on a file marked read-only as well. A command
    that writes first has SQLite check the file, so a damaged one is never written."""
    path = resolve_db_path(given)
    try:
        return open_store(path, read_only=read_only, check=not read_only)
    except StoreError as exc:
        print(f"kcsac: {exc}", file=sys.stderr)
        return None
