"""The foundation: command line, database choice, start-up messages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kcsac import __version__
from kcsac.app import main


def run_kcsac(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kcsac", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_version_prints_the_version():
    result = run_kcsac("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kcsac {__version__}"


def test_db_in_missing_folder_is_one_line_naming_the_path():
    result = run_kcsac("--db", "/nonexistent-dir/x.db", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "/nonexistent-dir/x.db" in lines[0]
    assert "Traceback" not in result.stderr


def test_no_display_gives_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "kcsac", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "xvfb-run" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_not_a_database_is_refused_and_left_untouched(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is a text file, not a database\n" * 10)
    before = bogus.read_bytes()
    assert main(["--db", str(bogus)]) == 1
    err = capsys.readouterr().err
    assert str(bogus) in err
    assert "not an SQLite file" in err
    assert bogus.read_bytes() == before


def test_default_database_lives_in_the_user_data_folder(monkeypatch):
    from kcsac.cli.database import resolve_db_path

    expected = Path(os.environ["XDG_DATA_HOME"]) / "kcsac" / "kcsac.db"
    assert resolve_db_path(None) == expected
    monkeypatch.setenv("KCSAC_DB", "/tmp/elsewhere.db")
    assert resolve_db_path(None) == Path("/tmp/elsewhere.db")
    assert resolve_db_path(Path("/tmp/given.db")) == Path("/tmp/given.db")


@pytest.mark.slow
def test_app_starts_offscreen_and_creates_the_database(tmp_path):
    """The real entry point, in a subprocess, quits itself after the window is shown."""
    db = tmp_path / "first-start.db"
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "QTimer.singleShot(300, app.quit)\n"
        "from kcsac.app import main\n"
        f"sys.exit(main(['--db', {str(db)!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert db.exists()
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"


# What the desk's first paint must not load: each is loaded by the first action that needs it
# (a migration, a letter, a preview), and together they cost ~400 ms of a cold start.
NOT_AT_FIRST_PAINT = (
    "sqlite_utils",
    "reportlab",
    "pypdfium2",
    "kcsac.pdf",
    "concurrent.futures",
    "kcsac.operations.approvals",
    "kcsac.domain.schedule",
)

_FIRST_PAINT_PROBE = """
import sys, tempfile
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kcsac.storage import open_store
from kcsac.ui.desk_startup import configure_application, start_desk
configure_application(app)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
store = open_store(sys.argv[1])
window = start_desk(store, db_path=None, login="probe")
window.show()
app.processEvents()
print(" ".join(name for name in sys.argv[2:] if name in sys.modules))
"""


def test_the_desks_first_paint_loads_no_heavy_module(tmp_path):
    from kcsac.storage import open_store

    db = tmp_path / "kcsac.db"
    open_store(db).close()  # created and migrated: the probe opens an up-to-date file
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_PAINT_PROBE, str(db), *NOT_AT_FIRST_PAINT],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded before the first paint: {result.stdout}"
