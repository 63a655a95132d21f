"""ReopenDialog: a director reopens a denied application, with a reason.

    dialog = ReopenDialog(
        store,
        actor=current_user,        # kcsac.domain.records.User, or None (read-only login)
        number="SAC-2026-0001",
        today=today,               # datetime.date; the dialog never reads the clock
        parent=main_window,
    )
    dialog.reopened.connect(...)   # the SacApplication as reopened (back in its queue)
    dialog.exec()

It shows the denial being reopened (date, who, reasons) and asks for the reason. Who may
reopen, and where the file goes, is decided by `operations.approvals.reopen`; its refusal is
shown in the dialog.
"""

import datetime as dt

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.records import DecisionKind, RecordError, SacApplication, User
from kcsac.operations import approvals
from kcsac.storage import Store


class ReopenDialog(QDialog):
    """Shows the denial and records the reopening with its reason."""

    # the SacApplication after reopening
    reopened = Signal(object)

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
        self.application: SacApplication | None = None
        self.setObjectName("reopen_dialog")
        self.setWindowTitle(f"Reopen - {number}")
        self._build()
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._on_reason_edit_text_changed)
        self._on_reason_edit_text_changed()

    def _build(self) -> None:
        app = self._store.get_application(self._number)
        account = self._store.get_account(app.account)
        denials = [d for d in self._store.decisions(self._number) if d.kind is DecisionKind.DENIAL]
        if denials:
            last = denials[-1]
            reasons = "".join(f"<li>{_esc(r)}</li>" for r in last.reasons)
            denial = (
                f"Denied on {last.decided_on.isoformat()} by {_esc(last.decided_by)}:"
                f"<ul>{reasons}</ul>"
            )
        else:
            denial = "No denial is recorded for this application."
        self.denial_label = QLabel(
            f"<b>{_esc(app.number)}</b> · {_esc(app.category.label)} · "
            f"{_esc(app.status.label)}<br>{_esc(account.customer)}, "
            f"{_esc(account.service_address)}<br><br>{denial}"
        )
        self.denial_label.setObjectName("denial_label")
        self.denial_label.setWordWrap(True)

        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reason_edit")
        self.reason_edit.setAccessibleName("Reason for reopening")
        self.reason_edit.setPlaceholderText(
            "e.g. the customer rerouted the drain; a new site review is needed"
        )
        self.reason_edit.setTabChangesFocus(True)
        reason_label = QLabel("&Reason for reopening (required):")
        reason_label.setBuddy(self.reason_edit)

        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setAccessibleName("Why the file was not reopened")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a40000;")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.reopen_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.reopen_button.setText("Re&open application")
        self.reopen_button.setObjectName("reopen_button")
        self.reopen_button.setAccessibleName("Reopen application")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("&Cancel")
        cancel.setAccessibleName("Cancel")

        layout = QVBoxLayout(self)
        layout.addWidget(self.denial_label)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(620, 420)

    @Slot()
    def _on_reason_edit_text_changed(self) -> None:
        self.reopen_button.setEnabled(bool(self.reason_edit.toPlainText().strip()))

    @Slot()
    def _on_buttons_accepted(self) -> None:
        try:
            self.application = approvals.reopen(
                self._store,
                self._actor,
                self._number,
                reason=self.reason_edit.toPlainText().strip(),
                today=self._today,
            )
        except RecordError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.reopened.emit(self.application)
        self.accept()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
