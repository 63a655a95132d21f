"""The legal wording of kcsac's documents: the sections a letter cites and what each says,
the applicant's duties, the method's parameters and the meters as printed, the addressee, how
a decision shows on the customer's bills, and what the customer can do next.
Pure: built from domain objects, no store.

Every text here goes to a customer: it names Water Services and the ordinance, never this
program, its records or its screens (tests/operations/test_letters.py reads each letter for
such words)."""

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
    format_date_long,
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

# What an approval or an amendment letter encloses.
ENCLOSURE_SCHEDULE = "adjusted volume schedule"

_SCHEDULE_SHOWS = (
    "The enclosed adjusted volume schedule shows, for each billing period, the water "
    "purchased, the volume credited and the sewer volume charge with and without the credit."
)
_SERVICE_CHARGE_SAME = "The sewer service charge does not change."

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


def revocation_citations(customer_class: CustomerClass) -> tuple[str, ...]:
    """The sections a revocation rests on. The ordinance names no revocation: the director's
    authority to adjust the volume billed on the facts is read as the authority to end a
    credit the facts no longer support, and the letter says that it is a reading."""
    return (
        f"{section_for(customer_class)}: the director determines the facts as to the amount of "
        "water diverted and adjusts the sewer use volume billed on the basis of the facts "
        "ascertained; Water Services reads this as the authority to end a credit when the "
        "facts no longer support it",
        *charge_citations(customer_class),
        f"{o.ORDINANCE}, which re-enacts these sections effective 2026-05-01",
    )


def ending_citations(customer_class: CustomerClass) -> tuple[str, ...]:
    """The sections an ending by ownership change rests on (a reading, said as one)."""
    return (
        f"{section_for(customer_class)}: the application fees, an ownership change among "
        "them; a credit is effective on the date of the director's signature. Water Services "
        "reads an approved ownership change as moving the credit to the new owner from the "
        "date the ownership changed, the earlier owner's credit ending the day before",
        *charge_citations(customer_class),
        f"{o.ORDINANCE}, which re-enacts these sections effective 2026-05-01",
    )


def approval_on_bills(method: Method, effective_on: date) -> tuple[str, ...]:
    """How an approved credit shows on the customer's bills."""
    day = format_date_long(effective_on)
    if method is Method.SEWER_METER:
        first = (
            f"From the billing period that includes {day}, the sewer volume charge on your "
            "water and sewer bill is computed on the sewer meter's volume instead of the "
            f"water purchased, for water used on or after {day}."
        )
    else:
        first = (
            f"From the billing period that includes {day}, the sewer volume charge on your "
            "water and sewer bill is computed on the water purchased less the diverted volume "
            f"credited; in that first period only water used on or after {day} is credited."
        )
    return (f"{first} {_SERVICE_CHARGE_SAME} {_SCHEDULE_SHOWS}",)


def amendment_on_bills(effective_on: date) -> tuple[str, ...]:
    """How an amendment shows on the bills: new terms from its own signature date."""
    day = format_date_long(effective_on)
    return (
        f"Water used on or after {day} is credited under the new terms; water used before "
        f"{day} stays under the earlier terms, and bills already issued for it do not change. "
        f"A billing period that includes {day} is one line on your bill, its credit the sum "
        f"of both parts. {_SERVICE_CHARGE_SAME} {_SCHEDULE_SHOWS}",
    )


def revocation_on_bills(revoked_from: date) -> tuple[str, ...]:
    day = format_date_long(revoked_from)
    return (
        f"From {day}, the sewer volume charge on your bill is computed on all the water "
        f"purchased, without the credit. Water used before {day} keeps the credit; in a "
        f"billing period that includes {day}, only the days before it are credited.",
    )


def ending_on_bills(ended_on: date, transfer_on: date, new_application: str) -> tuple[str, ...]:
    return (
        f"Water used up to and including {format_date_long(ended_on)} keeps the credit on your "
        f"bills. From {format_date_long(transfer_on)} the credit belongs to the new owner "
        f"(application {new_application}) and no longer lowers the sewer charges billed to you.",
    )


def next_steps_after_revocation(number: str) -> tuple[str, ...]:
    return (
        "If you believe a fact stated above is wrong, write to Water Services and quote "
        f"application {number}; the director will review it.",
        "You may submit a new application at any time; it is assessed the fee in force on the "
        "day it is received.",
    )


def next_steps_after_ending(number: str, new_application: str) -> tuple[str, ...]:
    return (
        "If the ownership change or its date stated above is wrong, write to Water Services "
        f"and quote applications {number} and {new_application}.",
        "Nothing else is needed from you: the credit's earlier billing periods are settled as "
        "billed.",
    )


def fee_basis(fee_note: str, section: str) -> str:
    """The fee's basis as a letter prints it: its section, or that the director set it (the
    ordinance sets none for it) with the director's reason."""
    note = fee_note.strip()
    if not note:
        return section
    if note.startswith("decided by "):
        _who, _, why = note.partition(": ")
        return f"set by the director: {why}" if why else "set by the director"
    return note


def charge_citations(customer_class: CustomerClass) -> tuple[str, ...]:
    """The sections of the charges the credit lowers, as a letter cites them."""
    if customer_class.is_resident:
        return (
            f"{o.cites(o.SEC_60_2_1_A, o.SEC_60_2_2)}: resident service and volume charges",
            f"{o.SEC_60_2_4}: {o.MONTH_ABOUT_30_DAYS}",
        )
    own = {
        CustomerClass.NONRESIDENT_DIRECT: o.SEC_60_3_A_4,
        CustomerClass.NONRESIDENT_UNMETERED: o.SEC_60_3_A_2,
        CustomerClass.NONRESIDENT_METERED: o.SEC_60_3_A_1,
        CustomerClass.NONRESIDENT_FLAT: o.SEC_60_3_A_3,
    }[customer_class]
    return (
        f"{own}: nonresident charges for this customer class",
        f"{o.SEC_60_3_B}: {o.MONTH_ABOUT_30_DAYS}",
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
