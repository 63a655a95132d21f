"""Schedule previews for the determination and signing dialogs (the engine on stored data)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kcsac.domain.determination import DeterminationTerms
from kcsac.domain.method import Method
from kcsac.domain.problems import InputError, Problem, RuleRefused
from kcsac.domain.schedule import AdjustedSchedule, build_schedule
from kcsac.operations.admin import surcharge_limits
from kcsac.operations.documents.schedules import left_out_note
from kcsac.operations.meters import period_inputs
from kcsac.storage import Store


@dataclass(frozen=True)
class SchedulePreview:
    """The adjusted volume schedule, or the problems that keep it from being computed."""

    schedule: AdjustedSchedule | None
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    effective_on: dt.date | None = None
    left_out: tuple[str, ...] = ()  # a note for each metered period not read yet

    @property
    def ok(self) -> bool:
        return self.schedule is not None


def schedule_preview(
    store: Store,
    number: str,
    *,
    today: dt.date,
    effective_on: dt.date | None = None,
    method: Method | str | None = None,
    percent: Decimal | None = None,
    fixed_ccf: Decimal | None = None,
    periods_after: dt.date | None = None,
) -> SchedulePreview:
    """Preview the schedule on the account's stored consumption periods.

    Terms default to the latest determination; the effective date defaults to the
    application's (if signed) or `today` (signing today). Periods ending before
    `periods_after` (default: a year before the effective date) are left out.
    """
    app = store.get_application(number)
    account = store.get_account(app.account)
    if method is None:
        found = store.determinations(number)
        if not found:
            return SchedulePreview(None, (Problem("method", "No determination entered yet"),))
        d = found[-1]
        terms = DeterminationTerms(d.method, d.percent, d.fixed_ccf)
    else:
        terms = DeterminationTerms(Method(method), percent, fixed_ccf)
    effective = effective_on or app.effective_on or today
    since = periods_after or (effective - dt.timedelta(days=365))
    stored = [p for p in store.consumption(app.account) if p.end >= since]
    # The meters count from their activation reading at the effective date, as signed.
    metered = period_inputs(store, terms.method, number, stored, effective)
    periods = [m.period for m in metered if m.period is not None]
    left_out = tuple(
        left_out_note(p.start, p.end, m.left_out)
        for p, m in zip(stored, metered, strict=True)
        if m.period is None
    )
    if stored and not periods:
        return SchedulePreview(
            None, tuple(Problem("periods", note) for note in left_out), effective, left_out
        )
    if not periods:
        return SchedulePreview(
            None,
            (
                Problem(
                    "periods",
                    f"No consumption periods of account {app.account} since "
                    f"{since.isoformat()}; import them with `kcsac import consumption`",
                ),
            ),
            effective,
        )
    try:
        schedule = build_schedule(
            customer_class=account.customer_class,
            effective_on=effective,
            terms=terms,
            periods=periods,
            limits=surcharge_limits(store),
        )
    except InputError as exc:
        return SchedulePreview(None, tuple(exc.problems), effective, left_out)
    except RuleRefused as exc:
        return SchedulePreview(None, (Problem("", exc.message, exc.citation),), effective, left_out)
    return SchedulePreview(schedule, (), effective, left_out)
