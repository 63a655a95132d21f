"""Rules about the dates a clerk keys: none after today, none before the application was
received (or before the ordinance took effect). Each returns problems naming both days."""

import datetime as dt

from kcsac.domain.problems import Problem
from kcsac.domain.rates import first_effective_on


def future_date_problems(
    field: str, day: dt.date | None, today: dt.date, what: str
) -> list[Problem]:
    """The problem with a date after today, naming both days (empty when it is not)."""
    if day is None or day <= today:
        return []
    return [
        Problem(
            field,
            f"{day.isoformat()} is in the future; {what} on or before today ({today.isoformat()})",
        )
    ]


def before_received_problems(
    field: str, day: dt.date | None, received_on: dt.date | None, what: str
) -> list[Problem]:
    """The problem with a date before the application was received (or before the first rate
    table kcsac holds, when the ordinance was not yet in force), naming both days."""
    if day is None:
        return []
    first = first_effective_on()
    if received_on is not None and day < received_on:
        return [
            Problem(
                field,
                f"{day.isoformat()} is before {received_on.isoformat()}, when the application "
                f"was received; {what} on or after that day",
            )
        ]
    if day < first:
        return [
            Problem(
                field,
                f"{day.isoformat()} is before {first.isoformat()}, when the ordinance took "
                f"effect; {what} on or after that day",
            )
        ]
    return []
