"""Batch export: the letters (and schedules) of many applications written into a folder.
Each file gets the letter its state calls for: an approved credit its approval (or latest
amendment) letter with the schedule, a denied file its denial, a revoked or ended credit its
revocation or ending letter."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kcsac.domain.status import Status
from kcsac.operations.documents.issuing import (
    ENCLOSES_SCHEDULE,
    letter_for,
    render_issued,
    schedule_for,
)
from kcsac.operations.documents.letters import LETTER_DECISIONS, last_decision
from kcsac.operations.errors import Refused
from kcsac.operations.queries import count_applications, list_applications
from kcsac.storage import Store


@dataclass(frozen=True)
class ExportResult:
    """What a batch export wrote, what it could not, and whether it was cancelled."""

    written: tuple[Path, ...]
    skipped: tuple[tuple[str, str], ...]  # (application number, why)
    cancelled: bool = False


def export_documents(
    store: Store,
    actor: str | None,
    numbers: Sequence[str],
    folder: Path,
    *,
    today: date,
    schedules: bool = True,
    progress: Callable[[int, int], None] = lambda done, total: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ExportResult:
    """Write each application's letter (and, for an approval or amendment letter, the
    schedule it encloses) into `folder`.

    Letters not yet issued are issued now. `progress(done, total)` is called after each
    application; `cancelled()` is checked before each, and a cancel keeps what was written.
    An application that cannot have a letter is skipped with the reason; nothing is lost.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: list[tuple[str, str]] = []
    total = len(numbers)
    for done, number in enumerate(numbers):
        if cancelled():
            return ExportResult(tuple(written), tuple(skipped), cancelled=True)
        try:
            docs = [letter_for(store, actor, number, today=today)]
            if schedules and docs[0].kind in ENCLOSES_SCHEDULE:
                try:
                    docs.append(schedule_for(store, actor, number, today=today))
                except Refused as exc:
                    skipped.append((number, f"schedule: {exc}"))
        except Refused as exc:
            skipped.append((number, str(exc)))
            docs = []
        for doc in docs:
            path = folder / doc.filename
            _write_atomically(path, render_issued(doc))
            written.append(path)
        progress(done + 1, total)
    return ExportResult(tuple(written), tuple(skipped))


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name, then rename: a crash never leaves half a PDF."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def decided_since(store: Store, status: Status, since: date | None) -> list[str]:
    """Numbers of applications now `status` (approved, denied, revoked or ended) whose
    decision of that state (the latest approval or amendment, the denial, the revocation,
    the ownership change) was made on or after `since`."""
    kinds = LETTER_DECISIONS[status]
    total = count_applications(store, status)
    numbers: list[str] = []
    for summary in list_applications(store, status, limit=max(total, 1)):
        decision = last_decision(store, summary.number, kinds)
        if decision is None:
            continue
        if since is None or decision.decided_on >= since:
            numbers.append(summary.number)
    return numbers
