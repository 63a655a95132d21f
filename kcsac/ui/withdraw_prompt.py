"""WithdrawPrompt: asks why the applicant withdrew the file, and withdraws it.

prompt = WithdrawPrompt(context, "SAC-2026-0001", parent=main_window)
if prompt.exec() == QDialog.DialogCode.Accepted: ...   # withdrawn, with the reason typed
"""

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from kcsac.domain.records import RecordError
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.field_messages import mark_as_message


class WithdrawPrompt(QDialog):
    """Asks why the file is withdrawn (required, OK waits for it) and withdraws it.

    A refusal is shown in the same prompt, which stays open with the reason typed."""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.number = number
        self.setObjectName("withdraw_prompt")
        self.setWindowTitle(f"Withdraw application {number}")
        self.setMinimumWidth(460)
        caption = QLabel(f"&Why is {number} withdrawn? (required)")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason_edit")
        self.reason_edit.setAccessibleName(f"Why {number} is withdrawn")
        caption.setBuddy(self.reason_edit)
        self.message_label = QLabel()
        self.message_label.setObjectName("reason_message")
        self.message_label.setAccessibleName("reason message")
        self.message_label.setWordWrap(True)
        mark_as_message(self.message_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Withdraw")
        self.ok_button.setAccessibleName(f"Withdraw {number}")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        typed = bool(self.reason_edit.text().strip())
        self.ok_button.setEnabled(typed)
        self.message_label.setText("" if typed else f"Say why {self.number} is withdrawn")

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if not self.reason_edit.text().strip():
            return
        from kcsac.operations.intake import withdraw  # loaded when first needed

        try:
            withdraw(
                self.context.store,
                self.context.user,
                self.number,
                reason=self.reason_edit.text().strip(),
                today=self.context.today(),
            )
        except RecordError as exc:
            self.message_label.setText(f"{self.number} not withdrawn: {exc}")
            return
        self.accept()
