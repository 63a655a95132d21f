"""Store methods for determinations, decisions (signatures) and issued documents."""

import datetime as dt
import json
import sqlite3

from kcsac.domain.category import Category
from kcsac.domain.documents import IssuedDocument
from kcsac.domain.records import (
    Decision,
    Determination,
)
from kcsac.domain.workflow import OPEN_STATUSES
from kcsac.storage import convert
from kcsac.storage.core import StoreCore
from kcsac.storage.errors import NotFound, StaleRecord


class DecisionsMixin(StoreCore):
    """Part of Store (kcsac.storage.store); uses StoreCore's write(), audit(), clock, _row()."""

    # --- determinations, decisions, documents -----------------------------------------------

    def add_determination(self, d: Determination, actor: str) -> Determination:
        with self.write():
            rowid = self._insert(
                "INSERT INTO determinations (application, method, percent, fixed_ccf, "
                "justification, entered_by, entered_on, locked, amends, authors) "
                "VALUES (?,?,?,?,?,?,?,0,?,?)",
                (
                    d.application,
                    d.method.value,
                    convert.dec_text(d.percent),
                    convert.dec_text(d.fixed_ccf),
                    d.justification,
                    actor,
                    convert.iso(d.entered_on),
                    d.amends,
                    json.dumps([actor]),
                ),
            )
            saved = self.get_determination(rowid)
            self.audit(
                actor,
                "determination entered",
                "determination",
                str(saved.id),
                after=saved,
                application=d.application,
            )
        return saved

    def save_determination(
        self, d: Determination, *, expected_version: int, actor: str, reason: str = ""
    ) -> Determination:
        with self.write():
            before = self.get_determination(d.id)
            # Every author is kept: a re-save by someone else never makes the first eligible
            # to sign (separation of duties).
            authors = [
                *before.entered_by_all,
                *([actor] if actor not in before.entered_by_all else []),
            ]
            try:
                cursor = self.conn.execute(
                    "UPDATE determinations SET method = ?, percent = ?, fixed_ccf = ?, "
                    "justification = ?, entered_by = ?, entered_on = ?, authors = ?, "
                    "version = version + 1 WHERE id = ? AND version = ?",
                    (
                        d.method.value,
                        convert.dec_text(d.percent),
                        convert.dec_text(d.fixed_ccf),
                        d.justification,
                        actor,
                        convert.iso(d.entered_on),
                        json.dumps(authors),
                        d.id,
                        expected_version,
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise StaleRecord(f"Determination {d.id}", before.entered_by, "") from exc
            if cursor.rowcount == 0:
                raise StaleRecord(
                    f"The determination for {d.application}",
                    before.entered_by,
                    before.entered_on.isoformat() if before.entered_on else "",
                )
            saved = self.get_determination(d.id)
            self.audit(
                actor,
                "determination changed",
                "determination",
                str(d.id),
                before=before,
                after=saved,
                reason=reason,
                application=d.application,
            )
        return saved

    def lock_determination(self, determination_id: int) -> None:
        """Called in the signing transaction; the audit row is the decision's."""
        self.conn.execute("UPDATE determinations SET locked = 1 WHERE id = ?", (determination_id,))

    def get_determination(self, determination_id: int) -> Determination:
        row = self._row("SELECT * FROM determinations WHERE id = ?", (determination_id,))
        if row is None:
            raise NotFound(f"Determination {determination_id} does not exist")
        return convert.determination(row)

    def determinations(self, number: str) -> list[Determination]:
        rows = self._rows(
            "SELECT * FROM determinations WHERE application = ? ORDER BY id", (number,)
        )
        return [convert.determination(r) for r in rows]

    def add_decision(self, d: Decision, actor: str, *, reason: str = "") -> Decision:
        with self.write():
            rowid = self._insert(
                "INSERT INTO decisions (application, kind, decided_by, role, decided_on, "
                "recorded_at, determination_id, effective_on, backdated_reason, snapshot_sha256,"
                " snapshot_json, reasons, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    d.application,
                    d.kind.value,
                    d.decided_by,
                    d.role,
                    d.decided_on.isoformat(),
                    d.recorded_at or self.clock(),
                    d.determination_id,
                    convert.iso(d.effective_on),
                    d.backdated_reason,
                    d.snapshot_sha256,
                    d.snapshot_json,
                    json.dumps(list(d.reasons)),
                    d.note,
                ),
            )
            saved = convert.decision(
                self._existing_row("SELECT * FROM decisions WHERE id = ?", (rowid,), "The decision")
            )
            self.audit(
                actor,
                f"{d.kind.value} recorded",
                "decision",
                str(saved.id),
                after=saved,
                reason=reason,
                application=d.application,
            )
        return saved

    def decisions(self, number: str) -> list[Decision]:
        rows = self._rows("SELECT * FROM decisions WHERE application = ? ORDER BY id", (number,))
        return [convert.decision(r) for r in rows]

    def open_ownership_changes(self, prior: str) -> list[str]:
        """Numbers of undecided ownership changes (draft to awaiting decision) that would move
        the credit of application `prior`."""
        statuses = sorted(s.value for s in OPEN_STATUSES)
        marks = ", ".join("?" * len(statuses))
        rows = self.conn.execute(
            "SELECT number FROM applications WHERE category = ? "
            f"AND status IN ({marks}) "
            "AND json_extract(details, '$.prior_application') = ? ORDER BY id",
            (Category.OWNERSHIP_CHANGE.value, *statuses, prior),
        )
        return [r[0] for r in rows]

    def add_document(
        self,
        *,
        application: str,
        kind: str,
        issued_on: dt.date,
        issued_by: str,
        snapshot_json: str,
        sha256: str,
        decision_id: int | None = None,
    ) -> int:
        """Store an issued document's frozen snapshot (for kcsac.operations.documents.issuing)."""
        with self.write():
            rowid = self._insert(
                "INSERT INTO documents (application, kind, issued_on, issued_by, snapshot_json, "
                "sha256, decision_id) VALUES (?,?,?,?,?,?,?)",
                (
                    application,
                    kind,
                    issued_on.isoformat(),
                    issued_by,
                    snapshot_json,
                    sha256,
                    decision_id,
                ),
            )
            self.audit(
                issued_by,
                f"{kind} issued",
                "document",
                str(rowid),
                after={
                    "kind": kind,
                    "sha256": sha256,
                    "issued_on": issued_on.isoformat(),
                    "decision_id": decision_id,
                },
                application=application,
            )
        return rowid

    def documents(self, number: str) -> list[IssuedDocument]:
        """The documents issued for an application, oldest first, each with its snapshot."""
        rows = self._rows("SELECT * FROM documents WHERE application = ? ORDER BY id", (number,))
        return [convert.issued_document(row) for row in rows]

    def latest_document_decision(self, number: str, kind: str) -> int | None:
        """The decision id of the newest issued document of `kind` for `number` (0 for one
        tied to no decision), or None when none was issued; no snapshot is read."""
        row = self.conn.execute(
            "SELECT coalesce(decision_id, 0) FROM documents WHERE application = ? AND kind = ? "
            "ORDER BY id DESC LIMIT 1",
            (number, kind),
        ).fetchone()
        return None if row is None else int(row[0])

    def verify_snapshots(self) -> list[str]:
        """Decisions and issued documents whose stored snapshot no longer matches its
        sha256 (edited outside kcsac), as messages; empty when all match."""
        import hashlib

        found = []
        for table, what in (("decisions", "snapshot_sha256"), ("documents", "sha256")):
            for row in self.conn.execute(
                f"SELECT id, application, snapshot_json, {what} FROM {table} "
                f"WHERE {what} != '' ORDER BY id"
            ):
                digest = hashlib.sha256(row[2].encode("utf-8")).hexdigest()
                if digest != row[3]:
                    kind = "decision" if table == "decisions" else "document"
                    found.append(
                        f"{kind} {row[0]} of {row[1]}: its snapshot does not match its sha256"
                    )
        return found
