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
from pathlib import Path
from typing import TextIO

from kcsac.domain.credit_lines import CreditLine, FastPricing, LeftOut
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.money import format_plain
from kcsac.domain.problems import InputError, Problem, RuleRefused
from kcsac.domain.signed_terms import TermsInForce, chain_spans
from kcsac.operations.admin import surcharge_limits
from kcsac.operations.credit_schedule import (
    checked_terms,
    credit_schedule,
    history_of,
    metered_inputs,
)
from kcsac.operations.errors import Refused
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


def billing_rows(
    store: Store, *, through: dt.date | None = None, quick: bool = True
) -> Iterator[dict[str, str]]:
    """One row per credit and billing period it touches (BILLING_COLUMNS), from each
    credit's history as signed (operations.credit_schedule: the schedule's own lines).

    Every credit's signed terms come from one query and its periods from one streaming
    query; ordinary periods are priced by the engine's integer path (the same figures).
    quick=False prices every period with build_schedule."""
    for values in _billing_values(store, through=through, quick=quick):
        yield dict(zip(BILLING_COLUMNS, values, strict=True))


def billing_refusals(store: Store) -> list[str]:
    """One line per credit the billing hand-off refuses: its records disagree with what was
    signed (the hand-off writes such a credit as one row with no figures, "refused: ...")."""
    found = []
    for number, signed in store.credit_spans_bulk().items():
        try:
            for decision, row in signed:
                checked_terms(number, decision, row)
        except Refused as exc:
            found.append(str(exc))
    return found


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
    signed_of = store.credit_spans_bulk(from_id=from_id, before_id=before_id)
    shared = store.shared_credit_accounts()  # rule 6: these go through credit_schedule
    limits = surcharge_limits(store)
    fast = FastPricing() if quick else None
    for number, account, class_text, ended_text, periods in store.credited_consumption(
        through=through, from_id=from_id, before_id=before_id
    ):
        signed = signed_of.get(number)
        if not signed:
            continue
        head = (number, account, class_text)
        try:
            spans = chain_spans(
                [checked_terms(number, decision, row) for decision, row in signed],
                dt.date.fromisoformat(ended_text) if ended_text else None,
            )
            if account in shared:
                found = credit_schedule(store, number, through=through)
                history, problems = found.history, found.problems
            else:
                problems = ()
                history = history_of(
                    CustomerClass(class_text),
                    spans,
                    periods,
                    metered=metered_inputs(store, number, spans),
                    limits=limits,
                    fast=fast,
                )
        except Refused as exc:
            yield [*head, *_EMPTY_REFUSED, f"refused: {exc}"]
            continue
        except (RuleRefused, InputError) as exc:
            history, problems = None, (Problem("", str(exc)),)
        if history is None:
            why = "; ".join(str(p) for p in problems)
            for p in periods:
                if any(s.touches(p.start, p.end) for s in spans):
                    yield _left_out_row(head, spans, LeftOut(p.start, p.end, why), p.ccf)
            continue
        rounding = history.volume_rounding.value
        purchased = {(p.start, p.end): p.ccf for p in periods}
        for line in _in_order(history):
            if isinstance(line, LeftOut):
                yield _left_out_row(head, spans, line, purchased.get((line.start, line.end)))
            else:
                yield _line_row(head, line, rounding)


def _in_order(history):
    """The history's lines and left-out periods in date order."""
    if not history.left_out:
        return history.lines
    return sorted((*history.lines, *history.left_out), key=lambda x: (x[0], x[1]))


@functools.cache
def _factor_text(num: int, den: int) -> str:
    g = math.gcd(num, den)
    num, den = num // g, den // g
    return str(num) if den == 1 else f"{num}/{den}"


@functools.lru_cache(maxsize=1 << 12)
def _day(day: dt.date | None) -> str:
    """A date's ISO text ("" for none), each date formatted once."""
    return "" if day is None else day.isoformat()


def _line_row(head: tuple[str, str, str], line: CreditLine, rounding: str) -> list[str]:
    """A history line as the hand-off's row: a period split between terms names every
    determination (and method) it was credited under, "13;14"."""
    parts = line.parts
    if len(parts) == 1:
        span_text = _span_text(parts[0].span)
    else:
        first, last = _span_text(parts[0].span), _span_text(parts[-1].span)
        span_text = (
            ";".join(str(p.span.determination_id) for p in parts),
            ";".join(dict.fromkeys(p.span.terms.method.value for p in parts)),
            first[2],
            last[3],
        )
    diverted = line.diverted_ccf
    return [
        *head,
        *span_text,
        _day(line.start),
        _day(line.end),
        str(line.days),
        _factor_text(line.days_credited, line.days),
        str(line.purchased_ccf),
        "" if diverted is None else str(diverted),
        str(line.credited_ccf),
        str(line.billed_ccf),
        _plain(line.volume_charge_unadjusted_cents),
        _plain(line.volume_charge_cents),
        _plain(line.credit_cents),
        rounding,
        "; ".join(line.flags),
    ]


def _span_text(span: TermsInForce) -> tuple[str, str, str, str]:
    """(determination, method, credit_from, credit_to) of a set of terms, formatted once
    (a credit's lines share its terms)."""
    known = _SPAN_TEXT.get(id(span))  # by identity: hashing the terms costs more
    if known is not None and known[0] is span:
        return known[1]
    text = (
        str(span.determination_id),
        span.terms.method.value,
        _day(span.start),
        _day(span.end),
    )
    if len(_SPAN_TEXT) > 4096:
        _SPAN_TEXT.clear()
    _SPAN_TEXT[id(span)] = (span, text)
    return text


_SPAN_TEXT: dict[int, tuple[TermsInForce, tuple[str, str, str, str]]] = {}


def _left_out_row(head, spans, left: LeftOut, ccf) -> list[str]:
    """A period the history could not price: no figures, the reason in the notes."""
    touching = [s for s in spans if s.touches(left.start, left.end)] or list(spans[-1:])
    return [
        *head,
        ";".join(str(s.determination_id) for s in touching),
        ";".join(dict.fromkeys(s.terms.method.value for s in touching)),
        _day(touching[0].start),
        _day(touching[-1].end),
        _day(left.start),
        _day(left.end),
        str((left.end - left.start).days + 1),
        "",
        "" if ccf is None else str(ccf),
        *[""] * 7,
        f"not computed: {left.reason}",
    ]


# Amounts repeat across half a million rows: format each once (money.format_plain's text).
_plain = functools.lru_cache(maxsize=1 << 16)(format_plain)
_EMPTY_REFUSED = ("",) * (len(BILLING_COLUMNS) - 4)


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
