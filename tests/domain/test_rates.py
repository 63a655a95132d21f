"""Every figure of Ordinance 260209 is in the rate table exactly once, with its citation."""

import dataclasses
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import kcsac
from kcsac.domain import ordinance as o
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.rates import (
    ORDINANCE_260209,
    RATE_TABLES,
    Figure,
    VolumeRounding,
    rate_table_on,
    table_spans,
)
from kcsac.domain.volume import GAL_PER_CCF, LB_PER_CCF_MG_L, LB_PER_GAL_WATER
from tests.domain.ordinance_text import SECTIONS, TEXT, dollar_figures, section

T = ORDINANCE_260209
CC = CustomerClass


def test_the_sections_cover_every_dollar_figure_of_the_ordinance():
    in_sections = [a for c in SECTIONS for a in dollar_figures(section(c))]
    assert Counter(in_sections) == Counter(dollar_figures(TEXT))
    assert len(in_sections) == 21


@pytest.mark.parametrize("citation", sorted(SECTIONS))
def test_each_section_figures_are_the_table_figures_with_that_citation(citation):
    """Each $ figure of a section is in the table once, cited to that section; no extras."""
    in_text = Counter(dollar_figures(section(citation)))
    in_table = Counter(f.amount for f in T.figures() if f.citation == citation)
    assert in_table == in_text


def test_every_table_figure_cites_a_section_of_the_ordinance():
    for figure in T.figures():
        assert figure.citation in SECTIONS, figure
        assert isinstance(figure.amount, Decimal)
        assert figure.unit


@pytest.mark.parametrize(
    ("customer_class", "service", "volume", "citations"),
    [
        (CC.RESIDENT, "32.02", "12.90", ("Code sec. 60-2(1)(a)", "Code sec. 60-2(2)")),
        (CC.NONRESIDENT_DIRECT, "45.10", "17.17", ("Code sec. 60-3(a)(4)",) * 2),
        (CC.NONRESIDENT_UNMETERED, "20.43", "7.00", ("Code sec. 60-3(a)(2)",) * 2),
        (CC.NONRESIDENT_METERED, None, "4.70", (None, "Code sec. 60-3(a)(1)")),
        (CC.NONRESIDENT_FLAT, "65.00", None, ("Code sec. 60-3(a)(3)", None)),
    ],
)
def test_class_charges_match_rules_md(customer_class, service, volume, citations):
    charges = T.charges_for(customer_class)
    for figure, amount, citation in zip(
        (charges.service_charge, charges.volume_charge), (service, volume), citations, strict=True
    ):
        if amount is None:
            assert figure is None
        else:
            assert figure.amount == Decimal(amount)
            assert figure.citation == citation
            assert f"${amount}" in section(citation)


@pytest.mark.parametrize(
    ("customer_class", "rates", "citation"),
    [
        (CC.RESIDENT, ("0.605", "0.294", "0.284"), "Code sec. 60-2(3)"),
        (CC.NONRESIDENT_DIRECT, ("0.721", "0.339", "0.312"), "Code sec. 60-3(a)(5)"),
        (CC.NONRESIDENT_UNMETERED, ("0.721", "0.339", "0.312"), "Code sec. 60-3(a)(5)"),
    ],
)
def test_surcharge_rates(customer_class, rates, citation):
    found = T.surcharge_for(customer_class)
    assert (found.bod.amount, found.ss.amount, found.og.amount) == tuple(map(Decimal, rates))
    assert {found.bod.citation, found.ss.citation, found.og.citation} == {citation}
    for label, rate in zip(("RB", "RS", "RG"), rates, strict=True):
        assert f"{label} (surcharge per pound of excess" in section(citation)
        assert f"= ${rate}" in section(citation)


def test_residential_winter_cap_is_recorded_with_its_citation():
    assert T.residential_winter_cap == Figure(
        Decimal("77.40"), T.residential_winter_cap.unit, o.SEC_60_2_2_B
    )
    assert "$77.40 per month" in section(o.SEC_60_2_2_B)


def test_month_is_30_days_in_both_sections():
    assert T.resident_month.amount == T.nonresident_month.amount == 30
    assert "approximately 30 days" in section(T.resident_month.citation)
    assert "approximately 30 days" in section(T.nonresident_month.citation)


def test_table_takes_effect_when_the_ordinance_says():
    assert T.effective_on == date(2026, 5, 1)
    assert "This ordinance shall become effective on May 1, 2026." in TEXT
    assert T.ordinance == "Ordinance 260209"
    assert "ORDINANCE NO. 260209" in TEXT


def test_volume_rounding_default_is_pro_rata_and_marked_a_reading():
    assert T.volume_rounding is VolumeRounding.PRO_RATA
    assert T.volume_rounding_basis.startswith("reading:")
    assert o.PORTION_THEREOF in section(o.SEC_60_2_2)


def test_every_class_is_priced_by_every_table():
    for table in RATE_TABLES:
        assert {c.customer_class for c in table.charges} == set(CC)


@pytest.mark.parametrize(
    "wording",
    [
        o.COMMERCIAL_ACCOUNTS,
        o.FEE_BEFORE_ADJUSTMENT,
        o.FEE_PURPOSE,
        o.DIRECTOR_DETERMINES,
        o.EFFECTIVE_ON_SIGNATURE,
        o.STORM_SEWER_EXCLUDED,
        o.PRORATED_PER_DAY,
        o.PORTION_THEREOF,
    ],
)
def test_quoted_wording_is_the_ordinance_verbatim(wording):
    assert wording in TEXT


def test_surcharge_pound_factor_is_the_product_to_seven_figures():
    product = GAL_PER_CCF * LB_PER_GAL_WATER / Decimal(10) ** 6
    assert product == Decimal("0.00623875368")
    assert abs(product - LB_PER_CCF_MG_L) < Decimal("0.0000000005")


# --- where figures may be written ---------------------------------------------------------

_PACKAGE = Path(kcsac.__file__).parent


def _sources(*folders: str) -> list[Path]:
    return [p for f in folders for p in (_PACKAGE / f).rglob("*.py") if p.name != "rates.py"]


@pytest.mark.parametrize("amount", sorted(set(dollar_figures(TEXT))))
def test_each_figure_is_written_in_rates_py_as_often_as_in_the_ordinance(amount):
    """`Decimal("12.90")` once, `Decimal("250")` twice (resident and nonresident lists)."""
    literal = re.compile(rf'Decimal\("{re.escape(str(amount))}"\)')
    rates_source = (_PACKAGE / "domain" / "rates.py").read_text()
    assert len(literal.findall(rates_source)) == dollar_figures(TEXT).count(amount)
    for path in _sources("."):
        assert not literal.search(path.read_text()), f"{amount} written in {path}"


@pytest.mark.parametrize("amount", sorted({a for a in dollar_figures(TEXT) if a % 1}))
def test_no_computing_layer_copies_a_figure(amount):
    """12.90, 0.605, ...: not even as text in domain, cli, operations or storage code."""
    bare = re.compile(rf"(?<![\d.]){re.escape(str(amount))}(?!\d)")
    for path in _sources("domain", "cli", "operations", "storage"):
        assert not bare.search(path.read_text()), f"{amount} in {path}"


# --- effective dates ----------------------------------------------------------------------


def _later_table() -> object:
    """A synthetic later ordinance: one new entry built from the current one."""
    resident = T.charges_for(CC.RESIDENT)
    charges = tuple(
        dataclasses.replace(c, volume_charge=Figure(Decimal("13.50"), "per ccf", "Test ord."))
        if c is resident
        else c
        for c in T.charges
    )
    return dataclasses.replace(
        T, ordinance="Test ordinance", effective_on=date(2027, 5, 1), charges=charges
    )


def test_rate_table_on_picks_the_table_in_force():
    later = _later_table()
    tables = (T, later)
    assert rate_table_on(date(2026, 4, 30)) is None
    assert rate_table_on(date(2026, 5, 1)) is T
    assert rate_table_on(date(2030, 1, 1)) is T
    assert rate_table_on(date(2027, 4, 30), tables) is T
    assert rate_table_on(date(2027, 5, 1), tables) is later
    assert rate_table_on(date(2027, 5, 1), (later, T)) is later  # order of entry is irrelevant


def test_table_spans_split_a_period_at_the_new_table():
    later = _later_table()
    spans = table_spans(date(2027, 4, 16), date(2027, 5, 15), (T, later))
    assert [(s.table, s.start, s.end, s.days) for s in spans] == [
        (T, date(2027, 4, 16), date(2027, 4, 30), 15),
        (later, date(2027, 5, 1), date(2027, 5, 15), 15),
    ]
    assert table_spans(date(2026, 4, 30), date(2026, 5, 5)) is None
    assert [s.days for s in table_spans(date(2026, 5, 1), date(2026, 5, 31))] == [31]
