"""The desk's timeline: the audit rows one operation wrote, grouped into one entry.

Since migration m009 every audit row names its operation (the seq of the first row its
write transaction wrote; Store.audit), and rows are grouped by that alone. What follows is
how rows written before then are grouped.

An operation writes one audit row per record it changes (a payment row, then the
application row it updated), so the raw trail says everything twice. The audit table keeps
no transaction id, and its time stamps cannot stand in for one: the clock is read once per
row (rows of one operation may straddle a second; the demo clock ticks on every row) and
two operations of one clerk often fall in the same second. So rows are grouped only by the
shapes the operations are known to write (kcsac.operations, kcsac.storage): a group is a
run of rows with consecutive audit seq numbers (nothing else was written between them), by
one actor, whose entities and actions follow one shape. Every row after a shape's first is
one that only that operation writes, right after the rows before it ("fee payment recorded"
only by record_payment, after its payment row), so two operations are never merged;
anything else stays one entry per row. The one allowance: a decision's letter, issued in
the signing transaction, is part of the signing's shape, so in an audit trail written
before letters were issued that way, a letter the signer issued straight after signing
(nothing written between) joins the signing's entry.
"""

import re
from dataclasses import dataclass

from kcsac.domain.records import AuditEvent
from kcsac.domain.status import Status

_STATUS_VALUES = frozenset(s.value for s in Status)
MAX_CHANGE_LINES = 40  # per tooltip; a snapshot row alone has a dozen fields


@dataclass(frozen=True)
class _Step:
    """One audit row of a shape: its entity and an action pattern (fullmatch); a `kind`
    group must name the same thing in every row of the shape that has one."""

    entity: str
    action: re.Pattern[str]
    optional: bool = False
    repeated: bool = False  # any number of such rows, none included


def _step(entity: str, action: str, *, optional: bool = False, repeated: bool = False) -> _Step:
    return _Step(entity, re.compile(action), optional, repeated)


def _letter(kind: str) -> tuple[_Step, _Step]:
    """The two rows of a letter issued inside a decision's transaction (documents.issuing.issue)."""
    return (
        _step("document", f"{kind} issued", optional=True),
        _step("document", f"{kind} PDF rendered", optional=True),
    )


@dataclass(frozen=True)
class _Shape:
    """The rows one operation writes, in order; `headline` is the step that names it."""

    operation: str  # where it is written, for the reader of this table
    steps: tuple[_Step, ...]
    headline: int


_SHAPES = (
    _Shape(
        "intake.submit_application",
        (_step("fee", "fee assessed"), _step("application", "application submitted")),
        headline=1,
    ),
    _Shape(
        "payments.set_fee",
        (_step("fee", "fee assessed"), _step("application", "fee decided by the director")),
        headline=1,
    ),
    _Shape(
        "payments.record_payment",
        (
            _step("payment", "payment recorded"),
            _step("payment", "payment confirmed", optional=True),
            _step("application", "fee payment recorded", optional=True),
        ),
        headline=0,
    ),
    _Shape(
        "payments.reverse_payment",
        (
            _step("payment", "payment reversed"),
            _step("application", r"payment .+ reversed", optional=True),
        ),
        headline=1,
    ),
    _Shape(
        "reviews.record_review",
        (
            _step("review", r"(?P<kind>.+) recorded"),
            _step("attachment", "attachment stored", repeated=True),
            _step("application", r"(?P<kind>.+) recorded", optional=True),
        ),
        headline=0,
    ),
    _Shape(
        "determinations.enter_determination",
        (
            _step("determination", "determination (entered|changed)"),
            _step("application", "determination entered", optional=True),
        ),
        headline=0,
    ),
    _Shape(
        "approvals.approve (approval; its letter is issued in the same transaction)",
        (
            _step("decision", "approval recorded"),
            _step("application", r"approved \(signed\)"),
            *_letter("approval-letter"),
        ),
        headline=1,
    ),
    _Shape(
        "approvals.approve (amendment of an approved credit)",
        (_step("decision", "amendment recorded"), *_letter("approval-letter")),
        headline=0,
    ),
    _Shape(
        "ownership.approve_ownership_change (the new owner's file)",
        (
            _step("determination", "determination entered"),
            _step("decision", "approval recorded"),
            _step("application", "ownership change approved"),
        ),
        headline=2,
    ),
    _Shape(
        "ownership.approve_ownership_change (the prior owner's file)",
        (
            _step("decision", "ownership-change recorded"),
            _step("application", r"credit ended: ownership changed \(.+\)"),
        ),
        headline=1,
    ),
    _Shape(
        "approvals.deny",
        (
            _step("decision", "denial recorded"),
            _step("application", "denied"),
            *_letter("denial-letter"),
        ),
        headline=1,
    ),
    _Shape(
        "approvals.reopen",
        (_step("decision", "reopen recorded"), _step("application", "reopened", optional=True)),
        headline=1,
    ),
    _Shape(
        "approvals.revoke",
        (_step("decision", "revocation recorded"), _step("application", r"credit revoked from .+")),
        headline=1,
    ),
    _Shape(
        "documents.issuing.issue",
        (
            _step("document", r"(?P<kind>.+) issued"),
            _step("document", r"(?P<kind>.+) PDF rendered"),
        ),
        headline=0,
    ),
)


@dataclass(frozen=True)
class TimelineEntry:
    """One operation as the timeline shows it: its audit rows, oldest first."""

    events: tuple[AuditEvent, ...]
    headline: AuditEvent  # the row that names the operation

    @property
    def action(self) -> str:
        return self.headline.action

    @property
    def actor(self) -> str:
        return self.events[0].actor

    @property
    def at(self) -> str:
        """When the operation started (its first row; the rest follow within seconds)."""
        return self.events[0].at

    @property
    def reason(self) -> str:
        """The reasons given, each once (a payment's confirmation and the file's row may
        repeat the same words)."""
        seen: list[str] = []
        for event in self.events:
            if event.reason and event.reason not in seen:
                seen.append(event.reason)
        return "; ".join(seen)

    def new_status(self) -> Status | None:
        """The application's status after the operation, when the operation moved it on
        (a file's creation has no status before it, so it moves nothing)."""
        found = None
        for event in self.events:
            if event.entity != "application":
                continue
            for field, before, after in _changes(event):
                if field == "status" and before and after in _STATUS_VALUES:
                    found = Status(after)
        return found

    def summary(self) -> str:
        """One line: the action, the status it led to (unless the action says so), the reason."""
        text = self.action
        status = self.new_status()
        if status is not None and status.label.lower() not in text.lower():
            text += f" (now {status.label.lower()})"
        return f"{text}: {self.reason}" if self.reason else text

    def change_lines(self) -> list[str]:
        """Every row's changed fields, row by row ("field: before -> after"), for a tooltip."""
        lines: list[str] = []
        for event in self.events:
            changes = _changes(event)
            lines.append(f"{event.action} ({event.entity} {event.entity_id})".rstrip())
            lines += [
                f"  {field}: {before or '-'} -> {after or '-'}" for field, before, after in changes
            ]
        if len(lines) > MAX_CHANGE_LINES:
            hidden = len(lines) - MAX_CHANGE_LINES + 1
            lines = [*lines[: MAX_CHANGE_LINES - 1], f"... {hidden} more lines in the audit trail"]
        return lines


def _changes(event: AuditEvent) -> list[tuple[str, str, str]]:
    try:
        return event.changes()
    except ValueError:  # a row whose before/after is not JSON: only its action is shown
        return []


def group_timeline(events: list[AuditEvent] | tuple[AuditEvent, ...]) -> list[TimelineEntry]:
    """The entries of an application's audit rows (given oldest first), oldest first.

    Rows that name their operation (kcsac records it since migration m009) are grouped by
    it, exactly; older rows, which do not, by the shapes above."""
    rows = list(events)
    out: list[TimelineEntry] = []
    start = 0
    while start < len(rows):
        operation = rows[start].operation
        end = start + 1
        while end < len(rows) and rows[end].operation == operation:
            end += 1
        if operation is None:
            out += _by_shapes(rows[start:end])
        else:
            parts = _by_shapes(rows[start:end])  # which row names the operation
            out.append(TimelineEntry(tuple(rows[start:end]), parts[0].headline))
        start = end
    return out


def _by_shapes(rows: list[AuditEvent]) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    start = 0
    while start < len(rows):
        best: tuple[int, int] = (start + 1, start)  # (end, headline index): the row alone
        for shape in _SHAPES:
            matched = _match(shape.steps, rows, start, start, {})
            if matched is None or len(matched) < 2 or start + len(matched) <= best[0]:
                continue
            steps = [step for step, _row in matched]
            headline = matched[steps.index(shape.headline)][1] if shape.headline in steps else start
            best = (start + len(matched), headline)
        end, headline = best
        out.append(TimelineEntry(tuple(rows[start:end]), rows[headline]))
        start = end
    return out


def _match(
    steps: tuple[_Step, ...],
    rows: list[AuditEvent],
    start: int,
    at: int,
    kinds: dict,
    step: int = 0,
) -> list[tuple[int, int]] | None:
    """(step index, row index) for rows[start:] following `steps` from step `step`, or None.
    Optional and repeated steps are tried longest first, so the whole shape is kept."""
    if step == len(steps):
        return []
    rule = steps[step]
    tries: list[list[int]] = []
    taken: list[int] = []
    i = at
    while _fits(rule, rows, start, i, kinds):
        taken.append(i)
        i += 1
        if not rule.repeated:
            break
    for n in range(len(taken), -1, -1):
        if n == 0 and not (rule.optional or rule.repeated):
            break
        tries.append(taken[:n])
    for used in tries:
        found_kinds = dict(kinds)
        for i in used:
            found = rule.action.fullmatch(rows[i].action)
            assert found is not None  # _fits matched each row of `used`
            kind = found.groupdict().get("kind")
            if kind is not None:
                found_kinds["kind"] = kind
        rest = _match(steps, rows, start, at + len(used), found_kinds, step + 1)
        if rest is not None:
            return [(step, i) for i in used] + rest
    return None


def _fits(rule: _Step, rows: list[AuditEvent], start: int, i: int, kinds: dict) -> bool:
    """Row i can be the next row of the group that began at row `start` under `rule`."""
    if i >= len(rows):
        return False
    row = rows[i]
    if i > start and (row.seq != rows[i - 1].seq + 1 or row.actor != rows[start].actor):
        return False  # something else was written between, or someone else wrote it
    if row.entity != rule.entity:
        return False
    found = rule.action.fullmatch(row.action)
    if found is None:
        return False
    kind = found.groupdict().get("kind")
    return kind is None or kinds.get("kind", kind) == kind
