"""`kcsac audit verify`: does every protected record hold what the audit trail says?

Read only: it runs on the read-only connection of `open_store(read_only=True)` and never
migrates, changes the journal mode or writes. It checks, in this order:

1. the file itself (PRAGMA quick_check: a damaged file is refused in one line);
2. the hash chain: each row links to the one before and hashes to what it says;
3. the schema: every table, index and trigger kcsac's migrations make, unchanged, and none
   added (a dropped trigger that protected signed records is itself evidence);
4. the anchors: with a backup (`--against`), the live chain extends the backup's (its
   head row is here with the same hash); with a printed head (`--head`), likewise;
5. the state: replaying the trail, each audited record's last recorded state (`after`)
   equals the stored row (read as kcsac reads it); rows no audit row accounts for, audited
   records that vanished, and state the trail claims that the tables do not hold are all
   named, with the first field that differs;
6. the bytes bound by hash: decision and document snapshots, attachment contents, and the
   consumption periods (kcsac.storage.seals).

What a file cannot prove: anyone who can write it can also append audit rows with correctly
computed hashes. A forged row that claims a state the tables do not hold is found (5); one
appended together with a matching change of the tables, after the newest anchor, looks like
any operation kcsac did: only an anchor made later (a backup, a letter's printed head) or
the server database (where the trail is insert-only for every login) can tell them apart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from kcsac.domain.integrity import AuditHead, Finding, IntegrityReport
from kcsac.storage import audit as audit_chain
from kcsac.storage import convert, seals
from kcsac.storage.errors import StoreError

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
class _Kind:
    """A protected table: the audit entity naming its rows, how to read them, and how a
    row reads as the state the audit trail records (`after`)."""

    entity: str
    table: str
    key: str  # the column whose value is the audit row's entity_id
    select: str
    canon: Callable[[dict], Any]
    merge: bool = False  # state folded over several rows (see _fold), else the last `after`


_KINDS = (
    _Kind("account", "accounts", "number", "SELECT * FROM accounts", convert.account),
    _Kind(
        "application", "applications", "number", "SELECT * FROM applications", convert.application
    ),
    _Kind("fee", "fee_assessments", "id", "SELECT * FROM fee_assessments", convert.fee_assessment),
    _Kind(
        "payment",
        "payments",
        "id",
        "SELECT p.*, r.reversed_on, r.reason AS reversal_reason FROM payments p "
        "LEFT JOIN payment_reversals r ON r.payment_id = p.id",
        convert.payment,
    ),
    _Kind("review", "reviews", "id", "SELECT * FROM reviews", convert.review),
    _Kind(
        "attachment",
        "attachments",
        "id",
        "SELECT id, application, review_id, filename, media_type, size, sha256, added_by, "
        "added_at FROM attachments",
        convert.attachment,
    ),
    _Kind("meter", "meters", "id", "SELECT * FROM meters", convert.meter),
    _Kind(
        "reading",
        "readings",
        "id",
        "SELECT r.*, m.application FROM readings r LEFT JOIN meters m ON m.id = r.meter_id",
        convert.reading,
    ),
    _Kind(
        "determination",
        "determinations",
        "id",
        "SELECT * FROM determinations",
        lambda row: convert.plain(convert.determination(row)),
        merge=True,
    ),
    _Kind("decision", "decisions", "id", "SELECT * FROM decisions", convert.decision),
    _Kind("document", "documents", "id", "SELECT * FROM documents", _document, merge=True),
    _Kind("user", "users", "login", "SELECT * FROM users", _user, merge=True),
    _Kind(
        "setting",
        "settings",
        "key",
        "SELECT * FROM settings",
        lambda row: {"value": row["value"]},
        merge=True,
    ),
)
KINDS = {k.entity: k for k in _KINDS}
# Tables whose rows are bound another way (seals, the payment's own state) or derived.
_BOUND_ELSEWHERE = ("consumption", "consumption_seals", "payment_reversals")


@dataclass(slots=True)
class _Last:
    """What the trail says of one record: its last audit row, and the state."""

    seq: int
    action: str
    digest: bytes | None = None  # sha256 of the last `after` (replaced kinds)
    state: dict | None = None  # merged kinds
    actor: str = ""
    application: str | None = None
    rendered: list[tuple[int, str]] | None = None  # documents: (seq, snapshot sha256)


@dataclass
class _Replay:
    rows: int = 0
    head: AuditHead | None = None
    last: dict[tuple[str, str], _Last] = field(default_factory=dict)
    locks: dict[str, int] = field(default_factory=dict)  # determination id -> decision seq
    seal: tuple[int, str] | None = None  # (seq, after) of the newest consumption seal
    findings: list[Finding] = field(default_factory=list)


def verify(
    conn: sqlite3.Connection,
    path: Path | None,
    *,
    against: Path | None = None,
    head: AuditHead | None = None,
) -> IntegrityReport:
    """Every check in the module's docstring; raises StoreError (one line naming the file)
    when the file is damaged or cannot be read."""
    where = str(path) if path else "the database"
    try:
        _quick_check(conn, where)
        tables = _tables(conn)
        replay = _replay(conn) if "audit" in tables else _Replay()
        findings = replay.findings + _schema(conn)
        if against is not None:
            findings += _against_backup(conn, replay, against)
        if head is not None:
            findings += _against_head(conn, replay, head)
        findings += _state(conn, replay, tables)
        if "consumption" in tables and "consumption_seals" in tables:
            findings += _consumption(conn, replay)
        findings += _bound_bytes(conn, tables)
    except sqlite3.DatabaseError as exc:
        what = " ".join(str(exc).split())
        if "locked" in what or "busy" in what:
            raise StoreError(
                f"{where}: the database is locked by another program; close it (or wait) and "
                "verify again"
            ) from exc
        raise StoreError(
            f"{where}: the database file is damaged or unreadable ({what}); it was not "
            "changed. Restore a backup with `kcsac restore`"
        ) from exc
    return IntegrityReport(replay.rows, replay.head, tuple(findings))


def _quick_check(conn: sqlite3.Connection, where: str) -> None:
    found = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    if found != ["ok"]:
        what = " ".join("; ".join(found).split())  # one line: SQLite's may hold breaks
        what = what if len(what) <= 200 else what[:197] + "..."
        raise StoreError(
            f"{where}: the database file is damaged ({what}); it was not changed. Restore "
            "a backup with `kcsac restore`"
        )


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# --- 2. the schema ---------------------------------------------------------------------------


@functools.cache
def expected_schema() -> dict[tuple[str, str], str]:
    """{(type, name): sql} of a database kcsac's migrations make (built in memory)."""
    import sqlite_utils

    from kcsac.storage import migrations

    conn = sqlite3.connect(":memory:")
    try:
        migrations.migrations().apply(sqlite_utils.Database(conn, execute_plugins=False))
        return _schema_of(conn)
    finally:
        conn.close()


def _schema_of(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {
        (kind, name): sql or ""
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
        if not name.startswith("sqlite_") and name != "_sqlite_migrations"
    }


def _schema(conn: sqlite3.Connection) -> list[Finding]:
    expected, found = expected_schema(), _schema_of(conn)
    out = []
    for (kind, name), sql in expected.items():
        if (kind, name) not in found:
            out.append(Finding("schema", f"{kind} {name}", "is missing (dropped outside kcsac)"))
        elif found[kind, name] != sql:
            out.append(Finding("schema", f"{kind} {name}", "was changed outside kcsac"))
    for kind, name in found.keys() - expected.keys():
        out.append(Finding("schema", f"{kind} {name}", "was added outside kcsac"))
    return out


# --- 3. the chain, and the replay of the trail -----------------------------------------------


def _replay(conn: sqlite3.Connection) -> _Replay:
    """Walk the chain once: check each link and fold each row into the state it records."""
    done = _Replay()
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
                found = last[key] = _Last(seq, action, state={})
            _fold(found, seq, action, actor, application, after)
        else:
            last[key] = _Last(seq, action, digest=sha(after.encode("utf-8")).digest())
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


def _fold(found: _Last, seq: int, action: str, actor: str, application, after: str) -> None:
    """One more audit row of a record whose state several rows make up."""
    state = found.state
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


# --- 4. anchors ------------------------------------------------------------------------------


def _hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def _against_head(conn: sqlite3.Connection, replay: _Replay, head: AuditHead) -> list[Finding]:
    found = _hash_at(conn, head.seq)
    if found is None:
        last = replay.head.seq if replay.head else 0
        return [
            Finding(
                "audit",
                f"row {head.seq}",
                f"is missing (the trail ends at row {last}), yet the head {head.short} was "
                "recorded outside the file: the newest rows were deleted",
            )
        ]
    if not AuditHead(head.seq, found).matches(head):
        return [
            Finding(
                "audit",
                f"row {head.seq}",
                f"hashes to {found[:16]}, not to the recorded head {head.short}: the trail "
                "was rewritten up to there",
            )
        ]
    return []


def _against_backup(conn: sqlite3.Connection, replay: _Replay, backup: Path) -> list[Finding]:
    """The live chain must extend the backup's: the backup's head row is here, unchanged."""
    name = str(backup)
    try:
        with backup.open("rb") as fh:
            magic = fh.read(16)
    except OSError as exc:
        return [Finding("backup", name, f"cannot be read ({exc.strerror})")]
    if magic != b"SQLite format 3\x00":
        return [Finding("backup", name, "is not a kcsac database (not an SQLite file)")]
    other = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if "audit" not in _tables(other):
            return [Finding("backup", name, "holds no audit trail; it cannot anchor this one")]
        own = audit_chain.verify(other)
        if not own.ok:
            return [
                Finding("backup", name, f"its own audit trail is {own}; it cannot anchor this one")
            ]
        theirs = audit_chain.head(other)
        if theirs is None:
            return []
        seq, digest = theirs
        here = _hash_at(conn, seq)
        if here == digest:
            return []
        if here is None:
            last = replay.head.seq if replay.head else 0
            return [
                Finding(
                    "audit",
                    f"rows {last + 1}..{seq}",
                    f"are in the backup {name} but missing here: the newest audit rows "
                    "were deleted",
                )
            ]
        return [_first_difference_with(conn, other, seq, name)]
    except sqlite3.DatabaseError as exc:
        return [Finding("backup", name, f"is damaged or unreadable ({exc})")]
    finally:
        other.close()


def _first_difference_with(
    conn: sqlite3.Connection, other: sqlite3.Connection, upto: int, name: str
) -> Finding:
    sql = "SELECT seq, hash, action, entity, entity_id FROM audit WHERE seq <= ? ORDER BY seq"
    for mine, theirs in zip(conn.execute(sql, (upto,)), other.execute(sql, (upto,)), strict=False):
        if mine[:2] != theirs[:2]:
            return Finding(
                "audit",
                f"row {theirs[0]}",
                f"differs from the backup {name} (there: {theirs[2]} of {theirs[3]} "
                f"{theirs[4]}; here: {mine[2]} of {mine[3]} {mine[4]}): the trail was "
                "rewritten from there",
            )
    return Finding("audit", f"row {upto}", f"differs from the backup {name}")


# --- 5. the state ----------------------------------------------------------------------------


def _state(conn: sqlite3.Connection, replay: _Replay, tables: set[str]) -> list[Finding]:
    out: list[Finding] = []
    pending = replay.last
    for kind in _KINDS:
        if kind.table not in tables:
            continue  # named by the schema check
        cursor = conn.execute(kind.select)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            key = str(row[kind.key])
            found = pending.pop((kind.entity, key), None)
            problem = _compare(conn, kind, row, found, replay)
            if problem:
                out.append(Finding(kind.table, _key(kind, row), problem))
    for (entity, key), found in sorted(pending.items(), key=lambda item: item[1].seq):
        if entity == "document" and not found.action.endswith(" issued"):
            continue  # rendered only: its issue row is older than the trail (or named below)
        kind = KINDS[entity]
        out.append(
            Finding(
                kind.table,
                f"{kind.key}={key}",
                f"is missing: audit row {found.seq} ({found.action}) recorded it, and nothing "
                "kcsac does deletes it",
            )
        )
    if "payment_reversals" in tables:
        for (payment_id,) in conn.execute(
            "SELECT r.payment_id FROM payment_reversals r LEFT JOIN payments p "
            "ON p.id = r.payment_id WHERE p.id IS NULL"
        ):
            out.append(
                Finding(
                    "payment_reversals",
                    f"payment_id={payment_id}",
                    "reverses a payment that does not exist: written outside kcsac",
                )
            )
    return out


def _key(kind: _Kind, row: dict) -> str:
    key = f"{kind.key}={row[kind.key]}"
    application = row.get("application")
    if application and kind.key != "number":
        key += f" ({application})"
    return key


def _compare(
    conn: sqlite3.Connection, kind: _Kind, row: dict, found: _Last | None, replay: _Replay
) -> str:
    """'' when the row is what the trail says, else the first point where it differs."""
    if found is None:
        return "no audit row accounts for it: written outside kcsac"
    try:
        state = _plain(kind.canon(row))
    except (ValueError, TypeError, KeyError, ArithmeticError, json.JSONDecodeError) as exc:
        return _unreadable(conn, row, found, exc)
    if not kind.merge:
        text = json.dumps(state, sort_keys=True, separators=(",", ":"))
        if hashlib.sha256(text.encode("utf-8")).digest() == found.digest:
            return ""
        return _difference(state, _recorded(conn, found.seq), found)
    recorded = dict(found.state)
    if kind.entity == "determination":
        lock = replay.locks.get(str(row["id"]))
        if lock is not None and lock > found.seq:
            recorded["locked"] = True  # signed: the decision's row locks it
    problem = _difference(state, recorded, found)
    if problem:
        return problem
    if kind.entity == "user" and state["password_sha256"] and "password_sha256" not in recorded:
        return "its password hash is not bound by the audit trail: set outside kcsac"
    if kind.entity == "document":
        if found.actor and found.actor != row["issued_by"]:
            return (
                f"issued_by is {row['issued_by']!r}; audit row {found.seq} ({found.action}) "
                f"recorded {found.actor!r}"
            )
        if found.application and found.application != row["application"]:
            return (
                f"application is {row['application']!r}; audit row {found.seq} recorded "
                f"{found.application!r}"
            )
        for seq, digest in found.rendered or ():
            if digest != row["sha256"]:
                return f"sha256 is {row['sha256'][:16]}…; audit row {seq} rendered {digest[:16]}…"
    return ""


@functools.cache
def _field_names(cls: type) -> tuple[tuple[str, str], ...]:
    """(name in the audit trail's JSON, attribute) of each field (convert.STORED_NAMES)."""
    return tuple(
        (convert.STORED_NAMES.get((cls, f.name), f.name), f.name) for f in dataclasses.fields(cls)
    )


_AS_IS = frozenset((str, int, bool, type(None)))


def _plain(record: Any) -> Any:
    """convert.plain() of a record, fast for the flat dataclasses the store returns (most
    of their values are already plain; an enum, date or Decimal goes through plain())."""
    if not dataclasses.is_dataclass(record):
        return convert.plain(record)
    plain, as_is = convert.plain, _AS_IS
    out = {}
    for key, name in _field_names(type(record)):
        value = getattr(record, name)
        kind = type(value)
        if kind in as_is:
            out[key] = value
        elif kind is dt.date:
            out[key] = value.isoformat()
        elif isinstance(value, Enum):
            out[key] = value.value
        else:
            out[key] = plain(value)
    return out


def _recorded(conn: sqlite3.Connection, seq: int) -> dict:
    (after,) = conn.execute("SELECT after FROM audit WHERE seq = ?", (seq,)).fetchone()
    return json.loads(after) if after else {}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _difference(state: dict, recorded: dict, found: _Last) -> str:
    """The first field (in the record's own order) where the table and the trail differ;
    a field the trail did not record is not compared (it was not bound then)."""
    for name, value in state.items():
        if name in recorded and recorded[name] != value:
            return (
                f"{name} is {_show(value)}; audit row {found.seq} ({found.action}) recorded "
                f"{_show(recorded[name])}"
            )
    for name in recorded:
        if name not in state:
            return f"audit row {found.seq} ({found.action}) recorded {name}, which it lacks"
    return ""


_RENAMED = {"discharges_to_storm_sewer": "storm_sewer"}


def _unreadable(conn: sqlite3.Connection, row: dict, found: _Last, exc: Exception) -> str:
    """A row kcsac cannot read (a value no kcsac writes): the first raw column that differs
    from what the trail recorded, else why it cannot be read."""
    recorded = found.state if found.state is not None else _recorded(conn, found.seq)
    for name, value in recorded.items():
        column = _RENAMED.get(name, name)
        if column in row and not _same(row[column], value):
            return (
                f"{column} is {_show(row[column])}; audit row {found.seq} ({found.action}) "
                f"recorded {_show(value)}"
            )
    return f"cannot be read ({exc})"


def _same(raw: Any, value: Any) -> bool:
    if isinstance(value, bool):
        return raw == int(value)
    if isinstance(value, dict | list):
        return raw == json.dumps(value, sort_keys=True) or raw == json.dumps(value)
    return raw == value or (value is not None and str(raw) == str(value))


# --- 6. bytes bound by a hash ----------------------------------------------------------------


def _consumption(conn: sqlite3.Connection, replay: _Replay) -> Iterator[Finding] | list[Finding]:
    out: list[Finding] = []
    stored = {
        (account, year): (periods, digest)
        for account, year, periods, digest in conn.execute(
            "SELECT account, year, periods, sha256 FROM consumption_seals"
        )
    }
    for account, year, periods, digest in seals.all_segments(conn):
        seal = stored.pop((account, year), None)
        key = f"account={account} year={year}"
        if seal is None:
            out.append(
                Finding(
                    "consumption",
                    key,
                    f"{periods} period(s) no seal accounts for: written outside kcsac",
                )
            )
        elif seal != (periods, digest):
            out.append(
                Finding(
                    "consumption",
                    key,
                    f"its {periods} period(s) do not match their seal ({seal[0]} period(s) "
                    "sealed): changed outside kcsac",
                )
            )
    for (account, year), (periods, _digest) in sorted(stored.items()):
        out.append(
            Finding(
                "consumption",
                f"account={account} year={year}",
                f"the {periods} sealed period(s) are gone: deleted outside kcsac",
            )
        )
    count, periods, digest = seals.root(conn)
    if replay.seal is None:
        if count:
            out.append(
                Finding(
                    "consumption_seals", "", "no audit row binds the seals: written outside kcsac"
                )
            )
        return out
    seq, after = replay.seal
    recorded = json.loads(after) if after else {}
    if recorded.get("root") != digest:
        out.append(
            Finding(
                "consumption_seals",
                "",
                f"the {count} seal(s) do not match the root audit row {seq} recorded "
                f"({recorded.get('segments')} seal(s)): changed outside kcsac",
            )
        )
    return out


def _bound_bytes(conn: sqlite3.Connection, tables: set[str]) -> list[Finding]:
    out = []
    checks = (
        ("decisions", "snapshot_json", "snapshot_sha256", "its snapshot"),
        ("documents", "snapshot_json", "sha256", "its snapshot"),
    )
    for table, text, digest, what in checks:
        if table not in tables:
            continue
        for row_id, application, content, recorded in conn.execute(
            f"SELECT id, application, {text}, {digest} FROM {table} WHERE {digest} != '' "
            "ORDER BY id"
        ):
            if hashlib.sha256(str(content).encode("utf-8")).hexdigest() != recorded:
                out.append(
                    Finding(
                        table, f"id={row_id} ({application})", f"{what} does not match its sha256"
                    )
                )
    if "attachments" in tables:
        for row_id, application, content, recorded in conn.execute(
            "SELECT id, application, content, sha256 FROM attachments ORDER BY id"
        ):
            data = bytes(content) if not isinstance(content, str) else content.encode("utf-8")
            if hashlib.sha256(data).hexdigest() != recorded:
                out.append(
                    Finding(
                        "attachments",
                        f"id={row_id} ({application})",
                        "its bytes do not match their sha256: changed outside kcsac",
                    )
                )
    return out
