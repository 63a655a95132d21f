"""record_ownership_change: the whole intake (account, draft, submission, director's fee) is one
transaction; a refusal at its last step stores nothing, and a retry then succeeds once. A draft
filed as an ownership change any other way (the old wizard) meets the same rules when submitted."""

import datetime as dt

import pytest

from kcsac.domain.category import Category
from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.operations import approvals, ownership
from kcsac.operations.accounts import add_account
from kcsac.operations.documents.issuing import issued_documents, letter_for, render_issued
from kcsac.operations.errors import InvalidInput, NotPermitted, Refused
from kcsac.operations.intake import create_application, submit_application, withdraw
from kcsac.operations.ownership_rules import new_owner_problems
from kcsac.operations.payments import record_payment
from kcsac.operations.signing_rules import blockers_to_sign
from tests.operations.conftest import PASSWORD, make_file
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
    kw.setdefault("password", PASSWORD)  # the director's, for a fee the ordinance does not set
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
    blockers = blockers_to_sign(store, undecided.number, people.director)
    assert any("director must decide the fee" in b.message for b in blockers)
    withdraw(store, people.clerk, undecided.number, reason="keyed twice", today=today)
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
    decision = approvals.approve(
        store, people.director, change.number, password=PASSWORD, today=today
    )
    new, old = store.get_application(change.number), store.get_application(prior.number)
    assert (new.status, new.effective_on) == (Status.APPROVED, TRANSFER)
    assert (old.status, old.ended_on) == (Status.ENDED, dt.date(2026, 9, 14))
    assert store.decisions(prior.number)[-1].kind is DecisionKind.OWNERSHIP_CHANGE
    [letter] = issued_documents(store, change.number)
    assert letter.decision_id == decision.id
    assert letter.snapshot.letter_on == today
    assert letter.snapshot.effective_on == TRANSFER
    assert letter.snapshot.addressee.customer_name == "New Owner LLC"
    text = all_text(render_issued(letter_for(store, None, change.number, today=today)))
    assert missing(text, ["New Owner LLC", "September 15, 2026", prior.number]) == []
    assert store.verify_audit().ok


# -- the same rules at submission, for a draft made without the desk's intake -----------------


def other_draft(store, people, today, details, account="9000-01"):
    """An ownership-change draft made with create_application (as the wizard used to)."""
    if store.find_account(account) is None:
        add_account(
            store,
            people.clerk,
            number=account,
            customer="New Owner LLC",
            service_address="77 Elm St",
            account_class="commercial",
            customer_class="resident",
            today=today,
        )
    return create_application(
        store,
        people.clerk,
        account=account,
        category=Category.OWNERSHIP_CHANGE,
        today=today,
        details=details,
    )


def refused_at_submission(store, people, today, draft, error, field_or_match):
    """Submitting `draft` raises `error` and stores nothing: the draft stays a draft."""
    before = row_counts(store)
    with pytest.raises(error) as raised:
        submit_application(store, people.clerk, draft.number, received_on=RECEIVED, today=today)
    assert row_counts(store) == before
    assert store.get_application(draft.number).status is Status.DRAFT
    assert store.fee_assessments(draft.number) == []
    if error is InvalidInput:
        assert field_or_match in [p.field for p in raised.value.problems]
    else:
        assert field_or_match in str(raised.value)
    return raised.value


def test_a_denied_credit_is_refused_at_submission(store, people, today):
    denied = make_file(store, people, today, account="1500-01")
    approvals.deny(
        store,
        people.director,
        denied.number,
        reasons=["no site access"],
        password=PASSWORD,
        today=today,
    )
    assert store.get_application(denied.number).status is Status.DENIED
    draft = other_draft(
        store,
        people,
        today,
        {"prior_application": denied.number, "transfer_on": TRANSFER.isoformat()},
    )
    error = refused_at_submission(store, people, today, draft, InvalidInput, "prior_application")
    assert str(error) == f"{denied.number} is denied, not an approved credit"


def test_a_number_that_does_not_exist_is_refused_at_submission(store, people, today):
    draft = other_draft(
        store,
        people,
        today,
        {"prior_application": "SAC-2026-9999", "transfer_on": TRANSFER.isoformat()},
    )
    error = refused_at_submission(store, people, today, draft, InvalidInput, "prior_application")
    assert str(error) == "There is no application SAC-2026-9999"


def test_a_second_change_of_the_same_credit_is_refused_at_submission(store, people, prior, today):
    first = record(store, people.clerk, prior, today)
    draft = other_draft(
        store,
        people,
        today,
        {"prior_application": prior.number, "transfer_on": TRANSFER.isoformat()},
        account="9000-02",
    )
    refused_at_submission(
        store,
        people,
        today,
        draft,
        Refused,
        f"The credit of {prior.number} already has an ownership change in progress "
        f"({first.number})",
    )
    assert store.open_ownership_changes(prior.number) == [first.number, draft.number]


def test_the_same_account_is_refused_at_submission(store, people, prior, today):
    draft = other_draft(
        store,
        people,
        today,
        {"prior_application": prior.number, "transfer_on": TRANSFER.isoformat()},
        account=prior.account,
    )
    error = refused_at_submission(store, people, today, draft, InvalidInput, "account")
    assert str(error) == "The new owner's account is the same as the old one"


def test_a_transfer_date_on_or_before_the_effective_date_is_refused_at_submission(
    store, people, prior, today
):
    draft = other_draft(
        store, people, today, {"prior_application": prior.number, "transfer_on": "2026-08-01"}
    )
    error = refused_at_submission(store, people, today, draft, InvalidInput, "transfer_on")
    assert "after the credit's effective date 2026-08-01" in str(error)


def test_a_wizard_draft_without_a_transfer_date_names_the_desk_path(store, people, prior, today):
    """The wizard asked for the prior credit and the new owner's name, never a transfer date."""
    draft = other_draft(
        store,
        people,
        today,
        {"prior_application": prior.number, "new_owner": "New Owner LLC"},
    )
    error = refused_at_submission(store, people, today, draft, InvalidInput, "transfer_on")
    assert str(error) == (
        "The transfer date is missing; select the approved credit on the desk and use "
        "Decision > Ownership change, which asks for it"
    )
    # Withdrawn, it no longer stands in the way of the desk's intake.
    withdraw(store, people.clerk, draft.number, reason="filed on the desk", today=today)
    change = record(store, people.clerk, prior, today, new_account="9000-01", new_owner=None)
    assert change.status is Status.AWAITING_FEE


def test_a_valid_draft_made_elsewhere_submits_like_the_desk_s(store, people, prior, today):
    """The demo builds its ownership changes this way; the rules pass, the fee is assessed."""
    draft = other_draft(
        store,
        people,
        today,
        {"prior_application": prior.number, "transfer_on": TRANSFER.isoformat()},
    )
    submitted = submit_application(
        store, people.clerk, draft.number, received_on=RECEIVED, today=today
    )
    assert (submitted.status, submitted.fee_cents) == (Status.AWAITING_FEE, 60000)
    assert store.open_ownership_changes(prior.number) == [draft.number]


def test_create_ownership_change_names_a_number_that_does_not_exist(store, people, today):
    with pytest.raises(InvalidInput) as raised:
        ownership.create_ownership_change(
            store,
            people.clerk,
            prior_application="SAC-2026-9999",
            new_account="9000-01",
            transfer_on=TRANSFER,
            today=today,
        )
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("prior_application", "There is no application SAC-2026-9999")
    ]


def test_a_residential_new_owner_is_refused_at_intake_with_the_citation(
    store, people, prior, today
):
    before = row_counts(store)
    residential = ownership.NewOwner(
        customer="Pat Homeowner",
        service_address="12 Oak St, Kansas City, MO 64105",
        account_class="residential",
        customer_class="resident",
    )
    with pytest.raises(InvalidInput) as excinfo:
        record(store, people.clerk, prior, today, new_owner=residential)
    [problem] = excinfo.value.problems
    assert problem.field == "account_class"
    assert problem.message.startswith("A one- or two-family residential account may not apply")
    assert problem.citation == "Code secs. 60-2(2)(c), 60-2(2)(b)"
    assert row_counts(store) == before  # no account, draft or fee assessed


def test_an_existing_residential_or_flat_rate_account_is_refused_at_intake(
    store, people, prior, today
):
    for number, account_class, customer_class in (
        ("9100-01", "residential", "resident"),
        ("9100-02", "commercial", "nonresident-flat"),
    ):
        add_account(
            store,
            people.clerk,
            number=number,
            customer="Someone",
            service_address="1 Elm St",
            account_class=account_class,
            customer_class=customer_class,
            today=today,
        )
    before = row_counts(store)
    with pytest.raises(InvalidInput) as excinfo:
        record(store, people.clerk, prior, today, new_account="9100-01")
    assert [p.field for p in excinfo.value.problems] == ["account_class"]
    with pytest.raises(InvalidInput) as excinfo:
        record(store, people.clerk, prior, today, new_account="9100-02")
    assert [p.field for p in excinfo.value.problems] == ["customer_class"]
    assert "60-3(a)(3)" in excinfo.value.problems[0].citation
    assert row_counts(store) == before
    # the check the desk's dialog runs as it is typed says the same
    assert [p.field for p in new_owner_problems("residential", "resident")] == ["account_class"]
    assert new_owner_problems("commercial", "resident") == []
