"""Start-up: the OS login becomes the first administrator; others are read-only until added."""

import datetime as dt

import pytest

from kcsac.domain.roles import Role
from kcsac.ui.desk_startup import start_desk

TODAY = dt.date(2026, 8, 20)


def test_first_start_makes_the_login_the_administrator(qtbot, store, db_path):
    window = start_desk(store, db_path=db_path, login="jdoe", today=lambda: TODAY)
    qtbot.addWidget(window)
    assert store.get_user("jdoe").role == Role.ADMINISTRATOR
    assert window.user_label.text() == "jdoe (Administrator)"
    assert window.action("new").isEnabled()
    assert "First start: jdoe is the kcsac administrator" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.startup.finished, timeout=10_000):
        window.startup.start()  # the event loop has not run yet: start it now
    assert window.startup.done
    assert "Backup written to" in window.statusBar().currentMessage()
    backups = list((db_path.parent / "backups").glob("*"))
    assert backups, "the start-up backup was written beside the database"


def test_an_unknown_login_is_read_only_and_says_so(qtbot, store, db_path):
    start_desk(store, db_path=db_path, login="jdoe", today=lambda: TODAY, backup=False).close()
    window = start_desk(store, db_path=db_path, login="visitor", today=lambda: TODAY, backup=False)
    qtbot.addWidget(window)
    assert store.get_user("visitor") is None, "only the very first login becomes a user"
    assert window.user_label.text() == "Read-only: visitor is not a kcsac user"
    assert not window.action("new").isEnabled()
    assert window.context.read_only


def test_a_damaged_file_opens_read_only_and_is_not_backed_up(qtbot, tmp_path):
    import dataclasses

    from kcsac.domain.customer_class import AccountClass, CustomerClass
    from kcsac.domain.records import Account
    from kcsac.storage import open_store

    path = tmp_path / "damaged.db"
    store = open_store(path)
    acme = Account("x", "Acme", "1 Main St", AccountClass.COMMERCIAL, CustomerClass.RESIDENT)
    for i in range(300):
        store.insert_account(dataclasses.replace(acme, number=f"2000-{i:03d}"), "setup")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    data[-4096 * 3 : -4096 * 2] = b"\x07" * 4096  # a data page in the middle of the tables
    path.write_bytes(bytes(data))

    store = open_store(path)
    window = start_desk(store, db_path=path, login="jdoe", today=lambda: TODAY)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.startup.finished, timeout=10_000):
        window.startup.start()
    assert "kcsac restore" in window.damaged_message
    assert window.context.read_only
    assert window.user_label.text() == "Read-only: the database file is damaged"
    assert not (tmp_path / "backups").exists()
    store.close()


def test_the_window_is_up_before_the_start_up_checks_run(qtbot, store, db_path):
    """The quick check and backup wait for the event loop, so they never delay the window."""
    window = start_desk(store, db_path=db_path, login="jdoe", today=lambda: TODAY)
    qtbot.addWidget(window)
    assert not window.startup.done
    qtbot.wait(100)  # the event loop runs, but nothing is painted yet: they wait for it
    assert not window.startup.done
    assert not (db_path.parent / "backups").exists()
    window.show()
    qtbot.waitUntil(lambda: window.startup.done, timeout=10_000)
    assert list((db_path.parent / "backups").glob("*.db"))
    assert not window.context.read_only


def test_a_database_that_cannot_be_opened_is_explained_in_a_window(qtbot, tmp_path):
    """Started from a desktop menu nobody sees stderr: the reason is shown in a box too."""
    from PySide6.QtWidgets import QMessageBox

    from kcsac.storage import StoreError, open_store
    from kcsac.ui.desk_startup import start_failure_box

    junk = tmp_path / "kcsac.db"
    junk.write_bytes(b"not a database")
    with pytest.raises(StoreError) as caught:
        open_store(junk)
    box = start_failure_box("kcsac cannot open its database", str(caught.value))
    qtbot.addWidget(box)
    assert box.icon() is QMessageBox.Icon.Critical
    assert str(junk) in box.text()
    assert "not a kcsac database" in box.text()
    assert "--db" in box.informativeText()
