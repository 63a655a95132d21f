"""ReviewDialog: a site review, plan review or installation inspection, with attachments."""

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from kcsac.domain.attachments import MAX_ATTACHMENT_BYTES, Attachment, size_text
from kcsac.domain.dates import before_received_problems, future_date_problems
from kcsac.domain.problems import Problem
from kcsac.domain.records import RecordError, ReviewKind, ReviewResult
from kcsac.domain.workflow import latest_reviews, required_reviews
from kcsac.operations.errors import StoreError
from kcsac.operations.reviews import attachment_content, attachments, record_review
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.form_dialog import FormDialog
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import from_qdate, to_qdate

_FIELDS = ("kind", "reviewed_on", "reviewer", "result", "notes", "attachments")
_RESULT_LABELS = {ReviewResult.PASSED: "Passed", ReviewResult.FAILED: "Failed"}


class ReviewDialog(FormDialog):
    """Preselects the first review still missing; a failed review needs notes."""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        detail = context.application_detail(number)
        app = detail.application
        super().__init__(
            context,
            "review_dialog",
            title=f"Record review - {app.number}",
            ok_text="&Record review",
            help_topic="review",
            fields=_FIELDS,
            parent=parent,
        )
        self.application = app
        form = self.form
        self.kind_combo = child(form, QComboBox, "kind_combo")
        self.reviewed_on_edit = child(form, QDateEdit, "reviewed_on_edit")
        self.reviewer_edit = child(form, QLineEdit, "reviewer_edit")
        self.result_combo = child(form, QComboBox, "result_combo")
        self.notes_edit = child(form, QPlainTextEdit, "notes_edit")
        self.attachments_list = child(form, QListWidget, "attachments_list")
        self.add_attachment_button = child(form, QPushButton, "add_attachment_button")
        self.remove_attachment_button = child(form, QPushButton, "remove_attachment_button")
        self.stored_attachments_list = child(form, QListWidget, "stored_attachments_list")
        self.save_attachment_button = child(form, QPushButton, "save_attachment_button")
        self._show_stored_attachments(attachments(context.store, app.number))
        for kind in ReviewKind:
            self.kind_combo.addItem(kind.label, kind.value)
        for result, label in _RESULT_LABELS.items():
            self.result_combo.addItem(label, result.value)
        passed = {
            k for k, r in latest_reviews(detail.reviews).items() if r.result is ReviewResult.PASSED
        }
        missing = [k for k in required_reviews(app.category) if k not in passed]
        if missing:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(missing[0].value))
        today = to_qdate(context.today())
        self.reviewed_on_edit.setMinimumDate(QDate(2000, 1, 1))
        # No maximum: Qt would drop the digits of a future date as they are typed and
        # silently keep a different past date; a future date is refused next to the field.
        self.reviewed_on_edit.setDate(today)
        if context.user is not None:
            self.reviewer_edit.setText(context.user.name or context.user.login)
        self._connect_signals()
        self.validate()

    def _connect_signals(self) -> None:
        self.reviewer_edit.textEdited.connect(lambda: self.touch("reviewer"))
        self.result_combo.currentIndexChanged.connect(lambda: self.touch("notes"))
        self.notes_edit.textChanged.connect(lambda: self.touch("notes"))
        self.reviewed_on_edit.dateChanged.connect(lambda: self.touch("reviewed_on"))
        self.add_attachment_button.clicked.connect(self._on_add_attachment_button_clicked)
        self.remove_attachment_button.clicked.connect(self._on_remove_attachment_button_clicked)
        self.save_attachment_button.clicked.connect(self._on_save_attachment_button_clicked)
        self.stored_attachments_list.currentRowChanged.connect(self._update_save_button)

    # -- attachments --------------------------------------------------------------------------
    def add_attachment(self, path: Path) -> None:
        item = QListWidgetItem(path.name, self.attachments_list)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        self.attachments_list.setCurrentItem(item)
        self.touch("attachments")

    def attachments(self) -> tuple[Path, ...]:
        items = (self.attachments_list.item(i) for i in range(self.attachments_list.count()))
        return tuple(Path(item.data(Qt.ItemDataRole.UserRole)) for item in items)

    def _on_add_attachment_button_clicked(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Attach photos or PDFs", "", "Photos and PDFs (*.pdf *.jpg *.jpeg *.png);;All (*)"
        )
        for path in paths:
            self.add_attachment(Path(path))

    def _on_remove_attachment_button_clicked(self) -> None:
        row = self.attachments_list.currentRow()
        if row >= 0:
            self.attachments_list.takeItem(row)
            self.touch("attachments")

    # -- attachments already stored (the bytes are in the database, not at the old path) ----
    def _show_stored_attachments(self, stored: list[Attachment]) -> None:
        self.stored_attachments_list.clear()
        for attachment in stored:
            text = f"{attachment.filename} ({size_text(attachment.size)})"
            item = QListWidgetItem(text, self.stored_attachments_list)
            item.setData(Qt.ItemDataRole.UserRole, attachment.id)
            item.setToolTip(f"{text}, {attachment.media_type}, sha256 {attachment.sha256}")
        if not stored:
            item = QListWidgetItem("none yet", self.stored_attachments_list)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.stored_attachments_list.setCurrentRow(0)
        self._update_save_button()

    def _selected_stored(self) -> tuple[int, str] | None:
        item = self.stored_attachments_list.currentItem()
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return None
        return item.data(Qt.ItemDataRole.UserRole), item.text().rsplit(" (", 1)[0]

    def _update_save_button(self) -> None:
        self.save_attachment_button.setEnabled(self._selected_stored() is not None)

    def save_attachment_copy(self, attachment_id: int, target: Path) -> None:
        """Write the stored bytes of one attachment to `target` (a copy for the clerk)."""
        target.write_bytes(attachment_content(self.context.store, attachment_id))

    def _on_save_attachment_button_clicked(self) -> None:
        selected = self._selected_stored()
        if selected is None:
            return
        attachment_id, filename = selected
        path, _filter = QFileDialog.getSaveFileName(self, "Save a copy of the attachment", filename)
        if not path:
            return
        try:
            self.save_attachment_copy(attachment_id, Path(path))
        except (OSError, RecordError, StoreError) as exc:
            self._show_error(f"{filename} was not saved to {path}: {exc}")
        else:
            self._show_error("")

    # -- rules --------------------------------------------------------------------------------
    def review_result(self) -> ReviewResult:
        return ReviewResult(self.result_combo.currentData())

    def problems(self) -> list[Problem]:
        problems = []
        problems += future_date_problems(
            "reviewed_on",
            from_qdate(self.reviewed_on_edit.date()),
            self.context.today(),
            "record a review",
        )
        # the operation's own rule, shown as the date is picked
        problems += before_received_problems(
            "reviewed_on",
            from_qdate(self.reviewed_on_edit.date()),
            self.application.received_on,
            "record a review",
        )
        if not self.reviewer_edit.text().strip():
            problems.append(Problem("reviewer", "Type who reviewed or inspected"))
        if (
            self.review_result() is ReviewResult.FAILED
            and not self.notes_edit.toPlainText().strip()
        ):
            problems.append(Problem("notes", "Say why it failed (notes are required)"))
        for path in self.attachments():
            if not path.is_file():
                problems.append(
                    Problem("attachments", f"The attachment {path} is not a readable file")
                )
            elif path.stat().st_size > MAX_ATTACHMENT_BYTES:
                problems.append(
                    Problem(
                        "attachments",
                        f"The attachment {path.name} is {size_text(path.stat().st_size)}; the "
                        f"limit is {size_text(MAX_ATTACHMENT_BYTES)}",
                    )
                )
        return problems

    def perform(self) -> None:
        record_review(
            self.context.store,
            self.context.user,
            self.application.number,
            kind=ReviewKind(self.kind_combo.currentData()),
            reviewed_on=from_qdate(self.reviewed_on_edit.date()),
            result=self.review_result(),
            notes=self.notes_edit.toPlainText().strip(),
            attachments=tuple(str(p) for p in self.attachments()),
            reviewer=self.reviewer_edit.text().strip(),
            today=self.context.today(),
        )
