"""`kcsac restore`: only an administrator may replace a database that has users, and the
file it replaces is always kept next to it."""

import datetime as dt
import sqlite3

import pytest

from kcsac.app import main
from kcsac.operations import accounts, users
from kcsac.operations.identity import os_account
from kcsac.storage import open_store
from tests.cli.signing_in import stdin_lines

TODAY = dt.date(2026, 8, 20)
SECRET = "the tester's password"


def _accounts(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def backup_file(tmp_path):
    """A sound backup of an empty kcsac database."""
    path = tmp_path / "empty-backup.db"
    open_store(path).close()
    return path


def _database_with(tmp_path, role: str):
    """A database whose users include this OS account with `role` (and the password
    SECRET), and one account."""
    path = tmp_path / "live.db"
    store = open_store(path)
    login = os_account()
    users.ensure_first_admin(store, "boss", TODAY)
    boss = users.current_user(store, "boss")
    users.set_own_password(store, boss, "boss password")
    if role:
        users.add_user(
            store,
            boss,
            login=login,
            name="Tester",
            title="",
            role=role,
            password="boss password",
            today=TODAY,
        )
        users.set_own_password(store, users.current_user(store, login), SECRET)
    accounts.add_account(
        store,
        boss,
        number="40100-10",
        customer="Acme Car Wash",
        service_address="1 Main St",
        account_class="commercial",
        customer_class="resident",
        today=TODAY,
    )
    store.close()
    return path


def test_a_login_that_is_not_an_administrator_cannot_replace_the_database(
    tmp_path, backup_file, capsys
):
    live = _database_with(tmp_path, role="clerk")
    assert main(["restore", str(backup_file), "--force", "--db", str(live)]) == 3
    err = capsys.readouterr().err
    assert "only a kcsac administrator" in err
    assert str(live) in err
    assert _accounts(live) == 1  # nothing lost
    assert not list(tmp_path.glob("kcsac-before-restore-*.db"))


def test_an_unknown_login_cannot_replace_the_database(tmp_path, backup_file, capsys):
    live = _database_with(tmp_path, role="")
    assert main(["restore", str(backup_file), "--force", "--db", str(live)]) == 3
    assert _accounts(live) == 1


def test_an_administrator_restores_and_the_replaced_file_is_kept(
    tmp_path, backup_file, capsys, monkeypatch
):
    live = _database_with(tmp_path, role="administrator")
    stdin_lines(monkeypatch, SECRET)
    restore = ["restore", str(backup_file), "--force", "--db", str(live), "--password-stdin"]
    assert main(restore) == 0
    out = capsys.readouterr().out
    [kept] = tmp_path.glob("kcsac-before-restore-*.db")
    assert f"kept as {kept}" in out
    assert _accounts(live) == 0  # the backup's content
    assert _accounts(kept) == 1  # what was there before, whole
    conn = sqlite3.connect(kept)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_damaged_database_can_be_replaced_and_its_bytes_are_kept(tmp_path, backup_file):
    live = tmp_path / "live.db"
    damaged = b"SQLite format 3\x00" + b"\x07" * 8000
    live.write_bytes(damaged)
    assert main(["restore", str(backup_file), "--force", "--db", str(live)]) == 0
    [kept] = tmp_path.glob("kcsac-before-restore-*.db")
    assert kept.read_bytes() == damaged
    assert open_store(live).queue_counts()["all"] == 0
