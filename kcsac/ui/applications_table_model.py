"""ApplicationsTableModel: the desk's application list, fetched page by page, sorted in SQL.

The model never holds more rows than the view has asked for: it asks its `fetch_page`
function for `PAGE_SIZE` rows at a time (Qt calls `canFetchMore`/`fetchMore` as the user
scrolls). Sorting asks the query again with another ORDER BY; a QSortFilterProxyModel over
100,000 Python rows would take half a minute (stack-notes.md, gotcha 4).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kcsac.domain.records import ApplicationSummary
from kcsac.ui.qt_convert import date_text, money_text

# fetch_page(sort_key, descending, offset, limit) -> rows in that order
FetchPage = Callable[[str, bool, int, int], Sequence[ApplicationSummary]]

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    header: str
    sort_key: str  # the key the query understands
    text: Callable[[ApplicationSummary], str]
    align: Qt.AlignmentFlag = _LEFT


def _balance(row: ApplicationSummary) -> str:
    return money_text(row.fee_balance_cents, none="no fee set")


COLUMNS: tuple[Column, ...] = (
    Column("Number", "number", lambda r: r.number),
    Column("Account", "account", lambda r: r.account),
    Column("Customer", "customer", lambda r: r.customer),
    Column("Service address", "service_address", lambda r: r.service_address),
    Column("Category", "category", lambda r: r.category.label),
    Column("Received", "received_on", lambda r: date_text(r.received_on)),
    Column("Fee balance", "fee_balance", _balance, _RIGHT),
    Column("Status", "status", lambda r: r.status.label),
    Column("Effective", "effective_on", lambda r: date_text(r.effective_on)),
)

_Index = QModelIndex | QPersistentModelIndex
_ALIGN = tuple(int(c.align) for c in COLUMNS)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ROW = int(Qt.ItemDataRole.UserRole.value) + 1
_ROLES = frozenset({_DISPLAY, _ACCESSIBLE, _ALIGNMENT, _TOOLTIP, _ROW})


def _texts(row: ApplicationSummary) -> tuple[str, ...]:
    return tuple(column.text(row) for column in COLUMNS)


class ApplicationsTableModel(QAbstractTableModel):
    """Read-only rows of ApplicationSummary; `ROW_ROLE` gives the summary itself."""

    ROW_ROLE = Qt.ItemDataRole.UserRole + 1
    PAGE_SIZE = 60  # two screens; more come as the view scrolls

    def __init__(self, fetch_page: FetchPage | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch_page: FetchPage | None = fetch_page
        self._rows: list[ApplicationSummary] = []
        self._texts: list[tuple[str, ...]] = []  # display text per row, made once per fetch
        self._exhausted = fetch_page is None
        self._sort_column = 0
        self._descending = False
        if fetch_page is not None:
            self._set(list(self._page(0)))

    @property
    def sort_key(self) -> tuple[str, bool]:
        """The query's current order: (column key, descending)."""
        return COLUMNS[self._sort_column].sort_key, self._descending

    # -- loading ----------------------------------------------------------------------
    def set_fetch_page(self, fetch_page: FetchPage) -> None:
        """Query another queue or search text; starts again at the first page."""
        self._fetch_page = fetch_page
        self.reload()

    def reload(self) -> None:
        """Fetch the first page again (after an operation changed something)."""
        self.beginResetModel()
        self._set(list(self._page(0)) if self._fetch_page else [])
        self.endResetModel()

    def _set(self, rows: list[ApplicationSummary]) -> None:
        self._rows = rows
        self._texts = [_texts(r) for r in rows]
        self._exhausted = len(rows) < self.PAGE_SIZE

    def _page(self, offset: int) -> Sequence[ApplicationSummary]:
        assert self._fetch_page is not None
        key = COLUMNS[self._sort_column].sort_key
        return self._fetch_page(key, self._descending, offset, self.PAGE_SIZE)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        more = list(self._page(len(self._rows)))
        self._exhausted = len(more) < self.PAGE_SIZE
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self._texts.extend(_texts(r) for r in more)
            self.endInsertRows()

    # -- reading ----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called for about eight roles of every visible cell on each paint, so the roles are
        # plain ints (a PySide enum attribute lookup costs more than the rest of the call).
        if role not in _ROLES:
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._texts):
            return None
        if role in (_DISPLAY, _ACCESSIBLE):
            return self._texts[row][column]
        if role == _ALIGNMENT:
            return _ALIGN[column]
        if role == _TOOLTIP:  # the full text where a column elides it
            if column == 6:
                return "Fee still owed" if self._rows[row].fee_balance_cents else "Nothing owed"
            return self._texts[row][column]
        return self._rows[row]  # ROW_ROLE

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(COLUMNS[section].align)
        return super().headerData(section, orientation, role)

    def summary(self, row: int) -> ApplicationSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, number: str) -> int:
        """The row showing application `number` among those fetched, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.number == number), -1)

    # -- sorting (in the query, never by a proxy) ------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        if self._fetch_page is None:
            return
        self.reload()
