"""The desk opens the approvals desk's dialogs for the selected file, by shortcut."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kcsac.domain.records import User
from kcsac.domain.roles import Role
from kcsac.operations import approvals, users
from kcsac.operations.determinations import enter_determination
from kcsac.operations.documents.issuing import (
    SCHEDULE,
    issued_documents,
    latest_issued,
)
from kcsac.operations.reviews import record_review
from kcsac.ui.main_window import MainWindow
from tests.ui.desk_factories import make_paid, monthly_consumption

TODAY = dt.date(2026, 8, 20)


@pytest.fixture
def director(store):
    user = store.insert_user(
        User(login="ddirector", name="Dana Director", title="Director", role=Role.DIRECTOR), "t"
    )
    users.set_own_password(store, user, "director-secret")
    return user


@pytest.fixture
def awaiting_decision(store, clerk, reviewer):
    app = make_paid(store, clerk)
    store.put_consumption(monthly_consumption(app.account))
    for kind in ("site", "plan", "installation"):
        record_review(
            store,
            reviewer,
            app.number,
            kind=kind,
            reviewed_on=dt.date(2026, 8, 5),
            result="passed",
            today=TODAY,
        )
    enter_determination(
        store,
        reviewer,
        app.number,
        method="percentage",
        percent="15",
        justification="carry-out and evaporation",
        today=TODAY,
    )
    return app.number


def window_for(qtbot, store, db_path, user):
    window = MainWindow(store, db_path=db_path, user=user, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def press_and_capture(qtbot, window, key, modifiers):
    """Press a shortcut that opens a modal dialog; close it and return its class name."""
    seen = []

    def close_modal():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close_modal)
            return
        seen.append(type(dialog).__name__)
        dialog.reject()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # a closed dialog hands the focus back
    QTimer.singleShot(0, close_modal)
    window.desk_list.applications_view.setFocus()
    qtbot.keyClick(window.desk_list.applications_view, key, modifiers)
    return seen


def test_the_director_approves_with_ctrl_shift_a(
    qtbot, store, db_path, director, awaiting_decision
):
    window = window_for(qtbot, store, db_path, director)
    window.select_number(awaiting_decision)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    assert press_and_capture(qtbot, window, Qt.Key.Key_A, ctrl_shift) == ["ApprovalDialog"]
    assert press_and_capture(qtbot, window, Qt.Key.Key_D, ctrl_shift) == ["DenialDialog"]


def test_ctrl_p_issues_and_previews_the_letter(qtbot, store, db_path, director, awaiting_decision):
    approvals.approve(store, director, awaiting_decision, password="director-secret", today=TODAY)
    window = window_for(qtbot, store, db_path, director)
    window.select_number(awaiting_decision)
    seen = press_and_capture(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["DocumentPreviewDialog"]
    [issued] = issued_documents(store, awaiting_decision)
    assert issued.issued_by == "ddirector"


def test_every_decision_and_document_action_opens_its_dialog(
    qtbot, store, db_path, director, awaiting_decision
):
    approvals.approve(store, director, awaiting_decision, password="director-secret", today=TODAY)
    window = window_for(qtbot, store, db_path, director)
    window.select_number(awaiting_decision)
    opened = {}
    for action in (
        window.action("amend"),
        window.action("ownership"),
        window.action("revoke"),
        window.action("schedule"),
        window.action("export"),
    ):
        assert action.isEnabled(), action.text()
        seen = []

        def close_modal(seen=seen):
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(20, close_modal)
                return
            seen.append(type(dialog).__name__)
            dialog.reject()

        QTimer.singleShot(0, close_modal)
        action.trigger()
        opened[action.objectName()] = seen
    assert opened == {
        "amend_determination_action": ["AmendmentDialog"],
        "ownership_change_action": ["OwnershipChangeDialog"],
        "revoke_action": ["RevocationDialog"],
        "adjusted_volume_schedule_action": ["ScheduleVersionsDialog"],
        "export_letters_and_schedules_action": ["BatchExportDialog"],
    }


def capture_modal(action):
    seen = []

    def close_modal():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close_modal)
            return
        seen.append(type(dialog).__name__)
        dialog.reject()

    QTimer.singleShot(0, close_modal)
    action.trigger()
    return seen


def test_a_denied_file_can_be_reopened_and_its_letter_printed(
    qtbot, store, db_path, director, awaiting_decision
):
    approvals.deny(
        store,
        director,
        awaiting_decision,
        reasons=["Site does not divert water"],
        password="director-secret",
        today=TODAY,
    )
    window = window_for(qtbot, store, db_path, director)
    window.select_number(awaiting_decision)
    assert capture_modal(window.action("reopen")) == ["ReopenDialog"]
    assert capture_modal(window.action("letter")) == ["DocumentPreviewDialog"]


def test_the_administrator_opens_administration(qtbot, store, db_path):
    admin = store.insert_user(
        User(login="aadmin", name="Ari Admin", title="IT", role=Role.ADMINISTRATOR), "t"
    )
    window = window_for(qtbot, store, db_path, admin)
    assert capture_modal(window.action("administration")) == ["AdministrationDialog"]


def test_the_reviewer_who_entered_the_determination_cannot_sign_it(
    qtbot, store, db_path, reviewer, director, awaiting_decision
):
    window = window_for(qtbot, store, db_path, reviewer)
    window.select_number(awaiting_decision)
    assert window.detail.current_determination.entered_by == reviewer.login
    assert not window.action("approve").isEnabled()
    assert window.action("deny").isEnabled(), "denying is not signing their own determination"
    why = (
        f"Application {awaiting_decision} cannot be signed yet: You entered these terms; "
        "another reviewer or the director must sign them (separation of duties)"
    )
    assert window.action("approve").statusTip() == why
    assert window.action("approve").toolTip() == f"{why} (Ctrl+Shift+A)"
    window.close()

    other = window_for(qtbot, store, db_path, director)
    other.select_number(awaiting_decision)
    assert other.action("approve").isEnabled()
    assert other.action("approve").statusTip() == (
        "Sign the approval (or a pending amendment) with your password"
    )


def approved_without_schedule(store, director, number):
    approvals.approve(store, director, number, password="director-secret", today=TODAY)
    assert latest_issued(store, number, SCHEDULE) is None
    return number


def test_looking_at_the_schedule_issues_nothing(qtbot, store, db_path, director, awaiting_decision):
    """Issue 14: Ctrl+Shift+P issued and froze the schedule at the first look (one period,
    1/30 credited), and the customer's schedule never showed later periods. Now it opens
    the credit's versions; nothing is issued until asked."""
    number = approved_without_schedule(store, director, awaiting_decision)
    window = window_for(qtbot, store, db_path, director)
    window.select_number(number)
    seen = press_and_capture(
        qtbot,
        window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen == ["ScheduleVersionsDialog"]
    assert latest_issued(store, number, SCHEDULE) is None, "looking issued nothing"


def test_a_read_only_login_may_look_at_the_schedule_but_not_issue_it(
    qtbot, store, db_path, director, awaiting_decision
):
    number = approved_without_schedule(store, director, awaiting_decision)
    visitor = MainWindow(store, db_path=db_path, user=None, today=lambda: TODAY, os_login="guest")
    qtbot.addWidget(visitor)
    visitor.show()
    visitor.select_number(number)
    assert visitor.detail.application.number == number  # loads the first row's details now
    assert visitor.action("letter").isEnabled(), "the letter was issued at signing"
    assert visitor.action("schedule").isEnabled(), (
        "looking, previewing and reprinting write nothing"
    )
    assert not visitor.action("issue_cycle").isEnabled()
    assert capture_modal(visitor.action("schedule")) == ["ScheduleVersionsDialog"]
    assert len(issued_documents(store, number)) == 1, "nothing was issued"


def test_a_kcsac_user_may_issue_the_schedule(
    qtbot, store, db_path, clerk, director, awaiting_decision
):
    number = approved_without_schedule(store, director, awaiting_decision)
    window = window_for(qtbot, store, db_path, clerk)
    window.select_number(number)
    assert window.action("schedule").isEnabled()
    assert window.action("issue_cycle").isEnabled()
