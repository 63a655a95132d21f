"""The schedule previews of the determination and signing dialogs: the credit's schedule
(operations.credit_schedule, the one computation) with terms not signed yet, and a caption
saying what the rows cover. Nothing here is stored or issued."""

import datetime as dt
from dataclasses import dataclass, field

from kcsac.domain.category import Category
from kcsac.domain.credit_history import CreditHistory
from kcsac.domain.credit_lines import CreditLine
from kcsac.domain.determination import DeterminationTerms
from kcsac.domain.schedule import ScheduleTotals
from kcsac.domain.status import Status
from kcsac.operations.credit_schedule import CreditSchedule, credit_schedule
from kcsac.operations.errors import Refused
from kcsac.storage import Store

PREVIEW_PERIODS = 6  # billing periods shown when none falls after the signature date yet
DOUBLE_CREDIT = "credited twice: "  # how a rule 6 period's reason starts


@dataclass(frozen=True)
class SchedulePreview:
    """What a dialog shows: the lines and totals, the notes, a caption; or why there are
    none (`message`)."""

    history: CreditHistory | None
    caption: str = ""
    message: str = ""  # why there is no schedule ("" when there is one)
    left_out: tuple[str, ...] = field(default_factory=tuple)  # a note per period left out

    @property
    def ok(self) -> bool:
        return self.history is not None and bool(self.history.lines)

    @property
    def lines(self) -> tuple[CreditLine, ...]:
        return self.history.lines if self.history is not None else ()

    @property
    def totals(self) -> ScheduleTotals | None:
        return self.history.totals if self.history is not None else None

    @property
    def notes(self) -> tuple[str, ...]:
        return self.history.notes if self.history is not None else ()

    @property
    def double_credits(self) -> tuple[str, ...]:
        """The periods left out because two credits of the account credit them twice."""
        return tuple(n for n in self.left_out if f"left out: {DOUBLE_CREDIT}" in n)


def _preview(found: CreditSchedule, caption: str) -> SchedulePreview:
    if found.history is None:
        message = "; ".join(str(p) for p in found.problems) or "nothing to preview"
        return SchedulePreview(None, caption, message)
    return SchedulePreview(found.history, caption, "", found.notes)


def determination_preview(
    store: Store,
    number: str,
    *,
    today: dt.date,
    terms: DeterminationTerms,
    effective_on: dt.date,
) -> SchedulePreview:
    """The schedule `terms` would give from `effective_on`: for a file not signed yet its
    terms alone; for a running credit an amendment (the periods before it stay under the
    terms signed before)."""
    try:
        found = credit_schedule(
            store, number, today=today, terms_override=terms, effective_override=effective_on
        )
    except Refused as exc:
        return SchedulePreview(None, message=str(exc))
    return _preview(found, f"Billing periods from {effective_on.isoformat()}.")


def signing_preview(
    store: Store, number: str, *, today: dt.date, signed_on: dt.date
) -> SchedulePreview:
    """The schedule the signature on `signed_on` would give: the latest determination from
    the signature date (an ownership change: the prior credit's terms from the transfer
    date; an amendment: from its signature, after the terms signed before).

    Billing periods after the effective date rarely exist yet when the director signs, so
    a first approval's preview then runs over the account's last PREVIEW_PERIODS periods,
    as an illustration."""
    app = store.get_application(number)
    effective = signed_on
    if app.category is Category.OWNERSHIP_CHANGE:
        try:
            effective = dt.date.fromisoformat(app.details.get("transfer_on", ""))
        except ValueError:
            return SchedulePreview(None, message="The transfer date is not entered.")
    amending = app.status is Status.APPROVED
    history = store.consumption(app.account)
    if not history:
        return SchedulePreview(
            None, message="No billing periods imported for this account: nothing to preview."
        )
    start = effective
    caption = f"Billing periods from the effective date {effective.isoformat()}."
    if amending:
        caption = (
            f"The credit's billing periods, with the amendment in force from "
            f"{effective.isoformat()}."
        )
    elif not any(c.end >= effective for c in history):
        recent = sorted(history, key=lambda c: c.start)[-PREVIEW_PERIODS:]
        start = recent[0].start
        caption = (
            f"Illustration over the last {len(recent)} billing periods (from "
            f"{start.isoformat()}); the credit itself starts on the effective date."
        )
    try:
        found = credit_schedule(store, number, today=today, effective_override=start)
    except Refused as exc:
        return SchedulePreview(None, message=f"No preview: {exc}")
    preview = _preview(found, caption)
    if preview.left_out:  # say which periods are left out, so the rows shown add up
        preview = SchedulePreview(
            preview.history,
            f"{caption} {' '.join(preview.left_out)}",
            preview.message,
            preview.left_out,
        )
    if preview.history is not None and not preview.history.lines:
        return SchedulePreview(
            None, preview.caption, " ".join(preview.left_out) or "No billing period can be priced."
        )
    return preview
