"""The determination: the method and parameters of the credit, entered (or revised, or
amended) before the director signs."""

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation

from kcsac.domain.actions import Action
from kcsac.domain.determination import DeterminationTerms, check_terms
from kcsac.domain.method import Method
from kcsac.domain.problems import Problem
from kcsac.domain.records import (
    Determination,
    User,
)
from kcsac.domain.roles import Permission
from kcsac.domain.status import Status
from kcsac.operations.errors import InvalidInput, Refused, StaleRecord
from kcsac.operations.permits import check, require_action
from kcsac.operations.progress import refresh_status
from kcsac.operations.users import acting
from kcsac.storage import Store


def _decimal(text: object, field: str, problems: list[Problem]) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        problems.append(Problem(field, f"{text!r} is not a number"))
        return None
    if not value.is_finite():
        problems.append(Problem(field, f"{text!r} is not a number"))
        return None
    return value


def enter_determination(
    store: Store,
    actor: User | None,
    number: str,
    *,
    method: Method | str,
    percent: Decimal | str | None = None,
    fixed_ccf: Decimal | str | None = None,
    justification: str = "",
    today: dt.date,
    expected_version: int | None = None,
) -> Determination:
    """Enter (or revise, while unsigned) the determination. On an approved credit this starts
    an amendment: a new determination that needs its own signature."""
    actor = require_action(store, actor, Action.DETERMINATION)
    problems: list[Problem] = []
    try:
        method = Method(method)
    except ValueError:
        raise InvalidInput([Problem("method", f"{method!r} is not a method")]) from None
    terms = DeterminationTerms(
        method, _decimal(percent, "percent", problems), _decimal(fixed_ccf, "fixed_ccf", problems)
    )
    problems.extend(check_terms(terms))
    if method is Method.PERCENTAGE and not justification.strip():
        problems.append(Problem("justification", "The director's justification for p is required"))
    if problems:
        raise InvalidInput(problems)
    with acting(store, actor, Permission.ENTER_DETERMINATION, "enter determinations") as actor:
        app = store.get_application(number)
        # On an approved credit, new terms are an amendment.
        entering = Action.AMEND if app.status is Status.APPROVED else Action.DETERMINATION
        check(store, actor, entering, app)
        existing = store.determinations(number)
        current = existing[-1] if existing else None
        values = Determination(
            0,
            number,
            method,
            terms.percent,
            terms.fixed_ccf,
            justification.strip(),
            actor.login,
            today,
        )
        unsigned = current if current is not None and not current.locked else None
        if (unsigned.version if unsigned else None) != expected_version:
            raise _stale(store, number, current)
        if unsigned is not None:
            saved = store.save_determination(
                dataclasses.replace(values, id=unsigned.id),
                expected_version=unsigned.version,
                actor=actor.login,
            )
        else:
            if app.status is not Status.APPROVED and current is not None:
                raise Refused("The determination is signed; it changes only by amendment")
            amends = current.id if current is not None else None
            saved = store.add_determination(dataclasses.replace(values, amends=amends), actor.login)
        if app.status is not Status.APPROVED:
            refresh_status(
                store, store.get_application(number), actor.login, "determination entered"
            )
        return saved


def _stale(store: Store, number: str, current: Determination | None) -> StaleRecord:
    """The refusal of a save over terms that changed since they were read: who saved (or
    signed) them in between, and when."""
    what = f"The determination for {number}"
    if current is None:  # read unsigned terms that are gone (cannot happen through kcsac)
        return StaleRecord(what, "", "")
    if current.locked:
        signed = [d for d in store.decisions(number) if d.determination_id == current.id]
        if signed:
            return StaleRecord(what, signed[-1].decided_by, signed[-1].recorded_at)
    when = current.entered_on.isoformat() if current.entered_on else ""
    return StaleRecord(what, current.entered_by, when)
