"""The text of Ordinance 260209 (copied from the project's seed) and its sections."""

import re
from decimal import Decimal
from pathlib import Path

TEXT = (Path(__file__).parent / "data" / "ordinance_260209.md").read_text().replace("\\$", "$")

# Each citation kcsac uses, and the passage of the ordinance it points at (first marker
# included, second excluded). The passages do not overlap.
SECTIONS = {
    "Code sec. 60-2(1)(a)": ("a. Sanitary sewer.", "b. Wastewater discharge"),
    "Code sec. 60-2(2)": ("(2) *Volume charges.*", "a. Water supplied"),
    "Code sec. 60-2(2)(b)": ("b. Residential accounts.", "- c. Commercial and industrial"),
    "Code sec. 60-2(2)(c)": ("c. Commercial and industrial", "- (3) *Commercial"),
    "Code sec. 60-2(3)": ("(3) *Commercial and industrial", "- (4) *Definition.*"),
    "Code sec. 60-2(4)": ("(4) *Definition.*", "Sec. 60-3."),
    "Code sec. 60-3(a)(1)": ("(1) Metered connections", "- (2) Unmetered"),
    "Code sec. 60-3(a)(2)": ("(2) Unmetered connections", "- (3) Unmetered"),
    "Code sec. 60-3(a)(3)": ("(3) Unmetered connections", "- (4) Individual"),
    "Code sec. 60-3(a)(4)": ("(4) Individual", "- (5) Accounts"),
    "Code sec. 60-3(a)(5)": ("(5) Accounts", "- (6) Commercial"),
    "Code sec. 60-3(a)(6)": ("(6) Commercial", "(b) *Definition.*"),
    "Code sec. 60-3(b)": ("(b) *Definition.*", "(c) *Applicability.*"),
}

_DOLLARS = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)")


def section(citation: str) -> str:
    first, last = SECTIONS[citation]
    start = TEXT.index(first)
    return TEXT[start : TEXT.index(last, start)]


def dollar_figures(text: str) -> list[Decimal]:
    """Every dollar amount written in the text, in order."""
    return [Decimal(m.replace(",", "")) for m in _DOLLARS.findall(text)]
