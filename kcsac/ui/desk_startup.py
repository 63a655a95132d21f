"""Start the desk: QApplication, the signed-in kcsac user, start-up backup, the main window."""

import datetime as dt
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QApplication, QMessageBox

from kcsac import __version__, paths
from kcsac.domain.records import RecordError
from kcsac.operations import users
from kcsac.operations.database import Store
from kcsac.ui.main_window import MainWindow
from kcsac.ui.startup_checks import StartupChecks, start_after_first_paint

APP_NAME = "kcsac"
ORG_NAME = ""  # AppDataLocation is then ~/.local/share/kcsac, which the CLI uses as well


def configure_application(app: QApplication) -> None:
    """Names used by QSettings and QStandardPaths; icon search path. No application-wide
    style sheet: it makes every widget slower to build and paint (~25 % of the desk's
    first paint); the few colours are palettes (kcsac.ui.field_messages.mark_as_message)."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    QDir.addSearchPath("icons", str(paths.ICONS_DIR))


def os_login() -> str:
    """The operating-system login; kcsac users are named by it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no $USER: treat as unknown
        return ""


def start_desk(
    store: Store,
    *,
    db_path: Path | None,
    login: str | None = None,
    today: Callable[[], dt.date] = dt.date.today,
    backup: bool = True,
) -> MainWindow:
    """The main window for `login` (the OS login by default).

    The first start on an empty database makes that login the administrator; an unknown
    login gets a read-only desk (the status bar says so). Once the window is up, SQLite's
    quick check and the start-up backup run on a worker thread (`window.startup`): at
    100,000 applications they take seconds, which a clerk should not wait for before seeing
    the desk. A damaged file turns the desk read-only and is not backed up; a failed backup
    is reported, never fatal.
    """
    login = os_login() if login is None else login
    notes: list[str] = []
    if login:
        try:
            if users.ensure_first_admin(store, login, today()) is not None:
                notes.append(f"First start: {login} is the kcsac administrator")
        except RecordError as exc:
            notes.append(f"Could not create the first user: {exc}")
    user = users.current_user(store, login) if login else None
    window = MainWindow(store, db_path=db_path, user=user, today=today, os_login=login)
    if notes:
        window.statusBar().showMessage("; ".join(notes), 15000)
    window.startup = StartupChecks(store.path, backup=backup, parent=window)
    window.startup.finished.connect(window.on_startup_checks_finished)
    start_after_first_paint(window.startup, window.desk_list.applications_view.viewport())
    return window


def run_desk(store: Store, *, db_path: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    window = start_desk(store, db_path=db_path)
    window.startup.finished.connect(lambda damaged, _note: _warn_if_damaged(window, damaged))
    window.show()
    return app.exec()


def _warn_if_damaged(window: MainWindow, damaged: str) -> None:
    if damaged:
        QMessageBox.warning(window, "Damaged database", damaged)


def explain_in_a_window(title: str, message: str) -> None:
    """The desk could not start: say why in a message box (stderr is unseen from a menu).
    Under an offscreen platform (tests, benchmarks) nobody could click it: not shown."""
    import os

    if os.environ.get("QT_QPA_PLATFORM", "") in {"offscreen", "minimal"}:
        return
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    start_failure_box(title, message).exec()


def start_failure_box(title: str, message: str) -> QMessageBox:
    """The message box that says why the desk could not start, the file named in it."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Close)
    box.setObjectName("start_failure_box")
    box.setInformativeText("To use another database file, start kcsac with --db PATH.")
    return box
