"""PasswordGate: every sensitive act asks the acting user's kcsac password again, then runs.

    gate = PasswordGate(context, parent=dialog)
    gate.ask(
        "deny SAC-2026-0001",
        lambda password: approvals.deny(..., password=password),
        permission=(Permission.SIGN, "deny applications"),  # as the operation asks it
        succeeded=on_denied,     # called with the operation's result
        refused=show_refusal,    # called with its RecordError (not a wrong password)
    )

The operation itself checks the password (WrongPassword) and the user's role as stored now;
the gate only asks, and first checks `permission` the way the operation will
(`operations.users.require`), so someone who may not act is told so without being asked a
password. A wrong password keeps the prompt open with the operation's message, any
other refusal closes it and goes to `refused`; Cancel calls neither. A user with no password
yet (the first administrator, a new user) chooses one first (`operations.users.set_own_password`
checks its rule) and the act runs with it. While the prompt is open it is `gate.prompt`.
"""

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDialog, QWidget

from kcsac.domain.records import RecordError
from kcsac.domain.roles import Permission
from kcsac.operations import users
from kcsac.operations.errors import WrongPassword
from kcsac.ui.busy import busy
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.password_prompt import PasswordPrompt


class PasswordGate(QObject):
    """Asks the password of the desk's user for one act at a time (see the module)."""

    def __init__(self, context: DeskContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self._parent = parent
        self.prompt: PasswordPrompt | None = None
        self._act: Callable[[str], Any] = lambda _password: None
        self._succeeded: Callable[[Any], None] = lambda _result: None
        self._refused: Callable[[RecordError], None] = lambda _error: None
        self._outcome: tuple[bool, Any] | None = None  # (done, result or refusal)

    def ask(
        self,
        purpose: str,
        act: Callable[[str], Any],
        *,
        permission: tuple[Permission, str] | None = None,
        succeeded: Callable[[Any], None],
        refused: Callable[[RecordError], None],
    ) -> None:
        """Open the prompt for `purpose` ("deny SAC-2026-0001"); `act(password)` runs when
        it is accepted."""
        if self.prompt is not None:
            return
        self._act, self._succeeded, self._refused = act, succeeded, refused
        self._outcome = None
        user = self.context.user
        if permission is not None:
            try:
                users.require(self.context.store, user, *permission)
            except RecordError as exc:
                refused(exc)
                return
        stored = self.context.store.get_user(user.login) if user is not None else None
        if stored is None or not stored.active:
            # Not a user (any more): the operation says why, without asking a password.
            try:
                self._run("")
            except WrongPassword as exc:
                self._outcome = (False, exc)
            self._deliver()
            return
        if stored.has_password:
            prompt = PasswordPrompt.for_reentry(
                login=stored.login, purpose=purpose, check=self._run, parent=self._parent
            )
        else:
            prompt = PasswordPrompt.for_new_password(
                login=stored.login, check=self._set_then_run, parent=self._parent
            )
            prompt.intro_label.setText(
                f"No kcsac password is set for <b>{escape(stored.login)}</b> yet. Choose one "
                f"(at least {users.MIN_PASSWORD_LENGTH} characters) to {escape(purpose)}; kcsac "
                "asks for it again at every signature and every change to users or passwords."
            )
        self.prompt = prompt
        prompt.finished.connect(self._on_prompt_finished)
        prompt.open()

    def _set_then_run(self, password: str) -> None:
        """First use: set the password (its rule is checked there), then act with it."""
        users.set_own_password(self.context.store, self.context.user, password)
        self._run(password)

    def _run(self, password: str) -> None:
        """The prompt's check: a wrong password stays in the prompt (raised); another
        refusal is kept for `refused` and lets the prompt close."""
        try:
            with busy():
                self._outcome = (True, self._act(password))
        except WrongPassword:
            raise
        except RecordError as exc:
            self._outcome = (False, exc)

    @Slot(int)
    def _on_prompt_finished(self, result: int) -> None:
        prompt, self.prompt = self.prompt, None
        if prompt is not None:
            prompt.clear()
            prompt.deleteLater()
        if result == QDialog.DialogCode.Accepted:
            self._deliver()

    def _deliver(self) -> None:
        outcome, self._outcome = self._outcome, None
        if outcome is None:
            return
        done, value = outcome
        if done:
            self._succeeded(value)
        else:
            self._refused(value)
