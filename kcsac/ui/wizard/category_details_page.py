"""CategoryDetailsPage: the facts each category needs (bays, tonnage, meters...)."""

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from kcsac.domain.problems import Problem
from kcsac.ui.field_messages import mark_as_message, show_message
from kcsac.ui.wizard.application_draft import ApplicationDraft
from kcsac.ui.wizard.category_fields import CATEGORY_FIELDS, DetailField, FieldKind, check_value


class CategoryDetailsPage(QWizardPage):
    """Built in code: its fields depend on the category chosen on the previous page."""

    help_topic = "details"

    def __init__(self, draft: ApplicationDraft) -> None:
        super().__init__()
        self.setObjectName("category_details_page")
        self._draft = draft
        self._inputs: dict[str, QWidget] = {}
        self._messages: dict[str, QLabel] = {}
        self._specs: tuple[DetailField, ...] = ()
        self._touched: set[str] = set()
        self._form_widget = QWidget(self)
        self._form_widget.setObjectName("category_details_form")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._form_widget)
        # Stored facts this page has no field for (an older draft's keys, another category's
        # facts): shown read-only and saved back unchanged, so resuming a draft loses nothing.
        self.other_details_label = QLabel("", self)
        self.other_details_label.setObjectName("other_details_label")
        self.other_details_label.setWordWrap(True)
        self.other_details_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.other_details_label.setAccessibleName("Other details on file")
        self.other_details_label.setVisible(False)
        layout.addWidget(self.other_details_label)
        layout.addStretch(1)
        self._built_for = None

    # -- QWizardPage ----------------------------------------------------------------------
    def initializePage(self) -> None:
        category = self._draft.category
        self.setTitle(category.label)
        self.setSubTitle(
            "What the water is used for, so the diverted amount can be determined. "
            "Every field is needed to go on."
        )
        if self._built_for is not category:
            self._build(CATEGORY_FIELDS[category])
            self._built_for = category
        for spec in self._specs:
            self._set_text(spec.key, self._draft.details.get(spec.key, ""))
            if self._draft.details.get(spec.key):
                self._touched.add(spec.key)
        self._show_other_details()
        self._validate()

    def isComplete(self) -> bool:
        return not self.problems()

    def validatePage(self) -> bool:
        self._touched.update(s.key for s in self._specs)
        if not self._validate():
            return False
        self.write_draft()
        return True

    def write_draft(self) -> None:
        if self._built_for is not self._draft.category:
            return  # the page was never shown for this category; nothing typed here
        # A field emptied here is dropped; a stored fact with no field here is kept as it is.
        values = {s.key: self.text(s.key).strip() for s in self._specs}
        kept = self.other_details()
        self._draft.details = kept | {key: value for key, value in values.items() if value}

    def other_details(self) -> dict[str, str]:
        """The draft's facts this page has no field for (kept as stored when it saves)."""
        asked = {s.key for s in CATEGORY_FIELDS[self._draft.category]}
        return {k: v for k, v in self._draft.details.items() if k not in asked}

    def _show_other_details(self) -> None:
        other = self.other_details()
        lines = "; ".join(f"{key}: {value}" for key, value in other.items())
        self.other_details_label.setText(
            "Also on file, kept as stored (this page has no field for them; copy what "
            f"applies into the fields above): {lines}"
            if other
            else ""
        )
        self.other_details_label.setVisible(bool(other))

    # -- fields ---------------------------------------------------------------------------
    def input(self, key: str) -> QWidget:
        return self._inputs[key]

    def text(self, key: str) -> str:
        widget = self._inputs[key]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentText() if widget.currentIndex() > 0 else ""
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def message(self, key: str) -> str:
        return self._messages[key].text()

    def problems(self) -> list[Problem]:
        problems = []
        for spec in self._specs:
            text = self.text(spec.key)
            message = check_value(spec, text)
            if message:
                problems.append(Problem(spec.key, message))
        return problems

    def _validate(self) -> bool:
        problems = {p.field: p.message for p in self.problems()}
        for key, label in self._messages.items():
            show_message(label, problems.get(key, "") if key in self._touched else "")
        self.completeChanged.emit()
        return not problems

    @Slot()
    def _on_input_changed(self) -> None:
        key = self.sender().property("detail_key")
        if key:
            self._touched.add(str(key))
        self._validate()

    def _set_text(self, key: str, value: str) -> None:
        widget = self._inputs[key]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        elif isinstance(widget, QComboBox):
            index = widget.findText(value)
            widget.setCurrentIndex(max(index, 0))
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText(value)

    def _build(self, specs: tuple[DetailField, ...]) -> None:
        old = self._form_widget.layout()
        if old is not None:
            QWidget().setLayout(old)  # reparent the old layout and its widgets to a temp
        for widget in self._inputs.values():
            widget.deleteLater()
        for label in self._messages.values():
            label.deleteLater()
        self._inputs, self._messages, self._touched = {}, {}, set()
        self._specs = specs
        form = QFormLayout(self._form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        previous: QWidget | None = None
        for spec in specs:
            widget = self._make_input(spec)
            caption = QLabel(spec.label + ":", self._form_widget)
            caption.setBuddy(widget)
            caption.setObjectName(f"{spec.key}_caption_label")
            message = QLabel("", self._form_widget)
            message.setObjectName(f"{spec.key}_message")
            mark_as_message(message)
            message.setWordWrap(True)
            message.setAccessibleName(f"{spec.plain_label} message")
            form.addRow(caption, widget)
            form.addRow("", message)
            form.setRowVisible(message, False)
            self._inputs[spec.key] = widget
            self._messages[spec.key] = message
            if previous is not None:
                QWidget.setTabOrder(previous, widget)
            previous = widget

    def _make_input(self, spec: DetailField) -> QWidget:
        parent = self._form_widget
        widget: QWidget
        if spec.kind is FieldKind.CHOICE:
            combo = QComboBox(parent)
            combo.addItem("(choose)")
            combo.addItems(list(spec.choices))
            combo.currentIndexChanged.connect(self._on_input_changed)
            widget = combo
        elif spec.kind is FieldKind.LONG_TEXT:
            text = QPlainTextEdit(parent)
            text.setTabChangesFocus(True)
            text.setMaximumHeight(110)
            text.textChanged.connect(self._on_input_changed)
            widget = text
        else:
            edit = QLineEdit(parent)
            edit.textEdited.connect(self._on_input_changed)
            widget = edit
        widget.setObjectName(f"{spec.key}_input")
        widget.setProperty("detail_key", spec.key)
        widget.setAccessibleName(spec.plain_label)
        if spec.hint:
            widget.setToolTip(spec.hint)
            widget.setAccessibleDescription(spec.hint)
        return widget
