"""Every command that opens a database, on a busy, a damaged, a read-only and a foreign file:
one line naming the file on stderr, never a traceback, and the file is never changed."""

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kcsac.operations import demo

# (name, arguments before --db; "{tmp}" is the test's folder). Each command that takes --db.
COMMANDS = [
    ("import accounts", ["import", "accounts", "{tmp}/accounts.csv"]),
    ("import consumption", ["import", "consumption", "{tmp}/consumption.csv"]),
    ("export applications", ["export", "applications", "{tmp}/apps.csv"]),
    ("export billing", ["export", "billing", "{tmp}/billing.csv"]),
    ("backup", ["backup", "{tmp}/copy.db"]),
    ("audit verify", ["audit", "verify"]),
    ("demo", ["demo"]),
    ("letter", ["letter", "SAC-2026-0001", "--out", "{tmp}/letter.pdf"]),
    ("schedule-pdf", ["schedule-pdf", "SAC-2026-0001", "--out", "{tmp}/schedule.pdf"]),
    ("export-letters", ["export-letters", "--status", "approved", "--out", "{tmp}/letters"]),
]
KINDS = ["busy", "damaged", "read-only", "foreign"]


@pytest.fixture(scope="module")
def sound_db(tmp_path_factory) -> Path:
    """A small real kcsac database (the demo data), built once."""
    from kcsac.storage import open_store

    path = tmp_path_factory.mktemp("sound") / "kcsac.db"
    store = open_store(path)
    demo.load_demo(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def _damaged(sound: Path, path: Path) -> None:
    data = bytearray(sound.read_bytes())
    page = 4096
    # Overwrite a page in the middle of the file (a b-tree page of some table) with garbage.
    middle = (len(data) // page // 2) * page
    data[middle : middle + page] = bytes((i * 37 + 11) % 256 for i in range(page))
    path.write_bytes(bytes(data))


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
    conn.execute("INSERT INTO invoices (amount) VALUES (1250)")
    conn.commit()
    conn.close()


def _hold_exclusively(path: Path) -> subprocess.Popen:
    """Another program (an sqlite3 shell, say) in a long exclusive transaction, until its
    standard input closes. A process of its own: POSIX locks are per process, and this one
    reads the file (which would drop a lock it held)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"conn = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "conn.execute('PRAGMA journal_mode = DELETE')\n"
            "conn.execute('BEGIN EXCLUSIVE')\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n"
            "conn.execute('ROLLBACK')\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "kcsac", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_says_one_line_naming_the_file(tmp_path, sound_db, kind):
    (tmp_path / "accounts.csv").write_text(
        "account,customer,service_address,account_class,customer_class\n"
        "40100-99,Acme,1 Main St,commercial,resident\n"
    )
    (tmp_path / "consumption.csv").write_text(
        "account,period_start,period_end,ccf\n40100-99,2026-06-01,2026-06-30,10\n"
    )
    db = tmp_path / "kcsac.db"
    holder = None
    if kind == "damaged":
        _damaged(sound_db, db)
    elif kind == "foreign":
        _foreign(db)
    else:
        db.write_bytes(sound_db.read_bytes())
    if kind == "read-only":
        os.chmod(db, stat.S_IRUSR | stat.S_IRGRP)
    if kind == "busy":
        holder = _hold_exclusively(db)
    before = _digest(db)
    failures = []
    try:
        for name, template in COMMANDS:
            args = [a.replace("{tmp}", str(tmp_path)) for a in template]
            done = _run([*args, "--db", str(db)], {"KCSAC_BUSY_TIMEOUT_MS": "200"})
            lines = done.stderr.strip().splitlines()
            if "Traceback" in done.stderr:
                failures.append(f"{name}: traceback: {done.stderr[-600:]}")
            elif done.returncode != 0 and (len(lines) != 1 or str(db) not in lines[0]):
                failures.append(f"{name}: exit {done.returncode}, stderr {lines!r}")
            if _digest(db) != before:
                failures.append(f"{name}: changed the {kind} file")
                before = _digest(db)
    finally:
        if holder is not None:
            holder.communicate("", timeout=30)
        os.chmod(db, stat.S_IRUSR | stat.S_IWUSR)
    assert not failures, "\n".join(failures)
