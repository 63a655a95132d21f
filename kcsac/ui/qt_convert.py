"""Conversions between Qt and domain types (QDate <-> date, cents <-> text); nothing else."""

import datetime as dt
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


def parse_decimal(text: str) -> Decimal | None:
    """A finite decimal typed by a clerk (`1,250.5` allowed), or None."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
