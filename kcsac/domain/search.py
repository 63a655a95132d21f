"""What a search on the desk means, as a clerk types it.

- Words must all match, each as the start of a word of the file: its number, account,
  customer, service address, category or status (`car wash` finds the car washes; `main 12`
  finds 12 Main St). `AND` between words changes nothing.
- `OR` (in capitals) between two words or phrases: either matches (`laundry OR car`).
- `-word` (or `-"a phrase"`) leaves out the files it matches (`wash -car`).
- `"a phrase"`: its words in that order (`"car wash"`), the last one as a start.

Words are runs of letters and digits, as the search index splits them (so `SAC-2026-0013`
is the words SAC, 2026, 0013). A word that begins "SAC" matches every application (every
number starts with it), so it is dropped from what must match: the result is the same and
the whole index need not be scanned.
"""

import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# A quoted phrase (its closing quote may be missing while the clerk types), or a run of
# anything but spaces and quotes; either may carry a leading '-'.
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
EVERY_ROW = "SAC"  # the first word of every application number


@dataclass(frozen=True)
class Term:
    """Words that must all match: in this order when `phrase`, anywhere otherwise."""

    words: tuple[str, ...]
    phrase: bool = False

    def __str__(self) -> str:
        return f'"{" ".join(self.words)}"' if self.phrase else " ".join(self.words)


@dataclass(frozen=True)
class SearchQuery:
    """Each group of `must` matches (a group: any one of its terms); no term of `must_not`
    matches."""

    must: tuple[tuple[Term, ...], ...] = ()
    must_not: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.must or self.must_not)

    def __str__(self) -> str:
        """The search in its plain form (what the desk shows it searched for): the same
        query whatever spacing, AND or words matching every application were typed."""
        parts = [" OR ".join(str(t) for t in group) for group in self.must]
        parts += [f"-{t}" for t in self.must_not]
        return " ".join(parts)


def parse_search(text: str) -> SearchQuery:
    """The search the clerk typed, read as the module docstring says."""
    must: list[list[Term]] = []
    must_not: list[Term] = []
    join_next = False
    for match in _PIECE.finditer(text):
        quoted = match.group(2) is not None
        negated = bool(match.group(1) if quoted else match.group(3))
        raw = match.group(2) if quoted else match.group(4)
        if not quoted and not negated and raw in ("AND", "OR"):
            join_next = raw == "OR" and bool(must)
            continue
        words = tuple(_WORD.findall(raw))
        phrase = quoted and len(words) > 1
        if not negated and not phrase:
            words = tuple(w for w in words if not _begins_every_number(w))
            if not words:  # it matches every application, and so does its group
                if join_next:
                    must[-1] = []
                else:
                    must.append([])
                join_next = False
                continue
        if not words:
            continue
        term = Term(words, phrase=phrase)
        if negated:
            must_not.append(term)
            join_next = False
        elif join_next:
            if must[-1]:  # (an empty group already matches everything)
                must[-1].append(term)
            join_next = False
        else:
            must.append([term])
    # An empty group matches every application: it narrows nothing.
    return SearchQuery(tuple(tuple(g) for g in must if g), tuple(must_not))


def _begins_every_number(word: str) -> bool:
    """'s', 'sa', 'sac': the start of the word SAC, which every application number has."""
    return EVERY_ROW.startswith(word.upper())
