"""`kcsac audit verify` on real files: ok, a tampering named, the anchors, and files it must
refuse in one line without changing them."""

import hashlib
import sqlite3

import pytest

from kcsac.app import main


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("verify") / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to copy
    conn.close()
    return db


def _copy(demo_db, tmp_path, name="copy.db"):
    dest = tmp_path / name
    dest.write_bytes(demo_db.read_bytes())
    return dest


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_untouched_file_says_only_ok(demo_db, tmp_path, capsys):
    db = _copy(demo_db, tmp_path)
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(db)]) == 0
    assert capsys.readouterr().out == "ok\n"


def test_a_change_outside_kcsac_is_named_with_its_first_difference(demo_db, tmp_path, capsys):
    db = _copy(demo_db, tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER payments_no_update")
    conn.execute("UPDATE payments SET amount_cents = 1 WHERE id = 1")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(db)]) == 4
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "schema trigger payments_no_update: is missing (dropped outside kcsac)"
    assert out[1].startswith("payments id=1 (SAC-2026-0001): amount_cents is 1; audit row ")
    assert out[1].endswith("(payment recorded) recorded 25000")


def test_against_a_backup_finds_the_deleted_newest_rows(demo_db, tmp_path, capsys):
    backup = _copy(demo_db, tmp_path, "backup.db")
    db = _copy(demo_db, tmp_path)
    conn = sqlite3.connect(db)
    (last,) = conn.execute("SELECT max(seq) FROM audit").fetchone()
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE seq > ?", (last - 2,))
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(db), "--against", str(backup)]) == 4
    out = capsys.readouterr().out
    assert f"audit rows {last - 1}..{last}: are in the backup {backup} but missing here" in out


def test_a_printed_head_is_checked(demo_db, tmp_path, capsys):
    db = _copy(demo_db, tmp_path)
    seq, digest = (
        sqlite3.connect(db).execute("SELECT seq, hash FROM audit ORDER BY seq DESC").fetchone()
    )
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(db), "--head", f"{seq}:{digest[:16]}"]) == 0
    assert capsys.readouterr().out == "ok\n"
    wrong = "0" * 16
    assert main(["audit", "verify", "--db", str(db), "--head", f"{seq}:{wrong}"]) == 4
    assert f"audit row {seq}: hashes to {digest[:16]}" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", str(db), "--head", "nonsense"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("kcsac: --head 'nonsense': not a head")
    assert len(err.strip().splitlines()) == 1


def test_a_damaged_file_gets_one_line_naming_it_and_is_not_changed(demo_db, tmp_path, capsys):
    db = _copy(demo_db, tmp_path)
    conn = sqlite3.connect(db)
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit'").fetchone()
    conn.close()
    data = bytearray(db.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + page_size] = b"\x5a" * (page_size - 8)
    db.write_bytes(bytes(data))
    before = _sha(db)
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"kcsac: {db}: ")
    assert "damaged" in line
    assert _sha(db) == before


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path, capsys):
    db = tmp_path / "invoices.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
    conn.execute("INSERT INTO invoices (total) VALUES (100)")
    conn.commit()
    conn.close()
    before = _sha(db)
    assert main(["audit", "verify", "--db", str(db)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"kcsac: {db}: ")
    assert _sha(db) == before


def test_a_read_only_file_is_verified(demo_db, tmp_path, capsys):
    db = _copy(demo_db, tmp_path)
    db.chmod(0o444)
    try:
        capsys.readouterr()
        assert main(["audit", "verify", "--db", str(db)]) == 0
        assert capsys.readouterr().out == "ok\n"
    finally:
        db.chmod(0o644)


def test_a_locked_file_gets_one_line(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KCSAC_BUSY_TIMEOUT_MS", "100")  # not five seconds
    db = _copy(demo_db, tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program writing (rollback journal: no reads)
    try:
        assert main(["audit", "verify", "--db", str(db)]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"kcsac: {db}: ")
    assert "locked" in line
