"""The life of an application, as the queues of the clerk's desk show it."""

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    AWAITING_FEE = "awaiting-fee"  # submitted, fee assessed, balance owed
    IN_REVIEW = "in-review"  # fee paid; site review, plan review, installation inspection
    AWAITING_DECISION = "awaiting-decision"  # reviews passed, determination entered
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    ENDED = "ended"  # credit moved to a new owner (ownership change)

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()
