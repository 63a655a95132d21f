"""The application fee in force on the date received, per category and residency."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.fees import application_fee
from kcsac.domain.rates import ORDINANCE_260209, FeeTier, Figure
from tests.domain.ordinance_text import section

ON = date(2026, 8, 20)
C = Category
CC = CustomerClass
# The nonresident classes whose bill is based on water purchased (RULES.md rule 7).
NONRESIDENT = [CC.NONRESIDENT_DIRECT, CC.NONRESIDENT_UNMETERED]
NOT_ADJUSTABLE = {CC.NONRESIDENT_METERED: "60-3(a)(1)", CC.NONRESIDENT_FLAT: "60-3(a)(3)"}

# RULES.md's fee table: category -> (resident dollars, nonresident dollars or None).
FEES = {
    C.CAR_WASH: (250, 250),
    C.LAUNDRY: (250, 250),
    C.EVAPORATION: (600, 600),
    C.IRRIGATION: (600, 600),
    C.OWNERSHIP_CHANGE: (600, None),
    C.WATER_TO_PRODUCT: (1250, 1250),
    C.OTHER: (1250, 1250),
    C.SEWER_METERING: (1250, 1250),
}


@pytest.mark.parametrize("category", list(Category))
def test_resident_fee(category):
    quote = application_fee(category, CustomerClass.RESIDENT, ON)
    assert quote.cents == FEES[category][0] * 100
    assert quote.citation == "Code sec. 60-2(2)(c)"
    assert quote.ordinance == "Ordinance 260209"
    assert quote.effective_on == date(2026, 5, 1)
    assert quote.not_set_reason is None
    assert f"${FEES[category][0]:,};" in section(quote.citation)


@pytest.mark.parametrize("customer_class", NONRESIDENT)
@pytest.mark.parametrize("category", [c for c in Category if FEES[c][1] is not None])
def test_nonresident_fee(category, customer_class):
    quote = application_fee(category, customer_class, ON)
    assert quote.cents == FEES[category][1] * 100
    assert quote.citation == "Code sec. 60-3(a)(6)"
    assert f"${FEES[category][1]:,};" in section(quote.citation)


@pytest.mark.parametrize("customer_class", NONRESIDENT)
def test_nonresident_ownership_change_fee_is_not_set_and_not_invented(customer_class):
    quote = application_fee(Category.OWNERSHIP_CHANGE, customer_class, ON)
    assert quote.cents is None
    assert not quote.is_set
    assert quote.citation == "Code sec. 60-3(a)(6)"
    assert "sets no ownership change fee for nonresident accounts" in quote.not_set_reason
    assert "ownership change" not in section("Code sec. 60-3(a)(6)")
    assert "ownership change = $600" in section("Code sec. 60-2(2)(c)")


def test_no_fee_before_the_first_table():
    quote = application_fee(Category.CAR_WASH, CustomerClass.RESIDENT, date(2026, 4, 30))
    assert quote.cents is None
    assert quote.effective_on is None
    assert quote.not_set_reason == (
        "no rate table is in force on 2026-04-30: kcsac holds rates from 2026-05-01 "
        "(Ordinance 260209)"
    )
    assert application_fee(Category.CAR_WASH, CustomerClass.RESIDENT, date(2026, 5, 1)).cents


def test_fee_is_the_one_in_force_on_the_date_received():
    """A later ordinance is one new table; the date received picks the fee."""
    raised = FeeTier(Figure(Decimal("300"), "per application", "Test ord."), (C.CAR_WASH,))
    later = dataclasses.replace(
        ORDINANCE_260209,
        ordinance="Test ordinance",
        effective_on=date(2027, 1, 1),
        resident_fees=(raised, *ORDINANCE_260209.resident_fees),
    )
    tables = (ORDINANCE_260209, later)
    before = application_fee(C.CAR_WASH, CustomerClass.RESIDENT, date(2026, 12, 31), tables=tables)
    after = application_fee(C.CAR_WASH, CustomerClass.RESIDENT, date(2027, 1, 1), tables=tables)
    assert (before.cents, before.ordinance) == (25000, "Ordinance 260209")
    assert (after.cents, after.ordinance, after.citation) == (30000, "Test ordinance", "Test ord.")
    assert after.effective_on == date(2027, 1, 1)


@pytest.mark.parametrize("customer_class", list(NOT_ADJUSTABLE))
@pytest.mark.parametrize("category", list(Category))
def test_no_fee_for_a_class_the_adjustment_does_not_apply_to(category, customer_class):
    """RULES.md rule 7: for the metered and flat nonresident classes no application is taken
    and no fee is assessed; the quote says why, with the class's section."""
    for on in (ON, date(2026, 4, 30)):  # the class decides before any rate table
        quote = application_fee(category, customer_class, on)
        assert (quote.cents, quote.applies, quote.effective_on) == (None, False, None)
        assert quote.citation == f"Code sec. {NOT_ADJUSTABLE[customer_class]}"
        assert quote.not_set_reason.startswith(
            "A diverted-water sewer volume adjustment does not apply to the class "
            f"{customer_class.value} "
        )
        assert quote.not_set_reason.endswith(
            f"No application is taken and no fee is assessed ({quote.citation})"
        )


def test_classes_the_adjustment_applies_to_are_quoted():
    for customer_class in (CC.RESIDENT, *NONRESIDENT):
        assert application_fee(C.CAR_WASH, customer_class, ON).applies
