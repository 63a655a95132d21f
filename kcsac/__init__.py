"""kcsac: the Sewer Allowance Credit desk of Kansas City Water Services (Ord. 260209)."""

__version__ = "0.1.0"
