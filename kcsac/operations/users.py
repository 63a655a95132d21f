"""Users: who acts (the OS account, or a kcsac user signed in with a password), roles, and
passwords (salted scrypt).

Every operation asks `require` (at its start, to refuse early) and runs its writes inside
`acting` (the write transaction): both read the acting user's role and active flag from the
database, never from the caller's object, so a desk opened before a director was demoted or
deactivated cannot act on the old role. A sensitive act (sign, deny, reopen, revoke, set a
fee, change users, roles or passwords, restore) takes the user's password and checks it
(WrongPassword) before it writes.
"""

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterator

from kcsac.domain.records import User
from kcsac.domain.roles import Permission, Role, person_refusal
from kcsac.operations.errors import InvalidInput, NotPermitted, WrongPassword
from kcsac.storage import Store

# scrypt cost: ~50 ms on a desk PC; the parameters are stored with each hash.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8
SIGN_IN_REFUSED = "The login or password is not correct."
WRONG_PASSWORD = "The password is not correct; nothing was signed or changed."
HOW_TO_SET = "the desk asks for it; on the command line: kcsac user set-password"
_dummy_hash = ""  # checked against for an unknown login, so both cost the same time


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode("utf-8"),
        salt=bytes.fromhex(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(digest) // 2,
    )
    return hmac.compare_digest(candidate.hex(), digest)


def _fresh(store: Store, actor: User | None, doing: str) -> User:
    """`actor` as the database holds it now: a kcsac user who is active."""
    if actor is None:
        raise NotPermitted(
            f"You cannot {doing}: your login is not a kcsac user, so kcsac is read-only for you. "
            "Ask the administrator to add you."
        )
    current = store.get_user(actor.login)
    if current is None:
        raise NotPermitted(f"You cannot {doing}: {actor.login} is not a kcsac user.")
    if not current.active:
        raise NotPermitted(f"You cannot {doing}: the user {actor.login} is deactivated.")
    return current


def require(store: Store, actor: User | None, permission: Permission, doing: str) -> User:
    """The acting user as the database holds it now, if they are an active kcsac user whose
    role allows `permission`; else NotPermitted naming why, in the words of
    domain.roles.person_refusal (as the desk's tips say it)."""
    current = store.get_user(actor.login) if actor is not None else None
    if actor is not None and current is None:
        raise NotPermitted(f"You cannot {doing}: {actor.login} is not a kcsac user.")
    why = person_refusal(
        current.login if current else None,
        current.role if current else None,
        current.active if current else False,
        permission,
        doing,
    )
    if why or current is None:
        raise NotPermitted(why)
    return current


@contextlib.contextmanager
def acting(
    store: Store,
    actor: User | None,
    permission: Permission,
    doing: str,
    *,
    password: str | None = None,
) -> Iterator[User]:
    """An operation's write transaction, as the acting user read again inside it:

        with acting(store, actor, Permission.SIGN, "deny applications", password=pw) as actor:
            ...

    `password` (for a sensitive act) is checked first, outside the write lock (scrypt takes
    ~50 ms); the role and active flag are checked again once the lock is held, so a demotion
    saved by another desk a moment before is seen."""
    if password is not None:
        check_password(store, require(store, actor, permission, doing), password)
    with store.write():
        yield require(store, actor, permission, doing)


def current_user(store: Store, login: str) -> User | None:
    """The kcsac user for a login (the OS account); None means read-only."""
    user = store.get_user(login) if login else None
    return user if user is not None and user.active else None


def sign_in(store: Store, login: str, password: str) -> User:
    """The kcsac user `login`, if `password` is theirs. The refusal never says which of the
    two was wrong (an unknown login costs the same time as a wrong password)."""
    global _dummy_hash
    login = login.strip()
    user = store.get_user(login) if login else None
    stored = store.password_hash(login) if user is not None else ""
    if not stored:
        _dummy_hash = _dummy_hash or hash_password(secrets.token_hex(16))
    matches = password_matches(password, stored or _dummy_hash)
    if user is None or not stored or not matches:
        raise WrongPassword(SIGN_IN_REFUSED)
    if not user.active:
        raise NotPermitted(f"The user {login} is deactivated; ask the administrator.")
    return user


def ensure_first_admin(store: Store, login: str, today: dt.date, name: str = "") -> User | None:
    """On the first start (no users yet) make `login` the administrator; else do nothing.
    The first administrator has no password yet: they set one (`set_own_password`) before
    any act that needs it."""
    with store.write():
        if store.count_users() > 0:
            return None
        return store.insert_user(
            User(login=login, name=name or login, title="Administrator", role=Role.ADMINISTRATOR),
            login,
            reason=f"first start on {today.isoformat()}: the first user administers kcsac",
        )


def check_password(store: Store, user: User, password: str) -> None:
    """Raise WrongPassword unless `password` is the user's kcsac password."""
    stored = store.password_hash(user.login)
    if not stored:
        raise WrongPassword(
            f"{user.login} has no kcsac password yet; set one first ({HOW_TO_SET}). "
            "Nothing was signed or changed."
        )
    if not password_matches(password, stored):
        raise WrongPassword(WRONG_PASSWORD)


def password_problems(password: str) -> list[str]:
    """What is wrong with a new password ([] when nothing): shown before it is refused."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"The password must have at least {MIN_PASSWORD_LENGTH} characters"]
    return []


def _check_new_password(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise InvalidInput(problems)


def set_own_password(
    store: Store, actor: User | None, new_password: str, *, old_password: str | None = None
) -> None:
    """Set the password at first use, or change it (the old one is then required)."""
    _check_new_password(new_password)
    with store.write():
        actor = _fresh(store, actor, "set a password")
        if store.password_hash(actor.login):
            if old_password is None:
                raise WrongPassword("Enter your current password to change it")
            check_password(store, actor, old_password)
        store.set_password_hash(
            actor.login, hash_password(new_password), actor.login, "password set"
        )


def add_user(
    store: Store,
    actor: User | None,
    *,
    login: str,
    name: str,
    title: str,
    role: Role | str,
    password: str,
    today: dt.date,
) -> User:
    """A new kcsac user (no password yet: they set it at first use, or the administrator
    resets it). `password` is the administrator's own."""
    require(store, actor, Permission.ADMINISTER, "add users")
    problems = []
    if not login.strip():
        problems.append("The login is empty")
    if not name.strip():
        problems.append("The name is empty")
    chosen = Role(role) if role in set(Role) else None
    if chosen is None:
        problems.append(f"{role!r} is not a role (clerk, reviewer, director, administrator)")
    if problems or chosen is None:
        raise InvalidInput(problems)
    with acting(store, actor, Permission.ADMINISTER, "add users", password=password) as actor:
        return store.insert_user(
            User(login=login.strip(), name=name.strip(), title=title.strip(), role=chosen.value),
            actor.login,
            reason=f"added on {today.isoformat()}",
        )


def change_user(
    store: Store,
    actor: User | None,
    user: User,
    *,
    password: str,
    reason: str = "",
    today: dt.date,
) -> User:
    """Save name/title/role/active of `user` (as read, with its version); `password` is the
    administrator's own."""
    require(store, actor, Permission.ADMINISTER, "change users")
    try:
        Role(user.role)
    except ValueError:
        raise InvalidInput([f"{user.role!r} is not a role"]) from None
    with acting(store, actor, Permission.ADMINISTER, "change users", password=password) as actor:
        if user.role != Role.ADMINISTRATOR or not user.active:
            admins = [
                u
                for u in store.users()
                if u.role == Role.ADMINISTRATOR and u.active and u.login != user.login
            ]
            if not admins:
                raise InvalidInput(["kcsac needs at least one active administrator"])
        return store.save_user(
            user,
            expected_version=user.version,
            actor=actor.login,
            reason=reason or f"changed on {today.isoformat()}",
        )


def reset_password(
    store: Store,
    actor: User | None,
    login: str,
    new_password: str,
    *,
    password: str,
    today: dt.date,
) -> None:
    """Administrator sets a new password for `login`; the audit row says only that it was
    reset. `password` is the administrator's own."""
    require(store, actor, Permission.ADMINISTER, "reset passwords")
    _check_new_password(new_password)
    with acting(store, actor, Permission.ADMINISTER, "reset passwords", password=password) as actor:
        store.set_password_hash(
            login,
            hash_password(new_password),
            actor.login,
            f"password reset on {today.isoformat()}",
        )


def _role_label(role: str) -> str:
    try:
        return Role(role).label.lower()
    except ValueError:
        return role
