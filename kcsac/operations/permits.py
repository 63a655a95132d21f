"""Every operation asks domain.actions the question the desk asks: may this person take this
action on this file now? A refusal raises NotPermitted (the person: role, read-only login,
deactivated user) or Refused (the file's state), with the domain's reason word for word.

    actor = require_action(store, actor, Action.REVIEW)   # before anything is read
    with acting(store, actor, permission, doing) as actor:
        app = store.get_application(number)
        check(store, actor, Action.REVIEW, app)           # inside the write transaction
"""

from kcsac.domain.actions import (
    Action,
    FileFacts,
    Refusal,
    doing,
    permission_of,
    person_reason,
)
from kcsac.domain.actions import refusal as domain_refusal
from kcsac.domain.records import SacApplication, User
from kcsac.operations.errors import NotPermitted, Refused
from kcsac.operations.signing_rules import blockers_to_sign
from kcsac.operations.users import require
from kcsac.storage import Store


def require_action(store: Store, actor: User | None, action: Action) -> User:
    """The actor as stored now, if they in person may take `action` (whatever the file);
    else NotPermitted with the domain's reason (through users.require, which reads who is
    acting from the database)."""
    why = person_reason(action, actor)
    if why or actor is None:  # (an action a read-only login may take needs no actor here)
        raise NotPermitted(why or f"You cannot {doing(action)}: kcsac is read-only for you.")
    permission = permission_of(action)
    return require(store, actor, permission, doing(action)) if permission else actor


def file_facts(store: Store, app: SacApplication, *, signing: bool = False) -> FileFacts:
    """What the rules read about `app`, as stored now (call inside the write transaction);
    `signing`: also what keeps anyone from signing it (only signing asks, and it costs the
    eligibility and ownership queries)."""
    number = app.number
    determinations = store.determinations(number)
    return FileFacts(
        application=app,
        reviews=tuple(store.reviews(number)),
        determination=determinations[-1] if determinations else None,
        meters=len(store.meters(number)),
        signing_blockers=tuple(blockers_to_sign(store, number)) if signing else (),
    )


def check(store: Store, actor: User | None, action: Action, app: SacApplication) -> None:
    """Raise NotPermitted or Refused, with the domain's reason, unless `actor` may take
    `action` on `app` now (as stored)."""
    facts = file_facts(store, app, signing=action is Action.APPROVE)
    found = domain_refusal(action, facts, actor)
    if found is not None:
        raise refused(found)


def refused(found: Refusal) -> NotPermitted | Refused:
    """The error an operation raises for the domain's refusal (str() is its reason)."""
    if found.by_person:
        return NotPermitted(found.reason)
    if found.blockers:
        return Refused(found.headline, found.blockers)
    return Refused(found.reason)
