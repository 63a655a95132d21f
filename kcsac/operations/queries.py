"""What the desk reads: queues and counts, search-as-you-type, one file's full detail."""

import datetime as dt

from kcsac.domain.actions import FileFacts, step_of
from kcsac.domain.documents import ScheduleDocument
from kcsac.domain.records import (
    ApplicationDetail,
    ApplicationSummary,
    Blocker,
    DecisionKind,
    User,
)
from kcsac.domain.status import Status
from kcsac.domain.workflow import fee_blockers, review_blockers
from kcsac.operations.signing_rules import blockers_to_sign, eligibility_problems
from kcsac.storage import Store

ALL = "all"
OPEN = "open"
SORT_KEYS = (
    "number",
    "account",
    "customer",
    "service_address",
    "category",
    "customer_class",
    "received_on",
    "fee_balance",
    "status",
    "effective_on",
)


def list_applications(
    store: Store,
    queue: str | Status | None = None,
    search: str = "",
    sort: str = "number",
    *,
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[ApplicationSummary]:
    """One page of the list: queue is a Status value, "open" or "all"/None; search matches
    the start of any word of the number, account, customer or address."""
    return store.list_summaries(
        queue=str(queue) if queue is not None else None,
        search=search,
        sort=sort,
        descending=descending,
        limit=limit,
        offset=offset,
    )


def count_applications(store: Store, queue: str | Status | None = None, search: str = "") -> int:
    return store.count_summaries(queue=str(queue) if queue is not None else None, search=search)


def queue_counts(store: Store) -> dict[str, int]:
    """{status value: n, "open": n, "all": n} in one query."""
    return store.queue_counts()


def application_detail(
    store: Store, number: str, viewer: User | None = None, *, today: dt.date | None = None
) -> ApplicationDetail:
    """Everything about one file, what to do next, and what blocks it (for anyone: what
    `viewer` in person may do is domain.actions.available_actions(detail, viewer))."""
    app = store.get_application(number)
    account = store.get_account(app.account)
    reviews = store.reviews(number)
    determinations = store.determinations(number)
    meters = store.meters(number)
    readings = tuple(r for m in meters for r in store.readings(m.id))
    current = determinations[-1] if determinations else None
    decisions = tuple(store.decisions(number))
    to_sign = tuple(blockers_to_sign(store, number))
    blockers: list[Blocker] = []
    if app.status is Status.AWAITING_FEE:
        blockers = fee_blockers(app)
    elif app.status is Status.IN_REVIEW:
        blockers = review_blockers(app.category, reviews)
        if current is None:
            blockers.append(Blocker("No determination entered (method and parameters)"))
    elif app.status is Status.AWAITING_DECISION or (
        app.status is Status.APPROVED and current is not None and not current.locked
    ):
        blockers = list(to_sign)
    if app.status in (Status.DRAFT, Status.AWAITING_FEE, Status.IN_REVIEW):
        for problem in eligibility_problems(store, app):
            blockers.append(Blocker(problem.message, problem.citation, problem.field))
    facts = FileFacts(app, tuple(reviews), current, len(meters), to_sign)
    return ApplicationDetail(
        application=app,
        account=account,
        payments=tuple(store.payments(number)),
        reviews=tuple(reviews),
        determinations=tuple(determinations),
        decisions=decisions,
        meters=tuple(meters),
        readings=readings,
        next_step=step_of(facts).text,
        blockers=tuple(blockers),
        timeline=tuple(store.timeline(number)),
        fees=tuple(store.fee_assessments(number)),
        signing_blockers=to_sign,
        schedule_issued=_schedule_issued(store, number, decisions),
    )


def _schedule_issued(store: Store, number: str, decisions: tuple) -> bool:
    """An adjusted volume schedule of the current approval is stored (so a read-only login
    can print it; only a kcsac user can issue one)."""
    approvals = [d for d in decisions if d.kind in (DecisionKind.APPROVAL, DecisionKind.AMENDMENT)]
    if not approvals:
        return False
    # Only the decision it belongs to: reading every stored snapshot on each selection
    # was the slowest part of switching queues for a read-only login.
    return store.latest_document_decision(number, ScheduleDocument.kind) == approvals[-1].id


def latest_document_decision(store: Store, number: str, kind: str) -> int | None:
    """The decision the newest issued document of `kind` belongs to (None: none issued)."""
    return store.latest_document_decision(number, kind)
