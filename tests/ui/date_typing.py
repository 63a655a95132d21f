"""Type a date into a QDateEdit the way a clerk does: year section first, digit by digit."""

from PySide6.QtWidgets import QDateEdit, QDateTimeEdit


def type_date(qtbot, edit: QDateEdit, iso: str) -> None:
    """Select the year and type the digits; Qt moves on to month and day as each fills."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    qtbot.keyClicks(edit, iso.replace("-", ""))
