"""Errors the storage layer raises, each with a message a clerk can act on."""

from kcsac.domain.records import RecordError


class StoreError(Exception):
    """A database file kcsac cannot use: the message says which file, what, and what to do."""


class StaleRecord(RecordError):  # noqa: N818 - domain words read better
    """Someone saved the record after this copy was read; this save was refused."""

    def __init__(self, what: str, changed_by: str, changed_at: str) -> None:
        self.what = what
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(
            f"{what} was changed by {changed_by or 'someone'} at {changed_at or 'an unknown time'} "
            "after you opened it, so your changes were not saved (theirs are kept). Reopen it "
            "to see the current version, then enter your changes again."
        )


class NotFound(RecordError):  # noqa: N818 - domain words read better
    """No record with that key."""


class Duplicate(RecordError):  # noqa: N818 - domain words read better
    """A record with that key already exists."""


class WriteFailed(RecordError):  # noqa: N818 - domain words read better
    """The database refused a save (read-only, damaged, or a rule it enforces)."""


class DatabaseBusy(WriteFailed):
    """Another window or program held the write lock longer than the busy timeout."""
