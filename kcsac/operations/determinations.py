"""The determination: the method and parameters of the credit, entered (or revised, or
amended) before the director signs."""

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation

from kcsac.domain.category import Category
from kcsac.domain.determination import DeterminationTerms, check_terms
from kcsac.domain.method import Method
from kcsac.domain.problems import Problem
from kcsac.domain.records import (
    Determination,
    User,
)
from kcsac.domain.roles import Permission
from kcsac.domain.status import Status
from kcsac.operations.errors import InvalidInput, Refused
from kcsac.operations.progress import refresh_status
from kcsac.operations.users import require
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
    require(actor, Permission.ENTER_DETERMINATION, "enter determinations")
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
    with store.write():
        app = store.get_application(number)
        if app.category is Category.OWNERSHIP_CHANGE:
            raise Refused("An ownership change carries over the prior credit's determination")
        if app.status not in (
            Status.IN_REVIEW,
            Status.AWAITING_DECISION,
            Status.APPROVED,
            Status.AWAITING_FEE,
        ):
            raise Refused(
                f"Application {number} is {app.status.label.lower()}; no determination "
                "can be entered now"
            )
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
        if current is not None and not current.locked:
            version = expected_version if expected_version is not None else current.version
            saved = store.save_determination(
                dataclasses.replace(values, id=current.id),
                expected_version=version,
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
