"""RevocationDialog on a real store: ends an approved credit from a date, with a reason."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.ui.qt_convert import to_qdate
from kcsac.ui.revocation_dialog import RevocationDialog
from tests.ui.decision_factories import PASSWORD, approved_file, desk_for, enter_password


@pytest.fixture
def approved(store, people, today):
    return approved_file(store, people, today, signed_on=dt.date(2026, 8, 1))


def open_dialog(qtbot, store, actor, number, today) -> RevocationDialog:
    dialog = RevocationDialog(desk_for(store, actor, today), number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_director_revokes_from_a_date_with_a_listed_reason(qtbot, store, people, today, approved):
    later = dt.date(2026, 10, 1)  # the day the revocation is recorded (and takes effect)
    dialog = open_dialog(qtbot, store, people.director, approved.number, later)
    assert "Credit effective since 2026-08-01" in dialog.header_label.text()
    assert not dialog.revoke_button.isEnabled()
    dialog.from_on_edit.setDate(to_qdate(dt.date(2026, 10, 1)))
    assert dialog.last_day_label.text() == "2026-09-30"
    dialog.reason_combo.setCurrentIndex(0)
    assert dialog.reason() == "Failure to report meter readings"
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.revoked) as revoked:
        enter_password(qtbot, dialog, PASSWORD)
    app = revoked.args[0]
    assert app.status is Status.REVOKED
    assert app.ended_on == dt.date(2026, 9, 30)
    last = store.decisions(approved.number)[-1]
    assert last.kind is DecisionKind.REVOCATION
    assert last.effective_on == dt.date(2026, 10, 1)
    assert last.note == "Failure to report meter readings"


def test_a_typed_reason_and_a_date_before_the_credit_is_refused(
    qtbot, store, people, today, approved
):
    dialog = open_dialog(qtbot, store, people.director, approved.number, today)
    qtbot.keyClicks(dialog.reason_combo.lineEdit(), "Meter removed")
    assert dialog.revoke_button.isEnabled()
    dialog.from_on_edit.setDate(to_qdate(dt.date(2026, 7, 1)))
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    enter_password(qtbot, dialog, PASSWORD)
    assert dialog.password_prompt is None
    assert "must be after the effective date 2026-08-01" in dialog.error_label.text()
    assert store.get_application(approved.number).status is Status.APPROVED


def test_a_reviewer_cannot_revoke(qtbot, store, people, today, approved):
    dialog = open_dialog(qtbot, store, people.reviewer, approved.number, today)
    qtbot.keyClicks(dialog.reason_combo.lineEdit(), "Meter removed")
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    assert "only the director can" in dialog.error_label.text()
    assert store.get_application(approved.number).status is Status.APPROVED


def test_a_future_revocation_date_is_shown_with_today_and_revoke_is_disabled(
    qtbot, store, people, today, approved
):
    dialog = open_dialog(qtbot, store, people.director, approved.number, today)
    dialog.reason_combo.setCurrentIndex(4)  # the customer asked to end the credit
    assert dialog.revoke_button.isEnabled()  # from today
    dialog.from_on_edit.setDate(to_qdate(dt.date(2027, 3, 1)))
    assert dialog.date_message_label.isVisible()
    assert dialog.date_message_label.text() == (
        "The revocation date 2027-03-01 is in the future (today is 2026-08-20); record a "
        "revocation on or after the day it takes effect."
    )
    assert not dialog.revoke_button.isEnabled()
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    app = store.get_application(approved.number)
    assert (app.status, app.ended_on) == (Status.APPROVED, None)
    dialog.from_on_edit.setDate(to_qdate(today))
    assert not dialog.date_message_label.isVisible()
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.revoked):
        enter_password(qtbot, dialog, PASSWORD)
    assert store.get_application(approved.number).ended_on == dt.date(2026, 8, 19)
