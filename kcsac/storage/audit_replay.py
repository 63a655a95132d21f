"""The audit trail replayed: which tables it protects, and the state it records of each row.

`replay_trail()` walks the chain once for `kcsac audit verify` (kcsac.storage.integrity):
it checks each link and folds each audit row into the last state the trail records of its
record, which kcsac.storage.audit_state then compares with the tables.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kcsac.domain.integrity import AuditHead, Finding
from kcsac.storage import audit as audit_chain
from kcsac.storage import convert, seals

_AUDIT_COLUMNS = (
    "seq, at, actor, action, entity, entity_id, application, before, after, reason, "
    "prev_hash, hash, operation"
)
_CHAIN_LIMIT = 5  # chain breaks named one by one; more are counted


def _user(row: dict) -> dict:
    state = convert.plain(convert.user(row))
    hashed = row["password_hash"]
    state["password_sha256"] = hashlib.sha256(hashed.encode("utf-8")).hexdigest() if hashed else ""
    return state


def _document(row: dict) -> dict:
    return {
        "kind": row["kind"],
        "sha256": row["sha256"],
        "issued_on": row["issued_on"],
        "decision_id": row["decision_id"],
    }


@dataclass(frozen=True)
class Kind:
    """A protected table: the audit entity naming its rows, how to read them, and how a
    row reads as the state the audit trail records (`after`)."""

    entity: str
    table: str
    key: str  # the column whose value is the audit row's entity_id
    select: str
    canon: Callable[[dict], Any]
    merge: bool = False  # state folded over several rows (see _fold), else the last `after`


PROTECTED = (
    Kind("account", "accounts", "number", "SELECT * FROM accounts", convert.account),
    Kind(
        "application", "applications", "number", "SELECT * FROM applications", convert.application
    ),
    Kind("fee", "fee_assessments", "id", "SELECT * FROM fee_assessments", convert.fee_assessment),
    Kind(
        "payment",
        "payments",
        "id",
        "SELECT p.*, r.reversed_on, r.reason AS reversal_reason FROM payments p "
        "LEFT JOIN payment_reversals r ON r.payment_id = p.id",
        convert.payment,
    ),
    Kind("review", "reviews", "id", "SELECT * FROM reviews", convert.review),
    Kind(
        "attachment",
        "attachments",
        "id",
        "SELECT id, application, review_id, filename, media_type, size, sha256, added_by, "
        "added_at FROM attachments",
        convert.attachment,
    ),
    Kind("meter", "meters", "id", "SELECT * FROM meters", convert.meter),
    Kind(
        "reading",
        "readings",
        "id",
        "SELECT r.*, m.application FROM readings r LEFT JOIN meters m ON m.id = r.meter_id",
        convert.reading,
    ),
    Kind(
        "determination",
        "determinations",
        "id",
        "SELECT * FROM determinations",
        lambda row: convert.plain(convert.determination(row)),
        merge=True,
    ),
    Kind("decision", "decisions", "id", "SELECT * FROM decisions", convert.decision),
    Kind("document", "documents", "id", "SELECT * FROM documents", _document, merge=True),
    Kind("user", "users", "login", "SELECT * FROM users", _user, merge=True),
    Kind(
        "setting",
        "settings",
        "key",
        "SELECT * FROM settings",
        lambda row: {"value": row["value"]},
        merge=True,
    ),
)
KINDS = {k.entity: k for k in PROTECTED}
# Not replayed: consumption and consumption_seals (bound by the seals, integrity checks
# them) and payment_reversals (part of the payment's state; audit_state checks each has one).


@dataclass(slots=True)
class Last:
    """What the trail says of one record: its last audit row, and the state."""

    seq: int
    action: str
    digest: bytes | None = None  # sha256 of the last `after` (replaced kinds)
    state: dict | None = None  # merged kinds
    actor: str = ""
    application: str | None = None
    rendered: list[tuple[int, str]] | None = None  # documents: (seq, snapshot sha256)


@dataclass
class Replay:
    rows: int = 0
    head: AuditHead | None = None
    last: dict[tuple[str, str], Last] = field(default_factory=dict)
    locks: dict[str, int] = field(default_factory=dict)  # determination id -> decision seq
    seal: tuple[int, str] | None = None  # (seq, after) of the newest consumption seal
    findings: list[Finding] = field(default_factory=list)


def replay_trail(conn: sqlite3.Connection) -> Replay:
    """Walk the chain once: check each link and fold each row into the state it records."""
    done = Replay()
    prev_hash, prev_seq = audit_chain.GENESIS, 0
    broken = 0
    last = done.last
    sha = hashlib.sha256
    for row in conn.execute(f"SELECT {_AUDIT_COLUMNS} FROM audit ORDER BY seq"):
        (seq, _at, actor, action, entity, entity_id, application, _before, after) = row[:9]
        done.rows += 1
        problem = ""
        if seq != prev_seq + 1:
            problem = f"rows {prev_seq + 1}..{seq - 1} are missing"
        elif row[10] != prev_hash:
            problem = "it does not link to the row before it"
        elif audit_chain.hash_values(row[10], row[1:10], row[12]) != row[11]:
            problem = "its contents were changed after it was written"
        if problem:
            broken += 1
            if broken <= _CHAIN_LIMIT:
                done.findings.append(Finding("audit", f"row {seq}", problem))
        prev_hash, prev_seq = row[11], seq
        kind = KINDS.get(entity)
        if kind is None:
            if entity == "consumption" and (entity_id, action) == (seals.SEALS_ID, seals.SEALED):
                done.seal = (seq, after)
            continue
        key = (entity, entity_id)
        if kind.merge:
            found = last.get(key)
            if found is None:
                found = last[key] = Last(seq, action, state={})
            _fold(found, seq, action, actor, application, after)
        else:
            last[key] = Last(seq, action, digest=sha(after.encode("utf-8")).digest())
            if entity == "decision" and after:
                determination = json.loads(after).get("determination_id")
                if determination is not None:
                    done.locks[str(determination)] = seq
    if broken > _CHAIN_LIMIT:
        done.findings.append(
            Finding("audit", "", f"{broken - _CHAIN_LIMIT} more rows are broken as well")
        )
    if prev_seq:
        done.head = AuditHead(prev_seq, prev_hash)
    return done


def _fold(found: Last, seq: int, action: str, actor: str, application, after: str) -> None:
    """One more audit row of a record whose state several rows make up."""
    state = found.state
    assert state is not None  # a merged kind's Last starts with state={} (replay_trail)
    recorded = json.loads(after) if after else None
    if recorded is None:
        # A password set before kcsac bound its hash: it is set, its version moved on.
        state["has_password"] = True
        state.pop("version", None)
        state.pop("password_sha256", None)
    elif "snapshot_sha256" in recorded and "pdf_sha256" in recorded:
        found.rendered = [*(found.rendered or ()), (seq, recorded["snapshot_sha256"])]
        return
    else:
        state.update(recorded)
    if action.endswith(" issued"):
        found.actor, found.application = actor, application
    found.seq, found.action = seq, action
