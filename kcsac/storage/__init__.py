"""The only layer that talks to SQLite: `open_store` gives a `Store` of domain objects."""

from kcsac.storage.errors import StoreError
from kcsac.storage.opening import explain_failure, open_store
from kcsac.storage.store import Store

__all__ = ["Store", "StoreError", "explain_failure", "open_store"]
