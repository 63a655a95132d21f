"""Every operation asks domain.actions: for the files of tests/action_matrix.py and the people
looking at them, an operation succeeds exactly when the domain says the action is available,
and a refusal is NotPermitted (the person) or Refused (the file) with the domain's reason
word for word."""

import dataclasses

import pytest

from kcsac.domain.actions import Action, FileFacts, refusal
from kcsac.domain.status import Status
from kcsac.operations import approvals, permits, queries
from kcsac.operations.determinations import enter_determination
from kcsac.operations.errors import NotPermitted, Refused
from kcsac.operations.intake import submit_application, update_application, withdraw
from kcsac.operations.meters import add_meter, record_reading
from kcsac.operations.ownership import create_ownership_change
from kcsac.operations.payments import record_payment, set_fee
from kcsac.operations.reviews import record_review
from kcsac.storage import open_store
from tests import action_matrix
from tests.action_matrix import PASSWORD, TODAY, VIEWERS


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    return action_matrix.build(tmp_path_factory.mktemp("matrix"))


def attempt(store, action: Action, actor, number: str) -> None:
    """Take `action` on `number` as `actor` through its operation, with valid input."""
    app = store.get_application(number)
    found = store.determinations(number)
    unsigned = found[-1] if found and not found[-1].locked else None
    if action is Action.RESUME:
        submit_application(store, actor, number, received_on=TODAY, today=TODAY)
    elif action is Action.PAYMENT:
        record_payment(
            store,
            actor,
            number,
            amount_cents=max(app.balance_cents or 0, 100),
            paid_on=TODAY,
            receipt_no="R-try",
            method="cash",
            today=TODAY,
            reason="taken to try the rule",
        )
    elif action is Action.REVIEW:
        record_review(
            store, actor, number, kind="site", reviewed_on=TODAY, result="passed", today=TODAY
        )
    elif action is Action.METER:
        add_meter(store, actor, number, role="deduct", serial="T-1", unit="ft3", today=TODAY)
    elif action is Action.READING:
        record_reading(
            store, actor, store.meters(number)[0].id, read_on=TODAY, value=5, today=TODAY
        )
    elif action in (Action.DETERMINATION, Action.AMEND):
        enter_determination(
            store,
            actor,
            number,
            method="percentage",
            percent="12",
            justification="tried",
            today=TODAY,
            expected_version=unsigned.version if unsigned else None,
        )
    elif action is Action.PAPERWORK:
        edited = dataclasses.replace(app, paperwork={**app.paperwork, "site plan": True})
        update_application(store, actor, edited, reason="site plan arrived", today=TODAY)
    elif action is Action.WITHDRAW:
        withdraw(store, actor, number, reason="tried", today=TODAY)
    elif action is Action.APPROVE:
        approvals.approve(store, actor, number, password=PASSWORD, today=TODAY)
    elif action is Action.DENY:
        approvals.deny(
            store, actor, number, reasons=["no-diversion"], password=PASSWORD, today=TODAY
        )
    elif action is Action.OWNERSHIP:
        create_ownership_change(
            store,
            actor,
            prior_application=number,
            new_account=action_matrix.NEXT_OWNER,
            transfer_on=TODAY,
            today=TODAY,
        )
    elif action is Action.SET_FEE:
        set_fee(store, actor, number, cents=30000, reason="decided", password=PASSWORD, today=TODAY)
    elif action is Action.REOPEN:
        approvals.reopen(store, actor, number, reason="new facts", password=PASSWORD, today=TODAY)
    elif action is Action.REVOKE:
        approvals.revoke(
            store, actor, number, from_on=TODAY, reason="closed", password=PASSWORD, today=TODAY
        )
    else:  # pragma: no cover - the list below names only these
        raise AssertionError(action)


OPERATED = (
    Action.RESUME,
    Action.PAYMENT,
    Action.REVIEW,
    Action.METER,
    Action.READING,
    Action.DETERMINATION,
    Action.AMEND,
    Action.PAPERWORK,
    Action.WITHDRAW,
    Action.APPROVE,
    Action.DENY,
    Action.OWNERSHIP,
    Action.SET_FEE,
    Action.REOPEN,
    Action.REVOKE,
)


def domain_answer(store, action, actor, number):
    detail = queries.application_detail(store, number)
    return refusal(action, FileFacts.of(detail), actor)


def operated(action: Action, app) -> Action:
    """The action the operation of `action` takes on `app`: entering terms on an approved
    credit amends it; editing a draft is the wizard's (Continue draft)."""
    if action in (Action.DETERMINATION, Action.AMEND):
        return Action.AMEND if app.status is Status.APPROVED else Action.DETERMINATION
    if action is Action.PAPERWORK and app.status is Status.DRAFT:
        return Action.RESUME
    return action


class _UndoError(Exception):
    """Raised after a successful attempt: its transaction is rolled back."""


def outcome(store, action, actor, number):
    """None when the operation succeeded (and was undone), else (error type, message)."""
    try:
        with store.write():  # the attempt runs as a savepoint of this transaction
            attempt(store, action, actor, number)
            raise _UndoError
    except _UndoError:
        return None
    except (NotPermitted, Refused) as exc:
        return (type(exc).__name__, str(exc))


def expected(store, action, actor, number):
    found = domain_answer(store, action, actor, number)
    if found is None:
        return None
    return ("NotPermitted" if found.by_person else "Refused", found.reason)


def test_each_operation_succeeds_exactly_when_the_domain_says_so(matrix, tmp_path):
    """Every operated action, on every file, for every person; each attempt is undone."""
    store = open_store(matrix.copy_to(tmp_path / "try.db"))
    tried = allowed = 0
    mismatches = []
    try:
        for what, number in matrix.files.items():
            app = store.get_application(number)
            for login in VIEWERS:
                actor = matrix.viewer(login)
                for action in OPERATED:
                    action = operated(action, app)
                    want = expected(store, action, actor, number)
                    if action is Action.READING and not store.meters(number):
                        assert want is not None  # no meter: nothing to call it with
                        continue
                    got = outcome(store, action, actor, number)
                    tried += 1
                    allowed += got is None
                    if got != want:
                        mismatches.append((what, login, action.value, want, got))
    finally:
        store.close()
    assert mismatches == []
    assert tried > 1500
    assert allowed > 100


def test_the_check_names_the_same_reason_as_the_desk_for_a_read_only_login(matrix, tmp_path):
    store = open_store(matrix.copy_to(tmp_path / "ro.db"))
    try:
        number = matrix.files["reviews missing"]
        with pytest.raises(NotPermitted) as error:
            permits.require_action(store, None, Action.REVIEW)
        assert str(error.value) == domain_answer(store, Action.REVIEW, None, number).reason
        assert "read-only for you" in str(error.value)
    finally:
        store.close()
