"""Store methods for water accounts (optimistic locking, audited)."""

import sqlite3

from kcsac.domain.records import Account
from kcsac.storage import convert
from kcsac.storage.core import StoreCore
from kcsac.storage.errors import Duplicate, NotFound


class AccountsMixin(StoreCore):
    """Part of Store (kcsac.storage.store); uses its write(), audit(), clock and _row()."""

    conn: sqlite3.Connection

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
