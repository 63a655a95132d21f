"""The adjusted volume schedule: the worked examples of RULES.md to the cent, and each method."""

import dataclasses
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import (
    DeterminationTerms,
    PeriodInput,
    check_periods,
    check_terms,
    parse_period_field,
    period_field,
)
from kcsac.domain.method import Method
from kcsac.domain.pricing import price_volume
from kcsac.domain.problems import InputError, RuleRefused
from kcsac.domain.rates import ORDINANCE_260209, Figure, VolumeRounding
from kcsac.domain.schedule import build_schedule, credited_line
from kcsac.domain.surcharge import Concentrations, SurchargeLimits, surcharge_dollars
from kcsac.domain.volume import ft3_to_ccf, gal_to_ccf

CC = CustomerClass
D = Decimal
EXAMPLE_LIMITS = SurchargeLimits(D(300), D(300), D(100), "example limits (RULES.md)")


def period(start: str, end: str, purchased, **kw) -> PeriodInput:
    values = {k: D(str(v)) for k, v in kw.items()}
    return PeriodInput(
        date.fromisoformat(start), date.fromisoformat(end), D(str(purchased)), **values
    )


def schedule(customer_class=CC.RESIDENT, effective="2026-05-01", terms=None, periods=(), **kw):
    return build_schedule(
        customer_class=customer_class,
        effective_on=date.fromisoformat(effective),
        terms=terms or DeterminationTerms(Method.PERCENTAGE, percent=D(15)),
        periods=list(periods),
        **kw,
    )


def test_example_1_percentage_effective_mid_period():
    s = schedule(effective="2026-08-12", periods=[period("2026-08-01", "2026-08-31", 96)])
    [row] = s.rows
    assert row.days == 31
    assert row.factor == Fraction(20, 31)
    assert row.factor_text == "20/31"
    assert row.diverted_exact == Fraction("14.4")
    assert row.credited_exact == Fraction("14.4") * Fraction(20, 31)
    assert row.billed_exact == 96 - Fraction("14.4") * Fraction(20, 31)
    assert row.credited_ccf == D("9.290323")
    assert row.billed_ccf == D("86.709677")
    assert row.volume_charge_cents == 111855
    assert row.volume_charge_unadjusted_cents == 123840
    assert row.credit_cents == 11985
    assert row.service_charge_cents == 3309
    assert row.surcharge_cents is None
    assert s.totals.credit_cents == 11985
    assert s.volume_rounding is VolumeRounding.PRO_RATA


def test_example_2_deduct_meter_nonresident_direct():
    s = schedule(
        CC.NONRESIDENT_DIRECT,
        terms=DeterminationTerms(Method.DEDUCT_METER),
        periods=[period("2026-06-01", "2026-06-30", 140, diverted_ccf="38.25")],
    )
    [row] = s.rows
    assert (row.days, row.factor) == (30, 1)
    assert row.billed_ccf == D("101.75")
    assert row.volume_charge_cents == 174705
    assert row.volume_charge_unadjusted_cents == 240380
    assert row.credit_cents == 65675
    assert row.service_charge_cents == 4510


def test_example_3_rounding_modes():
    volume = ft3_to_ccf(748)
    assert volume == Fraction("7.48")
    assert price_volume(volume, CC.RESIDENT, date(2026, 6, 1)) == 9649
    assert price_volume(volume, CC.RESIDENT, date(2026, 6, 1), VolumeRounding.WHOLE_CCF_UP) == 10320
    assert price_volume(volume, CC.RESIDENT, date(2026, 4, 1)) is None


def test_example_3_in_a_schedule_both_modes():
    rows = [period("2026-06-01", "2026-06-30", "7.48")]
    before = "2026-07-01"  # no credit: volume charge = unadjusted = price(7.48)
    pro = schedule(effective=before, periods=rows)
    whole = schedule(effective=before, periods=rows, rounding=VolumeRounding.WHOLE_CCF_UP)
    assert pro.rows[0].volume_charge_cents == 9649
    assert whole.rows[0].volume_charge_cents == 10320
    assert whole.volume_rounding is VolumeRounding.WHOLE_CCF_UP
    assert whole.notes[0].startswith("Volume rounding: whole-ccf-up")
    assert pro.notes[0].startswith("Volume rounding: pro-rata")
    assert "reading" in pro.notes[0]


def test_example_4_surcharge_with_example_limits():
    rates = ORDINANCE_260209.resident_surcharge
    found = Concentrations(D(450), D(280), D(130))
    dollars = surcharge_dollars(Fraction(400), rates, EXAMPLE_LIMITS, found)
    assert round(dollars, 2) == Fraction("247.73")
    s = schedule(
        effective="2026-07-01",  # no credit in June, so B = P = 400
        periods=[period("2026-06-01", "2026-06-30", 400, bod=450, ss=280, og=130)],
        limits=EXAMPLE_LIMITS,
    )
    assert s.rows[0].billed_ccf == 400
    assert s.rows[0].surcharge_cents == 24773
    assert s.totals.surcharge_cents == 24773


def test_surcharge_is_on_the_adjusted_volume_and_lowered_by_the_credit():
    rows = [period("2026-06-01", "2026-06-30", 400, bod=450, ss=280, og=130)]
    s = schedule(periods=rows, limits=EXAMPLE_LIMITS)  # 15 % from the first day
    assert s.rows[0].billed_ccf == 340
    # 340 x 0.006238754 x 99.27 = 210.5706... dollars
    assert s.rows[0].surcharge_cents == 21057


def test_surcharge_without_limits_is_not_computed():
    rows = [period("2026-06-01", "2026-06-30", 400, bod=450, ss=280, og=130)]
    s = schedule(periods=rows)
    assert s.rows[0].surcharge_cents is None
    assert s.totals.surcharge_cents is None
    assert any("limits not set" in n for n in s.notes)


def test_concentrations_below_limits_add_nothing_and_do_not_net():
    rows = [period("2026-06-01", "2026-06-30", 400, bod=200, ss=280, og=90)]
    assert schedule(periods=rows, limits=EXAMPLE_LIMITS).rows[0].surcharge_cents == 0
    # SS far below its limit does not offset BOD above it
    rows = [period("2026-06-01", "2026-06-30", 100, bod=400, ss=0, og=0)]
    s = schedule(effective="2026-07-01", periods=rows, limits=EXAMPLE_LIMITS)
    assert s.rows[0].surcharge_cents == 3774  # 100 x 0.006238754 x 0.605 x 100 = 37.74


def test_nonresident_unmetered_class():
    s = schedule(
        CC.NONRESIDENT_UNMETERED,
        terms=DeterminationTerms(Method.PERCENTAGE, percent=D(20)),
        periods=[period("2026-06-01", "2026-07-01", 50)],
    )
    [row] = s.rows
    assert row.days == 31
    assert row.service_charge_cents == 2111  # 20.43 x 31 / 30 = 21.111
    assert row.volume_charge_unadjusted_cents == 35000  # 50 x 7.00
    assert row.volume_charge_cents == 28000  # 40 x 7.00
    assert row.credit_cents == 7000


@pytest.mark.parametrize("customer_class", [CC.NONRESIDENT_METERED, CC.NONRESIDENT_FLAT])
def test_classes_without_an_adjustment_are_refused(customer_class):
    with pytest.raises(RuleRefused, match="does not apply") as caught:
        schedule(customer_class, periods=[period("2026-06-01", "2026-06-30", 10)])
    assert caught.value.citation.startswith("Code sec. 60-3(a)(")


def test_effective_date_before_any_table_is_refused():
    with pytest.raises(RuleRefused, match="no rate table is in force on 2026-04-30"):
        schedule(effective="2026-04-30", periods=[period("2026-06-01", "2026-06-30", 10)])


def test_fixed_method_prorates_per_30_days():
    s = schedule(
        terms=DeterminationTerms(Method.FIXED, fixed_ccf=D(30)),
        effective="2026-08-12",
        periods=[period("2026-08-01", "2026-08-31", 96)],
    )
    [row] = s.rows
    assert row.diverted_exact == 31  # 30 x 31 / 30
    assert row.credited_exact == 20  # 31 x 20/31: 30 ccf per 30 days, 20 days
    assert row.billed_ccf == 76
    assert row.volume_charge_cents == 76 * 1290
    assert row.credit_cents == 20 * 1290


def test_sewer_meter_replaces_purchase_and_above_purchase_is_billed_as_measured():
    terms = DeterminationTerms(Method.SEWER_METER)
    s = schedule(
        terms=terms,
        periods=[
            period("2026-06-01", "2026-06-30", 100, sewer_ccf=70),
            period("2026-07-01", "2026-07-30", 100, sewer_ccf=110),
        ],
    )
    below, above = s.rows
    assert (below.diverted_ccf, below.billed_ccf, below.credit_cents) == (30, 70, 30 * 1290)
    assert (above.diverted_ccf, above.billed_ccf) == (-10, 110)
    assert above.credit_cents == -10 * 1290
    assert above.volume_charge_cents == 110 * 1290
    assert "billed as measured" in above.flags[0]
    assert s.totals.credit_cents == 20 * 1290


def test_evaporation_make_up_minus_blow_down():
    terms = DeterminationTerms(Method.DEDUCT_METER)
    s = schedule(
        terms=terms,
        periods=[
            period("2026-06-01", "2026-06-30", 100, makeup_ccf=60, blowdown_ccf=15),
            period("2026-07-01", "2026-07-30", 100, makeup_ccf=20, blowdown_ccf=25),
        ],
    )
    good, error = s.rows
    assert good.diverted_ccf == 45
    assert good.billed_ccf == 55
    assert error.diverted_ccf == 0
    assert error.credit_cents == 0
    assert error.billed_ccf == 100
    assert error.flags == ("meter error: blow-down above make-up; no credit",)
    assert any("meter error" in n for n in s.notes)


def test_no_credit_before_the_effective_date():
    s = schedule(
        effective="2026-07-15",
        periods=[period("2026-06-01", "2026-06-30", 100), period("2026-07-01", "2026-07-31", 100)],
    )
    june, july = s.rows
    assert (june.factor, june.credited_ccf, june.credit_cents) == (0, 0, 0)
    assert june.factor_text == "0/30"
    assert "before the effective date: no credit" in june.flags
    assert july.factor == Fraction(17, 31)
    assert july.credit_cents > 0


def test_rates_used_carry_citations():
    s = schedule(periods=[period("2026-06-01", "2026-06-30", 10)])
    labels = {u.label: u for u in s.rates_used}
    assert labels["service charge"].figure.citation == "Code sec. 60-2(1)(a)"
    assert labels["volume charge"].figure.amount == D("12.90")
    assert labels["volume charge"].ordinance == "Ordinance 260209"
    assert labels["month"].figure.citation == "Code sec. 60-2(4)"
    assert s.ordinances == ("Ordinance 260209",)


def test_a_period_spanning_two_tables_is_priced_day_by_day():
    """A synthetic later ordinance raises the resident rates on 2027-05-01."""
    old = ORDINANCE_260209
    resident = old.charges_for(CC.RESIDENT)
    new_charges = dataclasses.replace(
        resident,
        service_charge=Figure(D("33.00"), "per month", "Test ord. sec. 1"),
        volume_charge=Figure(D("13.50"), "per ccf", "Test ord. sec. 2"),
    )
    later = dataclasses.replace(
        old,
        ordinance="Test ordinance",
        effective_on=date(2027, 5, 1),
        charges=tuple(new_charges if c is resident else c for c in old.charges),
    )
    s = schedule(
        effective="2027-04-21",
        periods=[period("2027-04-11", "2027-05-10", 90)],  # 30 days: 20 old, 10 new
        tables=(old, later),
    )
    [row] = s.rows
    assert row.days == 30
    assert row.factor == Fraction(20, 30)  # credit from 04-21: 10 days old table, 10 new
    # service: 32.02 x 20/30 + 33.00 x 10/30 = 21.3466.. + 11.00 = 32.3466.. -> 32.35
    assert row.service_charge_cents == 3235
    # unadjusted: 3 ccf/day; 60 ccf at 12.90 + 30 ccf at 13.50 = 774 + 405 = 1179.00
    assert row.volume_charge_unadjusted_cents == 117900
    # 15 %: 0.45 ccf/day diverted from 04-21: billed 30 ccf (04-11..20) + 25.5 (04-21..30)
    # at 12.90 and 25.5 ccf (05-01..10) at 13.50: 387.00 + 328.95 + 344.25 = 1060.20
    assert row.volume_charge_cents == 106020
    assert row.credit_cents == 117900 - 106020
    assert row.billed_exact == 90 - Fraction("13.5") * Fraction(20, 30)
    assert "spans two rate tables: priced day by day" in row.flags
    assert s.ordinances == ("Ordinance 260209", "Test ordinance")
    assert {u.ordinance for u in s.rates_used} == {"Ordinance 260209", "Test ordinance"}
    assert any("priced day by day" in n for n in s.notes)


def test_whole_ccf_up_across_two_tables_rounds_the_period_volume_once():
    old = ORDINANCE_260209
    later = dataclasses.replace(old, ordinance="Copy", effective_on=date(2027, 5, 1))
    s = schedule(
        effective="2027-06-01",
        periods=[period("2027-04-21", "2027-05-10", "7.48")],
        rounding=VolumeRounding.WHOLE_CCF_UP,
        tables=(old, later),
    )
    assert s.rows[0].volume_charge_unadjusted_cents == 8 * 1290  # same rates: 8 x 12.90


# --- problems with the input ----------------------------------------------------------------


def fields(problems) -> list[str]:
    return [p.field for p in problems]


@pytest.mark.parametrize(
    ("terms", "field", "text"),
    [
        (DeterminationTerms(Method.PERCENTAGE), "percent", "needs a percent"),
        (DeterminationTerms(Method.PERCENTAGE, percent=D(0)), "percent", "outside 0 < p < 100"),
        (DeterminationTerms(Method.PERCENTAGE, percent=D(100)), "percent", "outside 0 < p < 100"),
        (DeterminationTerms(Method.PERCENTAGE, percent=D(-5)), "percent", "outside"),
        (DeterminationTerms(Method.FIXED), "fixed_ccf", "needs a volume"),
        (DeterminationTerms(Method.FIXED, fixed_ccf=D(0)), "fixed_ccf", "must be above 0"),
        (DeterminationTerms(Method.DEDUCT_METER, percent=D(5)), "percent", "only to the"),
        (DeterminationTerms(Method.SEWER_METER, fixed_ccf=D(5)), "fixed_ccf", "only to the"),
    ],
)
def test_check_terms(terms, field, text):
    [problem] = check_terms(terms)
    assert problem.field == field
    assert text in problem.message


@pytest.mark.parametrize("percent", ["0.01", "15", "99.99"])
def test_percent_inside_the_range_is_fine(percent):
    assert check_terms(DeterminationTerms(Method.PERCENTAGE, percent=D(percent))) == []


PCT = DeterminationTerms(Method.PERCENTAGE, percent=D(10))
DEDUCT = DeterminationTerms(Method.DEDUCT_METER)


@pytest.mark.parametrize(
    ("terms", "rows", "expected_field", "text"),
    [
        (
            PCT,
            [period("2026-06-30", "2026-06-01", 5)],
            "periods[0].end",
            "end 2026-06-01 is before",
        ),
        (PCT, [period("2026-04-15", "2026-05-14", 5)], "periods[0].start", "no rate table covers"),
        (PCT, [period("2026-06-01", "2026-06-30", -5)], "periods[0].purchased_ccf", "negative"),
        (DEDUCT, [period("2026-06-01", "2026-06-30", 5)], "periods[0].diverted_ccf", "missing"),
        (
            DEDUCT,
            [period("2026-06-01", "2026-06-30", 120, diverted_ccf=130)],
            "periods[0].diverted_ccf",
            "diverted_ccf 130 exceeds purchased_ccf 120 (2026-06-01 to 2026-06-30)",
        ),
        (
            DEDUCT,
            [period("2026-06-01", "2026-06-30", 120, diverted_ccf=-1)],
            "periods[0].diverted_ccf",
            "diverted_ccf -1 is negative",
        ),
        (
            DEDUCT,
            [period("2026-06-01", "2026-06-30", 10, makeup_ccf=30, blowdown_ccf=5)],
            "periods[0].makeup_ccf",
            "make-up minus blow-down 25 exceeds purchased_ccf 10",
        ),
        (
            DEDUCT,
            [period("2026-06-01", "2026-06-30", 10, makeup_ccf=3)],
            "periods[0].blowdown_ccf",
            "missing",
        ),
        (
            DeterminationTerms(Method.SEWER_METER),
            [period("2026-06-01", "2026-06-30", 10)],
            "periods[0].sewer_ccf",
            "missing",
        ),
        (
            DeterminationTerms(Method.FIXED, fixed_ccf=D(30)),
            [period("2026-06-01", "2026-06-30", 20)],
            "periods[0].purchased_ccf",
            "the fixed diversion 30.00 ccf",
        ),
        (
            PCT,
            [period("2026-06-01", "2026-06-30", 10), period("2026-06-30", "2026-07-29", 10)],
            "periods[1].start",
            "start 2026-06-30 overlaps the period 2026-06-01 to 2026-06-30",
        ),
        (
            PCT,
            [period("2026-06-01", "2026-06-30", 10, bod=400)],
            "periods[0].ss",
            "bod, ss and og go together: ss, og missing",
        ),
    ],
)
def test_check_periods(terms, rows, expected_field, text):
    problems = check_periods(rows, terms)
    assert fields(problems) == [expected_field]
    assert text in problems[0].message
    with pytest.raises(InputError) as caught:
        schedule(terms=terms, periods=rows)
    assert caught.value.problems == problems


def test_make_up_in_gallons_with_blow_down_in_ccf_is_checked_exactly():
    # A meter read in gallons gives a Fraction; Decimal - Fraction is not defined, so the
    # check subtracts them as Fractions (it raised TypeError before).
    june = date(2026, 6, 1), date(2026, 6, 30)
    makeup = gal_to_ccf(D(18701))  # 25 ccf less 0.0013 gallons' worth
    over = PeriodInput(*june, D(10), makeup_ccf=makeup, blowdown_ccf=D(5))
    [problem] = check_periods([over], DEDUCT)
    assert problem.field == "periods[0].makeup_ccf"
    assert f"make-up minus blow-down {makeup - 5} exceeds purchased_ccf 10" in problem.message
    within = PeriodInput(*june, D(30), makeup_ccf=makeup, blowdown_ccf=D(5))
    assert check_periods([within], DEDUCT) == []
    [row] = schedule(terms=DEDUCT, periods=[within]).rows
    assert row.diverted_exact == makeup - 5


def test_overlap_inside_a_long_period_is_found():
    rows = [
        period("2026-06-01", "2026-08-31", 10),
        period("2026-07-01", "2026-07-31", 10),
        period("2026-08-01", "2026-08-31", 10),
    ]
    assert fields(check_periods(rows, PCT)) == ["periods[1].start", "periods[2].start"]


def test_periods_in_any_order_without_overlap_are_fine():
    rows = [period("2026-07-01", "2026-07-31", 10), period("2026-06-01", "2026-06-30", 10)]
    assert check_periods(rows, PCT) == []


def test_period_field_round_trip():
    assert period_field(3, "diverted_ccf") == "periods[3].diverted_ccf"
    assert parse_period_field("periods[3].diverted_ccf") == (3, "diverted_ccf")
    assert parse_period_field("percent") is None


def test_exact_fraction_volumes_from_gallon_meters_are_accepted():
    """Operations may pass exact ccf (e.g. gallons / 748.052) instead of Decimals."""
    from kcsac.domain.volume import gal_to_ccf

    purchased = gal_to_ccf(D(100000))  # 133.6805... ccf
    diverted = gal_to_ccf(D(25000))
    s = schedule(
        terms=DeterminationTerms(Method.DEDUCT_METER),
        periods=[
            PeriodInput(date(2026, 6, 1), date(2026, 6, 30), purchased, diverted_ccf=diverted)
        ],
    )
    [row] = s.rows
    assert row.purchased_ccf == D("133.680546")
    assert row.billed_exact == purchased * 3 / 4
    assert row.billed_ccf + row.credited_ccf == row.purchased_ccf
    # 100,000 gal x 3/4 = 75,000 gal = 100.2604... ccf x 12.90 = 1293.36
    assert row.volume_charge_cents == 129336


# --- the first metered period (RULES.md, "First metered period", a ruling) -----------------


def test_a_deduct_meter_in_its_first_period_is_credited_as_measured():
    """Effective 06-11 (f = 20/30); the deduct meter read 30 ccf since its activation reading
    on 06-11: credited = 30 ccf, not 30 x 20/30; B = 100 - 30 = 70."""
    terms = DeterminationTerms(Method.DEDUCT_METER)
    s = schedule(
        effective="2026-06-11",
        terms=terms,
        periods=[period("2026-06-01", "2026-06-30", 100, diverted_ccf=30)],
    )
    [row] = s.rows
    assert row.factor_text == "20/30"
    assert (row.diverted_exact, row.credited_exact, row.billed_exact) == (30, 30, 70)
    assert (row.volume_charge_unadjusted_cents, row.volume_charge_cents) == (129000, 90300)
    assert row.credit_cents == 38700  # 30 x $12.90 (D x f would give $258.00)
    assert row.metered_from == date(2026, 6, 11)
    assert row.metered_days == 20
    assert row.flags == (
        "metered from the activation reading on 2026-06-11: D is the use of those 20 days only "
        "and is credited as measured (f does not scale it)",
    )
    assert any(n.startswith("First metered period (ruling)") for n in s.notes)


def test_make_up_minus_blow_down_and_an_irrigation_meter_follow_the_same_ruling():
    terms = DeterminationTerms(Method.DEDUCT_METER)
    evaporation = schedule(
        effective="2026-06-21",
        terms=terms,
        periods=[period("2026-06-01", "2026-06-30", 90, makeup_ccf=50, blowdown_ccf=20)],
    )
    [row] = evaporation.rows
    assert (row.credited_exact, row.billed_exact, row.credit_cents) == (30, 60, 30 * 1290)


def test_a_sewer_meter_in_its_first_period_bills_the_days_before_it_on_the_purchase():
    """Effective 06-11: B = P x (1 - f) + S = 90 x 10/30 + 40 = 70 (S since activation)."""
    terms = DeterminationTerms(Method.SEWER_METER)
    s = schedule(
        effective="2026-06-11",
        terms=terms,
        periods=[period("2026-06-01", "2026-06-30", 90, sewer_ccf=40)],
    )
    [row] = s.rows
    assert (row.diverted_exact, row.billed_exact, row.credited_exact) == (50, 70, 20)
    assert row.credit_cents == 20 * 1290
    assert row.flags == (
        "sewer meter from its activation reading on 2026-06-11: the 10 days before it billed "
        "on the purchase, B = P x 10/30 + S",
    )


def test_a_sewer_meter_above_the_purchase_of_its_days_is_billed_as_measured():
    """S = 80 since 06-11 (20 days) of P = 90 over 30 days: B = 30 + 80 = 110 above P, so
    the credit is negative although S is below P."""
    s = schedule(
        effective="2026-06-11",
        terms=DeterminationTerms(Method.SEWER_METER),
        periods=[period("2026-06-01", "2026-06-30", 90, sewer_ccf=80)],
    )
    [row] = s.rows
    assert (row.billed_exact, row.credit_cents) == (110, -20 * 1290)
    assert row.flags[0].endswith(
        "B is above P, billed as measured: the credit is negative, an added charge"
    )


def test_percentage_and_fixed_keep_d_times_f_in_the_effective_period():
    s = schedule(
        effective="2026-06-11",
        terms=DeterminationTerms(Method.FIXED, fixed_ccf=D(30)),
        periods=[period("2026-06-01", "2026-06-30", 90)],
    )
    [row] = s.rows
    assert (row.credited_exact, row.metered_from, row.flags) == (20, None, ())
    assert not any(n.startswith("First metered period") for n in s.notes)


def test_metered_from_given_by_the_readings_decides_which_days_a_meter_covers():
    """`metered_from`: the readings know when each meter counts from. A whole-period use
    (metered_from = start, e.g. a credit ending inside the period) is scaled by the credited
    share of its days; a meter installed later in a running credit counts from its own
    activation, its use credited as measured."""
    terms = DeterminationTerms(Method.DEDUCT_METER)
    whole = PeriodInput(
        date(2026, 6, 1), date(2026, 6, 30), D(90), D(30), metered_from=date(2026, 6, 1)
    )
    [row] = schedule(effective="2026-06-11", terms=terms, periods=[whole]).rows
    assert (row.credited_exact, row.metered_from) == (20, None)  # 30 x 20/30
    later = dataclasses.replace(whole, metered_from=date(2026, 6, 21))
    [row] = schedule(effective="2026-05-01", terms=terms, periods=[later]).rows
    assert (row.credited_exact, row.metered_from, row.metered_days) == (30, date(2026, 6, 21), 10)
    sewer = PeriodInput(
        date(2026, 6, 1), date(2026, 6, 30), D(90), sewer_ccf=D(10), metered_from=date(2026, 6, 21)
    )
    [row] = schedule(
        effective="2026-05-01", terms=DeterminationTerms(Method.SEWER_METER), periods=[sewer]
    ).rows
    assert row.billed_exact == 60 + 10  # 20 days on the purchase, then the meter
    # The day after a credit's end: the use of 06-21..30 less that of 06-26..30 is 06-21..25.
    [after] = schedule(effective="2026-06-26", terms=terms, periods=[later]).rows
    [from_start] = schedule(effective="2026-05-01", terms=terms, periods=[later]).rows
    assert from_start.credited_exact - after.credited_exact == 15
    assert (
        after.flags[0]
        == "metered from 2026-06-21: 5 of its 10 days are credited, credited = D x 5/10"
    )


def test_metered_from_outside_the_period_is_a_problem():
    p = PeriodInput(
        date(2026, 6, 1), date(2026, 6, 30), D(90), D(30), metered_from=date(2026, 7, 1)
    )
    [problem] = check_periods([p], DeterminationTerms(Method.DEDUCT_METER))
    assert problem.field == "periods[0].metered_from"
    assert problem.message == (
        "the meters count from 2026-07-01, outside the period (2026-06-01 to 2026-06-30)"
    )


def test_first_metered_period_across_two_rate_tables_is_priced_on_each_table_s_days():
    """A later table from 06-21; the meter from 06-11 (20 days: 10 old, 10 new)."""
    old = ORDINANCE_260209
    resident = old.charges_for(CC.RESIDENT)
    new_charges = dataclasses.replace(
        resident, volume_charge=Figure(D("13.50"), "per ccf", "Test ord. sec. 2")
    )
    later = dataclasses.replace(
        old,
        ordinance="Test ordinance",
        effective_on=date(2026, 6, 21),
        charges=tuple(new_charges if c is resident else c for c in old.charges),
    )
    s = schedule(
        effective="2026-06-11",
        terms=DeterminationTerms(Method.DEDUCT_METER),
        periods=[period("2026-06-01", "2026-06-30", 90, diverted_ccf=20)],
        tables=(old, later),
    )
    [row] = s.rows
    # 3 ccf a day; D = 20 over 06-11..30 (1 a day). Unadjusted 60 x 12.90 + 30 x 13.50
    # = 1,179.00; credit 10 x 12.90 + 10 x 13.50 = 264.00.
    assert row.volume_charge_unadjusted_cents == 117900
    assert row.credit_cents == 26400
    assert row.credited_exact == 20


def test_credited_line_says_which_days_a_metered_volume_covers():
    deduct = schedule(
        effective="2026-06-11",
        terms=DeterminationTerms(Method.DEDUCT_METER),
        periods=[
            period("2026-06-01", "2026-06-30", 100, diverted_ccf=30),
            period("2026-07-01", "2026-07-31", 100, diverted_ccf=31),
        ],
    )
    first, second = deduct.rows
    assert credited_line(first, Method.DEDUCT_METER) == (
        "Credited = D as measured = 30.00 ccf: the meters count from their activation reading "
        "on 2026-06-11, so D covers only the 20 days from then, all credited, and f does not "
        "scale it again; billed sewer volume B = P − D = 100.00 − 30.00 = 70.00 ccf."
    )
    assert credited_line(second, Method.DEDUCT_METER) == (
        "D is the meters' use over the whole period (31 days). Credited = D × f = 31.00 × 31/31 "
        "= 31.00 ccf; billed sewer volume B = P − D × f = 100.00 − 31.00 = 69.00 ccf."
    )
    sewer = schedule(
        effective="2026-06-11",
        terms=DeterminationTerms(Method.SEWER_METER),
        periods=[period("2026-06-01", "2026-06-30", 90, sewer_ccf=40)],
    )
    assert credited_line(sewer.rows[0], Method.SEWER_METER) == (
        "The sewer meter counts from its activation reading on 2026-06-11: S covers the 20 days "
        "from then, and the 10 days before it are billed on the purchase, so billed sewer "
        "volume B = P × 10/30 + S = 90.00 × 10/30 + 40.00 = 70.00 ccf; credited = P − B = "
        "20.00 ccf."
    )
    example_1 = schedule(effective="2026-08-12", periods=[period("2026-08-01", "2026-08-31", 96)])
    assert credited_line(example_1.rows[0], Method.PERCENTAGE) == (
        "Credited = D × f = 14.40 × 20/31 = 9.290323 ccf; billed sewer volume B = P − D × f = "
        "96.00 − 9.290323 = 86.709677 ccf."
    )
