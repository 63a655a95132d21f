"""What the wizard asks for each category, and which paperwork (site plan, meter
specification, ...) each category needs."""

from dataclasses import dataclass
from enum import StrEnum

from kcsac.domain.category import Category
from kcsac.ui.qt_convert import decimal_problem, parse_decimal


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long-text"
    WHOLE = "whole"  # a whole number above zero
    AMOUNT = "amount"  # a decimal above zero
    CHOICE = "choice"


@dataclass(frozen=True)
class DetailField:
    key: str
    label: str  # with a & mnemonic
    kind: FieldKind = FieldKind.TEXT
    choices: tuple[str, ...] = ()
    unit: str = ""
    hint: str = ""
    required: bool = True

    @property
    def plain_label(self) -> str:
        return self.label.replace("&", "")


def check_value(spec: DetailField, text: str) -> str:
    """What is wrong with `text` for this field ("" when nothing is)."""
    value = text.strip()
    if not value:
        return f"{spec.plain_label} is required" if spec.required else ""
    if spec.kind is FieldKind.WHOLE:
        if not value.isdigit() or int(value) <= 0:
            return f"{spec.plain_label} must be a whole number above zero (you typed {value!r})"
    elif spec.kind is FieldKind.AMOUNT:
        if decimal_problem(value) and "," in value:
            return f"{spec.plain_label}: {decimal_problem(value)}"
        number = parse_decimal(value)
        if number is None:
            return f"{spec.plain_label} must be a number (you typed {value!r})"
        if number <= 0:
            return f"{spec.plain_label} must be above zero"
    elif spec.kind is FieldKind.CHOICE and value not in spec.choices:
        return f"{spec.plain_label}: choose one of {', '.join(spec.choices)}"
    return ""


_METER_HINT = "Serial number of the meter (its details are recorded under Meters)"

CATEGORY_FIELDS: dict[Category, tuple[DetailField, ...]] = {
    Category.CAR_WASH: (
        DetailField(
            "wash_type",
            "&Wash type",
            FieldKind.CHOICE,
            ("Self-serve", "In-bay automatic", "Tunnel", "Hand wash"),
        ),
        DetailField("bays", "&Bays", FieldKind.WHOLE, hint="Number of wash bays or tunnels"),
    ),
    Category.LAUNDRY: (
        DetailField("machines", "&Machines", FieldKind.WHOLE, hint="Number of washing machines"),
        DetailField(
            "capacity_lb",
            "&Capacity (lb per load, all machines)",
            FieldKind.AMOUNT,
            unit="lb",
            hint="Total dry-weight capacity of all machines per load",
        ),
    ),
    Category.EVAPORATION: (
        DetailField(
            "equipment",
            "&Equipment",
            FieldKind.CHOICE,
            ("Cooling tower", "Chiller", "Evaporative cooler"),
        ),
        DetailField("tonnage", "&Tonnage (tons)", FieldKind.AMOUNT, unit="tons"),
        DetailField("make_up_meter", "Ma&ke-up meter serial", hint=_METER_HINT),
        DetailField("blow_down_meter", "Blo&w-down meter serial", hint=_METER_HINT),
    ),
    Category.IRRIGATION: (
        DetailField("irrigated_area_ft2", "Irrigated &area (sq ft)", FieldKind.AMOUNT, unit="ft2"),
        DetailField("irrigation_meter", "Irrigation &meter serial", hint=_METER_HINT),
    ),
    Category.WATER_TO_PRODUCT: (
        DetailField("product", "&Product", hint="What the water goes into"),
        DetailField(
            "water_per_unit_gal",
            "&Water per unit (gal)",
            FieldKind.AMOUNT,
            unit="gal",
            hint="Gallons of water in each unit of product",
        ),
        DetailField("product_unit", "&Unit of product", hint="e.g. case of 24 bottles"),
    ),
    Category.OTHER: (
        DetailField(
            "process_description",
            "&Process description",
            FieldKind.LONG_TEXT,
            hint="How the water is consumed or lost in the process",
        ),
    ),
    Category.SEWER_METERING: (DetailField("sewer_meter", "&Sewer meter serial", hint=_METER_HINT),),
    # Not filed in the wizard: the desk's Decision > Ownership change asks for the prior
    # credit, the new owner and the transfer date, and checks them (kcsac.operations.ownership).
    Category.OWNERSHIP_CHANGE: (),
}

_COMMON_DOCUMENTS = ("Site plan", "Piping diagram", "Recent water bills (12 months)")
_METERED = ("Meter specifications",)

CATEGORY_PAPERWORK: dict[Category, tuple[str, ...]] = {
    Category.CAR_WASH: (*_COMMON_DOCUMENTS, "Equipment specifications"),
    Category.LAUNDRY: (*_COMMON_DOCUMENTS, "Equipment specifications"),
    Category.EVAPORATION: (
        *_COMMON_DOCUMENTS,
        *_METERED,
        "Cooling equipment specifications",
        "Make-up and blow-down readings (60-90 days)",
    ),
    Category.IRRIGATION: (*_COMMON_DOCUMENTS, *_METERED, "Irrigation plan"),
    Category.WATER_TO_PRODUCT: (*_COMMON_DOCUMENTS, "Production records"),
    Category.OTHER: (*_COMMON_DOCUMENTS, "Engineering estimate of water lost"),
    Category.SEWER_METERING: (*_COMMON_DOCUMENTS, *_METERED),
    Category.OWNERSHIP_CHANGE: ("Proof of ownership transfer", "Prior approval letter"),
}
