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

The replay of the trail (2, and what 5 compares with) is kcsac.storage.audit_replay; the
comparison of the state (5) is kcsac.storage.audit_state.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from pathlib import Path

from kcsac.domain.integrity import AuditHead, Finding, IntegrityReport
from kcsac.storage import audit as audit_chain
from kcsac.storage import seals
from kcsac.storage.audit_replay import Replay, replay_trail
from kcsac.storage.audit_state import state_findings
from kcsac.storage.errors import StoreError


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
        tables = table_names(conn)
        replay = replay_trail(conn) if "audit" in tables else Replay()
        findings = replay.findings + _schema(conn)
        if against is not None:
            findings += _against_backup(conn, replay, against)
        if head is not None:
            findings += _against_head(conn, replay, head)
        findings += state_findings(conn, replay, tables)
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


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# --- 3. the schema ---------------------------------------------------------------------------


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


# --- 4. anchors ------------------------------------------------------------------------------


def _hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def _against_head(conn: sqlite3.Connection, replay: Replay, head: AuditHead) -> list[Finding]:
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


def _against_backup(conn: sqlite3.Connection, replay: Replay, backup: Path) -> list[Finding]:
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
        if "audit" not in table_names(other):
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


# --- 6. bytes bound by a hash ----------------------------------------------------------------


def _consumption(conn: sqlite3.Connection, replay: Replay) -> list[Finding]:
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
