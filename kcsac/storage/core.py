"""What every part of the Store builds on: checks of the open connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path


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
