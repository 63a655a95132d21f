"""Typing a whole date into a form's date field lands on that date, however it is typed."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit

from kcsac.ui.record_payment_dialog import RecordPaymentDialog
from tests.ui.desk_factories import make_submitted


@pytest.fixture
def paid_on(qtbot, desk, store):
    app = make_submitted(store, desk.user)
    dialog = RecordPaymentDialog(desk, app.number)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.paid_on_edit.setFocus()
    return dialog.paid_on_edit


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-01-15", dt.date(2027, 1, 15)),
        ("2025-12-30", dt.date(2025, 12, 30)),
        ("2026-1-5", dt.date(2026, 1, 5)),
        ("20250704", dt.date(2025, 7, 4)),
        ("2025/03/09", dt.date(2025, 3, 9)),
    ],
)
@pytest.mark.parametrize("start", ["select all", "year selected"])
def test_a_typed_date_is_the_date_kept(qtbot, paid_on, typed, expected, start):
    if start == "select all":
        qtbot.keyClick(paid_on, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    else:
        paid_on.setSelectedSection(QDateTimeEdit.Section.YearSection)
    qtbot.keyClicks(paid_on, typed)
    assert paid_on.date().toPython() == expected, paid_on.text()
