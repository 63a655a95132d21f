"""The Store that reads and writes domain objects (opening a file: kcsac.storage.opening)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kcsac.domain.integrity import AuditHead, IntegrityReport
from kcsac.domain.records import (
    AuditEvent,
)
from kcsac.storage import audit as audit_chain
from kcsac.storage import backup as sqlite_backup
from kcsac.storage import convert, integrity
from kcsac.storage.accounts_store import AccountsMixin
from kcsac.storage.applications_store import ApplicationsMixin
from kcsac.storage.attachments_store import AttachmentsMixin
from kcsac.storage.core import quick_check_of
from kcsac.storage.core import utc_now as utc_now  # opening.py's default clock
from kcsac.storage.decisions_store import DecisionsMixin
from kcsac.storage.filings_store import FilingsMixin
from kcsac.storage.queries import QueriesMixin
from kcsac.storage.users_store import UsersMixin

# What Store.change_mark returns: opaque, only ever handed back to Store.changed_since.
ChangeMark = tuple[int, int]


class Store(
    ApplicationsMixin,
    AccountsMixin,
    FilingsMixin,
    DecisionsMixin,
    UsersMixin,
    QueriesMixin,
    AttachmentsMixin,
):
    """kcsac's records in one SQLite file. Writes go through `write()` (one transaction).
    StoreCore (kcsac.storage.core) holds the connection, transactions and the audit trail;
    each mixin adds the methods of one kind of record."""

    def audit_head(self) -> AuditHead | None:
        """The newest audit row's seq and hash: what a letter prints in its fingerprint
        block and a backup holds as its own head (kcsac audit verify --head / --against)."""
        found = audit_chain.head(self.conn)
        return AuditHead(*found) if found else None

    def verify_integrity(
        self, *, against: Path | None = None, head: AuditHead | None = None
    ) -> IntegrityReport:
        """Every check of kcsac.storage.integrity (read only); raises StoreError in one
        line naming the file when it is damaged."""
        return integrity.verify(self.conn, self.path, against=against, head=head)

    def quick_check(self) -> str:
        """'ok', or what SQLite found damaged (PRAGMA quick_check; ~0.4 s at 100,000
        applications, so the app runs it at start, not on every query)."""
        return quick_check_of(self.conn, self.path)

    # --- the whole database: changes, backups ---------------------------------------------

    def change_mark(self) -> ChangeMark:
        """A mark of the database as it is now, for `changed_since`: whether anything was
        saved since, by this Store or by any other connection or process."""
        # data_version moves when another connection commits; total_changes counts this
        # connection's own writes (a rolled-back one too: it errs towards "changed").
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return (int(version), self.conn.total_changes)

    def changed_since(self, mark: ChangeMark) -> bool:
        """Whether anything was saved to the database after `change_mark` gave `mark`."""
        return self.change_mark() != mark

    def backup_to(self, dest: Path) -> Path:
        """A consistent, verified copy of the database (safe while other windows use it) at
        `dest`: a new file, or a folder to put a dated file in. Returns the file written."""
        return sqlite_backup.backup(self.conn, dest)

    def backup_rotating(self, folder: Path, keep: int, now: dt.datetime) -> Path:
        """A backup dated `now` in `folder` (created if needed), then the oldest kcsac
        backups there beyond the last `keep` deleted. Returns the file written."""
        return sqlite_backup.auto_backup(self.conn, folder, keep, now)

    def verify_audit(self) -> audit_chain.AuditCheck:
        return audit_chain.verify(self.conn)

    def timeline(self, number: str, limit: int = 500) -> list[AuditEvent]:
        rows = self._rows(
            "SELECT * FROM audit WHERE application = ? ORDER BY seq DESC LIMIT ?", (number, limit)
        )
        return [convert.audit_event(r) for r in reversed(rows)]

    def audit_events(self, *, entity: str | None = None, limit: int = 500) -> list[AuditEvent]:
        if entity is None:
            rows = self._rows("SELECT * FROM audit ORDER BY seq DESC LIMIT ?", (limit,))
        else:
            rows = self._rows(
                "SELECT * FROM audit WHERE entity = ? ORDER BY seq DESC LIMIT ?", (entity, limit)
            )
        return [convert.audit_event(r) for r in reversed(rows)]
