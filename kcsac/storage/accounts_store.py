"""Store methods for accounts and applications (optimistic locking, audited)."""

import sqlite3

from kcsac.domain.records import (
    Account,
    SacApplication,
)
from kcsac.storage import convert
from kcsac.storage.core import StoreCore
from kcsac.storage.errors import Duplicate, NotFound


class AccountsMixin(StoreCore):
    """Part of Store (kcsac.storage.store); uses its write(), audit(), clock and _row()."""

    conn: sqlite3.Connection

    # --- accounts ---------------------------------------------------------------------------

    def get_account(self, number: str) -> Account:
        row = self._row("SELECT * FROM accounts WHERE number = ?", (number,))
        if row is None:
            raise NotFound(f"Account {number} is not in kcsac; import it or add it first")
        return convert.account(row)

    def find_account(self, number: str) -> Account | None:
        row = self._row("SELECT * FROM accounts WHERE number = ?", (number,))
        return convert.account(row) if row else None

    def account_numbers(self) -> set[str]:
        """Every account number (one query; for checking a large import's rows)."""
        return {r[0] for r in self.conn.execute("SELECT number FROM accounts")}

    def insert_account(self, acct: Account, actor: str, *, reason: str = "") -> Account:
        with self.write():
            if self.find_account(acct.number) is not None:
                raise Duplicate(f"Account {acct.number} already exists")
            self.conn.execute(
                "INSERT INTO accounts (number, customer, service_address, account_class, "
                "customer_class, version, updated_by, updated_at) VALUES (?,?,?,?,?,1,?,?)",
                (
                    acct.number,
                    acct.customer,
                    acct.service_address,
                    acct.account_class.value,
                    acct.customer_class.value,
                    actor,
                    self.clock(),
                ),
            )
            saved = self.get_account(acct.number)
            self.audit(actor, "account added", "account", acct.number, after=saved, reason=reason)
        return saved

    def save_account(
        self, acct: Account, *, expected_version: int, actor: str, reason: str = ""
    ) -> Account:
        with self.write():
            before = self.get_account(acct.number)
            cursor = self.conn.execute(
                "UPDATE accounts SET customer = ?, service_address = ?, account_class = ?, "
                "customer_class = ?, version = version + 1, updated_by = ?, updated_at = ? "
                "WHERE number = ? AND version = ?",
                (
                    acct.customer,
                    acct.service_address,
                    acct.account_class.value,
                    acct.customer_class.value,
                    actor,
                    self.clock(),
                    acct.number,
                    expected_version,
                ),
            )
            if cursor.rowcount == 0:
                raise self._stale("accounts", "number", acct.number, f"Account {acct.number}")
            saved = self.get_account(acct.number)
            self.audit(
                actor,
                "account changed",
                "account",
                acct.number,
                before=before,
                after=saved,
                reason=reason,
            )
        return saved

    def list_accounts(self, search: str = "", limit: int = 200) -> list[Account]:
        like = f"%{search}%"
        rows = self._rows(
            "SELECT * FROM accounts WHERE number LIKE ? OR customer LIKE ? OR service_address "
            "LIKE ? ORDER BY number LIMIT ?",
            (like, like, like, limit),
        )
        return [convert.account(r) for r in rows]

    # --- applications -----------------------------------------------------------------------

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
