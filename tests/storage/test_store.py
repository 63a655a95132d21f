"""The store on real SQLite files: schema, migrations, audit chain, concurrent edits, bad files."""

import dataclasses
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account
from kcsac.storage import StoreError, open_store
from kcsac.storage.errors import StaleRecord
from kcsac.storage.migrations import KNOWN, applied_names, migrations

ACME = Account(
    "1000-01", "Acme Car Wash", "1200 Main St", AccountClass.COMMERCIAL, CustomerClass.RESIDENT
)


def test_schema_is_strict_with_foreign_keys_and_wal(store):
    tables = {
        r[0]: r[1]
        for r in store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    }
    for name in (
        "accounts",
        "applications",
        "payments",
        "reviews",
        "meters",
        "readings",
        "determinations",
        "decisions",
        "documents",
        "users",
        "audit",
        "consumption",
    ):
        assert "STRICT" in tables[name], name
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO payments (application, receipt_no, amount_cents, "
            "paid_on, method, recorded_by) VALUES ('nope','r',1,'2026-01-01',"
            "'cash','x')"
        )


def test_reopening_applies_nothing_twice(db_path):
    open_store(db_path).close()
    store = open_store(db_path)
    names = [m.name for m in migrations().applied(store.db)]
    assert names == list(KNOWN)
    assert applied_names(store.conn) == names  # the plain-sqlite3 reader the start-up uses
    store.close()


def test_a_database_from_a_newer_kcsac_is_refused_and_not_modified(db_path):
    store = open_store(db_path)
    store.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('kcsac', 'm999_from_the_future', '2030-01-01')"
    )
    store.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match=r"newer version of kcsac.*m999_from_the_future"):
        open_store(db_path)
    assert db_path.read_bytes() == before


def test_audit_rows_cannot_be_changed_or_deleted(store):
    store.insert_account(ACME, "carl")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE audit SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit")
    assert store.verify_audit().ok


def test_audit_verify_finds_the_first_broken_link(store):
    for i in range(5):
        store.insert_account(dataclasses.replace(ACME, number=f"1000-0{i}"), "carl")
    assert str(store.verify_audit()) == "ok"
    # Someone with the file drops the trigger and edits history: the chain shows it.
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 3")
    check = store.verify_audit()
    assert not check.ok
    assert check.broken_seq == 3
    assert "changed after it was written" in str(check)


def test_audit_verify_finds_a_deleted_row(store):
    for i in range(4):
        store.insert_account(dataclasses.replace(ACME, number=f"1000-0{i}"), "carl")
    store.conn.execute("DROP TRIGGER audit_no_delete")
    store.conn.execute("DELETE FROM audit WHERE seq = 2")
    check = store.verify_audit()
    assert check.broken_seq == 3
    assert "missing" in check.problem


def test_a_stale_save_is_refused_naming_who_and_when(db_path):
    first = open_store(db_path, clock=lambda: "2026-08-20T09:00:00+00:00")
    second = open_store(db_path, clock=lambda: "2026-08-20T09:05:00+00:00")
    first.insert_account(ACME, "carl")
    mine = first.get_account("1000-01")
    theirs = second.get_account("1000-01")
    second.save_account(
        dataclasses.replace(theirs, customer="Acme Wash LLC"),
        expected_version=theirs.version,
        actor="rita",
    )
    with pytest.raises(StaleRecord) as caught:
        first.save_account(
            dataclasses.replace(mine, service_address="1300 Main St"),
            expected_version=mine.version,
            actor="carl",
        )
    assert "rita" in str(caught.value)
    assert "2026-08-20T09:05:00" in str(caught.value)
    kept = first.get_account("1000-01")
    assert kept.customer == "Acme Wash LLC"
    assert kept.service_address == "1200 Main St"
    assert first.verify_audit().ok
    first.close()
    second.close()


def test_a_corrupt_file_is_one_clear_message_and_unchanged(tmp_path):
    path = tmp_path / "broken.db"
    open_store(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"broken.db{suffix}").unlink(missing_ok=True)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="damaged") as caught:
        open_store(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


def test_a_file_marked_read_only_is_refused_and_unchanged(tmp_path):
    """Root may write anything, so the check honours the file's mode, not only access()."""
    path = tmp_path / "kcsac.db"
    open_store(path).close()
    before = path.read_bytes()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        with pytest.raises(StoreError, match="read-only") as caught:
            open_store(path)
        assert str(path) in str(caught.value)
        assert path.read_bytes() == before
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_folder_is_one_clear_message(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write into a read-only folder; the file-mode test covers root")
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "kcsac.db"
    sqlite3.connect(path).close()  # an empty (new) database file
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreError, match="read-only"):
            open_store(path)
    finally:
        os.chmod(folder, stat.S_IRWXU)


def test_a_locked_database_is_one_clear_message(db_path, monkeypatch):
    open_store(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setenv("KCSAC_BUSY_TIMEOUT_MS", "100")
    try:
        with pytest.raises(StoreError, match="locked"):
            open_store(db_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_older_database_is_migrated_on_open(db_path):
    import sqlite_utils

    old = sqlite_utils.Database(db_path)
    migrations().apply(old, stop_before="m002_records")  # as an early kcsac left it
    old.close()
    store = open_store(db_path)
    assert [m.name for m in migrations().applied(store.db)] == list(KNOWN)
    store.insert_account(ACME, "carl")
    assert store.verify_audit().ok
    store.close()


WRITER = r"""
import dataclasses, sys
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account
from kcsac.storage import open_store

store = open_store(sys.argv[1])
base = Account("0", "Writer", "1 Loop St", AccountClass.COMMERCIAL, CustomerClass.RESIDENT)
for i in range(40):
    store.insert_account(dataclasses.replace(base, number=f"{sys.argv[2]}-{i:03d}"), sys.argv[2])
"""


def test_concurrent_writers_keep_one_unbroken_audit_chain(db_path):
    import subprocess
    import sys

    open_store(db_path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), f"W{n}"],
            env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
        for n in range(3)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    store = open_store(db_path)
    assert store.conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == 120
    check = store.verify_audit()
    assert check.ok
    assert check.rows == 120
    actors = [e.actor for e in store.audit_events(limit=200)]
    assert len(set(actors)) == 3
    store.close()


def test_quick_check_names_a_damaged_file(tmp_path):
    path = tmp_path / "damaged.db"
    store = open_store(path)
    for i in range(300):
        store.insert_account(dataclasses.replace(ACME, number=f"2000-{i:03d}"), "carl")
    assert store.quick_check() == "ok"
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[-page * 3 : -page * 2] = b"\x07" * page  # a data page in the middle of the tables
    path.write_bytes(bytes(data))
    store = open_store(path)
    verdict = store.quick_check()
    assert verdict != "ok"
    assert str(path) in verdict
    assert "kcsac restore" in verdict
    store.close()


def test_a_save_while_another_program_holds_the_lock_is_a_clear_refusal(db_path):
    from kcsac.storage.errors import DatabaseBusy

    store = open_store(db_path)
    store.conn.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="nothing was saved"):
            store.insert_account(ACME, "carl")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.find_account(ACME.number) is None
    store.insert_account(ACME, "carl")  # once the lock is gone, the same save works
    assert store.verify_audit().ok
    store.close()


def test_a_trigger_refusal_inside_a_save_is_a_record_error(store):
    from kcsac.storage.errors import WriteFailed

    store.insert_account(ACME, "carl")
    with pytest.raises(WriteFailed, match="append-only"), store.write():
        store.conn.execute("DELETE FROM audit")
    assert store.verify_audit().rows == 1


def test_opening_an_up_to_date_database_does_not_load_sqlite_utils(db_path):
    """sqlite-utils costs ~100 ms of imports: the desk's cold start must not pay it when no
    migration is pending (it is loaded only to migrate)."""
    open_store(db_path).close()
    probe = (
        "import sys\n"
        "from kcsac.storage import open_store\n"
        f"open_store({str(db_path)!r}).close()\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_the_rows_of_one_write_share_its_operation_number(store):
    """Every audit row names the operation that wrote it (the seq of its first row), so the
    timeline can group an operation's rows exactly; the number is in the hash chain."""
    with store.write():
        store.insert_account(ACME, "carl")
        store.insert_account(dataclasses.replace(ACME, number="1000-02"), "carl")
    store.insert_account(dataclasses.replace(ACME, number="1000-03"), "carl")
    events = store.audit_events()
    assert [e.operation for e in events] == [events[0].seq, events[0].seq, events[2].seq]
    assert store.verify_audit().ok
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("UPDATE audit SET operation = 1 WHERE seq = 3")  # regroup history
    check = store.verify_audit()
    assert not check.ok
    assert check.broken_seq == 3


def test_rows_written_before_operation_numbers_still_verify(db_path):
    import sqlite_utils

    old = sqlite_utils.Database(db_path)
    migrations().apply(old, stop_before="m009_audit_operation")  # as kcsac 0.1 left it
    old.close()
    conn = sqlite3.connect(db_path)
    from kcsac.storage import audit as audit_chain

    fields = {
        "at": "2026-06-01T10:00:00+00:00",
        "actor": "carl",
        "action": "account added",
        "entity": "account",
        "entity_id": "1000-01",
        "application": None,
        "before": "",
        "after": "{}",
        "reason": "",
    }
    digest = audit_chain.row_hash(audit_chain.GENESIS, fields)
    conn.execute(
        "INSERT INTO audit (at, actor, action, entity, entity_id, application, before, after, "
        "reason, prev_hash, hash) VALUES (:at, :actor, :action, :entity, :entity_id, "
        ":application, :before, :after, :reason, :prev, :hash)",
        {**fields, "prev": audit_chain.GENESIS, "hash": digest},
    )
    conn.commit()
    conn.close()
    store = open_store(db_path)  # migrates to m009: the old row keeps no operation number
    store.insert_account(ACME, "carl")
    events = store.audit_events()
    assert [e.operation for e in events] == [None, 2]
    assert store.verify_audit().ok
    store.close()


def test_paperwork_is_stored_under_its_old_name(store):
    """SacApplication.paperwork is the `documents` column and the `documents` key of the audit
    trail's JSON (and so of a signed snapshot): renaming the field changed nothing stored."""
    import json

    from kcsac.domain.category import Category
    from kcsac.domain.records import SacApplication
    from kcsac.domain.status import Status

    store.insert_account(ACME, "clerk")
    app = store.insert_application(
        SacApplication(
            "", Category.CAR_WASH, Status.DRAFT, ACME.number, paperwork={"site plan": True}
        ),
        "clerk",
        year=2026,
    )
    assert app.paperwork == {"site plan": True}
    column = store.conn.execute(
        "SELECT documents FROM applications WHERE number = ?", (app.number,)
    ).fetchone()[0]
    assert json.loads(column) == {"site plan": True}
    after = json.loads(store.audit_events(entity="application")[-1].after)
    assert after["documents"] == {"site plan": True}
    assert "paperwork" not in after


def test_change_mark_sees_saves_of_this_store_and_of_another_process(db_path):
    mine = open_store(db_path)
    other = open_store(db_path)
    mark = mine.change_mark()
    assert mine.find_account("1000-01") is None  # reads change nothing
    mine.list_summaries()
    assert not mine.changed_since(mark)
    other.insert_account(ACME, "rita")  # another connection commits
    assert mine.changed_since(mark)
    mark = mine.change_mark()
    assert not mine.changed_since(mark)
    mine.save_account(
        dataclasses.replace(mine.get_account("1000-01"), customer="Acme Wash LLC"),
        expected_version=1,
        actor="carl",
    )  # this store's own save
    assert mine.changed_since(mark)
    mine.close()
    other.close()


def test_backup_to_copies_what_is_still_in_the_write_ahead_log(db_path, tmp_path):
    store = open_store(db_path)
    store.insert_account(ACME, "carl")  # committed, not yet checkpointed into the file
    made = store.backup_to(tmp_path / "copy.db")
    assert made == tmp_path / "copy.db"
    with pytest.raises(StoreError, match="already exists"):
        store.backup_to(made)
    store.close()
    copy = open_store(made, read_only=True)
    assert copy.get_account("1000-01").customer == "Acme Car Wash"
    assert copy.verify_audit().ok
    copy.close()


def test_backup_rotating_deletes_only_the_oldest_kcsac_backups(store, tmp_path):
    import datetime as dt

    folder = tmp_path / "backups"
    folder.mkdir()
    strangers = [folder / "notes.txt", folder / "kcsac-before-restore-20260101-000000.db"]
    for path in strangers:
        path.write_text("not a dated backup")
    made = [
        store.backup_rotating(folder, 2, dt.datetime(2026, 10, 30, 8, 0, 0, tzinfo=dt.UTC))
        for _ in range(3)  # the same second: -1, -2
    ]
    made.append(store.backup_rotating(folder, 2, dt.datetime(2026, 10, 30, 9, 0, 0, tzinfo=dt.UTC)))
    assert [p.name for p in made] == [
        "kcsac-20261030-080000.db",
        "kcsac-20261030-080000-1.db",
        "kcsac-20261030-080000-2.db",
        "kcsac-20261030-090000.db",
    ]
    assert sorted(folder.iterdir()) == sorted([*strangers, made[2], made[3]])
