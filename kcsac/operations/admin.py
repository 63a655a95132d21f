"""Administration: normal-sewage surcharge limits (with citation) and backup settings."""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

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
