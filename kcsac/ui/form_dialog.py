"""FormDialog: a dialog around a forms/*.ui file that performs one operation on OK."""

from collections.abc import Iterable
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.problems import Problem
from kcsac.domain.records import RecordError
from kcsac.domain.roles import Permission
from kcsac.operations.errors import InvalidInput
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.field_messages import FieldMessages, mark_as_message
from kcsac.ui.forms import load_form
from kcsac.ui.help_dialog import install_help_shortcut
from kcsac.ui.password_gate import PasswordGate
from kcsac.ui.password_prompt import PasswordPrompt


class DateTyping(QObject):
    """Makes typing a whole date ("2027-01-15") into a QDateEdit land on that date.

    Left alone, Qt ignores a year typed over the whole selected text (Ctrl+A) and, after a
    full year or month moves on by itself, takes the typed "-" as a second move: the clerk
    silently gets a different date. Here Ctrl+A selects the year, and a separator typed just
    after Qt moved on is dropped.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._section_at_digit: dict[int, object] = {}

    def watch(self, edit: QDateEdit) -> None:
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QDateEdit) or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key = id(watched)
        if event.matches(QKeySequence.StandardKey.SelectAll):
            watched.setSelectedSection(watched.sectionAt(0))
            self._section_at_digit.pop(key, None)
            return True
        text = event.text()
        if text.isdigit():
            self._section_at_digit[key] = watched.currentSection()
            return False
        before = self._section_at_digit.pop(key, None)
        # The section changed since the last digit: Qt already moved on for this separator.
        return (
            bool(text)
            and text in "-/."
            and before is not None
            and (before != watched.currentSection())
        )


class FormDialog(QDialog):
    """Subclasses set the fields, `problems()` (checked as the clerk types) and `perform()`.

    A subclass on one file is opened by the desk as `SomeDialog(context, number, parent)` and
    reads the file with `context.application_detail(number)` before calling this __init__.

    OK stays disabled while `problems()` reports anything; a refusal from the operation is
    shown next to its field (or under the form) and the dialog stays open, nothing lost.
    """

    def __init__(
        self,
        context: DeskContext,
        form_name: str,
        *,
        title: str,
        ok_text: str,
        help_topic: str,
        fields: Iterable[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName(form_name)
        self.setWindowTitle(title)
        self.form = load_form(form_name, self)
        self.messages = FieldMessages(self.form, fields)
        self._date_typing = DateTyping(self)
        for edit in self.form.findChildren(QDateEdit):
            self._date_typing.watch(edit)
        self._touched: set[str] = set()
        self.password_gate = PasswordGate(context, self)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("error_label")
        mark_as_message(self.error_label)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.error_label.setAccessibleName("Why it was not saved")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Help,
            self,
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setDefault(True)  # Return anywhere in the form performs the action
        self.ok_button.setAccessibleName(ok_text.replace("&", ""))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.button(QDialogButtonBox.StandardButton.Help).setAccessibleName("Help")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._help = install_help_shortcut(self, help_topic)
        self.buttons.helpRequested.connect(self._help.activated.emit)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    # Operation problem fields -> this form's field keys, where the names differ.
    field_aliases: ClassVar[dict[str, str]] = {}

    # -- for subclasses -------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        return []

    def perform(self) -> None:
        """Run the operation; raise RecordError (InvalidInput with problems) to refuse."""
        raise NotImplementedError

    def password_purpose(self) -> str:
        """For a sensitive act, what the password is asked for ("set the fee of ..."); then
        OK asks it again and runs `perform_with_password`. "" (the default): no password."""
        return ""

    def password_permission(self) -> tuple[Permission, str] | None:
        """The operation's (permission, doing), checked before the password is asked."""
        return None

    def perform_with_password(self, password: str) -> None:
        """`perform` for a sensitive act: the operation checks `password` (WrongPassword)."""
        raise NotImplementedError

    @property
    def password_prompt(self) -> PasswordPrompt | None:
        """The password prompt while it is open (None otherwise)."""
        return self.password_gate.prompt

    # -- checking as the clerk types ------------------------------------------------------
    def touch(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def validate(self) -> bool:
        problems = self.problems()
        self.messages.show(p for p in problems if p.field in self._touched or p.citation)
        self.ok_button.setEnabled(not problems and not self.context.read_only)
        self._fit()
        return not problems

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Grow to fit messages that just appeared (a squeezed form overlaps its lines)."""
        layout = self.layout()
        layout.activate()
        width = max(self.width(), self.sizeHint().width())
        # Wrapped message labels need height for the width they get (QFormLayout rows).
        height = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else self.sizeHint().height()
        )
        if height > self.height() or width > self.width():
            self.resize(width, max(self.height(), height))

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self._touched.update(self._field_keys())
        if not self.validate():
            return
        purpose = self.password_purpose()
        if purpose:
            self._show_error("")
            self.password_gate.ask(
                purpose,
                self.perform_with_password,
                permission=self.password_permission(),
                succeeded=lambda _result: self.accept(),
                refused=self._show_refusal,
            )
            return
        try:
            self.perform()
        except RecordError as exc:
            self._show_refusal(exc)
            return
        self.accept()

    def _show_refusal(self, exc: RecordError) -> None:
        """The operation's refusal: a problem next to its field, the rest under the form."""
        if not isinstance(exc, InvalidInput):
            self._show_error(str(exc))
            return
        problems = [
            Problem(self.field_aliases.get(p.field, p.field), p.message, p.citation)
            if isinstance(p, Problem)
            else Problem("", str(p))
            for p in exc.problems
        ]
        known = [p for p in problems if p.field in self._field_keys()]
        self.messages.show(known)
        self._show_error("; ".join(str(p) for p in problems if p not in known))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        self._fit()

    def _field_keys(self) -> set[str]:
        return set(self.messages.keys())
