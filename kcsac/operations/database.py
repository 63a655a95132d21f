"""The store as the layers above the operations name it.

The desk (kcsac.ui) never imports kcsac.storage (an import-linter contract in pyproject.toml):
it holds the open store only to hand it to the operations, so it names its type from here,
and catches the errors of kcsac.operations.errors (StoreError, StaleRecord, ...).
"""

from kcsac.storage import Store

__all__ = ["Store"]
