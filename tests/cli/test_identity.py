"""Who a command acts as: the OS account of the process (whatever LOGNAME, USER or USERNAME
say), or --user LOGIN with that user's password; `kcsac user ...` and `kcsac restore` ask the
password of whoever acts. Run as a user would: `python -m kcsac` in a subprocess."""

import datetime as dt
import os
import pwd
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kcsac.app import main
from kcsac.operations import users
from kcsac.operations.identity import os_account
from kcsac.storage import open_store
from tests.cli.signing_in import as_user, stdin_lines

TODAY = dt.date(2026, 8, 20)
ADMIN_PASSWORD = "admin password 1"
CLERK_PASSWORD = "clerk password 1"
ACCOUNTS = (
    "account,customer,service_address,account_class,customer_class\n"
    "1000-01,Acme Car Wash,1200 Main St,commercial,resident\n"
)
ROOT = Path(__file__).resolve().parents[2]


def kcsac(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "kcsac", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def demo_like(tmp_path) -> Path:
    """A database whose administrator is demo-admin and whose clerk is demo-clerk (both
    with passwords); the OS account running the tests is not a user of it."""
    path = tmp_path / "office.db"
    store = open_store(path)
    admin = users.ensure_first_admin(store, "demo-admin", TODAY, name="Avery Admin")
    users.set_own_password(store, admin, ADMIN_PASSWORD)
    clerk = users.add_user(
        store,
        store.get_user("demo-admin"),
        login="demo-clerk",
        name="Casey Clerk",
        title="Clerk",
        role="clerk",
        password=ADMIN_PASSWORD,
        today=TODAY,
    )
    users.set_own_password(store, clerk, CLERK_PASSWORD)
    assert store.get_user(os_account()) is None
    store.close()
    return path


def audit_actors(path: Path) -> list[str]:
    store = open_store(path, read_only=True)
    try:
        return [e.actor for e in store.audit_events(limit=100_000)]
    finally:
        store.close()


def test_the_os_account_is_the_effective_uid_s_whatever_the_environment_says(monkeypatch):
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "demo-admin")
    assert os_account() == pwd.getpwuid(os.geteuid()).pw_name != "demo-admin"


def test_logname_does_not_make_an_administrator(tmp_path, demo_like):
    """Issue 13: `LOGNAME=demo-admin kcsac import accounts f.csv` acted as the administrator
    with no password, and the audit named the administrator."""
    before = audit_actors(demo_like)
    f = tmp_path / "accounts.csv"
    f.write_text(ACCOUNTS)
    spoof = {"LOGNAME": "demo-admin", "USER": "demo-admin", "USERNAME": "demo-admin"}
    result = kcsac("import", "accounts", str(f), "--db", str(demo_like), env=spoof)
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "kcsac: You cannot import files: your login is not a kcsac user, so kcsac is "
        "read-only for you"
    )
    assert "demo-admin" not in line
    assert audit_actors(demo_like) == before  # nobody acted, least of all demo-admin
    store = open_store(demo_like, read_only=True)
    assert store.list_accounts() == []
    store.close()


def test_no_identity_from_the_environment_anywhere_in_kcsac():
    """One home for the acting login (kcsac.operations.identity): nothing else may ask
    getpass.getuser() or read LOGNAME/USER/USERNAME."""
    pattern = re.compile(r"getuser|['\"](LOGNAME|USER|USERNAME|LNAME)['\"]")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "kcsac").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_user_with_the_password_from_stdin_acts_as_that_user(tmp_path, demo_like):
    f = tmp_path / "accounts.csv"
    f.write_text(ACCOUNTS)
    args = ["--user", "demo-clerk", "--password-stdin", "import", "accounts", str(f)]
    result = kcsac(*args, "--db", str(demo_like), stdin=CLERK_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    assert audit_actors(demo_like)[-1] == "demo-clerk"


def test_a_wrong_password_is_exit_3_in_one_line_that_does_not_say_which_part(tmp_path, demo_like):
    f = tmp_path / "accounts.csv"
    f.write_text(ACCOUNTS)
    before = audit_actors(demo_like)
    for login, password in (("demo-clerk", "guess"), ("nobody", CLERK_PASSWORD)):
        args = ["import", "accounts", str(f), "--user", login, "--password-stdin"]
        result = kcsac(*args, "--db", str(demo_like), stdin=password + "\n")
        assert result.returncode == 3
        assert result.stderr == "kcsac: The login or password is not correct.\n"
    assert audit_actors(demo_like) == before


def test_without_a_terminal_or_password_stdin_it_says_how(tmp_path, demo_like):
    f = tmp_path / "accounts.csv"
    f.write_text(ACCOUNTS)
    result = kcsac("--user", "demo-clerk", "import", "accounts", str(f), "--db", str(demo_like))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "--password-stdin" in line


def test_the_first_administrator_sets_a_password_from_the_command_line(
    tmp_path, monkeypatch, capsys
):
    """On a new database the OS account becomes the administrator; the CLI says how to set
    the password, and nothing that needs one works until it is set."""
    db = str(tmp_path / "new.db")
    me = os_account()
    stdin_lines(monkeypatch, "any")
    add = ["user", "add", "rita", "--name", "Rita", "--role", "reviewer", "--db", db]
    assert main([*add, "--password-stdin"]) == 3
    err = capsys.readouterr().err
    assert f"{me} is now the kcsac administrator" in err
    assert "kcsac user set-password" in err
    assert f"{me} has no kcsac password yet" in err
    stdin_lines(monkeypatch, "short")
    assert main(["user", "set-password", "--password-stdin", "--db", db]) == 3
    assert "at least 8 characters" in capsys.readouterr().err
    stdin_lines(monkeypatch, ADMIN_PASSWORD)
    assert main(["user", "set-password", "--password-stdin", "--db", db]) == 0
    stdin_lines(monkeypatch, "wrong password")
    assert main([*add, "--password-stdin"]) == 3
    assert "The password is not correct" in capsys.readouterr().err
    stdin_lines(monkeypatch, ADMIN_PASSWORD)
    assert main([*add, "--password-stdin"]) == 0
    assert "user rita added as reviewer" in capsys.readouterr().out
    # Changing your own password needs the current one first (line 1), then the new one.
    stdin_lines(monkeypatch, "not it", "a newer password")
    assert main(["user", "set-password", "--password-stdin", "--db", db]) == 3
    stdin_lines(monkeypatch, ADMIN_PASSWORD, "a newer password")
    assert main(["user", "set-password", "--password-stdin", "--db", db]) == 0
    store = open_store(Path(db), read_only=True)
    users.check_password(store, store.get_user(me), "a newer password")
    store.close()


def test_role_changes_and_resets_need_the_administrator_and_their_password(
    demo_like, monkeypatch, capsys
):
    db = str(demo_like)
    clerk = as_user(monkeypatch, "demo-clerk", CLERK_PASSWORD)
    assert main([*clerk, "user", "change", "demo-clerk", "--role", "director", "--db", db]) == 3
    assert "only an administrator can" in capsys.readouterr().err
    admin = as_user(monkeypatch, "demo-admin", ADMIN_PASSWORD)
    change = ["user", "change", "demo-clerk", "--role", "director", "--deactivate"]
    assert main([*admin, *change, "--reason", "left", "--db", db]) == 0
    assert "demo-clerk: director, deactivated" in capsys.readouterr().out
    # reset: the administrator's password, then the new one
    admin = as_user(monkeypatch, "demo-admin", ADMIN_PASSWORD, "fresh password 9")
    assert main([*admin, "user", "reset-password", "demo-clerk", "--db", db]) == 0
    store = open_store(demo_like, read_only=True)
    clerk_now = store.get_user("demo-clerk")
    assert (clerk_now.role, clerk_now.active) == ("director", False)
    users.check_password(store, clerk_now, "fresh password 9")
    assert [e.actor for e in store.audit_events(entity="user")][-2:] == ["demo-admin"] * 2
    store.close()
    stdin_lines(monkeypatch, "whatever")
    assert main(["user", "list", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"demo-clerk\s+Casey Clerk\s+director\s+no\s+set", listed)
