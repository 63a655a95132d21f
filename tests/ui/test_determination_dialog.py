"""The determination editor: parameters checked as typed, the engine's schedule as a preview."""

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from kcsac.domain.method import Method
from kcsac.domain.status import Status
from kcsac.operations.reviews import record_review
from kcsac.ui.determination_dialog import DeterminationDialog
from tests.ui.desk_factories import make_approved_record, make_paid, monthly_consumption


def reviewed(store, user):
    app = make_paid(store, user)
    for kind in ("site", "plan", "installation"):
        record_review(
            store,
            user,
            app.number,
            kind=kind,
            reviewed_on=dt.date(2026, 8, 5),
            result="passed",
            today=dt.date(2026, 8, 20),
        )
    return app


def open_dialog(qtbot, desk, number):
    dialog = DeterminationDialog(desk, number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_percentage_preview_matches_the_worked_example_and_saves(qtbot, reviewer_desk, store):
    desk = reviewer_desk
    app = reviewed(store, desk.user)
    store.put_consumption(monthly_consumption(app.account, "96"))
    dialog = open_dialog(qtbot, desk, app.number)
    QAbstractItemModelTester(
        dialog.preview_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    assert dialog.notes_label.text().startswith("Enter the method's parameter")
    assert "Whoever enters the determination cannot sign it" in dialog.signing_note_label.text()
    assert "amendment" not in dialog.signing_note_label.text()
    qtbot.keyClicks(dialog.percent_edit, "15")
    qtbot.keyClicks(dialog.justification_edit, "Evaporation and carry-out, per site visit")
    dialog.effective_on_edit.setDate(dt.date(2026, 8, 12))  # RULES.md worked example 1
    qtbot.waitUntil(lambda: dialog.preview_model.rowCount() == 1, timeout=2000)

    model = dialog.preview_model
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells == [
        "2026-08-01 to 2026-08-31",
        "31",
        "96.00",
        "14.40",
        "20/31",
        "86.71",  # shown to 2 places (RULES.md); the row keeps the exact volume
        "$33.09",
        "$1,238.40",
        "$1,118.55",
        "$119.85",
    ]
    assert "credit $119.85" in dialog.totals_label.text()
    exact = model.index(0, 0).data(model.ROW_ROLE).billed_ccf
    assert Decimal("86.709677") <= exact < Decimal("86.709678")

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    [saved] = store.determinations(app.number)
    assert (saved.method, saved.percent, saved.entered_by) == (
        Method.PERCENTAGE,
        Decimal("15"),
        desk.user.login,
    )
    assert saved.justification == "Evaporation and carry-out, per site visit"
    assert store.get_application(app.number).status is Status.AWAITING_DECISION


def test_parameters_are_checked_as_typed(qtbot, reviewer_desk, store):
    app = reviewed(store, reviewer_desk.user)
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    qtbot.keyClicks(dialog.percent_edit, "15,5")  # a decimal comma is not read as 155
    assert "the comma is not a decimal point" in dialog.messages.text("percent")
    dialog.percent_edit.clear()
    qtbot.keyClicks(dialog.percent_edit, "150")
    assert "outside 0 < p < 100" in dialog.messages.text("percent")
    assert not dialog.ok_button.isEnabled()
    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData(Method.FIXED.value))
    assert not dialog.percent_edit.isEnabled()
    assert dialog.fixed_ccf_edit.isEnabled()
    qtbot.keyClicks(dialog.fixed_ccf_edit, "abc")
    assert dialog.messages.text("fixed_ccf") == "'abc' is not a number"


def test_fixed_volume_preview_over_the_consumption_history(qtbot, reviewer_desk, store):
    app = reviewed(store, reviewer_desk.user)
    store.put_consumption(monthly_consumption(app.account, "50"))
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    dialog.effective_on_edit.setDate(dt.date(2026, 5, 1))  # a preview over the whole history
    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData(Method.FIXED.value))
    qtbot.keyClicks(dialog.fixed_ccf_edit, "10")
    qtbot.waitUntil(lambda: dialog.preview_model.rowCount() == 4, timeout=2000)
    assert dialog.preview_model.index(1, 3).data() == "10.00"  # June: 30 days, 10 ccf
    assert dialog.schedule is not None
    assert dialog.schedule.totals.credit_cents > 0


def test_on_an_approved_credit_the_dialog_says_saving_enters_an_amendment(
    qtbot, store, reviewer_desk
):
    """A new-user trial saved a determination on an approved file without being told."""
    app = make_approved_record(store, reviewer_desk.user)
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    note = dialog.signing_note_label.text()
    assert "already approved: saving enters an amendment" in note
    assert "cannot sign it" in note


def test_the_preview_starts_today_not_before_the_application_was_received(
    qtbot, reviewer_desk, store
):
    """A new-user trial saw the preview credit May, before the file was even received."""
    app = reviewed(store, reviewer_desk.user)
    store.put_consumption(monthly_consumption(app.account, "50"))
    today = reviewer_desk.today()
    assert app.received_on <= today
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    assert dialog.effective_on_edit.date().toPython() == today
    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData(Method.FIXED.value))
    qtbot.keyClicks(dialog.fixed_ccf_edit, "10")
    qtbot.waitUntil(lambda: dialog.schedule is not None, timeout=2000)
    credited = [row for row in dialog.schedule.lines if row.days_credited]
    assert credited, "the period holding today is credited from today"
    assert all(row.end >= today for row in credited)


def test_an_amendment_previews_from_today_after_the_signed_terms(qtbot, store, reviewer_desk):
    """An amendment takes effect on its own signature: the preview runs the new terms from
    today, the periods before it under the terms signed (it used to apply the new terms
    back to the first effective date)."""
    app = make_approved_record(store, reviewer_desk.user)
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    today = reviewer_desk.today()
    assert dialog.effective_on_edit.date().toPython() == today
    assert app.effective_on < today


def test_two_desks_saving_terms_the_second_is_told_who_saved_meanwhile(
    qtbot, reviewer_desk, store, db_path
):
    """Both dialogs opened on a file with no terms; the first saves; the second's save is
    refused naming the first desk's user, and the first terms are kept (before: the second
    silently overwrote them)."""
    from kcsac.domain.records import User
    from kcsac.domain.roles import Role
    from kcsac.storage import open_store
    from kcsac.ui.desk_context import DeskContext

    app = reviewed(store, reviewer_desk.user)
    other_store = open_store(db_path)
    second = other_store.insert_user(
        User(login="sam", name="Sam Second", title="Engineer", role=Role.REVIEWER), "test"
    )
    other = DeskContext(store=other_store, user=second, today=reviewer_desk.today, db_path=db_path)
    mine, theirs = (
        open_dialog(qtbot, reviewer_desk, app.number),
        open_dialog(qtbot, other, app.number),
    )
    for dialog, percent in ((theirs, "12"), (mine, "15")):
        qtbot.keyClicks(dialog.percent_edit, percent)
        qtbot.keyClicks(dialog.justification_edit, "measured")
    qtbot.mouseClick(theirs.ok_button, Qt.MouseButton.LeftButton)
    assert theirs.result() == theirs.DialogCode.Accepted, theirs.error_label.text()
    qtbot.mouseClick(mine.ok_button, Qt.MouseButton.LeftButton)
    assert mine.result() != mine.DialogCode.Accepted
    assert "changed by sam" in mine.error_label.text()
    [stored] = store.determinations(app.number)
    assert (stored.percent, stored.entered_by) == (Decimal("12"), "sam")
    other_store.close()
