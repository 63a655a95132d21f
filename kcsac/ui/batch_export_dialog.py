"""BatchExportDialog: writes the letters and schedules of chosen applications into a folder.

    dialog = BatchExportDialog(
        context,                                       # kcsac.ui.desk_context.DeskContext
        ["SAC-2026-0001", "SAC-2026-0002"],            # the selection in the application list
        parent=main_window,
        start_dir=None,                                # folder offered first (default: home)
    )
    dialog.exec()

The export runs as the desk's login (`context.login`, for the audit trail) on the desk's today.
The work is done by the DOCUMENTS operation `kcsac.operations.documents.batch.export_documents`
(`export` may replace it, for a CLI-equal function with the same keyword arguments). It is
called with `progress(done, total, label)` and `cancelled() -> bool` callbacks: the dialog
updates a QProgressBar from the first and answers the second from its Cancel button. The run is
on the GUI thread (SQLite connections are bound to their thread), so `progress` lets Qt process
events between documents; everything else in the dialog is disabled meanwhile.
`export_finished(object)` is emitted with whatever the operation returned.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcsac.ui.desk_context import DeskContext

Exporter = Callable[..., Any]


def _default_exporter() -> Exporter:
    # imported late: the DOCUMENTS operations pull in the PDF layer, which the desk only
    # needs when a batch is actually exported
    from kcsac.operations.documents.batch import export_documents

    return export_documents


class BatchExportDialog(QDialog):
    """Choose a folder, export the documents of a selection, watch progress, cancel."""

    # the operation's result (counts and paths written)
    export_finished = Signal(object)

    def __init__(
        self,
        context: DeskContext,
        numbers: Sequence[str],
        parent: QWidget | None = None,
        *,
        start_dir: Path | None = None,
        export: Exporter | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._store = context.store
        self._numbers = list(numbers)
        self._actor = context.login
        self._today = context.today()
        self._export = export
        self._running = False
        self._cancel_requested = False
        self._created_folder: Path | None = None
        self.result_value: Any = None
        self.setObjectName("batch_export_dialog")
        self.setWindowTitle("Export letters and schedules")
        self._build(start_dir or Path.home())
        self._connect_signals()
        self._update_buttons()

    def _build(self, start_dir: Path) -> None:
        count = len(self._numbers)
        self.selection_label = QLabel(
            f"Export the letters and adjusted volume schedules of {count} "
            f"application{'s' if count != 1 else ''} as PDF files."
        )
        self.selection_label.setWordWrap(True)
        self.selection_label.setObjectName("selection_label")

        self.folder_edit = QLineEdit(str(start_dir))
        self.folder_edit.setObjectName("folder_edit")
        self.folder_edit.setAccessibleName("Destination folder")
        folder_label = QLabel("Destination &folder:")
        folder_label.setBuddy(self.folder_edit)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setObjectName("browse_button")
        self.browse_button.setAccessibleName("Browse for the destination folder")
        self.browse_button.setAutoDefault(False)
        folder_row = QHBoxLayout()
        folder_row.addWidget(folder_label)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)

        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setAccessibleName("Export progress")
        self.progress_bar.setRange(0, max(count, 1))
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%v of %m")
        self.status_label = QLabel("Not started.")
        self.status_label.setObjectName("status_label")
        self.status_label.setAccessibleName("Export status")
        self.status_label.setWordWrap(True)
        self.skipped_list = QListWidget()
        self.skipped_list.setObjectName("skipped_list")
        self.skipped_list.setAccessibleName("Applications skipped, and why")
        self.skipped_list.setWordWrap(True)
        self.skipped_list.setMinimumHeight(140)
        self.skipped_list.hide()

        self.export_button = QPushButton("&Export")
        self.export_button.setObjectName("export_button")
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.selection_label)
        layout.addLayout(folder_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.skipped_list)
        layout.addLayout(buttons)
        self.setMinimumWidth(680)

    def _connect_signals(self) -> None:
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.folder_edit.textChanged.connect(self._update_buttons)

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def is_running(self) -> bool:
        return self._running

    @Slot()
    def _update_buttons(self) -> None:
        ready = bool(self.folder_edit.text().strip()) and bool(self._numbers)
        self.export_button.setEnabled(ready and not self._running)
        self.browse_button.setEnabled(not self._running)
        self.folder_edit.setEnabled(not self._running)

    @Slot()
    def _on_browse_button_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export to folder", str(self.folder()))
        if chosen:
            self.folder_edit.setText(chosen)

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        if self._running:
            self._cancel_requested = True
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling after the current document…")
        else:
            self.reject()

    def reject(self) -> None:
        # Escape or the window's close button during a run means "cancel", never "abandon"
        if self._running:
            self._on_cancel_button_clicked()
            return
        super().reject()

    @Slot()
    def _on_export_button_clicked(self) -> None:
        folder = self.folder()
        if not self._ensure_folder(folder):
            return
        export = self._export or _default_exporter()
        self._running = True
        self._cancel_requested = False
        self._update_buttons()
        self.cancel_button.setEnabled(True)
        self.status_label.setText("Exporting…")
        try:
            result = export(
                self._store,
                numbers=list(self._numbers),
                folder=folder,
                actor=self._actor,
                today=self._today,
                progress=self._on_export_progress,
                cancelled=self._is_cancel_requested,
            )
        except Exception as exc:  # the operation's message is what the clerk needs to read
            self._running = False
            self._update_buttons()
            self.cancel_button.setEnabled(True)
            self.status_label.setText(f"Export stopped: {exc}")
            QMessageBox.warning(self, "Export stopped", str(exc))
            return
        self._running = False
        self.result_value = result
        self._update_buttons()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("&Close")
        self.cancel_button.setAccessibleName("Close")
        self.status_label.setText(self._summary(result, folder))
        self.export_button.setEnabled(False)
        self.export_finished.emit(result)

    def _ensure_folder(self, folder: Path) -> bool:
        """An existing folder, or a new one the clerk agreed to create (as the CLI does)."""
        self._created_folder = None
        if folder.is_dir():
            return True
        if folder.exists():
            QMessageBox.warning(
                self,
                "Not a folder",
                f"{folder} is a file, not a folder. Choose a folder to export into.",
            )
            return False
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Create the folder?",
            f"The destination folder {folder} does not exist. Create it and export there?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("create_folder_box")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.button(QMessageBox.StandardButton.Yes).setText("&Create folder")
        box.button(QMessageBox.StandardButton.No).setText("&Not now")
        answer = box.exec()
        box.deleteLater()
        if answer != QMessageBox.StandardButton.Yes:
            self.status_label.setText(f"Not exported: {folder} does not exist.")
            return False
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"The folder {folder} could not be created: {exc.strerror or exc}"
            self.status_label.setText(f"Not exported: {message}")
            QMessageBox.warning(self, "Folder not created", message)
            return False
        self._created_folder = folder
        return True

    def _summary(self, result: Any, folder: Path) -> str:
        """What was done, in words: each application counted once, as exported (with every
        document), exported without its schedule, skipped or not reached; each with why."""
        done = self.progress_bar.value()  # applications the operation went through
        total = len(self._numbers)
        cancelled = self._cancel_requested or bool(getattr(result, "cancelled", False))
        skipped = tuple(getattr(result, "skipped", ()) or ())
        # The operation reports a schedule it could not write as "schedule: why"; that
        # application's letter was written all the same.
        no_schedule = [(n, why) for n, why in skipped if why.startswith("schedule: ")]
        nothing = [(n, why) for n, why in skipped if not why.startswith("schedule: ")]
        exported = done - len(nothing)
        plural = "s" if total != 1 else ""
        text = f"{'Cancelled' if cancelled else 'Done'}: {exported} of {total} application{plural}"
        text += f" exported to {folder}"
        written = getattr(result, "written", None)
        if written is not None:
            text += f" ({len(written)} PDF file{'s' if len(written) != 1 else ''} written)"
        text += "."
        if self._created_folder is not None:
            text += " The folder was created."
        if nothing:
            text += f" {len(nothing)} skipped, nothing written for {_them(len(nothing))}"
            text += " (why: listed below)."
        if no_schedule:
            text += (
                f" {len(no_schedule)} exported with the letter but without the schedule"
                " (why: listed below)."
            )
        if done < total:
            text += f" {total - done} not reached: the export was cancelled."
        self.skipped_list.clear()
        for number, why in nothing:
            self.skipped_list.addItem(f"{number}: skipped, nothing written: {why}")
        for number, why in no_schedule:
            self.skipped_list.addItem(
                f"{number}: letter written, schedule not: {why.removeprefix('schedule: ')}"
            )
        if skipped:
            self.skipped_list.show()
            self.resize(self.width(), max(self.height(), 380))
        return text

    def _on_export_progress(self, done: int, total: int, label: str = "") -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.status_label.setText(f"{label} ({done} of {total})" if label else f"{done} of {total}")
        # let the Cancel click (and repaints) through between documents
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def _is_cancel_requested(self) -> bool:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return self._cancel_requested


def _them(count: int) -> str:
    return "it" if count == 1 else "them"
