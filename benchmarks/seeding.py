"""Bulk synthetic data for benchmarks: fast executemany inserts, no operations, no audit."""

import datetime as dt
import functools
import itertools
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.fees import application_fee
from kcsac.domain.method import Method
from kcsac.domain.records import Account, Determination, SacApplication, User
from kcsac.domain.signed_snapshot import signed_snapshot
from kcsac.domain.status import Status
from kcsac.storage import bulk_audit
from kcsac.storage.store import Store

_CATEGORIES = (
    "car-wash",
    "laundry",
    "evaporation",
    "irrigation",
    "ownership-change",
    "water-to-product",
    "other",
    "sewer-metering",
)
_CLASSES = ("resident",) * 7 + ("nonresident-direct", "nonresident-unmetered")
# Status mix of a program a few years in: most files approved, a tail in every queue.
_STATUSES = (
    ("approved", 55),
    ("awaiting-fee", 6),
    ("in-review", 8),
    ("awaiting-decision", 5),
    ("denied", 8),
    ("withdrawn", 5),
    ("revoked", 4),
    ("ended", 6),
    ("draft", 3),
)
_WORDS = (
    "Acme",
    "Blue",
    "Valley",
    "Crown",
    "River",
    "Prairie",
    "Union",
    "Summit",
    "Metro",
    "Liberty",
    "Heartland",
    "Plaza",
    "Westport",
    "Northland",
    "Brookside",
    "Grand",
    "Harbor",
    "Oak",
    "Maple",
    "Cedar",
    "Pioneer",
    "Frontier",
    "Capital",
    "Central",
)
_KINDS = (
    "Car Wash",
    "Laundry",
    "Cooling",
    "Turf",
    "Bottling",
    "Foods",
    "Plating",
    "Dairy",
    "Linen",
    "Brewing",
    "Ice",
    "Nursery",
)
_STREETS = (
    "Main St",
    "Grand Blvd",
    "Troost Ave",
    "Broadway Blvd",
    "Prospect Ave",
    "Independence Ave",
    "Wornall Rd",
    "State Line Rd",
    "Holmes Rd",
    "Blue Ridge Blvd",
)


@functools.cache
def _fee(category: str, customer_class: str, received: dt.date) -> int | None:
    """The fee from the engine's rate tables (never a figure of our own)."""
    return application_fee(Category(category), CustomerClass(customer_class), received).cents


def _status(i: int) -> str:
    slot = (i * 7919) % 100
    for status, share in _STATUSES:
        if slot < share:
            return status
        slot -= share
    return "approved"


# Billing periods are whole calendar months from the first day kcsac holds rates for, so
# every credit (signed 30 days after receipt) has periods before, across and after it.
_FIRST_PERIOD = dt.date(2026, 5, 1)
_SIGNER = ("seed-director", "director")
_STAMP = "2026-05-01T00:00:00+00:00"


@dataclass
class _Batch:
    """One transaction's rows, in insert order (applications before what refers to them)."""

    accounts: list[tuple] = field(default_factory=list)
    apps: list[tuple] = field(default_factory=list)
    use: list[tuple] = field(default_factory=list)
    determinations: list[tuple] = field(default_factory=list)
    decisions: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(
            len(x)
            for x in (self.accounts, self.apps, self.use, self.determinations, self.decisions)
        )


def _terms(i: int, k: int = 0) -> tuple[str, str | None, str | None]:
    """(method, percent, fixed_ccf) as the director's determination stores them: mostly a
    percentage p (5.0..94.9), every fifth a fixed volume per 30 days (5..50 ccf, below the
    smallest seeded month's purchase)."""
    j = i * 31 + k * 17
    if i % 5 == 0:
        return "fixed", None, str(5 + j % 46)
    p = 50 + (j * 37) % 900
    return "percentage", (str(p // 10) if p % 10 == 0 else f"{p // 10}.{p % 10}"), None


_SIGNER_USER = User(_SIGNER[0], "Seed Director", "Director", _SIGNER[1])


def _signed(app: SacApplication, account: Account, d: tuple, day: dt.date) -> tuple[str, str]:
    """(sha256, text) of the snapshot the signature on `day` would store, as
    operations.approvals takes it (the determination unlocked, no reviews or payments)."""
    determination = Determination(
        d[0],
        d[1],
        Method(d[2]),
        None if d[3] is None else Decimal(d[3]),
        None if d[4] is None else Decimal(d[4]),
        d[5],
        d[6],
        dt.date.fromisoformat(d[7]),
        False,
        d[9],
    )
    snap = signed_snapshot(
        application=app,
        account=account,
        determination=determination,
        reviews=(),
        payments=(),
        signed_on=day,
        signer=_SIGNER_USER,
    )
    return snap.sha256, snap.text


def _credit(
    i: int,
    number: str,
    status: str,
    signed: dt.date,
    ids,
    out: _Batch,
    app: SacApplication,
    account: Account,
) -> str | None:
    """The locked determination(s) and signed decision(s) of a credited file, with the
    signed snapshots, as kcsac.operations.approvals writes them; returns ended_on
    (revoked/ended) or None."""
    who, role = _SIGNER
    signatures = [(signed, "approval")]
    if status == "approved" and i % 23 == 0:  # a few credits were amended since
        signatures.append((signed + dt.timedelta(days=91 + i % 30), "amendment"))
    previous = None
    for k, (day, kind) in enumerate(signatures):
        method, percent, fixed = _terms(i, k)
        det_id = next(ids)
        entered = day - dt.timedelta(days=10)
        determination = (
            det_id,
            number,
            method,
            percent,
            fixed,
            f"seeded {method} determination",
            who,
            entered.isoformat(),
            1,
            previous,
        )
        out.determinations.append(determination)
        as_signed = app if k == 0 else replace(app, status=Status.APPROVED, effective_on=signed)
        digest, text = _signed(as_signed, account, determination, day)
        out.decisions.append(
            (
                number,
                kind,
                who,
                role,
                day.isoformat(),
                _STAMP,
                det_id,
                day.isoformat(),
                "",
                digest,
                text,
            )
        )
        previous = det_id
    if status == "revoked":
        from_on = signed + dt.timedelta(days=150 + i % 60)
        out.decisions.append(
            (
                number,
                "revocation",
                who,
                role,
                from_on.isoformat(),
                _STAMP,
                None,
                from_on.isoformat(),
                "seeded revocation",
                "",
                "",
            )
        )
        return (from_on - dt.timedelta(days=1)).isoformat()
    if status == "ended":
        transfer = signed + dt.timedelta(days=200 + i % 90)
        out.decisions.append(
            (
                number,
                "ownership-change",
                who,
                role,
                transfer.isoformat(),
                _STAMP,
                None,
                None,
                f"credit moved to a new owner from {transfer.isoformat()}",
                "",
                "",
            )
        )
        return (transfer - dt.timedelta(days=1)).isoformat()
    return None


def _rows(first: int, count: int, periods: int, ids, out: _Batch) -> None:
    base = dt.date(2026, 5, 1)
    for i in range(first, first + count):
        number = f"{100000 + i:06d}-{i % 97:02d}"
        customer = (
            f"{_WORDS[i % 24]} {_WORDS[(i // 24) % 24]} {_KINDS[(i // 576) % 12]} #{i % 1000}"
        )
        address = f"{100 + (i * 37) % 9800} {_STREETS[i % 10]}"
        out.accounts.append(
            (
                number,
                customer,
                address,
                "industrial" if i % 11 == 0 else "commercial",
                _CLASSES[i % 9],
                1,
                "seed",
                _STAMP,
            )
        )
        category = _CATEGORIES[i % 8]
        status = _status(i)
        received = base + dt.timedelta(days=i % 180)
        fee = _fee(category, _CLASSES[i % 9], received)
        paid = 0 if status in ("draft", "awaiting-fee") or fee is None else fee
        year = 2026 + i // 9000  # ~9,000 applications a year keeps numbers realistic
        app_number = f"SAC-{year}-{i % 9000 + 1:04d}"
        effective = ended = None
        details = {"seeded": "yes"}
        if status in ("approved", "revoked", "ended"):
            signed = received + dt.timedelta(days=30)
            effective = signed.isoformat()
            if category == "ownership-change":  # takes effect on its transfer date
                details["transfer_on"] = effective
            as_signed = SacApplication(
                app_number,
                Category(category),
                Status.AWAITING_DECISION,
                number,
                received,
                details=details,
                fee_cents=fee,
                paid_cents=paid,
            )
            account = Account(
                number,
                customer,
                address,
                AccountClass("industrial" if i % 11 == 0 else "commercial"),
                CustomerClass(_CLASSES[i % 9]),
            )
            ended = _credit(i, app_number, status, signed, ids, out, as_signed, account)
        out.apps.append(
            (
                app_number,
                category,
                status,
                number,
                None if status == "draft" else received.isoformat(),
                0,
                json.dumps(details),
                "{}",
                None if status == "draft" else fee,
                "",
                paid,
                effective,
                ended,
                "seed",
                "seed",
                _STAMP,
            )
        )
        start = _FIRST_PERIOD
        for k in range(periods):
            end = _add_month(start) - dt.timedelta(days=1)
            out.use.append(
                (number, start.isoformat(), end.isoformat(), str(60 + (i * 13 + k * 29) % 400))
            )
            start = end + dt.timedelta(days=1)


def _add_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def seed(
    store: Store,
    applications: int,
    periods: int = 12,
    *,
    batch: int = 5000,
    start: int = 0,
    audited: bool = False,
) -> int:
    """Insert `applications` accounts+applications with `periods` monthly consumption rows
    each (from 2026-05-01), and for every approved, revoked or ended file its locked
    determination and signed decisions, in transactions of `batch` applications. Returns
    the number of rows inserted. `audited`: with the audit rows and consumption seals the
    operations would have written (kcsac.storage.bulk_audit), so `audit verify` holds."""
    conn = store.conn
    rows = 0
    done = 0
    next_id = (conn.execute("SELECT max(id) FROM determinations").fetchone()[0] or 0) + 1
    ids = itertools.count(next_id)
    while done < applications:
        n = min(batch, applications - done)
        out = _Batch()
        _rows(start + done, n, periods, ids, out)
        with store.write():
            since = bulk_audit.marks(conn) if audited else None
            conn.executemany(
                "INSERT INTO accounts (number, customer, service_address, account_class, "
                "customer_class, version, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                out.accounts,
            )
            conn.executemany(
                "INSERT INTO applications (number, category, status, account, received_on, "
                "storm_sewer, details, documents, fee_cents, fee_note, paid_cents, "
                "effective_on, ended_on, created_by, updated_by, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                out.apps,
            )
            conn.executemany(
                "INSERT INTO consumption (account, period_start, period_end, ccf) VALUES (?,?,?,?)",
                out.use,
            )
            conn.executemany(
                "INSERT INTO determinations (id, application, method, percent, fixed_ccf, "
                "justification, entered_by, entered_on, locked, amends) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                out.determinations,
            )
            conn.executemany(
                "INSERT INTO decisions (application, kind, decided_by, role, decided_on, "
                "recorded_at, determination_id, effective_on, note, snapshot_sha256, "
                "snapshot_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                out.decisions,
            )
            if since is not None:
                bulk_audit.audit_since(conn, since, actor=_SIGNER[0], at=_STAMP)
        rows += len(out)
        done += n
    if audited:
        with store.write():
            bulk_audit.seal_all(conn, actor=_SIGNER[0], at=_STAMP)
    # Bulk batches leave many index segments; a desk's slow trickle is merged as it goes.
    conn.execute("INSERT INTO application_search(application_search) VALUES ('optimize')")
    conn.execute("ANALYZE")
    return rows
