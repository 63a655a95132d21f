"""A credit's whole history (kcsac.domain.credit_history): one line per billing period,
the terms in force for each day, split periods priced once, and rule 6's combined check."""

import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from kcsac.domain.credit_history import credit_history
from kcsac.domain.credit_lines import ENDS_INSIDE, FastPricing, LeftOut, Purchase, SpanInput
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.double_credits import AccountCredit, double_credits
from kcsac.domain.method import Method
from kcsac.domain.rates import VolumeRounding
from kcsac.domain.schedule import build_schedule
from kcsac.domain.signed_terms import TermsInForce, chain_spans

RESIDENT = CustomerClass.RESIDENT
D = date


def pct(p: str) -> DeterminationTerms:
    return DeterminationTerms(Method.PERCENTAGE, Decimal(p))


def months(first: date, purchased: list[str]) -> list[Purchase]:
    out, start = [], first
    for ccf in purchased:
        after = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        out.append(Purchase(start, after - timedelta(days=1), Decimal(ccf)))
        start = after
    return out


def history(spans, periods, **kw):
    inputs = [SpanInput(s, tuple(p for p in periods if s.touches(p.start, p.end))) for s in spans]
    return credit_history(RESIDENT, inputs, **kw)


def test_one_set_of_terms_is_the_engine_s_schedule_row_for_row():
    periods = months(D(2026, 8, 1), ["96", "110", "87"])
    span = TermsInForce(1, pct("15"), D(2026, 8, 12), None, D(2026, 8, 12))
    found = history([span], periods)
    engine = build_schedule(
        customer_class=RESIDENT,
        effective_on=D(2026, 8, 12),
        terms=pct("15"),
        periods=[PeriodInput(p.start, p.end, p.purchased_ccf) for p in periods],
    )
    assert [line.row for line in found.lines] == list(engine.rows)
    assert found.totals == engine.totals
    assert found.lines[0].credit_cents == 11985  # RULES.md worked example 1


def test_an_amended_period_is_one_line_credited_by_each_set_of_terms_for_its_days():
    """SAC-2026-0013's August, by hand: 120 ccf purchased, 20 % for 22 days then 10 % for 9
    days. Credited = 24 x 22/31 + 12 x 9/31 = 636/31 ccf; B = 120 - 636/31 = 3084/31 ccf;
    volume charge = 3084/31 x $12.90 = $1,283.34 (rounded once); unadjusted $1,548.00 once;
    credit $264.66."""
    spans = chain_spans(
        [
            TermsInForce(13, pct("20"), D(2026, 7, 9), None, D(2026, 7, 9)),
            TermsInForce(14, pct("10"), D(2026, 8, 23), None, D(2026, 8, 23)),
        ],
        None,
    )
    found = history(spans, months(D(2026, 7, 1), ["103", "120", "137"]))
    july, august, september = found.lines
    assert august.determinations == (13, 14)
    assert august.credited_exact == Fraction(636, 31)
    assert august.credited_ccf == Decimal("20.516129")
    assert august.volume_charge_unadjusted_cents == 154800
    assert august.volume_charge_cents == 128334
    assert august.credit_cents == 26466
    assert august.days_credited == 31
    assert august.diverted_ccf is None  # 24 and 12: the parts' D differ
    assert [(p.first, p.last, p.days) for p in august.parts] == [
        (D(2026, 8, 1), D(2026, 8, 22), 22),
        (D(2026, 8, 23), D(2026, 8, 31), 9),
    ]
    assert "terms changed inside this period" in august.flags[-1]
    assert (july.credit_cents, september.credit_cents) == (19716, 17673)
    assert found.totals.credit_cents == 63855  # the billing hand-off's $638.55


def test_a_split_period_is_priced_once_so_whole_ccf_rounding_counts_the_sum():
    """P = 10 ccf in a 30-day period, 10 % for its first 15 days and 10 % (new terms) for
    the last 15: each part credits 0.5 ccf. Priced once, B = 9 ccf: a whole ccf's charge,
    $12.90. Priced part by part (each B = 9.5, charged as 10 ccf) the credits would add up
    to nothing."""
    periods = [Purchase(D(2026, 9, 1), D(2026, 9, 30), Decimal(10))]
    first = TermsInForce(1, pct("10"), D(2026, 8, 1), None, D(2026, 8, 1))
    second = TermsInForce(2, pct("10.0"), D(2026, 9, 16), None, D(2026, 9, 16))
    up = VolumeRounding.WHOLE_CCF_UP
    [line] = history(chain_spans([first, second], None), periods, rounding=up).lines
    assert line.credited_exact == 1
    assert line.credit_cents == 1290
    part_by_part = [
        history([TermsInForce(1, pct("10"), D(2026, 8, 1), D(2026, 9, 15))], periods, rounding=up),
        history([second], periods, rounding=up),
    ]
    assert [h.lines[0].credited_exact for h in part_by_part] == [Fraction(1, 2)] * 2
    assert sum(h.lines[0].credit_cents for h in part_by_part) == 0


def test_a_credit_ending_inside_a_period_credits_the_days_to_its_end():
    span = TermsInForce(1, pct("15"), D(2026, 8, 12), D(2026, 9, 10), D(2026, 8, 12))
    periods = months(D(2026, 8, 1), ["96", "90"])
    august, september = history([span], periods).lines
    assert august.row is not None  # the credit runs to the period's end: the engine's row
    assert september.days_credited == 10
    assert september.credited_exact == Fraction(90) * Fraction(15, 100) * Fraction(10, 30)
    assert september.flags[-1] == ENDS_INSIDE.format("2026-09-10")
    # B = 90 - 4.5 = 85.5 ccf; $1,161.00 - $1,102.95 = $58.05
    assert september.credit_cents == 5805


def _random_case(rng: random.Random):
    start = D(2026, 5, 1) + timedelta(days=rng.randrange(0, 200))
    periods, day = [], start
    for _ in range(rng.randrange(1, 6)):
        days = rng.randrange(1, 45)
        periods.append(
            Purchase(day, day + timedelta(days=days - 1), Decimal(rng.randrange(0, 500000)) / 100)
        )
        day += timedelta(days=days)
    signed, when = [], start + timedelta(days=rng.randrange(-20, 60))
    when = max(when, D(2026, 5, 1))
    for k in range(rng.randrange(1, 4)):
        if rng.random() < 0.7:
            terms = pct(str(Decimal(rng.randrange(1, 9999)) / 100))
        else:
            terms = DeterminationTerms(Method.FIXED, fixed_ccf=Decimal(rng.randrange(1, 50)))
        signed.append(TermsInForce(k + 1, terms, when, None, when))
        when += timedelta(days=rng.randrange(1, 70))
    ended = None if rng.random() < 0.5 else when + timedelta(days=rng.randrange(0, 40))
    return chain_spans(signed, ended), periods


def test_the_fast_path_gives_the_engine_s_figures():
    """The billing hand-off prices ordinary lines with PeriodPricer and split ones in exact
    fractions; the engine path (build_schedule for every part) gives the same lines."""
    rng = random.Random(20260501)
    fast = FastPricing()
    compared = split = 0
    for _ in range(300):
        spans, periods = _random_case(rng)
        if not spans:
            continue
        quick = history(spans, periods, fast=fast)
        slow = history(spans, periods)
        assert [x.start for x in quick.left_out] == [x.start for x in slow.left_out]
        for a, b in zip(quick.lines, slow.lines, strict=True):
            keys = [
                "start",
                "end",
                "days",
                "days_credited",
                "purchased_ccf",
                "diverted_ccf",
                "credited_ccf",
                "billed_ccf",
                "service_charge_cents",
                "volume_charge_unadjusted_cents",
                "volume_charge_cents",
                "credit_cents",
                "surcharge_cents",
                "flags",
                "determinations",
            ]
            assert {k: getattr(a, k) for k in keys} == {k: getattr(b, k) for k in keys}
            compared += 1
            split += a.split or bool(a.flags)
    assert compared > 500
    assert split > 50


def test_a_period_that_cannot_be_priced_is_left_out_whole():
    spans = chain_spans(
        [
            TermsInForce(1, pct("20"), D(2026, 7, 9), None, D(2026, 7, 9)),
            TermsInForce(2, DeterminationTerms(Method.DEDUCT_METER), D(2026, 8, 23)),
        ],
        None,
    )
    august = Purchase(D(2026, 8, 1), D(2026, 8, 31), Decimal(120))
    inputs = [
        SpanInput(spans[0], (august,)),
        SpanInput(spans[1], (LeftOut(august.start, august.end, "meter M-1 not read"),)),
    ]
    found = credit_history(RESIDENT, inputs)
    assert found.lines == ()
    assert found.left_out == (LeftOut(august.start, august.end, "meter M-1 not read"),)
    assert found.left_out[0].note == (
        "Period 2026-08-01 to 2026-08-31 left out: meter M-1 not read."
    )


# --- rule 6 -----------------------------------------------------------------------------------


def _credit(number, use, terms, start, end=None, purchased=("100", "100")):
    span = TermsInForce(1, terms, start, end, start)
    lines = history([span], months(D(2026, 7, 1), list(purchased))).lines
    return AccountCredit(number, use, start, end, lines)


def test_two_credits_of_one_use_on_the_same_days_are_never_credited_twice():
    first = _credit("SAC-2026-0001", "car-wash", pct("15"), D(2026, 7, 1))
    second = _credit("SAC-2026-0002", "car-wash", pct("15"), D(2026, 8, 10))
    found = double_credits(second, [first])
    assert list(found) == [(D(2026, 8, 1), D(2026, 8, 31))]
    message = found[(D(2026, 8, 1), D(2026, 8, 31))]
    assert message.startswith("credited twice: SAC-2026-0002 and SAC-2026-0001 both credit")
    assert "2026-08-10 to 2026-08-31" in message
    assert list(double_credits(first, [second])) == [(D(2026, 8, 1), D(2026, 8, 31))]


def test_credits_of_different_uses_may_not_credit_more_than_was_purchased():
    wash = _credit("SAC-2026-0001", "car-wash", pct("60"), D(2026, 7, 1))
    laundry = _credit("SAC-2026-0002", "laundry", pct("50"), D(2026, 7, 16))
    found = double_credits(wash, [laundry])
    # July: 60 + 50 x 16/31 = 85.8 ccf of 100: fine; August: 60 + 50 = 110 of 100
    assert list(found) == [(D(2026, 8, 1), D(2026, 8, 31))]
    assert found[(D(2026, 8, 1), D(2026, 8, 31))].startswith(
        "credited twice: SAC-2026-0001 and SAC-2026-0002 together credit 110 ccf, more than "
        "the 100 ccf purchased"
    )
    modest = _credit("SAC-2026-0003", "laundry", pct("30"), D(2026, 7, 16))
    assert double_credits(wash, [modest]) == {}


def test_a_credit_ended_before_another_of_its_use_began_is_not_a_double_credit():
    before = _credit("SAC-2026-0001", "car-wash", pct("15"), D(2026, 7, 1), D(2026, 8, 9))
    after = _credit("SAC-2026-0002", "car-wash", pct("15"), D(2026, 8, 10))
    assert double_credits(after, [before]) == {}


@pytest.mark.parametrize("rounding", list(VolumeRounding))
def test_history_notes_and_rates_come_from_each_set_of_terms(rounding):
    spans = chain_spans(
        [
            TermsInForce(1, pct("20"), D(2026, 7, 9), None, D(2026, 7, 9)),
            TermsInForce(2, pct("10"), D(2026, 8, 23), None, D(2026, 8, 23)),
        ],
        None,
    )
    found = history(spans, months(D(2026, 7, 1), ["103", "120"]), rounding=rounding)
    assert "Method: percentage, D = P x 20% (set by the director)." in found.notes
    assert "Method: percentage, D = P x 10% (set by the director)." in found.notes
    assert [r.label for r in found.rates_used] == ["service charge", "volume charge", "month"]
