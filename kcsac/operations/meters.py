"""Meters and readings for the metered methods; readings are never estimated."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import NamedTuple

from kcsac.domain.actions import Action
from kcsac.domain.dates import future_date_problems
from kcsac.domain.determination import PeriodInput
from kcsac.domain.method import Method
from kcsac.domain.problems import Problem
from kcsac.domain.records import Meter, MeterRole, MeterUnit, Reading, User
from kcsac.domain.roles import Permission
from kcsac.domain.volume import ft3_to_ccf, gal_to_ccf
from kcsac.operations.errors import InvalidInput
from kcsac.operations.permits import check, require_action
from kcsac.operations.users import acting
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
    actor = require_action(store, actor, Action.METER)
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
    with acting(store, actor, Permission.EDIT_RECORDS, "add meters") as actor:
        check(store, actor, Action.METER, store.get_application(number))
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
    actor = require_action(store, actor, Action.READING)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput([Problem("value", f"{value!r} is not a meter reading")]) from None
    problems = future_date_problems("read_on", read_on, today, "record a reading")
    if amount < 0:
        problems.append(Problem("value", "A reading cannot be negative"))
    with acting(store, actor, Permission.EDIT_RECORDS, "record readings") as actor:
        meter = store.get_meter(meter_id)
        check(store, actor, Action.READING, store.get_application(meter.application))
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


# --- each metered billing period's volumes, for the schedule and the billing export alike ---

# Which PeriodInput field each meter role's use goes into (several meters of a role add up).
_ROLE_FIELDS = {
    MeterRole.DEDUCT: "diverted_ccf",
    MeterRole.IRRIGATION: "diverted_ccf",
    MeterRole.MAKE_UP: "makeup_ccf",
    MeterRole.BLOW_DOWN: "blowdown_ccf",
    MeterRole.SEWER: "sewer_ccf",
}
_METHOD_ROLES = {
    Method.DEDUCT_METER: (
        MeterRole.DEDUCT,
        MeterRole.IRRIGATION,
        MeterRole.MAKE_UP,
        MeterRole.BLOW_DOWN,
    ),
    Method.SEWER_METER: (MeterRole.SEWER,),
}


@dataclass(frozen=True)
class MeteredPeriod:
    """One billing period ready for the engine, or why it is left out (`left_out`, without
    the period's dates: the schedule and the billing export each say where it applies)."""

    period: PeriodInput | None
    left_out: str = ""


class MeterUse(NamedTuple):
    """A meter's use in a billing period and the first day it covers."""

    ccf: Fraction
    since: dt.date  # the period's start, or the activation inside the period


def meter_use(
    meter: Meter,
    readings: Sequence[Reading],
    start: dt.date,
    end: dt.date,
    activation_on: dt.date | None,
) -> MeterUse | str:
    """The meter's use (exact ccf) in the billing period start..end, or why it has none.

    The use runs from the base to the last reading on or before `end`. The base is the
    activation reading when the meter was activated inside the period (readings before the
    activation are not the credit's; the use then covers only the days from the activation,
    RULES.md "First metered period"), else the reading that closed the previous period (the
    last one dated before `start`, or the activation reading if the meter was activated
    before). A meter activated inside the period without an activation reading counts from
    a reading taken on its activation date, or the period is left out. A period the meter
    has not been read for (no reading on or after its end) is left out: readings are never
    estimated. A replacement or rollover inside the period is left to a person: RULES.md
    says how to record one, not how to count the use across it.
    """
    ordered = sorted(readings, key=lambda r: (r.read_on, r.id))
    points = [(r.read_on, r.value, r.replacement) for r in ordered]
    activation = None
    if meter.activation_reading is not None and activation_on is not None:
        activation = (activation_on, meter.activation_reading, False)
    activated_inside = activation_on is not None and start < activation_on <= end
    if activated_inside and activation is None:
        # The use since the activation is measured from the register on that day.
        that_day = [p for p in points if p[0] == activation_on]
        if not that_day:
            return (
                f"meter {meter.serial} has no activation reading: its use from "
                f"{activation_on.isoformat()}, when it starts to count for the credit, is not "
                "measured (enter the register on that date; readings are never estimated)"
            )
        activation = that_day[0]
    if activation is not None and start <= activation_on <= end:
        base = activation
    else:
        before = [p for p in points if p[0] < start]
        if activation is not None and activation_on < start:
            # readings before the activation are not the credit's
            before = [activation, *(p for p in before if p[0] >= activation_on)]
        if not before:
            return (
                f"meter {meter.serial} has no reading before {start.isoformat()} and no "
                "activation reading in the period to start from"
            )
        base = before[-1]
    if base is activation:
        earlier = [p for p in points if p[0] < activation_on]
        if earlier and earlier[-1][1] > activation[1]:
            # The register never runs back: the activation reading is not the register on
            # the activation date, and a use counted from it would be wrong.
            return (
                f"meter {meter.serial} read {earlier[-1][1]} on {earlier[-1][0].isoformat()}, "
                f"above its activation reading {activation[1]} at {activation_on.isoformat()}; "
                "correct the activation reading (the register on the effective date)"
            )
    if not any(p[0] >= end for p in points):
        return (
            f"meter {meter.serial} has no reading on or after {end.isoformat()} yet "
            "(readings are never estimated)"
        )
    if base is activation:
        inside = [p for p in points if activation_on <= p[0] <= end and p is not base]
    else:
        after = next(k for k, p in enumerate(points) if p is base) + 1
        inside = [p for p in points[after:] if p[0] <= end]
    if not inside:
        return (
            f"meter {meter.serial} has no reading between {base[0].isoformat()} and "
            f"{end.isoformat()} (readings are never estimated)"
        )
    replaced = [p for p in inside if p[2]]
    if replaced:
        return (
            f"meter {meter.serial} was replaced or rolled over on {replaced[0][0].isoformat()}: "
            "the use across it needs a person (RULES.md gives no rule for it)"
        )
    use = inside[-1][1] - base[1]
    if use < 0:  # e.g. a reading after the activation below the activation reading
        return (
            f"meter {meter.serial} reads {inside[-1][1]} on {inside[-1][0].isoformat()}, below "
            f"{base[1]} on {base[0].isoformat()}: check the readings (a use cannot be negative)"
        )
    ccf = gal_to_ccf(use) if meter.unit is MeterUnit.GALLONS else ft3_to_ccf(use)
    since = activation_on if base is activation and activation_on > start else start
    return MeterUse(ccf, since)  # type: ignore[arg-type]


def metered_period(
    method: Method,
    meters: Sequence[Meter],
    readings_of: Callable[[Meter], Sequence[Reading]],
    start: dt.date,
    end: dt.date,
    purchased: Decimal,
    activation_on: dt.date | None,
) -> MeteredPeriod:
    """The engine's input for one billing period: the metered methods' volumes from the
    readings (the one computation the schedule and the billing export share), with the
    first day they cover (`metered_from`: a meter activated inside the period counts from
    its activation reading, so the engine does not scale its use by f again)."""
    roles = _METHOD_ROLES.get(method)
    if roles is None:
        return MeteredPeriod(PeriodInput(start, end, purchased))
    # A meter installed after the period counts from its installation on: adding one to a
    # running credit never changes the periods before it (they were billed without it).
    used = [
        m for m in meters if m.role in roles and (m.installed_on is None or m.installed_on <= end)
    ]
    if not used:
        names = " or ".join(r.value for r in roles)
        return MeteredPeriod(None, f"no {names} meter is recorded for the credit")
    roles_used = {m.role for m in used}
    if (MeterRole.MAKE_UP in roles_used) != (MeterRole.BLOW_DOWN in roles_used):
        return MeteredPeriod(
            None, "evaporation needs both a make-up and a blow-down meter; only one is recorded"
        )
    values: dict[str, Fraction] = {}
    since = end
    for m in used:
        use = meter_use(m, readings_of(m), start, end, _activated_on(m, activation_on))
        if isinstance(use, str):
            return MeteredPeriod(None, use)
        field = _ROLE_FIELDS[m.role]
        values[field] = values.get(field, Fraction(0)) + use.ccf
        since = min(since, use.since)  # meters that measured more days set the span
    if "makeup_ccf" in values and "diverted_ccf" in values:
        return MeteredPeriod(
            None,
            "both a deduct or irrigation meter and make-up and blow-down meters are recorded; "
            "the credit needs one or the other",
        )
    return MeteredPeriod(PeriodInput(start, end, purchased, **values, metered_from=since))


def _activated_on(meter: Meter, credit_from: dt.date | None) -> dt.date | None:
    """When the meter's activation reading applies: the credit's effective date, or the
    meter's installation when it was installed later (its register started there)."""
    if credit_from is None or meter.installed_on is None:
        return credit_from
    return max(credit_from, meter.installed_on)


def period_inputs(
    store: Store,
    method: Method,
    number: str,
    periods: Sequence,
    activation_on: dt.date | None,
) -> list[MeteredPeriod]:
    """metered_period for each of `periods` (objects with start, end and ccf) of credit
    `number`; each meter's readings are read once."""
    meters = store.meters(number) if method in _METHOD_ROLES else []
    cache: dict[int, list[Reading]] = {}

    def readings_of(m: Meter) -> list[Reading]:
        if m.id not in cache:
            cache[m.id] = store.readings(m.id)
        return cache[m.id]

    return [
        metered_period(method, meters, readings_of, p.start, p.end, p.ccf, activation_on)
        for p in periods
    ]
