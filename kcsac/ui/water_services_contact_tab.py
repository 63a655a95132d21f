"""WaterServicesContactTab: the administrator enters, once, the Water Services contact block
(postal address, phone, e-mail) that every letter issued from then on prints.

    tab = WaterServicesContactTab(context)   # context: kcsac.ui.desk_context.DeskContext
    tab.saved.connect(...)                   # after a saved (audited) change

Until it is entered, letters leave the block out: kcsac never makes one up. Saving goes
through `operations.admin.set_water_services_contact` (administrators only, audited as a
setting change); letters issued before keep the block they were issued with. F1 explains it.
"""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.records import RecordError
from kcsac.operations import admin
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.field_messages import GOOD_COLOR, MESSAGE_COLOR, mark_as_message
from kcsac.ui.help_dialog import install_help_shortcut

HELP_TOPIC = "water_services_contact"
NOT_ENTERED = (
    "No contact block is entered: letters leave it out and tell customers to write to "
    "Kansas City Water Services quoting their application. Enter the address, phone and "
    "e-mail customers should use; every letter issued from then on prints them."
)


class WaterServicesContactTab(QWidget):
    """The contact block letters print, entered once by an administrator."""

    saved = Signal()  # after a change was saved

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("water_services_contact_tab")
        self._store = context.store
        self._actor = context.user
        self._today = context.today()  # read once: the tab never reads the clock
        self.status_label = QLabel()
        self.status_label.setObjectName("contact_status_label")
        self.status_label.setWordWrap(True)
        self.address_edit = QPlainTextEdit()
        self.address_edit.setObjectName("contact_address_edit")
        self.address_edit.setAccessibleName("Water Services postal address, one line a line")
        self.address_edit.setTabChangesFocus(True)  # Tab moves on; Enter starts a new line
        self.address_edit.setPlaceholderText("e.g.\nSewer Allowance Credit Program\nStreet\nCity")
        self.address_edit.setMaximumHeight(96)
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("contact_phone_edit")
        self.phone_edit.setAccessibleName("Phone number customers call")
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("contact_email_edit")
        self.email_edit.setAccessibleName("E-mail address customers write to")
        for edit in (self.address_edit, self.phone_edit, self.email_edit):
            edit.setMaximumWidth(520)
        form = QFormLayout()
        form.addRow(_buddy("&Address (up to 4 lines):", self.address_edit), self.address_edit)
        form.addRow(_buddy("&Phone:", self.phone_edit), self.phone_edit)
        form.addRow(_buddy("&E-mail:", self.email_edit), self.email_edit)
        self.save_button = QPushButton("Sa&ve contact")
        self.save_button.setObjectName("save_contact_button")
        self.save_button.setAccessibleName("Save contact")
        self.save_button.setAutoDefault(False)
        self.message_label = QLabel()
        self.message_label.setObjectName("contact_message_label")
        self.message_label.setAccessibleName("Water Services contact: result")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        note = QLabel(
            "Leave all three empty and save to take the block off the letters issued from then "
            "on. Press F1 for help."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        layout.addWidget(note)
        layout.addStretch(1)
        self.help_shortcut = install_help_shortcut(self, HELP_TOPIC)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.load()

    def load(self) -> None:
        """Show the block in force (or that there is none) and fill the fields with it."""
        contact = admin.water_services_contact(self._store)
        if contact is None:
            self.status_label.setText(NOT_ENTERED)
            return
        self.status_label.setText(
            "Letters print: "
            + "; ".join((*contact.address_lines, f"phone {contact.phone}", contact.email))
            + "."
        )
        self.address_edit.setPlainText("\n".join(contact.address_lines))
        self.phone_edit.setText(contact.phone)
        self.email_edit.setText(contact.email)

    def problems(self) -> list[str]:
        """What is wrong with the block as typed (the operation's own check)."""
        found = admin.contact_problems(
            self.address_edit.toPlainText(), self.phone_edit.text(), self.email_edit.text()
        )
        return [p.message for p in found]

    @Slot()
    def _on_save_button_clicked(self) -> None:
        problems = self.problems()
        if problems:
            self._show("Not saved:\n" + "\n".join(problems), error=True)
            return
        try:
            contact = admin.set_water_services_contact(
                self._store,
                self._actor,
                address=self.address_edit.toPlainText(),
                phone=self.phone_edit.text(),
                email=self.email_edit.text(),
                today=self._today,
            )
        except RecordError as exc:
            found = getattr(exc, "problems", None)
            self._show("\n".join(str(p) for p in found) if found else str(exc), error=True)
            return
        if contact is None:
            self.address_edit.clear()
            self.phone_edit.clear()
            self.email_edit.clear()
        self.load()
        self._show(
            "Contact saved: letters issued from now on print it."
            if contact
            else "Contact cleared: letters issued from now on leave the block out."
        )
        self.saved.emit()

    def _show(self, text: str, *, error: bool = False) -> None:
        mark_as_message(self.message_label, MESSAGE_COLOR if error else GOOD_COLOR)
        self.message_label.setText(text)
        self.message_label.show()


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
