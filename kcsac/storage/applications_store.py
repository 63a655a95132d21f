"""Store methods for applications: numbering, reading, inserting and saving them (optimistic
locking, audited). Lists and searches of applications are in queries.py."""

import sqlite3

from kcsac.domain.records import SacApplication
from kcsac.storage import convert
from kcsac.storage.accounts_store import AccountsMixin
from kcsac.storage.errors import Duplicate, NotFound


class ApplicationsMixin(AccountsMixin):
    """Part of Store (kcsac.storage.store); an application is filed on an account, so it
    builds on the accounts' methods (get_account)."""

    conn: sqlite3.Connection

    def next_application_number(self, year: int) -> str:
        prefix = f"SAC-{year}-"
        row = self.conn.execute(  # a range, not LIKE, so the number index is used
            "SELECT max(CAST(substr(number, ?) AS INTEGER)) FROM applications "
            "WHERE number >= ? AND number < ?",
            (len(prefix) + 1, prefix, prefix[:-1] + "."),
        ).fetchone()
        return f"{prefix}{(row[0] or 0) + 1:04d}"

    def get_application(self, number: str) -> SacApplication:
        row = self._row("SELECT * FROM applications WHERE number = ?", (number,))
        if row is None:
            raise NotFound(f"Application {number} does not exist")
        return convert.application(row)

    def insert_application(
        self, app: SacApplication, actor: str, *, year: int | None = None
    ) -> SacApplication:
        """Insert a new application; an empty number gets the next SAC-<year>-NNNN, taken
        inside the write transaction so two desks never draw the same one."""
        with self.write():
            self.get_account(app.account)
            row = convert.application_row(app)
            if not row["number"]:
                year = year or (app.received_on.year if app.received_on else None)
                row["number"] = self.next_application_number(year or int(self.clock()[:4]))
            row.update(created_by=actor, updated_by=actor, updated_at=self.clock(), version=1)
            cols = ", ".join(row)
            marks = ", ".join(f":{c}" for c in row)
            try:
                self.conn.execute(f"INSERT INTO applications ({cols}) VALUES ({marks})", row)
            except sqlite3.IntegrityError as exc:
                raise Duplicate(f"Application {row['number']} already exists") from exc
            saved = self.get_application(row["number"])
            self.audit(
                actor,
                "application created",
                "application",
                saved.number,
                after=saved,
                application=saved.number,
            )
        return saved

    def save_application(
        self,
        app: SacApplication,
        *,
        expected_version: int,
        actor: str,
        action: str,
        reason: str = "",
    ) -> SacApplication:
        """Write `app` if nobody saved it since `expected_version`; audit before and after."""
        with self.write():
            before = self.get_application(app.number)
            row = convert.application_row(app)
            sets = ", ".join(f"{c} = :{c}" for c in row if c != "number")
            row.update(updated_by=actor, updated_at=self.clock(), expected=expected_version)
            cursor = self.conn.execute(
                f"UPDATE applications SET {sets}, version = version + 1, updated_by = :updated_by,"
                " updated_at = :updated_at WHERE number = :number AND version = :expected",
                row,
            )
            if cursor.rowcount == 0:
                raise self._stale("applications", "number", app.number, f"Application {app.number}")
            saved = self.get_application(app.number)
            self.audit(
                actor,
                action,
                "application",
                app.number,
                before=before,
                after=saved,
                reason=reason,
                application=app.number,
            )
        return saved
