"""DeskList: the desk's queues (with counts) and its searchable, sortable list of applications.

It owns two of the desk's panes (`queue_pane` left, `list_pane` middle: the main window puts
them in its splitter), the table model and the debounce timers of the search box. It tells
the details pane which file to follow through `current_changed(number, typing)` (typing: the
row changed because the clerk is typing, so the details may wait for a pause), `emptied()`
(nothing listed) and `search_entered()` (Return in the search box: no more waiting).
"""

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.records import ApplicationSummary
from kcsac.domain.search import parse_search
from kcsac.domain.status import Status
from kcsac.operations import queries
from kcsac.ui.applications_table_model import ApplicationsTableModel
from kcsac.ui.desk_context import DeskContext

SEARCH_DELAY_MS = 150  # debounce: one query after the clerk pauses, not one per key
MIN_SEARCH_CHARS = 2
COUNT_DELAY_MS = 600  # the exact count of a long result, once typing has really stopped

# (label, queue key for the query) in the order of the left pane: one queue per status, so
# the queues add up to All; Ctrl+1..9 select them in order and Ctrl+0 selects All (last).
QUEUES: tuple[tuple[str, str], ...] = (
    ("Drafts", Status.DRAFT.value),
    ("Awaiting fee", Status.AWAITING_FEE.value),
    ("In review", Status.IN_REVIEW.value),
    ("Awaiting decision", Status.AWAITING_DECISION.value),
    ("Approved", Status.APPROVED.value),
    ("Denied", Status.DENIED.value),
    ("Withdrawn", Status.WITHDRAWN.value),
    ("Revoked", Status.REVOKED.value),
    ("Ended", Status.ENDED.value),
    ("All", queries.ALL),
)
_QUEUE_ROLE = Qt.ItemDataRole.UserRole + 1


class DeskList(QObject):
    """Queues left, search box and list in the middle; the list follows queue and search."""

    # Signals:
    current_changed = Signal(str, bool)  # the current row's number ("" none), typing or not
    emptied = Signal()  # the list shows no row
    search_entered = Signal()  # Return in the search box: searched at once

    def __init__(self, context: DeskContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._build_widgets()
        self._connect_signals()

    # -- construction ---------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.queue_list = QListWidget()
        self.queue_list.setObjectName("queue_list")
        self.queue_list.setAccessibleName("Queues")
        self.queue_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row_height = self.queue_list.fontMetrics().height() + 10  # roomy rows, easy to hit
        for label, key in QUEUES:
            item = QListWidgetItem(label, self.queue_list)
            item.setData(_QUEUE_ROLE, key)
            item.setSizeHint(QSize(0, row_height))
        queue_label = QLabel("&Queues")
        queue_label.setBuddy(self.queue_list)
        self.queue_pane = QWidget()
        left_layout = QVBoxLayout(self.queue_pane)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(queue_label)
        left_layout.addWidget(self.queue_list)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(
            "Number, account, customer, address, category or status"
        )
        self.search_edit.setToolTip(
            "Every word must match the start of a word of the file. OR between two words: "
            'either. -word: leave out. "a phrase": its words in order. Esc clears.'
        )
        self.search_edit.setAccessibleName("Search applications")
        self.search_edit.setClearButtonEnabled(True)
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search_edit)
        self.result_label = QLabel()
        self.result_label.setObjectName("result_label")
        self.result_label.setAccessibleName("Number of applications shown")
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.result_label)

        self.model = ApplicationsTableModel()
        self.applications_view = QTableView()
        self.applications_view.setObjectName("applications_view")
        self.applications_view.setAccessibleName("Applications")
        self.applications_view.setModel(self.model)
        self.applications_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.applications_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.applications_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.applications_view.setAlternatingRowColors(True)
        self.applications_view.setTabKeyNavigation(False)
        self.applications_view.setWordWrap(False)
        self.applications_view.verticalHeader().setVisible(False)
        self.applications_view.verticalHeader().setDefaultSectionSize(24)
        header = self.applications_view.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # newest first
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((104, 70, 116, 116, 100, 80, 92, 116, 76)):
            header.resizeSection(column, width)
        self.applications_view.setSortingEnabled(True)  # model.sort() asks SQL again
        self.list_pane = QWidget()
        middle_layout = QVBoxLayout(self.list_pane)
        middle_layout.setContentsMargins(0, 6, 0, 6)
        middle_layout.addLayout(search_row)
        middle_layout.addWidget(self.applications_view)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._typing = False  # a query started by typing is running (the details may wait)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._queue_counts: dict[str, int] = {}
        self._searched = ""  # the search and queue of the rows shown
        self._searched_queue = ""

    def _connect_signals(self) -> None:
        self.queue_list.currentRowChanged.connect(self._on_queue_list_current_row_changed)
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self._search_timer.timeout.connect(self.search_now)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.clear_search)
        self._count_timer.timeout.connect(self.count_matches)
        self.applications_view.selectionModel().currentRowChanged.connect(
            self._on_applications_view_current_row_changed
        )
        self.model.modelReset.connect(self._on_model_reset)

    # -- reading --------------------------------------------------------------------------
    @property
    def queue(self) -> str:
        item = self.queue_list.currentItem()
        return str(item.data(_QUEUE_ROLE)) if item else queries.ALL

    def refresh(self) -> None:
        """Counts and list read again (after an operation, or F5)."""
        counts = queries.queue_counts(self.context.store)
        self._queue_counts = counts
        for row, (label, key) in enumerate(QUEUES):
            item = self.queue_list.item(row)
            n = counts.get(key, 0)
            item.setText(f"{label} ({n:,})")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{label}, {n} applications")
        if self.queue_list.currentRow() < 0:
            self.queue_list.setCurrentRow(len(QUEUES) - 1)  # starts the query via the slot
        else:
            self.query()

    def _fetch_page(
        self, queue: str, search: str
    ) -> Callable[[str, bool, int, int], Sequence[ApplicationSummary]]:
        store = self.context.store

        def fetch(sort: str, descending: bool, offset: int, limit: int) -> list[ApplicationSummary]:
            return queries.list_applications(
                store, queue, search, sort, descending=descending, limit=limit, offset=offset
            )

        return fetch

    def search_text(self) -> str:
        """What is searched for, in its plain form (kcsac.domain.search says how a search
        reads: all words, OR, -word, "a phrase"; words every application number has are
        dropped, as they narrow nothing). One character alone matches nearly everything, so
        it waits for the next key."""
        text = str(parse_search(self.search_edit.text()))
        return text if len(text) >= MIN_SEARCH_CHARS else ""

    def query(self, *, typing: bool = False) -> None:
        """Fetch the list for the queue and search; `typing` while the clerk types."""
        self._typing = typing
        try:
            self._query_rows()
        finally:
            self._typing = False

    def _query_rows(self) -> None:
        selected = self.selected_number()
        search = self.search_text()
        self.model.set_fetch_page(self._fetch_page(self.queue, search))
        self._count_timer.stop()
        self._searched, self._searched_queue = search, self.queue
        if not search:
            self._show_unsearched_count()
        elif not self.model.canFetchMore():  # the first page holds them all: that is the count
            self._show_found(self.model.rowCount())
        else:  # counting every match costs as much as the page: only once typing pauses
            self._show_found(self.model.rowCount(), more=True)
            self._count_timer.start()
        if selected:
            self.select_number(selected, fetch=False)
        if self.selected_number() is None and self.model.rowCount():
            self.applications_view.selectRow(0)
        if self.model.rowCount() == 0:
            self.emptied.emit()

    def _show_unsearched_count(self) -> None:
        total = self._queue_counts.get(self.queue, 0)
        typed = self.search_edit.text().strip()
        self.result_label.setText(f"{total:,} shown" + (" (type more to search)" if typed else ""))

    def count_matches(self) -> None:
        """The exact number of matches of the search (run after typing pauses)."""
        self._count_timer.stop()
        search = self.search_text()
        total = queries.count_applications(self.context.store, self.queue, search)
        self._show_found(total)

    def _show_found(self, total: int, *, more: bool = False) -> None:
        """ "12 found for 'smith'": the search stays on when the queue changes, so the label
        names it, and a queue where nothing matches says how to see everything again."""
        typed = " ".join(self.search_edit.text().split())
        text = f"{total:,}{'+' if more else ''} found for \u201c{typed}\u201d"
        if total == 0 and self.queue != queries.ALL:
            text += " in this queue (Esc clears the search)"
        self.result_label.setText(text)
        self.result_label.setToolTip("Esc in the search box clears the search")

    def clear_search(self) -> None:
        """Esc in the search box: the whole queue again."""
        self._search_timer.stop()
        if self.search_edit.text():
            self.search_edit.clear()
            self.query()

    def selected_number(self) -> str | None:
        index = self.applications_view.currentIndex()
        summary = self.model.summary(index.row()) if index.isValid() else None
        return summary.number if summary else None

    def listed(self) -> list[ApplicationSummary]:
        """The applications of the rows fetched so far, in the order shown."""
        return [s for row in range(self.model.rowCount()) if (s := self.model.summary(row))]

    def select_number(self, number: str, *, fetch: bool = True) -> bool:
        """Select `number` in the list (switching to All if it is not in this queue)."""
        row = self.model.row_of(number)
        if row < 0 and fetch:
            self.queue_list.setCurrentRow(len(QUEUES) - 1)
            self.search_edit.clear()
            self.query()
            while (row := self.model.row_of(number)) < 0 and self.model.canFetchMore():
                self.model.fetchMore()
        if row < 0:
            return False
        self.applications_view.selectRow(row)
        self.applications_view.scrollTo(self.model.index(row, 0))
        return True

    def select_queue(self, row: int) -> None:
        self.queue_list.setCurrentRow(row)
        self.applications_view.setFocus()

    def select_queue_key(self, key: str) -> None:
        """Select the queue `key` (e.g. the one remembered from the last session), if known."""
        keys = [k for _label, k in QUEUES]
        if key in keys:
            self.queue_list.setCurrentRow(keys.index(key))

    def stop_timers(self) -> None:
        """Nothing may read the store after the window is gone."""
        self._search_timer.stop()
        self._count_timer.stop()

    # -- slots ------------------------------------------------------------------------------
    @Slot(int)
    def _on_queue_list_current_row_changed(self, _row: int) -> None:
        self.query()

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        """Return in the search box: search now (no waiting) and go to the list."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.search_now()
        self.search_entered.emit()
        self.applications_view.setFocus()

    @Slot()
    def search_now(self) -> None:
        """What the search box's debounce timer runs once the clerk pauses."""
        if self.search_text() == self._searched == "" and self.queue == self._searched_queue:
            self._show_unsearched_count()  # e.g. "" -> "a": the same rows as before
            return
        self.query(typing=True)

    @Slot()
    def _on_model_reset(self) -> None:
        if self.model.rowCount() == 0:
            self.emptied.emit()

    def _on_applications_view_current_row_changed(
        self, current: QModelIndex, _previous: QModelIndex
    ) -> None:
        summary = self.model.summary(current.row()) if current.isValid() else None
        self.current_changed.emit(summary.number if summary else "", self._typing)
