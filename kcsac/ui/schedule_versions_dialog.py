"""ScheduleVersionsDialog: a credit's adjusted volume schedule, version by version.

    dialog = ScheduleVersionsDialog(context, "SAC-2026-0013", parent=main_window)
    dialog.exec()

Lists every issued version (RULES.md, "A credit over time": issued per billing cycle, the
newest is the customer's) and reprints any of them byte-identical (Enter or Open). Preview
shows today's figures without issuing anything; Issue schedule freezes a new version when
the figures changed since the newest (a kcsac user only: a read-only login may look and
reprint). The work is the operations' (kcsac.operations.documents.issuing).
"""

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.documents import IssuedDocument, ScheduleDocument
from kcsac.domain.money import format_usd
from kcsac.domain.records import RecordError
from kcsac.operations.documents import issuing
from kcsac.ui.desk_context import DeskContext

COLUMNS = ("Version", "Issued on", "Issued by", "Billing periods", "Credit")


class ScheduleVersionsDialog(QDialog):
    """The issued versions of one credit's schedule; preview, issue, reprint."""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.number = number
        self.versions: list[IssuedDocument] = []
        self.setObjectName("schedule_versions_dialog")
        self.setWindowTitle(f"Adjusted volume schedule - {number}")
        self.resize(760, 380)
        self.intro_label = QLabel(
            "Each version is the schedule as issued for a billing cycle; the newest is the "
            "customer's. Preview shows today's figures and issues nothing; Issue schedule "
            "freezes the billing periods known today as a new version when they changed."
        )
        self.intro_label.setObjectName("intro_label")
        self.intro_label.setWordWrap(True)
        self.versions_table = QTableWidget(0, len(COLUMNS))
        self.versions_table.setObjectName("versions_table")
        self.versions_table.setAccessibleName("Issued versions")
        self.versions_table.setHorizontalHeaderLabels(list(COLUMNS))
        self.versions_table.verticalHeader().setVisible(False)
        self.versions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions_table.setTabKeyNavigation(False)
        self.versions_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.versions_table.horizontalHeader().setStretchLastSection(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setAccessibleName("What happened")
        self.status_label.setWordWrap(True)
        self.open_button = QPushButton("&Open version…")
        self.open_button.setObjectName("open_button")
        self.open_button.setToolTip("Reprint the selected version, as issued (Enter)")
        self.preview_button = QPushButton("Pre&view today's figures…")
        self.preview_button.setObjectName("preview_button")
        self.preview_button.setToolTip("The schedule as it would be issued today; issues nothing")
        self.issue_button = QPushButton("&Issue schedule")
        self.issue_button.setObjectName("issue_button")
        self.issue_button.setToolTip(
            "Freeze a new version covering the billing periods known today (if they changed)"
        )
        self.issue_button.setEnabled(not context.read_only)
        self.close_button = QPushButton("&Close")
        self.close_button.setObjectName("close_button")
        buttons = QHBoxLayout()
        for button in (self.open_button, self.preview_button, self.issue_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.versions_table, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.preview_button.clicked.connect(self.preview)
        self.issue_button.clicked.connect(self.issue)
        self.close_button.clicked.connect(self.accept)
        self.versions_table.itemActivated.connect(lambda _item: self.open_selected())
        self.reload()
        self.versions_table.setFocus()

    def reload(self) -> None:
        """Read the issued versions again; the newest is selected."""
        self.versions = issuing.schedule_versions(self.context.store, self.number)
        table = self.versions_table
        table.setRowCount(len(self.versions))
        for row, doc in enumerate(self.versions):
            for column, text in enumerate(self._cells(row + 1, doc)):
                item = QTableWidgetItem(text)
                if column == len(COLUMNS) - 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, column, item)
        if self.versions:
            table.selectRow(len(self.versions) - 1)
        self.open_button.setEnabled(bool(self.versions))
        if not self.versions:
            self.status_label.setText("No version issued yet.")

    def _cells(self, version: int, doc: IssuedDocument) -> tuple[str, ...]:
        snapshot = doc.snapshot
        periods = credit = ""
        if isinstance(snapshot, ScheduleDocument) and snapshot.rows:
            periods = f"{snapshot.rows[0].start.isoformat()} to {snapshot.rows[-1].end.isoformat()}"
            credit = format_usd(snapshot.totals.credit_cents)
        label = str(version) + (" (customer's)" if version == len(self.versions) else "")
        return (label, doc.issued_on.isoformat(), doc.issued_by, periods, credit)

    def _show(self, pdf: bytes, title: str, name: str) -> None:
        from kcsac.ui.document_preview_dialog import DocumentPreviewDialog

        dialog = DocumentPreviewDialog(
            pdf,
            title=title,
            suggested_name=name,
            save_dir=self.context.db_path.parent if self.context.db_path else None,
            parent=self,
        )
        dialog.exec()

    @Slot()
    def open_selected(self) -> None:
        """Reprint the selected version from its stored snapshot."""
        rows = self.versions_table.selectionModel().selectedRows()
        if not rows:
            return
        version = rows[0].row() + 1
        doc = self.versions[version - 1]
        try:
            pdf = issuing.render_issued(doc)
        except RecordError as exc:
            QMessageBox.warning(self, "Cannot reprint", str(exc))
            return
        name = f"{self.number}-schedule-version-{version}.pdf"
        self._show(pdf, f"Schedule {self.number}, version {version}", name)

    @Slot()
    def preview(self) -> None:
        """Today's figures, rendered as a preview: nothing is stored."""
        try:
            doc = issuing.preview_schedule(
                self.context.store, self.number, today=self.context.today()
            )
            pdf = issuing.render_preview(doc)
        except RecordError as exc:
            QMessageBox.warning(self, "No preview", str(exc))
            return
        self.status_label.setText("Preview shown; nothing was issued.")
        self._show(
            pdf, f"Schedule {self.number} (preview, not issued)", f"{self.number}-preview.pdf"
        )

    @Slot()
    def issue(self) -> None:
        """Issue a new version when the figures changed; say which version is newest."""
        try:
            done = issuing.issue_schedule(
                self.context.store,
                self.context.user.login if self.context.user else None,
                self.number,
                today=self.context.today(),
            )
        except RecordError as exc:
            QMessageBox.warning(self, "Not issued", str(exc))
            return
        self.reload()
        if done.new:
            self.status_label.setText(f"Version {done.version} issued: it is the customer's now.")
        else:
            self.status_label.setText(
                f"Nothing new to issue: the figures are those of version {done.version}."
            )
