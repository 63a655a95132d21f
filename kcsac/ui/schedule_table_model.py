"""ScheduleTableModel: the lines of a credit's schedule, for the determination and signing
previews (operations.previews)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kcsac.domain.credit_lines import CreditLine
from kcsac.domain.money import format_usd
from kcsac.domain.volume import format_ccf, round_half_up

DISPLAY_PLACES = 2

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_Index = QModelIndex | QPersistentModelIndex


def _ccf(value: Decimal | None) -> str:
    """Two places on screen (RULES.md); the exact volume stays in ROW_ROLE."""
    return "" if value is None else format_ccf(round_half_up(value, DISPLAY_PLACES))


def _factor(value: Fraction) -> str:
    return str(value) if value.denominator != 1 else str(value.numerator)


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[CreditLine], str]
    tip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("Period", lambda r: f"{r.start.isoformat()} to {r.end.isoformat()}"),
    Column("Days", lambda r: str(r.days)),
    Column("Purchased P (ccf)", lambda r: _ccf(r.purchased_ccf)),
    Column("Diverted D (ccf)", lambda r: _ccf(r.diverted_ccf)),
    Column("f", lambda r: _factor(r.factor), "Share of the period on or after the effective date"),
    Column("Billed B (ccf)", lambda r: _ccf(r.billed_ccf)),
    Column("Service charge", lambda r: format_usd(r.service_charge_cents)),
    Column("Volume, unadjusted", lambda r: format_usd(r.volume_charge_unadjusted_cents)),
    Column("Volume, adjusted", lambda r: format_usd(r.volume_charge_cents)),
    Column("Credit", lambda r: format_usd(r.credit_cents)),
)


class ScheduleTableModel(QAbstractTableModel):
    """Read-only; `ROW_ROLE` gives the engine's CreditLine."""

    ROW_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CreditLine] = []

    def set_rows(self, rows: list[CreditLine] | tuple[CreditLine, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return COLUMNS[index.column()].text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if index.column() > 0 else None
        if role == Qt.ItemDataRole.ToolTipRole and row.flags:
            return "; ".join(row.flags)
        if role == self.ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].header
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].tip:
                return COLUMNS[section].tip
        return super().headerData(section, orientation, role)
