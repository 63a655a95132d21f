"""Who a command acts as: the OS account of the process, or `--user LOGIN` with a password.

Without --user a command acts as the operating-system account (kcsac.operations.identity,
never LOGNAME or USER). With --user it signs in as that kcsac user: the password is asked on
the terminal (no echo) or read as one line from standard input (--password-stdin). A wrong
password is refused in one line (exit 3) before anything is read or written. A sensitive act
(restore, changes to users and passwords) asks the password of whoever acts, once per run.
"""

import argparse
import getpass
import sys

from kcsac.domain.records import User
from kcsac.operations import users
from kcsac.operations.errors import InvalidInput, NotPermitted, WrongPassword
from kcsac.operations.identity import os_account
from kcsac.storage import Store

_PASSWORD = "_kcsac_password"  # the acting user's password, once read (never printed)


class NoTerminal(Exception):  # noqa: N818 - read as a sentence: "no terminal"
    """A password is needed, but there is no terminal to ask it on (and no --password-stdin)."""


def add_identity_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """--user and --password-stdin, before the command (the main parser) or after it
    (`suppress`: a subcommand's copy that does not overwrite what was given before it)."""
    default_user = argparse.SUPPRESS if suppress else None
    default_stdin = argparse.SUPPRESS if suppress else False
    parser.add_argument(
        "--user",
        default=default_user,
        metavar="LOGIN",
        help="act as this kcsac user, with their password (default: the operating-system "
        "account running kcsac)",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=default_stdin,
        help="read the password from the first line of standard input instead of asking",
    )


def login_of(args: argparse.Namespace) -> str:
    """The login a command acts as: --user, else the OS account ("" when it has no name)."""
    given = getattr(args, "user", None)
    return given.strip() if given else os_account()


def acting_user(
    args: argparse.Namespace, store: Store, *, today=None, first_admin: bool = False
) -> User | None:
    """The kcsac user the command acts as (None: not a kcsac user, so read-only).

    --user LOGIN is checked against the password now (WrongPassword otherwise). Without it,
    the OS account acts; on a database with no users yet it becomes the first administrator
    when `first_admin` (a note on stderr says how to set their password)."""
    if getattr(args, "user", None):
        password = read_password(args, f"kcsac password of {args.user.strip()}: ")
        return users.sign_in(store, args.user, password)
    login = os_account()
    if not login:
        return None
    if first_admin and today is not None:
        made = users.ensure_first_admin(store, login, today)
        if made is not None:
            print(
                f"kcsac: first start: {login} is now the kcsac administrator of {store.path}; "
                "set a password with `kcsac user set-password` before administering users "
                "or restoring",
                file=sys.stderr,
            )
    return users.current_user(store, login)


def password_of(args: argparse.Namespace, store: Store, user: User | None, doing: str) -> str:
    """The acting user's password for a sensitive act (asked once per run; with --user it
    was asked at sign-in). A user with no password yet is told how to set one."""
    cached = getattr(args, _PASSWORD, None)
    if cached is not None:
        return cached
    if user is None:
        raise NotPermitted(
            f"You cannot {doing}: {login_of(args) or 'this account'} is not a kcsac user"
        )
    if not store.password_hash(user.login):
        users.check_password(store, user, "")  # raises WrongPassword saying how to set one
    return read_password(args, f"kcsac password of {user.login} (to {doing}): ")


def read_password(args: argparse.Namespace, prompt: str) -> str:
    """One password: a line of standard input (--password-stdin), else typed on the
    terminal without echo. Kept for the rest of the run, so it is asked once."""
    cached = getattr(args, _PASSWORD, None)
    if cached is not None:
        return cached
    password = _read_secret(args, prompt)
    setattr(args, _PASSWORD, password)
    return password


def read_new_password(args: argparse.Namespace, login: str) -> str:
    """A new password for `login`: the next line of standard input (--password-stdin), else
    typed twice on the terminal. Its rule (length) is checked here, before anything else."""
    if getattr(args, "password_stdin", False):
        new = _stdin_line("the new password")
    else:
        new = _read_secret(args, f"new kcsac password of {login}: ")
        again = _read_secret(args, f"the new password of {login} again: ")
        if new != again:
            raise InvalidInput(["The two new passwords differ; nothing was changed"])
    problems = users.password_problems(new)
    if problems:
        raise InvalidInput(problems)
    return new


def _read_secret(args: argparse.Namespace, prompt: str) -> str:
    if getattr(args, "password_stdin", False):
        return _stdin_line("the password")
    if not sys.stdin.isatty():
        raise NoTerminal(
            "a password is needed and there is no terminal to ask it on; give it as one line "
            "of standard input with --password-stdin"
        )
    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


def _stdin_line(what: str) -> str:
    line = sys.stdin.readline()
    if not line:
        raise NoTerminal(f"--password-stdin: standard input ended before {what}")
    return line.rstrip("\r\n")


__all__ = [
    "NoTerminal",
    "WrongPassword",
    "acting_user",
    "add_identity_options",
    "login_of",
    "password_of",
    "read_new_password",
    "read_password",
]
