"""The main window opens on a real database file."""

from kcsac.ui.main_window import WINDOW_TITLE, MainWindow


def test_main_window_opens_with_its_title(qtbot, store, db_path):
    window = MainWindow(store, db_path=db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "kcsac - Sewer Allowance Credit" == WINDOW_TITLE


def test_qt_and_cli_agree_on_the_data_folder(qapp):
    from PySide6.QtCore import QStandardPaths

    from kcsac.cli.database import default_data_dir
    from kcsac.ui.application import configure_application

    configure_application(qapp)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert location == str(default_data_dir())
