"""Signing, denial, reopening, amendment, revocation and ownership change (issue 6)."""

import datetime as dt
import hashlib
import sqlite3

import pytest

from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.operations import approvals, ownership
from kcsac.operations.accounts import add_account, update_account
from kcsac.operations.determinations import enter_determination
from kcsac.operations.documents.issuing import (
    AMENDMENT,
    APPROVAL,
    DENIAL,
    issue,
    issued_documents,
    letter_for,
    render_issued,
)
from kcsac.operations.documents.letters import build_approval_letter
from kcsac.operations.errors import InvalidInput, NotPermitted, Refused, WrongPassword
from kcsac.operations.intake import submit_application
from kcsac.operations.payments import record_payment, set_fee
from kcsac.operations.queries import application_detail
from kcsac.operations.reviews import record_review
from kcsac.operations.signing_rules import blockers_to_sign
from tests.operations.conftest import PASSWORD, make_file
from tests.pdf.pdftools import all_text, missing


def test_director_signs_and_the_credit_is_effective_on_the_signature_date(
    store, people, ready, today
):
    decision = approvals.approve(
        store, people.director, ready.number, password=PASSWORD, today=today
    )
    app = store.get_application(ready.number)
    assert app.status is Status.APPROVED
    assert app.effective_on == today == decision.effective_on == decision.decided_on
    assert decision.kind is DecisionKind.APPROVAL
    assert decision.decided_by == "dora"
    assert decision.role == "director"
    assert decision.snapshot_sha256 == hashlib.sha256(decision.snapshot_json.encode()).hexdigest()
    assert store.determinations(ready.number)[-1].locked
    actions = [e.action for e in store.timeline(ready.number)]
    assert "approval recorded" in actions
    assert "approved (signed)" in actions
    assert store.verify_audit().ok


def test_a_clerk_cannot_approve(store, people, ready, today):
    with pytest.raises(NotPermitted, match="clerk"):
        approvals.approve(store, people.clerk, ready.number, password=PASSWORD, today=today)
    assert store.get_application(ready.number).status is Status.AWAITING_DECISION


def test_an_unknown_login_is_read_only(store, people, ready, today):
    with pytest.raises(NotPermitted, match="read-only"):
        record_payment(
            store,
            None,
            ready.number,
            amount_cents=1,
            paid_on=today,
            receipt_no="X",
            method="cash",
            today=today,
        )


def test_who_entered_the_determination_cannot_sign_it(store, people, ready, today):
    with pytest.raises(Refused, match="separation of duties"):
        approvals.approve(store, people.reviewer, ready.number, password=PASSWORD, today=today)
    assert store.decisions(ready.number) == []


def test_no_approval_with_a_fee_balance(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    record_payment(
        store,
        people.clerk,
        app.number,
        amount_cents=10000,
        paid_on=dt.date(2026, 6, 2),
        receipt_no="R-part",
        method="cash",
        today=today,
    )
    with pytest.raises(Refused, match=r"balance of \$150.00"):
        approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)


def test_no_approval_with_a_missing_or_failed_review(store, people, today):
    app = make_file(store, people, today, reviews=False, determination=False)
    record_review(
        store,
        people.reviewer,
        app.number,
        kind="site",
        reviewed_on=dt.date(2026, 7, 1),
        result="failed",
        notes="no separator",
        today=today,
    )
    enter_determination(
        store,
        people.reviewer,
        app.number,
        method="percentage",
        percent="10",
        justification="estimate",
        today=today,
    )
    blockers = blockers_to_sign(store, app.number, people.director)
    messages = " | ".join(b.message for b in blockers)
    assert "Site review failed" in messages
    assert "Plan review not recorded" in messages
    assert "Installation inspection not recorded" in messages
    with pytest.raises(Refused):
        approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)


def test_eligibility_problems_block_signing(store, people, today):
    app = make_file(store, people, today, account="2000-01", storm=True)
    with pytest.raises(Refused, match="storm sewer"):
        approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)


def test_a_wrong_password_signs_nothing(store, people, ready, today):
    audit_rows = len(store.audit_events(limit=10_000))
    with pytest.raises(WrongPassword):
        approvals.approve(store, people.director, ready.number, password="wrong", today=today)
    assert store.decisions(ready.number) == []
    assert not store.determinations(ready.number)[-1].locked
    assert len(store.audit_events(limit=10_000)) == audit_rows


def test_a_past_signature_date_cannot_precede_the_reviews(store, people, ready, today):
    with pytest.raises(
        Refused, match=r"before 2026-07-01, when the \w+ (review|inspection) was done"
    ):
        approvals.approve(
            store,
            people.director,
            ready.number,
            password=PASSWORD,
            today=today,
            signed_on=dt.date(2026, 6, 30),
            backdated_reason="paper copy",
        )
    assert store.decisions(ready.number) == []


def test_a_future_signature_date_is_refused(store, people, ready, today):
    with pytest.raises(Refused, match="future"):
        approvals.approve(
            store,
            people.director,
            ready.number,
            password=PASSWORD,
            today=today,
            signed_on=today + dt.timedelta(days=1),
        )


def test_a_past_signature_date_needs_a_reason_and_is_marked(store, people, ready, today):
    past = today - dt.timedelta(days=3)
    with pytest.raises(InvalidInput, match="reason"):
        approvals.approve(
            store, people.director, ready.number, password=PASSWORD, today=today, signed_on=past
        )
    decision = approvals.approve(
        store,
        people.director,
        ready.number,
        password=PASSWORD,
        today=today,
        signed_on=past,
        backdated_reason="paper signature of Aug 17",
    )
    assert decision.backdated_reason == "paper signature of Aug 17"
    assert store.get_application(ready.number).effective_on == past


def test_a_signed_determination_cannot_be_edited(store, people, ready, today):
    approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    signed = store.determinations(ready.number)[-1]
    with pytest.raises(sqlite3.IntegrityError, match="signed determination"):
        store.conn.execute("UPDATE determinations SET percent = '50' WHERE id = ?", (signed.id,))
    with pytest.raises(sqlite3.IntegrityError, match="permanent"):
        store.conn.execute("DELETE FROM decisions")


def test_an_amendment_is_a_new_decision_with_its_own_signature(store, people, ready, today):
    approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    later = today + dt.timedelta(days=30)
    new = enter_determination(
        store,
        people.reviewer,
        ready.number,
        method="percentage",
        percent="20",
        justification="new bays",
        today=later,
    )
    first = store.determinations(ready.number)[0]
    assert new.amends == first.id
    assert not new.locked
    assert first.percent == 15  # the signed one is untouched
    detail = application_detail(store, ready.number, people.director)
    assert detail.next_step == "Sign the amendment"
    decision = approvals.approve(
        store, people.director, ready.number, password=PASSWORD, today=later
    )
    assert decision.kind is DecisionKind.AMENDMENT
    assert decision.effective_on == later
    app = store.get_application(ready.number)
    assert app.status is Status.APPROVED
    assert app.effective_on == today
    assert [d.kind for d in store.decisions(ready.number)] == [
        DecisionKind.APPROVAL,
        DecisionKind.AMENDMENT,
    ]


def test_denial_records_reasons_with_citations_and_reopen_is_director_only(store, people, today):
    app = make_file(store, people, today, account="3000-01", account_class="residential")
    decision = approvals.deny(
        store,
        people.reviewer,
        app.number,
        reasons=["residential", "Applicant asked for too much"],
        password=PASSWORD,
        today=today,
    )
    assert decision.kind is DecisionKind.DENIAL
    assert "60-2(2)(c)" in decision.reasons[0]
    assert decision.reasons[1] == "Applicant asked for too much"
    assert store.get_application(app.number).status is Status.DENIED
    with pytest.raises(NotPermitted):
        approvals.reopen(
            store, people.reviewer, app.number, reason="new facts", password=PASSWORD, today=today
        )
    with pytest.raises(InvalidInput):
        approvals.reopen(
            store, people.director, app.number, reason=" ", password=PASSWORD, today=today
        )
    reopened = approvals.reopen(
        store,
        people.director,
        app.number,
        reason="account reclassed",
        password=PASSWORD,
        today=today,
    )
    assert reopened.status is Status.AWAITING_DECISION
    assert store.decisions(app.number)[-1].kind is DecisionKind.REOPEN
    assert store.timeline(app.number)[-1].reason == "account reclassed"


def test_revocation_ends_the_credit_the_day_before(store, people, ready, today):
    approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    with pytest.raises(NotPermitted):
        approvals.revoke(
            store,
            people.reviewer,
            ready.number,
            from_on=dt.date(2026, 10, 1),
            reason="no readings",
            password=PASSWORD,
            today=today,
        )
    app = approvals.revoke(
        store,
        people.director,
        ready.number,
        from_on=dt.date(2026, 10, 1),
        reason="failed to report readings",
        password=PASSWORD,
        today=dt.date(2026, 10, 1),
    )
    assert app.status is Status.REVOKED
    assert app.ended_on == dt.date(2026, 9, 30)
    assert store.decisions(ready.number)[-1].kind is DecisionKind.REVOCATION


def _ownership_file(store, people, today, prior, customer_class="resident"):
    add_account(
        store,
        people.clerk,
        number="9000-01",
        customer="New Owner LLC",
        service_address="01 Main St",
        account_class="commercial",
        customer_class=customer_class,
        today=today,
    )
    app = ownership.create_ownership_change(
        store,
        people.clerk,
        prior_application=prior,
        new_account="9000-01",
        transfer_on=dt.date(2026, 9, 15),
        today=today,
    )
    return submit_application(
        store, people.clerk, app.number, received_on=dt.date(2026, 8, 20), today=today
    )


def test_ownership_change_moves_the_credit_from_the_transfer_date(store, people, ready, today):
    approvals.approve(
        store,
        people.director,
        ready.number,
        password=PASSWORD,
        today=dt.date(2026, 8, 1),
        signed_on=dt.date(2026, 8, 1),
    )
    change = _ownership_file(store, people, today, ready.number)
    assert change.fee_cents == 60000  # resident ownership change
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
    assert store.get_application(change.number).status is Status.AWAITING_DECISION
    approvals.approve(store, people.director, change.number, password=PASSWORD, today=today)
    new, old = store.get_application(change.number), store.get_application(ready.number)
    assert new.status is Status.APPROVED
    assert new.effective_on == dt.date(2026, 9, 15)
    assert old.status is Status.ENDED
    assert old.ended_on == dt.date(2026, 9, 14)
    carried = store.determinations(change.number)[-1]
    assert carried.locked
    assert carried.percent == 15
    assert store.decisions(ready.number)[-1].kind is DecisionKind.OWNERSHIP_CHANGE
    assert store.verify_audit().ok


def test_nonresident_ownership_change_is_flagged_fee_not_set(store, people, ready, today):
    approvals.approve(
        store,
        people.director,
        ready.number,
        password=PASSWORD,
        today=dt.date(2026, 8, 1),
        signed_on=dt.date(2026, 8, 1),
    )
    change = _ownership_file(
        store, people, today, ready.number, customer_class="nonresident-direct"
    )
    assert change.fee_cents is None
    assert "sets no" in change.fee_note
    assert "fee" in change.fee_note
    blockers = blockers_to_sign(store, change.number, people.director)
    assert any("director must decide the fee" in b.message for b in blockers)
    with pytest.raises(NotPermitted):
        set_fee(
            store, people.clerk, change.number, cents=0, reason="x", password=PASSWORD, today=today
        )
    decided = set_fee(
        store,
        people.director,
        change.number,
        cents=0,
        reason="no fee: ordinance sets none",
        password=PASSWORD,
        today=today,
    )
    assert decided.status is Status.AWAITING_DECISION
    fees = store.fee_assessments(change.number)
    assert [f.cents for f in fees] == [None, 0]
    assert "sets no" in fees[0].note
    assert fees[1].note == "decided by the director: no fee: ordinance sets none"
    approvals.approve(store, people.director, change.number, password=PASSWORD, today=today)
    assert store.get_application(ready.number).status is Status.ENDED


def test_ownership_change_needs_an_approved_prior_credit(store, people, ready, today):
    add_account(
        store,
        people.clerk,
        number="9100-01",
        customer="Buyer Inc",
        service_address="1 Oak St",
        account_class="commercial",
        customer_class="resident",
        today=today,
    )
    with pytest.raises(Refused, match="is awaiting decision, not an approved credit"):
        ownership.create_ownership_change(
            store,
            people.clerk,
            prior_application=ready.number,
            new_account="9100-01",
            transfer_on=today,
            today=today,
        )


def test_two_desks_cannot_both_sign(store, people, ready, today, db_path):
    from kcsac.storage import open_store

    other = open_store(db_path)
    approvals.approve(other, people.director, ready.number, password=PASSWORD, today=today)
    other.close()
    with pytest.raises(Refused, match="approved; nothing to sign"):
        approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    assert len(store.decisions(ready.number)) == 1


def test_after_approval_the_next_step_asks_for_readings_only_for_metered_methods(
    store, people, ready, today
):
    """A new-user trial saw "record readings" on a percentage credit with no meters."""
    approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    detail = application_detail(store, ready.number, people.director)
    assert detail.current_determination.method.value == "percentage"
    assert detail.next_step.startswith("Nothing due")


# --- the decision letter is frozen inside the signing transaction -----------------------------


def _rename_account(store, people, number, today):
    """An edit to the account after the decision: a letter built now would show it."""
    from dataclasses import replace

    acct = store.get_account(store.get_application(number).account)
    update_account(
        store,
        people.clerk,
        replace(acct, customer="Renamed Co", service_address="999 Elm St, Kansas City, MO"),
        today=today,
    )


def test_the_approval_letter_is_frozen_when_the_director_signs(store, people, ready, today):
    signed = dt.date(2026, 8, 12)
    decision = approvals.approve(
        store,
        people.director,
        ready.number,
        password=PASSWORD,
        today=today,
        signed_on=signed,
        backdated_reason="paper signature at the site",
    )
    [issued] = issued_documents(store, ready.number)
    assert issued.kind == APPROVAL
    assert issued.decision_id == decision.id
    assert issued.issued_by == "dora"
    assert issued.snapshot.letter_on == signed  # dated the signature, not the day keyed
    assert issued.snapshot.signature.signed_on == signed
    events = [e for e in store.timeline(ready.number) if e.entity == "document"]
    assert [e.action for e in events] == ["approval-letter issued", "approval-letter PDF rendered"]
    assert all(e.entity_id == str(issued.id) for e in events)

    _rename_account(store, people, ready.number, today)
    fresh = build_approval_letter(store, ready.number, letter_on=today)
    assert fresh.addressee.customer_name == "Renamed Co"  # what printing used to freeze
    printed = letter_for(store, "dora", ready.number, today=today + dt.timedelta(days=30))
    assert printed.id == issued.id
    text = all_text(render_issued(printed))
    assert missing(text, ["Customer 1000-01", "01 Main St", "August 12, 2026"]) == []
    assert "Renamed Co" not in text
    assert "999 Elm St" not in text
    assert len(issued_documents(store, ready.number)) == 1
    assert store.verify_snapshots() == []
    assert store.verify_audit().ok


def test_the_denial_letter_is_frozen_with_the_denial(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    decided = dt.date(2026, 8, 14)
    decision = approvals.deny(
        store,
        people.director,
        app.number,
        reasons=["fee-unpaid"],
        note="customer phoned",
        password=PASSWORD,
        today=today,
        decided_on=decided,
    )
    [issued] = issued_documents(store, app.number)
    assert (issued.kind, issued.decision_id) == (DENIAL, decision.id)
    assert issued.snapshot.letter_on == decided
    assert issued.snapshot.decided_on == decided
    assert "denial-letter issued" in [e.action for e in store.timeline(app.number)]
    _rename_account(store, people, app.number, today)
    printed = letter_for(store, None, app.number, today=today)  # anyone may print it
    assert printed.id == issued.id
    text = all_text(render_issued(printed))
    assert missing(text, ["Customer 1000-01", "denied", "August 14, 2026"]) == []
    assert "Renamed Co" not in text


def test_a_free_text_denial_reason_carries_no_citation_nobody_gave(store, people, today):
    """Only the listed reasons cite the ordinance; the director's own words are printed as
    written, not under a section the director did not choose."""
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    approvals.deny(
        store,
        people.director,
        app.number,
        reasons=["fee-unpaid", "Irrigation meter not installed per plan"],
        password=PASSWORD,
        today=today,
    )
    letter = letter_for(store, None, app.number, today=today).snapshot
    by_message = {r.message: r.citation for r in letter.reasons}
    assert by_message["Irrigation meter not installed per plan"] == ""
    listed, citation = approvals.DENIAL_REASONS["fee-unpaid"]
    assert by_message[f"{listed}."] == citation


def test_a_refused_signature_or_denial_issues_no_letter(store, people, ready, today):
    audit_rows = len(store.audit_events(limit=10_000))
    with pytest.raises(WrongPassword):
        approvals.approve(store, people.director, ready.number, password="wrong", today=today)
    with pytest.raises(Refused, match="separation of duties"):
        approvals.approve(store, people.reviewer, ready.number, password=PASSWORD, today=today)
    with pytest.raises(NotPermitted):
        approvals.deny(
            store,
            people.clerk,
            ready.number,
            reasons=["fee-unpaid"],
            password=PASSWORD,
            today=today,
        )
    assert issued_documents(store, ready.number) == []
    assert len(store.audit_events(limit=10_000)) == audit_rows
    with pytest.raises(Refused, match="a letter is issued once it is approved or denied"):
        letter_for(store, "dora", ready.number, today=today)


def test_an_amendment_freezes_its_own_letter(store, people, ready, today):
    first = approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    later = today + dt.timedelta(days=30)
    enter_determination(
        store,
        people.reviewer,
        ready.number,
        method="percentage",
        percent="20",
        justification="new bays",
        today=later,
    )
    amended = approvals.approve(
        store, people.director, ready.number, password=PASSWORD, today=later
    )
    letters = issued_documents(store, ready.number)
    assert [d.decision_id for d in letters] == [first.id, amended.id]
    assert letters[1].snapshot.letter_on == later
    assert letters[1].kind == AMENDMENT
    assert letters[1].snapshot.method_parameters[0].value.startswith("20%")
    assert letters[1].snapshot.previous_parameters[0].value.startswith("15%")
    assert letters[1].snapshot.effective_on == later
    assert letter_for(store, None, ready.number, today=later).id == letters[1].id


def test_a_letter_issued_inside_an_outer_transaction_is_undone_with_it(store, people, ready, today):
    """issuing.issue nests (a savepoint) in the caller's write: a rollback takes it too."""
    approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    [issued] = issued_documents(store, ready.number)
    audit_rows = len(store.audit_events(limit=10_000))
    seen = []

    def issue_then_give_up():
        with store.write():
            issue(store, "dora", issued.snapshot, today=today, decision_id=issued.decision_id)
            seen.append(len(issued_documents(store, ready.number)))
            raise RuntimeError("caller gave up")

    with pytest.raises(RuntimeError, match="caller gave up"):
        issue_then_give_up()
    assert seen == [2]  # stored inside the transaction ...
    assert [d.id for d in issued_documents(store, ready.number)] == [issued.id]  # ... gone
    assert len(store.audit_events(limit=10_000)) == audit_rows
