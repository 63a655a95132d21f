"""OwnershipChangeDialog on a real store: resident $600 from the engine; nonresident fee not
set by ordinance (a director decides); approval moves the credit from the transfer date."""

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from kcsac.domain.category import Category
from kcsac.domain.records import ConsumptionPeriod, DecisionKind
from kcsac.domain.status import Status
from kcsac.operations.accounts import add_account
from kcsac.operations.payments import record_payment
from kcsac.ui.approval_dialog import ApprovalDialog
from kcsac.ui.ownership_change_dialog import OwnershipChangeDialog
from kcsac.ui.qt_convert import to_qdate
from tests.ui.decision_factories import (
    PASSWORD,
    approved_file,
    desk_for,
    enter_password,
    sign_with,
)

TRANSFER = dt.date(2026, 9, 15)


@pytest.fixture
def approved(store, people, today):
    return approved_file(store, people, today, signed_on=dt.date(2026, 8, 3))


def open_dialog(qtbot, store, actor, number, today) -> OwnershipChangeDialog:
    dialog = OwnershipChangeDialog(desk_for(store, actor, today), number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill_new_owner(qtbot, dialog, *, customer_class="resident"):
    qtbot.keyClicks(dialog.account_edit, "9000-01")
    dialog.customer_edit.setText("Nguyễn Holdings LLC")  # QTest types ASCII only
    dialog.customer_class_combo.setCurrentIndex(
        dialog.customer_class_combo.findData(customer_class)
    )
    dialog.transfer_on_edit.setDate(to_qdate(TRANSFER))


def test_resident_change_costs_600_and_approval_moves_the_credit(
    qtbot, store, people, today, approved
):
    dialog = open_dialog(qtbot, store, people.clerk, approved.number, today)
    assert not dialog.record_button.isEnabled()
    fill_new_owner(qtbot, dialog)
    assert dialog.account_status_label.text().startswith("New account")
    assert dialog.fee_label.text() == "$600.00 (Code sec. 60-2(2)(c))"
    assert not dialog.fee_edit.isEnabled()
    assert "2026-09-15" in dialog.credit_dates_label.text()
    assert "ends on 2026-09-14" in dialog.credit_dates_label.text()
    with qtbot.waitSignal(dialog.recorded) as recorded:
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    change = recorded.args[0]
    assert change.category is Category.OWNERSHIP_CHANGE
    assert change.account == "9000-01"
    assert change.fee_cents == 60000
    assert change.status is Status.AWAITING_FEE
    assert change.details == {
        "prior_application": approved.number,
        "transfer_on": "2026-09-15",
    }
    assert store.get_account("9000-01").customer == "Nguyễn Holdings LLC"

    record_payment(
        store,
        people.clerk,
        change.number,
        amount_cents=60000,
        paid_on=today,
        receipt_no="R-own",
        method="check",
        today=today,
    )
    store.put_consumption(
        [ConsumptionPeriod("9000-01", dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal("90"))]
    )
    signing = ApprovalDialog(desk_for(store, people.director, today), change.number)
    qtbot.addWidget(signing)
    signing.show()
    assert signing.blockers() == ["Nothing blocks signing."]
    # the prior credit's terms (15 %), from the transfer date: 16 of September's 30 days
    assert signing.schedule_caption_label.text().endswith("effective date 2026-09-15.")
    september = signing.schedule.lines[0]
    assert (september.days_credited, september.diverted_ccf) == (16, Decimal("13.5"))
    assert signing.effective_label.text() == "2026-09-15 (the transfer date)"
    with qtbot.waitSignal(signing.approved):
        sign_with(qtbot, signing, PASSWORD)
    assert store.get_application(change.number).effective_on == TRANSFER
    old = store.get_application(approved.number)
    assert old.status is Status.ENDED
    assert old.ended_on == dt.date(2026, 9, 14)
    assert store.decisions(approved.number)[-1].kind is DecisionKind.OWNERSHIP_CHANGE


def test_nonresident_fee_is_not_set_and_a_clerk_cannot_decide_it(
    qtbot, store, people, today, approved
):
    dialog = open_dialog(qtbot, store, people.clerk, approved.number, today)
    fill_new_owner(qtbot, dialog, customer_class="nonresident-direct")
    assert dialog.fee_label.text().startswith("Fee not set by ordinance:")
    assert dialog.fee_label.text().endswith("The director decides it.")
    assert not dialog.fee_edit.isEnabled()
    with qtbot.waitSignal(dialog.recorded) as recorded:
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    change = recorded.args[0]
    assert change.fee_cents is None
    blockers = ApprovalDialog(desk_for(store, people.director, today), change.number)
    qtbot.addWidget(blockers)
    assert any("a director must decide the fee" in t for t in blockers.blockers())


def test_a_director_decides_the_nonresident_fee_with_a_reason(
    qtbot, store, people, today, approved
):
    dialog = open_dialog(qtbot, store, people.director, approved.number, today)
    fill_new_owner(qtbot, dialog, customer_class="nonresident-direct")
    assert dialog.fee_label.text().endswith("Decide it below, with a reason.")
    assert dialog.fee_edit.isEnabled()
    qtbot.keyClicks(dialog.fee_edit, "0")
    assert not dialog.record_button.isEnabled()  # a decided fee needs its reason
    qtbot.keyClicks(dialog.fee_reason_edit, "ordinance sets none; no fee charged")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.recorded) as recorded:
        enter_password(qtbot, dialog, PASSWORD)
    change = recorded.args[0]
    assert change.fee_cents == 0
    assert "ordinance sets none; no fee charged" in change.fee_note
    assert change.status is Status.AWAITING_DECISION


def test_an_existing_account_is_used_as_it_is(qtbot, store, people, today, approved):
    add_account(
        store,
        people.clerk,
        number="9000-02",
        customer="Existing Owner Inc",
        service_address="1200 Main St, Kansas City, MO 64105",
        account_class="commercial",
        customer_class="resident",
        today=today,
    )
    dialog = open_dialog(qtbot, store, people.clerk, approved.number, today)
    qtbot.keyClicks(dialog.account_edit, "9000-02")
    assert dialog.account_status_label.text().startswith("Existing account: Existing Owner Inc")
    assert not dialog.customer_edit.isEnabled()
    assert dialog.record_button.isEnabled()
    with qtbot.waitSignal(dialog.recorded) as recorded:
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert recorded.args[0].account == "9000-02"


def _row_counts(store) -> dict[str, int]:
    tables = ("accounts", "applications", "fee_assessments", "decisions", "documents", "audit")
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_a_refused_last_step_records_nothing_and_recording_again_works_once(
    qtbot, store, people, today, approved
):
    before = _row_counts(store)
    dialog = open_dialog(qtbot, store, people.director, approved.number, today)
    fill_new_owner(qtbot, dialog, customer_class="nonresident-direct")
    qtbot.keyClicks(dialog.fee_edit, "-5")  # an amount, so the button is on; set_fee refuses
    qtbot.keyClicks(dialog.fee_reason_edit, "typed in a hurry")
    assert dialog.record_button.isEnabled()
    emitted = []
    dialog.recorded.connect(emitted.append)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    enter_password(qtbot, dialog, PASSWORD)  # the director's fee: their password
    assert dialog.isVisible()
    assert "The fee cannot be negative" in dialog.error_label.text()
    assert dialog.error_label.isVisibleTo(dialog)
    assert emitted == []
    assert _row_counts(store) == before  # no account, draft, fee or audit row left behind
    assert store.find_account("9000-01") is None
    assert dialog.account_status_label.text().startswith("New account")  # still new

    dialog.fee_edit.clear()
    qtbot.keyClicks(dialog.fee_edit, "0")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.recorded) as recorded:
        enter_password(qtbot, dialog, PASSWORD)
    change = recorded.args[0]
    assert emitted == [change]
    assert change.fee_cents == 0
    assert change.status is Status.AWAITING_DECISION
    after = _row_counts(store)
    assert after["applications"] == before["applications"] + 1
    assert after["accounts"] == before["accounts"] + 1
    assert store.open_ownership_changes(approved.number) == [change.number]


def test_a_second_change_of_the_same_credit_is_refused_in_the_dialog(
    qtbot, store, people, today, approved
):
    first = open_dialog(qtbot, store, people.clerk, approved.number, today)
    fill_new_owner(qtbot, first)
    with qtbot.waitSignal(first.recorded) as recorded:
        qtbot.mouseClick(first.record_button, Qt.MouseButton.LeftButton)
    before = _row_counts(store)
    second = open_dialog(qtbot, store, people.clerk, approved.number, today)
    qtbot.keyClicks(second.account_edit, "9000-01")  # the account the first one added
    qtbot.mouseClick(second.record_button, Qt.MouseButton.LeftButton)
    assert second.isVisible()
    assert f"ownership change in progress ({recorded.args[0].number})" in (
        second.error_label.text()
    )
    assert _row_counts(store) == before


def test_a_residential_new_owner_is_named_with_the_citation_and_not_recorded(
    qtbot, store, people, today, approved
):
    before = _row_counts(store)
    dialog = open_dialog(qtbot, store, people.clerk, approved.number, today)
    fill_new_owner(qtbot, dialog)
    assert dialog.record_button.isEnabled()
    assert not dialog.eligibility_label.isVisible()
    dialog.account_class_combo.setCurrentIndex(dialog.account_class_combo.findData("residential"))
    assert dialog.eligibility_label.isVisible()
    assert dialog.eligibility_label.text() == (
        "A one- or two-family residential account may not apply: the Sewer Allowance Credit is "
        "for commercial and industrial water accounts only (Code secs. 60-2(2)(c), 60-2(2)(b))."
    )
    assert not dialog.record_button.isEnabled()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert _row_counts(store) == before  # no account, application or fee
    dialog.account_class_combo.setCurrentIndex(dialog.account_class_combo.findData("commercial"))
    assert not dialog.eligibility_label.isVisible()
    assert dialog.record_button.isEnabled()


def test_an_existing_residential_account_is_refused_as_it_is_typed(
    qtbot, store, people, today, approved
):
    add_account(
        store,
        people.clerk,
        number="9000-03",
        customer="Pat Homeowner",
        service_address="12 Oak St, Kansas City, MO 64105",
        account_class="residential",
        customer_class="resident",
        today=today,
    )
    dialog = open_dialog(qtbot, store, people.clerk, approved.number, today)
    qtbot.keyClicks(dialog.account_edit, "9000-03")
    assert dialog.account_class_combo.currentData() == "residential"
    assert "60-2(2)(b)" in dialog.eligibility_label.text()
    assert not dialog.record_button.isEnabled()
    assert store.open_ownership_changes(approved.number) == []


def test_f1_and_help_open_the_help_on_the_fee(qtbot, store, people, today, approved):
    dialog = open_dialog(qtbot, store, people.clerk, approved.number, today)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.account_edit.setFocus()
    qtbot.keyClick(dialog.account_edit, Qt.Key.Key_F1)
    shown = dialog._help.last_dialog
    qtbot.addWidget(shown)
    assert shown.isVisible()
    assert shown.windowTitle() == "Help: Category and fee"
    dialog._help.last_dialog = None
    qtbot.mouseClick(dialog.help_button, Qt.MouseButton.LeftButton)
    assert dialog._help.last_dialog is not None
    qtbot.addWidget(dialog._help.last_dialog)
    assert dialog.isVisible()
