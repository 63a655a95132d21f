"""DenialDialog: the director denies an application with reasons (listed, cited) and free text.

    dialog = DenialDialog(context, "SAC-2026-0001", parent=main_window)
    # context: kcsac.ui.desk_context.DeskContext (store, signed-in user or None, today)
    dialog.denied.connect(...)     # the Decision recorded
    dialog.exec()

The reasons offered, with their citations, are `operations.approvals.DENIAL_REASONS`; those
that the file's blockers point to (storm sewer, residential account, fee, failed review) are
pre-checked as suggestions. Other reasons are typed one per line. Deny asks the director's
password again; `operations.approvals.deny` records the denial and says what is wrong (no
reason, wrong role, wrong password, a decided file); its message is shown in the dialog. A
decision date after today, before the application was received or before the ordinance took
effect is shown under the date as it is picked (`operations.approvals.decision_date_problems`)
and keeps Deny disabled. F1 or Help opens the
help on who may take part (the usual grounds for a denial).
"""

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
)

from kcsac.domain.records import Account, Decision, SacApplication
from kcsac.domain.roles import Permission
from kcsac.operations import approvals
from kcsac.operations.signing_rules import blockers_to_sign
from kcsac.ui.decision_dialog import DecisionDialog, file_summary
from kcsac.ui.field_messages import mark_as_message
from kcsac.ui.help_dialog import install_help_shortcut
from kcsac.ui.qt_convert import from_qdate, to_qdate

REASON_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
HELP_TOPIC = "account"  # who may take part: the grounds most denials rest on

# Which listed reason a blocker of the file points to (by the blocker's field); these are only
# pre-checked suggestions, the director decides.
_SUGGESTED_BY_FIELD = {
    "account_class": "residential",
    "discharges_to_storm_sewer": "storm-sewer",
    "fee": "fee-unpaid",
    "customer_class": "not-adjustable",
}


class DenialDialog(DecisionDialog):
    """Pick reasons (each with its citation), add others, and record the denial."""

    # the Decision recorded
    denied = Signal(object)

    object_name = "denial_dialog"
    title = "Deny - {number}"
    decision: Decision | None = None

    def _check_suggestions(self) -> None:
        """Pre-check the listed reasons that what blocks this file points to."""
        suggested = set()
        for blocker in blockers_to_sign(self._store, self._number):
            if blocker.field in _SUGGESTED_BY_FIELD:
                suggested.add(_SUGGESTED_BY_FIELD[blocker.field])
            elif blocker.field.startswith("review.") and "failed" in blocker.message:
                suggested.add("review-failed")
        for key in sorted(suggested):
            if key in approvals.DENIAL_REASONS:
                self.check_reason(key)
        self.suggested_reasons = sorted(suggested)

    def _build(self, app: SacApplication, account: Account) -> None:
        self._app = app
        self.header_label = QLabel(file_summary(app, account))
        self.header_label.setObjectName("header_label")
        self.header_label.setWordWrap(True)

        self.reasons_list = QListWidget()
        self.reasons_list.setObjectName("reasons_list")
        self.reasons_list.setAccessibleName("Reasons for the denial")
        self.reasons_list.setWordWrap(True)
        self.reasons_list.setSpacing(2)
        for key, (text, citation) in approvals.DENIAL_REASONS.items():
            item = QListWidgetItem(f"{text} ({citation})")
            item.setData(REASON_KEY_ROLE, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.reasons_list.addItem(item)
        reasons_label = QLabel("&Reasons (check each that applies; Space toggles):")
        reasons_label.setBuddy(self.reasons_list)

        self.other_reasons_edit = QPlainTextEdit()
        self.other_reasons_edit.setObjectName("other_reasons_edit")
        self.other_reasons_edit.setAccessibleName("Other reasons, one per line")
        self.other_reasons_edit.setPlaceholderText("One reason per line, with its citation")
        self.other_reasons_edit.setTabChangesFocus(True)
        self.other_reasons_edit.setMaximumHeight(90)
        other_label = QLabel("&Other reasons:")
        other_label.setBuddy(self.other_reasons_edit)

        self.decided_on_edit = QDateEdit(to_qdate(self._today))
        self.decided_on_edit.setObjectName("decided_on_edit")
        self.decided_on_edit.setAccessibleName("Decision date")
        self.decided_on_edit.setCalendarPopup(True)
        self.decided_on_edit.setDisplayFormat("yyyy-MM-dd")
        date_label = QLabel("Decision &date:")
        date_label.setBuddy(self.decided_on_edit)
        self.date_message_label = QLabel()
        self.date_message_label.setObjectName("date_message_label")
        self.date_message_label.setAccessibleName("Decision date problem")
        self.date_message_label.setWordWrap(True)
        mark_as_message(self.date_message_label)
        self.date_message_label.hide()
        form = QFormLayout()
        form.addRow(date_label, self.decided_on_edit)
        form.addRow("", self.date_message_label)

        self._make_error_label("Why the denial was not recorded")
        self.deny_button = self._make_buttons(
            "De&ny application", "deny_button", "Deny application"
        )
        self.help_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Help)
        self.help_button.setText("&Help")
        self.help_button.setObjectName("help_button")
        self.help_button.setAccessibleName("Help")
        self._help = install_help_shortcut(self, HELP_TOPIC)
        self.buttons.helpRequested.connect(self._help.activated.emit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(reasons_label)
        layout.addWidget(self.reasons_list, 1)
        layout.addWidget(other_label)
        layout.addWidget(self.other_reasons_edit)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(720, 520)

    def _connect_fields(self) -> None:
        self.reasons_list.itemChanged.connect(self._update_deny_button)
        self.other_reasons_edit.textChanged.connect(self._update_deny_button)
        self.decided_on_edit.dateChanged.connect(self._update_deny_button)
        self._check_suggestions()
        self._update_deny_button()

    def check_reason(self, key: str, checked: bool = True) -> None:
        for index in range(self.reasons_list.count()):
            item = self.reasons_list.item(index)
            if item.data(REASON_KEY_ROLE) == key:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)
                return
        raise KeyError(key)

    def reasons(self) -> list[str]:
        """Keys of the checked reasons, then each non-empty line of the other reasons."""
        keys = [
            self.reasons_list.item(i).data(REASON_KEY_ROLE)
            for i in range(self.reasons_list.count())
            if self.reasons_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        others = [
            line.strip()
            for line in self.other_reasons_edit.toPlainText().splitlines()
            if line.strip()
        ]
        return keys + others

    def date_problem(self) -> str:
        """Why the decision date cannot be used ("" when it can), as the operation says it."""
        problems = approvals.decision_date_problems(
            self._app, from_qdate(self.decided_on_edit.date()), self._today
        )
        return " ".join(f"{p.message}." for p in problems)

    @Slot()
    def _update_deny_button(self) -> None:
        problem = self.date_problem()
        self.date_message_label.setText(problem)
        self.date_message_label.setVisible(bool(problem))
        self.deny_button.setEnabled(bool(self.reasons()) and not problem)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        reasons, decided_on = self.reasons(), from_qdate(self.decided_on_edit.date())
        self._run_with_password(
            f"deny {self._number}",
            lambda password: approvals.deny(
                self._store,
                self._actor,
                self._number,
                reasons=reasons,
                password=password,
                today=self._today,
                decided_on=decided_on,
            ),
            self._on_denied,
            permission=(Permission.SIGN, "deny applications"),
        )

    def _on_denied(self, decision: Decision) -> None:
        self.decision = decision
        self.denied.emit(decision)
        self.accept()
