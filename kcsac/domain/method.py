"""How the director determines the diverted volume (RULES.md, "The adjusted volume")."""

from enum import StrEnum


class Method(StrEnum):
    PERCENTAGE = "percentage"
    DEDUCT_METER = "deduct-meter"
    FIXED = "fixed"
    SEWER_METER = "sewer-meter"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Method.PERCENTAGE: "Percentage of water purchased",
    Method.DEDUCT_METER: "Deduct (sub)meter",
    Method.FIXED: "Fixed volume per 30 days",
    Method.SEWER_METER: "Sewer meter",
}
