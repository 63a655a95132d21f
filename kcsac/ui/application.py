"""Create the QApplication, show the main window and run the event loop."""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kcsac import __version__
from kcsac.storage import Store
from kcsac.ui.main_window import MainWindow

APP_NAME = "kcsac"
ORG_NAME = ""  # AppDataLocation is then ~/.local/share/kcsac, which the CLI uses as well


def configure_application(app: QApplication) -> None:
    """Names used by QSettings and QStandardPaths."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)


def run_desk(store: Store, *, db_path: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    window = MainWindow(store, db_path=db_path)
    window.show()
    return app.exec()
