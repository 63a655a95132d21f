"""The desk's schedule: the issued versions, a preview that issues nothing, Issue schedule,
reprints; the billing cycle's batch with a progress bar. No UI module runs the engine."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kcsac.domain.records import ConsumptionPeriod
from kcsac.operations import admin, approvals
from kcsac.operations.documents import issuing
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.determination_dialog import DeterminationDialog
from kcsac.ui.main_window import MainWindow
from kcsac.ui.schedule_cycle_progress import ScheduleCycleProgress
from kcsac.ui.schedule_versions_dialog import ScheduleVersionsDialog
from tests.ui.decision_factories import PASSWORD, seed_file

UI = Path(__file__).resolve().parents[2] / "kcsac" / "ui"


def test_no_ui_module_runs_the_schedule_engine():
    """Issue 12: the schedule was built four times, twice in dialogs; the desk now asks
    operations.previews / operations.documents.issuing."""
    for path in sorted(UI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"kcsac\.domain\.schedule\b|build_schedule", text), path.name


def _credit(store, people, today, account="1000-01"):
    app = seed_file(store, people, today, account=account)
    approvals.approve(
        store,
        people.director,
        app.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 12),
        backdated_reason="paper signature",
    )
    store.put_consumption(
        [ConsumptionPeriod(app.account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(96))]
    )
    return app


def _close_next_modal(seen):
    def close():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close)
            return
        seen.append(type(dialog).__name__)
        dialog.reject()

    QTimer.singleShot(0, close)


def test_preview_issue_and_reprint_by_keyboard(qtbot, store, db_path, people, today):
    app = _credit(store, people, today)
    context = DeskContext(store, people.clerk, lambda: today, db_path)
    dialog = ScheduleVersionsDialog(context, app.number)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert dialog.versions_table.rowCount() == 0
    assert dialog.status_label.text() == "No version issued yet."
    assert not dialog.open_button.isEnabled()
    seen: list[str] = []
    _close_next_modal(seen)
    qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Preview
    # a mnemonic "animates" the click: the button is clicked about 100 ms later
    qtbot.waitUntil(lambda: seen == ["DocumentPreviewDialog"])
    assert issuing.schedule_versions(store, app.number) == [], "a preview issues nothing"
    assert dialog.status_label.text() == "Preview shown; nothing was issued."
    with qtbot.waitActive(dialog):  # the preview closed: the focus comes back
        dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # Issue schedule
    qtbot.waitUntil(lambda: dialog.versions_table.rowCount() == 1)
    assert dialog.status_label.text() == "Version 1 issued: it is the customer's now."
    assert dialog.versions_table.rowCount() == 1
    assert dialog.versions_table.item(0, 0).text() == "1 (customer's)"
    assert dialog.versions_table.item(0, 4).text() == "$119.85"
    qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: (
            dialog.status_label.text()
            == "Nothing new to issue: the figures are those of version 1."
        )
    )
    store.put_consumption(
        [ConsumptionPeriod(app.account, dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal(110))]
    )
    dialog.issue()
    assert [dialog.versions_table.item(r, 0).text() for r in range(2)] == ["1", "2 (customer's)"]
    assert dialog.versions_table.item(1, 3).text() == "2026-08-01 to 2026-09-30"
    seen.clear()
    _close_next_modal(seen)
    dialog.versions_table.setFocus()
    dialog.versions_table.selectRow(0)
    qtbot.keyClick(dialog.versions_table, Qt.Key.Key_Return)  # reprint version 1
    qtbot.waitUntil(lambda: seen == ["DocumentPreviewDialog"])
    assert len(issuing.schedule_versions(store, app.number)) == 2


def test_a_read_only_login_may_look_and_reprint_but_not_issue(qtbot, store, db_path, people, today):
    app = _credit(store, people, today)
    issuing.issue_schedule(store, people.director.login, app.number, today=today)
    visitor = DeskContext(store, None, lambda: today, db_path, os_login="guest")
    dialog = ScheduleVersionsDialog(visitor, app.number)
    qtbot.addWidget(dialog)
    assert not dialog.issue_button.isEnabled()
    assert dialog.open_button.isEnabled()
    assert dialog.preview_button.isEnabled()


def test_the_cycle_s_batch_issues_with_a_progress_bar_and_can_be_cancelled(
    qtbot, store, db_path, people, today
):
    first = _credit(store, people, today)
    second = _credit(store, people, today, account="1000-02")
    context = DeskContext(store, people.clerk, lambda: today, db_path)
    progress = ScheduleCycleProgress(context)
    qtbot.addWidget(progress)
    values = []
    progress.canceled.connect(lambda: values.append("cancelled"))
    original = progress.setValue
    progress.setValue = lambda v: (values.append(v), original(v))  # type: ignore[method-assign]
    result = progress.run()
    assert result.issued == ((first.number, 1), (second.number, 1))
    assert values == [0, 1, 2]
    assert progress.summary() == "2 schedule(s) issued."
    # Nothing new: nothing to do.
    again = ScheduleCycleProgress(context)
    qtbot.addWidget(again)
    assert again.run() is None
    assert again.summary() == "No schedule has new billing periods: nothing was issued."
    # Cancel between two schedules keeps the first.
    for app in (first, second):
        store.put_consumption(
            [
                ConsumptionPeriod(
                    app.account, dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal(100)
                )
            ]
        )
    cancelling = ScheduleCycleProgress(context)
    qtbot.addWidget(cancelling)
    cancelling._progress = lambda done, total: cancelling.cancel()  # cancel after the first
    result = cancelling.run()
    assert result.cancelled
    assert result.issued == ((first.number, 2),)
    assert cancelling.summary() == "1 schedule(s) issued (cancelled)."


def test_ctrl_shift_i_runs_the_cycle_from_the_desk(qtbot, store, db_path, people, today):
    app = _credit(store, people, today)
    window = MainWindow(store, db_path=db_path, user=people.clerk, today=lambda: today)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    said = []

    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        said.append(box.text())
        box.accept()

    QTimer.singleShot(0, answer)
    window.desk_list.applications_view.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_I, ctrl_shift)
    assert said == ["1 schedule(s) issued."]
    assert len(issuing.schedule_versions(store, app.number)) == 1


def test_the_determination_preview_passes_the_surcharge_limits(
    qtbot, store, db_path, people, today
):
    """Issue 12: the determination editor's preview omitted the surcharge limits the other
    previews passed; it now asks the one operation, which reads them."""
    app = seed_file(store, people, today)
    store.put_consumption(
        [ConsumptionPeriod(app.account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(96))]
    )
    admin.set_surcharge_limits(
        store, people.admin, bod="300", ss="300", og="100", citation="example", today=today
    )
    context = DeskContext(store, people.reviewer, lambda: today, db_path)
    dialog = DeterminationDialog(context, app.number)
    qtbot.addWidget(dialog)
    dialog.update_preview()
    assert dialog.schedule is not None
    assert "normal-sewage limits BOD 300, SS 300, O&G 100 mg/L" in dialog.notes_label.text()
    assert "limits not set" not in dialog.notes_label.text()
