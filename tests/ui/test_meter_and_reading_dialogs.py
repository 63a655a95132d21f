"""Meters and readings: no estimates; a lower reading needs a replacement/rollover and a note."""

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from kcsac.domain.category import Category
from kcsac.domain.records import MeterRole, MeterUnit
from kcsac.ui.meter_dialog import MeterDialog
from kcsac.ui.reading_dialog import ReadingDialog
from tests.ui.date_typing import type_date
from tests.ui.desk_factories import make_paid


def fill_particulars(qtbot, dialog, activation="1000"):
    """Everything RULES.md lists for a meter but the serial, typed as a clerk would."""
    qtbot.keyClicks(dialog.make_model_edit, "Neptune T-10")
    qtbot.keyClicks(dialog.size_edit, '2"')
    qtbot.keyClicks(dialog.location_edit, "Pump house")
    type_date(qtbot, dialog.date_edits["installed_on"], "2026-06-01")
    type_date(qtbot, dialog.date_edits["sealed_on"], "2026-06-03")
    type_date(qtbot, dialog.date_edits["last_tested_on"], "2026-05-20")
    qtbot.keyClicks(dialog.activation_reading_edit, activation)


def add_meter(qtbot, desk, number, serial="IR-7", activation="1000"):
    dialog = MeterDialog(desk, number)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.serial_edit.clear()
    qtbot.keyClicks(dialog.serial_edit, serial)
    fill_particulars(qtbot, dialog, activation)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    return dialog


def open_reading(qtbot, desk, number):
    dialog = ReadingDialog(desk, number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_meter_is_stored_with_its_particulars(qtbot, desk, store):
    app = make_paid(store, desk.user, category=Category.IRRIGATION)
    dialog = add_meter(qtbot, desk, app.number)
    assert dialog.role_combo.currentData() == MeterRole.IRRIGATION.value, "chosen by category"
    [meter] = store.meters(app.number)
    assert (meter.role, meter.serial, meter.make_model, meter.location) == (
        MeterRole.IRRIGATION,
        "IR-7",
        "Neptune T-10",
        "Pump house",
    )
    assert meter.unit is MeterUnit.FT3
    assert meter.size == '2"'
    assert meter.installed_on == dt.date(2026, 6, 1)
    assert meter.sealed_on == dt.date(2026, 6, 3)
    assert meter.last_tested_on == dt.date(2026, 5, 20), "a bench test before installing is fine"
    assert meter.activation_reading == Decimal("1000")


def test_meter_needs_a_serial_and_a_numeric_activation_reading(qtbot, desk, store):
    app = make_paid(store, desk.user)
    dialog = MeterDialog(desk, app.number)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.activation_reading_edit, "12a")
    assert "Not a meter reading" in dialog.messages.text("activation_reading")
    qtbot.keyClicks(dialog.serial_edit, "x")
    qtbot.keyClick(dialog.serial_edit, Qt.Key.Key_Backspace)
    assert dialog.messages.text("serial") == "Type the meter's serial number"
    assert not dialog.ok_button.isEnabled()


def test_readings_in_order_and_a_lower_reading_needs_a_reason(qtbot, desk, store):
    app = make_paid(store, desk.user, category=Category.IRRIGATION)
    add_meter(qtbot, desk, app.number)

    dialog = open_reading(qtbot, desk, app.number)
    assert "1000" in dialog.previous_label.text()
    assert "activation" in dialog.previous_label.text()
    dialog.read_on_edit.setDate(dt.date(2026, 7, 1))
    qtbot.keyClicks(dialog.value_edit, "1450.5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()

    dialog = open_reading(qtbot, desk, app.number)
    dialog.read_on_edit.setDate(dt.date(2026, 8, 1))
    qtbot.keyClicks(dialog.value_edit, "20")
    assert "lower than the previous one (1450.5" in dialog.messages.text("value")
    assert not dialog.ok_button.isEnabled()
    dialog.replacement_check.setChecked(True)
    assert dialog.messages.text("note") == "Describe the replacement or rollover"
    qtbot.keyClicks(dialog.note_edit, "Meter replaced 2026-07-15, new register")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()

    [meter] = store.meters(app.number)
    readings = store.readings(meter.id)
    assert [(r.read_on, r.value, r.replacement) for r in readings] == [
        (dt.date(2026, 7, 1), Decimal("1450.5"), False),
        (dt.date(2026, 8, 1), Decimal("20"), True),
    ]
    assert readings[1].note == "Meter replaced 2026-07-15, new register"


def test_a_reading_cannot_be_in_the_future_or_not_a_number(qtbot, desk, store):
    app = make_paid(store, desk.user, category=Category.IRRIGATION)
    add_meter(qtbot, desk, app.number)
    dialog = open_reading(qtbot, desk, app.number)
    qtbot.keyClicks(dialog.value_edit, "about 1500")
    assert dialog.messages.text("value") == "Not a reading: 'about 1500'"
    type_date(qtbot, dialog.read_on_edit, "2026-12-31")
    assert dialog.read_on_edit.date().toPython() == dt.date(2026, 12, 31), "kept as typed"
    assert dialog.messages.text("read_on") == (
        "2026-12-31 is in the future; record a reading on or before today (2026-08-20)"
    )
    qtbot.keyClick(dialog.value_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.value_edit, "1500")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.value_edit, Qt.Key.Key_Return)
    [meter] = store.meters(app.number)
    assert store.readings(meter.id) == [], "nothing saved"


def test_a_reading_before_the_install_date_is_refused_next_to_the_date(qtbot, desk, store):
    app = make_paid(store, desk.user, category=Category.IRRIGATION)
    add_meter(qtbot, desk, app.number)  # installed 2026-06-01
    dialog = open_reading(qtbot, desk, app.number)
    qtbot.keyClicks(dialog.value_edit, "1200")
    type_date(qtbot, dialog.read_on_edit, "2026-05-15")
    assert dialog.messages.text("read_on") == (
        "2026-05-15 is before meter IR-7 was installed (2026-06-01); a reading must be on or "
        "after that day"
    )
    assert not dialog.ok_button.isEnabled()
    type_date(qtbot, dialog.read_on_edit, "2026-06-02")
    assert dialog.messages.text("read_on") == ""
    assert dialog.ok_button.isEnabled()


def test_a_back_dated_reading_is_checked_against_the_readings_around_it(qtbot, desk, store):
    app = make_paid(store, desk.user, category=Category.IRRIGATION)
    add_meter(qtbot, desk, app.number)  # activation 1000
    dialog = open_reading(qtbot, desk, app.number)
    type_date(qtbot, dialog.read_on_edit, "2026-08-01")
    qtbot.keyClicks(dialog.value_edit, "1500")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()

    dialog = open_reading(qtbot, desk, app.number)
    type_date(qtbot, dialog.read_on_edit, "2026-07-01")
    qtbot.keyClicks(dialog.value_edit, "1600")
    assert "higher than the next one (1500, read on 2026-08-01)" in dialog.messages.text("value")
    assert not dialog.ok_button.isEnabled()
    dialog.value_edit.clear()
    qtbot.keyClicks(dialog.value_edit, "900")
    assert "lower than the previous one (1000, the activation reading)" in dialog.messages.text(
        "value"
    )
    dialog.value_edit.clear()
    qtbot.keyClicks(dialog.value_edit, "1250")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    [meter] = store.meters(app.number)
    assert [(r.read_on, r.value) for r in store.readings(meter.id)] == [
        (dt.date(2026, 7, 1), Decimal("1250")),
        (dt.date(2026, 8, 1), Decimal("1500")),
    ]


def test_a_future_install_date_is_kept_as_typed_and_refused(qtbot, desk, store):
    app = make_paid(store, desk.user)
    dialog = MeterDialog(desk, app.number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.serial_edit, "DM-1")
    # Typing over the "not known" text does not take in Qt; the clerk starts from a real day.
    dialog.date_edits["installed_on"].setDate(dt.date(2026, 6, 1))
    type_date(qtbot, dialog.date_edits["installed_on"], "2026-12-31")
    assert dialog.messages.text("installed_on") == (
        "2026-12-31 is in the future; the install date must be on or before today (2026-08-20)"
    )
    assert not dialog.ok_button.isEnabled()
    assert store.meters(app.number) == []


def test_every_particular_rules_md_lists_is_required(qtbot, desk, store):
    app = make_paid(store, desk.user)
    dialog = MeterDialog(desk, app.number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.serial_edit, "DM-1")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.serial_edit, Qt.Key.Key_Return)  # Return presses Add meter
    assert dialog.result() != dialog.DialogCode.Accepted
    assert {p.field: p.message for p in dialog.problems()} == {
        "make_model": "Type the meter's make and model",
        "size": "Type the meter's size",
        "location": "Type where the meter is installed",
        "installed_on": 'Enter the install date (now "not known")',
        "sealed_on": 'Enter the inspection and seal date (now "not known")',
        "last_tested_on": 'Enter the date of the last accuracy test (now "not known")',
        "activation_reading": "Type the activation reading on the register",
    }
    qtbot.keyClicks(dialog.size_edit, "x")
    qtbot.keyClick(dialog.size_edit, Qt.Key.Key_Backspace)
    assert dialog.messages.text("size") == "Type the meter's size", "shown next to the field"
    assert store.meters(app.number) == [], "nothing saved"

    fill_particulars(qtbot, dialog)
    assert [p.field for p in dialog.problems()] == []
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    [meter] = store.meters(app.number)
    assert (meter.serial, meter.size, meter.sealed_on) == ("DM-1", '2"', dt.date(2026, 6, 3))


def test_inspected_and_sealed_before_installed_is_refused_next_to_the_field(qtbot, desk, store):
    """The new-user trial saved "Inspected and sealed" 2026-03-01 before "Installed" 2026-06-01."""
    app = make_paid(store, desk.user)
    dialog = MeterDialog(desk, app.number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.serial_edit, "DM-1")
    fill_particulars(qtbot, dialog)
    type_date(qtbot, dialog.date_edits["sealed_on"], "2026-03-01")
    assert dialog.date("sealed_on") == dt.date(2026, 3, 1)
    assert dialog.messages.text("sealed_on") == (
        "2026-03-01 is before the install date (2026-06-01); the meter is inspected and sealed "
        "on or after the day it is installed"
    )
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.activation_reading_edit, Qt.Key.Key_Return)
    assert store.meters(app.number) == []
    type_date(qtbot, dialog.date_edits["sealed_on"], "2026-06-01")  # the same day is fine
    assert dialog.messages.text("sealed_on") == ""
    assert dialog.ok_button.isEnabled()


def test_a_comma_in_a_reading_is_not_taken_as_a_decimal_point(qtbot, desk, store):
    app = make_paid(store, desk.user, category=Category.IRRIGATION)
    dialog = MeterDialog(desk, app.number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.activation_reading_edit, "1000,5")
    assert "the comma is not a decimal point here" in dialog.messages.text("activation_reading")
    dialog.activation_reading_edit.clear()
    qtbot.keyClicks(dialog.activation_reading_edit, "1,000")
    assert dialog.messages.text("activation_reading") == ""
    dialog.reject()

    add_meter(qtbot, desk, app.number, activation="1,000")
    [meter] = store.meters(app.number)
    assert meter.activation_reading == Decimal(1000)
    reading = open_reading(qtbot, desk, app.number)
    qtbot.keyClicks(reading.value_edit, "1450,5")
    assert reading.messages.text("value").startswith(
        "Not a reading: '1450,5' is not a number: the comma is not a decimal point here"
    )
    assert not reading.ok_button.isEnabled()
