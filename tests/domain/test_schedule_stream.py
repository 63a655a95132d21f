"""ScheduleStream (one period at a time, integer arithmetic for the common case) gives
exactly build_schedule's figures, totals, rates and notes."""

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.method import Method
from kcsac.domain.problems import InputError
from kcsac.domain.rates import RATE_TABLES, VolumeRounding
from kcsac.domain.schedule import build_schedule
from kcsac.domain.schedule_stream import QuickRows, RowFigures, ScheduleStream
from kcsac.domain.surcharge import SurchargeLimits

FIRST = date(2026, 5, 1)
EXAMPLE_LIMITS = SurchargeLimits(Decimal(300), Decimal(300), Decimal(100), "example limits")
ADJUSTABLE = [
    CustomerClass.RESIDENT,
    CustomerClass.NONRESIDENT_DIRECT,
    CustomerClass.NONRESIDENT_UNMETERED,
]
VOLUME = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**8),
    st.integers(min_value=0, max_value=7),  # 7 places: the quick path steps aside
)


@st.composite
def case(draw):
    method = draw(st.sampled_from(list(Method)))
    start = FIRST + timedelta(days=draw(st.integers(0, 900)))
    end = start + timedelta(days=draw(st.integers(0, 70)))
    effective = max(FIRST, start + timedelta(days=draw(st.integers(-40, 80))))
    purchased = draw(VOLUME)
    terms, extra = DeterminationTerms(method), {}
    if method is Method.PERCENTAGE:
        percent = Decimal(draw(st.integers(1, 9999))).scaleb(-2)
        terms = DeterminationTerms(method, percent=percent)
    elif method is Method.FIXED:
        fixed = Decimal(draw(st.integers(1, 10**6))).scaleb(-draw(st.integers(0, 3)))
        terms = DeterminationTerms(method, fixed_ccf=fixed)
    elif method is Method.DEDUCT_METER:
        if draw(st.booleans()):
            extra["diverted_ccf"] = min(purchased, draw(VOLUME))
        else:
            extra["makeup_ccf"], extra["blowdown_ccf"] = draw(VOLUME), draw(VOLUME)
    else:
        extra["sewer_ccf"] = draw(VOLUME)
    if method in (Method.DEDUCT_METER, Method.SEWER_METER) and draw(st.booleans()):
        extra["metered_from"] = start + timedelta(days=draw(st.integers(0, (end - start).days)))
    if draw(st.booleans()):
        for name in ("bod", "ss", "og"):
            extra[name] = Decimal(draw(st.integers(0, 900)))
    period = PeriodInput(start, end, purchased, **extra)
    options = {"rounding": draw(st.sampled_from(list(VolumeRounding)))}
    if draw(st.booleans()):
        options["limits"] = EXAMPLE_LIMITS
    return draw(st.sampled_from(ADJUSTABLE)), terms, effective, period, options


def _both(customer_class, terms, effective, periods, **kw):
    try:
        engine = build_schedule(
            customer_class=customer_class,
            effective_on=effective,
            terms=terms,
            periods=periods,
            **kw,
        )
    except InputError:
        return None
    stream = ScheduleStream(
        customer_class=customer_class, effective_on=effective, terms=terms, **kw
    )
    figures = [stream.add(p) for p in periods]
    return engine, figures, stream.finish()


def _assert_equal(result) -> None:
    engine, figures, finished = result
    assert figures == [RowFigures.of(r) for r in engine.rows]
    assert finished.totals == engine.totals
    assert finished.notes == engine.notes
    assert finished.rates_used == engine.rates_used
    assert finished.ordinances == engine.ordinances
    assert finished.volume_rounding == engine.volume_rounding


@settings(max_examples=1000, deadline=None)
@given(case())
def test_the_stream_gives_the_engine_s_figures(args):
    customer_class, terms, effective, period, options = args
    result = _both(customer_class, terms, effective, [period], **options)
    if result is not None:
        _assert_equal(result)


def test_the_quick_path_equals_the_engine_on_a_grid_of_every_method():
    """Deterministic: 3,000 cases of every method, the first metered period included; the
    quick path prices most of them, each equal to the engine."""
    rng = random.Random(14)
    priced = 0
    for _ in range(3000):
        method = rng.choice(list(Method))
        start = FIRST + timedelta(days=rng.randint(0, 700))
        end = start + timedelta(days=rng.randint(0, 62))
        effective = max(FIRST, start + timedelta(days=rng.randint(-20, 70)))
        purchased = Decimal(rng.randint(0, 10**7)).scaleb(-rng.randint(0, 3))
        terms, extra = DeterminationTerms(method), {}
        if method is Method.PERCENTAGE:
            terms = DeterminationTerms(method, percent=Decimal(rng.randint(1, 9999)).scaleb(-2))
        elif method is Method.FIXED:
            terms = DeterminationTerms(method, fixed_ccf=Decimal(rng.randint(1, 300)))
        elif method is Method.DEDUCT_METER:
            extra["diverted_ccf"] = (purchased * rng.randint(0, 100) / 100).quantize(
                Decimal("0.001")
            )
        else:
            extra["sewer_ccf"] = Decimal(rng.randint(0, 10**7)).scaleb(-3)
        if rng.random() < 0.3:
            extra.update(bod=Decimal(rng.randint(0, 800)), ss=Decimal(500), og=Decimal(90))
        period = PeriodInput(start, end, purchased, **extra)
        customer_class = rng.choice(ADJUSTABLE)
        options = {"rounding": rng.choice(list(VolumeRounding))}
        if rng.random() < 0.3:
            options["limits"] = EXAMPLE_LIMITS
        result = _both(customer_class, terms, effective, [period], **options)
        if result is None:
            continue
        _assert_equal(result)
        quick = QuickRows(customer_class, terms, effective, RATE_TABLES, **options).row(period)
        priced += quick is not None
    assert priced > 2000


def test_many_periods_add_up_as_build_schedule_s_totals():
    periods = [
        PeriodInput(
            FIRST + timedelta(days=30 * k),
            FIRST + timedelta(days=30 * k + 29),
            Decimal(100 + k),
            sewer_ccf=Decimal(70 + 2 * k),
        )
        for k in range(40)
    ]
    effective = FIRST + timedelta(days=45)  # inside the second period: its first metered one
    terms = DeterminationTerms(Method.SEWER_METER)
    result = _both(CustomerClass.NONRESIDENT_UNMETERED, terms, effective, periods)
    _assert_equal(result)
    _, figures, finished = result
    assert figures[1].metered_from == effective
    assert any(n.startswith("First metered period") for n in finished.notes)


def test_surcharge_and_whole_ccf_rounding_to_the_cent():
    """RULES.md examples 3 and 4 through the stream."""
    period = PeriodInput(
        FIRST,
        FIRST + timedelta(days=29),
        Decimal("7.48"),
        bod=Decimal(450),
        ss=Decimal(280),
        og=Decimal(130),
    )
    terms = DeterminationTerms(Method.PERCENTAGE, percent=Decimal(15))
    for options in ({"limits": EXAMPLE_LIMITS}, {"rounding": VolumeRounding.WHOLE_CCF_UP}):
        result = _both(CustomerClass.RESIDENT, terms, FIRST, [period], **options)
        _assert_equal(result)
        assert result[1][0].volume_charge_unadjusted_cents == (
            8 * 1290 if "rounding" in options else 9649
        )
    # Example 4: B = 400 ccf, BOD 450, SS 280, O&G 130: surcharge $247.73.
    fixed = DeterminationTerms(Method.FIXED, fixed_ccf=Decimal(30))
    example_4 = PeriodInput(
        FIRST,
        FIRST + timedelta(days=29),
        Decimal(430),
        bod=Decimal(450),
        ss=Decimal(280),
        og=Decimal(130),
    )
    engine, figures, _ = _both(
        CustomerClass.RESIDENT, fixed, FIRST, [example_4], limits=EXAMPLE_LIMITS
    )
    assert figures[0].surcharge_cents == engine.rows[0].surcharge_cents == 24773
    assert QuickRows(CustomerClass.RESIDENT, fixed, FIRST, RATE_TABLES, limits=EXAMPLE_LIMITS).row(
        example_4
    )
