"""Users: the OS login mapped to a kcsac user, roles, and passwords (salted scrypt)."""

import datetime as dt
import hashlib
import hmac
import secrets

from kcsac.domain.records import User
from kcsac.domain.roles import Permission, Role, person_refusal
from kcsac.operations.errors import InvalidInput, NotPermitted, WrongPassword
from kcsac.storage import Store

# scrypt cost: ~50 ms on a desk PC; the parameters are stored with each hash.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8


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


def require(actor: User | None, permission: Permission, doing: str) -> User:
    """The actor, if their role allows `permission`; else NotPermitted naming who may (in
    the words of domain.roles.person_refusal, as the desk's tips say it)."""
    why = person_refusal(
        actor.login if actor else None,
        actor.role if actor else None,
        actor.active if actor else False,
        permission,
        doing,
    )
    if why or actor is None:
        raise NotPermitted(why)
    return actor


def current_user(store: Store, login: str) -> User | None:
    """The kcsac user for an OS login; None means read-only."""
    user = store.get_user(login)
    return user if user is not None and user.active else None


def ensure_first_admin(store: Store, login: str, today: dt.date, name: str = "") -> User | None:
    """On the first start (no users yet) make `login` the administrator; else do nothing."""
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
            f"{user.login} has no kcsac password yet; set one first (it is asked for when signing)"
        )
    if not password_matches(password, stored):
        raise WrongPassword("The password is not correct; nothing was signed or changed.")


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput([f"The password must have at least {MIN_PASSWORD_LENGTH} characters"])


def set_own_password(
    store: Store, actor: User, new_password: str, *, old_password: str | None = None
) -> None:
    """Set the password at first use, or change it (the old one is then required)."""
    if actor is None:
        raise NotPermitted("Only a kcsac user can set a password")
    _check_new_password(new_password)
    if store.password_hash(actor.login):
        if old_password is None:
            raise WrongPassword("Enter your current password to change it")
        check_password(store, actor, old_password)
    store.set_password_hash(actor.login, hash_password(new_password), actor.login, "password set")


def add_user(
    store: Store,
    actor: User | None,
    *,
    login: str,
    name: str,
    title: str,
    role: Role | str,
    today: dt.date,
) -> User:
    require(actor, Permission.ADMINISTER, "add users")
    problems = []
    if not login.strip():
        problems.append("The login is empty")
    if not name.strip():
        problems.append("The name is empty")
    try:
        role = Role(role)
    except ValueError:
        problems.append(f"{role!r} is not a role (clerk, reviewer, director, administrator)")
    if problems:
        raise InvalidInput(problems)
    return store.insert_user(
        User(login=login.strip(), name=name.strip(), title=title.strip(), role=role.value),
        actor.login,
        reason=f"added on {today.isoformat()}",
    )


def change_user(
    store: Store, actor: User | None, user: User, *, reason: str = "", today: dt.date
) -> User:
    """Save name/title/role/active of `user` (as read, with its version)."""
    require(actor, Permission.ADMINISTER, "change users")
    Role(user.role)
    if user.login == actor.login and (user.role != Role.ADMINISTRATOR or not user.active):
        admins = [u for u in store.users() if u.role == Role.ADMINISTRATOR and u.active]
        if len(admins) <= 1:
            raise InvalidInput(["kcsac needs at least one active administrator"])
    return store.save_user(
        user,
        expected_version=user.version,
        actor=actor.login,
        reason=reason or f"changed on {today.isoformat()}",
    )


def reset_password(
    store: Store, actor: User | None, login: str, new_password: str, *, today: dt.date
) -> None:
    """Administrator sets a new password for `login`; the audit row says only that it was reset."""
    require(actor, Permission.ADMINISTER, "reset passwords")
    _check_new_password(new_password)
    store.set_password_hash(
        login, hash_password(new_password), actor.login, f"password reset on {today.isoformat()}"
    )
