"""RevocationDialog: a director ends an approved credit from a date, with a reason.

    dialog = RevocationDialog(context, "SAC-2026-0001", parent=main_window)
    # context: kcsac.ui.desk_context.DeskContext (store, signed-in user or None, today)
    dialog.revoked.connect(...)    # the SacApplication as revoked
    dialog.exec()

The reason is typed or picked from common ones (e.g. failure to report readings). The credit's
last day is the day before the revocation date. A revocation is recorded when it takes effect:
a future date is shown under the date as it is picked
(`operations.approvals.revocation_date_problems`) and keeps Revoke disabled, so a credit never
shows as revoked while it still runs. Revoke asks the director's password again. Whether the
date is after the effective date and who may revoke is decided by `operations.approvals.revoke`;
its refusal is shown.
"""

import datetime as dt

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLabel, QVBoxLayout

from kcsac.domain.records import Account, SacApplication
from kcsac.domain.roles import Permission
from kcsac.operations import approvals
from kcsac.ui.decision_dialog import DecisionDialog, file_summary
from kcsac.ui.field_messages import mark_as_message
from kcsac.ui.qt_convert import from_qdate, to_qdate

COMMON_REASONS = (
    "Failure to report meter readings",
    "Meter not tested when requested",
    "Process changed without notice to Water Services",
    "Diverted water discharged to the storm sewer",
    "Customer asked to end the credit",
)


class RevocationDialog(DecisionDialog):
    """Revoke date (the credit ends the day before) and reason."""

    # the SacApplication after revocation
    revoked = Signal(object)

    object_name = "revocation_dialog"
    title = "Revoke credit - {number}"
    application: SacApplication | None = None

    def _build(self, app: SacApplication, account: Account) -> None:
        effective = app.effective_on.isoformat() if app.effective_on else "(none)"
        self.header_label = QLabel(
            f"{file_summary(app, account)}<br>Credit effective since {effective}"
        )
        self.header_label.setObjectName("header_label")
        self.header_label.setWordWrap(True)

        self.from_on_edit = QDateEdit(to_qdate(self._today))
        self.from_on_edit.setObjectName("from_on_edit")
        self.from_on_edit.setAccessibleName("Revoked from")
        self.from_on_edit.setCalendarPopup(True)
        self.from_on_edit.setDisplayFormat("yyyy-MM-dd")
        self.last_day_label = QLabel()
        self.last_day_label.setObjectName("last_day_label")
        self.last_day_label.setAccessibleName("Last day of the credit")

        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("reason_combo")
        self.reason_combo.setAccessibleName("Reason for the revocation")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(COMMON_REASONS)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.lineEdit().setPlaceholderText("Pick a reason or type one")

        form = QFormLayout()
        from_label = QLabel("Revoked &from:")
        from_label.setBuddy(self.from_on_edit)
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.reason_combo)
        self.date_message_label = QLabel()
        self.date_message_label.setObjectName("date_message_label")
        self.date_message_label.setAccessibleName("Revocation date problem")
        self.date_message_label.setWordWrap(True)
        mark_as_message(self.date_message_label)
        self.date_message_label.hide()
        form.addRow(from_label, self.from_on_edit)
        form.addRow("", self.date_message_label)
        form.addRow("Last day of the credit:", self.last_day_label)
        form.addRow(reason_label, self.reason_combo)

        self._make_error_label("Why the credit was not revoked")
        self.revoke_button = self._make_buttons("Re&voke credit", "revoke_button", "Revoke credit")

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _connect_fields(self) -> None:
        self.reason_combo.editTextChanged.connect(self._update)
        self.from_on_edit.dateChanged.connect(self._update)
        self._update()

    def from_on(self) -> dt.date:
        return from_qdate(self.from_on_edit.date())

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    @Slot()
    def _update(self, _value: QDate | str | None = None) -> None:
        last_day = self.from_on() - dt.timedelta(days=1)
        self.last_day_label.setText(last_day.isoformat())
        problem = " ".join(
            f"{p.message}." for p in approvals.revocation_date_problems(self.from_on(), self._today)
        )
        self.date_message_label.setText(problem)
        self.date_message_label.setVisible(bool(problem))
        self.revoke_button.setEnabled(bool(self.reason()) and not problem)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        from_on, reason = self.from_on(), self.reason()
        self._run_with_password(
            f"revoke the credit of {self._number} from {from_on.isoformat()}",
            lambda password: approvals.revoke(
                self._store,
                self._actor,
                self._number,
                from_on=from_on,
                reason=reason,
                password=password,
                today=self._today,
            ),
            self._on_revoked,
            permission=(Permission.REVOKE, "revoke credits"),
        )

    def _on_revoked(self, application: SacApplication) -> None:
        self.application = application
        self.revoked.emit(application)
        self.accept()
