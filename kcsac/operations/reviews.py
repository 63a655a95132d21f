"""Site reviews, plan reviews and installation inspections, with the files attached to them."""

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from kcsac.domain.actions import Action
from kcsac.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    media_type_for,
    size_text,
)
from kcsac.domain.dates import before_received_problems, future_date_problems
from kcsac.domain.problems import Problem
from kcsac.domain.records import (
    Review,
    ReviewKind,
    ReviewResult,
    SacApplication,
    User,
)
from kcsac.domain.roles import Permission
from kcsac.operations.errors import InvalidInput
from kcsac.operations.permits import check, require_action
from kcsac.operations.progress import refresh_status
from kcsac.operations.users import acting
from kcsac.storage import Store


def record_review(
    store: Store,
    actor: User | None,
    number: str,
    *,
    kind: ReviewKind | str,
    reviewed_on: dt.date,
    result: ReviewResult | str,
    notes: str = "",
    attachments: Iterable[str | os.PathLike[str]] = (),
    reviewer: str = "",
    today: dt.date,
) -> SacApplication:
    """Record a site review, plan review or installation inspection (date, who, result).

    A review dated after today or before the application was received is refused by field
    (reviewed_on). Each attachment (a path to a photo or PDF) is read now and its bytes are
    stored with the review in the same transaction: the original file may be moved or deleted
    afterwards.
    """
    actor = require_action(store, actor, Action.REVIEW)
    if reviewed_on > today:
        raise InvalidInput(
            future_date_problems("reviewed_on", reviewed_on, today, "record a review")
        )
    kind, result = ReviewKind(kind), ReviewResult(result)
    if result is ReviewResult.FAILED and not notes.strip():
        raise InvalidInput([Problem("notes", "Say why the review failed (notes are required)")])
    files = _read_attachments(attachments)
    with acting(store, actor, Permission.RECORD_REVIEW, "record reviews") as actor:
        app = store.get_application(number)
        check(store, actor, Action.REVIEW, app)
        early = before_received_problems(
            "reviewed_on", reviewed_on, app.received_on, "record a review"
        )
        if early:
            raise InvalidInput(early)
        review = store.add_review(
            Review(
                0,
                number,
                kind,
                reviewed_on,
                reviewer.strip() or actor.name or actor.login,
                result,
                notes.strip(),
                tuple(name for name, _content in files),
            ),
            actor.login,
        )
        for name, content in files:
            store.add_attachment(
                application=number,
                review_id=review.id,
                filename=name,
                media_type=media_type_for(name),
                content=content,
                actor=actor.login,
            )
        return refresh_status(store, app, actor.login, f"{kind.label.lower()} recorded")


def attachments(store: Store, number: str) -> list[Attachment]:
    """The files stored with an application's reviews (name, type, size, sha256), oldest first."""
    return store.attachments(number)


def attachment_content(store: Store, attachment_id: int) -> bytes:
    """One stored attachment's bytes (checked against its sha256), e.g. to save a copy."""
    return store.attachment_content(attachment_id)


def _read_attachments(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each attachment; a missing, unreadable or too large file is
    refused by name before anything is saved."""
    problems, files = [], []
    limit = size_text(MAX_ATTACHMENT_BYTES)
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            if not path.is_file():
                what = "is a folder, not a file" if path.is_dir() else "does not exist"
                problems.append(Problem("attachments", f"The attachment {path} {what}"))
                continue
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                problems.append(
                    Problem(
                        "attachments",
                        f"The attachment {path} is {size_text(size)}; the limit is {limit}",
                    )
                )
                continue
            with path.open("rb") as fh:  # read at most one byte past the limit
                content = fh.read(MAX_ATTACHMENT_BYTES + 1)
        except OSError as exc:
            problems.append(
                Problem("attachments", f"The attachment {path} cannot be read: {exc.strerror}")
            )
            continue
        if len(content) > MAX_ATTACHMENT_BYTES:  # it grew after the size check
            problems.append(
                Problem("attachments", f"The attachment {path} is over the limit of {limit}")
            )
            continue
        files.append((path.name, content))
    if problems:
        raise InvalidInput(problems)
    return files
