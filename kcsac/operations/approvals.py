"""The director's acts: sign (approve or amend), deny, reopen, revoke, ownership change."""

import datetime as dt

from kcsac.domain import ordinance as o
from kcsac.domain.actions import Action
from kcsac.domain.category import Category
from kcsac.domain.problems import Problem
from kcsac.domain.rates import first_effective_on
from kcsac.domain.records import (
    Decision,
    DecisionKind,
    SacApplication,
    User,
)
from kcsac.domain.roles import Permission
from kcsac.domain.status import Status
from kcsac.domain.workflow import moved
from kcsac.operations.errors import InvalidInput, NotPermitted, Refused
from kcsac.operations.ownership import approve_ownership_change
from kcsac.operations.permits import check, require_action
from kcsac.operations.progress import refresh_status
from kcsac.operations.snapshots import snapshot
from kcsac.operations.users import acting, check_password
from kcsac.storage import Store

# Denial reasons offered as a list (key -> wording, citation); free text may be added.
DENIAL_REASONS: dict[str, tuple[str, str]] = {
    "residential": (
        "The account is a one- or two-family residence; only commercial and industrial "
        "accounts may take part",
        o.cites(o.SEC_60_2_2_C, o.SEC_60_2_2_B),
    ),
    "storm-sewer": (
        "The diverted water is discharged to the storm sewer, which may not take part",
        o.cites(o.SEC_60_2_2_C, o.SEC_60_3_A_6),
    ),
    "fee-unpaid": (
        "The application fee was not received in full",
        o.SEC_60_2_2_C,
    ),
    "review-failed": (
        "The site review, plan review or installation inspection did not pass",
        o.SEC_60_2_2_C,
    ),
    "not-adjustable": (
        "The customer class is not billed on water purchased, so no volume adjustment applies",
        o.cites(o.SEC_60_3_A_1, o.SEC_60_3_A_3),
    ),
    "no-diversion": (
        "The water is not shown to be diverted from the sanitary sewer",
        o.SEC_60_2_2_C,
    ),
}


def _future_problem(
    field: str, what: str, day: dt.date, today: dt.date, why: str, citation: str = ""
) -> Problem:
    return Problem(
        field,
        f"The {what} {day.isoformat()} is in the future (today is {today.isoformat()}); {why}",
        citation,
    )


def signature_date_problems(
    store: Store, number: str, signed_on: dt.date, today: dt.date, backdated_reason: str = ""
) -> list[Problem]:
    """What is wrong with signing `number` on `signed_on` (field-named, [] when nothing): a
    future date, a past date without its reason, a date before the facts it rests on.

    The approval dialog shows these before it asks for the password; approve() refuses them.
    """
    if signed_on > today:
        return [
            _future_problem(
                "signed_on",
                "signature date",
                signed_on,
                today,
                "a credit is effective on the date the director actually signs",
                o.SEC_60_2_2_C,
            )
        ]
    problems = []
    if signed_on < today and not backdated_reason.strip():
        problems.append(
            Problem(
                "backdated_reason",
                "A past signature date (recording a paper signature) needs a reason",
            )
        )
    too_early = _before_the_facts(store, number, signed_on)
    if too_early is not None:
        problems.insert(0, too_early)
    return problems


def _refuse_signature_date(problems: list[Problem]) -> None:
    """Refused for a future date or one before the facts; InvalidInput for a missing reason."""
    refused = [p for p in problems if p.field == "signed_on"]
    if refused:
        raise Refused(refused[0].message, citation=refused[0].citation)
    if problems:
        raise InvalidInput(problems)


def _before_the_facts(store: Store, number: str, signed_on: dt.date) -> Problem | None:
    """A (past) signature date cannot precede what it rests on: the received application,
    the full fee, the reviews, or the decision it amends."""
    app = store.get_application(number)
    facts: list[tuple[dt.date, str]] = []
    if app.received_on:
        facts.append((app.received_on, "the application was received"))
    payments = [p for p in store.payments(number) if p.counts]
    if payments:
        facts.append((max(p.paid_on for p in payments), "the fee was paid in full"))
    for review in store.reviews(number):
        facts.append((review.reviewed_on, f"the {review.kind.label.lower()} was done"))
    # The determination's keying date is not a limit: a paper signature is often keyed later.
    for decision in store.decisions(number):
        if decision.kind in (DecisionKind.APPROVAL, DecisionKind.AMENDMENT):
            day = decision.effective_on or decision.decided_on
            facts.append((day + dt.timedelta(days=1), "the day after the signature it amends"))
    if not facts:
        return None
    latest, what = max(facts)
    if signed_on >= latest:
        return None
    return Problem(
        "signed_on",
        f"The signature date {signed_on.isoformat()} is before {latest.isoformat()}, when "
        f"{what}; a credit cannot take effect before that",
        o.SEC_60_2_2_C,
    )


def approve(
    store: Store,
    actor: User | None,
    number: str,
    *,
    password: str,
    today: dt.date,
    signed_on: dt.date | None = None,
    backdated_reason: str = "",
) -> Decision:
    """Sign the approval (or a pending amendment). Effective date = the signature date;
    for an ownership change, the credit moves to the new owner from the transfer date."""
    actor = require_action(store, actor, Action.APPROVE)
    signed_on = signed_on or today
    problems = signature_date_problems(store, number, signed_on, today, backdated_reason)
    # A future date or a missing reason first; a date before the facts only once nothing
    # else blocks the file (its blockers say more).
    _refuse_signature_date([p for p in problems if p.field != "signed_on" or signed_on > today])
    check(store, actor, Action.APPROVE, store.get_application(number))
    _refuse_signature_date(problems)
    check_password(store, actor, password)
    with acting(store, actor, Permission.SIGN, "sign approvals") as actor:
        # Again inside the write lock: another desk may have acted since the check above.
        app = store.get_application(number)
        check(store, actor, Action.APPROVE, app)
        if app.category is Category.OWNERSHIP_CHANGE:
            decision = approve_ownership_change(store, actor, app, signed_on, backdated_reason)
            _freeze_letter(store, actor, decision, today=today)
            return decision
        determination = store.determinations(number)[-1]
        amending = app.status is Status.APPROVED
        text, digest = snapshot(store, app, determination, signed_on, actor)
        store.lock_determination(determination.id)
        decision = store.add_decision(
            Decision(
                0,
                number,
                DecisionKind.AMENDMENT if amending else DecisionKind.APPROVAL,
                actor.login,
                actor.role,
                signed_on,
                store.clock(),
                determination.id,
                signed_on,
                backdated_reason.strip(),
                digest,
                text,
            ),
            actor.login,
            reason=backdated_reason.strip(),
        )
        if not amending:
            store.save_application(
                moved(app, Status.APPROVED, effective_on=signed_on),
                expected_version=app.version,
                actor=actor.login,
                action="approved (signed)",
                reason=backdated_reason.strip(),
            )
        _freeze_letter(store, actor, decision, today=today)
        return decision


def deny(
    store: Store,
    actor: User | None,
    number: str,
    *,
    reasons: list[str],
    password: str,
    note: str = "",
    today: dt.date,
    decided_on: dt.date | None = None,
) -> Decision:
    """Deny with reasons: keys of DENIAL_REASONS (worded with citations) and/or free text;
    the director's (or reviewer's) `password` signs it."""
    actor = require_action(store, actor, Action.DENY)
    decided_on = decided_on or today
    if decided_on > today:  # refused before the file is read, whatever it holds
        _refuse_decision_date(decision_date_problems(None, decided_on, today))
    worded = []
    for reason in reasons:
        if reason in DENIAL_REASONS:
            text, citation = DENIAL_REASONS[reason]
            worded.append(f"{text} ({citation})")
        elif reason.strip():
            worded.append(reason.strip())
    if note.strip():
        worded.append(note.strip())
    if not worded:
        raise InvalidInput([Problem("reasons", "Give at least one reason for the denial")])
    with acting(store, actor, Permission.SIGN, "deny applications", password=password) as actor:
        app = store.get_application(number)
        check(store, actor, Action.DENY, app)
        _refuse_decision_date(decision_date_problems(app, decided_on, today))
        decision = store.add_decision(
            Decision(
                0,
                number,
                DecisionKind.DENIAL,
                actor.login,
                actor.role,
                decided_on,
                store.clock(),
                reasons=tuple(worded),
                note=note.strip(),
            ),
            actor.login,
        )
        store.save_application(
            moved(app, Status.DENIED),
            expected_version=app.version,
            actor=actor.login,
            action="denied",
            reason="; ".join(worded),
        )
        _freeze_letter(store, actor, decision, today=today)
        return decision


def decision_date_problems(
    app: SacApplication | None, decided_on: dt.date, today: dt.date
) -> list[Problem]:
    """What is wrong with dating a denial of `app` on `decided_on` ([] when nothing): a day
    after today, before the application was received, or before the ordinance took effect
    (the first rate table kcsac holds). The denial dialog shows these as they are typed."""
    if decided_on > today:
        return [
            _future_problem(
                "decided_on",
                "decision date",
                decided_on,
                today,
                "a denial is dated on or before the day it is recorded",
            )
        ]
    first = first_effective_on()
    received = app.received_on if app is not None else None
    limits = []
    if received is not None and decided_on < received:
        limits.append(f"{received.isoformat()}, when application {app.number} was received")
    if decided_on < first:
        limits.append(f"{first.isoformat()}, when {o.ORDINANCE} took effect")
    if not limits:
        return []
    return [
        Problem(
            "decided_on",
            f"The decision date {decided_on.isoformat()} is before {', and before '.join(limits)}; "
            "a denial cannot be dated before the application it decides or the ordinance it "
            "applies",
        )
    ]


def _refuse_decision_date(problems: list[Problem]) -> None:
    if problems:
        raise Refused("; ".join(p.message for p in problems), citation=problems[0].citation)


def _freeze_letter(store: Store, actor: User, decision: Decision, *, today: dt.date) -> None:
    """Issue the decision's letter inside the deciding transaction, dated the signature (or
    decision) date: printing it later re-renders this snapshot, so an edit to the account
    after signing never changes what was decided. Issued the day it is keyed (`today`).
    An approved ownership change also freezes the earlier owner's letter: their credit ended.
    """
    # Cold start, not a cycle (the documents never import this module): the documents
    # bring the schedule engine and the export's period split (~80 ms of imports; reportlab
    # loads later still, at the first render), needed only when a letter is made, so the
    # denial, reopening and revocation dialogs open without them.
    from kcsac.operations.documents.issuing import issue
    from kcsac.operations.documents.letters import build_letter, last_decision

    decisions = [decision]
    app = store.get_application(decision.application)
    if decision.kind is DecisionKind.APPROVAL and app.category is Category.OWNERSHIP_CHANGE:
        prior = str(app.details.get("prior_application", ""))
        ended = last_decision(store, prior, (DecisionKind.OWNERSHIP_CHANGE,)) if prior else None
        if ended is not None:
            decisions.append(ended)
    for made in decisions:
        letter = build_letter(store, made, letter_on=made.decided_on, issued_on=today)
        issue(store, actor.login, letter, today=today, decision_id=made.id)


def reopen(
    store: Store, actor: User | None, number: str, *, reason: str, password: str, today: dt.date
) -> SacApplication:
    """A director reopens a denied file, with a reason and their password; it goes back
    where its facts put it."""
    actor = require_action(store, actor, Action.REOPEN)
    if not reason.strip():
        raise InvalidInput([Problem("reason", "A reason is required to reopen")])
    with acting(
        store, actor, Permission.REOPEN, "reopen denied applications", password=password
    ) as actor:
        app = store.get_application(number)
        check(store, actor, Action.REOPEN, app)
        store.add_decision(
            Decision(
                0,
                number,
                DecisionKind.REOPEN,
                actor.login,
                actor.role,
                today,
                store.clock(),
                note=reason.strip(),
            ),
            actor.login,
            reason=reason.strip(),
        )
        return refresh_status(
            store,
            moved(app, Status.AWAITING_FEE),
            actor.login,
            "reopened",
            reason.strip(),
        )


def revoke(
    store: Store,
    actor: User | None,
    number: str,
    *,
    from_on: dt.date,
    reason: str,
    password: str,
    today: dt.date,
) -> SacApplication:
    """End an approved credit from `from_on` (its last day is the day before), with a reason
    and the director's password."""
    actor = require_action(store, actor, Action.REVOKE)
    problems = revocation_date_problems(from_on, today)
    if not reason.strip():
        problems.append(Problem("reason", "A reason is required to revoke a credit"))
    if problems:
        raise InvalidInput(problems)
    with acting(store, actor, Permission.REVOKE, "revoke credits", password=password) as actor:
        app = store.get_application(number)
        check(store, actor, Action.REVOKE, app)
        if app.effective_on and from_on <= app.effective_on:
            raise InvalidInput(
                [
                    Problem(
                        "from_on",
                        "The revocation date must be after the "
                        f"effective date {app.effective_on.isoformat()}",
                    )
                ]
            )
        decision = store.add_decision(
            Decision(
                0,
                number,
                DecisionKind.REVOCATION,
                actor.login,
                actor.role,
                today,
                store.clock(),
                effective_on=from_on,
                note=reason.strip(),
            ),
            actor.login,
            reason=reason.strip(),
        )
        revoked = store.save_application(
            moved(app, Status.REVOKED, ended_on=from_on - dt.timedelta(days=1)),
            expected_version=app.version,
            actor=actor.login,
            action=f"credit revoked from {from_on.isoformat()}",
            reason=reason.strip(),
        )
        _freeze_letter(store, actor, decision, today=today)
        return revoked


def revocation_date_problems(from_on: dt.date, today: dt.date) -> list[Problem]:
    """A revocation is recorded when it is decided: it takes effect today or on a past day,
    never later (the credit would show as revoked while it still runs)."""
    if from_on <= today:
        return []
    return [
        Problem(
            "from_on",
            f"The revocation date {from_on.isoformat()} is in the future (today is "
            f"{today.isoformat()}); record a revocation on or after the day it takes effect",
        )
    ]


def ensure_can_sign(store: Store, actor: User | None) -> User:
    """For the desk: raise NotPermitted before even opening the signing dialog (the role
    and active flag as stored now)."""
    if actor is None:
        raise NotPermitted("You are not a kcsac user; kcsac is read-only for you")
    return require_action(store, actor, Action.APPROVE)
