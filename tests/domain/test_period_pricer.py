"""PeriodPricer (integer arithmetic) gives exactly build_schedule's figures, or steps aside."""

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.method import Method
from kcsac.domain.period_pricer import PeriodPricer
from kcsac.domain.problems import InputError, RuleRefused
from kcsac.domain.schedule import build_schedule

FIRST = date(2026, 5, 1)
CLASSES = st.sampled_from(list(CustomerClass))
DAY = st.integers(min_value=-40, max_value=900).map(lambda n: FIRST + timedelta(days=n))
# Volumes and parameters with 0 to 7 places (7 places: the quick path must step aside).
DECIMAL = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=-5, max_value=10**9),
    st.integers(min_value=0, max_value=7),
)
# Mostly values the quick path prices: percents in 0..100, volumes of an ordinary month.
USUAL = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
VALUE = st.one_of(USUAL, USUAL, USUAL, DECIMAL)


@st.composite
def case(draw):
    method = draw(st.sampled_from(list(Method)))
    value = draw(VALUE)
    terms = DeterminationTerms(
        method,
        percent=value if method is Method.PERCENTAGE else None,
        fixed_ccf=value if method is Method.FIXED else None,
    )
    start = draw(DAY)
    end = start + timedelta(days=draw(st.integers(min_value=-2, max_value=70)))
    effective = start + timedelta(days=draw(st.integers(min_value=-60, max_value=80)))
    return draw(CLASSES), terms, start, end, effective, draw(VALUE)


def _engine(customer_class, terms, start, end, effective, purchased):
    try:
        schedule = build_schedule(
            customer_class=customer_class,
            effective_on=effective,
            terms=terms,
            periods=[PeriodInput(start, end, purchased)],
        )
    except (InputError, RuleRefused):
        return None
    return schedule.rows[0], schedule.volume_rounding


@settings(max_examples=3000, deadline=None)
@given(case())
@example(
    (
        CustomerClass.RESIDENT,
        DeterminationTerms(Method.PERCENTAGE, Decimal("14.4")),
        date(2026, 5, 1),
        date(2026, 5, 31),
        date(2026, 5, 12),
        Decimal("96"),
    )
)
@example(
    (
        CustomerClass.NONRESIDENT_DIRECT,
        DeterminationTerms(Method.FIXED, fixed_ccf=Decimal("7")),
        date(2026, 6, 1),
        date(2026, 6, 30),
        date(2026, 6, 20),
        Decimal("3.33"),
    )
)
def test_quick_figures_equal_the_engine_or_step_aside(args):
    customer_class, terms, start, end, effective, purchased = args
    quick = PeriodPricer(customer_class, terms).figures(effective, start, end, purchased)
    engine = _engine(customer_class, terms, start, end, effective, purchased)
    if quick is None:
        return  # the caller uses build_schedule itself

    assert engine is not None, "the quick path priced what the engine refuses"
    row, mode = engine
    assert mode.value == "pro-rata"
    got = (
        quick.days,
        quick.days_credited,
        str(quick.purchased_ccf),
        str(quick.diverted_ccf),
        str(quick.credited_ccf),
        str(quick.billed_ccf),
        quick.volume_charge_unadjusted_cents,
        quick.volume_charge_cents,
        quick.credit_cents,
        quick.flags,
    )
    want = (
        row.days,
        row.days_credited,
        str(row.purchased_ccf),
        str(row.diverted_ccf),
        str(row.credited_ccf),
        str(row.billed_ccf),
        row.volume_charge_unadjusted_cents,
        row.volume_charge_cents,
        row.credit_cents,
        row.flags,
    )
    assert got == want


def test_quick_figures_equal_the_engine_on_a_grid_of_ordinary_cases():
    """Deterministic: 2,000 ordinary cases, every one priced by the quick path and equal."""
    rng = random.Random(260209)
    priced = 0
    for _ in range(2000):
        method = rng.choice((Method.PERCENTAGE, Method.FIXED))
        value = Decimal(rng.randint(1, 9999)).scaleb(-rng.randint(0, 2))
        if method is Method.PERCENTAGE:
            value = Decimal(rng.randint(1, 9999)).scaleb(-2)  # 0.01 .. 99.99
        terms = DeterminationTerms(
            method,
            percent=value if method is Method.PERCENTAGE else None,
            fixed_ccf=value if method is Method.FIXED else None,
        )
        start = FIRST + timedelta(days=rng.randint(0, 700))
        end = start + timedelta(days=rng.randint(0, 62))
        effective = max(FIRST, start + timedelta(days=rng.randint(-40, 70)))
        purchased = Decimal(rng.randint(0, 10**7)).scaleb(-rng.randint(0, 3))
        cls = rng.choice([c for c in CustomerClass if c.value != "nonresident-flat"])
        args = (cls, terms, start, end, effective, purchased)
        test_quick_figures_equal_the_engine_or_step_aside.hypothesis.inner_test(args)
        priced += PeriodPricer(cls, terms).figures(effective, start, end, purchased) is not None
    assert priced > 1000


def test_quick_path_covers_the_common_case():
    """Percentage and fixed terms on whole months are priced without the general engine."""
    for terms in (
        DeterminationTerms(Method.PERCENTAGE, Decimal("14.4")),
        DeterminationTerms(Method.FIXED, fixed_ccf=Decimal("20")),
    ):
        pricer = PeriodPricer(CustomerClass.RESIDENT, terms)
        got = pricer.figures(date(2026, 5, 12), date(2026, 5, 1), date(2026, 5, 31), Decimal(96))
        assert got is not None
        assert got.days_credited == 20


def test_metered_and_unadjustable_step_aside():
    meter = PeriodPricer(CustomerClass.RESIDENT, DeterminationTerms(Method.DEDUCT_METER))
    assert meter.figures(FIRST, FIRST, FIRST + timedelta(days=29), Decimal(10)) is None
    flat = PeriodPricer(
        CustomerClass.NONRESIDENT_FLAT, DeterminationTerms(Method.PERCENTAGE, Decimal(10))
    )
    assert flat.figures(FIRST, FIRST, FIRST + timedelta(days=29), Decimal(10)) is None
