"""`kcsac user ...`: list the users, set your own password, and (administrator) add a user,
change a user's role or active flag, reset a password. Every change asks the password of
whoever acts (the OS account, or --user), on the terminal or from --password-stdin.

With --password-stdin the lines are read in order: first the acting user's password (when
one is needed), then the new password (set-password, reset-password).
"""

import argparse
import dataclasses
import datetime as dt
import sys

from kcsac.cli import EXIT_FILE, EXIT_OK, EXIT_RULE, EXIT_USAGE
from kcsac.cli.acting import acting_user, password_of, read_new_password, read_password
from kcsac.cli.database import open_or_explain
from kcsac.cli.fee_cmd import one_line_errors
from kcsac.domain.records import RecordError
from kcsac.domain.roles import Permission, Role
from kcsac.operations import users
from kcsac.operations.errors import InvalidInput, NotFound, NotPermitted
from kcsac.storage import Store

ROLES = tuple(r.value for r in Role)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    user = subparsers.add_parser(
        "user",
        help="kcsac users: list them, set your password; an administrator adds and changes them",
    )
    sub = user.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = sub.add_parser("list", parents=[common], help="every user: login, role, active, password")
    p.set_defaults(func=_list)
    one_line_errors(p)

    p = sub.add_parser(
        "set-password",
        parents=[common],
        help="set your own kcsac password (or change it: the current one is asked first)",
        description="Set the kcsac password of whoever acts (the operating-system account, or "
        "--user). A first administrator sets theirs before any act that needs it. Asked on "
        "the terminal (the new one twice); with --password-stdin: the current password on "
        "the first line (when one is set), the new one on the next.",
    )
    p.set_defaults(func=_set_password)
    one_line_errors(p)

    p = sub.add_parser(
        "add",
        parents=[common],
        help="administrator: add a user (asks your password)",
        description="Add a kcsac user. They have no password until they set one at their own "
        "login (`kcsac user set-password`, or the desk asks) or an administrator resets it.",
    )
    p.add_argument("login", metavar="LOGIN", help="their operating-system account name")
    p.add_argument("--name", required=True, help="full name (printed on letters they sign)")
    p.add_argument("--title", default="", help="title, e.g. Program Clerk")
    p.add_argument("--role", required=True, choices=ROLES, metavar="ROLE", help=", ".join(ROLES))
    p.set_defaults(func=_add)
    one_line_errors(p)

    p = sub.add_parser(
        "change",
        parents=[common],
        help="administrator: change a user's name, title, role or active flag (asks your password)",
    )
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--name")
    p.add_argument("--title")
    p.add_argument("--role", choices=ROLES, metavar="ROLE", help=", ".join(ROLES))
    active = p.add_mutually_exclusive_group()
    active.add_argument("--activate", dest="active", action="store_const", const=True)
    active.add_argument("--deactivate", dest="active", action="store_const", const=False)
    p.add_argument("--reason", default="", help="why (kept in the audit trail)")
    p.set_defaults(func=_change)
    one_line_errors(p)

    p = sub.add_parser(
        "reset-password",
        parents=[common],
        help="administrator: give a user a new password (asks yours, then theirs twice)",
    )
    p.add_argument("login", metavar="LOGIN")
    p.set_defaults(func=_reset_password)
    one_line_errors(p)


def _today() -> dt.date:
    return dt.date.today()  # the CLI may read the clock; the operations never do


def _fail(message: str, status: int) -> int:
    print(f"kcsac: {message}", file=sys.stderr)
    return status


def _run(args: argparse.Namespace, act, *, read_only: bool = False) -> int:
    """Open the database, run `act(store)` (its result printed), one line on a refusal."""
    store = open_or_explain(getattr(args, "db", None), read_only=read_only)
    if store is None:
        return EXIT_FILE
    try:
        said = act(store)
    except NotFound as exc:
        return _fail(str(exc), EXIT_USAGE)
    except RecordError as exc:
        return _fail(str(exc), EXIT_RULE)
    finally:
        store.close()
    if said:
        print(said)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    def act(store: Store) -> str:
        rows = [("login", "name", "role", "active", "password")]
        for u in store.users():
            rows.append(
                (
                    u.login,
                    u.name,
                    u.role,
                    "yes" if u.active else "no",
                    "set" if u.has_password else "not set",
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        )

    return _run(args, act, read_only=True)


def _set_password(args: argparse.Namespace) -> int:
    def act(store: Store) -> str:
        user = acting_user(args, store, today=_today(), first_admin=True)
        if user is None:
            raise NotPermitted(
                "Only a kcsac user can set a password; ask the administrator to add you"
            )
        old = None
        if store.password_hash(user.login):
            old = read_password(args, f"current kcsac password of {user.login}: ")
            users.check_password(store, user, old)  # before the new one is typed
        new = read_new_password(args, user.login)
        users.set_own_password(store, user, new, old_password=old)
        return f"the kcsac password of {user.login} is set"

    return _run(args, act)


def _administrator(args: argparse.Namespace, store: Store, doing: str):
    """The acting administrator, and their password (asked once the role allows it)."""
    actor = acting_user(args, store, today=_today(), first_admin=True)
    users.require(store, actor, Permission.ADMINISTER, doing)
    return actor, password_of(args, store, actor, doing)


def _add(args: argparse.Namespace) -> int:
    def act(store: Store) -> str:
        actor, password = _administrator(args, store, "add users")
        made = users.add_user(
            store,
            actor,
            login=args.login,
            name=args.name,
            title=args.title,
            role=args.role,
            password=password,
            today=_today(),
        )
        return (
            f"user {made.login} added as {made.role}; they have no password yet (they set it "
            "with `kcsac user set-password`, or an administrator resets it)"
        )

    return _run(args, act)


def _change(args: argparse.Namespace) -> int:
    def act(store: Store) -> str:
        target = store.get_user(args.login.strip())
        if target is None:
            raise NotFound(f"There is no kcsac user {args.login.strip()}")
        changes = {
            name: value
            for name, value in (
                ("name", args.name),
                ("title", args.title),
                ("role", args.role),
                ("active", args.active),
            )
            if value is not None
        }
        if not changes:
            raise InvalidInput(
                ["Nothing to change: give --name, --title, --role, --activate or --deactivate"]
            )
        actor, password = _administrator(args, store, "change users")
        saved = users.change_user(
            store,
            actor,
            dataclasses.replace(target, **changes),
            password=password,
            reason=args.reason,
            today=_today(),
        )
        state = "active" if saved.active else "deactivated"
        return f"user {saved.login}: {saved.role}, {state}"

    return _run(args, act)


def _reset_password(args: argparse.Namespace) -> int:
    def act(store: Store) -> str:
        login = args.login.strip()
        if store.get_user(login) is None:
            raise NotFound(f"There is no kcsac user {login}")
        actor, password = _administrator(args, store, "reset passwords")
        users.check_password(store, actor, password)  # before their new one is typed
        new = read_new_password(args, login)
        users.reset_password(store, actor, login, new, password=password, today=_today())
        return f"the kcsac password of {login} was reset; tell it to them in person"

    return _run(args, act)
