"""The life of an application: allowed status changes, the next step, what blocks signing.

A status changes only through `moved` (checked against TRANSITIONS); which actions a person
may take on a file, and why not, is kcsac.domain.actions (built on these).
"""

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.records import (
    Blocker,
    Determination,
    RecordError,
    Review,
    ReviewKind,
    ReviewResult,
    SacApplication,
)
from kcsac.domain.status import Status

# Statuses a file moves through on its own as facts are recorded (fee paid, reviews passed).
OPEN_STATUSES = frozenset(
    {Status.DRAFT, Status.AWAITING_FEE, Status.IN_REVIEW, Status.AWAITING_DECISION}
)
FINAL_STATUSES = frozenset(
    {Status.APPROVED, Status.DENIED, Status.WITHDRAWN, Status.REVOKED, Status.ENDED}
)

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.AWAITING_FEE, Status.WITHDRAWN}),
    Status.AWAITING_FEE: frozenset(
        {Status.IN_REVIEW, Status.AWAITING_DECISION, Status.DENIED, Status.WITHDRAWN}
    ),
    Status.IN_REVIEW: frozenset(
        {Status.AWAITING_FEE, Status.AWAITING_DECISION, Status.DENIED, Status.WITHDRAWN}
    ),
    Status.AWAITING_DECISION: frozenset(
        {Status.AWAITING_FEE, Status.IN_REVIEW, Status.APPROVED, Status.DENIED, Status.WITHDRAWN}
    ),
    Status.APPROVED: frozenset({Status.REVOKED, Status.ENDED}),
    # Reopening (director only, with a reason) puts a denied file back into the flow.
    Status.DENIED: frozenset({Status.AWAITING_FEE, Status.IN_REVIEW, Status.AWAITING_DECISION}),
    Status.WITHDRAWN: frozenset(),
    Status.REVOKED: frozenset(),
    Status.ENDED: frozenset(),
}


# Submitted and not decided: the statuses in which a file is reviewed, determined, decided.
UNDECIDED = OPEN_STATUSES - {Status.DRAFT}
# Decided: a letter was issued with the decision.
DECIDED = frozenset({Status.APPROVED, Status.DENIED, Status.REVOKED, Status.ENDED})


class StatusRefused(RecordError):  # noqa: N818 - domain words read better
    """A status change the life of an application does not allow (TRANSITIONS)."""


def can_move(old: Status, new: Status) -> bool:
    """Whether a file may go from `old` to `new` (staying where it is always may)."""
    return old == new or new in TRANSITIONS[old]


def moved(app: SacApplication, status: Status, **changes: Any) -> SacApplication:
    """`app` in `status` (with the other `changes`, e.g. effective_on): the one place a
    status changes. Raises StatusRefused for a change TRANSITIONS does not allow."""
    if not can_move(app.status, status):
        raise StatusRefused(
            f"Application {app.number} is {app.status.label.lower()}; it cannot become "
            f"{status.label.lower()}"
        )
    return dataclasses.replace(app, status=status, **changes)


def required_reviews(category: Category) -> tuple[ReviewKind, ...]:
    """An ownership change moves an already reviewed credit: no new reviews (reading)."""
    if category is Category.OWNERSHIP_CHANGE:
        return ()
    return (ReviewKind.SITE, ReviewKind.PLAN, ReviewKind.INSTALLATION)


def latest_reviews(reviews: Iterable[Review]) -> dict[ReviewKind, Review]:
    """The latest review of each kind (a re-review after a failure replaces it)."""
    latest: dict[ReviewKind, Review] = {}
    for review in sorted(reviews, key=lambda r: (r.reviewed_on, r.id)):
        latest[review.kind] = review
    return latest


def review_blockers(category: Category, reviews: Iterable[Review]) -> list[Blocker]:
    latest = latest_reviews(reviews)
    blockers = []
    for kind in required_reviews(category):
        review = latest.get(kind)
        if review is None:
            blockers.append(Blocker(f"{kind.label} not recorded yet", field=f"review.{kind}"))
        elif review.result is ReviewResult.FAILED:
            blockers.append(
                Blocker(
                    f"{kind.label} failed on {review.reviewed_on.isoformat()}: record a passing "
                    "re-review, or deny the application",
                    field=f"review.{kind}",
                )
            )
    return blockers


def fee_blockers(app: SacApplication) -> list[Blocker]:
    cite = o.SEC_60_2_2_C  # "an application and its full fee" before any adjustment
    if app.fee_cents is None:
        reason = app.fee_note or "no fee assessed"
        return [Blocker(f"Fee not set: {reason}; a director must decide the fee", cite, "fee")]
    if app.paid_cents < app.fee_cents:
        owed = app.fee_cents - app.paid_cents
        return [
            Blocker(
                f"Fee balance of {format_usd(owed)} is owed; the full fee must be "
                "received before a credit",
                cite,
                "fee",
            )
        ]
    return []


def progress_status(
    app: SacApplication, reviews: Sequence[Review], determination: Determination | None
) -> Status:
    """Where an open (submitted, undecided) file stands once the recorded facts are counted."""
    if app.status not in OPEN_STATUSES or app.status is Status.DRAFT:
        return app.status
    if fee_blockers(app):
        return Status.AWAITING_FEE
    if app.category is Category.OWNERSHIP_CHANGE:
        return Status.AWAITING_DECISION
    if review_blockers(app.category, reviews) or determination is None:
        return Status.IN_REVIEW
    return Status.AWAITING_DECISION


def signing_blockers(
    *,
    app: SacApplication,
    reviews: Sequence[Review],
    determination: Determination | None,
    eligibility: Iterable[object] = (),
) -> list[Blocker]:
    """Everything about the file that keeps anyone from approving it, in plain words (who
    signs, and separation of duties, are kcsac.domain.actions.signer_blockers).

    `eligibility` holds the engine's Problems (field, message, citation).
    """
    blockers: list[Blocker] = []
    amending = app.status is Status.APPROVED
    if app.status not in UNDECIDED and not (
        amending and determination is not None and not determination.locked
    ):
        blockers.append(Blocker(f"The application is {app.status.label.lower()}; nothing to sign"))
    blockers.extend(fee_blockers(app))
    blockers.extend(review_blockers(app.category, reviews))
    for problem in eligibility:
        blockers.append(
            Blocker(
                getattr(problem, "message", str(problem)),
                getattr(problem, "citation", ""),
                getattr(problem, "field", ""),
            )
        )
    if app.category is not Category.OWNERSHIP_CHANGE:
        if determination is None:
            blockers.append(Blocker("No determination entered (method and parameters)"))
        elif determination.locked:
            blockers.append(Blocker("The determination is already signed; enter an amendment"))
    return blockers


_METERED = frozenset({Method.DEDUCT_METER, Method.SEWER_METER})


def next_step(
    app: SacApplication, reviews: Sequence[Review], determination: Determination | None
) -> str:
    """The one next thing the desk should do with this file."""
    if app.status is Status.DRAFT:
        return "Complete the application and submit it"
    if app.status is Status.AWAITING_FEE:
        return "Director: set the fee" if app.fee_cents is None else "Record the fee payment"
    if app.status is Status.IN_REVIEW:
        if review_blockers(app.category, reviews):
            return "Record the site review, plan review and installation inspection"
        return "Enter the determination (method and parameters)"
    if app.status is Status.AWAITING_DECISION:
        return "Approve (sign) or deny"
    if app.status is Status.APPROVED:
        if determination is not None and not determination.locked:
            return "Sign the amendment"
        if determination is not None and determination.method in _METERED:
            return "Record the meter readings each billing period"
        return "Nothing due: the credit applies to each bill from the effective date"
    if app.status is Status.DENIED:
        return "Nothing (a director may reopen it, with a reason)"
    return "Nothing: the file is closed"
