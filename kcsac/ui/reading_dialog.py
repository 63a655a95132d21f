"""ReadingDialog: one meter reading; a lower one needs a replacement or rollover and a note."""

from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QLineEdit, QWidget

from kcsac.domain.dates import future_date_problems
from kcsac.domain.problems import Problem
from kcsac.domain.records import Meter, Reading
from kcsac.operations import meters as ops
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.form_dialog import FormDialog
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import date_text, decimal_problem, from_qdate, parse_decimal, to_qdate

_FIELDS = ("meter", "read_on", "value", "replacement", "note")


class ReadingDialog(FormDialog):
    """Readings are never estimated: only what was read off the register, on the day read."""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        detail = context.application_detail(number)
        app = detail.application
        super().__init__(
            context,
            "reading_dialog",
            title=f"Record meter reading - {app.number}",
            ok_text="&Record reading",
            help_topic="meter",
            fields=_FIELDS,
            parent=parent,
        )
        self.application = app
        self._meters: list[Meter] = list(detail.meters)
        self._readings: list[Reading] = list(detail.readings)
        form = self.form
        self.meter_combo = child(form, QComboBox, "meter_combo")
        self.previous_label = child(form, QLabel, "previous_label")
        self.read_on_edit = child(form, QDateEdit, "read_on_edit")
        self.value_edit = child(form, QLineEdit, "value_edit")
        self.replacement_check = child(form, QCheckBox, "replacement_check")
        self.note_edit = child(form, QLineEdit, "note_edit")
        for meter in self._meters:
            self.meter_combo.addItem(
                f"{meter.role.value} meter {meter.serial} ({meter.unit.value})", meter.id
            )
        today = to_qdate(context.today())
        self.read_on_edit.setMinimumDate(QDate(2000, 1, 1))
        # No maximum: Qt would drop the digits of a future date as they are typed and
        # silently keep a different past date; a future date is refused next to the field.
        self.read_on_edit.setDate(today)
        self.meter_combo.currentIndexChanged.connect(self._on_meter_combo_current_index_changed)
        self.read_on_edit.dateChanged.connect(self._on_read_on_edit_date_changed)
        self.value_edit.textEdited.connect(lambda: self.touch("value"))
        self.replacement_check.toggled.connect(lambda: self.touch("note"))
        self.note_edit.textEdited.connect(lambda: self.touch("note"))
        self._on_meter_combo_current_index_changed()

    def meter(self) -> Meter | None:
        meter_id = self.meter_combo.currentData()
        return next((m for m in self._meters if m.id == meter_id), None)

    def previous(self) -> tuple[str, object] | None:
        """(where it comes from, value) of the reading before the date typed, if any."""
        meter = self.meter()
        if meter is None:
            return None
        read_on = from_qdate(self.read_on_edit.date())
        earlier = sorted(
            (r for r in self._readings if r.meter_id == meter.id and r.read_on <= read_on),
            key=lambda r: (r.read_on, r.id),
        )
        if earlier:
            return f"read on {date_text(earlier[-1].read_on)}", earlier[-1].value
        if meter.activation_reading is not None:
            return "activation reading", meter.activation_reading
        return None

    def _on_read_on_edit_date_changed(self, *_args: object) -> None:
        self._touched.add("read_on")
        self._on_meter_combo_current_index_changed()  # the previous reading depends on the date

    def _on_meter_combo_current_index_changed(self, *_args: object) -> None:
        previous = self.previous()
        meter = self.meter()
        unit = meter.unit.value if meter else ""
        self.previous_label.setText(
            f"{previous[1]} {unit} ({previous[0]})" if previous else "none recorded yet"
        )
        self.validate()

    def problems(self) -> list[Problem]:
        problems = []
        if self.meter() is None:
            problems.append(Problem("meter", "This application has no meter; add one first"))
        read_on = from_qdate(self.read_on_edit.date())
        problems += future_date_problems(
            "read_on", read_on, self.context.today(), "record a reading"
        )
        text = self.value_edit.text().strip()
        value = parse_decimal(text)
        if value is None:
            problems.append(
                Problem(
                    "value",
                    f"Not a reading: {decimal_problem(text)}"
                    if "," in text
                    else f"Not a reading: {text!r}"
                    if text
                    else "Type the reading on the register",
                )
            )
        elif value < 0:
            problems.append(Problem("value", "A reading cannot be negative"))
        meter = self.meter()
        if meter is not None:
            # The same rules the operation applies: install date, then the readings around it.
            problems += [
                Problem(p.field, p.message.replace("mark it as", "tick"))
                for p in ops.reading_problems(
                    meter,
                    self._readings,
                    read_on,
                    value if value is not None and value >= 0 else Decimal(0),
                    replacement=self.replacement_check.isChecked(),
                )
                if p.field == "read_on" or (value is not None and value >= 0)
            ]
        if self.replacement_check.isChecked() and not self.note_edit.text().strip():
            problems.append(Problem("note", "Describe the replacement or rollover"))
        return problems

    def perform(self) -> None:
        meter = self.meter()
        assert meter is not None
        ops.record_reading(
            self.context.store,
            self.context.user,
            meter.id,
            read_on=from_qdate(self.read_on_edit.date()),
            value=parse_decimal(self.value_edit.text()) or 0,
            today=self.context.today(),
            replacement=self.replacement_check.isChecked(),
            note=self.note_edit.text().strip(),
        )
