"""ApprovalDialog on a real SQLite file: signs through the real dialog, refuses what blocks.

The seeding helpers are in tests/ui/decision_factories.py, shared with the other signing
dialogs' tests.
"""

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from kcsac.domain.records import ConsumptionPeriod, DecisionKind
from kcsac.domain.status import Status
from kcsac.operations import approvals, users
from kcsac.ui.approval_dialog import ApprovalDialog
from kcsac.ui.password_prompt import PasswordMode
from kcsac.ui.qt_convert import to_qdate
from tests.ui.decision_factories import PASSWORD, desk_for, seed_file, sign_with


def open_dialog(qtbot, store, actor, number, today) -> ApprovalDialog:
    dialog = ApprovalDialog(desk_for(store, actor, today), number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_director_approves_and_the_effective_date_is_the_signature_date(
    qtbot, store, people, today
):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    assert dialog.windowTitle() == f"Approve - {app.number}"
    assert dialog.blockers() == ["Nothing blocks signing."]
    assert dialog.sign_button.isEnabled()
    assert dialog.signed_on() == today
    assert "2026-08-20 (the signature date)" in dialog.effective_label.text()
    # the file is all there: fee, three reviews, the determination, a schedule preview
    assert dialog.findChild(type(dialog.header_label), "balance_value").text() == "$0.00"
    assert dialog.reviews_table.rowCount() == 3
    assert [dialog.reviews_table.item(r, 3).text() for r in range(3)] == ["passed"] * 3
    assert dialog.schedule_model.rowCount() == 3  # May, June, July
    first = dialog.schedule_model.index(0, 0).data(dialog.schedule_model.ROW_ROLE)
    assert first.credited_ccf == Decimal("18")  # 15 % of 120 ccf
    assert dialog.schedule.totals.credit_cents == 3 * first.credit_cents
    assert "credit <b>$696.60</b>" in dialog.schedule_totals_label.text()
    assert "Illustration" in dialog.schedule_caption_label.text()

    with qtbot.waitSignal(dialog.approved) as approved:
        sign_with(qtbot, dialog, PASSWORD)
    assert dialog.result() == ApprovalDialog.DialogCode.Accepted
    decision = approved.args[0]
    assert decision.kind is DecisionKind.APPROVAL
    assert decision.decided_by == "dora"
    assert decision.decided_on == today
    stored = store.get_application(app.number)
    assert stored.status is Status.APPROVED
    assert stored.effective_on == today == decision.effective_on
    assert len(decision.snapshot_sha256) == 64
    assert store.determinations(app.number)[-1].locked


def test_a_past_signature_date_needs_a_reason_and_becomes_the_effective_date(
    qtbot, store, people, today
):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    paper = dt.date(2026, 8, 12)
    dialog.signed_on_edit.setDate(to_qdate(paper))
    assert not dialog.sign_button.isEnabled()
    assert dialog.date_message_label.text() == (
        "A past signature date (recording a paper signature) needs a reason."
    )
    assert dialog.backdated_reason_edit.isEnabled()
    qtbot.keyClicks(dialog.backdated_reason_edit, "paper signature recorded late")
    assert dialog.sign_button.isEnabled()
    assert "2026-08-12 (the signature date)" in dialog.effective_label.text()
    with qtbot.waitSignal(dialog.approved) as approved:
        sign_with(qtbot, dialog, PASSWORD)
    assert approved.args[0].backdated_reason == "paper signature recorded late"
    assert store.get_application(app.number).effective_on == paper


def test_a_future_date_is_refused(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    dialog.signed_on_edit.setDate(to_qdate(today + dt.timedelta(days=1)))
    assert not dialog.sign_button.isEnabled()
    assert "2026-08-21 is in the future" in dialog.date_message_label.text()
    assert dialog.date_message_label.isVisible()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.password_prompt is None
    assert store.get_application(app.number).status is Status.AWAITING_DECISION


def test_a_wrong_password_signs_nothing(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    prompt = sign_with(qtbot, dialog, "not the password")
    assert prompt.isVisible()
    assert prompt.error_label.text() == (
        "The password is not correct; nothing was signed or changed."
    )
    assert dialog.isVisible()
    assert store.decisions(app.number) == []
    assert store.get_application(app.number).status is Status.AWAITING_DECISION
    assert not store.determinations(app.number)[-1].locked
    qtbot.keyClick(prompt, Qt.Key.Key_Escape)
    assert dialog.password_prompt is None
    assert dialog.isVisible()
    assert dialog.decision is None


def test_a_fee_balance_blocks_signing(qtbot, store, people, today):
    app = seed_file(store, people, today, pay=False)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    assert not dialog.sign_button.isEnabled()
    assert any(
        "Fee balance of $250.00 is owed" in text and "60-2(2)(c)" in text
        for text in dialog.blockers()
    )
    assert dialog.findChild(type(dialog.header_label), "balance_value").text() == "$250.00"


def test_a_missing_or_failed_review_blocks_signing(qtbot, store, people, today):
    missing = seed_file(store, people, today, reviews=("passed", "passed"))
    dialog = open_dialog(qtbot, store, people.director, missing.number, today)
    assert not dialog.sign_button.isEnabled()
    assert "Installation inspection not recorded yet" in dialog.blockers()
    assert dialog.reviews_table.item(2, 1).text() == "not recorded"

    failed = seed_file(
        store, people, today, account="1000-02", reviews=("passed", "failed", "passed")
    )
    dialog = open_dialog(qtbot, store, people.director, failed.number, today)
    assert not dialog.sign_button.isEnabled()
    assert any(t.startswith("Plan review failed on 2026-07-30") for t in dialog.blockers())


def test_a_clerk_and_the_determinations_author_cannot_sign(qtbot, store, people, today):
    app = seed_file(store, people, today)
    as_clerk = open_dialog(qtbot, store, people.clerk, app.number, today)
    assert not as_clerk.sign_button.isEnabled()
    assert as_clerk.blockers() == [
        "You cannot sign approvals: your role is clerk; only a reviewer (the director's "
        "representative) or the director can."
    ]
    as_author = open_dialog(qtbot, store, people.reviewer, app.number, today)
    assert not as_author.sign_button.isEnabled()
    assert any("separation of duties" in t for t in as_author.blockers())
    read_only = open_dialog(qtbot, store, None, app.number, today)
    assert not read_only.sign_button.isEnabled()
    assert any("not a kcsac user" in t for t in read_only.blockers())


def test_first_signature_sets_the_password_then_signs(qtbot, store, people, today):
    app = seed_file(store, people, today)
    newcomer = users.add_user(
        store,
        people.admin,
        login="dan",
        name="Dan Deputy",
        title="Deputy Director",
        role="director",
        password=PASSWORD,
        today=today,
    )
    dialog = open_dialog(qtbot, store, newcomer, app.number, today)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    prompt = dialog.password_prompt
    assert prompt._mode is PasswordMode.SET_NEW
    qtbot.keyClicks(prompt.password_edit, "short")
    qtbot.keyClicks(prompt.confirm_edit, "short")
    qtbot.mouseClick(prompt.ok_button, Qt.MouseButton.LeftButton)
    assert "at least 8 characters" in prompt.error_label.text()
    assert store.decisions(app.number) == []
    prompt.password_edit.clear()
    prompt.confirm_edit.clear()
    qtbot.keyClicks(prompt.password_edit, "a long new secret")
    qtbot.keyClicks(prompt.confirm_edit, "a long new secret")
    with qtbot.waitSignal(dialog.approved):
        qtbot.mouseClick(prompt.ok_button, Qt.MouseButton.LeftButton)
    assert store.get_user("dan").has_password
    assert store.get_application(app.number).effective_on == today


def test_a_change_by_another_desk_meanwhile_is_shown_and_nothing_is_signed(
    qtbot, store, people, today, db_path
):
    from kcsac.operations import approvals
    from kcsac.storage import open_store

    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    assert dialog.sign_button.isEnabled()
    other_desk = open_store(db_path)
    try:
        approvals.deny(
            other_desk,
            people.director,
            app.number,
            reasons=["no-diversion"],
            password=PASSWORD,
            today=today,
        )
    finally:
        other_desk.close()
    prompt = sign_with(qtbot, dialog, PASSWORD)
    assert not prompt.isVisible()
    assert dialog.isVisible()
    assert dialog.decision is None
    assert "The application is denied; nothing to sign" in dialog.blockers()
    assert not dialog.sign_button.isEnabled()
    assert [d.kind for d in store.decisions(app.number)] == [DecisionKind.DENIAL]


def test_a_date_before_the_facts_is_shown_before_the_password_and_can_be_corrected(
    qtbot, store, people, today
):
    app = seed_file(store, people, today, facts_by=dt.date(2026, 8, 10))  # reviews 08-08
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    dialog.signed_on_edit.setDate(to_qdate(dt.date(2026, 4, 20)))
    qtbot.keyClicks(dialog.backdated_reason_edit, "paper signature")
    assert dialog.date_message_label.isVisible()
    assert dialog.date_message_label.text() == (
        "The signature date 2026-04-20 is before 2026-08-08, when the site review was done; a "
        "credit cannot take effect before that (Code sec. 60-2(2)(c))."
    )
    assert dialog.blockers() == [
        "Only the signature date blocks signing: see its message under the date."
    ]
    assert not dialog.sign_button.isEnabled()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.password_prompt is None  # no password asked for a date that cannot be signed
    assert store.decisions(app.number) == []
    dialog.signed_on_edit.setDate(to_qdate(dt.date(2026, 8, 10)))  # the signer corrects it
    assert not dialog.date_message_label.isVisible()
    assert dialog.blockers() == ["Nothing blocks signing."]
    with qtbot.waitSignal(dialog.approved):
        sign_with(qtbot, dialog, PASSWORD)
    assert store.get_application(app.number).effective_on == dt.date(2026, 8, 10)


def test_a_future_date_names_today(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    dialog.signed_on_edit.setDate(to_qdate(dt.date(2026, 9, 1)))
    assert "2026-09-01 is in the future (today is 2026-08-20)" in dialog.date_message_label.text()
    assert not dialog.sign_button.isEnabled()


def test_tab_leaves_the_tables_and_reaches_sign_and_f1_opens_help(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = ApprovalDialog(desk_for(store, people.director, today), app.number)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert dialog.focusWidget() is dialog.signed_on_edit or dialog.signed_on_edit.isAncestorOf(
        dialog.focusWidget()
    )
    assert not dialog.reviews_table.tabKeyNavigation()
    assert not dialog.schedule_table.tabKeyNavigation()
    dialog.reviews_table.setFocus()
    seen = []
    for _press in range(40):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
        if dialog.focusWidget() is dialog.sign_button:
            break
    assert dialog.focusWidget() is dialog.sign_button, [w.objectName() for w in seen]
    assert dialog.help_button not in seen  # Sign comes before Help
    assert len(seen) < 10
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_F1)
    help_dialog = dialog._help.last_dialog
    qtbot.addWidget(help_dialog)
    assert help_dialog.isVisible()
    assert "Determination" in help_dialog.windowTitle()
    help_dialog.close()
    dialog._help.last_dialog = None
    qtbot.mouseClick(dialog.help_button, Qt.MouseButton.LeftButton)
    assert dialog._help.last_dialog is not None
    assert dialog._help.last_dialog.isVisible()
    qtbot.addWidget(dialog._help.last_dialog)


def test_signing_by_keyboard_alone(qtbot, store, people, today):
    app = seed_file(store, people, today)
    dialog = ApprovalDialog(desk_for(store, people.director, today), app.number)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.signed_on_edit or dialog.signed_on_edit.isAncestorOf(
        dialog.focusWidget()
    )
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    # a mnemonic "animates" the click: the button is clicked about 100 ms later
    qtbot.waitUntil(lambda: dialog.password_prompt is not None)
    prompt = dialog.password_prompt
    qtbot.waitUntil(prompt.password_edit.hasFocus)
    qtbot.keyClicks(prompt.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.approved):
        qtbot.keyClick(prompt.password_edit, Qt.Key.Key_Return)
    assert store.get_application(app.number).status is Status.APPROVED


def test_the_preview_runs_from_the_signature_date_when_periods_exist(qtbot, store, people, today):
    app = seed_file(store, people, today)
    store.put_consumption(
        [ConsumptionPeriod("1000-01", dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal("124"))]
    )
    dialog = open_dialog(qtbot, store, people.director, app.number, today)
    assert dialog.schedule_caption_label.text() == (
        "Billing periods from the effective date 2026-08-20."
    )
    assert dialog.schedule_model.rowCount() == 1
    august = dialog.schedule_model.index(0, 0).data(dialog.schedule_model.ROW_ROLE)
    assert august.days_credited == 12  # 20 to 31 August: the credit is prospective only
    dialog.signed_on_edit.setDate(to_qdate(dt.date(2026, 8, 10)))
    august = dialog.schedule_model.index(0, 0).data(dialog.schedule_model.ROW_ROLE)
    assert august.days_credited == 22


def test_a_period_credited_twice_is_an_error_in_the_signing_preview(qtbot, store, people, today):
    """Rule 6: a car wash (60 %) signed on the account; the laundry (50 %) awaiting its
    signature would credit 110 ccf of September's 100: the preview says so first, naming
    both credits, and September is not among its rows."""
    from kcsac.operations.determinations import enter_determination
    from tests.operations.conftest import make_file

    numbers = []
    for category, percent in (("car-wash", "60"), ("laundry", "50")):
        app = make_file(store, people, today, category=category, determination=False)
        enter_determination(
            store,
            people.reviewer,
            app.number,
            method="percentage",
            percent=percent,
            justification="measured",
            today=dt.date(2026, 7, 15),
        )
        numbers.append(app.number)
    wash, laundry = numbers
    approvals.approve(
        store,
        people.director,
        wash,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 1),
        backdated_reason="paper signature",
    )
    account = store.get_application(wash).account
    store.put_consumption(
        [
            ConsumptionPeriod(account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(100)),
            ConsumptionPeriod(account, dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal(100)),
        ]
    )
    dialog = open_dialog(qtbot, store, people.director, laundry, today)
    caption = dialog.schedule_caption_label.text()
    assert caption.startswith("Error: 1 period(s) credited twice.")
    assert f"credited twice: {laundry} and {wash} together credit" in caption
    assert "darkred" in dialog.schedule_caption_label.styleSheet()
    rows = [
        dialog.schedule_model.index(r, 0).data() for r in range(dialog.schedule_model.rowCount())
    ]
    assert rows == ["2026-08-01 to 2026-08-31"]
