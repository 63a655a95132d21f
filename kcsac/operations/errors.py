"""Refusals the operations raise; all are RecordError, so the desk catches one type.

StoreError (a database file kcsac cannot use) is not a refusal: it is here so that the desk
catches it without importing kcsac.storage."""

from kcsac.domain.records import RecordError
from kcsac.storage.errors import (
    DatabaseBusy,
    Duplicate,
    NotFound,
    StaleRecord,
    StoreError,
    WriteFailed,
)


class NotPermitted(RecordError):  # noqa: N818 - domain words read better
    """The user's role does not allow this (or the login is not a kcsac user: read-only)."""


class InvalidInput(RecordError):  # noqa: N818 - domain words read better
    """The input has problems; `problems` lists each (field, message, citation)."""

    def __init__(self, problems: list) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(getattr(p, "message", p)) for p in self.problems))


class Refused(RecordError):  # noqa: N818 - domain words read better
    """The rules forbid this now; `blockers` says what stands in the way."""

    def __init__(self, message: str, blockers: list | tuple = (), citation: str = "") -> None:
        self.blockers = tuple(blockers)
        self.citation = citation
        detail = "; ".join(getattr(b, "message", str(b)) for b in self.blockers)
        super().__init__(f"{message}: {detail}" if detail else message)


class WrongPassword(RecordError):  # noqa: N818 - domain words read better
    """The password did not match; nothing was signed or changed."""


__all__ = [
    "DatabaseBusy",
    "Duplicate",
    "InvalidInput",
    "NotFound",
    "NotPermitted",
    "Refused",
    "StaleRecord",
    "StoreError",
    "WriteFailed",
    "WrongPassword",
]
