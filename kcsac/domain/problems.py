"""Problems with input (returned as data) and refusals of what the rules forbid (raised)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: which field, what is wrong, and the rule behind it."""

    field: str
    message: str
    citation: str = ""

    def __str__(self) -> str:
        return f"{self.message} ({self.citation})" if self.citation else self.message


class RuleRefused(Exception):  # noqa: N818 - the agreed name (contracts.md)
    """An operation was asked to do what the ordinance (or kcsac's reading of it) forbids."""

    def __init__(self, message: str, citation: str = "") -> None:
        super().__init__(f"{message} ({citation})" if citation else message)
        self.message = message
        self.citation = citation


class InputError(ValueError):
    """A computation was handed input that its check function would have reported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
