"""A billing cycle's batch: issue the schedules that have new billing periods, so billing and
customers get each cycle's figures (RULES.md, "A credit over time": schedules are issued per
billing cycle; the newest version is the customer's)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from kcsac.domain.documents import ScheduleDocument
from kcsac.domain.records import RecordError
from kcsac.operations.documents.issuing import (
    APPROVAL,
    current_decision_id,
    issue_schedule,
    schedule_versions,
)
from kcsac.storage import Store


@dataclass(frozen=True)
class CycleResult:
    """What a cycle's batch issued, found unchanged, or could not issue (and why)."""

    issued: tuple[tuple[str, int], ...]  # (application number, version issued)
    unchanged: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (application number, why)
    cancelled: bool = False


def credits_with_new_periods(store: Store, *, through: date | None = None) -> list[str]:
    """Credits whose account has a billing period (starting on or before `through`, when
    given) that ends after the last period of their newest schedule, or that have no
    schedule yet, or whose newest schedule predates the decision in force (an amendment)."""
    found = []
    for number in store.credited_numbers():
        app = store.get_application(number)
        if app.effective_on is None:
            continue
        known = [
            p.end
            for p in store.consumption(app.account)
            if p.end >= app.effective_on
            and (app.ended_on is None or p.start <= app.ended_on)
            and (through is None or p.start <= through)
        ]
        if not known:
            continue
        versions = schedule_versions(store, number)
        if not versions:
            found.append(number)
            continue
        newest = versions[-1]
        snapshot = newest.snapshot
        covered = (
            max(row.end for row in snapshot.rows)
            if isinstance(snapshot, ScheduleDocument) and snapshot.rows
            else None
        )
        amended = newest.decision_id != current_decision_id(store, number, APPROVAL)
        if amended or covered is None or max(known) > covered:
            found.append(number)
    return found


def issue_new_schedules(
    store: Store,
    actor: str | None,
    *,
    today: date,
    through: date | None = None,
    numbers: Sequence[str] | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> CycleResult:
    """Issue the next version of each credit's schedule that has new billing periods
    (`numbers`, default credits_with_new_periods). `progress(done, total)` after each;
    `cancelled()` is asked before each, and a cancel keeps what was issued."""
    todo = (
        list(numbers) if numbers is not None else credits_with_new_periods(store, through=through)
    )
    issued: list[tuple[str, int]] = []
    unchanged: list[str] = []
    skipped: list[tuple[str, str]] = []
    total = len(todo)
    for done, number in enumerate(todo):
        if cancelled():
            return CycleResult(tuple(issued), tuple(unchanged), tuple(skipped), cancelled=True)
        try:
            result = issue_schedule(store, actor, number, today=today, through=through)
        except RecordError as exc:
            skipped.append((number, str(exc)))
        else:
            if result.new:
                issued.append((number, result.version))
            else:
                unchanged.append(number)
        progress(done + 1, total)
    return CycleResult(tuple(issued), tuple(unchanged), tuple(skipped))
