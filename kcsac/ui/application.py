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
from kcsac.operations import backups, users
from kcsac.storage import Store
from kcsac.ui.main_window import MainWindow

APP_NAME = "kcsac"
ORG_NAME = ""  # AppDataLocation is then ~/.local/share/kcsac, which the CLI uses as well
STYLESHEET = paths.RESOURCES_DIR / "styles" / "app.qss"


def configure_application(app: QApplication) -> None:
    """Names used by QSettings and QStandardPaths; icon search path; the stylesheet."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    QDir.addSearchPath("icons", str(paths.ICONS_DIR))
    if STYLESHEET.is_file():
        app.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))


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
    login gets a read-only desk (the status bar says so). A start-up backup is made when the
    administrator's settings ask for one; its failure is reported, never fatal. A file that
    fails SQLite's quick check opens read-only, without a backup, and says how to restore.
    """
    login = os_login() if login is None else login
    notes: list[str] = []
    # A damaged file is opened read-only and not backed up: rotating a damaged copy into the
    # backups would push out the good copies needed to restore it.
    damaged = store.quick_check()
    damaged = "" if damaged == "ok" else damaged
    if damaged:
        notes.append(f"Read-only: {damaged}")
        backup = False
    if login and not damaged:
        try:
            if users.ensure_first_admin(store, login, today()) is not None:
                notes.append(f"First start: {login} is the kcsac administrator")
        except RecordError as exc:
            notes.append(f"Could not create the first user: {exc}")
    user = users.current_user(store, login) if login and not damaged else None
    if backup:
        try:
            made = backups.auto_backup(store)
        except Exception as exc:  # a failed backup must not keep the desk from opening
            notes.append(f"Start-up backup failed: {exc}")
        else:
            if made is not None:
                notes.append(f"Backup written to {made}")
    window = MainWindow(store, db_path=db_path, user=user, today=today, os_login=login)
    window.damaged_message = damaged
    if damaged:
        window.user_label.setText("Read-only: the database file is damaged")
    if notes:
        window.statusBar().showMessage("; ".join(notes), 15000)
    return window


def run_desk(store: Store, *, db_path: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    window = start_desk(store, db_path=db_path)
    window.show()
    if window.damaged_message:
        QMessageBox.warning(window, "Damaged database", window.damaged_message)
    return app.exec()
