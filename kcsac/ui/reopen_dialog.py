"""ReopenDialog: a director reopens a denied application, with a reason.

    dialog = ReopenDialog(context, "SAC-2026-0001", parent=main_window)
    # context: kcsac.ui.desk_context.DeskContext (store, signed-in user or None, today)
    dialog.reopened.connect(...)   # the SacApplication as reopened (back in its queue)
    dialog.exec()

It shows the denial being reopened (date, who, reasons) and asks for the reason, then the
director's password. Who may reopen, and where the file goes, is decided by
`operations.approvals.reopen`; its refusal is shown in the dialog.
"""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout

from kcsac.domain.records import Account, DecisionKind, SacApplication
from kcsac.domain.roles import Permission
from kcsac.operations import approvals
from kcsac.ui.decision_dialog import DecisionDialog, esc, file_summary


class ReopenDialog(DecisionDialog):
    """Shows the denial and records the reopening with its reason."""

    # the SacApplication after reopening
    reopened = Signal(object)

    object_name = "reopen_dialog"
    title = "Reopen - {number}"
    application: SacApplication | None = None

    def _build(self, app: SacApplication, account: Account) -> None:
        denials = [d for d in self._store.decisions(self._number) if d.kind is DecisionKind.DENIAL]
        if denials:
            last = denials[-1]
            reasons = "".join(f"<li>{esc(r)}</li>" for r in last.reasons)
            denial = (
                f"Denied on {last.decided_on.isoformat()} by {esc(last.decided_by)}:"
                f"<ul>{reasons}</ul>"
            )
        else:
            denial = "No denial is recorded for this application."
        self.denial_label = QLabel(f"{file_summary(app, account)}<br><br>{denial}")
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

        self._make_error_label("Why the file was not reopened")
        self.reopen_button = self._make_buttons(
            "Re&open application", "reopen_button", "Reopen application"
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.denial_label)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(620, 420)

    def _connect_fields(self) -> None:
        self.reason_edit.textChanged.connect(self._on_reason_edit_text_changed)
        self._on_reason_edit_text_changed()

    @Slot()
    def _on_reason_edit_text_changed(self) -> None:
        self.reopen_button.setEnabled(bool(self.reason_edit.toPlainText().strip()))

    @Slot()
    def _on_buttons_accepted(self) -> None:
        reason = self.reason_edit.toPlainText().strip()
        self._run_with_password(
            f"reopen {self._number}",
            lambda password: approvals.reopen(
                self._store,
                self._actor,
                self._number,
                reason=reason,
                password=password,
                today=self._today,
            ),
            self._on_reopened,
            permission=(Permission.REOPEN, "reopen denied applications"),
        )

    def _on_reopened(self, application: SacApplication) -> None:
        self.application = application
        self.reopened.emit(application)
        self.accept()
