"""Account classes (who may apply) and customer classes (which sewer rates apply)."""

from enum import StrEnum


class AccountClass(StrEnum):
    """The water account's class in the billing system (60-2(2)(b), 60-2(2)(c))."""

    RESIDENTIAL = "residential"  # one- and two-family residences: may not apply
    COMMERCIAL = "commercial"
    INDUSTRIAL = "industrial"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class CustomerClass(StrEnum):
    """The sewer customer class that sets the service and volume charges."""

    RESIDENT = "resident"  # inside the city, 60-2
    NONRESIDENT_DIRECT = "nonresident-direct"  # billed directly by the city, 60-3(a)(4)
    NONRESIDENT_UNMETERED = "nonresident-unmetered"  # unmetered interconnection, 60-3(a)(2)
    NONRESIDENT_METERED = "nonresident-metered"  # metered interconnection, 60-3(a)(1)
    NONRESIDENT_FLAT = "nonresident-flat"  # no consumption records, 60-3(a)(3)

    @property
    def is_resident(self) -> bool:
        return self is CustomerClass.RESIDENT

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CustomerClass.RESIDENT: "Resident (inside the city)",
    CustomerClass.NONRESIDENT_DIRECT: "Nonresident, billed directly by the city",
    CustomerClass.NONRESIDENT_UNMETERED: "Nonresident, unmetered municipal interconnection",
    CustomerClass.NONRESIDENT_METERED: "Nonresident, metered municipal interconnection",
    CustomerClass.NONRESIDENT_FLAT: "Nonresident, no consumption records",
}
