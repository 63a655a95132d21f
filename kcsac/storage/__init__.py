"""The only layer that talks to SQLite: `open_store` gives a `Store` of domain objects."""

from kcsac.storage.errors import StoreError
from kcsac.storage.store import Store, open_store

__all__ = ["Store", "StoreError", "open_store"]
