"""Who may take part, each refusal with a plain message and its citation."""

import pytest

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.eligibility import (
    adjustment_problem,
    application_problem,
    check_eligibility,
)
from kcsac.domain.problems import Problem

CC = CustomerClass


def check(account=AccountClass.COMMERCIAL, customer=CC.RESIDENT, storm=False) -> list[Problem]:
    return check_eligibility(
        account_class=account, customer_class=customer, discharges_to_storm_sewer=storm
    )


@pytest.mark.parametrize("account", [AccountClass.COMMERCIAL, AccountClass.INDUSTRIAL])
@pytest.mark.parametrize("customer", [CC.RESIDENT, CC.NONRESIDENT_DIRECT, CC.NONRESIDENT_UNMETERED])
def test_commercial_and_industrial_accounts_may_apply(account, customer):
    assert check(account, customer) == []


def test_residential_account_is_refused_with_its_citation():
    [problem] = check(AccountClass.RESIDENTIAL)
    assert problem.field == "account_class"
    assert "one- or two-family residential account may not apply" in problem.message
    assert problem.citation == "Code secs. 60-2(2)(c), 60-2(2)(b)"


def test_storm_sewer_discharge_is_refused_with_its_citation():
    [problem] = check(storm=True)
    assert problem.field == "discharges_to_storm_sewer"
    assert "storm sewer" in problem.message
    assert problem.citation == "Code secs. 60-2(2)(c), 60-3(a)(6)"


def test_all_reasons_are_reported_together():
    problems = check(AccountClass.RESIDENTIAL, CC.NONRESIDENT_FLAT, storm=True)
    assert [p.field for p in problems] == [
        "account_class",
        "discharges_to_storm_sewer",
        "customer_class",
    ]


@pytest.mark.parametrize(
    ("customer", "applies", "citation"),
    [
        (CC.RESIDENT, True, None),
        (CC.NONRESIDENT_DIRECT, True, None),
        (CC.NONRESIDENT_UNMETERED, True, None),
        (CC.NONRESIDENT_METERED, False, "Code sec. 60-3(a)(1)"),
        (CC.NONRESIDENT_FLAT, False, "Code sec. 60-3(a)(3)"),
    ],
)
def test_adjustment_applies_only_to_bills_based_on_water_purchased(customer, applies, citation):
    problem = adjustment_problem(customer)
    if applies:
        assert problem is None
        assert check(customer=customer) == []
    else:
        assert problem.citation == citation
        assert "does not apply" in problem.message
        # Intake asks the same rule: no application is taken (RULES.md rule 7).
        not_taken = application_problem(customer)
        assert not_taken == Problem(
            "customer_class",
            f"{problem.message} No application is taken and no fee is assessed.",
            citation,
        )
        assert check(customer=customer) == [not_taken]
    if applies:
        assert application_problem(customer) is None
