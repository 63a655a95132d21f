"""The desk's actions table: every row is runnable, named once, and lands in its menu."""

from html import escape

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QToolBar

from kcsac.domain.actions import READ_ONLY, Action, FileFacts, available_actions, next_step
from kcsac.operations import queries
from kcsac.storage import open_store
from kcsac.ui.application_details_view import NOTHING_BLOCKS
from kcsac.ui.desk_actions import DESK_ACTIONS, MENUS, build_desk_actions, queue_actions
from kcsac.ui.desk_list import QUEUES
from kcsac.ui.main_window import MainWindow
from tests import action_matrix


def test_every_handler_is_a_method_of_the_desk():
    for spec in (*DESK_ACTIONS, *queue_actions()):
        assert callable(getattr(MainWindow, spec.handler, None)), (spec.name, spec.handler)


def test_names_are_unique_and_menus_are_on_the_menu_bar():
    specs = (*DESK_ACTIONS, *queue_actions())
    names = [spec.name for spec in specs]
    assert len(names) == len(set(names))
    assert {spec.menu for spec in specs} == set(MENUS)
    assert [spec.queue_row for spec in queue_actions()] == list(range(len(QUEUES)))


def test_the_window_holds_the_table_in_order(qtbot, store, db_path, clerk):
    window = MainWindow(store, db_path=db_path, user=clerk)
    qtbot.addWidget(window)
    assert list(window.desk_actions) == [s.name for s in (*DESK_ACTIONS, *queue_actions())]
    assert window.actions() == list(window.desk_actions.values())
    toolbar = [a.text() for a in window.findChild(QToolBar, "actions_toolbar").actions()]
    assert toolbar == [s.text for s in DESK_ACTIONS if s.toolbar]
    tips = {s.name: (s.tooltip(), s.tip) for s in DESK_ACTIONS}
    assert (
        (window.action("quit").toolTip(), window.action("quit").statusTip())
        == (
            "Close kcsac (Ctrl+Q)",
            "Close kcsac",
        )
        == tips["quit"]
    )
    assert window.action("new").toolTip() == tips["new"][0]  # enabled: its own tip
    assert window.action("letter").toolTip() == "Select an application first (Ctrl+P)"


def test_a_handler_the_window_lacks_fails_when_the_desk_is_built(qapp):
    with pytest.raises(AttributeError):
        build_desk_actions(QMainWindow())


# --- the desk shows the domain's answer (domain.actions), for every file and person ---------


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    return action_matrix.build(tmp_path_factory.mktemp("desk-matrix"))


def _desk(qtbot, matrix, tmp_path, login):
    store = open_store(matrix.copy_to(tmp_path / f"desk-{login}.db"))
    window = MainWindow(
        store,
        db_path=tmp_path / f"desk-{login}.db",
        user=matrix.viewer(login),
        today=lambda: action_matrix.TODAY,
        os_login="guest",
    )
    qtbot.addWidget(window)
    return store, window


def test_the_desk_enables_and_explains_every_action_as_the_domain_answers(qtbot, matrix, tmp_path):
    """Every file of tests/action_matrix.py, seen by each person (and a read-only login):
    each action is enabled exactly when domain.actions says so, its tooltip and status tip
    give the domain's reason, and the Next-step panel says the domain's next step."""
    specs = {s.name: s for s in DESK_ACTIONS}
    differences = []
    compared = 0
    for login in action_matrix.VIEWERS:
        store, window = _desk(qtbot, matrix, tmp_path, login)
        # The desk acts as the user the database holds: a deactivated one reads only.
        user = window.context.user
        viewer = matrix.viewer(login)
        assert user == (viewer if viewer is not None and viewer.active else None), login
        try:
            for what, number in matrix.files.items():
                assert window.select_number(number)
                assert window.detail.application.number == number  # loaded now
                detail = queries.application_detail(store, number)
                answer = available_actions(detail, user)
                for action, why in answer.items():
                    shown = window.action(action.value)
                    spec = specs[action.value]
                    want = (
                        why is None,
                        why or spec.tip,
                        f"{why} ({_keys(shown)})" if why else spec.tooltip(),
                    )
                    got = (shown.isEnabled(), shown.statusTip(), shown.toolTip())
                    if got != want:
                        differences.append((what, login, action.value, want, got))
                step = next_step(FileFacts.of(detail), user)
                view = window.details_pane.view
                assert view.next_step_label.text() == f"<b>Next:</b> {escape(step.line)}"
                texts = [step.refusal] if step.refusal else []
                texts += [
                    b.message + (f" ({b.citation})" if b.citation else "") for b in detail.blockers
                ]
                texts += [step.blocked] if step.blocked else []
                assert view.blocker_texts() == (texts or [NOTHING_BLOCKS]), (what, login)
                compared += len(answer)
        finally:
            window.close()
            store.close()
    assert differences == []
    assert compared == len(action_matrix.VIEWERS) * len(matrix.files) * len(Action)


def _keys(action) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def test_a_clerk_is_told_who_records_reviews_and_ctrl_shift_r_says_why(qtbot, matrix, tmp_path):
    store, window = _desk(qtbot, matrix, tmp_path, "carl")
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    number = matrix.files["reviews missing"]
    window.select_number(number)
    review = window.action("review")
    why = (
        "You cannot record reviews: your role is clerk; only a reviewer (the director's "
        "representative) or the director can."
    )
    assert not review.isEnabled()
    assert review.statusTip() == why
    assert review.toolTip() == f"{why} (Ctrl+Shift+R)"
    view = window.details_pane.view
    assert view.next_step_label.text() == (
        "<b>Next:</b> Record the site review, plan review and installation inspection, by a "
        "reviewer (the director&#x27;s representative) or the director"
    )
    assert view.blocker_texts()[0] == why
    window.statusBar().clearMessage()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_R, ctrl_shift)
    assert window.statusBar().currentMessage() == why
    window.close()
    store.close()


def test_ctrl_shift_r_opens_the_review_for_a_reviewer(qtbot, matrix, tmp_path):
    store, window = _desk(qtbot, matrix, tmp_path, "rita")
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    window.select_number(matrix.files["reviews missing"])
    assert window.action("review").isEnabled()
    opened = []

    def close_modal():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close_modal)
            return
        opened.append(type(dialog).__name__)
        dialog.reject()

    QTimer.singleShot(0, close_modal)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_R, ctrl_shift)
    assert opened == ["ReviewDialog"]
    window.close()
    store.close()


def test_a_read_only_login_is_told_it_is_read_only(qtbot, matrix, tmp_path):
    store, window = _desk(qtbot, matrix, tmp_path, None)
    window.select_number(matrix.files["ended"])  # nothing to do on it, for anyone
    texts = window.details_pane.view.blocker_texts()
    assert texts == [READ_ONLY]
    window.select_number(matrix.files["fee owed"])
    assert window.details_pane.view.next_step_label.text() == (
        "<b>Next:</b> Record the fee payment, by any kcsac user"
    )
    assert "read-only for you" in window.details_pane.view.blocker_texts()[0]
    window.close()
    store.close()
