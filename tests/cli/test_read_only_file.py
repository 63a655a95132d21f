"""Commands that only read work on a database file marked read-only; the file is untouched
and commands that write still refuse it with one clear line."""

import datetime as dt
import hashlib
import os
import stat

import pytest

from kcsac.app import main
from kcsac.operations import accounts, users
from kcsac.storage import StoreError, open_store

TODAY = dt.date(2026, 8, 20)


@pytest.fixture
def read_only_db(tmp_path):
    path = tmp_path / "kcsac.db"
    store = open_store(path)
    users.ensure_first_admin(store, "boss", TODAY)
    accounts.add_account(
        store,
        users.current_user(store, "boss"),
        number="40100-10",
        customer="Acme Car Wash",
        service_address="1 Main St",
        account_class="commercial",
        customer_class="resident",
        today=TODAY,
    )
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    yield path
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_exports_backups_and_checks_work_on_a_read_only_file(tmp_path, read_only_db, capsys):
    before = _digest(read_only_db)
    db = ["--db", str(read_only_db)]
    assert main(["export", "applications", str(tmp_path / "apps.csv"), *db]) == 0
    assert main(["export", "billing", str(tmp_path / "billing.csv"), *db]) == 0
    assert main(["backup", str(tmp_path / "copy.db"), *db]) == 0
    assert main(["audit", "verify", *db]) == 0
    assert capsys.readouterr().out.strip().endswith("ok")
    assert open_store(tmp_path / "copy.db").get_account("40100-10").customer == "Acme Car Wash"
    assert _digest(read_only_db) == before


def test_a_command_that_writes_still_refuses_it_in_one_line(tmp_path, read_only_db, capsys):
    csv = tmp_path / "accounts.csv"
    csv.write_text("number,customer,service_address,account_class,customer_class\n")
    assert main(["import", "accounts", str(csv), "--db", str(read_only_db)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "read-only" in err[0]
    assert str(read_only_db) in err[0]


def test_read_only_opening_never_creates_or_migrates(tmp_path):
    with pytest.raises(StoreError, match="no such database file"):
        open_store(tmp_path / "missing.db", read_only=True)
    assert not (tmp_path / "missing.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello")
    with pytest.raises(StoreError, match="not an SQLite file"):
        open_store(junk, read_only=True)
