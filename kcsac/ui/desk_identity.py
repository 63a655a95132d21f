"""DeskIdentity: who the desk acts as, shown in its title and status bar, and changed there.

    window.identity.sign_in()             # File > Sign in as... (another user's password)
    window.identity.sign_out()            # back to the operating-system account's user
    window.identity.refresh()             # read the acting user again (role, active flag)
    window.identity.ask_first_password()  # first start: the new administrator's password

The desk acts as the OS account's kcsac user (kcsac.operations.identity, never an environment
variable), or as a user who signed in with their password. The operations read the acting
user's role and active flag from the database whatever the desk holds; the desk reads them
again after every dialog and on F5 (`refresh`), so a demotion or deactivation saved on another
desk shows here too, and the actions follow.
"""

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from kcsac.domain.records import User
from kcsac.domain.roles import Role
from kcsac.operations import users
from kcsac.ui.password_prompt import PasswordPrompt

if TYPE_CHECKING:
    from kcsac.ui.main_window import MainWindow

WINDOW_TITLE = "kcsac - Sewer Allowance Credit"


class DeskIdentity(QObject):
    """The main window's acting user: label, title, sign in and out, first password."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        ctx = window.context
        # who the desk acts as even when the user it holds is gone (read-only, named)
        self.login = ctx.user.login if ctx.user is not None else ctx.os_login
        self.first_password_prompt: PasswordPrompt | None = None

    # -- what the desk shows ------------------------------------------------------------------
    def who(self) -> str:
        """ "Dora Director (Director)", "..., signed in", or why the desk is read-only."""
        ctx = self.window.context
        if ctx.user is None:
            stored = ctx.store.get_user(self.login) if self.login else None
            who = self.login or "this login"
            if stored is not None and not stored.active:
                return f"Read-only: {who} is deactivated"
            return f"Read-only: {who} is not a kcsac user"
        who = f"{ctx.user.name or ctx.user.login} ({_role(ctx.user.role)})"
        return f"{who}, signed in" if ctx.signed_in else who

    def show(self) -> None:
        """Who the desk acts as, in the status bar's label and the window title."""
        ctx, label = self.window.context, self.window.user_label
        label.setText(self.who())
        if ctx.user is None:
            label.setToolTip(
                "Ask the administrator to add you as a kcsac user, or sign in as one "
                "(File > Sign in as...)."
            )
        elif ctx.signed_in:
            label.setToolTip(
                f"Signed in as {ctx.user.login} with a password; File > Sign out goes back to "
                f"{ctx.os_login or 'the operating-system account'}."
            )
        else:
            label.setToolTip(f"The operating-system account {ctx.user.login}.")
        self.window.setWindowTitle(f"{WINDOW_TITLE} - {label.text()}")

    # -- changing it ----------------------------------------------------------------------------
    def set_user(self, user: User | None, *, signed_in: bool) -> None:
        """Act as `user` from now on (signed in with a password, or the OS account's)."""
        window = self.window
        self.login = user.login if user is not None else window.context.os_login
        window.set_context(user=user, signed_in=signed_in and user is not None)
        self.show()
        window._update_actions()
        window.refresh_detail()

    def refresh(self) -> None:
        """Read the acting user again; say so when their role or active flag changed."""
        window = self.window
        if window.damaged_message:
            return
        ctx = window.context
        fresh = users.current_user(ctx.store, self.login)
        if fresh == ctx.user:
            return
        before = (ctx.user.role, ctx.user.active) if ctx.user is not None else None
        window.set_context(user=fresh)
        self.show()
        window._update_actions()
        if before != ((fresh.role, fresh.active) if fresh is not None else None):
            window.statusBar().showMessage(f"Changed by the administrator: {self.who()}", 15000)

    def sign_in(self, login: str = "") -> bool:
        """File > Sign in as...: act as another kcsac user once their password is given
        (`login` fills the login field: `kcsac --user LOGIN` opens the desk this way)."""
        from kcsac.ui.sign_in_dialog import SignInDialog

        window = self.window
        if not window.close_open_dialogs():
            return False
        dialog = SignInDialog(window.context, window, login=login)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        window.activateWindow()  # the keyboard is back on the desk
        if not accepted or dialog.user is None:
            return False
        self.set_user(dialog.user, signed_in=True)
        window.statusBar().showMessage(f"Signed in: {self.who()}", 8000)
        return True

    def sign_out(self) -> bool:
        """File > Sign out: back to the operating-system account's kcsac user."""
        window = self.window
        if not window.context.signed_in or not window.close_open_dialogs():
            return False
        ctx = window.context
        self.set_user(users.current_user(ctx.store, ctx.os_login), signed_in=False)
        window.statusBar().showMessage(f"Signed out: {self.who()}", 8000)
        return True

    def ask_first_password(self) -> PasswordPrompt | None:
        """First start: the new administrator chooses their kcsac password now (it is asked
        again at every change to users or passwords, and to restore). Cancel leaves it for
        the first act that needs it. Returns the prompt (open), or None when one is set."""
        ctx = self.window.context
        stored = ctx.store.get_user(ctx.user.login) if ctx.user is not None else None
        if stored is None or stored.has_password:
            return None
        prompt = PasswordPrompt.for_new_password(
            login=stored.login,
            check=lambda password: users.set_own_password(ctx.store, stored, password),
            parent=self.window,
        )
        prompt.intro_label.setText(
            "You are the first kcsac user, so you administer it. Choose your kcsac password "
            f"now (at least {users.MIN_PASSWORD_LENGTH} characters): it is asked again whenever "
            "you add people, change roles or passwords, or restore a backup. Login: "
            f"<b>{escape(stored.login)}</b>."
        )
        prompt.finished.connect(lambda result: self._on_first_password_finished(prompt, result))
        self.first_password_prompt = prompt
        prompt.open()
        return prompt

    def _on_first_password_finished(self, prompt: PasswordPrompt, result: int) -> None:
        prompt.clear()
        self.first_password_prompt = None
        status = self.window.statusBar()
        if result == QDialog.DialogCode.Accepted:
            self.refresh()
            status.showMessage("Your kcsac password is set.", 8000)
        else:
            status.showMessage(
                "No password yet: kcsac asks for one at your first change to users.", 15000
            )


def _role(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role
