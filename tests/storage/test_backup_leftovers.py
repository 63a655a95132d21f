"""Backups and the restore's safety copy are written under a temporary name and renamed;
what a killed run leaves behind is cleaned (issue 13, "Files")."""

import datetime as dt
import os

import pytest

from kcsac.storage import backup as sqlite_backup
from kcsac.storage import open_store

NOW = dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.UTC)


def _aged(path, hours: float) -> None:
    when = (NOW - dt.timedelta(hours=hours)).timestamp()
    os.utime(path, (when, when))


def test_rotation_removes_a_killed_backups_part_file_but_not_one_being_written(tmp_path):
    store = open_store(tmp_path / "kcsac.db")
    folder = tmp_path / "backups"
    folder.mkdir()
    killed = folder / "kcsac-20261201-090000.db.part"
    killed.write_bytes(b"half a backup")
    _aged(killed, 20)
    running = folder / "kcsac-20261202-175959.db.part"  # another desk's, a second old
    running.write_bytes(b"being written")
    _aged(running, 0.001)
    unrelated = folder / "notes.db.part"
    unrelated.write_bytes(b"not ours")
    _aged(unrelated, 20)
    made = store.backup_rotating(folder, 10, NOW)
    assert made.exists()
    assert not killed.exists()
    assert running.exists()
    assert unrelated.exists()
    store.close()


def test_a_restore_killed_while_keeping_the_old_file_leaves_no_broken_copy(tmp_path, monkeypatch):
    live = tmp_path / "kcsac.db"
    open_store(live).close()
    backup = tmp_path / "backup.db"
    open_store(tmp_path / "other.db").close()
    (tmp_path / "other.db").replace(backup)

    def killed(source, dest_path):
        dest_path.write_bytes(b"SQLite format 3\x00 and then nothing")
        raise KeyboardInterrupt  # as if the process were stopped half-way

    monkeypatch.setattr(sqlite_backup, "_copy", killed)
    with pytest.raises(KeyboardInterrupt):
        sqlite_backup.restore(backup, live, force=True, now=NOW)
    assert not list(tmp_path.glob("kcsac-before-restore-*"))
    assert open_store(live, read_only=True).count_users() == 0  # the live file is untouched


def test_an_old_leftover_of_a_killed_restore_is_removed_by_the_next(tmp_path):
    live = tmp_path / "kcsac.db"
    open_store(live).close()
    backup = tmp_path / "backup.db"
    open_store(tmp_path / "other.db").close()
    (tmp_path / "other.db").replace(backup)
    leftover = tmp_path / "kcsac-before-restore-20261130-120000.db.part"
    leftover.write_bytes(b"broken")
    _aged(leftover, 48)
    kept = sqlite_backup.restore(backup, live, force=True, now=NOW)
    assert kept is not None
    assert kept.name == "kcsac-before-restore-20261202-180000.db"
    assert not leftover.exists()
    assert open_store(kept, read_only=True).count_users() == 0
