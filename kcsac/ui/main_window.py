"""MainWindow: the clerk's desk (queues with counts, the searchable list, the file's details)."""

import dataclasses
import datetime as dt
import importlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.category import Category
from kcsac.domain.records import (
    ApplicationDetail,
    ApplicationSummary,
    DecisionKind,
    RecordError,
    User,
)
from kcsac.domain.roles import Permission, Role
from kcsac.domain.status import Status
from kcsac.operations import queries
from kcsac.storage import Store
from kcsac.ui.application_details_view import ApplicationDetailsView
from kcsac.ui.applications_table_model import ApplicationsTableModel
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.field_messages import mark_as_message
from kcsac.ui.help_dialog import install_help_shortcut
from kcsac.ui.qt_convert import money_text

WINDOW_TITLE = "kcsac - Sewer Allowance Credit"
SEARCH_DELAY_MS = 150  # debounce: one query after the clerk pauses, not one per key
MIN_SEARCH_CHARS = 2
_WORD = re.compile(r"\w+")  # the words the search index holds (storage splits the same way)
_EVERY_ROW = "SAC"  # the first word of every application number
DETAIL_DELAY_MS = 250  # while typing, the details pane follows the first row after a pause
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
# The View menu's words for each queue (queue key -> menu text).
QUEUE_MENU_TEXTS: dict[str, str] = {
    Status.DRAFT.value: "Show drafts",
    Status.AWAITING_FEE.value: "Show applications awaiting the fee",
    Status.IN_REVIEW.value: "Show applications in review",
    Status.AWAITING_DECISION.value: "Show applications awaiting a decision",
    Status.APPROVED.value: "Show approved applications",
    Status.DENIED.value: "Show denied applications",
    Status.WITHDRAWN.value: "Show withdrawn applications",
    Status.REVOKED.value: "Show revoked credits",
    Status.ENDED.value: "Show ended credits (ownership changed)",
    queries.ALL: "Show all applications",
}
_QUEUE_ROLE = Qt.ItemDataRole.UserRole + 1
_OPEN = (Status.AWAITING_FEE, Status.IN_REVIEW, Status.AWAITING_DECISION)
_SETTINGS_GROUP = "main_window"


def queue_digit(row: int) -> int:
    """The digit of the queue in `row`: 1..9 in order, and 0 for All (the last queue)."""
    return 0 if row == len(QUEUES) - 1 else row + 1


def desk_settings() -> QSettings:
    """~/.config/kcsac/desk.conf (an empty organization would give "Unknown Organization")."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "kcsac", "desk")


class MainWindow(QMainWindow):
    """Queues left, list middle, details right; every action has a shortcut."""

    # Signals:
    application_changed = Signal(str)  # number of the application an action just changed

    def __init__(
        self,
        store: Store,
        *,
        db_path: Path | None = None,
        user: User | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        os_login: str = "",
    ) -> None:
        super().__init__()
        self.context = DeskContext(
            store=store, user=user, today=today, db_path=db_path, os_login=os_login
        )
        self._store = store
        self._open_dialogs: list[QWidget] = []
        self.damaged_message = ""  # set at start when the file fails SQLite's quick check
        # The list is the first thing a clerk looks at: the first row's details (which need
        # the ordinance engine loaded) follow on the event loop's next turn, after the paint.
        self._starting = True
        self._first_detail_pending = False
        self.setObjectName("main_window")
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(1400, 860)
        self._build_widgets()
        self._build_actions()
        self._connect_signals()
        self._help = install_help_shortcut(self, "desk")
        # The Help action owns F1 here; a second F1 shortcut made it ambiguous (nothing opened).
        self._help.setKey(QKeySequence())
        self._show_user()
        try:
            self._restore_layout()
            self.refresh()
        finally:
            self._starting = False

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
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(queue_label)
        left_layout.addWidget(self.queue_list)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText("Number, account, customer or address")
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
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 6, 0, 6)
        middle_layout.addLayout(search_row)
        middle_layout.addWidget(self.applications_view)

        self.details_view = ApplicationDetailsView()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 6, 6, 6)
        right_layout.addWidget(self.details_view)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("desk_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 900, 330])  # the nine columns fit at 1400 px
        self.setCentralWidget(self.splitter)

        self.user_label = QLabel()
        self.user_label.setObjectName("user_label")
        self.user_label.setAccessibleName("Signed-in user")
        self.statusBar().addPermanentWidget(self.user_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._deferring_detail = False
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._queue_counts: dict[str, int] = {}
        self._searched = ""  # the search and queue of the rows shown
        self._searched_queue = ""

    def _action(
        self,
        text: str,
        shortcut: str | QKeySequence.StandardKey,
        slot: Callable[[], None],
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setObjectName(
            text.replace("&", "").replace("…", "").strip().lower().replace(" ", "_") + "_action"
        )
        shown = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or text.replace('&', '').replace('…', '')} ({shown})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a(
            "&New application…", "Ctrl+N", self._on_new_action, "Take a new application (wizard)"
        )
        self.resume_action = a(
            "&Continue draft…",
            "Ctrl+E",
            self._on_resume_action,
            "Continue the selected draft in the wizard",
        )
        self.payment_action = a(
            "Record fee &payment…",
            "Ctrl+Shift+F",
            self._on_payment_action,
            "Record a payment of the application fee",
        )
        self.review_action = a(
            "Record &review…",
            "Ctrl+Shift+R",
            self._on_review_action,
            "Site review, plan review or installation inspection",
        )
        self.meter_action = a(
            "Add &meter…",
            "Ctrl+Shift+M",
            self._on_meter_action,
            "Add a deduct, make-up, blow-down, irrigation or sewer meter",
        )
        self.reading_action = a(
            "Record meter r&eading…",
            "Ctrl+Shift+E",
            self._on_reading_action,
            "Record a meter reading (never estimated)",
        )
        self.determination_action = a(
            "&Determination…",
            "Ctrl+Shift+T",
            self._on_determination_action,
            "Method and parameters, with the schedule preview",
        )
        self.documents_action = a(
            "Documents recei&ved…",
            "Ctrl+Shift+K",
            self._on_documents_action,
            "Tick the documents that arrived after the application",
        )
        self.withdraw_action = a(
            "&Withdraw…",
            "Ctrl+Shift+W",
            self._on_withdraw_action,
            "The applicant withdrew the application",
        )
        self.approve_action = a(
            "&Approve (sign)…",
            "Ctrl+Shift+A",
            self._on_approve_action,
            "Sign the approval (or a pending amendment) with your password",
        )
        self.deny_action = a(
            "De&ny…", "Ctrl+Shift+D", self._on_deny_action, "Deny the application, with reasons"
        )
        self.amend_action = a(
            "A&mend determination…",
            "Ctrl+Shift+N",
            self._on_amend_action,
            "Enter new terms for an approved credit (signed separately)",
        )
        self.ownership_action = a(
            "&Ownership change…",
            "Ctrl+Shift+O",
            self._on_ownership_action,
            "Move an approved credit to a new owner",
        )
        self.set_fee_action = a(
            "Set &fee…",
            "Ctrl+Shift+S",
            self._on_set_fee_action,
            "Director: decide a fee the ordinance does not set, with a reason",
        )
        self.reopen_action = a(
            "&Reopen…",
            "Ctrl+Shift+B",
            self._on_reopen_action,
            "Director: put a denied application back into the flow, with a reason",
        )
        self.revoke_action = a(
            "Re&voke…", "Ctrl+Shift+V", self._on_revoke_action, "Director: revoke a credit"
        )
        self.letter_action = a(
            "&Letter (preview, print)…",
            QKeySequence.StandardKey.Print,
            self._on_letter_action,
            "The approval or denial letter, as issued",
        )
        self.schedule_action = a(
            "Adjusted volume &schedule…",
            "Ctrl+Shift+P",
            self._on_schedule_action,
            "The adjusted volume schedule of the approved credit (PDF)",
        )
        self.export_action = a(
            "E&xport letters and schedules…",
            "Ctrl+Shift+X",
            self._on_export_action,
            "Write the documents of the applications listed into a folder",
        )
        self.administration_action = a(
            "Ad&ministration…",
            "Ctrl+Shift+U",
            self._on_administration_action,
            "Users and roles, password resets, surcharge limits, backups",
        )
        self.find_action = a(
            "&Find", QKeySequence.StandardKey.Find, self._on_find_action, "Search applications"
        )
        self.refresh_action = a(
            "&Refresh",
            QKeySequence.StandardKey.Refresh,
            self.refresh,
            "Read the queues and the list again",
        )
        self.help_action = a(
            "&Help",
            QKeySequence.StandardKey.HelpContents,
            self._on_help_action,
            "Help on the desk, with the ordinance text",
        )
        self.quit_action = a("&Quit", "Ctrl+Q", self.close, "Close kcsac")
        self.queue_actions = []
        for i, (label, key) in enumerate(QUEUES):
            action = a(
                QUEUE_MENU_TEXTS[key],
                f"Ctrl+{queue_digit(i)}",
                lambda _checked=False, i=i: self.select_queue(i),  # triggered(bool)
                f"The {label} queue",
            )
            self.queue_actions.append(action)
        # Tips that change with the selected file (e.g. why Approve is disabled) go back to these.
        self._default_tips = {
            action: (action.toolTip(), action.statusTip())
            for action in (self.approve_action, self.set_fee_action)
        }
        self.changing_actions = (
            self.new_action,
            self.resume_action,
            self.payment_action,
            self.review_action,
            self.meter_action,
            self.reading_action,
            self.determination_action,
            self.withdraw_action,
            self.documents_action,
            self.approve_action,
            self.deny_action,
            self.amend_action,
            self.ownership_action,
            self.set_fee_action,
            self.reopen_action,
            self.revoke_action,
            self.export_action,
            self.administration_action,
        )

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.application_menu: QMenu = menu.addMenu("&Application")
        for action in (
            self.resume_action,
            self.payment_action,
            self.review_action,
            self.meter_action,
            self.reading_action,
            self.determination_action,
            self.documents_action,
            self.withdraw_action,
        ):
            self.application_menu.addAction(action)
        decision_menu = menu.addMenu("&Decision")
        for action in (
            self.approve_action,
            self.deny_action,
            self.amend_action,
            self.ownership_action,
            self.set_fee_action,
            self.reopen_action,
            self.revoke_action,
        ):
            decision_menu.addAction(action)
        documents_menu = menu.addMenu("D&ocuments")
        for action in (self.letter_action, self.schedule_action, self.export_action):
            documents_menu.addAction(action)
        file_menu.insertAction(self.quit_action, self.administration_action)
        file_menu.insertSeparator(self.quit_action)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        for action in self.queue_actions:
            view_menu.addAction(action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.help_action)

        self.toolbar = QToolBar("Actions")
        self.toolbar.setObjectName("actions_toolbar")
        self.toolbar.setAccessibleName("Actions")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.new_action,
            self.resume_action,
            self.payment_action,
            self.review_action,
            self.meter_action,
            self.reading_action,
            self.determination_action,
            self.approve_action,
            self.deny_action,
            self.letter_action,
        ):
            self.toolbar.addAction(action)
        self.addToolBar(self.toolbar)

    def _connect_signals(self) -> None:
        self.queue_list.currentRowChanged.connect(self._on_queue_list_current_row_changed)
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.clear_search)
        self._count_timer.timeout.connect(self.count_matches)
        self._detail_timer.timeout.connect(self._on_detail_timer_timeout)
        self.applications_view.selectionModel().currentRowChanged.connect(
            self._on_applications_view_current_row_changed
        )
        self.applications_view.activated.connect(self._on_applications_view_activated)
        self.model.modelReset.connect(self._on_model_reset)

    # -- reading --------------------------------------------------------------------------
    @property
    def queue(self) -> str:
        item = self.queue_list.currentItem()
        return str(item.data(_QUEUE_ROLE)) if item else queries.ALL

    def refresh(self) -> None:
        """Counts, list and details read again (after an operation, or F5)."""
        counts = queries.queue_counts(self._store)
        self._queue_counts = counts
        for row, (label, key) in enumerate(QUEUES):
            item = self.queue_list.item(row)
            n = counts.get(key, 0)
            item.setText(f"{label} ({n:,})")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{label}, {n} applications")
        if self.queue_list.currentRow() < 0:
            self.queue_list.setCurrentRow(len(QUEUES) - 1)  # starts the query via the slot
        else:
            self._query()

    def _fetch_page(
        self, queue: str, search: str
    ) -> Callable[[str, bool, int, int], Sequence[ApplicationSummary]]:
        store = self._store

        def fetch(sort: str, descending: bool, offset: int, limit: int) -> list[ApplicationSummary]:
            return queries.list_applications(
                store, queue, search, sort, descending=descending, limit=limit, offset=offset
            )

        return fetch

    def search_text(self) -> str:
        """What is searched for, without words that would match every application.

        Every application number starts with the word SAC (SAC-2026-0001), so a word that
        begins that word ("s", "sa", "sac") matches every row: dropping it from the AND of
        words changes no result, and saves a scan of the whole index. One character alone
        also matches nearly everything, so it waits for the next key.
        """
        words = [
            w
            for w in _WORD.findall(self.search_edit.text())
            if not _EVERY_ROW.startswith(w.upper())
        ]
        text = " ".join(words)
        return text if len(text) >= MIN_SEARCH_CHARS else ""

    def _query(self, *, defer_detail: bool = False) -> None:
        """Fetch the list for the queue and search; `defer_detail` while the clerk types."""
        self._deferring_detail = defer_detail
        try:
            self._query_rows()
        finally:
            self._deferring_detail = False

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
            self._show_detail(None)

    def _show_unsearched_count(self) -> None:
        total = self._queue_counts.get(self.queue, 0)
        typed = self.search_edit.text().strip()
        self.result_label.setText(f"{total:,} shown" + (" (type more to search)" if typed else ""))

    def count_matches(self) -> None:
        """The exact number of matches of the search (run after typing pauses)."""
        self._count_timer.stop()
        search = self.search_text()
        total = queries.count_applications(self._store, self.queue, search)
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
            self._query()

    def selected_number(self) -> str | None:
        index = self.applications_view.currentIndex()
        summary = self.model.summary(index.row()) if index.isValid() else None
        return summary.number if summary else None

    def select_number(self, number: str, *, fetch: bool = True) -> bool:
        """Select `number` in the list (switching to All if it is not in this queue)."""
        row = self.model.row_of(number)
        if row < 0 and fetch:
            self.queue_list.setCurrentRow(len(QUEUES) - 1)
            self.search_edit.clear()
            self._query()
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

    def _show_detail(self, number: str | None) -> None:
        detail: ApplicationDetail | None = None
        if number:
            try:
                detail = queries.application_detail(
                    self._store, number, self.context.user, today=self.context.today()
                )
            except RecordError as exc:
                self.statusBar().showMessage(str(exc), 8000)
        self.details_view.show_detail(detail)
        self._update_actions()

    def _show_first_detail(self) -> None:
        if self._first_detail_pending:
            self._first_detail_pending = False
            self._show_detail(self.selected_number())

    @property
    def detail(self) -> ApplicationDetail | None:
        self._show_first_detail()  # asked before the event loop got to it: load it now
        return self.details_view.detail

    def _update_actions(self) -> None:
        ctx = self.context
        detail = self.details_view.detail  # never forces a pending load
        app = detail.application if detail else None
        status = app.status if app else None
        edit = ctx.may(Permission.EDIT_RECORDS)
        self.new_action.setEnabled(edit)
        self.resume_action.setEnabled(edit and status is Status.DRAFT)
        self.payment_action.setEnabled(  # a fee is owed (paying more asks for a reason)
            edit
            and app is not None
            and (app.balance_cents or 0) > 0
            and status in (*_OPEN, Status.WITHDRAWN)
        )
        reviewable = app is not None and app.category is not Category.OWNERSHIP_CHANGE
        self.review_action.setEnabled(
            ctx.may(Permission.RECORD_REVIEW) and reviewable and status in _OPEN
        )
        self.meter_action.setEnabled(edit and status in (Status.DRAFT, *_OPEN, Status.APPROVED))
        self.reading_action.setEnabled(edit and detail is not None and bool(detail.meters))
        self.determination_action.setEnabled(
            ctx.may(Permission.ENTER_DETERMINATION)
            and reviewable
            and status in (*_OPEN, Status.APPROVED)
        )
        self.withdraw_action.setEnabled(edit and status in (Status.DRAFT, *_OPEN))
        self.documents_action.setEnabled(edit and status in _OPEN)
        determination = detail.current_determination if detail else None
        amendment_pending = (
            status is Status.APPROVED and determination is not None and not determination.locked
        )
        sign = ctx.may(Permission.SIGN)
        # Separation of duties: whoever entered the determination cannot sign it.
        own_determination = (
            reviewable
            and determination is not None
            and not determination.locked
            and ctx.user is not None
            and determination.entered_by == ctx.user.login
        )
        signable = status is Status.AWAITING_DECISION or amendment_pending
        self.approve_action.setEnabled(sign and signable and not own_determination)
        self._explain(
            self.approve_action,
            "You entered this determination: another reviewer or the director must sign it"
            if sign and signable and own_determination
            else "",
        )
        self.set_fee_action.setEnabled(
            ctx.may(Permission.SET_FEE)
            and app is not None
            and app.fee_cents is None
            and status in _OPEN
        )
        self.deny_action.setEnabled(sign and status in _OPEN)
        self.amend_action.setEnabled(
            ctx.may(Permission.ENTER_DETERMINATION) and reviewable and status is Status.APPROVED
        )
        self.ownership_action.setEnabled(
            edit
            and status is Status.APPROVED
            and app is not None
            and app.category is not Category.OWNERSHIP_CHANGE
        )
        self.reopen_action.setEnabled(ctx.may(Permission.REOPEN) and status is Status.DENIED)
        self.revoke_action.setEnabled(ctx.may(Permission.REVOKE) and status is Status.APPROVED)
        decided = (Status.APPROVED, Status.DENIED, Status.REVOKED, Status.ENDED)
        self.letter_action.setEnabled(status in decided)  # issued ones print read-only too
        self.schedule_action.setEnabled(
            status in (Status.APPROVED, Status.REVOKED, Status.ENDED)
            and reviewable
            and (not ctx.read_only or self._schedule_issued(detail))
        )
        self.export_action.setEnabled(not ctx.read_only and self.model.rowCount() > 0)
        self.administration_action.setEnabled(ctx.may(Permission.ADMINISTER))

    def _explain(self, action: QAction, why: str) -> None:
        """Say in the action's tips why it is disabled ("" puts its own tips back)."""
        tip, status_tip = self._default_tips[action]
        if why:
            shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{why} ({shown})")
            action.setStatusTip(why)
        else:
            action.setToolTip(tip)
            action.setStatusTip(status_tip)

    def _schedule_issued(self, detail: ApplicationDetail | None) -> bool:
        """An adjusted volume schedule of the current approval is stored (so a read-only
        login can print it; only a kcsac user can issue one)."""
        if detail is None:
            return False
        from kcsac.domain.documents import ScheduleDocument

        approvals = [
            d for d in detail.decisions if d.kind in (DecisionKind.APPROVAL, DecisionKind.AMENDMENT)
        ]
        # Only the decision it belongs to: reading every stored snapshot on each selection
        # was the slowest part of switching queues for a read-only login.
        issued_for = queries.latest_document_decision(
            self._store, detail.application.number, ScheduleDocument.kind
        )
        return bool(approvals) and issued_for == approvals[-1].id

    def on_startup_checks_finished(self, damaged: str, note: str) -> None:
        """The start-up quick check and backup are done (see StartupChecks)."""
        if damaged:
            self.mark_damaged(damaged)
        elif note:
            self.statusBar().showMessage(note, 15000)

    def mark_damaged(self, message: str) -> None:
        """The file failed SQLite's quick check: read-only from now on, and say why."""
        self.damaged_message = message
        self.context = dataclasses.replace(self.context, user=None)
        self.user_label.setText("Read-only: the database file is damaged")
        self.user_label.setToolTip(message)
        self._update_actions()
        self.statusBar().showMessage(f"Read-only: {message}")

    def _show_user(self) -> None:
        ctx = self.context
        if ctx.user is None:
            who = ctx.os_login or "this login"
            self.user_label.setText(f"Read-only: {who} is not a kcsac user")
            self.user_label.setToolTip("Ask the administrator to add you as a kcsac user.")
        else:
            role = Role(ctx.user.role).label
            self.user_label.setText(f"{ctx.user.name or ctx.user.login} ({role})")
        db = str(ctx.db_path) if ctx.db_path else "in memory"
        self.statusBar().showMessage(f"Database: {db}")

    # -- running an action ----------------------------------------------------------------
    def after_change(self, number: str, message: str = "") -> None:
        """Refresh everything an operation on `number` may have changed."""
        self.refresh()
        self.select_number(number)
        self._show_detail(number)
        if message:
            self.statusBar().showMessage(message, 8000)
        self.application_changed.emit(number)

    def _run_dialog(self, dialog: QDialog, done: str) -> bool:
        """Run a dialog that performs its own operation; refresh when it was accepted."""
        number = self.selected_number()
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted and number:
            self.after_change(number, done.format(number=number))
        return accepted

    def open_wizard(self, resume: str = "") -> QWidget:
        """Open the new-application wizard (non-modal, so the desk stays readable)."""
        from kcsac.ui.wizard.new_application_wizard import NewApplicationWizard

        wizard = NewApplicationWizard(self.context, resume=resume, parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.draft_saved.connect(self._on_wizard_draft_saved)
        wizard.application_submitted.connect(self._on_wizard_application_submitted)
        wizard.destroyed.connect(lambda *_: self._forget(wizard))
        self._open_dialogs.append(wizard)
        wizard.show()
        if resume:
            wizard.continue_where_left_off()
        return wizard

    def _forget(self, widget: QWidget) -> None:
        if widget in self._open_dialogs:
            self._open_dialogs.remove(widget)

    # -- slots ------------------------------------------------------------------------------
    @Slot(int)
    def _on_queue_list_current_row_changed(self, _row: int) -> None:
        self._query()

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        """Return in the search box: search now (no waiting) and go to the list."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._on_search_timer_timeout()
        if self._detail_timer.isActive():
            self._on_detail_timer_timeout()
        self.applications_view.setFocus()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        if self.search_text() == self._searched == "" and self.queue == self._searched_queue:
            self._show_unsearched_count()  # e.g. "" -> "a": the same rows as before
            return
        self._query(defer_detail=True)

    @Slot()
    def _on_model_reset(self) -> None:
        if self.model.rowCount() == 0:
            self._show_detail(None)

    def _on_applications_view_current_row_changed(self, current, _previous) -> None:
        summary = self.model.summary(current.row()) if current.isValid() else None
        if self._starting and summary is not None:
            self._first_detail_pending = True
            self._update_actions()  # nothing selected yet as far as the actions know
            QTimer.singleShot(0, self._show_first_detail)
            return
        self._first_detail_pending = False
        if self._deferring_detail and summary is not None:
            self._detail_timer.start()  # typing: the pane follows once the clerk pauses
            return
        self._detail_timer.stop()
        self._show_detail(summary.number if summary else None)

    @Slot()
    def _on_detail_timer_timeout(self) -> None:
        self._show_detail(self.selected_number())

    def _on_applications_view_activated(self, _index) -> None:
        """Return or double-click: continue a draft, else nothing more to open."""
        if self.resume_action.isEnabled():
            self.resume_action.trigger()

    @Slot()
    def _on_new_action(self) -> None:
        self.open_wizard()

    @Slot()
    def _on_resume_action(self) -> None:
        number = self.selected_number()
        if number:
            self.open_wizard(resume=number)

    @Slot(str)
    def _on_wizard_draft_saved(self, number: str) -> None:
        self.refresh()
        self.statusBar().showMessage(f"Draft {number} saved", 5000)

    @Slot(str)
    def _on_wizard_application_submitted(self, number: str) -> None:
        self.after_change(number)  # reads the file's detail again, fee included
        fee = self.detail.application.fee_cents if self.detail else None
        if fee is None:
            message = f"{number} submitted; no fee could be assessed: a director must set it"
        else:
            message = f"{number} submitted; fee assessed: {money_text(fee)}"
        self.statusBar().showMessage(message, 8000)

    @Slot()
    def _on_payment_action(self) -> None:
        from kcsac.ui.record_payment_dialog import RecordPaymentDialog

        if self.detail:
            self._run_dialog(
                RecordPaymentDialog(self.context, self.detail, self), "Payment recorded on {number}"
            )

    @Slot()
    def _on_review_action(self) -> None:
        from kcsac.ui.review_dialog import ReviewDialog

        if self.detail:
            self._run_dialog(
                ReviewDialog(self.context, self.detail, self), "Review recorded on {number}"
            )

    @Slot()
    def _on_meter_action(self) -> None:
        from kcsac.ui.meter_dialog import MeterDialog

        if self.detail:
            self._run_dialog(
                MeterDialog(self.context, self.detail, self), "Meter added to {number}"
            )

    @Slot()
    def _on_reading_action(self) -> None:
        from kcsac.ui.reading_dialog import ReadingDialog

        if self.detail:
            self._run_dialog(
                ReadingDialog(self.context, self.detail, self), "Reading recorded on {number}"
            )

    @Slot()
    def _on_determination_action(self) -> None:
        from kcsac.ui.determination_dialog import DeterminationDialog

        if self.detail:
            self._run_dialog(
                DeterminationDialog(self.context, self.detail, self),
                "Determination entered on {number}",
            )

    @Slot()
    def _on_documents_action(self) -> None:
        from kcsac.ui.paperwork_dialog import PaperworkDialog

        if self.detail:
            self._run_dialog(
                PaperworkDialog(self.context, self.detail, self), "Documents of {number} saved"
            )

    @Slot()
    def _on_withdraw_action(self) -> None:
        number = self.selected_number()
        if not number:
            return
        prompt = WithdrawPrompt(self.context, number, self)
        if prompt.exec() == QDialog.DialogCode.Accepted:
            self.after_change(number, f"{number} withdrawn")

    @Slot()
    def _on_set_fee_action(self) -> None:
        from kcsac.ui.set_fee_dialog import SetFeeDialog

        if self.detail:
            self._run_dialog(
                SetFeeDialog(self.context, self.detail, self),
                "Fee of {number} set; the fee payment can now be recorded",
            )

    # -- decisions and documents (dialogs of the approvals desk) --------------------------------
    def _decision_dialog(self, module: str, class_name: str) -> QDialog | None:
        """One of the approval-side dialogs, which all take (store, actor, number, today)."""
        number = self.selected_number()
        if not number:
            return None
        dialog_class = getattr(importlib.import_module(f"kcsac.ui.{module}"), class_name)
        return dialog_class(
            self._store,
            actor=self.context.user,
            number=number,
            today=self.context.today(),
            parent=self,
        )

    def _run_decision(self, module: str, class_name: str, done: str) -> None:
        dialog = self._decision_dialog(module, class_name)
        if dialog is not None:
            self._run_dialog(dialog, done)

    @Slot()
    def _on_approve_action(self) -> None:
        self._run_decision("approval_dialog", "ApprovalDialog", "{number} signed")

    @Slot()
    def _on_deny_action(self) -> None:
        self._run_decision("denial_dialog", "DenialDialog", "{number} denied")

    @Slot()
    def _on_amend_action(self) -> None:
        self._run_decision(
            "amendment_dialog",
            "AmendmentDialog",
            "Amendment of {number} entered; it needs a signature",
        )

    @Slot()
    def _on_ownership_action(self) -> None:
        dialog = self._decision_dialog("ownership_change_dialog", "OwnershipChangeDialog")
        if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return
        created = getattr(dialog, "application", None)
        number = created.number if created is not None else self.selected_number()
        if number:
            self.after_change(number, f"Ownership change {number} recorded")

    @Slot()
    def _on_reopen_action(self) -> None:
        self._run_decision("reopen_dialog", "ReopenDialog", "{number} reopened")

    @Slot()
    def _on_revoke_action(self) -> None:
        self._run_decision("revocation_dialog", "RevocationDialog", "{number} revoked")

    @Slot()
    def _on_letter_action(self) -> None:
        self._preview_document("letter")

    @Slot()
    def _on_schedule_action(self) -> None:
        self._preview_document("schedule")

    def _preview_document(self, which: str) -> None:
        """Issue the document if it is not yet (audited), then show the stored one."""
        from kcsac.operations.documents.issuing import letter_for, render_issued, schedule_for
        from kcsac.ui.document_preview_dialog import DocumentPreviewDialog

        number = self.selected_number()
        if not number:
            return
        actor = self.context.user.login if self.context.user else None
        try:
            if which == "letter":
                issued = letter_for(self._store, actor, number, today=self.context.today())
            else:
                issued = schedule_for(self._store, actor or "", number, today=self.context.today())
            pdf = render_issued(issued)
        except RecordError as exc:
            QMessageBox.warning(self, "No document", str(exc))
            return
        kind = issued.kind.replace("_", " ").replace("-", " ")
        dialog = DocumentPreviewDialog(
            pdf,
            title=f"{kind.capitalize()} {number}",
            suggested_name=f"{number}-{issued.kind}.pdf",
            save_dir=self.context.db_path.parent if self.context.db_path else None,
            parent=self,
        )
        self.refresh_detail()
        dialog.exec()

    def refresh_detail(self) -> None:
        self._show_detail(self.selected_number())

    @Slot()
    def _on_export_action(self) -> None:
        from kcsac.ui.batch_export_dialog import BatchExportDialog

        numbers = [
            s.number
            for row in range(self.model.rowCount())
            if (s := self.model.summary(row)) is not None
            and s.status in (Status.APPROVED, Status.DENIED, Status.REVOKED, Status.ENDED)
        ]
        if not numbers:
            QMessageBox.information(
                self, "Nothing to export", "No approved or denied application is listed here."
            )
            return
        dialog = BatchExportDialog(
            self._store,
            numbers=numbers,
            actor=self.context.login,
            today=self.context.today(),
            parent=self,
        )
        dialog.exec()
        self.refresh()

    @Slot()
    def _on_administration_action(self) -> None:
        from kcsac.ui.administration_dialog import AdministrationDialog

        dialog = AdministrationDialog(
            self._store, actor=self.context.user, today=self.context.today(), parent=self
        )
        dialog.exec()
        self.refresh()

    @Slot()
    def _on_find_action(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    @Slot()
    def _on_help_action(self) -> None:
        self._help.activated.emit()

    # -- layout memory ----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = desk_settings()
        settings.beginGroup(_SETTINGS_GROUP)
        for key, restore in (
            ("geometry", self.restoreGeometry),
            ("state", self.restoreState),
            ("splitter", self.splitter.restoreState),
            ("details_splitter", self.details_view.splitter.restoreState),
            ("header", self.applications_view.horizontalHeader().restoreState),
        ):
            value = settings.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                restore(value)
        queue = settings.value("queue")
        settings.endGroup()
        keys = [key for _label, key in QUEUES]
        if queue in keys:
            self.queue_list.setCurrentRow(keys.index(str(queue)))

    def save_layout(self) -> None:
        settings = desk_settings()
        settings.beginGroup(_SETTINGS_GROUP)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("details_splitter", self.details_view.splitter.saveState())
        settings.setValue("header", self.applications_view.horizontalHeader().saveState())
        settings.setValue("queue", self.queue)
        settings.endGroup()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Open wizards keep their drafts: closing one saves it (or stays open to say why not).
        for widget in list(self._open_dialogs):
            if not widget.close():
                event.ignore()
                return
        for timer in (self._search_timer, self._detail_timer, self._count_timer):
            timer.stop()  # nothing may read the store after the window is gone
        self.save_layout()
        super().closeEvent(event)


class WithdrawPrompt(QDialog):
    """Asks why the file is withdrawn (required, OK waits for it) and withdraws it.

    A refusal is shown in the same prompt, which stays open with the reason typed."""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.number = number
        self.setObjectName("withdraw_prompt")
        self.setWindowTitle(f"Withdraw application {number}")
        self.setMinimumWidth(460)
        caption = QLabel(f"&Why is {number} withdrawn? (required)")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason_edit")
        self.reason_edit.setAccessibleName(f"Why {number} is withdrawn")
        caption.setBuddy(self.reason_edit)
        self.message_label = QLabel()
        self.message_label.setObjectName("reason_message")
        self.message_label.setAccessibleName("reason message")
        self.message_label.setWordWrap(True)
        mark_as_message(self.message_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Withdraw")
        self.ok_button.setAccessibleName(f"Withdraw {number}")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        typed = bool(self.reason_edit.text().strip())
        self.ok_button.setEnabled(typed)
        self.message_label.setText("" if typed else f"Say why {self.number} is withdrawn")

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if not self.reason_edit.text().strip():
            return
        from kcsac.operations.intake import withdraw  # loaded when first needed

        try:
            withdraw(
                self.context.store,
                self.context.user,
                self.number,
                reason=self.reason_edit.text().strip(),
                today=self.context.today(),
            )
        except RecordError as exc:
            self.message_label.setText(f"{self.number} not withdrawn: {exc}")
            return
        self.accept()
