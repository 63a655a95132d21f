"""MeterDialog: a deduct, make-up, blow-down, irrigation or sewer meter and its particulars."""

from PySide6.QtCore import QDate, QEvent, QObject
from PySide6.QtWidgets import QComboBox, QDateEdit, QDateTimeEdit, QLineEdit, QWidget

from kcsac.domain.category import Category
from kcsac.domain.dates import future_date_problems
from kcsac.domain.problems import Problem
from kcsac.domain.records import MeterRole, MeterUnit
from kcsac.operations import meters as ops
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.form_dialog import FormDialog
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import decimal_problem, from_qdate, parse_decimal, to_qdate

_FIELDS = (
    "role",
    "serial",
    "make_model",
    "size",
    "unit",
    "location",
    "installed_on",
    "sealed_on",
    "activation_reading",
    "last_tested_on",
)
_ROLE_FOR_CATEGORY = {
    Category.EVAPORATION: MeterRole.MAKE_UP,
    Category.IRRIGATION: MeterRole.IRRIGATION,
    Category.SEWER_METERING: MeterRole.SEWER,
}
_ROLE_LABELS = {
    MeterRole.DEDUCT: "Deduct (sub)meter",
    MeterRole.MAKE_UP: "Make-up meter",
    MeterRole.BLOW_DOWN: "Blow-down meter",
    MeterRole.IRRIGATION: "Irrigation meter",
    MeterRole.SEWER: "Sewer meter",
}
_UNIT_LABELS = {MeterUnit.FT3: "Cubic feet (ft3)", MeterUnit.GALLONS: "Gallons"}
_DATES = ("installed_on", "sealed_on", "last_tested_on")
# RULES.md, "Meters and readings": every meter has all of these; each one is asked for.
_REQUIRED_TEXT = {
    "serial": "Type the meter's serial number",
    "make_model": "Type the meter's make and model",
    "size": "Type the meter's size",
    "location": "Type where the meter is installed",
}
_DATE_NAMES = {
    "installed_on": "the install date",
    "sealed_on": "the inspection and seal date",
    "last_tested_on": "the date of the last accuracy test",
}


class _StartFromToday(QObject):
    """A digit typed into a date still at "not known" starts from today, year selected.

    Qt ignores digits typed over the special "not known" text, so a keyboard-only clerk could
    not enter a required date; now typing 20260601 lands on 2026-06-01.
    """

    def __init__(self, today, parent: QObject) -> None:
        super().__init__(parent)
        self._today = today

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QDateEdit)
            and event.type() == QEvent.Type.KeyPress
            and event.text().isdigit()
            and watched.date() == watched.minimumDate()
        ):
            watched.setDate(to_qdate(self._today()))
            watched.setSelectedSection(QDateTimeEdit.Section.YearSection)
        return False


class MeterDialog(FormDialog):
    """Every particular RULES.md lists is required; dates start "not known" (never invented),
    none may be in the future, and the meter is inspected and sealed on or after installation.
    """

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        detail = context.application_detail(number)
        app = detail.application
        super().__init__(
            context,
            "meter_dialog",
            title=f"Add meter - {app.number}",
            ok_text="&Add meter",
            help_topic="meter",
            fields=_FIELDS,
            parent=parent,
        )
        self.application = app
        form = self.form
        self.role_combo = child(form, QComboBox, "role_combo")
        self.serial_edit = child(form, QLineEdit, "serial_edit")
        self.make_model_edit = child(form, QLineEdit, "make_model_edit")
        self.size_edit = child(form, QLineEdit, "size_edit")
        self.unit_combo = child(form, QComboBox, "unit_combo")
        self.location_edit = child(form, QLineEdit, "location_edit")
        self.activation_reading_edit = child(form, QLineEdit, "activation_reading_edit")
        self.date_edits = {key: child(form, QDateEdit, f"{key}_edit") for key in _DATES}
        for role, label in _ROLE_LABELS.items():
            self.role_combo.addItem(label, role.value)
        for unit, label in _UNIT_LABELS.items():
            self.unit_combo.addItem(label, unit.value)
        role = _ROLE_FOR_CATEGORY.get(app.category, MeterRole.DEDUCT)
        self.role_combo.setCurrentIndex(self.role_combo.findData(role.value))
        serial = app.details.get(
            {
                MeterRole.MAKE_UP: "make_up_meter",
                MeterRole.IRRIGATION: "irrigation_meter",
                MeterRole.SEWER: "sewer_meter",
            }.get(role, ""),
            "",
        )
        self.serial_edit.setText(serial)
        blank = QDate(2000, 1, 1)
        self._start_from_today = _StartFromToday(context.today, self)
        for edit in self.date_edits.values():
            edit.setMinimumDate(blank)
            edit.setSpecialValueText("not known")  # shown while the date is at its minimum
            # No maximum: Qt would drop the digits of a future date as they are typed and
            # silently keep a different past date; a future date is refused next to the field.
            edit.setDate(blank)
            edit.installEventFilter(self._start_from_today)
        for key, edit in self.date_edits.items():
            edit.dateChanged.connect(lambda _date, key=key: self.touch(key))
        for key in _REQUIRED_TEXT:
            edit = getattr(self, f"{key}_edit")
            edit.textEdited.connect(lambda _text, key=key: self.touch(key))
        self.activation_reading_edit.textEdited.connect(lambda: self.touch("activation_reading"))
        self.validate()

    def date(self, key: str):
        edit = self.date_edits[key]
        return None if edit.date() == edit.minimumDate() else from_qdate(edit.date())

    def problems(self) -> list[Problem]:
        problems = [
            Problem(key, message)
            for key, message in _REQUIRED_TEXT.items()
            if not getattr(self, f"{key}_edit").text().strip()
        ]
        today = self.context.today()
        for key in _DATES:
            day = self.date(key)
            if day is None:
                problems.append(Problem(key, f'Enter {_DATE_NAMES[key]} (now "not known")'))
            else:
                problems += future_date_problems(key, day, today, f"{_DATE_NAMES[key]} must be")
        installed, sealed = self.date("installed_on"), self.date("sealed_on")
        if installed and sealed and sealed < installed:
            problems.append(
                Problem(
                    "sealed_on",
                    f"{sealed.isoformat()} is before the install date "
                    f"({installed.isoformat()}); the meter is inspected and sealed on or after "
                    "the day it is installed",
                )
            )
        text = self.activation_reading_edit.text().strip()
        value = parse_decimal(text)
        if not text:
            problems.append(
                Problem("activation_reading", "Type the activation reading on the register")
            )
        elif decimal_problem(text):
            problems.append(
                Problem("activation_reading", f"Not a meter reading: {decimal_problem(text)}")
            )
        elif value is None or value < 0:
            problems.append(
                Problem(
                    "activation_reading", f"Not a meter reading: {text!r} (a number, 0 or more)"
                )
            )
        return problems

    def perform(self) -> None:
        ops.add_meter(
            self.context.store,
            self.context.user,
            self.application.number,
            role=MeterRole(self.role_combo.currentData()),
            serial=self.serial_edit.text().strip(),
            unit=MeterUnit(self.unit_combo.currentData()),
            today=self.context.today(),
            make_model=self.make_model_edit.text().strip(),
            size=self.size_edit.text().strip(),
            location=self.location_edit.text().strip(),
            installed_on=self.date("installed_on"),
            sealed_on=self.date("sealed_on"),
            activation_reading=parse_decimal(self.activation_reading_edit.text()),
            last_tested_on=self.date("last_tested_on"),
        )
