"""Opening the database file safely; the Store that reads and writes domain objects."""

import contextlib
import datetime as dt
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from kcsac.domain.records import (
    Account,
    AuditEvent,
    ConsumptionPeriod,
    Decision,
    Determination,
    Meter,
    Payment,
    Reading,
    Review,
    SacApplication,
    User,
)
from kcsac.storage import audit as audit_chain
from kcsac.storage import convert
from kcsac.storage.errors import Duplicate, NotFound, StaleRecord, StoreError
from kcsac.storage.migrations import MIGRATIONS
from kcsac.storage.queries import QueriesMixin

_SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store(QueriesMixin):
    """kcsac's records in one SQLite file. Writes go through `write()` (one transaction)."""

    def __init__(
        self, db: sqlite_utils.Database, path: Path | None, clock: Callable[[], str] = utc_now
    ) -> None:
        self.db = db
        self.path = path
        self.conn: sqlite3.Connection = db.conn
        self.conn.row_factory = sqlite3.Row
        self.conn.isolation_level = None  # transactions only where write() opens them
        self.clock = clock

    def close(self) -> None:
        self.db.close()

    # --- transactions and the audit trail -------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator["Store"]:
        """One write transaction. BEGIN IMMEDIATE takes the write lock up front, so reads of
        versions and of the last audit hash inside it cannot go stale; nested calls are
        savepoints."""
        if self.conn.in_transaction:
            name = f"sp_{secrets.token_hex(8)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def audit(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        *,
        before: object = None,
        after: object = None,
        reason: str = "",
        application: str | None = None,
    ) -> int:
        """Append one audit row (inside the caller's write transaction)."""
        with self.write():
            return audit_chain.append(
                self.conn,
                {
                    "at": self.clock(),
                    "actor": actor,
                    "action": action,
                    "entity": entity,
                    "entity_id": str(entity_id),
                    "application": application,
                    "before": convert.to_json(before),
                    "after": convert.to_json(after),
                    "reason": reason,
                },
            )

    def quick_check(self) -> str:
        """'ok', or what SQLite found damaged (PRAGMA quick_check; ~0.4 s at 100,000
        applications, so the app runs it at start, not on every query)."""
        try:
            found = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            found = [str(exc)]
        if found == ["ok"]:
            return "ok"
        where = self.path or "the database"
        return (
            f"{where}: the database file is damaged ({'; '.join(found[:3])}). Restore a "
            "backup with `kcsac restore`"
        )

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

    # --- helpers ----------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def _row(self, sql: str, params: tuple | dict = ()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _stale(self, table: str, key_col: str, key: str, what: str) -> StaleRecord:
        row = self._row(f"SELECT updated_by, updated_at FROM {table} WHERE {key_col} = ?", (key,))
        if row is None:
            raise NotFound(f"{what} no longer exists")
        return StaleRecord(what, row["updated_by"], row["updated_at"])

    # --- accounts ---------------------------------------------------------------------------

    def get_account(self, number: str) -> Account:
        row = self._row("SELECT * FROM accounts WHERE number = ?", (number,))
        if row is None:
            raise NotFound(f"Account {number} is not in kcsac; import it or add it first")
        return convert.account(row)

    def find_account(self, number: str) -> Account | None:
        row = self._row("SELECT * FROM accounts WHERE number = ?", (number,))
        return convert.account(row) if row else None

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

    # --- payments, reviews, meters, readings, consumption ------------------------------------

    def add_payment(self, p: Payment, actor: str) -> Payment:
        with self.write():
            if self._row("SELECT id FROM payments WHERE receipt_no = ?", (p.receipt_no,)):
                raise Duplicate(f"Receipt {p.receipt_no} is already recorded")
            cursor = self.conn.execute(
                "INSERT INTO payments (application, receipt_no, amount_cents, paid_on, method, "
                "recorded_by) VALUES (?,?,?,?,?,?)",
                (
                    p.application,
                    p.receipt_no,
                    p.amount_cents,
                    p.paid_on.isoformat(),
                    p.method,
                    actor,
                ),
            )
            saved = self.payments(p.application, only_id=cursor.lastrowid)[0]
            self.audit(
                actor,
                "payment recorded",
                "payment",
                str(saved.id),
                after=saved,
                application=p.application,
            )
        return saved

    _PAYMENTS = (
        "SELECT p.*, r.reversed_on, r.reason AS reversal_reason FROM payments p "
        "LEFT JOIN payment_reversals r ON r.payment_id = p.id"
    )

    def payments(self, number: str, only_id: int | None = None) -> list[Payment]:
        """An application's payments, reversed ones included (Payment.counts says which)."""
        if only_id is not None:
            rows = self._rows(f"{self._PAYMENTS} WHERE p.id = ?", (only_id,))
        else:
            rows = self._rows(
                f"{self._PAYMENTS} WHERE p.application = ? ORDER BY p.paid_on, p.id", (number,)
            )
        return [convert.payment(r) for r in rows]

    def reverse_payment(
        self, payment_id: int, reversed_on: dt.date, reason: str, actor: str
    ) -> Payment:
        with self.write():
            found = self.payments("", only_id=payment_id)
            if not found:
                raise NotFound(f"Payment {payment_id} does not exist")
            if not found[0].counts:
                raise Duplicate(f"Receipt {found[0].receipt_no} is already reversed")
            self.conn.execute(
                "INSERT INTO payment_reversals (payment_id, reversed_on, reason, recorded_by) "
                "VALUES (?,?,?,?)",
                (payment_id, reversed_on.isoformat(), reason, actor),
            )
            saved = self.payments("", only_id=payment_id)[0]
            self.audit(
                actor,
                "payment reversed",
                "payment",
                str(payment_id),
                before=found[0],
                after=saved,
                reason=reason,
                application=saved.application,
            )
        return saved

    def add_review(self, r: Review, actor: str) -> Review:
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO reviews (application, kind, reviewed_on, reviewer, result, notes, "
                "attachments) VALUES (?,?,?,?,?,?,?)",
                (
                    r.application,
                    r.kind.value,
                    r.reviewed_on.isoformat(),
                    r.reviewer,
                    r.result.value,
                    r.notes,
                    json.dumps(list(r.attachments)),
                ),
            )
            saved = convert.review(
                self._row("SELECT * FROM reviews WHERE id = ?", (cursor.lastrowid,))
            )
            self.audit(
                actor,
                f"{r.kind.label.lower()} recorded",
                "review",
                str(saved.id),
                after=saved,
                application=r.application,
            )
        return saved

    def reviews(self, number: str) -> list[Review]:
        rows = self._rows(
            "SELECT * FROM reviews WHERE application = ? ORDER BY reviewed_on, id", (number,)
        )
        return [convert.review(r) for r in rows]

    def add_meter(self, m: Meter, actor: str) -> Meter:
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO meters (application, role, serial, make_model, size, unit, location,"
                " installed_on, sealed_on, activation_reading, last_tested_on) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    m.application,
                    m.role.value,
                    m.serial,
                    m.make_model,
                    m.size,
                    m.unit.value,
                    m.location,
                    convert.iso(m.installed_on),
                    convert.iso(m.sealed_on),
                    convert.dec_text(m.activation_reading),
                    convert.iso(m.last_tested_on),
                ),
            )
            saved = self.get_meter(cursor.lastrowid)
            self.audit(
                actor, "meter added", "meter", str(saved.id), after=saved, application=m.application
            )
        return saved

    def get_meter(self, meter_id: int) -> Meter:
        row = self._row("SELECT * FROM meters WHERE id = ?", (meter_id,))
        if row is None:
            raise NotFound(f"Meter {meter_id} does not exist")
        return convert.meter(row)

    def meters(self, number: str) -> list[Meter]:
        rows = self._rows("SELECT * FROM meters WHERE application = ? ORDER BY id", (number,))
        return [convert.meter(r) for r in rows]

    def add_reading(self, r: Reading, actor: str, application: str) -> Reading:
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO readings (meter_id, read_on, value, replacement, note, recorded_by) "
                "VALUES (?,?,?,?,?,?)",
                (
                    r.meter_id,
                    r.read_on.isoformat(),
                    str(r.value),
                    int(r.replacement),
                    r.note,
                    actor,
                ),
            )
            saved = convert.reading(
                self._row("SELECT * FROM readings WHERE id = ?", (cursor.lastrowid,))
            )
            self.audit(
                actor,
                "reading recorded",
                "reading",
                str(saved.id),
                after=saved,
                application=application,
            )
        return saved

    def readings(self, meter_id: int) -> list[Reading]:
        rows = self._rows(
            "SELECT * FROM readings WHERE meter_id = ? ORDER BY read_on, id", (meter_id,)
        )
        return [convert.reading(r) for r in rows]

    def consumption(self, account_number: str) -> list[ConsumptionPeriod]:
        rows = self._rows(
            "SELECT * FROM consumption WHERE account = ? ORDER BY period_start", (account_number,)
        )
        return [
            ConsumptionPeriod(
                r["account"],
                convert.day(r["period_start"]),
                convert.day(r["period_end"]),
                convert.dec(r["ccf"]),
            )
            for r in rows
        ]

    def put_consumption(self, periods: list[ConsumptionPeriod]) -> tuple[int, int]:
        """Insert or replace periods (idempotent); returns (new, changed) counts."""
        new = changed = 0
        with self.write():
            for p in periods:
                old = self._row(
                    "SELECT period_end, ccf FROM consumption "
                    "WHERE account = ? AND period_start = ?",
                    (p.account, p.start.isoformat()),
                )
                if old is not None and (old["period_end"], old["ccf"]) == (
                    p.end.isoformat(),
                    str(p.ccf),
                ):
                    continue
                self.conn.execute(
                    "INSERT OR REPLACE INTO consumption (account, period_start, period_end, ccf) "
                    "VALUES (?,?,?,?)",
                    (p.account, p.start.isoformat(), p.end.isoformat(), str(p.ccf)),
                )
                if old is None:
                    new += 1
                else:
                    changed += 1
        return new, changed

    # --- determinations, decisions, documents -----------------------------------------------

    def add_determination(self, d: Determination, actor: str) -> Determination:
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO determinations (application, method, percent, fixed_ccf, "
                "justification, entered_by, entered_on, locked, amends) VALUES (?,?,?,?,?,?,?,0,?)",
                (
                    d.application,
                    d.method.value,
                    convert.dec_text(d.percent),
                    convert.dec_text(d.fixed_ccf),
                    d.justification,
                    actor,
                    convert.iso(d.entered_on),
                    d.amends,
                ),
            )
            saved = self.get_determination(cursor.lastrowid)
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
            try:
                cursor = self.conn.execute(
                    "UPDATE determinations SET method = ?, percent = ?, fixed_ccf = ?, "
                    "justification = ?, entered_by = ?, entered_on = ?, version = version + 1 "
                    "WHERE id = ? AND version = ?",
                    (
                        d.method.value,
                        convert.dec_text(d.percent),
                        convert.dec_text(d.fixed_ccf),
                        d.justification,
                        actor,
                        convert.iso(d.entered_on),
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
            cursor = self.conn.execute(
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
                self._row("SELECT * FROM decisions WHERE id = ?", (cursor.lastrowid,))
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
        """Store an issued document's frozen snapshot (for kcsac.operations.documents)."""
        with self.write():
            cursor = self.conn.execute(
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
                str(cursor.lastrowid),
                after={"kind": kind, "sha256": sha256, "issued_on": issued_on.isoformat()},
                application=application,
            )
        return int(cursor.lastrowid)

    def documents(self, number: str) -> list[dict]:
        """Issued documents of an application: id, kind, issued_on, issued_by, sha256,
        snapshot_json, decision_id (plain dicts; the documents helper owns their shape)."""
        return self._rows("SELECT * FROM documents WHERE application = ? ORDER BY id", (number,))

    # --- users and settings -----------------------------------------------------------------

    def get_user(self, login: str) -> User | None:
        row = self._row("SELECT * FROM users WHERE login = ?", (login,))
        return convert.user(row) if row else None

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
            saved = self.get_user(u.login)
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
            saved = self.get_user(u.login)
            self.audit(
                actor, "user changed", "user", u.login, before=before, after=saved, reason=reason
            )
        return saved

    def password_hash(self, login: str) -> str:
        row = self._row("SELECT password_hash FROM users WHERE login = ?", (login,))
        return row["password_hash"] if row else ""

    def set_password_hash(self, login: str, hashed: str, actor: str, action: str) -> None:
        """The hash is never audited: the audit row says only that it was set."""
        with self.write():
            cursor = self.conn.execute(
                "UPDATE users SET password_hash = ?, version = version + 1, updated_by = ?, "
                "updated_at = ? WHERE login = ?",
                (hashed, actor, self.clock(), login),
            )
            if cursor.rowcount == 0:
                raise NotFound(f"User {login} does not exist")
            self.audit(actor, action, "user", login)

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


# --- opening ---------------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    if not path.parent.is_dir():
        raise StoreError(
            f"{path}: the folder {path.parent} does not exist; create it or choose another "
            "database with --db"
        )
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file; choose a file with --db")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path}: the database file (or its folder) is read-only; kcsac needs to write to "
            "it. Fix the permissions or copy it somewhere writable"
        )
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path}: is not a kcsac database (not an SQLite file); it was not changed. "
            "Choose another file with --db, or restore a backup with `kcsac restore`"
        )


def _refuse_newer(db: sqlite_utils.Database, path: Path | str) -> None:
    """A database migrated by a newer kcsac has migrations we do not know: never touch it."""
    if not db[MIGRATIONS.migrations_table].exists():
        return
    known = {m.name for m in MIGRATIONS._migrations}
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known]
    if unknown:
        raise StoreError(
            f"{path}: this database was written by a newer version of kcsac (it has changes "
            f"this version does not know: {', '.join(unknown)}); it was not changed. Use the "
            "newer kcsac, or restore an older backup"
        )


def open_store(path: str | Path, *, clock: Callable[[], str] = utc_now) -> Store:
    """Open (creating and migrating if needed) the database at `path`, or ":memory:"."""
    if str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        MIGRATIONS.apply(db)
        return Store(db, None, clock)
    path = Path(path).expanduser()
    _check_file(path)
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db = sqlite_utils.Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        # Reading the schema first fails cleanly on a damaged or non-database file.
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _refuse_newer(db, path)
        if db.journal_mode != "wal":
            db.enable_wal()
        db.execute("PRAGMA synchronous = FULL")  # legal records: a commit survives power loss
        if MIGRATIONS.pending(db):
            MIGRATIONS.apply(db)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise StoreError(_explain(path, exc)) from exc
    except StoreError:
        if conn is not None:
            conn.close()
        raise
    return Store(db, path, clock)


def _explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            f"{path}: the database is locked by another program; close it (or wait) and try again"
        )
    if "readonly" in text or "read-only" in text:
        return (
            f"{path}: the database file (or its folder) is read-only; kcsac needs to write to "
            "it. Fix the permissions or copy it somewhere writable"
        )
    if "not a database" in text or "malformed" in text:
        return (
            f"{path}: the database file is damaged ({text}); it was not changed. Restore a "
            "backup with `kcsac restore`"
        )
    if "unable to open" in text:
        return f"{path}: cannot open the database file ({text}); check the path and permissions"
    return f"{path}: database error: {text}"
