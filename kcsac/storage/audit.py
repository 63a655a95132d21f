"""The append-only, hash-chained audit trail: appending a row and checking the chain."""

import hashlib
import json
import sqlite3
from dataclasses import dataclass

GENESIS = "0" * 64
_FIELDS = (
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "application",
    "before",
    "after",
    "reason",
)


def row_hash(prev_hash: str, fields: dict, operation: int | None = None) -> str:
    """sha256 over the previous row's hash and this row's fields (canonical JSON); the
    operation number too when the row has one (rows from before it was recorded have none,
    and hash as they always did)."""
    return hash_values(prev_hash, [fields[name] for name in _FIELDS], operation)


def hash_values(prev_hash: str, values: list | tuple, operation: int | None = None) -> str:
    """row_hash() of the fields' values given in _FIELDS order."""
    items = [prev_hash, *values]
    if operation is not None:
        items.append(operation)
    payload = json.dumps(items, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, fields: dict, operation: int | None = None) -> tuple[int, int]:
    """Append one row; call inside a write transaction (BEGIN IMMEDIATE) so the chain is serial.
    `operation` is the seq of the first row its transaction wrote (None: this row is the
    first). Returns (seq, operation)."""
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    prev_seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
    if operation is None:
        operation = prev_seq + 1
    values = {name: fields.get(name) or ("" if name != "application" else None) for name in _FIELDS}
    values["prev_hash"] = prev_hash
    values["operation"] = operation
    values["hash"] = row_hash(prev_hash, values, operation)
    cursor = conn.execute(
        "INSERT INTO audit (at, actor, action, entity, entity_id, application, before, after, "
        "reason, prev_hash, hash, operation) VALUES (:at, :actor, :action, :entity, "
        ":entity_id, :application, :before, :after, :reason, :prev_hash, :hash, :operation)",
        values,
    )
    seq = cursor.lastrowid
    assert seq is not None  # set by every INSERT
    return seq, operation


def append_many(conn: sqlite3.Connection, rows: list[dict]) -> int:
    """Append `rows` (fields as for append()) as one operation, the chain computed here and
    the rows inserted in one executemany (for bulk writes: seeding, sealing at upgrade).
    Call inside a write transaction. Returns the seq of the last row (0 when none)."""
    if not rows:
        return 0
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
    operation = seq + 1
    out = []
    for fields in rows:
        seq += 1
        values = [fields.get(name) or ("" if name != "application" else None) for name in _FIELDS]
        payload = json.dumps([prev_hash, *values, operation], separators=(",", ":"))
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        out.append((seq, *values, prev_hash, digest, operation))
        prev_hash = digest
    conn.executemany(
        "INSERT INTO audit (seq, at, actor, action, entity, entity_id, application, before, "
        "after, reason, prev_hash, hash, operation) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        out,
    )
    return seq


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """(seq, hash) of the newest audit row, or None when the trail is empty."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


@dataclass(frozen=True)
class AuditCheck:
    """The result of walking the chain: ok, or the first broken link and what is wrong."""

    ok: bool
    rows: int
    broken_seq: int | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return "ok"
        return f"broken at audit row {self.broken_seq}: {self.problem}"


def verify(conn: sqlite3.Connection) -> AuditCheck:
    prev_hash = GENESIS
    prev_seq = 0
    count = 0
    cursor = conn.execute(
        "SELECT seq, at, actor, action, entity, entity_id, application, before, after, reason, "
        "prev_hash, hash, operation FROM audit ORDER BY seq"
    )
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        count += 1
        seq = row["seq"]
        if seq != prev_seq + 1:
            return AuditCheck(False, count, seq, f"rows {prev_seq + 1}..{seq - 1} are missing")
        if row["prev_hash"] != prev_hash:
            return AuditCheck(False, count, seq, "it does not link to the row before it")
        fields = {name: row[name] for name in _FIELDS}
        if row_hash(prev_hash, fields, row["operation"]) != row["hash"]:
            return AuditCheck(False, count, seq, "its contents were changed after it was written")
        prev_hash = row["hash"]
        prev_seq = seq
    return AuditCheck(True, count)
