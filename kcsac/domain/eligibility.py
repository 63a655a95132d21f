"""Who may take part: commercial and industrial accounts, not the storm sewer (the fee is
workflow.fee_blockers)."""

from kcsac.domain import ordinance as o
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.problems import Problem

# A diverted-water adjustment lowers a bill based on water purchased. Bulk flow through a
# metered interconnection (60-3(a)(1)) and the flat charge per dwelling unit (60-3(a)(3))
# are not such bills.
_NOT_ADJUSTABLE = {
    CustomerClass.NONRESIDENT_METERED: (
        "bulk flow through a metered municipal interconnection is billed on the metered flow",
        o.SEC_60_3_A_1,
    ),
    CustomerClass.NONRESIDENT_FLAT: (
        "the flat charge per dwelling unit is not based on water purchased",
        o.SEC_60_3_A_3,
    ),
}


def adjustment_problem(customer_class: CustomerClass) -> Problem | None:
    """Why a volume adjustment does not apply to the class, or None when it does."""
    if customer_class not in _NOT_ADJUSTABLE:
        return None
    why, citation = _NOT_ADJUSTABLE[customer_class]
    return Problem(
        "customer_class",
        f"A diverted-water sewer volume adjustment does not apply to the class "
        f"{customer_class.value} ({customer_class.label.lower()}): {why}.",
        citation,
    )


def application_problem(customer_class: CustomerClass) -> Problem | None:
    """Why no application is taken from an account of this class, or None when one is.

    RULES.md rule 7 and "Customer classes": only a bill based on water purchased can be
    adjusted, so for the metered and flat nonresident classes no application is taken and
    no fee is assessed. The one rule intake, submission, signing and `kcsac fee` ask."""
    not_adjustable = adjustment_problem(customer_class)
    if not_adjustable is None:
        return None
    return Problem(
        not_adjustable.field,
        f"{not_adjustable.message} No application is taken and no fee is assessed.",
        not_adjustable.citation,
    )


def check_eligibility(
    *,
    account_class: AccountClass,
    customer_class: CustomerClass,
    discharges_to_storm_sewer: bool,
) -> list[Problem]:
    """Every reason the ordinance refuses this account; empty when it may apply."""
    problems: list[Problem] = []
    if account_class is AccountClass.RESIDENTIAL:
        problems.append(
            Problem(
                "account_class",
                "A one- or two-family residential account may not apply: the Sewer Allowance "
                "Credit is for commercial and industrial water accounts only.",
                o.cites(o.SEC_60_2_2_C, o.SEC_60_2_2_B),
            )
        )
    if discharges_to_storm_sewer:
        problems.append(
            Problem(
                "discharges_to_storm_sewer",
                "Water discharged to the storm sewer may not take part in the diverted water "
                "sewer use volume adjustment program.",
                o.cites(o.SEC_60_2_2_C, o.SEC_60_3_A_6),
            )
        )
    not_taken = application_problem(customer_class)
    if not_taken is not None:
        problems.append(not_taken)
    return problems
