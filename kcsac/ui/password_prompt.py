"""PasswordPrompt: asks for a kcsac password, either to set it at first use or to re-enter it.

Construct it with one of the two class methods and run it modally:

    prompt = PasswordPrompt.for_reentry(login="jdoe", purpose="sign SAC-2026-0001", parent=w)
    prompt = PasswordPrompt.for_new_password(login="jdoe", parent=w)
    if prompt.exec() == QDialog.DialogCode.Accepted:
        secret = prompt.password()

The prompt knows no rule about passwords (length, hashing, whether it is right): the caller
may pass `check`, a function that receives the typed password and raises an exception whose
message is shown in the prompt (the prompt then stays open). The password is never written to
a log, a tooltip or an accessible description; `clear()` wipes it from the fields.
"""

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class PasswordMode(Enum):
    REENTER = "reenter"
    SET_NEW = "set-new"


class PasswordPrompt(QDialog):
    """A modal prompt for one kcsac password (never shown, never logged)."""

    def __init__(
        self,
        mode: PasswordMode,
        *,
        login: str,
        purpose: str = "",
        check: Callable[[str], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._mode = mode
        self._check = check
        self._accepted_password = ""
        self.setObjectName("password_prompt")
        self.setModal(True)
        if mode is PasswordMode.SET_NEW:
            self.setWindowTitle("Set your kcsac password")
            intro = (
                f"No kcsac password is set for <b>{_escape(login)}</b> yet. Choose one now; "
                "you will re-enter it whenever you sign a decision."
            )
        else:
            self.setWindowTitle("Re-enter your kcsac password")
            intro = f"Re-enter the kcsac password of <b>{_escape(login)}</b>"
            intro += f" to {_escape(purpose)}." if purpose else "."

        self.intro_label = QLabel(intro)
        self.intro_label.setWordWrap(True)
        self.intro_label.setObjectName("intro_label")

        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setObjectName("confirm_edit")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit.setAccessibleName("Confirm password")

        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a40000;")
        self.error_label.setAccessibleName("Password problem")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Set password" if mode is PasswordMode.SET_NEW else "&OK")
        self.ok_button.setAccessibleName(self.ok_button.text().replace("&", ""))
        self.ok_button.setObjectName("ok_button")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("&Cancel")
        cancel.setAccessibleName("Cancel")

        form = QFormLayout()
        password_label = QLabel("&Password:")
        password_label.setBuddy(self.password_edit)
        form.addRow(password_label, self.password_edit)
        if mode is PasswordMode.SET_NEW:
            confirm_label = QLabel("Con&firm password:")
            confirm_label.setBuddy(self.confirm_edit)
            form.addRow(confirm_label, self.confirm_edit)
        else:
            self.confirm_edit.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self._connect_signals()
        self._update_ok()

    @classmethod
    def for_reentry(
        cls,
        *,
        login: str,
        purpose: str = "",
        check: Callable[[str], object] | None = None,
        parent: QWidget | None = None,
    ) -> "PasswordPrompt":
        return cls(PasswordMode.REENTER, login=login, purpose=purpose, check=check, parent=parent)

    @classmethod
    def for_new_password(
        cls,
        *,
        login: str,
        check: Callable[[str], object] | None = None,
        parent: QWidget | None = None,
    ) -> "PasswordPrompt":
        return cls(PasswordMode.SET_NEW, login=login, check=check, parent=parent)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.password_edit.textChanged.connect(self._on_edit_text_changed)
        self.confirm_edit.textChanged.connect(self._on_edit_text_changed)

    def password(self) -> str:
        """The password typed and accepted (empty until the prompt is accepted)."""
        return self._accepted_password

    def clear(self) -> None:
        """Wipe the typed password from the fields and from this object."""
        self.password_edit.clear()
        self.confirm_edit.clear()
        self._accepted_password = ""

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _mismatch(self) -> bool:
        return (
            self._mode is PasswordMode.SET_NEW
            and bool(self.confirm_edit.text())
            and self.confirm_edit.text() != self.password_edit.text()
        )

    @Slot()
    def _on_edit_text_changed(self) -> None:
        self.error_label.hide()
        if self._mismatch():
            self.show_error("The two passwords differ.")
        self._update_ok()

    def _update_ok(self) -> None:
        typed = bool(self.password_edit.text())
        if self._mode is PasswordMode.SET_NEW:
            typed = typed and self.confirm_edit.text() == self.password_edit.text()
        self.ok_button.setEnabled(typed)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        secret = self.password_edit.text()
        if not secret or self._mismatch():
            return
        if self._check is not None:
            try:
                self._check(secret)
            except Exception as exc:  # the check's own message is what the user must read
                self.show_error(str(exc) or "The password was not accepted.")
                self.password_edit.selectAll()
                self.password_edit.setFocus()
                return
        self._accepted_password = secret
        self.password_edit.clear()
        self.confirm_edit.clear()
        self.accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
