"""The wait cursor shows while a slow operation runs and is gone after it, even on failure."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kcsac.ui.busy import busy


def test_the_wait_cursor_is_shown_during_and_removed_after(qapp):
    assert QApplication.overrideCursor() is None
    with busy():
        assert QApplication.overrideCursor().shape() is Qt.CursorShape.WaitCursor
    assert QApplication.overrideCursor() is None
    with pytest.raises(ValueError, match="refused"), busy():
        raise ValueError("refused")
    assert QApplication.overrideCursor() is None
