"""Errors the storage layer raises, each with a message a clerk can act on."""


class StoreError(Exception):
    """A database file kcsac cannot use: the message says which file, what, and what to do."""
