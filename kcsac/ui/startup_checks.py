"""StartupChecks: the quick check and start-up backup on a worker thread, reported back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

POLL_MS = 50
FALLBACK_MS = 1000  # a window that is never painted (hidden, minimised) still gets checked


class StartupChecks(QObject):
    """Runs `startup_maintenance` once, off the GUI thread; nothing for an in-memory store."""

    # Signals:
    finished = Signal(str, str)  # damaged message ("" when sound), note for the status bar

    def __init__(self, path: Path | None, *, backup: bool, parent: QObject | None = None):
        super().__init__(parent)
        self._path = path
        self._backup = backup
        self._future: Future[tuple[str, str]] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self.done = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        if self._future is not None or self.done:
            return
        if self._path is None:
            self._finish("", "")
            return
        # Loaded here, after the first paint, not at start-up.
        from concurrent.futures import ThreadPoolExecutor

        from kcsac.operations.backups import startup_maintenance

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kcsac-startup")
        self._future = self._pool.submit(startup_maintenance, self._path, backup=self._backup)
        self._pool.shutdown(wait=False)
        self._timer.start()

    def wait(self) -> None:
        """Block until the checks are done (for the app's own shutdown and for tests)."""
        if self._future is not None and not self.done:
            self._future.result()
            self._on_timer_timeout()

    def _on_timer_timeout(self) -> None:
        if self._future is None or not self._future.done() or self.done:
            return
        self._timer.stop()
        try:
            damaged, note = self._future.result()
        except Exception as exc:  # never let a maintenance failure take the desk down
            damaged, note = "", f"Start-up checks failed: {exc}"
        self._finish(damaged, note)

    def _finish(self, damaged: str, note: str) -> None:
        self.done = True
        self.finished.emit(damaged, note)


class _AfterFirstPaint(QObject):
    """Calls `then` once, after `widget`'s first paint (or after FALLBACK_MS at the latest)."""

    def __init__(self, widget: QWidget, then) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then = then
        self._fired = False
        widget.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint and not self._fired:
            QTimer.singleShot(0, self._fire)  # once this paint is on the screen
        return False

    def _fire(self) -> None:
        if not self._fired:
            self._fired = True
            self._widget.removeEventFilter(self)
            self._then()


def start_after_first_paint(checks: StartupChecks, widget: QWidget) -> None:
    """Start `checks` once `widget` has been painted: a 100 MB copy and a full read of the
    file compete for the disk and the CPU, so they wait until the clerk sees the desk."""
    _AfterFirstPaint(widget, checks.start)
