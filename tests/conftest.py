"""Shared fixtures: Qt offscreen, GUI tests tagged, nothing touches the user's real data."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports PySide6

import datetime as dt
from pathlib import Path

import pytest

from kcsac.storage import Store, open_store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "qapp" in getattr(item, "fixturenames", ()):  # qtbot depends on qapp
            item.add_marker("gui")


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Point HOME, XDG folders and $KCSAC_DB away from the real user's files."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("KCSAC_DB", raising=False)


@pytest.fixture(autouse=True)
def _isolated_qsettings(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """GUI tests keep QSettings in tmp_path."""
    if "qapp" not in request.fixturenames:
        return
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kcsac.db"


@pytest.fixture
def store(db_path: Path) -> Store:
    """A real SQLite file in tmp_path, migrated."""
    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 8, 20)
