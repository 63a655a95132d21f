"""Meters and readings for the metered methods; readings are never estimated."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from kcsac.domain.problems import Problem
from kcsac.domain.records import Meter, MeterRole, MeterUnit, Reading, User
from kcsac.domain.roles import Permission
from kcsac.operations.applications import future_date_problems
from kcsac.operations.errors import InvalidInput
from kcsac.operations.users import require
from kcsac.storage import Store


def add_meter(
    store: Store,
    actor: User | None,
    number: str,
    *,
    role: MeterRole | str,
    serial: str,
    unit: MeterUnit | str,
    today: dt.date,
    make_model: str = "",
    size: str = "",
    location: str = "",
    installed_on: dt.date | None = None,
    sealed_on: dt.date | None = None,
    activation_reading: Decimal | str | None = None,
    last_tested_on: dt.date | None = None,
) -> Meter:
    require(actor, Permission.EDIT_RECORDS, "add meters")
    problems = []
    if not serial.strip():
        problems.append(Problem("serial", "The serial number is empty"))
    for name, value in (
        ("installed_on", installed_on),
        ("sealed_on", sealed_on),
        ("last_tested_on", last_tested_on),
    ):
        what = f"the date {name.replace('_', ' ')} must be"
        problems += future_date_problems(name, value, today, what)
    activation = None
    if activation_reading not in (None, ""):
        try:
            activation = Decimal(str(activation_reading))
        except InvalidOperation:
            problems.append(Problem("activation_reading", "The activation reading is not a number"))
    if problems:
        raise InvalidInput(problems)
    store.get_application(number)
    return store.add_meter(
        Meter(
            0,
            number,
            MeterRole(role),
            serial.strip(),
            make_model.strip(),
            size.strip(),
            MeterUnit(unit),
            location.strip(),
            installed_on,
            sealed_on,
            activation,
            last_tested_on,
        ),
        actor.login,
    )


def record_reading(
    store: Store,
    actor: User | None,
    meter_id: int,
    *,
    read_on: dt.date,
    value: Decimal | str,
    today: dt.date,
    replacement: bool = False,
    note: str = "",
) -> Reading:
    """A reading dated before the meter was installed, or out of order with the readings
    around it (lower than the one before, higher than the one after), is refused unless
    marked replacement/rollover (with a note)."""
    require(actor, Permission.EDIT_RECORDS, "record readings")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput([Problem("value", f"{value!r} is not a meter reading")]) from None
    problems = future_date_problems("read_on", read_on, today, "record a reading")
    if amount < 0:
        problems.append(Problem("value", "A reading cannot be negative"))
    with store.write():
        meter = store.get_meter(meter_id)
        problems += reading_problems(
            meter, store.readings(meter_id), read_on, amount, replacement=replacement
        )
        if replacement and not note.strip():
            problems.append(Problem("note", "Describe the replacement or rollover"))
        if problems:
            raise InvalidInput(problems)
        return store.add_reading(
            Reading(0, meter_id, read_on, amount, replacement, note.strip()),
            actor.login,
            meter.application,
        )


def reading_problems(
    meter: Meter,
    readings: list[Reading],
    read_on: dt.date,
    amount: Decimal,
    *,
    replacement: bool,
) -> list[Problem]:
    """What is wrong with a new reading against the meter and its other readings.

    Compared in date order, so a back-dated reading cannot slip under the lower-reading
    rule: it must not be lower than the latest reading on or before its date (or the
    activation reading), nor higher than the next later one, unless marked replacement.
    """
    if meter.installed_on is not None and read_on < meter.installed_on:
        return [
            Problem(
                "read_on",
                f"{read_on.isoformat()} is before meter {meter.serial} was installed "
                f"({meter.installed_on.isoformat()}); a reading must be on or after that day",
            )
        ]
    if amount < 0 or replacement:
        return []
    ordered = sorted(
        (r for r in readings if r.meter_id == meter.id), key=lambda r: (r.read_on, r.id)
    )
    earlier = [r for r in ordered if r.read_on <= read_on]
    later = [r for r in ordered if r.read_on > read_on]
    problems = []
    if earlier:
        previous, where = earlier[-1].value, f"read on {earlier[-1].read_on.isoformat()}"
    else:
        previous, where = meter.activation_reading, "the activation reading"
    if previous is not None and amount < previous:
        problems.append(
            Problem(
                "value",
                f"The reading {amount} is lower than the previous one ({previous}, {where}); "
                "mark it as a meter replacement or rollover if that is what happened",
            )
        )
    if later and not later[0].replacement and amount > later[0].value:
        problems.append(
            Problem(
                "value",
                f"The reading {amount} is higher than the next one ({later[0].value}, read on "
                f"{later[0].read_on.isoformat()}); check the date and the register, or mark it "
                "as a meter replacement or rollover",
            )
        )
    return problems
