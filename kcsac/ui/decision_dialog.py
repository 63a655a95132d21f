"""DecisionDialog: what the dialogs that record one decision on one file have in common."""

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from kcsac.domain.records import Account, RecordError, SacApplication, User
from kcsac.storage import Store

T = TypeVar("T")


class DecisionDialog(QDialog):
    """Holds the store, actor, file number and today; builds the error label and OK/Cancel.

    Subclasses build their fields, call `_make_error_label` and `_make_buttons`, and implement
    `_on_buttons_accepted` with `_run(operation)`: a refusal (RecordError) is shown and the
    dialog stays open with everything typed; only a result closes it.
    """

    def __init__(
        self,
        store: Store,
        *,
        actor: User | None,
        number: str,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._actor = actor
        self._number = number
        self._today = today

    def _make_error_label(self, accessible_name: str) -> QLabel:
        """The red label, hidden until the operation refuses; also kept as `error_label`."""
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setAccessibleName(accessible_name)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a40000;")
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
            return operation()
        except RecordError as exc:
            self._show_refusal(exc)
            return None

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
