"""AmendmentDialog: enters a new determination for an approved credit (signed separately).

    dialog = AmendmentDialog(context, "SAC-2026-0001", parent=main_window)
    # context: kcsac.ui.desk_context.DeskContext (store, signed-in user or None, today)
    dialog.amendment_entered.connect(...)   # the new (unsigned) Determination
    dialog.exec()

A signed determination is locked; changing it takes an amendment: a new determination that
needs its own signature. This dialog shows the signed terms and saves the new ones with
`operations.determinations.enter_determination`; another reviewer or the director then signs
it in the ApprovalDialog ("Sign the amendment"). The operation checks the terms; its problems
are shown under the fields.
"""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from kcsac.domain.method import Method
from kcsac.domain.records import Account, Determination, RecordError, SacApplication
from kcsac.operations.determinations import enter_determination
from kcsac.operations.documents.wording import method_parameters
from kcsac.ui.decision_dialog import DecisionDialog, file_summary
from kcsac.ui.field_messages import mark_as_message

# where a problem from the operation is shown, by its field
_FIELDS = ("method", "percent", "fixed_ccf", "justification")


class AmendmentDialog(DecisionDialog):
    """Shows the signed determination; saves the amended one for a separate signature."""

    # the new Determination (unsigned)
    amendment_entered = Signal(object)

    object_name = "amendment_dialog"
    title = "Amend the determination - {number}"
    determination: Determination | None = None

    def _build(self, app: SacApplication, account: Account) -> None:
        determinations = self._store.determinations(self._number)
        current = determinations[-1] if determinations else None
        # The version of an unsigned amendment read here (None: none), sent with the save.
        self._read_version = current.version if current is not None and not current.locked else None
        self.header_label = QLabel(file_summary(app, account))
        self.header_label.setObjectName("header_label")
        self.header_label.setWordWrap(True)

        signed_form = QFormLayout()
        if current is None:
            signed_form.addRow(QLabel("No determination is recorded."))
        else:
            state = "signed" if current.locked else "entered, not yet signed"
            signed_form.addRow("Status:", QLabel(state))
            signed_form.addRow("Method:", QLabel(current.method.label))
            for parameter in method_parameters(current, app.category):
                value = QLabel(parameter.value)
                value.setWordWrap(True)
                signed_form.addRow(f"{parameter.label}:", value)
        signed_box = QGroupBox("Current determination")
        signed_box.setLayout(signed_form)

        self.method_combo = QComboBox()
        self.method_combo.setObjectName("method_combo")
        self.method_combo.setAccessibleName("Method")
        for method in Method:
            self.method_combo.addItem(method.label, method.value)
        self.percent_edit = QLineEdit()
        self.percent_edit.setObjectName("percent_edit")
        self.percent_edit.setAccessibleName("Percent of water purchased diverted")
        self.percent_edit.setPlaceholderText("e.g. 15")
        self.fixed_ccf_edit = QLineEdit()
        self.fixed_ccf_edit.setObjectName("fixed_ccf_edit")
        self.fixed_ccf_edit.setAccessibleName("Fixed volume, ccf per 30 days")
        self.fixed_ccf_edit.setPlaceholderText("e.g. 40")
        self.justification_edit = QPlainTextEdit()
        self.justification_edit.setObjectName("justification_edit")
        self.justification_edit.setAccessibleName("Justification of the amendment")
        self.justification_edit.setTabChangesFocus(True)
        self.justification_edit.setMaximumHeight(80)
        if current is not None:
            self.method_combo.setCurrentIndex(self.method_combo.findData(current.method.value))
            self.percent_edit.setText("" if current.percent is None else str(current.percent))
            self.fixed_ccf_edit.setText("" if current.fixed_ccf is None else str(current.fixed_ccf))

        self.messages: dict[str, QLabel] = {}
        new_form = QFormLayout()
        for key, text, widget in (
            ("method", "&Method:", self.method_combo),
            ("percent", "&Percent diverted:", self.percent_edit),
            ("fixed_ccf", "&Fixed ccf per 30 days:", self.fixed_ccf_edit),
            ("justification", "&Justification:", self.justification_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            new_form.addRow(label, widget)
            message = QLabel()
            message.setObjectName(f"{key}_message")
            mark_as_message(message)
            message.setWordWrap(True)
            message.hide()
            self.messages[key] = message
            new_form.addRow("", message)
        new_box = QGroupBox("Amended determination")
        new_box.setLayout(new_form)

        self.note_label = QLabel(
            "The amendment takes effect only when it is signed: another reviewer or the director "
            "signs it under Approve (Sign the amendment). Its effective date is that signature "
            "date."
        )
        self.note_label.setObjectName("note_label")
        self.note_label.setWordWrap(True)

        self.save_button = self._make_buttons("&Save amendment", "save_button", "Save amendment")

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(signed_box)
        layout.addWidget(new_box)
        layout.addWidget(self.note_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)

    def _connect_fields(self) -> None:
        self.method_combo.currentIndexChanged.connect(self._on_method_combo_changed)
        self._on_method_combo_changed()

    def method(self) -> Method:
        return Method(self.method_combo.currentData())

    @Slot()
    def _on_method_combo_changed(self, _index: int = 0) -> None:
        # only the chosen method's parameter is sent; the other field is not used
        method = self.method()
        self.percent_edit.setEnabled(method is Method.PERCENTAGE)
        self.fixed_ccf_edit.setEnabled(method is Method.FIXED)

    def _show_refusal(self, exc: RecordError) -> None:
        # no error label here: each problem goes under its field (the rest under Method)
        self._show_problems(list(getattr(exc, "problems", [])) or [exc])

    def _show_problems(self, problems: list) -> None:
        for message in self.messages.values():
            message.hide()
        unplaced = []
        for problem in problems:
            key = getattr(problem, "field", "")
            text = str(problem)
            if key in self.messages:
                label = self.messages[key]
                label.setText(f"{label.text()}\n{text}" if label.isVisible() else text)
                label.show()
            else:
                unplaced.append(text)
        if unplaced:
            label = self.messages["method"]
            label.setText("\n".join(unplaced))
            label.show()

    @Slot()
    def _on_buttons_accepted(self) -> None:
        method = self.method()
        determination = self._run(
            lambda: enter_determination(
                self._store,
                self._actor,
                self._number,
                method=method,
                percent=self.percent_edit.text().strip() or None
                if method is Method.PERCENTAGE
                else None,
                fixed_ccf=self.fixed_ccf_edit.text().strip() or None
                if method is Method.FIXED
                else None,
                justification=self.justification_edit.toPlainText().strip(),
                today=self._today,
                expected_version=self._read_version,
            )
        )
        if determination is None:
            return
        self.determination = determination
        self.amendment_entered.emit(determination)
        self.accept()
