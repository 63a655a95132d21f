"""Regression: PySide6 6.12.0 on Python 3.11 aborts after ~5,000 void Qt calls.

A small suite passes on the broken combination, so this makes 20,000 setter calls, enough to
kill the process (none_dealloc) if a bad PySide6/Python pair is ever installed.
"""

import sys

from PySide6.QtWidgets import QLabel, QLineEdit


def test_twenty_thousand_qt_setter_calls_keep_none_alive(qtbot):
    edit = QLineEdit()
    label = QLabel()
    qtbot.addWidget(edit)
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(10_000):
        edit.setText(str(i))
        label.setText(str(i))
    assert edit.text() == "9999"
    assert label.text() == "9999"
    # On immortal-None Pythons (>= 3.12) the count is constant; on 3.11 it must not fall.
    assert sys.getrefcount(None) >= before - 100
