"""The schema's history: append-only migrations, applied on open. Never edit an applied one.

sqlite-utils (and what it imports: click, dateutil, pluggy, ~100 ms) is loaded only when a
migration is pending: opening an up-to-date database reads the applied names with plain
sqlite3 (`applied_names`), which keeps the desk's cold start short.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "kcsac"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' name for it (checked in migrations())


def m001_meta(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")


# Money is integer cents, dates ISO text, volumes exact decimal text. Every editable record has
# a `version` (optimistic locking) and who/when changed it last.
_M002 = """
CREATE TABLE users (
    login TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('clerk','reviewer','director','administrator')),
    active INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE accounts (
    number TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    service_address TEXT NOT NULL,
    account_class TEXT NOT NULL CHECK (account_class IN ('residential','commercial','industrial')),
    customer_class TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    account TEXT NOT NULL REFERENCES accounts(number),
    received_on TEXT,
    storm_sewer INTEGER NOT NULL DEFAULT 0,
    details TEXT NOT NULL DEFAULT '{}',
    documents TEXT NOT NULL DEFAULT '{}',
    fee_cents INTEGER,
    fee_note TEXT NOT NULL DEFAULT '',
    paid_cents INTEGER NOT NULL DEFAULT 0,
    effective_on TEXT,
    ended_on TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX applications_status ON applications(status, received_on);
CREATE INDEX applications_account ON applications(account);
CREATE INDEX applications_received ON applications(received_on);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    application TEXT NOT NULL REFERENCES applications(number),
    receipt_no TEXT NOT NULL UNIQUE,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_on TEXT NOT NULL,
    method TEXT NOT NULL,
    recorded_by TEXT NOT NULL
) STRICT;
CREATE INDEX payments_application ON payments(application);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    application TEXT NOT NULL REFERENCES applications(number),
    kind TEXT NOT NULL CHECK (kind IN ('site','plan','installation')),
    reviewed_on TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('passed','failed')),
    notes TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX reviews_application ON reviews(application);

CREATE TABLE meters (
    id INTEGER PRIMARY KEY,
    application TEXT NOT NULL REFERENCES applications(number),
    role TEXT NOT NULL,
    serial TEXT NOT NULL,
    make_model TEXT NOT NULL DEFAULT '',
    size TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL CHECK (unit IN ('ft3','gal')),
    location TEXT NOT NULL DEFAULT '',
    installed_on TEXT,
    sealed_on TEXT,
    activation_reading TEXT,
    last_tested_on TEXT
) STRICT;
CREATE INDEX meters_application ON meters(application);

CREATE TABLE readings (
    id INTEGER PRIMARY KEY,
    meter_id INTEGER NOT NULL REFERENCES meters(id),
    read_on TEXT NOT NULL,
    value TEXT NOT NULL,
    replacement INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX readings_meter ON readings(meter_id, read_on);

CREATE TABLE consumption (
    account TEXT NOT NULL REFERENCES accounts(number),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    ccf TEXT NOT NULL,
    PRIMARY KEY (account, period_start)
) STRICT, WITHOUT ROWID;

CREATE TABLE determinations (
    id INTEGER PRIMARY KEY,
    application TEXT NOT NULL REFERENCES applications(number),
    method TEXT NOT NULL,
    percent TEXT,
    fixed_ccf TEXT,
    justification TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    entered_on TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    amends INTEGER REFERENCES determinations(id),
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX determinations_application ON determinations(application);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    application TEXT NOT NULL REFERENCES applications(number),
    kind TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    role TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    determination_id INTEGER REFERENCES determinations(id),
    effective_on TEXT,
    backdated_reason TEXT NOT NULL DEFAULT '',
    snapshot_sha256 TEXT NOT NULL DEFAULT '',
    snapshot_json TEXT NOT NULL DEFAULT '',
    reasons TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX decisions_application ON decisions(application);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    application TEXT NOT NULL REFERENCES applications(number),
    kind TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    snapshot_json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    decision_id INTEGER REFERENCES decisions(id)
) STRICT;
CREATE INDEX documents_application ON documents(application);

-- A signed determination and every decision are frozen: the database itself refuses edits.
CREATE TRIGGER determinations_locked BEFORE UPDATE ON determinations
WHEN OLD.locked = 1 BEGIN
    SELECT RAISE(ABORT, 'a signed determination cannot be changed; enter an amendment');
END;
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions BEGIN
    SELECT RAISE(ABORT, 'decisions are permanent records and cannot be changed');
END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions BEGIN
    SELECT RAISE(ABORT, 'decisions are permanent records and cannot be deleted');
END;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents BEGIN
    SELECT RAISE(ABORT, 'issued documents cannot be changed');
END;

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    application TEXT,
    before TEXT NOT NULL DEFAULT '',
    after TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_application ON audit(application, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be deleted');
END;

-- Search-as-you-type over number, account, customer and address (prefix tokens).
CREATE VIRTUAL TABLE application_search USING fts5(
    number, account, customer, address, prefix = '2 3'
);
CREATE TRIGGER applications_search_insert AFTER INSERT ON applications BEGIN
    INSERT INTO application_search (rowid, number, account, customer, address)
    SELECT NEW.id, NEW.number, NEW.account, a.customer, a.service_address
    FROM accounts a WHERE a.number = NEW.account;
END;
CREATE TRIGGER applications_search_update AFTER UPDATE OF account ON applications BEGIN
    DELETE FROM application_search WHERE rowid = NEW.id;
    INSERT INTO application_search (rowid, number, account, customer, address)
    SELECT NEW.id, NEW.number, NEW.account, a.customer, a.service_address
    FROM accounts a WHERE a.number = NEW.account;
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF customer, service_address ON accounts
BEGIN
    DELETE FROM application_search
    WHERE rowid IN (SELECT id FROM applications WHERE account = NEW.number);
    INSERT INTO application_search (rowid, number, account, customer, address)
    SELECT id, number, account, NEW.customer, NEW.service_address
    FROM applications WHERE account = NEW.number;
END;
"""


def m002_records(db: sqlite_utils.Database) -> None:
    for statement in _split(_M002):
        db.execute(statement)


def _split(script: str) -> list[str]:
    """Split a script into statements; a trigger body's `;` stays inside its statement."""
    import sqlite3

    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return statements


def m003_list_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the desk's sorted lists at 100,000 applications (benchmarks/seed.py)."""
    for statement in (
        "CREATE INDEX accounts_customer ON accounts(customer)",
        "CREATE INDEX accounts_address ON accounts(service_address)",
        "CREATE INDEX accounts_class ON accounts(customer_class)",
        "CREATE INDEX applications_category ON applications(category)",
        "CREATE INDEX applications_by_status ON applications(status)",
        "CREATE INDEX applications_effective ON applications(effective_on)",
        "CREATE INDEX applications_balance ON applications(fee_cents - paid_cents)",
    ):
        db.execute(statement)


def m004_payment_reversals(db: sqlite_utils.Database) -> None:
    """A payment is never edited or deleted; a mis-keyed or bounced one is reversed."""
    for statement in (
        "CREATE TABLE payment_reversals (payment_id INTEGER PRIMARY KEY REFERENCES "
        "payments(id), reversed_on TEXT NOT NULL, reason TEXT NOT NULL, "
        "recorded_by TEXT NOT NULL) STRICT",
        "CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN "
        "SELECT RAISE(ABORT, 'payments cannot be changed; reverse it and record it again'); END",
        "CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN "
        "SELECT RAISE(ABORT, 'payments cannot be deleted; reverse it instead'); END",
    ):
        db.execute(statement)


def m005_reviews_are_permanent(db: sqlite_utils.Database) -> None:
    """A review is a record of what was found that day: a re-review is a new row."""
    for statement in (
        "CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews BEGIN "
        "SELECT RAISE(ABORT, 'reviews cannot be changed; record a new review'); END",
        "CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews BEGIN "
        "SELECT RAISE(ABORT, 'reviews cannot be deleted; record a new review'); END",
    ):
        db.execute(statement)


def m006_search_one_letter_prefixes(db: sqlite_utils.Database) -> None:
    """Rebuild the search index with a 1-character prefix index too: typing "troost 1" took
    ~50 ms at 100,000 applications, ~16 ms with it (benchmarks/seed.py)."""
    db.execute("DROP TABLE application_search")
    db.execute(
        "CREATE VIRTUAL TABLE application_search USING fts5("
        "number, account, customer, address, prefix = '1 2 3')"
    )
    db.execute(
        "INSERT INTO application_search (rowid, number, account, customer, address) "
        "SELECT a.id, a.number, a.account, c.customer, c.service_address "
        "FROM applications a JOIN accounts c ON c.number = a.account"
    )


def m007_fee_assessments(db: sqlite_utils.Database) -> None:
    """Each fee assessed at submission (or decided by the director), with its authority."""
    for statement in (
        "CREATE TABLE fee_assessments (id INTEGER PRIMARY KEY, application TEXT NOT NULL "
        "REFERENCES applications(number), assessed_on TEXT NOT NULL, cents INTEGER, "
        "citation TEXT NOT NULL, ordinance TEXT NOT NULL, table_effective_on TEXT, "
        "note TEXT NOT NULL DEFAULT '', assessed_by TEXT NOT NULL) STRICT",
        "CREATE INDEX fee_assessments_application ON fee_assessments(application)",
        "CREATE TRIGGER fee_assessments_no_update BEFORE UPDATE ON fee_assessments BEGIN "
        "SELECT RAISE(ABORT, 'a fee assessment is permanent; a decided fee is a new row'); END",
        "CREATE TRIGGER fee_assessments_no_delete BEFORE DELETE ON fee_assessments BEGIN "
        "SELECT RAISE(ABORT, 'a fee assessment is permanent'); END",
    ):
        db.execute(statement)


def m008_attachments(db: sqlite_utils.Database) -> None:
    """Review attachments stored with the application (the bytes, not the clerk's file path,
    so deleting or moving the original loses nothing); permanent like the reviews."""
    for statement in (
        "CREATE TABLE attachments (id INTEGER PRIMARY KEY, application TEXT NOT NULL "
        "REFERENCES applications(number), review_id INTEGER REFERENCES reviews(id), "
        "filename TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL, "
        "sha256 TEXT NOT NULL, content BLOB NOT NULL, added_by TEXT NOT NULL, "
        "added_at TEXT NOT NULL) STRICT",
        "CREATE INDEX attachments_application ON attachments(application)",
        "CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments BEGIN "
        "SELECT RAISE(ABORT, 'attachments cannot be changed; add a new one'); END",
        "CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments BEGIN "
        "SELECT RAISE(ABORT, 'attachments cannot be deleted'); END",
    ):
        db.execute(statement)


def m009_audit_operation(db: sqlite_utils.Database) -> None:
    """Each audit row names the operation (write transaction) that wrote it, so the
    timeline groups an operation's rows exactly. Older rows keep NULL."""
    db.execute("ALTER TABLE audit ADD COLUMN operation INTEGER")


def m010_status_counts(db: sqlite_utils.Database) -> None:
    """Applications per status, kept by triggers: the desk shows the queue counts on every
    refresh, and counting 100,000 rows took ~8 ms each time."""
    for statement in (
        "CREATE TABLE status_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT",
        "INSERT INTO status_counts (status, n) "
        "SELECT status, count(*) FROM applications GROUP BY status",
        "CREATE TRIGGER status_counts_insert AFTER INSERT ON applications BEGIN "
        "INSERT INTO status_counts (status, n) VALUES (NEW.status, 1) "
        "ON CONFLICT (status) DO UPDATE SET n = n + 1; END",
        "CREATE TRIGGER status_counts_delete AFTER DELETE ON applications BEGIN "
        "UPDATE status_counts SET n = n - 1 WHERE status = OLD.status; END",
        "CREATE TRIGGER status_counts_update AFTER UPDATE OF status ON applications "
        "WHEN NEW.status IS NOT OLD.status BEGIN "
        "UPDATE status_counts SET n = n - 1 WHERE status = OLD.status; "
        "INSERT INTO status_counts (status, n) VALUES (NEW.status, 1) "
        "ON CONFLICT (status) DO UPDATE SET n = n + 1; END",
    ):
        db.execute(statement)


def m011_tamper_evidence(db: sqlite_utils.Database) -> None:
    """Consumption seals (kcsac.storage.seals): each account's periods of a year sealed by
    a sha256, the seals bound to the audit trail by their root. A database from before
    gets its consumption and its users' password hashes sealed once, here, by an audit
    row each that says so: what they hold at this upgrade is what later checks compare
    with (nothing earlier bound them)."""
    import datetime as dt
    import hashlib
    import json

    from kcsac.storage import audit, seals

    conn = db.conn
    conn.execute(
        "CREATE TABLE consumption_seals (account TEXT NOT NULL, year TEXT NOT NULL, "
        "periods INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (account, year)) "
        "STRICT, WITHOUT ROWID"
    )
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rows = []
    users = conn.execute(
        "SELECT login, name, title, role, active, password_hash, version FROM users "
        "WHERE password_hash != '' ORDER BY login"
    ).fetchall()
    for login, name, title, role, active, password_hash, version in users:
        state = {
            "active": bool(active),
            "has_password": True,
            "login": login,
            "name": name,
            "password_sha256": hashlib.sha256(password_hash.encode("utf-8")).hexdigest(),
            "role": role,
            "title": title,
            "version": version,
        }
        rows.append(_sealed_at_upgrade(at, "password hash sealed", "user", login, state))
    if conn.execute("SELECT 1 FROM consumption LIMIT 1").fetchone():
        seals.reseal(conn)
        rows.append(
            _sealed_at_upgrade(
                at, seals.SEALED, "consumption", seals.SEALS_ID, seals.root_after(conn)
            )
        )
    for row in rows:
        row["after"] = json.dumps(row["after"], sort_keys=True, separators=(",", ":"))
    audit.append_many(conn, rows)


def _sealed_at_upgrade(at: str, action: str, entity: str, entity_id: str, after: dict) -> dict:
    return {
        "at": at,
        "actor": "kcsac-upgrade",
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "after": after,
        "reason": "sealed when kcsac began binding it to the audit trail (as found then)",
    }


# The words a category is found by (frozen here: a later change of wording is a new
# migration). A status is found by its own words ("awaiting fee", "in review").
_M012_CATEGORY_WORDS = {
    "car-wash": "car wash",
    "laundry": "laundry",
    "evaporation": "evaporation coolers chillers cooling towers",
    "irrigation": "irrigation",
    "ownership-change": "ownership change",
    "water-to-product": "water to product",
    "other": "other process consumption",
    "sewer-metering": "sewer metering",
}


def m012_search_category_and_status(db: sqlite_utils.Database) -> None:
    """The desk's search finds a file by its category and status words too (issue 16):
    the index gains both columns, kept by triggers like the others."""
    category = (
        "CASE {col} "
        + " ".join(f"WHEN '{key}' THEN '{words}'" for key, words in _M012_CATEGORY_WORDS.items())
        + " ELSE replace({col}, '-', ' ') END"
    )
    status = "replace({col}, '-', ' ')"
    columns = "rowid, number, account, customer, address, category, status"

    def values(prefix: str) -> str:
        return (
            f"{prefix}id, {prefix}number, {prefix}account, c.customer, c.service_address, "
            f"{category.format(col=prefix + 'category')}, {status.format(col=prefix + 'status')}"
        )

    for statement in (
        "DROP TRIGGER applications_search_insert",
        "DROP TRIGGER applications_search_update",
        "DROP TRIGGER accounts_search_update",
        "DROP TABLE application_search",
        "CREATE VIRTUAL TABLE application_search USING fts5(number, account, customer, "
        "address, category, status, prefix = '1 2 3')",
        f"INSERT INTO application_search ({columns}) SELECT {values('a.')} "
        "FROM applications a JOIN accounts c ON c.number = a.account",
        "CREATE TRIGGER applications_search_insert AFTER INSERT ON applications BEGIN "
        f"INSERT INTO application_search ({columns}) SELECT {values('NEW.')} "
        "FROM accounts c WHERE c.number = NEW.account; END",
        "CREATE TRIGGER applications_search_update AFTER UPDATE OF account, category, status "
        "ON applications BEGIN DELETE FROM application_search WHERE rowid = NEW.id; "
        f"INSERT INTO application_search ({columns}) SELECT {values('NEW.')} "
        "FROM accounts c WHERE c.number = NEW.account; END",
        "CREATE TRIGGER accounts_search_update AFTER UPDATE OF customer, service_address "
        "ON accounts BEGIN DELETE FROM application_search WHERE rowid IN "
        "(SELECT id FROM applications WHERE account = NEW.number); "
        f"INSERT INTO application_search ({columns}) SELECT {values('a.')} "
        "FROM applications a JOIN accounts c ON c.number = a.account "
        "WHERE a.account = NEW.number; END",
    ):
        db.execute(statement)


# In the order they apply; append only.
STEPS = (
    m001_meta,
    m002_records,
    m003_list_indexes,
    m004_payment_reversals,
    m005_reviews_are_permanent,
    m006_search_one_letter_prefixes,
    m007_fee_assessments,
    m008_attachments,
    m009_audit_operation,
    m010_status_counts,
    m011_tamper_evidence,
    m012_search_category_and_status,
)
KNOWN = tuple(step.__name__ for step in STEPS)


@functools.cache
def migrations() -> Migrations:
    """The sqlite-utils migration set (imports sqlite-utils: call it only to migrate)."""
    from sqlite_utils.migrations import Migrations

    found = Migrations(MIGRATION_SET)
    for step in STEPS:
        found()(step)
    assert found.migrations_table == MIGRATIONS_TABLE
    return found


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations applied to the open database, oldest first (read only)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
    ).fetchone()
    if exists is None:
        return []
    rows = conn.execute(
        f"SELECT name FROM [{MIGRATIONS_TABLE}] WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,),
    )
    return [row[0] for row in rows]
