"""record_ownership_change: the whole intake (account, draft, submission, director's fee) is one
transaction; a refusal at its last step stores nothing, and a retry then succeeds once."""

import datetime as dt

import pytest

from kcsac.domain.category import Category
from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.operations import applications as apps
from kcsac.operations import approvals, ownership
from kcsac.operations import documents as docs
from kcsac.operations.errors import InvalidInput, NotPermitted, Refused
from tests.operations.conftest import PASSWORD
from tests.pdf.pdftools import all_text, missing

TRANSFER = dt.date(2026, 9, 15)
RECEIVED = dt.date(2026, 8, 18)
TABLES = (
    "accounts",
    "applications",
    "fee_assessments",
    "payments",
    "determinations",
    "decisions",
    "documents",
    "audit",
)


def row_counts(store) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def prior(store, people, ready, today):
    """The resident car wash of conftest, approved 2026-08-01: the credit that moves."""
    approvals.approve(
        store,
        people.director,
        ready.number,
        password=PASSWORD,
        today=dt.date(2026, 8, 1),
        signed_on=dt.date(2026, 8, 1),
    )
    return store.get_application(ready.number)


def owner(customer_class: str = "resident") -> ownership.NewOwner:
    return ownership.NewOwner(
        customer="New Owner LLC",
        service_address="77 Elm St, Kansas City, MO 64105",
        account_class="commercial",
        customer_class=customer_class,
    )


def record(store, actor, prior, today, **kw):
    kw.setdefault("new_owner", owner())
    return ownership.record_ownership_change(
        store,
        actor,
        prior_application=prior.number,
        new_account=kw.pop("new_account", "9000-01"),
        transfer_on=kw.pop("transfer_on", TRANSFER),
        received_on=RECEIVED,
        today=today,
        **kw,
    )


def test_a_resident_change_is_recorded_in_one_call_with_the_engine_fee(store, people, prior, today):
    before = row_counts(store)
    change = record(store, people.clerk, prior, today)
    assert change.category is Category.OWNERSHIP_CHANGE
    assert change.status is Status.AWAITING_FEE
    assert change.fee_cents == 60000  # Code sec. 60-2(2)(c)
    assert change.received_on == RECEIVED
    assert change.details == {"prior_application": prior.number, "transfer_on": "2026-09-15"}
    assert store.get_account("9000-01").customer == "New Owner LLC"
    after = row_counts(store)
    assert after["accounts"] == before["accounts"] + 1
    assert after["applications"] == before["applications"] + 1
    assert after["fee_assessments"] == before["fee_assessments"] + 1
    actions = [e.action for e in store.timeline(change.number)]
    assert "application created" in actions
    assert "application submitted" in actions
    assert store.verify_audit().ok


def test_nonresident_fee_is_not_set_and_a_director_decides_it_with_a_reason(
    store, people, prior, today
):
    undecided = record(store, people.clerk, prior, today, new_owner=owner("nonresident-direct"))
    assert undecided.fee_cents is None
    assert "sets no" in undecided.fee_note
    blockers = approvals.blockers_to_sign(store, undecided.number, people.director)
    assert any("director must decide the fee" in b.message for b in blockers)
    apps.withdraw(store, people.clerk, undecided.number, reason="keyed twice", today=today)
    decided = record(
        store,
        people.director,
        prior,
        today,
        fee_cents=0,
        fee_reason="ordinance sets none; no fee charged",
    )
    assert decided.fee_cents == 0
    assert "ordinance sets none; no fee charged" in decided.fee_note
    assert decided.status is Status.AWAITING_DECISION
    assert [f.cents for f in store.fee_assessments(decided.number)] == [None, 0]


def test_a_refusal_in_the_last_step_stores_nothing_and_a_retry_succeeds_once(
    store, people, prior, today
):
    before = row_counts(store)
    # The director's fee is the last step; set_fee refuses a negative fee after the account,
    # the draft and its submission were already written inside the same transaction.
    with pytest.raises(InvalidInput, match="cannot be negative"):
        record(
            store,
            people.director,
            prior,
            today,
            new_owner=owner("nonresident-direct"),
            fee_cents=-500,
            fee_reason="typo",
        )
    assert row_counts(store) == before
    assert store.find_account("9000-01") is None
    assert store.open_ownership_changes(prior.number) == []
    # A clerk's fee is refused by set_fee's role check, again at the very end.
    with pytest.raises(NotPermitted, match="set a fee"):
        record(
            store,
            people.clerk,
            prior,
            today,
            new_owner=owner("nonresident-direct"),
            fee_cents=0,
            fee_reason="clerk guess",
        )
    assert row_counts(store) == before
    assert store.verify_audit().ok

    change = record(
        store,
        people.director,
        prior,
        today,
        new_owner=owner("nonresident-direct"),
        fee_cents=0,
        fee_reason="ordinance sets none",
    )
    after = row_counts(store)
    assert after["applications"] == before["applications"] + 1
    assert after["accounts"] == before["accounts"] + 1
    assert after["fee_assessments"] == before["fee_assessments"] + 2  # not set, then decided
    assert after["decisions"] == before["decisions"]
    assert store.open_ownership_changes(prior.number) == [change.number]
    # Recording it again does not make a second draft for the same credit.
    with pytest.raises(
        Refused, match=f"already has an ownership change in progress \\({change.number}"
    ):
        record(store, people.director, prior, today, fee_cents=0, fee_reason="again")
    assert row_counts(store) == after


def test_a_failed_check_of_the_prior_credit_leaves_no_new_account(store, people, prior, today):
    before = row_counts(store)
    with pytest.raises(InvalidInput, match="must be after the credit's effective date 2026-08-01"):
        record(store, people.clerk, prior, today, transfer_on=dt.date(2026, 8, 1))
    with pytest.raises(InvalidInput, match="same as the old one"):
        record(store, people.clerk, prior, today, new_account=prior.account)
    with pytest.raises(InvalidInput, match="There is no account 9000-09"):
        record(store, people.clerk, prior, today, new_account="9000-09", new_owner=None)
    assert row_counts(store) == before


def test_approval_moves_the_credit_and_freezes_the_new_owners_letter(store, people, prior, today):
    change = record(store, people.clerk, prior, today)
    apps.record_payment(
        store,
        people.clerk,
        change.number,
        amount_cents=60000,
        paid_on=today,
        receipt_no="R-own",
        method="check",
        today=today,
    )
    decision = approvals.approve(
        store, people.director, change.number, password=PASSWORD, today=today
    )
    new, old = store.get_application(change.number), store.get_application(prior.number)
    assert (new.status, new.effective_on) == (Status.APPROVED, TRANSFER)
    assert (old.status, old.ended_on) == (Status.ENDED, dt.date(2026, 9, 14))
    assert store.decisions(prior.number)[-1].kind is DecisionKind.OWNERSHIP_CHANGE
    [letter] = docs.issued_documents(store, change.number)
    assert letter.decision_id == decision.id
    assert letter.snapshot.letter_on == today
    assert letter.snapshot.effective_on == TRANSFER
    assert letter.snapshot.addressee.customer_name == "New Owner LLC"
    text = all_text(docs.render_issued(docs.letter_for(store, None, change.number, today=today)))
    assert missing(text, ["New Owner LLC", "September 15, 2026", prior.number]) == []
    assert store.verify_audit().ok
