"""DeskContext: what every window and dialog of the desk needs (store, who, today)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kcsac.domain.records import ApplicationDetail, User
from kcsac.domain.roles import Permission, can
from kcsac.operations import queries
from kcsac.operations.database import Store


@dataclass(frozen=True)
class DeskContext:
    """The open store, the signed-in kcsac user and the clock (only app start reads it)."""

    store: Store
    user: User | None  # None: the OS login is not a kcsac user, so the desk is read-only
    today: Callable[[], dt.date]
    db_path: Path | None = None
    os_login: str = ""

    @property
    def read_only(self) -> bool:
        return self.user is None

    @property
    def login(self) -> str:
        return self.user.login if self.user else self.os_login

    def may(self, permission: Permission) -> bool:
        return self.user is not None and can(self.user.role, permission)

    def application_detail(self, number: str) -> ApplicationDetail:
        """Everything about the file `number`, as the signed-in user sees it today (raises
        RecordError when there is no such file)."""
        return queries.application_detail(self.store, number, self.user, today=self.today())
