"""Recording fee payments: partial payments, the balance, and the confirmation cases."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from kcsac.domain.actions import payment_needs_reason
from kcsac.domain.status import Status
from kcsac.operations.errors import InvalidInput
from kcsac.operations.intake import withdraw
from kcsac.operations.payments import record_payment
from kcsac.ui.record_payment_dialog import RecordPaymentDialog
from tests.ui.date_typing import type_date
from tests.ui.desk_factories import make_submitted


def open_dialog(qtbot, desk, number):
    dialog = RecordPaymentDialog(desk, number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_amount(qtbot, dialog, text):
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, text)


def test_partial_payments_leave_a_balance_then_pay_in_full(qtbot, desk, store):
    app = make_submitted(store, desk.user)  # car wash, $250.00
    dialog = open_dialog(qtbot, desk, app.number)
    assert dialog.amount_edit.text() == "250.00", "the balance is offered"
    type_amount(qtbot, dialog, "100")
    qtbot.keyClicks(dialog.receipt_edit, "R-1001")
    assert "$150.00 after this payment" in dialog.balance_label.text()
    assert not dialog.confirm_check.isEnabled(), "no confirmation for a partial payment"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted

    stored = store.get_application(app.number)
    assert (stored.paid_cents, stored.balance_cents, stored.status) == (
        10000,
        15000,
        Status.AWAITING_FEE,
    )
    [payment] = store.payments(app.number)
    assert (payment.receipt_no, payment.amount_cents, payment.method) == ("R-1001", 10000, "cash")
    assert payment.paid_on == dt.date(2026, 8, 20)

    dialog = open_dialog(qtbot, desk, app.number)
    assert dialog.amount_edit.text() == "150.00"
    qtbot.keyClicks(dialog.receipt_edit, "R-1002")
    dialog.method_combo.setCurrentText("check")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    stored = store.get_application(app.number)
    assert (stored.paid_cents, stored.balance_cents, stored.status) == (25000, 0, Status.IN_REVIEW)


def test_bad_amount_and_missing_receipt_are_named_next_to_the_fields(qtbot, desk, store):
    app = make_submitted(store, desk.user)
    dialog = open_dialog(qtbot, desk, app.number)
    type_amount(qtbot, dialog, "12.345")
    assert "Not an amount" in dialog.messages.text("amount")
    assert not dialog.ok_button.isEnabled()
    type_amount(qtbot, dialog, "0")
    assert dialog.messages.text("amount") == "The amount must be more than $0.00"
    type_amount(qtbot, dialog, "50")
    assert dialog.messages.text("amount") == ""
    qtbot.keyClicks(dialog.receipt_edit, "R")
    qtbot.keyClick(dialog.receipt_edit, Qt.Key.Key_Backspace)
    assert dialog.messages.text("receipt") == "The receipt number is empty"


def test_no_balance_after_an_amount_that_cannot_be_taken(qtbot, desk, store):
    app = make_submitted(store, desk.user)  # $250.00 owed
    dialog = open_dialog(qtbot, desk, app.number)
    assert dialog.balance_label.text() == "$250.00 now; $0.00 after this payment"
    for typed, message in (
        ("-5", "The amount must be more than $0.00"),
        ("0", "The amount must be more than $0.00"),
        ("12.345", "Not an amount: '12.345' (type dollars and cents, e.g. 250.00)"),
        ("", "Type the amount received"),
    ):
        type_amount(qtbot, dialog, typed)
        if not typed:
            qtbot.keyClicks(dialog.amount_edit, "1")
            qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Backspace)
        assert dialog.messages.text("amount") == message
        assert dialog.balance_label.text() == "$250.00", f"{typed!r}: only what is owed now"
        assert not dialog.ok_button.isEnabled()
    type_amount(qtbot, dialog, "100")
    assert dialog.balance_label.text() == "$250.00 now; $150.00 after this payment"


def test_an_overpayment_asks_for_confirmation_and_a_reason(qtbot, desk, store):
    app = make_submitted(store, desk.user)
    dialog = open_dialog(qtbot, desk, app.number)
    type_amount(qtbot, dialog, "300")
    qtbot.keyClicks(dialog.receipt_edit, "R-2001")
    assert dialog.confirm_check.isEnabled()
    assert "more than the balance owed ($250.00)" in dialog.confirm_check.text()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "Customer paid the next application too")
    assert not dialog.ok_button.isEnabled(), "a reason alone is not a confirmation"
    dialog.confirm_check.setChecked(True)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    stored = store.get_application(app.number)
    assert (stored.paid_cents, stored.balance_cents) == (30000, -5000)
    [payment] = store.payments(app.number)
    assert (payment.receipt_no, payment.amount_cents) == ("R-2001", 30000)
    [event] = [e for e in store.timeline(app.number) if e.action == "payment confirmed"]
    assert event.reason.endswith(": Customer paid the next application too")
    assert "more than the balance owed ($250.00)" in event.reason


def test_the_dialog_asks_for_a_reason_exactly_when_the_operation_needs_one(qtbot, desk, store):
    """One rule (domain.actions.payment_needs_reason): the dialog's confirmation says what
    the operation's refusal says, for an overpayment and for none."""
    app = make_submitted(store, desk.user)
    dialog = open_dialog(qtbot, desk, app.number)
    for typed, cents in (("300", 30000), ("250", 25000), ("1", 100)):
        type_amount(qtbot, dialog, typed)
        why = payment_needs_reason(store.get_application(app.number), cents)
        assert dialog.needs_confirmation() == why
        assert dialog.confirm_check.isEnabled() is bool(why)
    with pytest.raises(InvalidInput) as refused:
        record_payment(
            store,
            desk.user,
            app.number,
            amount_cents=30000,
            paid_on=desk.today(),
            receipt_no="R-1",
            method="cash",
            today=desk.today(),
        )
    assert payment_needs_reason(store.get_application(app.number), 30000) in str(refused.value)


def test_a_payment_on_a_withdrawn_application_asks_for_confirmation(qtbot, desk, store):
    app = make_submitted(store, desk.user)
    withdraw(store, desk.user, app.number, reason="applicant sold the site", today=desk.today())
    dialog = open_dialog(qtbot, desk, app.number)
    qtbot.keyClicks(dialog.receipt_edit, "R-3001")
    assert "is withdrawn" in dialog.confirm_check.text()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "Check was already in the mail")
    dialog.confirm_check.setChecked(True)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    stored = store.get_application(app.number)
    assert (stored.status, stored.paid_cents) == (Status.WITHDRAWN, 25000)
    [event] = [e for e in store.timeline(app.number) if e.action == "payment confirmed"]
    assert event.reason == f"Application {app.number} is withdrawn: Check was already in the mail"


def test_a_payment_by_keyboard_alone_follows_the_form_s_tab_order(qtbot, desk, store):
    from PySide6.QtWidgets import QApplication

    app = make_submitted(store, desk.user)
    dialog = open_dialog(qtbot, desk, app.number)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.amount_edit.setFocus()
    order = []
    for _ in range(5):  # Tab steps through the date's year, month and day, then leaves it
        name = QApplication.focusWidget().objectName()
        if not order or order[-1] != name:
            order.append(name)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    order.append(QApplication.focusWidget().objectName())
    assert order == ["amount_edit", "paid_on_edit", "method_combo", "receipt_edit"]
    qtbot.keyClicks(QApplication.focusWidget(), "R-77")  # the receipt number
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [p.receipt_no for p in store.payments(app.number)] == ["R-77"]


def test_a_future_payment_date_is_kept_as_typed_refused_and_nothing_saved(qtbot, desk, store):
    app = make_submitted(store, desk.user)
    dialog = open_dialog(qtbot, desk, app.number)
    qtbot.keyClicks(dialog.receipt_edit, "R-1001")
    type_date(qtbot, dialog.paid_on_edit, "2026-12-30")
    assert dialog.paid_on_edit.date().toPython() == dt.date(2026, 12, 30), "not turned into 01-30"
    assert dialog.messages.text("paid_on") == (
        "2026-12-30 is in the future; record a payment on or before today (2026-08-20)"
    )
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.receipt_edit, Qt.Key.Key_Return)
    assert store.payments(app.number) == []
    type_date(qtbot, dialog.paid_on_edit, "2026-08-19")
    assert dialog.messages.text("paid_on") == ""
    assert dialog.ok_button.isEnabled()


def test_a_payment_dated_before_the_application_was_received_is_named_next_to_the_date(
    qtbot, desk, store
):
    app = make_submitted(store, desk.user)
    received = app.received_on.isoformat()
    dialog = open_dialog(qtbot, desk, app.number)
    qtbot.keyClicks(dialog.receipt_edit, "R-1002")
    type_date(qtbot, dialog.paid_on_edit, "2026-04-01")
    assert dialog.messages.text("paid_on") == (
        f"2026-04-01 is before {received}, when the application was received; record a payment "
        "on or after that day"
    )
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.receipt_edit, Qt.Key.Key_Return)
    assert store.payments(app.number) == []
    type_date(qtbot, dialog.paid_on_edit, received)
    assert dialog.messages.text("paid_on") == ""
    assert dialog.ok_button.isEnabled()


def test_a_payment_taken_at_another_desk_meanwhile_shows_the_new_figures(
    qtbot, desk, store, db_path
):
    """A second desk paid the fee while this dialog was open: the dialog shows the figures
    now on file and asks for what the payment now needs (confirmation and a reason)."""
    from kcsac.storage import open_store

    app = make_submitted(store, desk.user)  # $250.00 owed
    dialog = open_dialog(qtbot, desk, app.number)
    qtbot.keyClicks(dialog.receipt_edit, "R-1")
    other = open_store(db_path)
    record_payment(
        other,
        desk.user,
        app.number,
        amount_cents=25000,
        paid_on=dt.date(2026, 8, 20),
        receipt_no="R-2",
        method="cash",
        today=dt.date(2026, 8, 20),
    )
    other.close()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "changed since this dialog opened" in dialog.error_label.text()
    paid = dialog.form.findChild(type(dialog.balance_label), "paid_label")
    assert paid.text() == "$250.00"
    assert dialog.reason_edit.isEnabled()
    assert dialog.confirm_check.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "customer paid twice; refund requested")
    dialog.confirm_check.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    assert store.get_application(app.number).paid_cents == 50000
