"""MainWindow: the clerk's desk, composed of its parts.

Queues and the searchable list (`DeskList`, kcsac/ui/desk_list.py), the file's details
(`DetailsPane`, kcsac/ui/details_pane.py) and the actions, menus and toolbar (the table of
kcsac/ui/desk_actions.py). The window runs the actions (each opens its dialog for the
selected file), refreshes what an action changed, and remembers its layout.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QWidget

from kcsac.domain.records import ApplicationDetail, RecordError, User
from kcsac.domain.status import Status
from kcsac.operations.database import Store
from kcsac.ui.desk_actions import (
    DESK_ACTIONS,
    build_desk_actions,
    queue_actions,
    update_desk_actions,
)
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.desk_identity import WINDOW_TITLE, DeskIdentity
from kcsac.ui.desk_list import DeskList
from kcsac.ui.details_pane import DetailsPane
from kcsac.ui.help_dialog import install_help_shortcut
from kcsac.ui.qt_convert import money_text
from kcsac.ui.withdraw_prompt import WithdrawPrompt

# A dialog on one file: SomeDialog(context, number, parent) performs its own operation.
FileDialogClass = Callable[[DeskContext, str, QWidget], QDialog]
_SETTINGS_GROUP = "main_window"


def desk_settings() -> QSettings:
    """~/.config/kcsac/desk.conf (an empty organization would give "Unknown Organization")."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "kcsac", "desk")


class MainWindow(QMainWindow):
    """Queues left, list middle, details right; every action has a shortcut."""

    # Signals:
    application_changed = Signal(str)  # number of the application an action just changed

    def __init__(
        self,
        store: Store,
        *,
        db_path: Path | None = None,
        user: User | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        os_login: str = "",
        signed_in: bool = False,
    ) -> None:
        super().__init__()
        self.context = DeskContext(
            store=store,
            user=user,
            today=today,
            db_path=db_path,
            os_login=os_login,
            signed_in=signed_in,
        )
        self.identity = DeskIdentity(self)  # who acts: title, label, sign in and out
        self._open_dialogs: list[QWidget] = []
        self.first_start = False  # set by desk_startup.start_desk: the first administrator
        self.damaged_message = ""  # set at start when the file fails SQLite's quick check
        self.setObjectName("main_window")
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(1400, 860)
        self._build_widgets()
        self.desk_actions: dict[str, QAction] = build_desk_actions(self)
        self.queue_actions = [self.desk_actions[spec.name] for spec in queue_actions()]
        self.changing_actions = tuple(
            self.desk_actions[spec.name] for spec in DESK_ACTIONS if spec.changes
        )
        self._connect_signals()
        self._help = install_help_shortcut(self, "desk")
        # The Help action owns F1 here; a second F1 shortcut made it ambiguous (nothing opened).
        self._help.setKey(QKeySequence())
        self._show_user()
        try:
            self._restore_layout()
            self.refresh()
        finally:
            self.details_pane.started()

    # -- construction ---------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.desk_list = DeskList(self.context, self)
        self.details_pane = DetailsPane(self.context, self.desk_list.selected_number)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("desk_splitter")
        self.splitter.addWidget(self.desk_list.queue_pane)
        self.splitter.addWidget(self.desk_list.list_pane)
        self.splitter.addWidget(self.details_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 900, 330])  # the nine columns fit at 1400 px
        self.setCentralWidget(self.splitter)

        self.user_label = QLabel()
        self.user_label.setObjectName("user_label")
        self.user_label.setAccessibleName("Signed-in user")
        self.statusBar().addPermanentWidget(self.user_label)

    def _connect_signals(self) -> None:
        self.desk_list.current_changed.connect(self.details_pane.follow)
        self.desk_list.emptied.connect(self.details_pane.show_nothing)
        self.desk_list.search_entered.connect(self.details_pane.follow_now)
        self.desk_list.applications_view.activated.connect(self._on_applications_view_activated)
        self.details_pane.shown.connect(self._update_actions)
        self.details_pane.refused.connect(self._on_details_pane_refused)

    # -- what the desk shows --------------------------------------------------------------
    def action(self, name: str) -> QAction:
        """The desk's action `name` (see kcsac.ui.desk_actions.DESK_ACTIONS)."""
        return self.desk_actions[name]

    def refresh(self) -> None:
        """Counts, list and details read again (after an operation, or F5), and the acting
        user's role and active flag as stored now."""
        self.refresh_user()
        self.desk_list.refresh()

    def refresh_detail(self) -> None:
        self.details_pane.refresh()

    def selected_number(self) -> str | None:
        return self.desk_list.selected_number()

    def select_number(self, number: str) -> bool:
        """Select `number` in the list (switching to All if it is not in this queue)."""
        return self.desk_list.select_number(number)

    def select_queue(self, row: int) -> None:
        self.desk_list.select_queue(row)

    @property
    def detail(self) -> ApplicationDetail | None:
        """The file shown in the details pane (loaded now if its load is still pending)."""
        return self.details_pane.detail

    @Slot()
    def _update_actions(self) -> None:
        update_desk_actions(
            self.desk_actions,
            self.context,
            self.details_pane.view.detail,  # never forces a pending load
            listed=self.desk_list.model.rowCount(),
        )
        self.action("sign_in").setEnabled(not self.damaged_message)
        self.action("sign_out").setEnabled(self.context.signed_in)

    @Slot(str)
    def _on_details_pane_refused(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def on_startup_checks_finished(self, damaged: str, note: str) -> None:
        """The start-up quick check and backup are done (see StartupChecks)."""
        if damaged:
            self.mark_damaged(damaged)
        elif note:
            self.statusBar().showMessage(note, 15000)

    def mark_damaged(self, message: str) -> None:
        """The file failed SQLite's quick check: read-only from now on, and say why."""
        self.damaged_message = message
        self.set_context(user=None, signed_in=False)
        self.user_label.setText("Read-only: the database file is damaged")
        self.user_label.setToolTip(message)
        self.setWindowTitle(f"{WINDOW_TITLE} - read-only")
        self.details_pane.reshow()  # its next step, and the actions, for a read-only login
        self.statusBar().showMessage(f"Read-only: {message}")

    def set_context(self, **changes) -> None:
        """The desk's context with `changes` (the acting user), given to its parts."""
        self.context = dataclasses.replace(self.context, **changes)
        self.desk_list.context = self.details_pane.context = self.context

    def refresh_user(self) -> None:
        """Read the acting user again: a role changed or a deactivation saved on another
        desk shows here (the operations refuse by what is stored, whatever the desk holds)."""
        self.identity.refresh()

    def _show_user(self) -> None:
        self.identity.show()
        db = str(self.context.db_path) if self.context.db_path else "in memory"
        self.statusBar().showMessage(f"Database: {db}")

    # -- running an action ----------------------------------------------------------------
    def after_change(self, number: str, message: str = "") -> None:
        """Refresh everything an operation on `number` may have changed."""
        self.refresh()
        self.select_number(number)
        self.details_pane.show_number(number)
        if message:
            self.statusBar().showMessage(message, 8000)
        self.application_changed.emit(number)

    def _run_file_dialog(self, dialog_class: FileDialogClass, done: str) -> None:
        """Open `dialog_class(context, number, parent)` on the selected file (the desk's one
        dialog convention); `done` ({number}) goes to the status bar once it was accepted."""
        number = self.selected_number()
        if number:
            self._run_dialog(dialog_class(self.context, number, self), done)

    def _run_dialog(self, dialog: QDialog, done: str) -> bool:
        """Run a dialog that performs its own operation; refresh when it was accepted (and
        read the acting user again either way: a refusal may say their role changed)."""
        number = self.selected_number()
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted and number:
            self.after_change(number, done.format(number=number))
        else:
            self.refresh_user()
        return accepted

    def open_wizard(self, resume: str = "") -> QWidget:
        """Open the new-application wizard (non-modal, so the desk stays readable)."""
        from kcsac.ui.wizard.new_application_wizard import NewApplicationWizard

        wizard = NewApplicationWizard(self.context, resume=resume, parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.draft_saved.connect(self._on_wizard_draft_saved)
        wizard.application_submitted.connect(self._on_wizard_application_submitted)
        wizard.destroyed.connect(lambda *_: self._forget(wizard))
        self._open_dialogs.append(wizard)
        wizard.show()
        if resume:
            wizard.continue_where_left_off()
        return wizard

    def _forget(self, widget: QWidget) -> None:
        if widget in self._open_dialogs:
            self._open_dialogs.remove(widget)

    # -- slots ------------------------------------------------------------------------------
    def _on_applications_view_activated(self, _index) -> None:
        """Return or double-click: continue a draft, else nothing more to open."""
        resume = self.action("resume")
        if resume.isEnabled():
            resume.trigger()

    @Slot()
    def _on_new_action(self) -> None:
        self.open_wizard()

    @Slot()
    def _on_resume_action(self) -> None:
        number = self.selected_number()
        if number:
            self.open_wizard(resume=number)

    @Slot(str)
    def _on_wizard_draft_saved(self, number: str) -> None:
        self.refresh()
        self.statusBar().showMessage(f"Draft {number} saved", 5000)

    @Slot(str)
    def _on_wizard_application_submitted(self, number: str) -> None:
        self.after_change(number)  # reads the file's detail again, fee included
        fee = self.detail.application.fee_cents if self.detail else None
        if fee is None:
            message = f"{number} submitted; no fee could be assessed: a director must set it"
        else:
            message = f"{number} submitted; fee assessed: {money_text(fee)}"
        self.statusBar().showMessage(message, 8000)

    @Slot()
    def _on_payment_action(self) -> None:
        from kcsac.ui.record_payment_dialog import RecordPaymentDialog

        if self.detail:
            self._run_file_dialog(RecordPaymentDialog, "Payment recorded on {number}")

    @Slot()
    def _on_review_action(self) -> None:
        from kcsac.ui.review_dialog import ReviewDialog

        if self.detail:
            self._run_file_dialog(ReviewDialog, "Review recorded on {number}")

    @Slot()
    def _on_meter_action(self) -> None:
        from kcsac.ui.meter_dialog import MeterDialog

        if self.detail:
            self._run_file_dialog(MeterDialog, "Meter added to {number}")

    @Slot()
    def _on_reading_action(self) -> None:
        from kcsac.ui.reading_dialog import ReadingDialog

        if self.detail:
            self._run_file_dialog(ReadingDialog, "Reading recorded on {number}")

    @Slot()
    def _on_determination_action(self) -> None:
        from kcsac.ui.determination_dialog import DeterminationDialog

        if self.detail:
            self._run_file_dialog(DeterminationDialog, "Determination entered on {number}")

    @Slot()
    def _on_documents_action(self) -> None:
        from kcsac.ui.paperwork_dialog import PaperworkDialog

        # The one dialog still given the detail rather than the number (its module belongs
        # to the wizard's work; see the report of the s2-ui-structure branch).
        if self.detail:
            self._run_dialog(
                PaperworkDialog(self.context, self.detail, self), "Documents of {number} saved"
            )

    @Slot()
    def _on_withdraw_action(self) -> None:
        number = self.selected_number()
        if not number:
            return
        prompt = WithdrawPrompt(self.context, number, self)
        if prompt.exec() == QDialog.DialogCode.Accepted:
            self.after_change(number, f"{number} withdrawn")

    @Slot()
    def _on_set_fee_action(self) -> None:
        from kcsac.ui.set_fee_dialog import SetFeeDialog

        if self.detail:
            self._run_file_dialog(
                SetFeeDialog, "Fee of {number} set; the fee payment can now be recorded"
            )

    # -- decisions and documents (dialogs of the approvals desk) --------------------------------
    @Slot()
    def _on_approve_action(self) -> None:
        from kcsac.ui.approval_dialog import ApprovalDialog

        self._run_file_dialog(ApprovalDialog, "{number} signed")

    @Slot()
    def _on_deny_action(self) -> None:
        from kcsac.ui.denial_dialog import DenialDialog

        self._run_file_dialog(DenialDialog, "{number} denied")

    @Slot()
    def _on_amend_action(self) -> None:
        from kcsac.ui.amendment_dialog import AmendmentDialog

        self._run_file_dialog(
            AmendmentDialog, "Amendment of {number} entered; it needs a signature"
        )

    @Slot()
    def _on_ownership_action(self) -> None:
        from kcsac.ui.ownership_change_dialog import OwnershipChangeDialog

        prior = self.selected_number()
        if not prior:
            return
        dialog = OwnershipChangeDialog(self.context, prior, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        created = dialog.application
        number = created.number if created is not None else self.selected_number()
        if number:
            self.after_change(number, f"Ownership change {number} recorded")

    @Slot()
    def _on_reopen_action(self) -> None:
        from kcsac.ui.reopen_dialog import ReopenDialog

        self._run_file_dialog(ReopenDialog, "{number} reopened")

    @Slot()
    def _on_revoke_action(self) -> None:
        from kcsac.ui.revocation_dialog import RevocationDialog

        self._run_file_dialog(RevocationDialog, "{number} revoked")

    @Slot()
    def _on_letter_action(self) -> None:
        self._preview_document("letter")

    @Slot()
    def _on_schedule_action(self) -> None:
        """The credit's schedule versions: look, preview (issues nothing), issue, reprint."""
        from kcsac.ui.schedule_versions_dialog import ScheduleVersionsDialog

        number = self.selected_number()
        if not number:
            return
        ScheduleVersionsDialog(self.context, number, self).exec()
        self.refresh_detail()

    @Slot()
    def _on_issue_cycle_action(self) -> None:
        """The billing cycle's batch: every schedule with new periods gets its next version."""
        from kcsac.ui.schedule_cycle_progress import ScheduleCycleProgress

        progress = ScheduleCycleProgress(self.context, self)
        progress.run()
        QMessageBox.information(self, "Schedules with new periods", progress.summary())
        self.refresh()

    def _preview_document(self, which: str) -> None:
        """Issue the letter if it is not yet (audited), then show the stored one."""
        from kcsac.operations.documents.issuing import letter_for, render_issued
        from kcsac.ui.document_preview_dialog import DocumentPreviewDialog

        number = self.selected_number()
        if not number:
            return
        store = self.context.store
        actor = self.context.user.login if self.context.user else None
        try:
            issued = letter_for(store, actor, number, today=self.context.today())
            pdf = render_issued(issued)
        except RecordError as exc:
            QMessageBox.warning(self, "No document", str(exc))
            return
        kind = issued.kind.replace("_", " ").replace("-", " ")
        dialog = DocumentPreviewDialog(
            pdf,
            title=f"{kind.capitalize()} {number}",
            suggested_name=f"{number}-{issued.kind}.pdf",
            save_dir=self.context.db_path.parent if self.context.db_path else None,
            parent=self,
        )
        self.refresh_detail()
        dialog.exec()

    @Slot()
    def _on_export_action(self) -> None:
        from kcsac.ui.batch_export_dialog import BatchExportDialog

        decided = (Status.APPROVED, Status.DENIED, Status.REVOKED, Status.ENDED)
        numbers = [s.number for s in self.desk_list.listed() if s.status in decided]
        if not numbers:
            QMessageBox.information(
                self, "Nothing to export", "No approved or denied application is listed here."
            )
            return
        dialog = BatchExportDialog(self.context, numbers, self)
        dialog.exec()
        self.refresh()

    @Slot()
    def _on_administration_action(self) -> None:
        from kcsac.ui.administration_dialog import AdministrationDialog

        dialog = AdministrationDialog(self.context, self)
        dialog.exec()
        self.refresh()

    @Slot()
    def _on_sign_in_action(self) -> None:
        self.identity.sign_in()

    @Slot()
    def _on_sign_out_action(self) -> None:
        self.identity.sign_out()

    def close_open_dialogs(self) -> bool:
        """Close the wizards open now (each saves its draft as whoever opened it); False
        when one stays open to say why."""
        return all(widget.close() for widget in list(self._open_dialogs))

    @Slot()
    def _on_find_action(self) -> None:
        self.desk_list.search_edit.setFocus()
        self.desk_list.search_edit.selectAll()

    @Slot()
    def _on_help_action(self) -> None:
        self._help.activated.emit()

    # -- layout memory ----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = desk_settings()
        settings.beginGroup(_SETTINGS_GROUP)
        for key, restore in (
            ("geometry", self.restoreGeometry),
            ("state", self.restoreState),
            ("splitter", self.splitter.restoreState),
            ("details_splitter", self.details_pane.view.splitter.restoreState),
            ("header", self.desk_list.applications_view.horizontalHeader().restoreState),
        ):
            value = settings.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                restore(value)
        queue = settings.value("queue")
        settings.endGroup()
        self.desk_list.select_queue_key(str(queue))

    def save_layout(self) -> None:
        settings = desk_settings()
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("details_splitter", self.details_pane.view.splitter.saveState())
        settings.setValue("header", self.desk_list.applications_view.horizontalHeader().saveState())
        settings.setValue("queue", self.desk_list.queue)
        settings.endGroup()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Open wizards keep their drafts: closing one saves it (or stays open to say why not).
        for widget in list(self._open_dialogs):
            if not widget.close():
                event.ignore()
                return
        self.desk_list.stop_timers()  # nothing may read the store after the window is gone
        self.details_pane.stop_timers()
        self.save_layout()
        super().closeEvent(event)
