"""Cold start and peak memory: process start to the main window shown with its first queue
filled, against a bare PySide6 window started the same way in the same run.

Each probe is a fresh `python` process. The parent passes its CLOCK_MONOTONIC time just before
the process starts; the child reports the same clock once the window's first paint is done
(the list of the first queue is filled in the constructor), so the figure includes Python
start-up, imports, opening the database and the first query.
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

_PROBE = r"""
import json, resource, sys, time
t_start = float(sys.argv[1]); mode = sys.argv[2]; db = sys.argv[3]
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
marks = {}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "painted" not in marks:
            marks["painted"] = time.monotonic()
            QTimer.singleShot(0, app.quit)
        return False

if mode == "bare":
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.setCentralWidget(QLabel("bare PySide6 window"))
    watched = window.centralWidget()
else:
    import tempfile
    from PySide6.QtCore import QSettings
    from kcsac.storage import open_store
    from kcsac.ui.desk_startup import configure_application, start_desk
    configure_application(app)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's saved layout
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    store = open_store(db)
    window = start_desk(store, db_path=None, login="bench")
    watched = window.desk_list.applications_view.viewport()
    marks["rows"] = window.desk_list.model.rowCount()
watched.installEventFilter(FirstPaint(app))
window.show()
app.exec()
extra = {}
if mode != "bare":
    # Exercise the desk a little (every queue, a search) before reading peak memory.
    from kcsac.ui.desk_list import QUEUES
    for i in range(len(QUEUES)):
        window.select_queue(i)
    window.desk_list.search_edit.setText("sm")
    window.desk_list.search_now()
    extra["rows_after_search"] = window.desk_list.model.rowCount()
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"ms": (marks["painted"] - t_start) * 1000, "peak_mib": peak_kib / 1024,
                  "rows": marks.get("rows"), **extra}))
"""


def _probe(mode: str, db: Path) -> dict:
    env_python = sys.executable
    t0 = time.monotonic()
    result = subprocess.run(
        [env_python, "-c", _PROBE, repr(t0), mode, str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**_env(), "QT_QPA_PLATFORM": "offscreen"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"start-up probe ({mode}) failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _env() -> dict[str, str]:
    """The environment of an installed app: Python may keep its bytecode caches. This
    machine's environment sets PYTHONDONTWRITEBYTECODE=1, which would make every probe
    compile kcsac's ~90 modules from source again (~60 ms) - a cost no installed copy pays
    (pip writes the caches at install; scripts/bootstrap compiles the checkout)."""
    import os

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(db: Path, runs: int = 5) -> dict[str, float]:
    """Medians over `runs` alternating runs of the bare window and the desk on `db`."""
    bare, desk, peaks = [], [], []
    _probe("bare", db)  # warm the OS file cache for both (and write the bytecode caches)
    _probe("desk", db)
    for _ in range(runs):
        bare.append(_probe("bare", db)["ms"])
        run = _probe("desk", db)
        desk.append(run["ms"])
        peaks.append(run["peak_mib"])
    bare_ms = statistics.median(bare)
    desk_ms = statistics.median(desk)
    return {
        "bare_ms": bare_ms,
        "desk_ms": desk_ms,
        "ratio": desk_ms / bare_ms,
        "peak_mib": max(peaks),
    }


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), runs=int(sys.argv[2]) if sys.argv[2:] else 5)))
