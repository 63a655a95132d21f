"""Setting a fee the ordinance leaves unset: the director's dialog and the desk's action."""

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.records import User
from kcsac.domain.roles import Role
from kcsac.domain.status import Status
from kcsac.operations import approvals, ownership, users
from kcsac.operations.determinations import enter_determination
from kcsac.operations.payments import set_fee
from kcsac.operations.reviews import record_review
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.main_window import MainWindow
from kcsac.ui.record_payment_dialog import RecordPaymentDialog
from kcsac.ui.set_fee_dialog import SetFeeDialog
from tests.ui.decision_factories import enter_password
from tests.ui.desk_factories import make_paid, make_submitted, monthly_consumption

TODAY = dt.date(2026, 8, 20)
LATER = dt.date(2026, 8, 21)  # the ownership change: after the credit's effective date
EARLY = dt.date(2026, 4, 20)  # before the first rate table kcsac holds (2026-05-01)


@pytest.fixture
def director(store):
    user = store.insert_user(
        User(login="ddirector", name="Dana Director", title="Director", role=Role.DIRECTOR), "t"
    )
    users.set_own_password(store, user, "director-secret")
    return user


@pytest.fixture
def director_desk(store, db_path, director):
    return DeskContext(store=store, user=director, today=lambda: LATER, db_path=db_path)


@pytest.fixture
def early(store, clerk):
    """An application received before 2026-05-01: kcsac has no fee for that date."""
    return make_submitted(store, clerk, today=EARLY)


@pytest.fixture
def nonresident_change(store, clerk, reviewer, director):
    """A nonresident ownership change of an approved credit: the ordinance sets no fee."""
    app = make_paid(store, clerk)
    store.put_consumption(monthly_consumption(app.account))
    for kind in ("site", "plan", "installation"):
        record_review(
            store,
            reviewer,
            app.number,
            kind=kind,
            reviewed_on=dt.date(2026, 8, 5),
            result="passed",
            today=TODAY,
        )
    enter_determination(
        store,
        reviewer,
        app.number,
        method="percentage",
        percent="15",
        justification="carry-out and evaporation",
        today=TODAY,
    )
    approvals.approve(store, director, app.number, password="director-secret", today=TODAY)
    return ownership.record_ownership_change(
        store,
        clerk,
        prior_application=app.number,
        new_account="2000001-001",
        transfer_on=LATER,
        received_on=LATER,
        today=LATER,
        new_owner=ownership.NewOwner(
            customer="Across The Line LLC",
            service_address="5 State Line Rd, Kansas City, KS 66103",
            account_class="commercial",
            customer_class=CustomerClass.NONRESIDENT_DIRECT.value,
        ),
    )


def open_dialog(qtbot, context, number):
    dialog = SetFeeDialog(context, number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fee_rows(store, number):
    return store.conn.execute(
        "SELECT count(*) FROM fee_assessments WHERE application = ?", (number,)
    ).fetchone()[0]


def test_the_dialog_says_why_the_ordinance_sets_no_fee(qtbot, director_desk, nonresident_change):
    assert nonresident_change.fee_cents is None
    assert nonresident_change.category is Category.OWNERSHIP_CHANGE
    dialog = open_dialog(qtbot, director_desk, nonresident_change.number)
    why = dialog.why_label.text()
    assert why.startswith("Not set by ordinance: ")
    assert "sets no ownership change fee for nonresident accounts" in why
    assert "kcsac does not invent one" in why
    assert dialog.fee_edit.text() == "", "kcsac proposes no amount"
    assert not dialog.ok_button.isEnabled()


def test_the_director_sets_the_fee_with_a_reason_then_it_can_be_paid(
    qtbot, store, director_desk, desk, nonresident_change
):
    number = nonresident_change.number
    dialog = open_dialog(qtbot, director_desk, number)
    qtbot.keyClicks(dialog.fee_edit, "$1,250.00")
    qtbot.keyClicks(dialog.reason_edit, "Same as the resident fee, memo 2026-08-19")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)  # OK is the default button
    assert store.get_application(number).fee_cents is None  # not before the password
    prompt = enter_password(qtbot, dialog, "not it")
    assert "not correct" in prompt.error_label.text()
    assert store.get_application(number).fee_cents is None
    prompt.password_edit.clear()
    qtbot.keyClicks(prompt.password_edit, "director-secret")
    qtbot.keyClick(prompt.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted

    stored = store.get_application(number)
    assert (stored.fee_cents, stored.balance_cents, stored.status) == (
        125000,
        125000,
        Status.AWAITING_FEE,
    )
    [event] = [e for e in store.timeline(number) if e.action == "fee decided by the director"]
    assert event.actor == "ddirector"
    assert event.reason == "Same as the resident fee, memo 2026-08-19"

    # The clerk can now take the payment, which moves the file on.
    payment = RecordPaymentDialog(dataclasses.replace(desk, today=lambda: LATER), number)
    qtbot.addWidget(payment)
    assert payment.amount_edit.text() == "1250.00"
    qtbot.keyClicks(payment.receipt_edit, "R-7001")
    qtbot.mouseClick(payment.ok_button, Qt.MouseButton.LeftButton)
    assert payment.result() == payment.DialogCode.Accepted
    assert store.get_application(number).balance_cents == 0


@pytest.mark.parametrize(
    ("fee", "reason", "field", "message"),
    [
        ("600", "", "reason", "Say why this fee was decided (required)"),
        ("600", "   ", "reason", "Say why this fee was decided (required)"),
        ("-5", "memo", "fee", "The fee cannot be negative"),
        ("12.345", "memo", "fee", "Not an amount: '12.345' (type dollars and cents, e.g. 600.00)"),
        ("", "memo", "fee", "Type the fee decided, in dollars (e.g. 600.00)"),
    ],
)
def test_a_bad_fee_or_reason_is_refused_next_to_its_field_and_nothing_is_stored(
    qtbot, store, director_desk, early, fee, reason, field, message
):
    before = (fee_rows(store, early.number), len(store.timeline(early.number)))
    dialog = open_dialog(qtbot, director_desk, early.number)
    assert dialog.why_label.text().startswith("Not set by ordinance: ")
    qtbot.keyClicks(dialog.fee_edit, fee or "1")
    if not fee:
        qtbot.keyClick(dialog.fee_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.reason_edit, reason or "x")
    if not reason:
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Backspace)
    assert dialog.messages.text(field) == message
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    dialog.buttons.accepted.emit()  # even forced, OK stores nothing
    assert dialog.isVisible()
    assert dialog.messages.text(field) == message
    assert store.get_application(early.number).fee_cents is None
    assert (fee_rows(store, early.number), len(store.timeline(early.number))) == before


def test_a_fee_already_set_is_refused_under_the_form(qtbot, store, director, director_desk, early):
    dialog = open_dialog(qtbot, director_desk, early.number)
    set_fee(
        store,
        director,
        early.number,
        cents=25000,
        reason="first",
        password="director-secret",
        today=TODAY,
    )
    qtbot.keyClicks(dialog.fee_edit, "300")
    qtbot.keyClicks(dialog.reason_edit, "second")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    enter_password(qtbot, dialog, "director-secret")
    assert dialog.password_prompt is None  # a refusal other than the password closes it
    assert dialog.isVisible()
    assert "is set by the ordinance" in dialog.error_label.text()
    assert store.get_application(early.number).fee_cents == 25000


def test_f1_opens_the_help_on_setting_a_fee(qtbot, director_desk, early):
    dialog = open_dialog(qtbot, director_desk, early.number)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.fee_edit.setFocus()
    qtbot.keyClick(dialog.fee_edit, Qt.Key.Key_F1)
    help_dialog = dialog._help.last_dialog
    assert help_dialog.windowTitle() == "Help: Setting a fee the ordinance does not set"
    assert "kcsac does not invent one" in help_dialog.text


def test_alt_letters_reach_both_fields(qtbot, director_desk, early):
    dialog = open_dialog(qtbot, director_desk, early.number)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert dialog.reason_edit.hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert dialog.fee_edit.hasFocus()


# -- the desk's action --------------------------------------------------------------------------


def window_for(qtbot, store, db_path, user):
    window = MainWindow(store, db_path=db_path, user=user, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_desk_action_sets_the_fee_and_enables_the_payment(
    qtbot, store, db_path, director, early
):
    window = window_for(qtbot, store, db_path, director)
    window.select_number(early.number)
    assert (
        "Set the fee the ordinance does not set" in window.details_pane.view.next_step_label.text()
    )
    assert window.action("set_fee").text() == "Set &fee…"
    assert window.action("set_fee").shortcut().toString() == "Ctrl+Shift+S"
    seen = []

    def fill_in():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SetFeeDialog):
            QTimer.singleShot(20, fill_in)
            return
        seen.append(dialog.why_label.text())
        dialog.fee_edit.setText("250")
        dialog.touch("fee")
        dialog.reason_edit.setText("Received before the ordinance took effect; old fee")
        dialog.touch("reason")
        dialog.ok_button.click()
        prompt = dialog.password_prompt  # a sensitive act: the director's password again
        assert prompt.intro_label.text().endswith(f"to set the fee of {early.number}.")
        prompt.password_edit.setText("director-secret")
        prompt.ok_button.click()

    QTimer.singleShot(0, fill_in)
    window.desk_list.applications_view.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_S, ctrl_shift)
    [why] = seen
    assert why.startswith("Not set by ordinance: ")
    assert store.get_application(early.number).fee_cents == 25000
    assert window.detail.application.fee_cents == 25000
    assert not window.action("set_fee").isEnabled(), "the fee is set now"
    assert window.action("payment").isEnabled()
    assert "Record the fee payment" in window.details_pane.view.next_step_label.text()
    assert "Fee of" in window.statusBar().currentMessage()
