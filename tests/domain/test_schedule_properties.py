"""Properties of the adjusted volume schedule over generated periods (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.method import Method
from kcsac.domain.rates import VolumeRounding
from kcsac.domain.schedule import build_schedule

FIRST = date(2026, 5, 1)
CLASSES = st.sampled_from(
    [CustomerClass.RESIDENT, CustomerClass.NONRESIDENT_DIRECT, CustomerClass.NONRESIDENT_UNMETERED]
)
ROUNDINGS = st.sampled_from(list(VolumeRounding))
VOLUME = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
PERCENT = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("99.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
DAY = st.integers(min_value=0, max_value=800).map(lambda n: FIRST + timedelta(days=n))


@st.composite
def case(draw):
    """A method, a period, and the readings it needs (D <= P except by sewer meter)."""
    method = draw(st.sampled_from(list(Method)))
    start = draw(DAY)
    days = draw(st.integers(min_value=1, max_value=62))
    purchased = draw(VOLUME)
    extra: dict[str, Decimal] = {}
    terms = DeterminationTerms(method)
    if method is Method.PERCENTAGE:
        terms = DeterminationTerms(method, percent=draw(PERCENT))
    elif method is Method.FIXED:
        top = max(Decimal("0.01"), purchased * 30 / days)
        fixed = draw(st.decimals(min_value=Decimal("0.01"), max_value=top, places=2))
        if fixed * days / 30 > purchased:
            purchased = (fixed * days / 30).quantize(Decimal("0.01")) + 1
        terms = DeterminationTerms(method, fixed_ccf=fixed)
    elif method is Method.DEDUCT_METER:
        extra["diverted_ccf"] = draw(st.decimals(min_value=0, max_value=purchased, places=2))
    else:
        extra["sewer_ccf"] = draw(VOLUME)
    row = PeriodInput(start, start + timedelta(days=days - 1), purchased, **extra)
    effective = draw(st.integers(min_value=-70, max_value=70).map(lambda n: start + timedelta(n)))
    return terms, row, max(effective, FIRST)


def build(customer_class, terms, rows, effective, rounding=None):
    return build_schedule(
        customer_class=customer_class,
        effective_on=effective,
        terms=terms,
        periods=rows,
        rounding=rounding,
    )


@settings(max_examples=300, deadline=None)
@given(case(), CLASSES, ROUNDINGS)
def test_credit_is_never_negative_except_a_sewer_meter_above_the_purchase(c, cls, rounding):
    """Negative only when the sewer meter bills more than the purchase: S above P, or in the
    first metered period S (since activation) above the purchase of the credited days."""
    terms, row, effective = c
    [r] = build(cls, terms, [row], effective, rounding).rows
    assert r.credit_cents == r.volume_charge_unadjusted_cents - r.volume_charge_cents
    if r.credit_cents < 0:
        assert terms.method is Method.SEWER_METER
        assert r.billed_exact > Fraction(row.purchased_ccf)
        credited_purchase = Fraction(row.purchased_ccf) * r.factor
        assert row.sewer_ccf > credited_purchase
    if terms.method is not Method.SEWER_METER:
        assert r.credit_cents >= 0
        assert r.billed_exact >= 0


@settings(max_examples=300, deadline=None)
@given(case(), CLASSES)
def test_billed_plus_credited_is_purchased(c, cls):
    terms, row, effective = c
    s = build(cls, terms, [row], effective)
    [r] = s.rows
    assert r.billed_exact + r.credited_exact == Fraction(row.purchased_ccf)
    assert r.billed_ccf + r.credited_ccf == row.purchased_ccf
    assert s.totals.billed_ccf + s.totals.credited_ccf == s.totals.purchased_ccf


@settings(max_examples=300, deadline=None)
@given(case(), CLASSES, ROUNDINGS)
def test_no_credit_before_the_effective_date(c, cls, rounding):
    terms, row, _ = c
    effective = max(row.end + timedelta(days=1), FIRST)
    [r] = build(cls, terms, [row], effective, rounding).rows
    assert r.factor == 0
    assert r.credited_exact == 0
    assert r.credit_cents == 0
    assert r.volume_charge_cents == r.volume_charge_unadjusted_cents


@st.composite
def split_case(draw):
    """A period whose volumes accrue evenly per day, so it can be split at any day."""
    method = draw(st.sampled_from(list(Method)))
    start = draw(DAY)
    first_days = draw(st.integers(min_value=1, max_value=40))
    second_days = draw(st.integers(min_value=1, max_value=40))
    daily = draw(st.decimals(min_value=0, max_value=200, places=2))
    daily_other = draw(st.decimals(min_value=0, max_value=daily, places=2))
    effective = max(FIRST, start + timedelta(draw(st.integers(-10, first_days + second_days + 10))))
    terms = {
        Method.PERCENTAGE: DeterminationTerms(method, percent=draw(PERCENT)),
        # a multiple of 0.30 ccf per 30 days is whole cents of ccf per day: exact to split
        Method.FIXED: DeterminationTerms(method, fixed_ccf=max(Decimal("0.30"), daily_other * 30)),
        Method.DEDUCT_METER: DeterminationTerms(method),
        Method.SEWER_METER: DeterminationTerms(method),
    }[method]
    if method is Method.FIXED:
        daily = max(daily, terms.fixed_ccf / 30)

    def period(begin: date, days: int) -> PeriodInput:
        end = begin + timedelta(days - 1)
        # A meter counts from its activation reading on the effective date: in the period
        # that holds it, the metered volume is the use of the days from it (RULES.md).
        metered = (end - effective).days + 1 if begin < effective <= end else days
        extra = {}
        if method is Method.DEDUCT_METER:
            extra["diverted_ccf"] = daily_other * metered
        if method is Method.SEWER_METER:
            extra["sewer_ccf"] = daily_other * metered
        return PeriodInput(begin, end, daily * days, **extra)

    whole = period(start, first_days + second_days)
    halves = [period(start, first_days), period(start + timedelta(first_days), second_days)]
    return terms, whole, halves, effective


@settings(max_examples=300, deadline=None)
@given(split_case(), CLASSES)
def test_splitting_a_period_in_two_changes_the_credited_volume_only_by_rounding(c, cls):
    terms, whole, halves, effective = c
    one = build(cls, terms, [whole], effective)
    two = build(cls, terms, halves, effective)
    exact_two = sum((r.credited_exact for r in two.rows), Fraction(0))
    assert exact_two == one.rows[0].credited_exact  # exact volumes: no change at all
    shown = abs(two.totals.credited_ccf - one.totals.credited_ccf)
    assert shown <= Decimal("0.000001") * 3  # each shown volume is rounded to 6 places
    # money: each period's charges are rounded once, so at most a cent per charge per period
    assert abs(two.totals.volume_charge_cents - one.totals.volume_charge_cents) <= 2 or (
        two.volume_rounding is VolumeRounding.WHOLE_CCF_UP
    )
