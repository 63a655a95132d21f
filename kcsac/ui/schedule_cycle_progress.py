"""ScheduleCycleProgress: a billing cycle's batch on the desk, with a cancellable progress bar.

    progress = ScheduleCycleProgress(context, parent=main_window)
    result = progress.run()        # the operation's CycleResult, or None when nothing to do
    QMessageBox.information(main_window, "Schedules", progress.summary())

Issues the next version of every schedule that has new billing periods
(kcsac.operations.documents.schedule_cycle, as `kcsac issue-schedules` does). It runs on the
GUI thread (SQLite connections are bound to their thread); each schedule lets Qt process
events, so Cancel stops it between two schedules and keeps what was issued.
"""

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from kcsac.ui.desk_context import DeskContext


class ScheduleCycleProgress(QProgressDialog):
    """Issue the schedules with new billing periods, showing progress; Cancel stops it."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__("Looking for schedules with new billing periods…", "&Cancel", 0, 0, parent)
        self.context = context
        self.result_value = None
        self.setObjectName("schedule_cycle_progress")
        self.setWindowTitle("Issue schedules with new billing periods")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)

    def run(self):
        """Find and issue them; returns the CycleResult (None when none had new periods)."""
        from kcsac.operations.documents.schedule_cycle import (
            credits_with_new_periods,
            issue_new_schedules,
        )

        self.show()
        QCoreApplication.processEvents()
        store = self.context.store
        numbers = credits_with_new_periods(store)
        if not numbers or self.wasCanceled():
            self.hide()  # hide, not close: closing a progress dialog means "cancel"
            return None
        self.setRange(0, len(numbers))
        self.setValue(0)
        self.setLabelText(f"Issuing {len(numbers)} schedules…")
        self.result_value = issue_new_schedules(
            store,
            self.context.user.login if self.context.user else None,
            today=self.context.today(),
            numbers=numbers,
            progress=self._progress,
            cancelled=self._cancelled,
        )
        self.hide()
        return self.result_value

    def _progress(self, done: int, total: int) -> None:
        self.setValue(done)
        self.setLabelText(f"{done} of {total} schedules")
        QCoreApplication.processEvents()

    def _cancelled(self) -> bool:
        QCoreApplication.processEvents()
        return self.wasCanceled()

    def summary(self) -> str:
        """What the run did, in a sentence or two (and each schedule it could not issue)."""
        r = self.result_value
        if r is None:
            return "No schedule has new billing periods: nothing was issued."
        parts = [f"{len(r.issued)} schedule(s) issued"]
        if r.unchanged:
            parts.append(f"{len(r.unchanged)} unchanged")
        if r.skipped:
            parts.append(f"{len(r.skipped)} not issued")
        text = ", ".join(parts) + (" (cancelled)." if r.cancelled else ".")
        for number, why in r.skipped[:10]:
            text += f"\n{number}: {why}"
        if len(r.skipped) > 10:
            text += f"\n... and {len(r.skipped) - 10} more"
        return text
