"""MainWindow: the clerk's desk (queues, application list, details)."""

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMainWindow

from kcsac.storage import Store

WINDOW_TITLE = "kcsac - Sewer Allowance Credit"


class MainWindow(QMainWindow):
    def __init__(self, store: Store, *, db_path: Path | None = None) -> None:
        super().__init__()
        self._store = store
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(1280, 800)
        placeholder = QLabel("Sewer Allowance Credit desk")
        self.setCentralWidget(placeholder)
        self.statusBar().showMessage(f"Database: {db_path}" if db_path else "Database in memory")
