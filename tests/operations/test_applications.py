"""Keying a file: submission and fee, payments, corrections, reviews, readings, previews."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from kcsac.domain.records import ConsumptionPeriod
from kcsac.domain.status import Status
from kcsac.operations import meters, previews
from kcsac.operations.determinations import enter_determination
from kcsac.operations.errors import InvalidInput, Refused, StaleRecord
from kcsac.operations.intake import (
    create_application,
    submit_application,
    update_application,
    withdraw,
)
from kcsac.operations.payments import record_payment, reverse_payment
from kcsac.operations.queries import application_detail
from kcsac.operations.reviews import record_review
from kcsac.storage import open_store
from tests.operations.conftest import make_file


def test_submission_assesses_the_fee_in_force_on_the_received_date(store, people, today):
    app = make_file(
        store,
        people,
        today,
        category="water-to-product",
        pay=False,
        reviews=False,
        determination=False,
    )
    assert app.fee_cents == 125000
    assert app.status is Status.AWAITING_FEE
    assert "60-2(2)(c)" in app.fee_note
    [fee] = application_detail(store, app.number).fees
    assert (fee.cents, fee.assessed_on, fee.table_effective_on) == (
        125000,
        dt.date(2026, 6, 1),
        dt.date(2026, 5, 1),
    )
    assert fee.ordinance == "Ordinance 260209"
    assert fee.assessed_by == "carl"
    early = create_application(
        store, people.clerk, account="1000-01", category="car-wash", today=today
    )
    early = submit_application(
        store, people.clerk, early.number, received_on=dt.date(2026, 4, 30), today=today
    )
    assert early.fee_cents is None
    assert "no rate table" in early.fee_note
    detail = application_detail(store, early.number)
    assert detail.next_step == "Set the fee the ordinance does not set"
    assert any("Fee not set" in b.message for b in detail.blockers)


def test_a_future_received_date_is_refused(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    other = create_application(
        store, people.clerk, account=app.account, category="laundry", today=today
    )
    with pytest.raises(InvalidInput, match="future"):
        submit_application(
            store, people.clerk, other.number, received_on=today + dt.timedelta(days=1), today=today
        )


def test_payments_move_the_file_and_overpaying_needs_a_reason(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    with pytest.raises(InvalidInput, match="more than the balance"):
        record_payment(
            store,
            people.clerk,
            app.number,
            amount_cents=25001,
            paid_on=today,
            receipt_no="R1",
            method="cash",
            today=today,
        )
    half = record_payment(
        store,
        people.clerk,
        app.number,
        amount_cents=12500,
        paid_on=today,
        receipt_no="R1",
        method="cash",
        today=today,
    )
    assert half.status is Status.AWAITING_FEE
    assert half.balance_cents == 12500
    with pytest.raises(Exception, match="already recorded"):
        record_payment(
            store,
            people.clerk,
            app.number,
            amount_cents=100,
            paid_on=today,
            receipt_no="R1",
            method="cash",
            today=today,
        )
    paid = record_payment(
        store,
        people.clerk,
        app.number,
        amount_cents=12500,
        paid_on=today,
        receipt_no="R2",
        method="card",
        today=today,
    )
    assert paid.status is Status.IN_REVIEW
    assert paid.balance_cents == 0
    assert [p.receipt_no for p in store.payments(app.number)] == ["R1", "R2"]


def test_corrections_after_submission_need_a_reason_and_are_audited(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    edited = dataclasses.replace(app, details={"bays": "6"})
    with pytest.raises(InvalidInput, match="reason"):
        update_application(store, people.clerk, edited, today=today)
    saved = update_application(store, people.clerk, edited, reason="form said 6 bays", today=today)
    assert saved.details == {"bays": "6"}
    assert saved.version == app.version + 1
    last = store.timeline(app.number)[-1]
    assert last.action == "application corrected"
    assert last.reason == "form said 6 bays"
    assert last.changes() == [("details", "{}", '{"bays": "6"}')]
    assert '"bays":"6"' in last.after
    assert '"bays"' not in last.before


def test_a_stale_application_save_names_who_changed_it(store, people, today, db_path):
    from kcsac.storage import open_store

    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    other_window = open_store(db_path)
    theirs = other_window.get_application(app.number)
    update_application(
        other_window,
        people.reviewer,
        dataclasses.replace(theirs, details={"bays": "3"}),
        reason="site visit",
        today=today,
    )
    other_window.close()
    with pytest.raises(StaleRecord, match="changed by rita"):
        update_application(
            store,
            people.clerk,
            dataclasses.replace(app, details={"bays": "9"}),
            reason="phone call",
            today=today,
        )
    assert store.get_application(app.number).details == {"bays": "3"}


def test_a_failed_review_needs_notes_and_blocks(store, people, today):
    app = make_file(store, people, today, reviews=False, determination=False)
    with pytest.raises(InvalidInput, match="why the review failed"):
        record_review(
            store,
            people.reviewer,
            app.number,
            kind="site",
            reviewed_on=today,
            result="failed",
            today=today,
        )
    with pytest.raises(Exception, match="clerk"):
        record_review(
            store,
            people.clerk,
            app.number,
            kind="site",
            reviewed_on=today,
            result="passed",
            today=today,
        )


def test_determination_checks_its_terms(store, people, today):
    app = make_file(store, people, today, determination=False)
    with pytest.raises(InvalidInput, match="percent"):
        enter_determination(
            store,
            people.reviewer,
            app.number,
            method="percentage",
            percent="150",
            justification="x",
            today=today,
        )
    with pytest.raises(InvalidInput, match="justification"):
        enter_determination(
            store, people.reviewer, app.number, method="percentage", percent="15", today=today
        )
    first = enter_determination(
        store, people.reviewer, app.number, method="fixed", fixed_ccf="12", today=today
    )
    second = enter_determination(
        store,
        people.reviewer,
        app.number,
        method="fixed",
        fixed_ccf="14",
        today=today,
        expected_version=first.version,
    )
    assert second.id == first.id
    assert second.fixed_ccf == 14
    assert store.get_application(app.number).status is Status.AWAITING_DECISION


def test_withdrawal_needs_a_reason_and_closes_the_file(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    with pytest.raises(InvalidInput):
        withdraw(store, people.clerk, app.number, reason="", today=today)
    done = withdraw(store, people.clerk, app.number, reason="site sold", today=today)
    assert done.status is Status.WITHDRAWN
    with pytest.raises(Refused, match="no longer"):
        update_application(store, people.clerk, done, reason="x", today=today)


def test_readings_lower_than_before_need_a_replacement_mark(store, people, today):
    app = make_file(store, people, today, category="irrigation", determination=False)
    meter = meters.add_meter(
        store,
        people.clerk,
        app.number,
        role="irrigation",
        serial="S1",
        unit="gal",
        today=today,
        activation_reading="1000",
    )
    meters.record_reading(
        store, people.clerk, meter.id, read_on=dt.date(2026, 7, 31), value="5000", today=today
    )
    with pytest.raises(InvalidInput, match="lower than the previous"):
        meters.record_reading(
            store, people.clerk, meter.id, read_on=dt.date(2026, 8, 15), value="20", today=today
        )
    meters.record_reading(
        store,
        people.clerk,
        meter.id,
        read_on=dt.date(2026, 8, 15),
        value="20",
        replacement=True,
        note="new register",
        today=today,
    )
    assert [r.value for r in store.readings(meter.id)] == [5000, 20]


def test_the_signing_preview_uses_the_stored_periods(store, people, today):
    app = make_file(store, people, today)
    store.put_consumption(
        [ConsumptionPeriod(app.account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(96))]
    )
    preview = previews.signing_preview(
        store, app.number, today=today, signed_on=dt.date(2026, 8, 12)
    )
    assert preview.ok
    [row] = preview.lines
    assert row.credit_cents == 11985  # RULES.md worked example 1
    empty = make_file(store, people, today, account="1000-02")
    missing = previews.signing_preview(store, empty.number, today=today, signed_on=today)
    assert not missing.ok
    assert "No billing periods imported" in missing.message


def test_a_payment_is_reversed_not_edited(store, people, today):
    app = make_file(store, people, today, reviews=False, determination=False)
    [payment] = store.payments(app.number)
    with pytest.raises(InvalidInput, match="why"):
        reverse_payment(store, people.clerk, payment.id, reason=" ", today=today)
    back = reverse_payment(store, people.clerk, payment.id, reason="check bounced", today=today)
    assert back.status is Status.AWAITING_FEE
    assert back.balance_cents == 25000
    [kept] = store.payments(app.number)
    assert not kept.counts
    assert kept.reversal_reason == "check bounced"
    assert store.timeline(app.number)[-1].reason == "check bounced"
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        store.conn.execute("UPDATE payments SET amount_cents = 1")


def _pay(store, clerk, number, today, cents, receipt, reason=""):
    return record_payment(
        store,
        clerk,
        number,
        amount_cents=cents,
        paid_on=today,
        receipt_no=receipt,
        method="check",
        today=today,
        reason=reason,
    )


def test_an_overpayment_is_taken_only_with_a_reason_which_is_audited(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    for blank in ("", "   "):
        with pytest.raises(InvalidInput) as refused:
            _pay(store, people.clerk, app.number, today, 30000, "R-OVER", blank)
        [problem] = refused.value.problems
        assert problem.field == "reason"
        assert "$300.00" in problem.message
        assert "balance owed ($250.00)" in problem.message
    assert store.payments(app.number) == [], "nothing is saved when refused"
    assert store.get_application(app.number).paid_cents == 0

    paid = _pay(store, people.clerk, app.number, today, 30000, "R-OVER", " also pays the next ")
    assert (paid.paid_cents, paid.balance_cents, paid.status) == (30000, -5000, Status.IN_REVIEW)
    [payment] = store.payments(app.number)
    confirmed = [e for e in store.timeline(app.number) if e.action == "payment confirmed"]
    assert len(confirmed) == 1
    assert confirmed[0].entity_id == str(payment.id)
    assert confirmed[0].reason == (
        "The amount ($300.00) is more than the balance owed ($250.00): also pays the next"
    )
    assert store.verify_audit().ok


def test_a_payment_on_a_withdrawn_application_needs_a_reason(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    withdraw(store, people.clerk, app.number, reason="site sold", today=today)
    with pytest.raises(InvalidInput, match="is withdrawn"):
        _pay(store, people.clerk, app.number, today, 1000, "R-W1")
    assert store.payments(app.number) == []
    paid = _pay(store, people.clerk, app.number, today, 1000, "R-W1", "check was in the mail")
    assert paid.status is Status.WITHDRAWN, "paying does not reopen a withdrawn file"
    assert paid.paid_cents == 1000
    [event] = [e for e in store.timeline(app.number) if e.action == "payment confirmed"]
    assert event.reason == f"Application {app.number} is withdrawn: check was in the mail"


def test_a_draft_keeps_its_received_date_and_submit_assesses_the_fee_on_it(
    store, people, today, db_path
):
    make_file(store, people, today, pay=False, reviews=False, determination=False)
    with pytest.raises(
        InvalidInput,
        match="2026-08-21 is in the future; the received date must be on or before today",
    ):
        create_application(
            store,
            people.clerk,
            account="1000-01",
            category="laundry",
            today=today,
            received_on=today + dt.timedelta(days=1),
        )
    draft = create_application(
        store,
        people.clerk,
        account="1000-01",
        category="laundry",
        today=today,
        received_on=dt.date(2026, 4, 20),
    )
    moved = update_application(
        store,
        people.clerk,
        dataclasses.replace(draft, received_on=dt.date(2026, 6, 3)),
        today=today,
    )
    with pytest.raises(InvalidInput, match="future"):
        update_application(
            store,
            people.clerk,
            dataclasses.replace(moved, received_on=today.replace(day=21)),
            today=today,
        )
    store.close()
    store = open_store(db_path)  # what was stored, read back from the file
    assert store.get_application(draft.number).received_on == dt.date(2026, 6, 3)
    submitted = submit_application(store, people.clerk, draft.number, today=today)
    assert (submitted.received_on, submitted.fee_cents) == (dt.date(2026, 6, 3), 25000)
    [fee] = store.fee_assessments(draft.number)
    assert fee.assessed_on == dt.date(2026, 6, 3)
    with pytest.raises(Refused, match="received date of a submitted application cannot"):
        update_application(
            store,
            people.clerk,
            dataclasses.replace(submitted, received_on=dt.date(2026, 6, 1)),
            reason="typo",
            today=today,
        )
    undated = create_application(
        store, people.clerk, account="1000-01", category="laundry", today=today
    )
    with pytest.raises(InvalidInput, match=f"Say when application {undated.number} was received"):
        submit_application(store, people.clerk, undated.number, today=today)
    store.close()


def _new_account(number: str = "7000-01"):
    from kcsac.domain.customer_class import AccountClass, CustomerClass
    from kcsac.domain.records import Account

    return Account(
        number, "Spotless Wash LLC", "42 Oak St", AccountClass.COMMERCIAL, CustomerClass.RESIDENT
    )


def _draft(account: str, **changes):
    from kcsac.domain.category import Category
    from kcsac.domain.records import SacApplication

    fields = {"received_on": dt.date(2026, 8, 3), "details": {"bays": "3"}, **changes}
    return SacApplication("", Category.CAR_WASH, Status.DRAFT, account, **fields)


def test_save_draft_adds_the_account_and_the_draft_in_one_transaction(store, people, today):
    from kcsac.operations.intake import save_draft

    account = _new_account()
    saved = save_draft(store, people.clerk, account=account, draft=_draft("7000-01"), today=today)
    assert saved.number.startswith("SAC-2026-")
    assert (saved.account, saved.details, saved.status) == ("7000-01", {"bays": "3"}, Status.DRAFT)
    assert store.get_account("7000-01").customer == "Spotless Wash LLC"
    rows = [
        e
        for e in store.audit_events(limit=100)
        if e.action in ("account added", "application created")
    ]
    assert [e.action for e in rows] == ["account added", "application created"]
    assert rows[0].operation == rows[1].operation  # one write transaction

    # Saved again with nothing changed: nothing is written.
    audit = len(store.audit_events(limit=10_000))
    again = save_draft(store, people.clerk, account=account, draft=saved, today=today)
    assert again.version == saved.version
    assert len(store.audit_events(limit=10_000)) == audit
    # A change is an edit of the stored draft (as read, with its version).
    edited = save_draft(
        store,
        people.clerk,
        account=account,
        draft=dataclasses.replace(saved, paperwork={"site plan": True}),
        today=today,
    )
    assert (edited.number, edited.version) == (saved.number, saved.version + 1)
    assert store.get_application(saved.number).paperwork == {"site plan": True}


def test_a_draft_refused_by_save_draft_leaves_no_account_behind(store, people, today):
    from kcsac.operations.intake import save_draft

    audit = len(store.audit_events(limit=10_000))
    future = _draft("7000-02", received_on=today + dt.timedelta(days=1))
    with pytest.raises(InvalidInput) as refused:
        save_draft(store, people.clerk, account=_new_account("7000-02"), draft=future, today=today)
    assert [p.field for p in refused.value.problems] == ["received_on"]
    assert store.find_account("7000-02") is None
    assert len(store.audit_events(limit=10_000)) == audit


def test_a_stale_draft_moved_to_a_new_account_stores_neither(store, people, today):
    from kcsac.operations.intake import save_draft

    first = save_draft(
        store, people.clerk, account=_new_account(), draft=_draft("7000-01"), today=today
    )
    update_application(
        store, people.clerk, dataclasses.replace(first, details={"bays": "4"}), today=today
    )  # another desk saved it meanwhile
    moved = dataclasses.replace(first, account="7000-03")  # still the version read before
    with pytest.raises(StaleRecord):
        save_draft(store, people.clerk, account=_new_account("7000-03"), draft=moved, today=today)
    assert store.find_account("7000-03") is None
    assert store.get_application(first.number).account == "7000-01"
