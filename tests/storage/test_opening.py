"""Which files kcsac opens, and that a file it refuses is never written (issue 13, "Files";
issue 15, a file on a network share)."""

import hashlib
import sqlite3

import pytest

from kcsac.storage import StoreError, open_store
from kcsac.storage.migrations import KNOWN, migrations
from kcsac.storage.opening import network_filesystem


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "invoices.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
    conn.execute("INSERT INTO invoices (amount) VALUES (1250)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("read_only", [False, True])
def test_another_programs_sqlite_file_is_refused_untouched(foreign, read_only):
    before, files = _digest(foreign), _files(foreign.parent)
    with pytest.raises(StoreError, match="another program") as caught:
        open_store(foreign, read_only=read_only)
    assert str(foreign) in str(caught.value)
    assert "invoices" in str(caught.value)
    assert _digest(foreign) == before
    assert _files(foreign.parent) == files  # no -wal or -shm left behind either


def test_an_empty_file_is_a_new_database_to_a_writer(tmp_path):
    path = tmp_path / "new.db"
    path.touch()
    store = open_store(path)
    assert [m.name for m in migrations().applied(store.db)] == list(KNOWN)
    store.close()


def test_an_empty_file_holds_no_database_yet_for_a_reader(tmp_path):
    path = tmp_path / "new.db"
    path.touch()
    with pytest.raises(StoreError, match="holds no kcsac database yet") as caught:
        open_store(path, read_only=True)
    assert str(path) in str(caught.value)
    assert path.stat().st_size == 0


def test_an_sqlite_file_without_tables_is_a_new_database_too(tmp_path):
    path = tmp_path / "blank.db"
    sqlite3.connect(path).execute("VACUUM")
    with pytest.raises(StoreError, match="holds no kcsac database yet"):
        open_store(path, read_only=True)
    open_store(path).close()
    reader = open_store(path, read_only=True)
    assert reader.count_users() == 0
    reader.close()


def _damage_a_data_page(path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    data[-page * 3 : -page * 2] = b"\x07" * page
    path.write_bytes(bytes(data))


def _older_database(path, *, pages: int = 300) -> None:
    """A database an earlier kcsac left: one migration short, in rollback-journal mode."""
    import sqlite_utils

    db = sqlite_utils.Database(path)
    migrations().apply(db, stop_before=KNOWN[-1])
    db.execute("CREATE TABLE filler (x TEXT)")
    db.conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 400,)] * pages)
    db.conn.commit()
    db.close()


def test_a_damaged_older_file_is_neither_migrated_nor_switched_to_wal(tmp_path):
    path = tmp_path / "old.db"
    _older_database(path)
    _damage_a_data_page(path)
    before, files = _digest(path), _files(tmp_path)
    with pytest.raises(StoreError, match="damaged") as caught:
        open_store(path)
    assert str(path) in str(caught.value)
    assert _digest(path) == before
    assert _files(tmp_path) == files


def test_a_command_that_writes_checks_a_current_file_first(tmp_path):
    path = tmp_path / "kcsac.db"
    store = open_store(path)
    store.conn.execute("CREATE TABLE filler (x TEXT)")
    store.conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 400,)] * 300)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    _damage_a_data_page(path)
    before = _digest(path)
    with pytest.raises(StoreError, match="damaged"):
        open_store(path, check=True)
    assert _digest(path) == before


def test_a_reader_never_migrates_an_older_file(tmp_path):
    path = tmp_path / "old.db"
    _older_database(path, pages=1)
    before = _digest(path)
    with pytest.raises(StoreError, match="must be updated first by a command that writes"):
        open_store(path, read_only=True)
    assert _digest(path) == before
    open_store(path).close()  # a writer updates it
    open_store(path, read_only=True).close()


def _mountinfo(tmp_path, fstype: str, mount_point) -> object:
    info = tmp_path / "mountinfo"
    info.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        f"98 22 0:51 / {mount_point} rw,relatime shared:50 - {fstype} //server/share rw\n"
    )
    return info


@pytest.mark.parametrize("fstype", ["cifs", "nfs4", "fuse.sshfs"])
def test_a_network_share_is_recognised_from_the_mount_table(tmp_path, fstype):
    share = tmp_path / "share"
    share.mkdir()
    info = _mountinfo(tmp_path, fstype, share)
    assert network_filesystem(share / "kcsac.db", info) == fstype
    assert network_filesystem(share / "sub" / "kcsac.db", info) == fstype
    assert network_filesystem(tmp_path / "local.db", info) == ""


def test_a_mount_point_with_a_space_is_read(tmp_path):
    share = tmp_path / "Water Services"
    share.mkdir()
    info = _mountinfo(tmp_path, "smb3", str(share).replace(" ", "\\040"))
    assert network_filesystem(share / "kcsac.db", info) == "smb3"


def test_this_machines_temporary_folder_is_local(tmp_path):
    assert network_filesystem(tmp_path / "kcsac.db") == ""


def test_a_file_on_a_share_is_refused_naming_the_server_option(tmp_path, monkeypatch):
    share = tmp_path / "share"
    share.mkdir()
    monkeypatch.setattr("kcsac.storage.opening.MOUNTINFO", _mountinfo(tmp_path, "cifs", share))
    with pytest.raises(StoreError, match="network share") as caught:
        open_store(share / "kcsac.db")
    assert "postgresql://" in str(caught.value)
    assert not (share / "kcsac.db").exists()
