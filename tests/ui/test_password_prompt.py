"""PasswordPrompt: set at first use, re-enter to sign, a rejected password keeps it open."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit

from kcsac.ui.password_prompt import PasswordPrompt


def test_reentry_accepts_the_typed_password_and_hides_it(qtbot):
    prompt = PasswordPrompt.for_reentry(login="jdoe", purpose="sign SAC-2026-0001")
    qtbot.addWidget(prompt)
    prompt.show()
    assert "jdoe" in prompt.intro_label.text()
    assert "sign SAC-2026-0001" in prompt.intro_label.text()
    assert prompt.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert not prompt.confirm_edit.isVisible()
    assert not prompt.ok_button.isEnabled()
    qtbot.keyClicks(prompt.password_edit, "s3cret pass")
    assert prompt.ok_button.isEnabled()
    with qtbot.waitSignal(prompt.accepted):
        qtbot.mouseClick(prompt.ok_button, Qt.MouseButton.LeftButton)
    assert prompt.result() == QDialog.DialogCode.Accepted
    assert prompt.password() == "s3cret pass"
    assert prompt.password_edit.text() == ""  # not left lying in the widget


def test_a_rejected_password_shows_the_checks_message_and_stays_open(qtbot):
    tried: list[str] = []

    def check(secret: str) -> None:
        tried.append(secret)
        if secret != "right":
            raise ValueError("The password is not right for jdoe.")

    prompt = PasswordPrompt.for_reentry(login="jdoe", check=check)
    qtbot.addWidget(prompt)
    prompt.show()
    qtbot.keyClicks(prompt.password_edit, "wrong")
    qtbot.keyClick(prompt.password_edit, Qt.Key.Key_Return)
    assert prompt.isVisible()
    assert prompt.error_label.isVisible()
    assert prompt.error_label.text() == "The password is not right for jdoe."
    assert prompt.password() == ""
    prompt.password_edit.clear()
    qtbot.keyClicks(prompt.password_edit, "right")
    with qtbot.waitSignal(prompt.accepted):
        qtbot.keyClick(prompt.password_edit, Qt.Key.Key_Return)
    assert tried == ["wrong", "right"]
    assert prompt.password() == "right"


def test_set_new_password_needs_both_fields_to_match(qtbot):
    prompt = PasswordPrompt.for_new_password(login="admin")
    qtbot.addWidget(prompt)
    prompt.show()
    assert prompt.windowTitle() == "Set your kcsac password"
    assert prompt.confirm_edit.isVisible()
    assert prompt.confirm_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(prompt.password_edit, "correct horse")
    assert not prompt.ok_button.isEnabled()
    qtbot.keyClicks(prompt.confirm_edit, "correct hors!")
    assert not prompt.ok_button.isEnabled()
    assert prompt.error_label.text() == "The two passwords differ."
    prompt.confirm_edit.clear()
    qtbot.keyClicks(prompt.confirm_edit, "correct horse")
    assert prompt.ok_button.isEnabled()
    assert not prompt.error_label.isVisible()
    with qtbot.waitSignal(prompt.accepted):
        qtbot.mouseClick(prompt.ok_button, Qt.MouseButton.LeftButton)
    assert prompt.password() == "correct horse"


def test_cancel_gives_no_password(qtbot):
    prompt = PasswordPrompt.for_reentry(login="jdoe")
    qtbot.addWidget(prompt)
    prompt.show()
    qtbot.keyClicks(prompt.password_edit, "abc")
    with qtbot.waitSignal(prompt.rejected):
        qtbot.keyClick(prompt, Qt.Key.Key_Escape)
    assert prompt.result() == QDialog.DialogCode.Rejected
    assert prompt.password() == ""


def test_the_password_label_has_a_mnemonic_buddy(qtbot):
    prompt = PasswordPrompt.for_new_password(login="admin")
    qtbot.addWidget(prompt)
    from PySide6.QtWidgets import QLabel

    buddies = {
        label.text(): label.buddy() for label in prompt.findChildren(QLabel) if label.buddy()
    }
    assert buddies["&Password:"] is prompt.password_edit
    assert buddies["Con&firm password:"] is prompt.confirm_edit
