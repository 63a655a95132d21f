"""Bulk synthetic data for benchmarks: fast executemany inserts, no operations, no audit."""

import datetime as dt
import functools
import json
from collections.abc import Iterator

from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.fees import application_fee
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


def _rows(first: int, count: int, periods: int) -> Iterator[tuple[tuple, tuple, list[tuple]]]:
    base = dt.date(2026, 5, 1)
    for i in range(first, first + count):
        number = f"{100000 + i:06d}-{i % 97:02d}"
        customer = (
            f"{_WORDS[i % 24]} {_WORDS[(i // 24) % 24]} {_KINDS[(i // 576) % 12]} #{i % 1000}"
        )
        address = f"{100 + (i * 37) % 9800} {_STREETS[i % 10]}"
        account = (
            number,
            customer,
            address,
            "industrial" if i % 11 == 0 else "commercial",
            _CLASSES[i % 9],
            1,
            "seed",
            "2026-05-01T00:00:00+00:00",
        )
        category = _CATEGORIES[i % 8]
        status = _status(i)
        received = base + dt.timedelta(days=i % 180)
        fee = _fee(category, _CLASSES[i % 9], received)
        paid = 0 if status in ("draft", "awaiting-fee") or fee is None else fee
        effective = (
            (received + dt.timedelta(days=30)).isoformat()
            if status in ("approved", "revoked", "ended")
            else None
        )
        year = 2026 + i // 9000  # ~9,000 applications a year keeps numbers realistic
        app = (
            f"SAC-{year}-{i % 9000 + 1:04d}",
            category,
            status,
            number,
            None if status == "draft" else received.isoformat(),
            0,
            json.dumps({"seeded": "yes"}),
            "{}",
            None if status == "draft" else fee,
            "",
            paid,
            effective,
            "seed",
            "seed",
            "2026-05-01T00:00:00+00:00",
        )
        use = []
        start = dt.date(2025, 5, 1)
        for k in range(periods):
            end = _add_month(start) - dt.timedelta(days=1)
            use.append(
                (number, start.isoformat(), end.isoformat(), str(60 + (i * 13 + k * 29) % 400))
            )
            start = end + dt.timedelta(days=1)
        yield account, app, use


def _add_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def seed(
    store: Store, applications: int, periods: int = 12, *, batch: int = 5000, start: int = 0
) -> int:
    """Insert `applications` accounts+applications with `periods` consumption rows each, in
    transactions of `batch` applications. Returns the number of rows inserted."""
    conn = store.conn
    rows = 0
    done = 0
    while done < applications:
        n = min(batch, applications - done)
        accounts, apps, use = [], [], []
        for account, app, periods_rows in _rows(start + done, n, periods):
            accounts.append(account)
            apps.append(app)
            use.extend(periods_rows)
        with store.write():
            conn.executemany(
                "INSERT INTO accounts (number, customer, service_address, account_class, "
                "customer_class, version, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                accounts,
            )
            conn.executemany(
                "INSERT INTO applications (number, category, status, account, received_on, "
                "storm_sewer, details, documents, fee_cents, fee_note, paid_cents, "
                "effective_on, created_by, updated_by, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                apps,
            )
            conn.executemany(
                "INSERT INTO consumption (account, period_start, period_end, ccf) VALUES (?,?,?,?)",
                use,
            )
        rows += len(accounts) + len(apps) + len(use)
        done += n
    # Bulk batches leave many index segments; a desk's slow trickle is merged as it goes.
    conn.execute("INSERT INTO application_search(application_search) VALUES ('optimize')")
    conn.execute("ANALYZE")
    return rows
