"""The legal wording of kcsac's documents: the sections a letter cites and what each says,
the applicant's duties, the method's parameters and the meters as printed, the addressee.
Pure: built from domain objects, no store."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.documents import (
    Addressee,
    MeterLine,
    Parameter,
    Reason,
)
from kcsac.domain.method import Method
from kcsac.domain.records import (
    Account,
    Determination,
    Meter,
    MeterRole,
    MeterUnit,
)

DUTY_READINGS = (
    "Read each meter listed above at the end of every billing period and report the readings "
    "to Kansas City Water Services; readings are never estimated."
)
DUTY_TESTS = (
    "Have each meter tested for accuracy when Water Services asks, and keep the test reports."
)
DUTY_NOTIFY = (
    "Notify Water Services in writing before changing the process, equipment or use that "
    "diverts the water; the credit covers only the process as reviewed."
)
DUTY_STORM = (
    "Never discharge the diverted water, or any water that takes part in the credit, to the "
    "storm sewer."
)
DUTY_ACCESS = "Keep the meters, seals and piping accessible to Water Services for inspection."

_ROLE_LABELS = {
    MeterRole.DEDUCT: "Deduct meter",
    MeterRole.MAKE_UP: "Make-up meter",
    MeterRole.BLOW_DOWN: "Blow-down meter",
    MeterRole.IRRIGATION: "Irrigation meter",
    MeterRole.SEWER: "Sewer meter",
}


def addressee_for(account: Account) -> Addressee:
    """The letter goes to the customer at the service address (kcsac keeps no other)."""
    street, _, rest = account.service_address.partition(", ")
    lines = (street, rest) if rest else (street,)
    return Addressee(account.customer, lines, account.service_address, account.number)


def section_for(customer_class: CustomerClass) -> str:
    return o.SEC_60_2_2_C if customer_class.is_resident else o.SEC_60_3_A_6


def approval_citations(customer_class: CustomerClass) -> tuple[str, ...]:
    """The sections an approval letter cites, with what each says."""
    return (
        f"{section_for(customer_class)}: who may apply, the application fee, the director's "
        "determination; the credit is effective on the date of the director's signature",
        *charge_citations(customer_class),
        f"{o.ORDINANCE}, which re-enacts these sections effective 2026-05-01",
    )


def charge_citations(customer_class: CustomerClass) -> tuple[str, ...]:
    """The sections of the charges the credit lowers, as a letter cites them."""
    if customer_class.is_resident:
        return (
            f"{o.cites(o.SEC_60_2_1_A, o.SEC_60_2_2)}: resident service and volume charges",
            f"{o.SEC_60_2_4}: a month is about 30 days; charges are prorated per day",
        )
    own = {
        CustomerClass.NONRESIDENT_DIRECT: o.SEC_60_3_A_4,
        CustomerClass.NONRESIDENT_UNMETERED: o.SEC_60_3_A_2,
        CustomerClass.NONRESIDENT_METERED: o.SEC_60_3_A_1,
        CustomerClass.NONRESIDENT_FLAT: o.SEC_60_3_A_3,
    }[customer_class]
    return (
        f"{own}: nonresident charges for this customer class",
        f"{o.SEC_60_3_B}: a month is about 30 days; charges are prorated per day",
    )


def method_parameters(determination: Determination, category: Category) -> tuple[Parameter, ...]:
    """The method's parameters as the letter and schedule print them."""
    out: list[Parameter] = []
    match determination.method:
        case Method.PERCENTAGE:
            out.append(
                Parameter(
                    "Share diverted",
                    f"{determination.percent}% of the water purchased in each billing period",
                )
            )
        case Method.FIXED:
            out.append(
                Parameter(
                    "Diverted volume",
                    f"{determination.fixed_ccf} ccf per 30 days, prorated per day of each "
                    "billing period",
                )
            )
        case Method.DEDUCT_METER:
            if category is Category.EVAPORATION:
                text = "make-up meter use minus blow-down meter use in each billing period"
            elif category is Category.IRRIGATION:
                text = "the irrigation meter's use in each billing period"
            else:
                text = "the deduct meter's use in each billing period"
            out.append(Parameter("Diverted volume", text))
        case Method.SEWER_METER:
            out.append(
                Parameter(
                    "Sewer volume",
                    "the sewer meter's volume replaces the water purchased as the billed "
                    "sewer volume",
                )
            )
    if determination.justification.strip():
        out.append(Parameter("Justification", determination.justification.strip()))
    return tuple(out)


def _reading_text(value: Decimal | None, unit: MeterUnit) -> str:
    if value is None:
        return "not recorded"
    unit_text = "gal" if unit is MeterUnit.GALLONS else "ft³"
    return f"{value:,} {unit_text}"


def meter_lines(meters: Sequence[Meter], effective_on: date | None) -> tuple[MeterLine, ...]:
    return tuple(
        MeterLine(
            role=_ROLE_LABELS.get(m.role, m.role.value),
            serial_no=m.serial,
            make_model=m.make_model,
            size=m.size,
            location=m.location,
            activation_reading=_reading_text(m.activation_reading, m.unit),
            activation_on=effective_on if m.activation_reading is not None else None,
            last_test_on=m.last_tested_on,
        )
        for m in meters
    )


def split_reason(text: str) -> Reason:
    """`"Fee not paid (Code sec. 60-2(2)(c))"` -> message and citation; free text as given."""
    stripped = text.strip().removesuffix(".")
    if stripped.endswith(")") and " (Code" in stripped:
        head, _, tail = stripped.rpartition(" (Code")
        return Reason(head.strip() + ".", "Code" + tail[:-1])
    return Reason(text.strip(), "")
