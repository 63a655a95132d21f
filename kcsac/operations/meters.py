"""Meters and readings for the metered methods; readings are never estimated."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from kcsac.domain.problems import Problem
from kcsac.domain.records import Meter, MeterRole, MeterUnit, Reading, User
from kcsac.domain.roles import Permission
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
        if value is not None and value > today:
            problems.append(Problem(name, f"{name.replace('_', ' ')} is in the future"))
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
    """A reading lower than the previous one is refused unless marked replacement/rollover."""
    require(actor, Permission.EDIT_RECORDS, "record readings")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput([Problem("value", f"{value!r} is not a meter reading")]) from None
    problems = []
    if read_on > today:
        problems.append(Problem("read_on", "The reading date is in the future"))
    if amount < 0:
        problems.append(Problem("value", "A reading cannot be negative"))
    with store.write():
        meter = store.get_meter(meter_id)
        earlier = [r for r in store.readings(meter_id) if r.read_on <= read_on]
        previous = earlier[-1].value if earlier else meter.activation_reading
        if previous is not None and amount < previous and not replacement:
            problems.append(
                Problem(
                    "value",
                    f"The reading {amount} is lower than the previous "
                    f"one ({previous}); mark it as a meter replacement or "
                    "rollover if that is what happened",
                )
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
