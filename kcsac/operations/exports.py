"""Exports: the applications list, and the billing hand-off (one row per credit and period)."""

import csv
import datetime as dt
import functools
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import TextIO

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms
from kcsac.domain.money import format_plain
from kcsac.domain.period_pricer import PeriodPricer
from kcsac.domain.problems import InputError, RuleRefused
from kcsac.domain.rates import VolumeRounding
from kcsac.domain.records import DecisionKind, Determination, SacApplication
from kcsac.domain.schedule import build_schedule
from kcsac.operations.meters import MeteredPeriod, period_inputs
from kcsac.storage import Store

APPLICATION_COLUMNS = (
    "number",
    "account",
    "customer",
    "service_address",
    "category",
    "customer_class",
    "status",
    "received",
    "fee",
    "paid",
    "balance",
    "effective",
    "ended",
)
BILLING_COLUMNS = (
    "application",
    "account",
    "customer_class",
    "determination",
    "method",
    "credit_from",
    "credit_to",
    "period_start",
    "period_end",
    "days",
    "factor",
    "purchased_ccf",
    "diverted_ccf",
    "credited_ccf",
    "billed_ccf",
    "volume_charge_unadjusted",
    "volume_charge",
    "credit",
    "volume_rounding",
    "notes",
)


def _money(cents: int | None) -> str:
    return "" if cents is None else _plain(cents)


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def export_applications(store: Store, out: TextIO) -> int:
    """Write the applications CSV (money with two decimals, dates ISO); returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(APPLICATION_COLUMNS)
    count = 0
    for r in store.export_rows():
        writer.writerow(
            [
                r.number,
                r.account,
                r.customer,
                r.service_address,
                r.category.value,
                r.customer_class.value,
                r.status.value,
                _iso(r.received_on),
                _money(r.fee_cents),
                _money(r.paid_cents),
                _money(r.balance_cents),
                _iso(r.effective_on),
                _iso(r.ended_on),
            ]
        )
        count += 1
    return count


@dataclass(frozen=True)
class CreditSpan:
    """One determination in force over [start, end] (end None: still in force)."""

    determination: Determination
    start: dt.date
    end: dt.date | None


def credit_spans(store: Store, app: SacApplication) -> list[CreditSpan]:
    """The signed determinations of a credit and the days each was in force."""
    signed = [
        (d.effective_on, d.determination_id)
        for d in store.decisions(app.number)
        if d.kind in (DecisionKind.APPROVAL, DecisionKind.AMENDMENT)
        and d.effective_on is not None
        and d.determination_id is not None  # as credit_spans_bulk's join
    ]
    spans = []
    for i, (effective_on, determination_id) in enumerate(signed):
        end = app.ended_on
        if i + 1 < len(signed):
            end = signed[i + 1][0] - dt.timedelta(days=1)
        spans.append(CreditSpan(store.get_determination(determination_id), effective_on, end))
    return spans


def period_input(
    store: Store,
    app: SacApplication,
    terms: DeterminationTerms,
    start: dt.date,
    end: dt.date,
    ccf: Decimal,
) -> MeteredPeriod:
    """One billing period for the engine, metered volumes from the readings (or why it is
    left out): meters.period_inputs, the computation the schedule document uses too."""
    period = SimpleNamespace(start=start, end=end, ccf=ccf)
    return period_inputs(store, terms.method, app.number, [period], app.effective_on)[0]


def billing_rows(
    store: Store, *, through: dt.date | None = None, quick: bool = True
) -> Iterator[dict[str, str]]:
    """One row per approved credit, determination in force, and billing period it touches.

    Every credit's spans come from one query and its periods from one streaming query, and
    ordinary periods are priced by the engine's PeriodPricer (integer arithmetic, the same
    figures). quick=False prices every period with build_schedule."""
    for values in _billing_values(store, through=through, quick=quick):
        yield dict(zip(BILLING_COLUMNS, values, strict=True))


def _billing_values(
    store: Store,
    *,
    through: dt.date | None = None,
    quick: bool = True,
    from_id: int | None = None,
    before_id: int | None = None,
) -> Iterator[list[str]]:
    """billing_rows' rows as lists in BILLING_COLUMNS order (what the CSV writer takes),
    of the credits with row id in [from_id, before_id) when given."""
    spans_of = store.credit_spans_bulk(from_id=from_id, before_id=before_id)
    pricers: dict[tuple[CustomerClass, DeterminationTerms], PeriodPricer] = {}
    shapes: dict[CustomerClass, dict] = {}  # days and rates per (effective date, period)
    for number, account, class_text, ended_text, periods in store.credited_consumption(
        through=through, from_id=from_id, before_id=before_id
    ):
        spans = spans_of.get(number)
        if not spans:
            continue
        customer_class = CustomerClass(class_text)
        ended_on = dt.date.fromisoformat(ended_text) if ended_text else None
        for i, (start, d) in enumerate(spans):
            end = ended_on
            if i + 1 < len(spans):
                end = spans[i + 1][0] - dt.timedelta(days=1)
            span = CreditSpan(d, start, end)
            terms = DeterminationTerms(d.method, d.percent, d.fixed_ccf)
            pricer = pricers.get((customer_class, terms)) if quick else None
            if quick and pricer is None:
                shared = shapes.setdefault(customer_class, {})
                pricer = pricers[(customer_class, terms)] = PeriodPricer(
                    customer_class, terms, shapes=shared
                )
            head = (
                number,
                account,
                customer_class.value,
                str(d.id),
                terms.method.value,
                start.isoformat(),
                end.isoformat() if end else "",
            )
            for p in periods:
                if p.end < start or (end and p.start > end):
                    continue
                row = None if pricer is None else _quick_row(pricer, head, span, p)
                if row is None:
                    app = store.get_application(number)  # the general engine's inputs
                    row = list(_billing_row(store, app, customer_class, span, terms, p).values())
                yield row


@functools.cache
def _factor_text(num: int, den: int) -> str:
    g = math.gcd(num, den)
    num, den = num // g, den // g
    return str(num) if den == 1 else f"{num}/{den}"


def _quick_row(pricer: PeriodPricer, head: tuple, span: CreditSpan, p) -> list[str] | None:
    """The row _billing_row writes (as a list in BILLING_COLUMNS order), from PeriodPricer's
    figures; None when the general engine is needed. `head`: the span's own seven columns
    (application .. credit_to), formatted once per span."""
    s = pricer.figures(span.start, p.start, p.end, p.ccf)
    if s is None:
        return None
    notes = s.flags
    credited, billed, credit = s.credited_ccf, s.billed_ccf, s.credit_cents
    volume = s.volume_charge_cents
    credited_days = s.days_credited
    if span.end is not None and span.end < p.end:
        after = pricer.figures(span.end + _DAY, p.start, p.end, p.ccf)
        if after is None:
            return None
        credited = s.credited_ccf - after.credited_ccf
        billed = s.purchased_ccf - credited
        credit = s.credit_cents - after.credit_cents
        volume = s.volume_charge_unadjusted_cents - credit
        credited_days -= after.days_credited
        notes = (*notes, ENDS_INSIDE.format(span.end.isoformat()))
    return [
        *head,
        p.start_iso,
        p.end_iso,
        str(s.days),
        _factor_text(credited_days, s.days),
        str(p.ccf),
        str(s.diverted_ccf),
        str(credited),
        str(billed),
        _plain(s.volume_charge_unadjusted_cents),
        _plain(volume),
        _plain(credit),
        _PRO_RATA,
        "; ".join(notes),
    ]


_DAY = dt.timedelta(days=1)
# Amounts repeat across half a million rows: format each once (money.format_plain's text).
_plain = functools.lru_cache(maxsize=1 << 16)(format_plain)
_PRO_RATA = str(VolumeRounding.PRO_RATA)
ENDS_INSIDE = "credit ends {} inside this period: the two partial credits are subtracted (reading)"


def _billing_row(
    store, app, customer_class: CustomerClass, span: CreditSpan, terms, p
) -> dict[str, str]:
    row = {
        "application": app.number,
        "account": app.account,
        "customer_class": customer_class.value,
        "determination": str(span.determination.id),
        "method": terms.method.value,
        "credit_from": span.start.isoformat(),
        "credit_to": span.end.isoformat() if span.end else "",
        "period_start": p.start.isoformat(),
        "period_end": p.end.isoformat(),
        "days": str((p.end - p.start).days + 1),
        "purchased_ccf": str(p.ccf),
    }
    metered = period_input(store, app, terms, p.start, p.end, p.ccf)
    if metered.period is None:
        # Left out of the schedule for the same reason: no figures, the reason in the notes.
        row["notes"] = f"not computed: {metered.left_out}"
        return {c: row.get(c, "") for c in BILLING_COLUMNS}
    period = metered.period
    try:
        schedule = build_schedule(
            customer_class=customer_class, effective_on=span.start, terms=terms, periods=[period]
        )
        s = schedule.rows[0]
        notes = list(s.flags)
        credited, billed, credit = s.credited_ccf, s.billed_ccf, s.credit_cents
        volume = s.volume_charge_cents
        factor = s.factor
        if span.end is not None and span.end < p.end:
            # The credit ends inside the period: credit for [start, end] is the credit from
            # `start` less the credit from the day after `end` (same terms, same period).
            after = build_schedule(
                customer_class=customer_class,
                effective_on=span.end + dt.timedelta(days=1),
                terms=terms,
                periods=[period],
            ).rows[0]
            credited = s.credited_ccf - after.credited_ccf
            billed = s.purchased_ccf - credited
            credit = s.credit_cents - after.credit_cents
            volume = s.volume_charge_unadjusted_cents - credit
            factor = s.factor - after.factor
            notes.append(ENDS_INSIDE.format(span.end.isoformat()))
        row.update(
            factor=f"{factor.numerator}/{factor.denominator}"
            if factor.denominator != 1
            else str(factor.numerator),
            diverted_ccf="" if s.diverted_ccf is None else str(s.diverted_ccf),
            credited_ccf=str(credited),
            billed_ccf=str(billed),
            volume_charge_unadjusted=format_plain(s.volume_charge_unadjusted_cents),
            volume_charge=format_plain(volume),
            credit=format_plain(credit),
            volume_rounding=str(schedule.volume_rounding),
            notes="; ".join(notes),
        )
    except (InputError, RuleRefused) as exc:
        row["notes"] = f"not computed: {exc}"
    return {c: row.get(c, "") for c in BILLING_COLUMNS}


# From this many credits on, export_billing computes the second half in a second process
# (a 2-core desk: 100,000 applications, 65,000 credits, 12.5 s in one process).
PARALLEL_FROM = 20_000


def export_billing(
    store: Store, out: TextIO, *, through: dt.date | None = None, processes: int | None = None
) -> int:
    """Write the billing hand-off CSV; returns the row count. With many credits and more
    than one CPU (processes None: decide; 1: never), the later half of the credits is
    computed by a second Python process reading the same database file; if anything was
    saved to the database meanwhile, the export is redone in this process alone, so the
    file always shows one moment."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BILLING_COLUMNS)
    split = _split_id(store, processes)
    if split is not None:
        count = _export_in_two(store, out, through, split)
        if count is not None:
            return count
    # Lists in BILLING_COLUMNS order: what DictWriter wrote for billing_rows' dicts.
    count = 0
    for values in _billing_values(store, through=through):
        writer.writerow(values)
        count += 1
    return count


def _split_id(store: Store, processes: int | None) -> int | None:
    """The first credit id of the second process's half, or None for one process."""
    if processes == 1 or store.path is None or (processes is None and (os.cpu_count() or 1) < 2):
        return None
    ids = store.credited_ids()
    if len(ids) < (2 if processes else PARALLEL_FROM):
        return None
    return ids[len(ids) // 2]


def _export_in_two(store: Store, out: TextIO, through: dt.date | None, split: int) -> int | None:
    """Rows of credits before `split` here, the rest in a child process; None if the
    database changed meanwhile or the child failed (the caller then exports in one
    process)."""
    mark = store.change_mark()
    with tempfile.TemporaryDirectory(prefix="kcsac-billing-") as tmp:
        first, second = Path(tmp) / "first.csv", Path(tmp) / "second.csv"
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from kcsac.operations.exports import _export_part; "
                "_export_part(*sys.argv[1:])",
                str(store.path),
                through.isoformat() if through else "",
                str(split),
                str(second),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with first.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                count = 0
                for values in _billing_values(store, through=through, before_id=split):
                    writer.writerow(values)
                    count += 1
        finally:
            child.wait()
        if child.returncode != 0:
            return None  # the second process could not run here: one process does it all
        if store.changed_since(mark):
            return None  # a save landed between the two halves' reads
        count += int(second.with_suffix(".count").read_text())
        for part in (first, second):
            with part.open(encoding="utf-8", newline="") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    return count


def _export_part(db: str, through: str, split: str, path: str) -> None:
    """In the child process: the rows of credits from id `split` on, to `path`, and their
    count to `path` with the suffix .count."""
    from kcsac.storage import open_store

    store = open_store(db)
    try:
        day = dt.date.fromisoformat(through) if through else None
        count = 0
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for values in _billing_values(store, through=day, from_id=int(split)):
                writer.writerow(values)
                count += 1
        Path(path).with_suffix(".count").write_text(str(count))
    finally:
        store.close()


def export_to_file(path: Path, write) -> int:
    """Write through a temporary file and rename, so a failed export leaves no half file."""
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        count = write(fh)
    tmp.replace(path)
    return count
