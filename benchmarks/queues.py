"""Switching queues and sorting a column on the desk, in-process (offscreen Qt).

Each figure is the wall time of the real MainWindow call (the SQL query, the model reset and
the details pane of the first row), repeated, as median and worst over all queues/columns.
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(db: Path, repeats: int = 3) -> dict[str, float]:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from kcsac.storage import open_store
    from kcsac.ui.applications_table_model import COLUMNS
    from kcsac.ui.desk_list import QUEUES
    from kcsac.ui.desk_startup import configure_application
    from kcsac.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    configure_application(app)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's saved layout
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="kcsac-")
    )
    store = open_store(db)
    window = MainWindow(store, db_path=db, os_login="bench")
    window.show()
    app.processEvents()

    switches: list[float] = []
    for _ in range(repeats):
        for row in range(len(QUEUES)):
            t0 = time.perf_counter()
            window.select_queue(row)
            app.processEvents()
            switches.append((time.perf_counter() - t0) * 1000)

    window.select_queue(len(QUEUES) - 1)  # All: the largest list
    sorts: list[float] = []
    for _ in range(repeats):
        for column in range(len(COLUMNS)):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                t0 = time.perf_counter()
                window.desk_list.applications_view.sortByColumn(column, order)
                app.processEvents()
                sorts.append((time.perf_counter() - t0) * 1000)
    window.close()
    store.close()
    return {
        "queue_switch_p50_ms": statistics.median(switches),
        "queue_switch_max_ms": max(switches),
        "sort_p50_ms": statistics.median(sorts),
        "sort_max_ms": max(sorts),
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(measure(Path(sys.argv[1]))))
