"""domain.actions: which actions a person may take on a file, and why not (fast, no store)."""

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from kcsac.domain import actions
from kcsac.domain.actions import Action, FileFacts, available_actions, next_step, refusal
from kcsac.domain.category import Category
from kcsac.domain.method import Method
from kcsac.domain.records import (
    Blocker,
    Determination,
    Review,
    ReviewKind,
    ReviewResult,
    SacApplication,
    User,
)
from kcsac.domain.roles import Role, who_may
from kcsac.domain.status import Status
from kcsac.domain.workflow import TRANSITIONS, StatusRefused, can_move, moved

DAY = dt.date(2026, 7, 1)
CLERK = User("carl", "Carl Clerk", "Clerk", Role.CLERK.value)
REVIEWER = User("rita", "Rita Reviewer", "Engineer", Role.REVIEWER.value)
DIRECTOR = User("dora", "Dora Director", "Director", Role.DIRECTOR.value)
ADMIN = User("ada", "Ada Admin", "IT", Role.ADMINISTRATOR.value)
GONE = User("gus", "Gus Gone", "Director", Role.DIRECTOR.value, active=False)


def app(status: Status = Status.IN_REVIEW, **changes) -> SacApplication:
    base = SacApplication(
        "SAC-2026-0001",
        Category.CAR_WASH,
        status,
        "1000-01",
        received_on=DAY,
        fee_cents=25000,
        fee_note="60-2(2)(c)",
        paid_cents=25000,
    )
    return dataclasses.replace(base, **changes)


def reviews(result: ReviewResult = ReviewResult.PASSED) -> tuple[Review, ...]:
    return tuple(
        Review(i, "SAC-2026-0001", kind, DAY, "rita", result, "notes")
        for i, kind in enumerate(ReviewKind, start=1)
    )


def terms(entered_by: str = "rita", *, locked: bool = False) -> Determination:
    return Determination(
        1, "SAC-2026-0001", Method.PERCENTAGE, Decimal(15), entered_by=entered_by, locked=locked
    )


def test_every_file_action_has_a_rule_and_every_action_a_person():
    assert set(actions._PEOPLE) == set(Action)
    assert set(actions._FILE_RULES) == {a for a in Action if actions._PEOPLE[a].on_file}


def test_who_may_names_the_roles_in_plain_words():
    assert who_may(actions._PEOPLE[Action.REVIEW].permission) == (
        "a reviewer (the director's representative) or the director"
    )
    assert actions.who_takes(Action.SET_FEE) == "the director"
    assert actions.who_takes(Action.NEW) == "any kcsac user"
    assert actions.who_takes(Action.ADMINISTRATION) == "an administrator"


def test_a_reason_says_why_and_who_may():
    facts = FileFacts(app(), reviews=())
    assert refusal(Action.REVIEW, facts, CLERK).reason == (
        "You cannot record reviews: your role is clerk; only a reviewer (the director's "
        "representative) or the director can."
    )
    assert refusal(Action.REVIEW, facts, CLERK).by_person
    owed = FileFacts(app(Status.AWAITING_FEE, paid_cents=0))
    assert refusal(Action.PAYMENT, owed, CLERK) is None
    approved = FileFacts(app(Status.APPROVED))
    assert refusal(Action.PAYMENT, approved, CLERK).reason == (
        "Application SAC-2026-0001 is approved; its fee is no longer taken"
    )
    assert not refusal(Action.PAYMENT, approved, CLERK).by_person
    paid = FileFacts(app(Status.IN_REVIEW))
    assert refusal(Action.PAYMENT, paid, CLERK) is None  # taken with a reason (paid twice)
    assert actions.payment_needs_reason(paid.application, 100) == (
        "The amount ($1.00) is more than the balance owed ($0.00)"
    )


def test_a_read_only_login_is_told_it_is_read_only_and_may_still_print_letters():
    answer = available_actions(None, None)
    assert answer[Action.NEW].startswith(
        "You cannot create applications: your login is not a kcsac user, so kcsac is "
        "read-only for you; any kcsac user can."
    )
    assert answer[Action.LETTER] == actions.NO_FILE  # nothing selected, but allowed to read
    denied = FileFacts(app(Status.DENIED))
    assert refusal(Action.LETTER, denied, None) is None
    assert "deactivated" in refusal(Action.APPROVE, denied, GONE).reason


def test_the_author_of_the_terms_cannot_sign_them_but_may_deny():
    facts = FileFacts(app(Status.AWAITING_DECISION), reviews(), terms("rita"))
    found = refusal(Action.APPROVE, facts, REVIEWER)
    assert found.blockers == (Blocker(actions.SEPARATION_OF_DUTIES),)
    assert found.reason == (
        f"Application SAC-2026-0001 cannot be signed yet: {actions.SEPARATION_OF_DUTIES}"
    )
    assert refusal(Action.APPROVE, facts, DIRECTOR) is None
    assert refusal(Action.DENY, facts, REVIEWER) is None
    step = next_step(facts, REVIEWER)
    assert step.refusal == actions.SEPARATION_OF_DUTIES
    assert step.line == "Approve (sign) or deny, by another reviewer or the director"


def test_the_file_blockers_are_the_reason_approve_is_unavailable():
    blockers = (Blocker("The account is a one- or two-family residence"),)
    facts = FileFacts(app(Status.AWAITING_DECISION), reviews(), terms(), 0, blockers)
    found = refusal(Action.APPROVE, facts, DIRECTOR)
    assert found.blockers == blockers
    assert found.reason.endswith(": The account is a one- or two-family residence")
    assert next_step(facts, DIRECTOR).refusal is None  # listed with the file, not the person


def test_an_approved_credit_offers_amend_revoke_ownership_and_its_papers():
    facts = FileFacts(app(Status.APPROVED, effective_on=DAY), reviews(), terms(locked=True))
    answer = {a: refusal(a, facts, DIRECTOR) for a in Action}
    allowed = {a for a, r in answer.items() if r is None}
    assert allowed == {
        Action.NEW,
        Action.METER,
        Action.DETERMINATION,
        Action.AMEND,
        Action.OWNERSHIP,
        Action.REVOKE,
        Action.LETTER,
        Action.SCHEDULE,
        Action.EXPORT,
    }
    assert answer[Action.APPROVE].reason == (
        "Application SAC-2026-0001 is approved; nothing to sign until an amendment is entered"
    )


def test_the_next_step_names_who_takes_it_when_you_may_not():
    facts = FileFacts(app(Status.IN_REVIEW), reviews()[:1])
    step = next_step(facts, CLERK)
    assert step.text == "Record the plan review and installation inspection"
    assert step.line == (
        "Record the plan review and installation inspection, by a reviewer (the director's "
        "representative) or the director"
    )
    assert "your role is clerk" in step.refusal
    assert next_step(facts, REVIEWER).line == step.text
    read_only = next_step(facts, None)
    assert "read-only for you" in read_only.refusal
    failed = FileFacts(app(Status.IN_REVIEW), reviews(ReviewResult.FAILED))
    assert next_step(failed, REVIEWER).text == (
        "Record a passing site review, plan review and installation inspection (or deny)"
    )


def test_a_file_reason_that_is_not_a_file_blocker_is_said_with_the_step():
    metered = dataclasses.replace(terms(locked=True), method=Method.DEDUCT_METER, percent=None)
    facts = FileFacts(app(Status.APPROVED), reviews(), metered)
    step = next_step(facts, CLERK)
    assert step.action is Action.READING
    assert step.refusal is None
    assert step.blocked == "Application SAC-2026-0001 has no meter yet; add one first (Add meter)"


def test_moved_is_checked_against_the_transitions():
    assert moved(app(Status.AWAITING_DECISION), Status.APPROVED, effective_on=DAY).effective_on
    with pytest.raises(StatusRefused, match="is withdrawn; it cannot become in review"):
        moved(app(Status.WITHDRAWN), Status.IN_REVIEW)
    for old, targets in TRANSITIONS.items():
        assert can_move(old, old)
        for new in Status:
            assert can_move(old, new) == (new == old or new in targets)


def test_no_status_is_set_outside_the_transition():
    """`replace(app, status=...)` only in workflow.moved (a new draft is built, not moved)."""
    root = Path(__file__).resolve().parents[2] / "kcsac"
    found = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"replace\(\s*\w+,[^)]*\bstatus=", text):
            found.append(f"{path.relative_to(root)}:{text[: match.start()].count(chr(10)) + 1}")
    assert [place.split(":")[0] for place in found] == ["domain/workflow.py"], found


# --- what the desk tests used to check by building a whole MainWindow ---------------------

SECOND = User("sam", "Sam Second", "Engineer", Role.REVIEWER.value)
PEOPLE = (CLERK, REVIEWER, SECOND, DIRECTOR, ADMIN)


def allowed(action: Action, facts: FileFacts | None, user: User | None) -> bool:
    return refusal(action, facts, user) is None


def test_only_the_director_may_set_a_fee_the_ordinance_does_not_set():
    unset = FileFacts(app(Status.AWAITING_FEE, fee_cents=None, fee_note="no rate table"))
    assert [allowed(Action.SET_FEE, unset, u) for u in (CLERK, REVIEWER, DIRECTOR, None)] == [
        False,
        False,
        True,
        False,
    ]
    assert not allowed(Action.PAYMENT, unset, CLERK), "nothing to pay before the fee is set"
    assert refusal(Action.PAYMENT, unset, CLERK).reason.endswith("the director sets it first")
    by_ordinance = FileFacts(app(Status.AWAITING_FEE, paid_cents=0))
    assert not allowed(Action.SET_FEE, by_ordinance, DIRECTOR)
    assert allowed(Action.PAYMENT, by_ordinance, CLERK)


def test_who_may_sign_and_deny_a_file_awaiting_a_decision():
    facts = FileFacts(app(Status.AWAITING_DECISION), reviews(), terms("rita"))
    sign = {u.login: allowed(Action.APPROVE, facts, u) for u in PEOPLE}
    deny = {u.login: allowed(Action.DENY, facts, u) for u in PEOPLE}
    assert sign == {"carl": False, "rita": False, "sam": True, "dora": True, "ada": False}
    assert deny == {"carl": False, "rita": True, "sam": True, "dora": True, "ada": False}
    assert not allowed(Action.LETTER, facts, DIRECTOR), "no letter before the decision"
    in_review = FileFacts(app(Status.IN_REVIEW), ())
    assert not allowed(Action.APPROVE, in_review, SECOND), "nothing to sign in review"


def test_after_the_decision_the_letter_and_what_the_director_may_do():
    approved = FileFacts(app(Status.APPROVED, effective_on=DAY), reviews(), terms(locked=True))
    assert allowed(Action.LETTER, approved, DIRECTOR)
    assert allowed(Action.REVOKE, approved, DIRECTOR)
    assert not allowed(Action.REVOKE, approved, REVIEWER)
    assert not allowed(Action.ADMINISTRATION, approved, DIRECTOR), (
        "the director does not administer"
    )
    assert allowed(Action.ADMINISTRATION, None, ADMIN)
    denied = FileFacts(app(Status.DENIED), reviews(), terms())
    assert not allowed(Action.APPROVE, denied, DIRECTOR)
    assert allowed(Action.REOPEN, denied, DIRECTOR)
    assert allowed(Action.LETTER, denied, None), "an issued letter prints read-only too"


def test_anyone_may_look_at_a_credits_schedule_versions():
    """Looking, previewing and reprinting write nothing (issuing asks its own question)."""
    approved = FileFacts(app(Status.APPROVED, effective_on=DAY), reviews(), terms(locked=True))
    assert allowed(Action.SCHEDULE, approved, None)
    assert allowed(Action.SCHEDULE, approved, CLERK)
    draft = FileFacts(app(Status.DRAFT), reviews(), None)
    assert (
        "a schedule is printed for an approved credit"
        in refusal(Action.SCHEDULE, draft, CLERK).reason
    )


def test_a_clerk_takes_payments_but_not_reviews():
    owed = FileFacts(app(Status.AWAITING_FEE, paid_cents=0))
    assert allowed(Action.PAYMENT, owed, CLERK)
    assert not allowed(Action.REVIEW, owed, CLERK), "a clerk does not record reviews"
    assert allowed(Action.REVIEW, owed, REVIEWER)


def test_a_read_only_login_may_change_nothing():
    changing = set(Action) - {Action.LETTER, Action.SCHEDULE}
    for status in Status:
        facts = FileFacts(app(status), reviews(), terms())
        assert not any(allowed(a, facts, None) for a in changing), status
        assert not any(allowed(a, facts, GONE) for a in set(Action)), status


def test_without_a_file_only_the_file_free_actions_are_available():
    answer = available_actions(None, CLERK)
    assert {a for a, why in answer.items() if why is None} == {Action.NEW, Action.EXPORT}
    assert answer[Action.WITHDRAW] == actions.NO_FILE
    assert allowed(Action.RESUME, FileFacts(app(Status.DRAFT)), CLERK)
    assert not allowed(Action.RESUME, FileFacts(app(Status.AWAITING_FEE)), CLERK)
