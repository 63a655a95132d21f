"""ReopenDialog on a real store: a director reopens a denied file with a reason."""

import pytest
from PySide6.QtCore import Qt

from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.operations import approvals
from kcsac.ui.reopen_dialog import ReopenDialog
from tests.ui.decision_factories import PASSWORD, desk_for, enter_password, seed_file


@pytest.fixture
def denied(store, people, today):
    app = seed_file(store, people, today)
    approvals.deny(
        store, people.director, app.number, reasons=["storm-sewer"], password=PASSWORD, today=today
    )
    return store.get_application(app.number)


def open_dialog(qtbot, store, actor, number, today) -> ReopenDialog:
    dialog = ReopenDialog(desk_for(store, actor, today), number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_director_reopens_with_a_reason(qtbot, store, people, today, denied):
    dialog = open_dialog(qtbot, store, people.director, denied.number, today)
    assert "Denied on 2026-08-20 by dora" in dialog.denial_label.text()
    assert "storm sewer" in dialog.denial_label.text()
    assert not dialog.reopen_button.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "Drain rerouted to the sanitary sewer; photos received")
    assert dialog.reopen_button.isEnabled()
    qtbot.mouseClick(dialog.reopen_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.reopened) as reopened:
        enter_password(qtbot, dialog, PASSWORD)
    app = reopened.args[0]
    assert app.status is not Status.DENIED
    assert store.get_application(denied.number).status is app.status
    last = store.decisions(denied.number)[-1]
    assert last.kind is DecisionKind.REOPEN
    assert last.note == "Drain rerouted to the sanitary sewer; photos received"
    assert any(e.reason == last.note for e in store.timeline(denied.number))


def test_a_reviewer_cannot_reopen(qtbot, store, people, today, denied):
    dialog = open_dialog(qtbot, store, people.reviewer, denied.number, today)
    qtbot.keyClicks(dialog.reason_edit, "please")
    qtbot.mouseClick(dialog.reopen_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "only the director can" in dialog.error_label.text()
    assert store.get_application(denied.number).status is Status.DENIED
