"""DetailsPane: the desk's right pane, the details of the file selected in the list.

It reads the file's detail (`DeskContext.application_detail`) for the signed-in user
and shows it in an ApplicationDetailsView, at the right moment: at once when the clerk picks
a row, after a pause while the clerk types a search (the list's first row changes with every
key), and after the first paint when the desk opens (the detail loads the ordinance engine,
which the list does not need). `shown` is emitted whenever the desk's actions should follow
the file shown (or about to be shown).
"""

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kcsac.domain.actions import FileFacts, NextStep, next_step
from kcsac.domain.records import ApplicationDetail, RecordError
from kcsac.ui.application_details_view import ApplicationDetailsView
from kcsac.ui.desk_context import DeskContext

DETAIL_DELAY_MS = 250  # while typing, the details pane follows the first row after a pause


class DetailsPane(QWidget):
    """Follows the list's current row; `detail` is the file shown (loaded now if pending)."""

    # Signals:
    shown = Signal()  # the file shown changed (or its load is pending): the actions follow
    refused = Signal(str)  # the file could not be read (e.g. gone): the message to show

    def __init__(
        self,
        context: DeskContext,
        selected_number: Callable[[], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._selected_number = selected_number
        # The list is the first thing a clerk looks at: the first row's details (which need
        # the ordinance engine loaded) follow on the event loop's next turn, after the paint.
        self._starting = True
        self._first_detail_pending = False
        self.view = ApplicationDetailsView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addWidget(self.view)
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._on_detail_timer_timeout)

    @property
    def detail(self) -> ApplicationDetail | None:
        self._show_first_detail()  # asked before the event loop got to it: load it now
        return self.view.detail

    def started(self) -> None:
        """The desk is built and painted once: from now on the details follow at once."""
        self._starting = False

    def show_number(self, number: str | None) -> None:
        """Read the file `number` again and show it (None: nothing)."""
        detail: ApplicationDetail | None = None
        if number:
            try:
                detail = self.context.application_detail(number)
            except RecordError as exc:
                self.refused.emit(str(exc))
        self.view.show_detail(detail, self._step(detail))
        self.shown.emit()

    def reshow(self) -> None:
        """The file shown again for the person now signed in (e.g. the desk became
        read-only), without reading it again."""
        detail = self.view.detail
        self.view.show_detail(detail, self._step(detail))
        self.shown.emit()

    def _step(self, detail: ApplicationDetail | None) -> NextStep | None:
        if detail is None:
            return None
        return next_step(FileFacts.of(detail), self.context.user)

    def refresh(self) -> None:
        """The selected file read again (e.g. after a document was issued)."""
        self.show_number(self._selected_number())

    @Slot()
    def show_nothing(self) -> None:
        self.show_number(None)

    @Slot(str, bool)
    def follow(self, number: str, typing: bool) -> None:
        """The list's current row changed to `number` ("" none); `typing`: a search is typed."""
        if self._starting and number:
            self._first_detail_pending = True
            self.shown.emit()  # nothing selected yet as far as the actions know
            QTimer.singleShot(0, self._show_first_detail)
            return
        self._first_detail_pending = False
        if typing and number:
            self._detail_timer.start()  # typing: the pane follows once the clerk pauses
            return
        self._detail_timer.stop()
        self.show_number(number or None)

    @Slot()
    def follow_now(self) -> None:
        """Return in the search box: a pending follow happens now."""
        if self._detail_timer.isActive():
            self._on_detail_timer_timeout()

    def stop_timers(self) -> None:
        """Nothing may read the store after the window is gone."""
        self._detail_timer.stop()

    def _show_first_detail(self) -> None:
        if self._first_detail_pending:
            self._first_detail_pending = False
            self.show_number(self._selected_number())

    @Slot()
    def _on_detail_timer_timeout(self) -> None:
        self.show_number(self._selected_number())
