"""Conversions between Qt and domain types (QDate <-> date, cents <-> text); nothing else."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate

from kcsac.domain.money import format_usd


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def date_text(day: dt.date | None) -> str:
    """ISO date for lists and summaries, empty when there is none."""
    return day.isoformat() if day else ""


def money_text(cents: int | None, *, none: str = "") -> str:
    return none if cents is None else format_usd(cents)


# Commas only as thousands separators: 1,250 and 12,500.50, never 15,5 or 1,2,3.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def decimal_problem(text: str) -> str:
    """Why `text` is not a number a clerk may type ("" when it is one, or is blank)."""
    cleaned = text.strip()
    if not cleaned:
        return ""
    if "," in cleaned:
        if _GROUPED.fullmatch(cleaned):
            return ""
        return (
            f"{cleaned!r} is not a number: the comma is not a decimal point here (type a point, "
            "as in 15.5); a comma may only separate thousands, as in 1,250 or 12,500.50"
        )
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return f"{cleaned!r} is not a number"
    return "" if value.is_finite() else f"{cleaned!r} is not a number"


def parse_decimal(text: str) -> Decimal | None:
    """A finite decimal typed by a clerk (`1,250.5` allowed, `15,5` refused), or None."""
    if decimal_problem(text) or not text.strip():
        return None
    return Decimal(text.strip().replace(",", ""))
