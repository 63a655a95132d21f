"""DenialDialog on a real store: listed reasons with citations and free text are stored."""

import datetime as dt

from PySide6.QtCore import Qt

from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.ui.denial_dialog import DenialDialog
from kcsac.ui.qt_convert import to_qdate
from tests.ui.decision_factories import PASSWORD, desk_for, enter_password, seed_file


def open_dialog(qtbot, store, actor, number, today) -> DenialDialog:
    dialog = DenialDialog(desk_for(store, actor, today), number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_denial_stores_the_checked_reasons_with_citations_and_free_text(
    qtbot, store, people, today
):
    app = seed_file(store, people, today, storm=True)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    assert dialog.windowTitle() == f"Deny - {app.number}"
    storm = dialog.reasons_list.item(1)
    assert storm.text().startswith("The diverted water is discharged to the storm sewer")
    assert "60-3(a)(6)" in storm.text()
    # the storm-sewer discharge blocks this file, so its reason is suggested (pre-checked)
    assert dialog.suggested_reasons == ["storm-sewer"]
    assert storm.checkState() == Qt.CheckState.Checked
    # keyboard: focus the list, move to the storm-sewer reason, Space toggles it
    dialog.reasons_list.setFocus()
    dialog.reasons_list.setCurrentRow(1)
    qtbot.keyClick(dialog.reasons_list, Qt.Key.Key_Space)
    assert storm.checkState() == Qt.CheckState.Unchecked
    assert not dialog.deny_button.isEnabled()  # no reason left
    qtbot.keyClick(dialog.reasons_list, Qt.Key.Key_Space)
    assert storm.checkState() == Qt.CheckState.Checked
    assert dialog.deny_button.isEnabled()
    qtbot.keyClicks(dialog.other_reasons_edit, "Roof drains tie into the wash bay (site review)")
    qtbot.mouseClick(dialog.deny_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.denied) as denied:
        enter_password(qtbot, dialog, PASSWORD)
    decision = denied.args[0]
    stored = store.decisions(app.number)
    assert [d.kind for d in stored] == [DecisionKind.DENIAL]
    assert stored[0].reasons == decision.reasons
    assert stored[0].reasons[0].startswith("The diverted water is discharged to the storm sewer")
    assert stored[0].reasons[0].endswith("(Code secs. 60-2(2)(c), 60-3(a)(6))")
    assert stored[0].reasons[1] == "Roof drains tie into the wash bay (site review)"
    assert stored[0].decided_by == "dora"
    assert store.get_application(app.number).status is Status.DENIED


def test_a_clerk_is_told_who_may_deny_and_nothing_is_stored(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.clerk, app.number, today)
    dialog.check_reason("fee-unpaid")
    qtbot.mouseClick(dialog.deny_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "You cannot deny applications: your role is clerk" in dialog.error_label.text()
    assert store.decisions(app.number) == []


def test_a_future_decision_date_is_shown_with_today_and_deny_is_disabled(
    qtbot, store, people, today
):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    dialog.check_reason("review-failed")
    assert dialog.deny_button.isEnabled()
    dialog.decided_on_edit.setDate(to_qdate(today + dt.timedelta(days=3)))
    assert dialog.date_message_label.isVisible()
    assert dialog.date_message_label.text() == (
        "The decision date 2026-08-23 is in the future (today is 2026-08-20); a denial is "
        "dated on or before the day it is recorded."
    )
    assert not dialog.deny_button.isEnabled()
    qtbot.mouseClick(dialog.deny_button, Qt.MouseButton.LeftButton)
    assert store.get_application(app.number).status is Status.AWAITING_DECISION


def test_a_decision_date_before_the_received_date_is_shown_naming_both(qtbot, store, people, today):
    app = seed_file(store, people, today)  # received 2026-07-26
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    qtbot.keyClicks(dialog.other_reasons_edit, "Irrigation meter not installed per plan")
    dialog.decided_on_edit.setDate(to_qdate(dt.date(2026, 3, 1)))
    text = dialog.date_message_label.text()
    assert text.startswith(
        f"The decision date 2026-03-01 is before 2026-07-26, when application {app.number} "
        "was received"
    )
    assert "before 2026-05-01, when Ordinance 260209 took effect" in text
    assert not dialog.deny_button.isEnabled()
    dialog.decided_on_edit.setDate(to_qdate(dt.date(2026, 7, 26)))
    assert not dialog.date_message_label.isVisible()
    qtbot.mouseClick(dialog.deny_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.denied) as denied:
        enter_password(qtbot, dialog, PASSWORD)
    assert denied.args[0].decided_on == dt.date(2026, 7, 26)
    assert denied.args[0].reasons == ("Irrigation meter not installed per plan",)


def test_f1_and_help_open_the_help(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.reasons_list.setFocus()
    qtbot.keyClick(dialog.reasons_list, Qt.Key.Key_F1)
    shown = dialog._help.last_dialog
    qtbot.addWidget(shown)
    assert shown.isVisible()
    assert shown.windowTitle() == "Help: Account and eligibility"
    dialog._help.last_dialog = None
    qtbot.mouseClick(dialog.help_button, Qt.MouseButton.LeftButton)
    assert dialog._help.last_dialog is not None
    qtbot.addWidget(dialog._help.last_dialog)
    assert dialog.isVisible()  # Help does not close the dialog


def test_only_free_text_is_enough_and_blank_lines_are_ignored(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    dialog.other_reasons_edit.setPlainText("\n  \nNo diversion shown (site visit)\n")
    assert dialog.reasons() == ["No diversion shown (site visit)"]
    qtbot.mouseClick(dialog.deny_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.denied):
        enter_password(qtbot, dialog, PASSWORD)
    assert store.decisions(app.number)[0].reasons == ("No diversion shown (site visit)",)


def test_what_blocks_the_file_is_pre_checked_as_a_suggestion(qtbot, store, people, today):
    app = seed_file(
        store, people, today, storm=True, pay=False, reviews=("passed", "failed", "passed")
    )
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    assert dialog.suggested_reasons == ["fee-unpaid", "review-failed", "storm-sewer"]
    assert dialog.reasons() == ["storm-sewer", "fee-unpaid", "review-failed"]  # list order
    assert dialog.deny_button.isEnabled()
    dialog.check_reason("fee-unpaid", checked=False)
    assert dialog.reasons() == ["storm-sewer", "review-failed"]


def test_a_clean_file_has_no_suggestion(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    assert dialog.suggested_reasons == []
    assert dialog.reasons() == []


def test_denying_by_keyboard_alone(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = DenialDialog(desk_for(store, people.director, today), app.number)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.reasons_list
    qtbot.keyClick(dialog.reasons_list, Qt.Key.Key_Down)  # second reason: storm sewer
    qtbot.keyClick(dialog.reasons_list, Qt.Key.Key_Space)
    assert dialog.reasons() == ["storm-sewer"]
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.password_prompt is not None)  # the mnemonic clicks later
    prompt = dialog.password_prompt
    qtbot.waitUntil(prompt.password_edit.hasFocus)
    qtbot.keyClicks(prompt.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.denied):
        qtbot.keyClick(prompt.password_edit, Qt.Key.Key_Return)
    assert store.get_application(app.number).status is Status.DENIED
