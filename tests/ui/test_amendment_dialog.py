"""AmendmentDialog + ApprovalDialog on a real store: a new determination, its own signature."""

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from kcsac.domain.method import Method
from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.ui.amendment_dialog import AmendmentDialog
from kcsac.ui.approval_dialog import ApprovalDialog
from tests.ui.decision_factories import PASSWORD, approved_file, desk_for, sign_with


@pytest.fixture
def approved(store, people, today):
    return approved_file(store, people, today, signed_on=dt.date(2026, 8, 3))


def open_dialog(qtbot, store, actor, number, today) -> AmendmentDialog:
    dialog = AmendmentDialog(desk_for(store, actor, today), number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_amendment_is_entered_then_signed_as_its_own_decision(
    qtbot, store, people, today, approved
):
    signed = store.determinations(approved.number)[-1]
    dialog = open_dialog(qtbot, store, people.reviewer, approved.number, today)
    assert dialog.method() is Method.PERCENTAGE
    assert dialog.percent_edit.text() == "15"
    assert not dialog.fixed_ccf_edit.isEnabled()
    dialog.percent_edit.clear()
    qtbot.keyClicks(dialog.percent_edit, "20")
    qtbot.keyClicks(dialog.justification_edit, "a fourth bay added; measured again")
    with qtbot.waitSignal(dialog.amendment_entered) as entered:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    amendment = entered.args[0]
    assert amendment.amends == signed.id
    assert amendment.percent == Decimal("20")
    assert not amendment.locked
    assert store.get_determination(signed.id).locked  # the signed one is untouched
    assert store.get_determination(signed.id).percent == Decimal("15")

    signing = ApprovalDialog(desk_for(store, people.director, today), approved.number)
    qtbot.addWidget(signing)
    signing.show()
    assert signing.windowTitle() == f"Sign the amendment - {approved.number}"
    assert signing.sign_button.text() == "&Sign amendment…"
    assert signing.blockers() == ["Nothing blocks signing."]
    with qtbot.waitSignal(signing.approved) as approved_signal:
        sign_with(qtbot, signing, PASSWORD)
    decision = approved_signal.args[0]
    assert decision.kind is DecisionKind.AMENDMENT
    assert decision.determination_id == amendment.id
    assert decision.effective_on == today
    assert store.get_determination(amendment.id).locked
    app = store.get_application(approved.number)
    assert app.status is Status.APPROVED
    assert app.effective_on == dt.date(2026, 8, 3)  # the credit itself began at approval


def test_the_amendments_author_cannot_sign_it(qtbot, store, people, today, approved):
    dialog = open_dialog(qtbot, store, people.director, approved.number, today)
    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("fixed"))
    assert dialog.fixed_ccf_edit.isEnabled()
    assert not dialog.percent_edit.isEnabled()
    qtbot.keyClicks(dialog.fixed_ccf_edit, "40")
    qtbot.keyClicks(dialog.justification_edit, "metered for a year: 40 ccf per month")
    with qtbot.waitSignal(dialog.amendment_entered):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    signing = ApprovalDialog(desk_for(store, people.director, today), approved.number)
    qtbot.addWidget(signing)
    assert not signing.sign_button.isEnabled()
    assert any("separation of duties" in t for t in signing.blockers())


def test_bad_terms_are_shown_next_to_the_field(qtbot, store, people, today, approved):
    dialog = open_dialog(qtbot, store, people.reviewer, approved.number, today)
    dialog.percent_edit.setText("abc")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.messages["percent"].isVisible()
    assert "'abc' is not a number" in dialog.messages["percent"].text()
    assert len(store.determinations(approved.number)) == 1


def test_two_amendments_entered_at_once_the_second_is_refused_naming_the_first(
    qtbot, store, people, today, approved
):
    """Both dialogs read the signed terms (no amendment yet); the director's amendment is
    saved first; the reviewer's is refused naming the director, not added as a second one."""
    mine = open_dialog(qtbot, store, people.reviewer, approved.number, today)
    theirs = open_dialog(qtbot, store, people.director, approved.number, today)
    for dialog, percent in ((theirs, "18"), (mine, "20")):
        dialog.percent_edit.clear()
        qtbot.keyClicks(dialog.percent_edit, percent)
        qtbot.keyClicks(dialog.justification_edit, "measured again")
    qtbot.mouseClick(theirs.save_button, Qt.MouseButton.LeftButton)
    assert theirs.determination is not None
    qtbot.mouseClick(mine.save_button, Qt.MouseButton.LeftButton)
    assert mine.determination is None
    assert "changed by dora" in mine.messages["method"].text()
    signed, amendment = store.determinations(approved.number)
    assert signed.locked
    assert (amendment.percent, amendment.authors) == (Decimal("18"), ("dora",))
