"""Start-up: the OS login becomes the first administrator; others are read-only until added."""

import datetime as dt

from kcsac.domain.roles import Role
from kcsac.ui.application import start_desk

TODAY = dt.date(2026, 8, 20)


def test_first_start_makes_the_login_the_administrator(qtbot, store, db_path):
    window = start_desk(store, db_path=db_path, login="jdoe", today=lambda: TODAY)
    qtbot.addWidget(window)
    assert store.get_user("jdoe").role == Role.ADMINISTRATOR
    assert window.user_label.text() == "jdoe (Administrator)"
    assert window.new_action.isEnabled()
    assert "First start: jdoe is the kcsac administrator" in window.statusBar().currentMessage()
    backups = list((db_path.parent / "backups").glob("*"))
    assert backups, "the start-up backup was written beside the database"


def test_an_unknown_login_is_read_only_and_says_so(qtbot, store, db_path):
    start_desk(store, db_path=db_path, login="jdoe", today=lambda: TODAY, backup=False).close()
    window = start_desk(store, db_path=db_path, login="visitor", today=lambda: TODAY, backup=False)
    qtbot.addWidget(window)
    assert store.get_user("visitor") is None, "only the very first login becomes a user"
    assert window.user_label.text() == "Read-only: visitor is not a kcsac user"
    assert not window.new_action.isEnabled()
    assert window.context.read_only
