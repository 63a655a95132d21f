"""Tamper evidence: a realistic database (the demo data set, a payment reversed, a review
with an attachment, a setting, an imported consumption file) is changed with plain sqlite3,
as anyone who can write the file could, and `audit verify` must name the record changed.

Each case is one tampering on a fresh copy. The count of cases tried and found is the
number of parametrized cases below (every one must be found), plus the honest limit at the
end: a forged row appended together with a matching change of the tables, after the newest
anchor, cannot be told from an operation on a file.
"""

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kcsac.domain.integrity import AuditHead
from kcsac.operations import admin
from kcsac.operations.demo import DEMO_TODAY, load_demo
from kcsac.operations.imports import consumption
from kcsac.operations.payments import reverse_payment
from kcsac.operations.reviews import record_review
from kcsac.storage import StoreError, open_store
from kcsac.storage import audit as audit_chain


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The demo office, and what the demo does not make: a reversal, an attachment, a
    setting, and consumption from an imported file."""
    db = tmp_path_factory.mktemp("tamper") / "office.db"
    store = open_store(db)
    load_demo(store)
    clerk, reviewer = store.get_user("demo-clerk"), store.get_user("demo-reviewer")
    administrator = store.get_user("demo-admin")
    (number,) = store.conn.execute(
        "SELECT a.number FROM applications a WHERE a.status = 'in-review' AND EXISTS "
        "(SELECT 1 FROM payments p WHERE p.application = a.number) ORDER BY a.id LIMIT 1"
    ).fetchone()
    payment = store.payments(number)[0]
    reverse_payment(store, clerk, payment.id, reason="check bounced", today=DEMO_TODAY)
    scan = db.parent / "site photo.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    record_review(
        store,
        reviewer,
        number,
        kind="site",
        reviewed_on=DEMO_TODAY,
        result="passed",
        notes="bay 3 drains to the sanitary sewer",
        attachments=[scan],
        today=DEMO_TODAY,
    )
    admin.set_surcharge_limits(
        store,
        administrator,
        bod="250",
        ss="300",
        og="100",
        citation="Code of Ordinances ch. 60 art. IV",
        today=DEMO_TODAY,
    )
    account = store.get_application(number).account
    csv_file = db.parent / "seals"  # a file named as the seals' audit rows are
    csv_file.write_text(
        "account,period_start,period_end,ccf\n"
        f"{account},2027-01-01,2027-01-31,101.5\n"
        f"{account},2027-02-01,2027-02-28,99\n"
    )
    result = consumption.import_consumption(
        store, administrator, csv_file, today=dt.date(2027, 3, 31)
    )
    assert result.imported
    assert result.added == 2
    store.close()
    return db


def _copy(src: Path, dest: Path) -> Path:
    source, target = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return dest


def _verify(db: Path, **kwargs):
    store = open_store(db, read_only=True)
    try:
        return store.verify_integrity(**kwargs)
    finally:
        store.close()


def _one(conn: sqlite3.Connection, sql: str, *params):
    row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return row[0] if len(row) == 1 else row


def _rehash_from(conn: sqlite3.Connection, first: int) -> None:
    """What a careful tamperer does after changing audit rows: recompute every hash from
    row `first` on (the algorithm is public), so the chain is whole again."""
    prev = _one(conn, "SELECT hash FROM audit WHERE seq = ?", first - 1) if first > 1 else None
    prev = prev or audit_chain.GENESIS
    rows = conn.execute(
        "SELECT seq, at, actor, action, entity, entity_id, application, before, after, "
        "reason, operation FROM audit WHERE seq >= ? ORDER BY seq",
        (first,),
    ).fetchall()
    for seq, *values, operation in rows:
        digest = audit_chain.hash_values(prev, values, operation)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest


@contextlib.contextmanager
def _trigger_set_aside(conn: sqlite3.Connection, name: str):
    """Drop a protecting trigger and put it back, word for word, afterwards."""
    sql = _one(conn, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", name)
    conn.execute(f"DROP TRIGGER {name}")
    yield
    conn.execute(sql)


def _forge(conn: sqlite3.Connection, entity: str, entity_id: str, after: dict, **fields) -> int:
    """Append an audit row with a correctly computed hash (no trigger stops an insert)."""
    seq, prev = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    values = {
        "at": "2027-01-05T10:00:00+00:00",
        "actor": "demo-admin",
        "action": fields.pop("action", f"{entity} changed"),
        "entity": entity,
        "entity_id": entity_id,
        "application": fields.pop("application", None),
        "before": "",
        "after": json.dumps(after, sort_keys=True, separators=(",", ":")),
        "reason": "",
    }
    digest = audit_chain.row_hash(prev, values, seq + 1)
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, entity, entity_id, application, before, "
        "after, reason, prev_hash, hash, operation) VALUES (:seq, :at, :actor, :action, "
        ":entity, :entity_id, :application, :before, :after, :reason, :prev, :hash, :seq)",
        {**values, "seq": seq + 1, "prev": prev, "hash": digest},
    )
    return seq + 1


def _last_after(conn: sqlite3.Connection, entity: str, entity_id: str) -> dict:
    after = _one(
        conn,
        "SELECT after FROM audit WHERE entity = ? AND entity_id = ? AND after != '' "
        "ORDER BY seq DESC LIMIT 1",
        entity,
        entity_id,
    )
    return json.loads(after)


# --- the cases: each tampers with a copy and returns what the report must say ----------------
# A case returns the texts one finding must all contain: the table and key, and the field.


def payment_amount(c):
    pid = _one(c, "SELECT min(id) FROM payments")
    c.execute("DROP TRIGGER payments_no_update")
    c.execute("UPDATE payments SET amount_cents = amount_cents * 10 WHERE id = ?", (pid,))
    return f"payments id={pid} ", "amount_cents"


def status_approved_directly(c):
    number = _one(c, "SELECT number FROM applications WHERE status = 'awaiting-decision'")
    c.execute("UPDATE applications SET status = 'approved' WHERE number = ?", (number,))
    return f"applications number={number}", "status is 'approved'"


def role_raised(c):
    c.execute("UPDATE users SET role = 'administrator' WHERE login = 'demo-clerk'")
    return "users login=demo-clerk", "role is 'administrator'"


def signed_percentage_8_to_95(c):
    did = _one(c, "SELECT id FROM determinations WHERE locked = 1 AND percent = '8'")
    c.execute("DROP TRIGGER determinations_locked")
    c.execute("UPDATE determinations SET percent = '95' WHERE id = ?", (did,))
    return f"determinations id={did} ", "percent is '95'"


def determination_deleted(c):
    did = _one(c, "SELECT id FROM determinations WHERE locked = 1 ORDER BY id LIMIT 1")
    c.execute("DELETE FROM determinations WHERE id = ?", (did,))
    return f"determinations id={did}", "is missing"


def consumption_changed(c):
    account, start = _one(c, "SELECT account, period_start FROM consumption LIMIT 1")
    c.execute(
        "UPDATE consumption SET ccf = '9999' WHERE account = ? AND period_start = ?",
        (account, start),
    )
    return f"consumption account={account} year={start[:4]}", "do not match their seal"


def imported_consumption_changed(c):
    account = _one(c, "SELECT account FROM consumption WHERE period_start = '2027-02-01'")
    c.execute("UPDATE consumption SET ccf = '9' WHERE period_start = '2027-02-01'")
    return f"consumption account={account} year=2027", "do not match their seal"


def consumption_deleted(c):
    account, start = _one(c, "SELECT account, period_start FROM consumption LIMIT 1")
    c.execute("DELETE FROM consumption WHERE account = ? AND period_start = ?", (account, start))
    return f"consumption account={account} year={start[:4]}", "do not match their seal"


def consumption_added(c):
    account = _one(c, "SELECT number FROM accounts ORDER BY number LIMIT 1")
    c.execute("INSERT INTO consumption VALUES (?, '2019-01-01', '2019-01-31', '5')", (account,))
    return f"consumption account={account} year=2019", "no seal accounts for"


def consumption_and_its_seal_changed(c):
    """The tamperer recomputes the segment's seal too (the digest is public): the seals no
    longer match the root the audit trail recorded."""
    from kcsac.storage import seals

    account, start = _one(c, "SELECT account, period_start FROM consumption LIMIT 1")
    year = start[:4]
    c.execute(
        "UPDATE consumption SET ccf = '9999' WHERE account = ? AND period_start = ?",
        (account, start),
    )
    [(_, _, periods, digest)] = [s for s in seals.all_segments(c) if s[:2] == (account, year)]
    c.execute(
        "UPDATE consumption_seals SET periods = ?, sha256 = ? WHERE account = ? AND year = ?",
        (periods, digest, account, year),
    )
    return "consumption_seals", "do not match the root audit row"


def failed_review_passed(c):
    rid = _one(c, "SELECT min(id) FROM reviews WHERE result = 'failed'")
    c.execute("DROP TRIGGER reviews_no_update")
    c.execute("UPDATE reviews SET result = 'passed' WHERE id = ?", (rid,))
    return f"reviews id={rid} ", "result is 'passed'"


def attachment_bytes(c):
    aid = _one(c, "SELECT min(id) FROM attachments")
    c.execute("DROP TRIGGER attachments_no_update")
    c.execute("UPDATE attachments SET content = x'00112233' WHERE id = ?", (aid,))
    return f"attachments id={aid} ", "its bytes do not match"


def attachment_bytes_and_sha256(c):
    aid = _one(c, "SELECT min(id) FROM attachments")
    forged = b"a different photo"
    c.execute("DROP TRIGGER attachments_no_update")
    c.execute(
        "UPDATE attachments SET content = ?, size = ?, sha256 = ? WHERE id = ?",
        (forged, len(forged), hashlib.sha256(forged).hexdigest(), aid),
    )
    return f"attachments id={aid} ", "size is"


def fee_assessment(c):
    fid = _one(c, "SELECT min(id) FROM fee_assessments WHERE cents > 0")
    c.execute("DROP TRIGGER fee_assessments_no_update")
    c.execute("UPDATE fee_assessments SET cents = 1 WHERE id = ?", (fid,))
    return f"fee_assessments id={fid} ", "cents is 1"


def reversal_removed(c):
    pid = _one(c, "SELECT payment_id FROM payment_reversals")
    c.execute("DELETE FROM payment_reversals WHERE payment_id = ?", (pid,))
    return f"payments id={pid} ", "reversed_on is None"


def reversal_added(c):
    pid = _one(
        c, "SELECT min(id) FROM payments WHERE id NOT IN (SELECT payment_id FROM payment_reversals)"
    )
    c.execute(
        "INSERT INTO payment_reversals VALUES (?, '2026-12-01', 'oops', 'demo-clerk')", (pid,)
    )
    return f"payments id={pid} ", "reversed_on is '2026-12-01'"


def payment_inserted(c):
    number = _one(c, "SELECT number FROM applications WHERE status = 'awaiting-fee'")
    c.execute(
        "INSERT INTO payments (application, receipt_no, amount_cents, paid_on, method, "
        "recorded_by) VALUES (?, 'R-FAKE', 50000, '2026-12-01', 'cash', 'demo-clerk')",
        (number,),
    )
    pid = _one(c, "SELECT id FROM payments WHERE receipt_no = 'R-FAKE'")
    return f"payments id={pid} ", "no audit row accounts for it"


def paid_cents(c):
    number = _one(c, "SELECT number FROM applications WHERE status = 'awaiting-fee'")
    c.execute("UPDATE applications SET paid_cents = fee_cents WHERE number = ?", (number,))
    return f"applications number={number}", "paid_cents"


def fee_cents(c):
    number = _one(c, "SELECT number FROM applications WHERE fee_cents > 0 ORDER BY id")
    c.execute("UPDATE applications SET fee_cents = 0 WHERE number = ?", (number,))
    return f"applications number={number}", "fee_cents is 0"


def reading_changed(c):
    rid = _one(c, "SELECT min(id) FROM readings")
    c.execute("UPDATE readings SET value = '1' WHERE id = ?", (rid,))
    return f"readings id={rid} ", "value is '1'"


def meter_serial(c):
    mid = _one(c, "SELECT min(id) FROM meters")
    c.execute("UPDATE meters SET serial = 'SWAPPED-1' WHERE id = ?", (mid,))
    return f"meters id={mid} ", "serial is 'SWAPPED-1'"


def decision_signer(c):
    did = _one(c, "SELECT min(id) FROM decisions WHERE kind = 'approval'")
    c.execute("DROP TRIGGER decisions_no_update")
    c.execute("UPDATE decisions SET decided_by = 'demo-clerk' WHERE id = ?", (did,))
    return f"decisions id={did} ", "decided_by is 'demo-clerk'"


def decision_deleted(c):
    did = _one(c, "SELECT max(id) FROM decisions")
    c.execute("DROP TRIGGER decisions_no_delete")
    c.execute("DELETE FROM decisions WHERE id = ?", (did,))
    return f"decisions id={did}", "is missing"


def determination_author_removed(c):
    """The author of unsigned terms taken off their authors, so they could sign them."""
    did = _one(c, "SELECT id FROM determinations WHERE locked = 0 ORDER BY id")
    c.execute("UPDATE determinations SET authors = '[]' WHERE id = ?", (did,))
    return f"determinations id={did}", "authors is []"


def determination_unlocked(c):
    did = _one(c, "SELECT min(id) FROM determinations WHERE locked = 1")
    c.execute("DROP TRIGGER determinations_locked")
    c.execute("UPDATE determinations SET locked = 0 WHERE id = ?", (did,))
    return f"determinations id={did} ", "locked is False"


def document_snapshot(c):
    doc = _one(c, "SELECT min(id) FROM documents")
    c.execute("DROP TRIGGER documents_no_update")
    c.execute(
        "UPDATE documents SET snapshot_json = replace(snapshot_json, '8', '9') WHERE id = ?",
        (doc,),
    )
    return f"documents id={doc} ", "snapshot does not match its sha256"


def document_snapshot_and_sha256(c):
    doc = _one(c, "SELECT min(id) FROM documents")
    text = _one(c, "SELECT snapshot_json FROM documents WHERE id = ?", doc).replace("8", "9")
    c.execute("DROP TRIGGER documents_no_update")
    c.execute(
        "UPDATE documents SET snapshot_json = ?, sha256 = ? WHERE id = ?",
        (text, hashlib.sha256(text.encode()).hexdigest(), doc),
    )
    return f"documents id={doc} ", "sha256 is"


def document_issuer(c):
    doc = _one(c, "SELECT min(id) FROM documents")
    c.execute("DROP TRIGGER documents_no_update")
    c.execute("UPDATE documents SET issued_by = 'demo-clerk' WHERE id = ?", (doc,))
    return f"documents id={doc} ", "issued_by is 'demo-clerk'"


def setting_changed(c):
    key = _one(c, "SELECT key FROM settings")
    c.execute("UPDATE settings SET value = replace(value, '250', '900')")
    return f"settings key={key}", "value is"


def password_hash_swapped(c):
    c.execute(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE login = "
        "'demo-clerk') WHERE login = 'demo-director'"
    )
    return "users login=demo-director", "password_sha256"


def user_reactivated_and_renamed(c):
    c.execute("UPDATE users SET name = 'Mallory' WHERE login = 'demo-reviewer'")
    return "users login=demo-reviewer", "name is 'Mallory'"


def account_class(c):
    number = _one(c, "SELECT number FROM accounts WHERE account_class = 'residential'")
    c.execute("UPDATE accounts SET account_class = 'commercial' WHERE number = ?", (number,))
    return f"accounts number={number}", "account_class is 'commercial'"


def application_inserted(c):
    account = _one(c, "SELECT number FROM accounts LIMIT 1")
    c.execute(
        "INSERT INTO applications (number, category, status, account, fee_cents, paid_cents) "
        "VALUES ('SAC-2026-9999', 'car-wash', 'approved', ?, 0, 0)",
        (account,),
    )
    return "applications number=SAC-2026-9999", "no audit row accounts for it"


def audit_row_edited(c):
    seq = _one(c, "SELECT min(seq) FROM audit WHERE entity = 'payment'")
    c.execute("DROP TRIGGER audit_no_update")
    c.execute("UPDATE audit SET after = replace(after, '00', '01') WHERE seq = ?", (seq,))
    return f"audit row {seq}", "contents were changed"


def audit_emptied(c):
    """Every row deleted and the protecting triggers put back: the schema is whole, but no
    record is accounted for."""
    with _trigger_set_aside(c, "audit_no_delete"):
        c.execute("DELETE FROM audit")
    return "applications number=SAC-2026-0001", "no audit row accounts for it"


def audit_dropped(c):
    c.execute("DROP TABLE audit")
    return "schema table audit", "is missing"


def trigger_added(c):
    c.execute(
        "CREATE TRIGGER quiet AFTER INSERT ON payments BEGIN "
        "UPDATE applications SET paid_cents = 0 WHERE number = NEW.application; END"
    )
    return "schema trigger quiet", "was added"


def forged_row_appended(c):
    """A row with a correctly computed hash claiming the clerk became an administrator;
    the users table still says clerk."""
    state = _last_after(c, "user", "demo-clerk")
    seq = _forge(c, "user", "demo-clerk", {**state, "role": "administrator"})
    return "users login=demo-clerk", f"audit row {seq} (user changed) recorded 'administrator'"


def forged_row_for_a_vanished_record(c):
    state = _last_after(c, "payment", "1")
    _forge(c, "payment", "999", {**state, "id": 999, "receipt_no": "R-GHOST"})
    return "payments id=999", "is missing"


CASES: list[Callable] = [
    payment_amount,
    status_approved_directly,
    role_raised,
    signed_percentage_8_to_95,
    determination_deleted,
    consumption_changed,
    imported_consumption_changed,
    consumption_deleted,
    consumption_added,
    consumption_and_its_seal_changed,
    failed_review_passed,
    attachment_bytes,
    attachment_bytes_and_sha256,
    fee_assessment,
    reversal_removed,
    reversal_added,
    payment_inserted,
    paid_cents,
    fee_cents,
    reading_changed,
    meter_serial,
    decision_signer,
    decision_deleted,
    determination_unlocked,
    determination_author_removed,
    document_snapshot,
    document_snapshot_and_sha256,
    document_issuer,
    setting_changed,
    password_hash_swapped,
    user_reactivated_and_renamed,
    account_class,
    application_inserted,
    audit_row_edited,
    audit_emptied,
    audit_dropped,
    trigger_added,
    forged_row_appended,
    forged_row_for_a_vanished_record,
]


def test_the_untouched_database_is_ok(built, tmp_path):
    report = _verify(_copy(built, tmp_path / "copy.db"))
    assert report.lines() == ["ok"]
    assert report.audit_rows > 500
    assert report.head is not None
    assert report.head.seq == report.audit_rows


@pytest.mark.parametrize("tamper", CASES, ids=[case.__name__ for case in CASES])
def test_each_tampering_is_found_and_named(built, tmp_path, tamper):
    db = _copy(built, tmp_path / "tampered.db")
    conn = sqlite3.connect(db)
    expected = tamper(conn)
    conn.commit()
    conn.close()
    report = _verify(db)
    assert not report.ok
    lines = report.lines(limit=10_000)
    assert any(all(text in line for text in expected) for line in lines), (expected, lines[:8])


# --- the anchors: a backup, a printed head ---------------------------------------------------


def _newest_rows_deleted(db: Path, count: int) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_no_delete")
    (last,) = conn.execute("SELECT max(seq) FROM audit").fetchone()
    conn.execute("DELETE FROM audit WHERE seq > ?", (last - count,))
    conn.commit()
    conn.close()


def test_deleted_newest_rows_are_found_against_a_backup(built, tmp_path):
    backup = _copy(built, tmp_path / "backup.db")
    live = _copy(built, tmp_path / "live.db")
    (last,) = sqlite3.connect(backup).execute("SELECT max(seq) FROM audit").fetchone()
    _newest_rows_deleted(live, 3)
    report = _verify(live, against=backup)
    assert f"audit rows {last - 2}..{last}: are in the backup {backup} but missing here" in (
        report.lines(limit=1000)
    )[0] or any(f"rows {last - 2}..{last}" in line for line in report.lines(limit=1000))


def test_deleted_newest_rows_are_found_against_a_printed_head(built, tmp_path):
    live = _copy(built, tmp_path / "live.db")
    head = _verify(live).head
    _newest_rows_deleted(live, 1)
    report = _verify(live, head=AuditHead.parse(head.short))
    assert any(
        f"audit row {head.seq}: is missing" in line and "newest rows were deleted" in line
        for line in report.lines(limit=1000)
    )


def test_a_recomputed_chain_is_found_against_a_backup(built, tmp_path):
    """An old row rewritten (a reason that mattered) and every hash after it recomputed:
    the chain is whole and the state holds, so only the anchor can tell."""
    backup = _copy(built, tmp_path / "backup.db")
    live = _copy(built, tmp_path / "live.db")
    conn = sqlite3.connect(live)
    seq = _one(conn, "SELECT min(seq) FROM audit WHERE reason != ''")
    with _trigger_set_aside(conn, "audit_no_update"):
        conn.execute("UPDATE audit SET reason = 'as agreed by phone' WHERE seq = ?", (seq,))
        _rehash_from(conn, seq)
    conn.commit()
    conn.close()
    assert _verify(live).ok  # what a file alone cannot prove
    report = _verify(live, against=backup)
    [line] = report.lines()
    assert line.startswith(f"audit row {seq}: differs from the backup {backup}")
    head = _verify(backup).head
    assert f"audit row {head.seq}: hashes to" in _verify(live, head=head).lines()[0]


def test_a_backup_that_is_not_a_database_is_named(built, tmp_path):
    live = _copy(built, tmp_path / "live.db")
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    assert _verify(live, against=junk).lines() == [
        f"backup {junk}: is not a kcsac database (not an SQLite file)"
    ]


def test_a_forged_row_with_a_matching_change_is_the_limit_of_a_file(built, tmp_path):
    """The honest limit: a forged row appended with a correctly computed hash *and* the
    matching change of the table, after the newest anchor, reads as an operation kcsac did.
    A backup taken before it is extended by it, legitimately; only an anchor the forger
    cannot rewrite (the server database's insert-only trail) tells them apart."""
    backup = _copy(built, tmp_path / "backup.db")
    live = _copy(built, tmp_path / "live.db")
    conn = sqlite3.connect(live)
    state = _last_after(conn, "user", "demo-clerk")
    forged = {**state, "role": "administrator", "version": state["version"] + 1}
    conn.execute(
        "UPDATE users SET role = 'administrator', version = version + 1 WHERE login = 'demo-clerk'"
    )
    _forge(conn, "user", "demo-clerk", forged)
    conn.commit()
    conn.close()
    assert _verify(live, against=backup).ok


# --- bulk writes, an older file, a damaged file -----------------------------------------------


def test_a_bulk_import_binds_every_row(tmp_path):
    """The bulk path (thousands of rows, one statement) seals what it wrote."""
    from kcsac.domain.customer_class import AccountClass, CustomerClass
    from kcsac.domain.records import Account
    from kcsac.operations import users

    db = tmp_path / "bulk.db"
    store = open_store(db)
    actor = users.ensure_first_admin(store, "ada", dt.date(2026, 12, 31))
    for n in range(300):
        store.insert_account(
            Account(f"2000-{n:03d}", "C", "A", AccountClass.COMMERCIAL, CustomerClass.RESIDENT),
            "ada",
        )
    lines = ["account,period_start,period_end,ccf"]
    for month in range(1, 13):
        end = (dt.date(2025 + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        lines += [f"2000-{n:03d},2025-{month:02d}-01,{end},{n}.{month}" for n in range(300)]
    f = tmp_path / "big.csv"
    f.write_text("\n".join(lines) + "\n")
    assert len(lines) > consumption.BULK_LINES
    result = consumption.import_consumption(store, actor, f, today=dt.date(2026, 12, 31))
    assert result.imported
    assert result.added == 3600
    store.close()
    assert _verify(db).ok
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE consumption SET ccf = '7' WHERE account = '2000-123' AND period_start = "
        "'2025-06-01'"
    )
    conn.commit()
    conn.close()
    assert _verify(db).lines() == [
        "consumption account=2000-123 year=2025: its 12 period(s) do not match their seal "
        "(12 period(s) sealed): changed outside kcsac"
    ]


def test_an_older_database_is_sealed_once_at_its_upgrade(tmp_path):
    """A file from before the seals: the upgrade seals its consumption and its password
    hashes by audit rows that say so, and from then on a change is found."""
    import sqlite_utils

    from kcsac.storage import migrations

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    migrations.migrations().apply(sqlite_utils.Database(conn), stop_before="m011_tamper_evidence")
    conn.close()
    # Write as the older kcsac did: no seals, a password set with no binding.
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO accounts (number, customer, service_address, account_class, "
        "customer_class) VALUES ('1000-01', 'C', 'A', 'commercial', 'resident')"
    )
    conn.execute("INSERT INTO consumption VALUES ('1000-01', '2026-05-01', '2026-05-31', '12')")
    conn.execute(
        "INSERT INTO users (login, name, role, password_hash) VALUES "
        "('ada', 'Ada', 'administrator', 'scrypt$1$2$3$00$11')"
    )
    rows = [
        {
            "at": "2026-05-01T00:00:00+00:00",
            "actor": "ada",
            "action": "user added",
            "entity": "user",
            "entity_id": "ada",
            "after": json.dumps(
                {
                    "active": True,
                    "has_password": False,
                    "login": "ada",
                    "name": "Ada",
                    "role": "administrator",
                    "title": "",
                    "version": 1,
                },
                sort_keys=True,
                separators=(",", ":"),
            ),
        },
        {
            "at": "2026-05-01T00:00:00+00:00",
            "actor": "ada",
            "action": "password set",
            "entity": "user",
            "entity_id": "ada",
        },
        {
            "at": "2026-05-01T00:00:00+00:00",
            "actor": "ada",
            "action": "account added",
            "entity": "account",
            "entity_id": "1000-01",
            "after": json.dumps(
                {
                    "account_class": "commercial",
                    "customer": "C",
                    "customer_class": "resident",
                    "number": "1000-01",
                    "service_address": "A",
                    "version": 1,
                },
                sort_keys=True,
                separators=(",", ":"),
            ),
        },
    ]
    audit_chain.append_many(conn, rows)
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="must be updated first"):
        _verify(db)  # read only: it never migrates
    open_store(db).close()  # a command that writes updates it
    actions = [
        r[0]
        for r in sqlite3.connect(db).execute(
            "SELECT action FROM audit WHERE actor = 'kcsac-upgrade' ORDER BY seq"
        )
    ]
    assert actions == ["password hash sealed", "consumption sealed"]
    assert _verify(db).ok
    conn = sqlite3.connect(db)
    conn.execute("UPDATE users SET password_hash = 'scrypt$1$2$3$00$22'")
    conn.execute("UPDATE consumption SET ccf = '13'")
    conn.commit()
    conn.close()
    lines = _verify(db).lines()
    assert any(line.startswith("users login=ada: password_sha256 is") for line in lines)
    assert any(line.startswith("consumption account=1000-01 year=2026") for line in lines)


def test_a_damaged_file_is_refused_in_one_line_and_not_changed(built, tmp_path):
    db = _copy(built, tmp_path / "damaged.db")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    root = _one(conn, "SELECT rootpage FROM sqlite_master WHERE name = 'payments'")
    conn.close()
    data = bytearray(db.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + page_size] = b"\xa5" * (page_size - 8)
    db.write_bytes(bytes(data))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(StoreError) as raised:
        _verify(db)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{db}: ")
    assert "damaged" in message
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_verification_never_writes(built, tmp_path):
    db = _copy(built, tmp_path / "copy.db")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    db.chmod(0o444)
    try:
        assert _verify(db).ok
    finally:
        db.chmod(0o644)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_the_head_is_what_a_letter_prints(built, tmp_path):
    db = _copy(built, tmp_path / "copy.db")
    store = open_store(db)
    head = store.audit_head()
    seq, digest = (
        sqlite3.connect(db)
        .execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetchone()
    )
    assert (head.seq, head.hash) == (seq, digest)
    assert AuditHead.parse(head.short) == dataclasses.replace(head, hash=digest[:16])
    assert AuditHead.parse(str(head)) == head
    assert AuditHead.parse("12:xyz") is None
    store.close()


def test_a_segment_hashes_the_same_from_sqlite_and_from_python(tmp_path):
    """The import seals a segment from text SQLite builds; verification recomputes it from
    rows read into Python: both must agree for any account text."""
    from kcsac.storage import seals

    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE consumption (account TEXT, period_start TEXT, period_end TEXT, ccf TEXT, "
        "PRIMARY KEY (account, period_start)) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE consumption_seals (account TEXT, year TEXT, periods INTEGER, "
        "sha256 TEXT, PRIMARY KEY (account, year)) WITHOUT ROWID"
    )
    accounts = ["1000-01", "Zoë-05", 'a"b\\c', "tab\there", "x\u2028y", "日本-7"]
    for account in accounts:
        for month in (1, 2, 11):
            conn.execute(
                "INSERT INTO consumption VALUES (?, ?, ?, ?)",
                (account, f"2026-{month:02d}-01", f"2026-{month:02d}-28", f"{month}.5"),
            )
        conn.execute(
            "INSERT INTO consumption VALUES (?, '2027-01-01', '2027-01-31', '7')", (account,)
        )
    assert seals.reseal(conn, {(a, y) for a in accounts for y in ("2026", "2027")}) == 12
    sealed = sorted(conn.execute("SELECT * FROM consumption_seals"))
    assert sealed == sorted(seals.all_segments(conn))
    assert {row[2] for row in sealed} == {3, 1}


def test_a_seeded_audited_database_verifies_and_a_change_is_named(tmp_path):
    """benchmarks/verify.py's database: every seeded record audited, consumption sealed."""
    from benchmarks.seeding import seed

    db = tmp_path / "seeded.db"
    store = open_store(db)
    seed(store, 300, periods=3, batch=120, audited=True)
    store.close()
    report = _verify(db)
    assert report.lines() == ["ok"]
    assert report.audit_rows > 900
    conn = sqlite3.connect(db)
    number = _one(conn, "SELECT number FROM applications WHERE status = 'denied' LIMIT 1")
    conn.execute("UPDATE applications SET status = 'approved' WHERE number = ?", (number,))
    conn.commit()
    conn.close()
    [line] = _verify(db).lines()
    assert line.startswith(f"applications number={number}: status is 'approved'; audit row ")
