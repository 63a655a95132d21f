"""DecisionDialog: what the dialogs that record one decision on one file have in common."""

from collections.abc import Callable
from html import escape
from typing import ClassVar, TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from kcsac.domain.records import Account, RecordError, SacApplication
from kcsac.domain.roles import Permission
from kcsac.ui.busy import busy
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.field_messages import mark_as_message
from kcsac.ui.password_gate import PasswordGate
from kcsac.ui.password_prompt import PasswordPrompt

T = TypeVar("T")


class DecisionDialog(QDialog):
    """Holds the desk's context and the file's number; builds the error label and OK/Cancel.

        dialog = DenialDialog(context, "SAC-2026-0001", parent=main_window)

    `context` (kcsac.ui.desk_context.DeskContext) gives the store, the signed-in user (None for
    a read-only login) and today, read once when the dialog opens (the dialog never reads the
    clock); they are kept as `_store`, `_actor` and `_today`, the number as `_number`.
    Subclasses set `object_name` and `title`, build their fields in `_build` (calling
    `_make_error_label` and `_make_buttons`), wire them in `_connect_fields`, and implement
    `_on_buttons_accepted` with `_run(operation)`: a refusal (RecordError) is shown and the
    dialog stays open with everything typed; only a result closes it. A sensitive act (deny,
    reopen, revoke, a director's fee) uses `_run_with_password` instead: the password is asked
    again (`password_prompt` while it is open) and handed to the operation.
    """

    # the dialog's object name, and its window title ({number} is the file's number)
    object_name: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._store = context.store
        self._actor = context.user
        self._number = number
        self._today = context.today()
        self.password_gate = PasswordGate(context, self)
        self.setObjectName(self.object_name)
        self.setWindowTitle(self.title.format(number=number))
        app = self._store.get_application(number)
        self._build(app, self._store.get_account(app.account))
        self._connect_fields()

    def _build(self, app: SacApplication, account: Account) -> None:
        """Create the fields and the layout for this file."""
        raise NotImplementedError

    def _connect_fields(self) -> None:
        """Connect the fields' signals and show their first state (nothing to do by default)."""

    def _make_error_label(self, accessible_name: str) -> QLabel:
        """The red label, hidden until the operation refuses; also kept as `error_label`."""
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setAccessibleName(accessible_name)
        self.error_label.setWordWrap(True)
        mark_as_message(self.error_label)
        self.error_label.hide()
        return self.error_label

    def _make_buttons(
        self, ok_text: str, ok_object_name: str, ok_accessible_name: str
    ) -> QPushButton:
        """OK (renamed) and Cancel as `buttons`, wired to `_on_buttons_accepted` and reject."""
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setObjectName(ok_object_name)
        ok.setAccessibleName(ok_accessible_name)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("&Cancel")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        return ok

    def _on_buttons_accepted(self) -> None:
        raise NotImplementedError

    def _run(self, operation: Callable[[], T]) -> T | None:
        """The operation's result, or None after showing its refusal (nothing is closed)."""
        try:
            with busy():
                return operation()
        except RecordError as exc:
            self._show_refusal(exc)
            return None

    def _run_with_password(
        self,
        purpose: str,
        operation: Callable[[str], T],
        succeeded: Callable[[T], None],
        *,
        permission: tuple[Permission, str],
    ) -> None:
        """Ask the acting user's password for `purpose` (once `permission`, the operation's
        own (permission, doing), allows them), then `operation(password)`; its result goes to
        `succeeded`, a refusal to the error label (the dialog stays open)."""
        self.error_label.hide()
        self.password_gate.ask(
            purpose,
            operation,
            permission=permission,
            succeeded=succeeded,
            refused=self._show_refusal,
        )

    @property
    def password_prompt(self) -> PasswordPrompt | None:
        """The password prompt while it is open (None otherwise)."""
        return self.password_gate.prompt

    def _show_refusal(self, exc: RecordError) -> None:
        self.error_label.setText(str(exc))
        self.error_label.show()


def file_summary(app: SacApplication, account: Account) -> str:
    """Rich text: number, category and status, then the customer and service address."""
    return (
        f"<b>{esc(app.number)}</b> · {esc(app.category.label)} · "
        f"{esc(app.status.label)}<br>{esc(account.customer)}, {esc(account.service_address)}"
    )


def esc(text: str) -> str:
    """Text made safe inside a rich-text label (quotes left as they are)."""
    return escape(text, quote=False)
