"""Store methods for users (password hashes never audited) and settings."""

import hashlib

from kcsac.domain.records import (
    User,
)
from kcsac.storage import convert
from kcsac.storage.core import StoreCore
from kcsac.storage.errors import Duplicate, NotFound


class UsersMixin(StoreCore):
    """Part of Store (kcsac.storage.store); uses StoreCore's write(), audit(), clock, _row()."""

    # --- users and settings -----------------------------------------------------------------

    def get_user(self, login: str) -> User | None:
        row = self._row("SELECT * FROM users WHERE login = ?", (login,))
        return convert.user(row) if row else None

    def _existing_user(self, login: str) -> User:
        found = self.get_user(login)
        if found is None:
            raise NotFound(f"User {login} does not exist")
        return found

    def users(self) -> list[User]:
        return [convert.user(r) for r in self._rows("SELECT * FROM users ORDER BY login")]

    def count_users(self) -> int:
        return self.conn.execute("SELECT count(*) FROM users").fetchone()[0]

    def insert_user(self, u: User, actor: str, *, reason: str = "") -> User:
        with self.write():
            if self.get_user(u.login) is not None:
                raise Duplicate(f"User {u.login} already exists")
            self.conn.execute(
                "INSERT INTO users (login, name, title, role, active, updated_by, updated_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (u.login, u.name, u.title, u.role, int(u.active), actor, self.clock()),
            )
            saved = self._existing_user(u.login)
            self.audit(actor, "user added", "user", u.login, after=saved, reason=reason)
        return saved

    def save_user(self, u: User, *, expected_version: int, actor: str, reason: str = "") -> User:
        with self.write():
            before = self.get_user(u.login)
            if before is None:
                raise NotFound(f"User {u.login} does not exist")
            cursor = self.conn.execute(
                "UPDATE users SET name = ?, title = ?, role = ?, active = ?, "
                "version = version + 1, updated_by = ?, updated_at = ? "
                "WHERE login = ? AND version = ?",
                (
                    u.name,
                    u.title,
                    u.role,
                    int(u.active),
                    actor,
                    self.clock(),
                    u.login,
                    expected_version,
                ),
            )
            if cursor.rowcount == 0:
                raise self._stale("users", "login", u.login, f"User {u.login}")
            saved = self._existing_user(u.login)
            self.audit(
                actor, "user changed", "user", u.login, before=before, after=saved, reason=reason
            )
        return saved

    def password_hash(self, login: str) -> str:
        row = self._row("SELECT password_hash FROM users WHERE login = ?", (login,))
        return row["password_hash"] if row else ""

    def set_password_hash(self, login: str, hashed: str, actor: str, action: str) -> None:
        """The hash is never audited: the audit row holds the user's state and the sha256
        of the (salted, slow) hash, which binds it without revealing it."""
        with self.write():
            cursor = self.conn.execute(
                "UPDATE users SET password_hash = ?, version = version + 1, updated_by = ?, "
                "updated_at = ? WHERE login = ?",
                (hashed, actor, self.clock(), login),
            )
            if cursor.rowcount == 0:
                raise NotFound(f"User {login} does not exist")
            after = convert.plain(self.get_user(login))
            after["password_sha256"] = hashlib.sha256(hashed.encode("utf-8")).hexdigest()
            self.audit(actor, action, "user", login, after=after)

    def get_setting(self, key: str) -> str | None:
        row = self._row("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else None

    def set_setting(self, key: str, value: str, actor: str, *, reason: str = "") -> None:
        with self.write():
            before = self.get_setting(key)
            self.conn.execute(
                "INSERT INTO settings (key, value, updated_by, updated_at) VALUES (?,?,?,?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = version + 1, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (key, value, actor, self.clock()),
            )
            self.audit(
                actor,
                "setting changed",
                "setting",
                key,
                before={"value": before} if before is not None else None,
                after={"value": value},
                reason=reason,
            )
