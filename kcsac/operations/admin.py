"""Administration: normal-sewage surcharge limits (with citation), backup settings, and the
Water Services contact block the letters print."""

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kcsac.domain.documents import Contact
from kcsac.domain.problems import Problem
from kcsac.domain.records import User
from kcsac.domain.roles import Permission
from kcsac.domain.surcharge import SurchargeLimits, check_limits
from kcsac.operations.errors import InvalidInput
from kcsac.operations.users import acting, require
from kcsac.storage import Store

SURCHARGE_LIMITS_KEY = "surcharge.limits"
BACKUP_KEY = "backup"
DEFAULT_BACKUP_KEEP = 10
CONTACT_KEY = "letters.contact"
CONTACT_MAX_LINES = 4
CONTACT_LINE_MAX = 60
_PHONE = re.compile(r"[0-9 +().\-/]+(?: *(?:ext\.?|x) *[0-9]+)?", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class BackupSettings:
    folder: Path | None  # None: the "backups" folder next to the database
    keep: int = DEFAULT_BACKUP_KEEP
    on_start: bool = True


def surcharge_limits(store: Store) -> SurchargeLimits | None:
    """The limits an administrator entered, or None (kcsac ships none: art. IV)."""
    text = store.get_setting(SURCHARGE_LIMITS_KEY)
    if not text:
        return None
    data = json.loads(text)
    return SurchargeLimits(
        Decimal(data["bod"]), Decimal(data["ss"]), Decimal(data["og"]), data["citation"]
    )


def set_surcharge_limits(
    store: Store,
    actor: User | None,
    *,
    bod: str | Decimal,
    ss: str | Decimal,
    og: str | Decimal,
    citation: str,
    today: dt.date,
    reason: str = "",
) -> SurchargeLimits:
    require(store, actor, Permission.ADMINISTER, "set the surcharge limits")
    problems = []
    values = {}
    for name, raw in (("bod", bod), ("ss", ss), ("og", og)):
        try:
            values[name] = Decimal(str(raw).strip())
        except InvalidOperation:
            problems.append(Problem(f"limits.{name}", f"{raw!r} is not a number (mg/L)"))
    if not citation.strip():
        problems.append(Problem("citation", "Cite where the limits come from (ch. 60 art. IV)"))
    if problems:
        raise InvalidInput(problems)
    limits = SurchargeLimits(values["bod"], values["ss"], values["og"], citation.strip())
    problems = check_limits(limits)
    if problems:
        raise InvalidInput(problems)
    with acting(store, actor, Permission.ADMINISTER, "set the surcharge limits") as actor:
        store.set_setting(
            SURCHARGE_LIMITS_KEY,
            json.dumps(
                {
                    "bod": str(limits.bod),
                    "ss": str(limits.ss),
                    "og": str(limits.og),
                    "citation": limits.citation,
                },
                sort_keys=True,
            ),
            actor.login,
            reason=reason or f"entered on {today.isoformat()}",
        )
    return limits


def backup_settings(store: Store) -> BackupSettings:
    text = store.get_setting(BACKUP_KEY)
    if not text:
        return BackupSettings(None)
    data = json.loads(text)
    return BackupSettings(
        Path(data["folder"]) if data.get("folder") else None,
        int(data.get("keep", DEFAULT_BACKUP_KEEP)),
        bool(data.get("on_start", True)),
    )


def set_backup_settings(
    store: Store,
    actor: User | None,
    *,
    folder: Path | str | None,
    keep: int,
    on_start: bool = True,
    today: dt.date,
) -> BackupSettings:
    require(store, actor, Permission.ADMINISTER, "change the backup settings")
    if keep < 1:
        raise InvalidInput([Problem("keep", "Keep at least one backup")])
    if folder and not Path(folder).expanduser().is_dir():
        raise InvalidInput([Problem("folder", f"The folder {folder} does not exist")])
    settings = BackupSettings(Path(folder).expanduser() if folder else None, keep, on_start)
    with acting(store, actor, Permission.ADMINISTER, "change the backup settings") as actor:
        store.set_setting(
            BACKUP_KEY,
            json.dumps(
                {
                    "folder": str(settings.folder) if settings.folder else "",
                    "keep": keep,
                    "on_start": on_start,
                },
                sort_keys=True,
            ),
            actor.login,
            reason=f"changed on {today.isoformat()}",
        )
    return settings


def water_services_contact(store: Store) -> Contact | None:
    """The contact block an administrator entered for the letters, or None: until then a
    letter leaves the block out (kcsac never makes one up)."""
    text = store.get_setting(CONTACT_KEY)
    if not text:
        return None
    data = json.loads(text)
    return Contact(tuple(data["address"]), data["phone"], data["email"])


def contact_problems(address: str, phone: str, email: str) -> list[Problem]:
    """What is wrong with a contact block as typed ([] when nothing; all three empty clears
    the block). The address is up to four lines, as printed under each other."""
    if not (address.strip() or phone.strip() or email.strip()):
        return []
    problems: list[Problem] = []
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if not lines:
        problems.append(Problem("contact.address", "Type Water Services' postal address"))
    elif len(lines) > CONTACT_MAX_LINES:
        problems.append(
            Problem(
                "contact.address",
                f"The address has {len(lines)} lines; a letter prints at most {CONTACT_MAX_LINES}",
            )
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > CONTACT_LINE_MAX:
            problems.append(
                Problem(
                    "contact.address",
                    f"Address line {number} has {len(line)} characters; at most "
                    f"{CONTACT_LINE_MAX} fit on a letter",
                )
            )
    for name, value in (("address", address), ("phone", phone), ("email", email)):
        if any((ord(c) < 32 and c not in "\r\n") or ord(c) == 127 for c in value):
            problems.append(Problem(f"contact.{name}", "Control characters cannot be printed"))
    phone = phone.strip()
    if not phone:
        problems.append(Problem("contact.phone", "Type the phone number customers call"))
    elif len(phone) > 40 or not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 7:
        problems.append(
            Problem(
                "contact.phone",
                f"{phone!r} is not a phone number (digits, spaces, + - ( ) and an optional "
                "ext. 123)",
            )
        )
    email = email.strip()
    if not email:
        problems.append(Problem("contact.email", "Type the e-mail address customers write to"))
    elif len(email) > 100 or not _EMAIL.fullmatch(email):
        problems.append(Problem("contact.email", f"{email!r} is not an e-mail address"))
    return problems


def set_water_services_contact(
    store: Store,
    actor: User | None,
    *,
    address: str,
    phone: str,
    email: str,
    today: dt.date,
) -> Contact | None:
    """Save the contact block every letter issued from now on prints (audited as a setting
    change); all three empty clears it. Letters issued before keep the block they had."""
    actor = require(store, actor, Permission.ADMINISTER, "set the Water Services contact")
    problems = contact_problems(address, phone, email)
    if problems:
        raise InvalidInput(problems)
    lines = tuple(line.strip() for line in address.splitlines() if line.strip())
    contact = Contact(lines, phone.strip(), email.strip()) if lines else None
    value = (
        json.dumps(
            {"address": list(lines), "phone": contact.phone, "email": contact.email},
            sort_keys=True,
        )
        if contact
        else ""
    )
    if value == (store.get_setting(CONTACT_KEY) or ""):
        return contact  # unchanged: nothing to save or audit
    store.set_setting(
        CONTACT_KEY,
        value,
        actor.login,
        reason=f"{'entered' if contact else 'cleared'} on {today.isoformat()}",
    )
    return contact
