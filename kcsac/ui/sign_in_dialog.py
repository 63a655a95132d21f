"""SignInDialog: act as another kcsac user, with their password (File > Sign in as...).

    dialog = SignInDialog(context, parent=main_window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        user = dialog.user     # the kcsac user signed in (checked by operations.users.sign_in)

For a shared terminal, and for trying the demo (demo-clerk, demo-reviewer, demo-director,
demo-admin). The desk acts as that user until File > Sign out, which goes back to the
operating-system account. A wrong login or password gets one message that does not say which
of the two was wrong; the password is never shown, logged or kept after the dialog closes.
Keyboard: type the login, Tab, the password, Enter.
"""

from html import escape

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

from kcsac.domain.records import RecordError, User
from kcsac.domain.roles import Role
from kcsac.operations import users
from kcsac.ui.busy import busy
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.field_messages import mark_as_message


class SignInDialog(QDialog):
    """Login and password; accepted only once `operations.users.sign_in` took them."""

    def __init__(
        self, context: DeskContext, parent: QWidget | None = None, *, login: str = ""
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.user: User | None = None
        self.setObjectName("sign_in_dialog")
        self.setWindowTitle("Sign in as another kcsac user")
        self.setModal(True)

        self.intro_label = QLabel(self._intro())
        self.intro_label.setObjectName("intro_label")
        self.intro_label.setWordWrap(True)

        self.login_edit = QLineEdit(login)
        self.login_edit.setObjectName("login_edit")
        self.login_edit.setAccessibleName("Login")
        self.login_edit.setPlaceholderText("e.g. demo-director")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password_edit")
        self.password_edit.setAccessibleName("Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        login_label = QLabel("&Login:")
        login_label.setBuddy(self.login_edit)
        password_label = QLabel("&Password:")
        password_label.setBuddy(self.password_edit)
        form.addRow(login_label, self.login_edit)
        form.addRow(password_label, self.password_edit)

        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setAccessibleName("Why you were not signed in")
        self.error_label.setWordWrap(True)
        mark_as_message(self.error_label)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("&Sign in")
        self.sign_in_button.setObjectName("sign_in_button")
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setDefault(True)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("&Cancel")
        cancel.setAccessibleName("Cancel")

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.login_edit.textChanged.connect(self._on_edit_text_changed)
        self.password_edit.textChanged.connect(self._on_edit_text_changed)
        self._on_edit_text_changed()
        (self.password_edit if login else self.login_edit).setFocus()

    def _intro(self) -> str:
        ctx = self.context
        if ctx.user is not None:
            now = f"{escape(ctx.user.name or ctx.user.login)} ({escape(_role(ctx.user.role))})"
        else:
            now = f"{escape(ctx.os_login or 'this account')} (read-only)"
        return (
            f"You act now as <b>{now}</b>. Sign in with another kcsac user's login and "
            "password, on a shared desk or to try the demo. File &gt; Sign out goes back to "
            f"{escape(ctx.os_login or 'the operating-system account')}."
        )

    @Slot()
    def _on_edit_text_changed(self) -> None:
        self.error_label.hide()
        self.sign_in_button.setEnabled(
            bool(self.login_edit.text().strip()) and bool(self.password_edit.text())
        )

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if not self.sign_in_button.isEnabled():
            return
        try:
            with busy():
                user = users.sign_in(
                    self.context.store, self.login_edit.text(), self.password_edit.text()
                )
        except RecordError as exc:
            self.password_edit.clear()  # hides the message: shown again below
            self.error_label.setText(str(exc))
            self.error_label.show()
            self.password_edit.setFocus()
            return
        self.user = user
        self.password_edit.clear()
        self.accept()

    def done(self, result: int) -> None:
        self.password_edit.clear()  # never kept once the dialog closes
        super().done(result)


def _role(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role
