"""Store methods for payments, reviews, meters, readings and consumption periods."""

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal

from kcsac.domain.records import (
    ConsumptionPeriod,
    FeeAssessment,
    Meter,
    Payment,
    Reading,
    Review,
)
from kcsac.storage import consumption_store, convert
from kcsac.storage.core import StoreCore
from kcsac.storage.errors import Duplicate, NotFound


class FilingsMixin(StoreCore):
    """Part of Store (kcsac.storage.store); uses StoreCore's write(), audit(), clock, _row()."""

    # --- payments, reviews, meters, readings, consumption ------------------------------------

    def add_payment(self, p: Payment, actor: str) -> Payment:
        with self.write():
            if self._row("SELECT id FROM payments WHERE receipt_no = ?", (p.receipt_no,)):
                raise Duplicate(f"Receipt {p.receipt_no} is already recorded")
            rowid = self._insert(
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
            saved = self.payments(p.application, only_id=rowid)[0]
            self.audit(
                actor,
                "payment recorded",
                "payment",
                str(saved.id),
                after=saved,
                application=p.application,
            )
        return saved

    def add_fee_assessment(
        self, fee: FeeAssessment, actor: str, *, reason: str = ""
    ) -> FeeAssessment:
        with self.write():
            rowid = self._insert(
                "INSERT INTO fee_assessments (application, assessed_on, cents, citation, "
                "ordinance, table_effective_on, note, assessed_by) VALUES (?,?,?,?,?,?,?,?)",
                (
                    fee.application,
                    fee.assessed_on.isoformat(),
                    fee.cents,
                    fee.citation,
                    fee.ordinance,
                    convert.iso(fee.table_effective_on),
                    fee.note,
                    actor,
                ),
            )
            saved = convert.fee_assessment(
                self._existing_row(
                    "SELECT * FROM fee_assessments WHERE id = ?", (rowid,), "The fee assessment"
                )
            )
            self.audit(
                actor,
                "fee assessed",
                "fee",
                str(saved.id),
                after=saved,
                reason=reason,
                application=fee.application,
            )
        return saved

    def fee_assessments(self, number: str) -> list[FeeAssessment]:
        rows = self._rows(
            "SELECT * FROM fee_assessments WHERE application = ? ORDER BY id", (number,)
        )
        return [convert.fee_assessment(r) for r in rows]

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
            rowid = self._insert(
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
                self._existing_row("SELECT * FROM reviews WHERE id = ?", (rowid,), "The review")
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
            rowid = self._insert(
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
            saved = self.get_meter(rowid)
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
            rowid = self._insert(
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
                self._existing_row("SELECT * FROM readings WHERE id = ?", (rowid,), "The reading")
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
                convert.required_day(r["period_start"]),
                convert.required_day(r["period_end"]),
                Decimal(r["ccf"]),
            )
            for r in rows
        ]

    def put_consumption(
        self, periods: list[ConsumptionPeriod], *, actor: str = "kcsac"
    ) -> tuple[int, int]:
        """Insert or replace periods (idempotent), sealed (kcsac.storage.seals) by an audit
        row of `actor`; returns (new, changed) counts."""
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
            if new or changed:
                self.seal_consumption({(p.account, p.start.isoformat()[:4]) for p in periods})
                self.audit_seal(actor)
        return new, changed

    def stored_consumption(self, account: str) -> dict[str, tuple[str, str]]:
        """One account's stored periods as text: {period_start: (period_end, ccf)}."""
        return {
            start: (end, ccf)
            for start, end, ccf in self.conn.execute(
                "SELECT period_start, period_end, ccf FROM consumption WHERE account = ? "
                "ORDER BY period_start",
                (account,),
            )
        }

    def all_stored_consumption(self) -> Iterator[tuple[str, dict[str, tuple[str, str]]]]:
        """(account, {period_start: (period_end, ccf)}) for every account with periods, in
        one pass over the table in its own (account) order (for a file naming most)."""
        current: str | None = None
        periods: dict[str, tuple[str, str]] = {}
        for account, start, end, ccf in self.conn.execute(
            "SELECT account, period_start, period_end, ccf FROM consumption "
            "ORDER BY account, period_start"
        ):
            if account != current:
                if current is not None:
                    yield current, periods
                current, periods = account, {}
            periods[start] = (end, ccf)
        if current is not None:
            yield current, periods

    def last_consumption_periods(self) -> Callable[[], tuple[dict[str, str], set[str]]]:
        """({account: end of its latest-starting period}, {accounts whose stored periods
        overlap}) for every account with periods (for a file naming most accounts), read
        on another thread meanwhile: call the result for the answer."""
        return consumption_store.last_periods_meanwhile(self.conn, self.path)

    def consumption_staging(self) -> contextlib.AbstractContextManager:
        """TEMP tables holding a large import's checked rows until they are written
        (consumption_store.ConsumptionStaging), dropped at the end of the block."""
        return consumption_store.staging(self.conn, sealed=self.seal_consumption)

    def replace_consumption(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Insert or replace (account, period_start, period_end, ccf) rows, ISO dates and
        the ccf's text, in one statement, in account order (the table's own order).

        Inside the caller's write transaction it runs without a savepoint of its own: with
        one, SQLite keeps a journal of every page changed and 1.2 million rows take 2.5x as
        long. Let it be the transaction's first write; on an error the caller's write()
        rolls everything back."""
        sql = (
            "INSERT OR REPLACE INTO consumption (account, period_start, period_end, ccf) "
            "VALUES (?,?,?,?)"
        )
        rows = sorted(rows)
        touched = {(row[0], row[1][:4]) for row in rows}
        if self.conn.in_transaction:
            self.conn.executemany(sql, rows)
            self.seal_consumption(touched)  # audited with the caller's next audit row
            return
        with self.write():
            self.conn.executemany(sql, rows)
            self.seal_consumption(touched)
            self.audit_seal("kcsac")
