"""What `kcsac audit verify` found: the audit chain's head, and each record that does not
hold (stdlib only; the checks themselves live in kcsac.storage.integrity).

On one SQLite file anyone who can write the file can change it; kcsac cannot prevent that.
It makes such a change evident: every protected record is reproducible from, or bound by a
hash to, the hash-chained audit trail, and the chain's head (`AuditHead`) is anchored outside
the file (each backup holds the chain up to its head; each issued letter can print it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEAD = re.compile(r"\s*(\d+)\s*[:/ ]\s*([0-9a-fA-F]{12,64})\s*")


@dataclass(frozen=True)
class AuditHead:
    """The newest audit row: its seq and its hash. Any change to that row or to any row
    before it changes the hash (each row's hash covers the previous row's)."""

    seq: int
    hash: str

    def __str__(self) -> str:
        """As printed for a person to keep or compare: 'audit row 1234, 3f2a…' in full."""
        return f"{self.seq}:{self.hash}"

    @property
    def short(self) -> str:
        """seq and the first 16 hex digits (64 bits): enough to compare by eye, and what
        `kcsac audit verify --head` accepts (12 to 64 digits)."""
        return f"{self.seq}:{self.hash[:16]}"

    @classmethod
    def parse(cls, text: str) -> AuditHead | None:
        """'SEQ:HEX' (12 to 64 hex digits, as printed) or None when it is not one."""
        found = _HEAD.fullmatch(text or "")
        if found is None:
            return None
        return cls(int(found.group(1)), found.group(2).lower())

    def matches(self, other: AuditHead) -> bool:
        """The same row: same seq, and one hash is a prefix of the other (a printed head
        may be shortened)."""
        return self.seq == other.seq and (
            self.hash.startswith(other.hash) or other.hash.startswith(self.hash)
        )


@dataclass(frozen=True)
class Finding:
    """One thing that does not hold: where (a table and the record's key, or 'audit' for
    the chain itself) and what differs, first point first."""

    table: str
    key: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.table} {self.key}" if self.key else self.table
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class IntegrityReport:
    """The result of `kcsac audit verify`: ok only when nothing was found."""

    audit_rows: int
    head: AuditHead | None
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self, limit: int = 20) -> list[str]:
        """'ok', or one line per finding (at most `limit`, then how many more)."""
        if self.ok:
            return ["ok"]
        shown = [str(f) for f in self.findings[:limit]]
        more = len(self.findings) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        return shown
