"""Who the desk acts as: File > Sign in as... (another user's password, keyboard only), Sign
out back to the OS account, the title and status bar naming the acting user, the first
administrator's password, and a role changed on another desk taking effect at once."""

import dataclasses

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kcsac.operations import approvals, users
from kcsac.operations.errors import NotPermitted
from kcsac.storage import open_store
from kcsac.ui.approval_dialog import ApprovalDialog
from kcsac.ui.desk_startup import start_desk
from kcsac.ui.main_window import MainWindow
from kcsac.ui.password_prompt import PasswordMode
from kcsac.ui.sign_in_dialog import SignInDialog
from tests.ui.decision_factories import PASSWORD, desk_for, seed_file
from tests.ui.test_approval_screens import check_and_shoot

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REFUSED = "The login or password is not correct."


def desk(qtbot, store, db_path, user, today, os_login="visitor") -> MainWindow:
    window = MainWindow(store, db_path=db_path, user=user, today=lambda: today, os_login=os_login)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def when_modal(kind, then) -> list:
    """Run `then(dialog)` once a modal `kind` is open (the desk's dialogs block in exec())."""
    seen: list = []

    def look():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, look)
            return
        seen.append(then(dialog))

    QTimer.singleShot(0, look)
    return seen


def demote_and_deactivate(db_path, login: str, today) -> None:
    other = open_store(db_path)  # another desk: its own connection
    try:
        users.change_user(
            other,
            other.get_user("ada"),
            dataclasses.replace(other.get_user(login), role="clerk", active=False),
            password=PASSWORD,
            today=today,
        )
    finally:
        other.close()


def test_sign_in_by_keyboard_then_sign_out(qtbot, store, db_path, people, today):
    app = seed_file(store, people, today)
    window = desk(qtbot, store, db_path, None, today)
    assert window.user_label.text() == "Read-only: visitor is not a kcsac user"
    assert window.windowTitle().endswith(" - Read-only: visitor is not a kcsac user")
    window.select_number(app.number)
    assert not window.action("approve").isEnabled()
    assert not window.action("sign_out").isEnabled()

    def type_in(dialog: SignInDialog) -> str:
        assert dialog.focusWidget() is dialog.login_edit
        assert not dialog.sign_in_button.isEnabled()
        qtbot.keyClicks(dialog.login_edit, "dora")
        qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.password_edit
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        return dialog.intro_label.text()

    seen = when_modal(SignInDialog, type_in)
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_L, CTRL_SHIFT)
    [intro] = seen
    assert "You act now as <b>visitor (read-only)</b>" in intro
    assert window.user_label.text() == "Dora Director (Director), signed in"
    assert window.windowTitle() == (
        "kcsac - Sewer Allowance Credit - Dora Director (Director), signed in"
    )
    assert window.context.signed_in
    assert window.action("approve").isEnabled()
    assert window.action("sign_out").isEnabled()

    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_G, CTRL_SHIFT)
    assert window.user_label.text() == "Read-only: visitor is not a kcsac user"
    assert not window.context.signed_in
    assert not window.action("approve").isEnabled()
    assert "Signed out" in window.statusBar().currentMessage()


def test_a_wrong_login_or_password_says_neither_and_keeps_the_dialog(qtbot, store, people, today):
    dialog = SignInDialog(desk_for(store, None, today, os_login="visitor"))
    qtbot.addWidget(dialog)
    dialog.show()
    for login, password in (("dora", "guess"), ("nobody", PASSWORD)):
        dialog.login_edit.setText(login)
        qtbot.keyClicks(dialog.password_edit, password)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        assert dialog.isVisible()
        assert dialog.error_label.isVisible()
        assert dialog.error_label.text() == REFUSED
        assert dialog.password_edit.text() == ""  # typed again, never kept
        assert dialog.focusWidget() is dialog.password_edit
        assert dialog.user is None
    dialog.login_edit.setText("rita")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    assert not dialog.error_label.isVisible()  # typing again clears the message
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.user.login == "rita"


def test_the_sign_in_dialog_reads_well(qtbot, store, people, today, tmp_path):
    dialog = SignInDialog(desk_for(store, people.clerk, today, os_login="carl"), login="dora")
    dialog.password_edit.setText("wrong one")
    dialog.sign_in_button.click()
    path = check_and_shoot(qtbot, dialog, "sign_in_dialog.png", tmp_path)
    assert path.exists()
    assert dialog.error_label.text() == REFUSED


def test_a_desk_opened_as_director_cannot_sign_after_a_demotion_elsewhere(
    qtbot, store, db_path, people, today
):
    """Issue 13: a director demoted to clerk and deactivated could still sign from a desk
    opened before."""
    app = seed_file(store, people, today)
    window = desk(qtbot, store, db_path, people.director, today, os_login="dora")
    window.select_number(app.number)
    assert window.action("approve").isEnabled()
    demote_and_deactivate(db_path, "dora", today)

    def try_to_sign(dialog: ApprovalDialog):
        shown = (dialog.blockers(), dialog.sign_button.isEnabled())
        dialog.reject()
        return shown

    seen = when_modal(ApprovalDialog, try_to_sign)
    window.action("approve").trigger()
    [(blockers, can_sign)] = seen
    assert any(
        b.startswith("You cannot sign approvals: the user dora is deactivated") for b in blockers
    )
    assert not can_sign
    # The operation refuses whatever object the desk still holds ...
    with pytest.raises(NotPermitted, match="the user dora is deactivated"):
        approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    assert store.decisions(app.number) == []
    # ... and the desk has read its user again: read-only now, and it says why.
    assert window.context.read_only
    assert window.user_label.text() == "Read-only: dora is deactivated"
    assert window.windowTitle().endswith("Read-only: dora is deactivated")
    assert not window.action("approve").isEnabled()


def test_an_open_approval_dialog_is_refused_at_the_signature_naming_why(
    qtbot, store, db_path, people, today
):
    app = seed_file(store, people, today)
    dialog = ApprovalDialog(desk_for(store, people.director, today), app.number)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.sign_button.isEnabled()
    demote_and_deactivate(db_path, "dora", today)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.password_prompt is None  # not asked: refused first, by the stored role
    assert any(
        b.startswith("You cannot sign approvals: the user dora is deactivated")
        for b in dialog.blockers()
    )
    assert not dialog.sign_button.isEnabled()
    assert store.decisions(app.number) == []


def test_the_first_administrator_is_asked_for_a_password(qtbot, store, db_path, today):
    window = start_desk(store, db_path=db_path, login="jdoe", today=lambda: today, backup=False)
    qtbot.addWidget(window)
    assert window.first_start
    prompt = window.identity.ask_first_password()
    assert prompt._mode is PasswordMode.SET_NEW
    assert "You are the first kcsac user" in prompt.intro_label.text()
    qtbot.keyClicks(prompt.password_edit, "short")
    qtbot.keyClicks(prompt.confirm_edit, "short")
    qtbot.keyClick(prompt.confirm_edit, Qt.Key.Key_Return)
    assert "at least 8 characters" in prompt.error_label.text()
    for edit in (prompt.password_edit, prompt.confirm_edit):
        edit.clear()
        qtbot.keyClicks(edit, "a good password")
    qtbot.keyClick(prompt.confirm_edit, Qt.Key.Key_Return)
    assert store.get_user("jdoe").has_password
    users.check_password(store, store.get_user("jdoe"), "a good password")
    assert window.identity.ask_first_password() is None  # set: not asked again
    again = start_desk(store, db_path=db_path, login="jdoe", today=lambda: today, backup=False)
    qtbot.addWidget(again)
    assert not again.first_start
