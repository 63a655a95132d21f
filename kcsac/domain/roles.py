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
    Role.CLERK: frozenset(_STAFF | {Permission.ENTER_DETERMINATION}),
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
