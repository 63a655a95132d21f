"""Audit rows for records written in bulk (benchmarks/seeding.py): one row per record with
the `after` the Store's own methods write, so `kcsac audit verify` holds on a seeded file
and its timing reflects a trail of realistic length."""

from __future__ import annotations

import sqlite3

from kcsac.storage import audit as audit_chain
from kcsac.storage import convert, seals

# (entity, table, key column, reader, action): the tables seeding writes, in insert order.
_TABLES = (
    ("account", "accounts", "number", convert.account, "account added"),
    ("application", "applications", "number", convert.application, "application created"),
    ("determination", "determinations", "id", convert.determination, "determination entered"),
    ("decision", "decisions", "id", convert.decision, "decision recorded"),
)
# A filed application's trail before its last state: (action, status) as the desk writes.
_HISTORY = (("application created", "draft"), ("application submitted", "awaiting-fee"))


def marks(conn: sqlite3.Connection) -> dict[str, int]:
    """The largest rowid of each table now: pass it to audit_since() after a bulk insert."""
    return {
        table: conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        for _entity, table, *_ in _TABLES
    }


def audit_since(
    conn: sqlite3.Connection, since: dict[str, int], *, actor: str, at: str, history: bool = True
) -> int:
    """Append audit rows for every record inserted after `since` (marks()): each
    application with the earlier states a filed one went through (`history`), then its
    state as stored. Call inside the write transaction. Returns the rows appended."""
    rows = []
    for entity, table, key, read, action in _TABLES:
        cursor = conn.execute(
            f"SELECT * FROM {table} WHERE rowid > ? ORDER BY rowid", (since[table],)
        )
        names = [d[0] for d in cursor.description]
        for values in cursor:
            record = dict(zip(names, values, strict=True))
            state = convert.plain(read(record))
            application = record.get("application") or (
                record["number"] if entity == "application" else None
            )
            base = {"at": at, "actor": actor, "entity": entity, "entity_id": str(record[key])}
            if entity == "application" and history and state["status"] != "draft":
                for step, status in _HISTORY:
                    earlier = {**state, "status": status, "effective_on": None, "ended_on": None}
                    rows.append(
                        {**base, "action": step, "application": application, "after": earlier}
                    )
            rows.append({**base, "action": action, "application": application, "after": state})
    for row in rows:
        row["after"] = convert.to_json(row["after"])
    audit_chain.append_many(conn, rows)
    return len(rows)


def seal_all(conn: sqlite3.Connection, *, actor: str, at: str) -> None:
    """Seal every consumption segment and bind the root by one audit row."""
    seals.reseal(conn)
    audit_chain.append_many(
        conn,
        [
            {
                "at": at,
                "actor": actor,
                "action": seals.SEALED,
                "entity": "consumption",
                "entity_id": seals.SEALS_ID,
                "after": convert.to_json(seals.root_after(conn)),
            }
        ],
    )
