"""Who may do what: kcsac's four roles and their permissions (issue 6)."""

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"  # the director's representative
    DIRECTOR = "director"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.CLERK: "Clerk",
    Role.REVIEWER: "Reviewer (director's representative)",
    Role.DIRECTOR: "Director",
    Role.ADMINISTRATOR: "Administrator",
}


class Permission(StrEnum):
    EDIT_RECORDS = "edit records"  # accounts, applications, payments, meters, readings
    RECORD_REVIEW = "record reviews"
    ENTER_DETERMINATION = "enter determinations"
    SIGN = "sign approvals and denials"
    REOPEN = "reopen denied applications"
    REVOKE = "revoke credits"
    SET_FEE = "set a fee the ordinance does not set"
    ADMINISTER = "administer users and settings"
    IMPORT = "import billing files"


_STAFF = {Permission.EDIT_RECORDS, Permission.IMPORT}
_REVIEWER = _STAFF | {Permission.RECORD_REVIEW, Permission.ENTER_DETERMINATION, Permission.SIGN}
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Terms are entered by a reviewer (the director's representative) or the director, never
    # by a clerk (RULES.md, "Who may apply" 4).
    Role.CLERK: frozenset(_STAFF),
    Role.REVIEWER: frozenset(_REVIEWER),
    Role.DIRECTOR: frozenset(
        _REVIEWER | {Permission.REOPEN, Permission.REVOKE, Permission.SET_FEE}
    ),
    # The administrator keeps the system, not the files: no signing (separation of duties).
    Role.ADMINISTRATOR: frozenset(_STAFF | {Permission.ADMINISTER}),
}


def can(role: str | None, permission: Permission) -> bool:
    """Whether a user with `role` may do `permission`; None (unknown login) may only read."""
    if role is None:
        return False
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def roles_with(permission: Permission) -> list[Role]:
    return [role for role in Role if permission in PERMISSIONS[role]]


# Each role as the subject of "... can": who may do something, in plain words.
_WHO = {
    Role.CLERK: "a clerk",
    Role.REVIEWER: "a reviewer (the director's representative)",
    Role.DIRECTOR: "the director",
    Role.ADMINISTRATOR: "an administrator",
}


def who_may(permission: Permission | None) -> str:
    """Who may do `permission`, e.g. "a reviewer (the director's representative) or the
    director"; "any kcsac user" when every role may (and for None: no permission needed)."""
    roles = list(Role) if permission is None else roles_with(permission)
    if len(roles) == len(Role):
        return "any kcsac user"
    names = [_WHO[role] for role in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def person_refusal(
    login: str | None, role: str | None, active: bool, permission: Permission | None, doing: str
) -> str | None:
    """Why the person (`login` None: not a kcsac user, read-only) cannot `doing` (e.g. "record
    reviews"), in plain words that say who can; None when their role allows `permission`
    (None: any active kcsac user may)."""
    who = who_may(permission)
    if login is None:
        return (
            f"You cannot {doing}: your login is not a kcsac user, so kcsac is read-only for "
            f"you; {who} can. Ask the administrator to add you."
        )
    if not active:
        return f"You cannot {doing}: the user {login} is deactivated; {who} can."
    if permission is not None and not can(role, permission):
        try:
            named = Role(role or "").label.lower()
        except ValueError:
            named = f"{role!r}, which kcsac does not know"
        return f"You cannot {doing}: your role is {named}; only {who} can."
    return None
