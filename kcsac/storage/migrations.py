"""The schema's history: append-only migrations, applied on open. Never edit an applied one."""

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("kcsac")


@MIGRATIONS()
def m001_meta(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")
