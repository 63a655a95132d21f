"""The application categories of the diverted water uses program (60-2(2)(c), 60-3(a)(6))."""

from enum import StrEnum


class Category(StrEnum):
    """One category of application; the value is the key used in files and the CLI."""

    CAR_WASH = "car-wash"
    LAUNDRY = "laundry"
    EVAPORATION = "evaporation"
    IRRIGATION = "irrigation"
    OWNERSHIP_CHANGE = "ownership-change"
    WATER_TO_PRODUCT = "water-to-product"
    OTHER = "other"
    SEWER_METERING = "sewer-metering"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Category.CAR_WASH: "Car wash",
    Category.LAUNDRY: "Laundry",
    Category.EVAPORATION: "Evaporation (coolers, chillers, cooling towers)",
    Category.IRRIGATION: "Irrigation",
    Category.OWNERSHIP_CHANGE: "Ownership change",
    Category.WATER_TO_PRODUCT: "Water to product",
    Category.OTHER: "Other process consumption",
    Category.SEWER_METERING: "Sewer metering",
}
