"""The schedule of a stored credit: the one computation behind the determination and
approval previews, the schedule document, the billing hand-off and the split of a credit
that ends inside a period.

`credit_schedule(store, number, today=...)` gathers what the credit needs (its terms as
signed, the account's billing periods, the meters' use, the surcharge limits) and computes
its whole history with kcsac.domain.credit_history: every billing period under the terms in
force for it, one line per period (RULES.md, "A credit over time"). The billing hand-off
gathers the same for every credit in bulk (kcsac.operations.exports) and calls the same
`history_of`; a credit on an account with another credit goes through `credit_schedule`
itself, so rule 6's combined check holds there too.
"""

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kcsac.domain.category import Category
from kcsac.domain.credit_history import CreditHistory, credit_history
from kcsac.domain.credit_lines import FastPricing, LeftOut, PeriodItem, Purchase, SpanInput
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms
from kcsac.domain.double_credits import AccountCredit, double_credits
from kcsac.domain.method import Method
from kcsac.domain.problems import InputError, Problem, RuleRefused
from kcsac.domain.rates import first_effective_on
from kcsac.domain.records import DecisionKind, RecordError, SacApplication
from kcsac.domain.signed_terms import (
    SignatureMismatch,
    SignedDecision,
    TermsInForce,
    chain_spans,
    snapshot_pieces,
    terms_as_signed,
)
from kcsac.domain.surcharge import SurchargeLimits
from kcsac.operations.admin import surcharge_limits
from kcsac.operations.errors import Refused
from kcsac.operations.meters import period_inputs
from kcsac.storage import Store

_METERED = (Method.DEDUCT_METER, Method.SEWER_METER)


@dataclass(frozen=True)
class CreditSchedule:
    """A credit's history, or the problems that keep it from being computed."""

    number: str
    history: CreditHistory | None
    problems: tuple[Problem, ...] = ()
    spans: tuple[TermsInForce, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)  # periods left out, and why

    @property
    def ok(self) -> bool:
        return self.history is not None

    @property
    def effective_on(self) -> dt.date | None:
        """The first day of the first terms (the credit's effective date)."""
        return self.spans[0].start if self.spans else None


def signed_spans(store: Store, app: SacApplication) -> list[TermsInForce]:
    """The credit's terms in force, each as signed, in signing order; Refused (one line
    naming the application and the field) when the records disagree with a signature."""
    signed = []
    for d in store.decisions(app.number):
        if d.kind not in (DecisionKind.APPROVAL, DecisionKind.AMENDMENT) or not d.effective_on:
            continue
        pieces: tuple[object, ...] = (None, None, None, None)
        if d.snapshot_json:
            # unreadable: terms_as_signed names it (no determination signed)
            with contextlib.suppress(ValueError, AttributeError):
                pieces = snapshot_pieces(json.loads(d.snapshot_json))
        decision = SignedDecision(
            d.id,
            d.kind.value,
            d.determination_id,
            d.effective_on,
            d.snapshot_json,
            d.snapshot_sha256,
            *pieces,  # type: ignore[arg-type]
        )
        row = None
        if d.determination_id is not None:
            try:
                row = store.get_determination(d.determination_id)
            except RecordError:
                row = None
        signed.append(checked_terms(app.number, decision, row))
    return chain_spans(signed, app.ended_on)


def checked_terms(number: str, decision: SignedDecision, row) -> TermsInForce:
    """terms_as_signed, refusing the credit by name when its records disagree."""
    try:
        return terms_as_signed(number, decision, row)
    except SignatureMismatch as exc:
        raise Refused(str(exc)) from exc


def credit_schedule(
    store: Store,
    number: str,
    *,
    today: dt.date | None = None,
    through: dt.date | None = None,
    terms_override: DeterminationTerms | None = None,
    effective_override: dt.date | None = None,
    check_others: bool = True,
) -> CreditSchedule:
    """The schedule of credit `number`: every billing period (starting on or before
    `through`, when given) under the terms in force for it, as signed.

    `terms_override` / `effective_override` preview terms not signed yet, in force from
    `effective_override` (default `today`): the terms of a file awaiting its signature, or
    an amendment of a running credit (the periods before it stay under the signed terms).
    With neither, an unsigned file is previewed with its latest determination from `today`.
    Raises Refused when the records disagree with a signature; NotFound for no such file.
    """
    app = store.get_application(number)
    account = store.get_account(app.account)
    spans = signed_spans(store, app)
    if terms_override is not None or effective_override is not None or not spans:
        terms = terms_override or _latest_terms(store, app)
        if terms is None:
            return CreditSchedule(
                number, None, (Problem("method", "No determination entered yet"),)
            )
        start = effective_override or today
        if start is None:
            raise ValueError("credit_schedule: a preview needs today or effective_override")
        spans = _with_preview(spans, TermsInForce(0, terms, start))
    periods = [p for p in store.consumption(app.account) if _touches(spans, p.start, p.end)]
    if through is not None:
        periods = [p for p in periods if p.start <= through]
    if not periods:
        return CreditSchedule(
            number,
            None,
            (
                Problem(
                    "periods",
                    f"No billing periods of account {app.account} on or after "
                    f"{spans[0].start.isoformat()}; import them with `kcsac import consumption`",
                ),
            ),
            tuple(spans),
        )

    try:
        history = history_of(
            account.customer_class,
            spans,
            periods,
            metered=metered_inputs(store, number, spans),
            limits=surcharge_limits(store),
        )
    except RuleRefused as exc:
        return CreditSchedule(number, None, (Problem("", exc.message, exc.citation),), tuple(spans))
    except InputError as exc:
        return CreditSchedule(number, None, tuple(exc.problems), tuple(spans))
    if check_others:
        history = history.without(_double_credits(store, app, spans, history, today, through))
    return CreditSchedule(
        number, history, (), tuple(spans), tuple(x.note for x in history.left_out)
    )


def history_of(
    customer_class: CustomerClass,
    spans: Sequence[TermsInForce],
    periods: Sequence,
    *,
    metered: Callable[[TermsInForce, Sequence], list[PeriodItem]] | None,
    limits: SurchargeLimits | None,
    fast: FastPricing | None = None,
) -> CreditHistory:
    """The credit's history from its terms in force and its account's billing periods
    (objects with start, end and ccf, in date order): each set of terms gets the periods
    that touch it, a metered method's with the meters' use (`metered`), and a period that
    starts before kcsac's first rate table is left out with that reason."""
    first = first_effective_on()
    inputs = []
    for span in spans:
        touching = [p for p in periods if span.touches(p.start, p.end)]
        items: list[PeriodItem] = [
            LeftOut(p.start, p.end, f"it starts before {first.isoformat()}")
            for p in touching
            if p.start < first
        ]
        if items:
            touching = [p for p in touching if p.start >= first]
        if span.terms.method in _METERED and metered is not None:
            items += metered(span, touching)
        else:
            items += [Purchase(p.start, p.end, p.ccf) for p in touching]
        inputs.append(SpanInput(span, tuple(items)))  # in date order, as `periods`
    return credit_history(customer_class, inputs, limits=limits, fast=fast)


def metered_inputs(
    store: Store, number: str, spans: Sequence[TermsInForce]
) -> Callable[[TermsInForce, Sequence], list[PeriodItem]]:
    """For history_of: a metered method's billing periods with the meters' use (from their
    activation readings on the first day of the first metered terms), or why each is left
    out (operations.meters.period_inputs)."""
    activation = _activation(spans)

    def metered(span: TermsInForce, touching: Sequence) -> list[PeriodItem]:
        found = period_inputs(store, span.terms.method, number, touching, activation)
        return [
            m.period if m.period is not None else LeftOut(p.start, p.end, m.left_out)
            for p, m in zip(touching, found, strict=True)
        ]

    return metered


def _latest_terms(store: Store, app: SacApplication) -> DeterminationTerms | None:
    """The file's latest determination (an ownership change carries its prior credit's)."""
    source = app.number
    if app.category is Category.OWNERSHIP_CHANGE and not store.determinations(app.number):
        source = app.details.get("prior_application", "") or app.number
    found = store.determinations(source)
    if not found:
        return None
    d = found[-1]
    return DeterminationTerms(d.method, d.percent, d.fixed_ccf)


def _with_preview(spans: list[TermsInForce], preview: TermsInForce) -> list[TermsInForce]:
    """The signed terms before the preview's first day, then the preview's terms."""
    kept = []
    for span in spans:
        if span.start >= preview.start:
            break
        if span.end is None or span.end >= preview.start:
            span = dataclasses.replace(span, end=preview.start - dt.timedelta(days=1))
        kept.append(span)
    return [*kept, preview]


def _touches(spans: Sequence[TermsInForce], start: dt.date, end: dt.date) -> bool:
    return any(s.touches(start, end) for s in spans)


def _activation(spans: Sequence[TermsInForce]) -> dt.date | None:
    """When the meters' activation readings apply: the first day of the first metered
    terms (the credit's effective date when it is metered from the start)."""
    return next((s.start for s in spans if s.terms.method in _METERED), None)


# --- rule 6: the account's other credits -------------------------------------------------------


def water_use(store: Store, app: SacApplication) -> str:
    """The use of water a credit is for: its category (an ownership change: the category of
    the credit it carries on)."""
    seen = set()
    while app.category is Category.OWNERSHIP_CHANGE and app.number not in seen:
        seen.add(app.number)
        prior = app.details.get("prior_application", "")
        if not prior:
            break
        try:
            app = store.get_application(prior)
        except RecordError:
            break
    return app.category.value


def _double_credits(
    store: Store,
    app: SacApplication,
    spans: Sequence[TermsInForce],
    history: CreditHistory,
    today: dt.date | None,
    through: dt.date | None,
) -> dict:
    # An ownership change carries its prior credit on (the prior ends the day before the
    # transfer when it is signed): the two are one credit moving, never a double credit.
    related = {app.number, app.details.get("prior_application", "")}
    others = [
        n
        for n in store.credits_on_account(app.account)
        if n not in related
        and store.get_application(n).details.get("prior_application", "") != app.number
    ]
    if not others:
        return {}
    this = AccountCredit(
        app.number, water_use(store, app), spans[0].start, spans[-1].end, history.lines
    )
    theirs = []
    for other in others:
        try:
            found = credit_schedule(store, other, today=today, through=through, check_others=False)
        except RecordError:
            continue  # a credit refused on its own: its own schedule says so
        if found.history is None:
            continue
        other_app = store.get_application(other)
        theirs.append(
            AccountCredit(
                other,
                water_use(store, other_app),
                found.spans[0].start,
                found.spans[-1].end,
                found.history.lines,
            )
        )
    return double_credits(this, theirs)
