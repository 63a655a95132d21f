"""OwnershipChangeDialog: records the application that moves an approved credit to a new owner.

    # SAC-2026-0001: the approved application whose credit moves
    dialog = OwnershipChangeDialog(context, "SAC-2026-0001", parent=main_window)
    # context: kcsac.ui.desk_context.DeskContext (store, signed-in user or None, today)
    dialog.recorded.connect(...)   # the new ownership-change SacApplication (submitted)
    dialog.exec()

The new owner's account (created if its number is new), the transfer date and the date the
application was received make an ownership-change application, submitted at once so that the
fee in force is assessed. The fee shown is the engine's (`domain.fees.application_fee`): $600 for
a resident; for a nonresident the ordinance sets none, which the dialog says, and a director may
decide a fee here with a reason. All of it is one operation in one transaction
(`operations.ownership.record_ownership_change`): a refusal at any step stores nothing, so
recording again starts clean. A new owner the ordinance refuses (a one- or two-family residential
account, or a class a volume adjustment cannot change) is named under the classes with its
citation as they are picked (`operations.ownership_rules.new_owner_problems`), and Record stays
disabled: no fee is assessed on a change that could never be signed. F1 or Help opens the help
on the category and its fee. The credit moves when the
application is approved in the ApprovalDialog: the new owner's credit starts on the transfer
date, the old one ends the day before.
"""

import datetime as dt

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.actions import Action, person_reason, who_takes
from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.fees import FeeQuote, application_fee
from kcsac.domain.money import format_usd, parse_usd
from kcsac.domain.problems import Problem
from kcsac.domain.records import Account, RecordError, SacApplication
from kcsac.domain.roles import Permission
from kcsac.operations import ownership
from kcsac.operations.errors import InvalidInput
from kcsac.operations.ownership_rules import new_owner_problems
from kcsac.ui.decision_dialog import DecisionDialog, esc
from kcsac.ui.field_messages import mark_as_message
from kcsac.ui.help_dialog import install_help_shortcut
from kcsac.ui.qt_convert import from_qdate, to_qdate

HELP_TOPIC = "category"  # the fee in force on the received date, by the customer's class


class OwnershipChangeDialog(DecisionDialog):
    """New owner, transfer date, the fee (or why the ordinance sets none)."""

    # the new ownership-change SacApplication
    recorded = Signal(object)

    object_name = "ownership_change_dialog"
    title = "Ownership change - {number}"

    # --- building -------------------------------------------------------------------------
    def _build(self, app: SacApplication, account: Account) -> None:
        self.application: SacApplication | None = None
        self._prior, self._prior_account = app, account
        prior = app
        effective = prior.effective_on.isoformat() if prior.effective_on else "(not effective)"
        self.header_label = QLabel(
            f"Move the credit of <b>{esc(prior.number)}</b> ({esc(prior.category.label)}, "
            f"effective {effective})<br>from {esc(account.customer)}, "
            f"{esc(account.service_address)} (account {esc(account.number)})"
        )
        self.header_label.setObjectName("header_label")
        self.header_label.setWordWrap(True)

        self.account_edit = _line("account_edit", "New owner's account number")
        self.account_edit.setPlaceholderText("billing account number of the new owner")
        self.account_status_label = QLabel()
        self.account_status_label.setObjectName("account_status_label")
        self.account_status_label.setAccessibleName("Account status")
        self.customer_edit = _line("customer_edit", "New owner (customer name)")
        self.address_edit = _line("address_edit", "Service address")
        self.address_edit.setText(account.service_address)
        self.account_class_combo = QComboBox()
        self.account_class_combo.setObjectName("account_class_combo")
        self.account_class_combo.setAccessibleName("Account class")
        for value in AccountClass:
            self.account_class_combo.addItem(value.label, value.value)
        self.account_class_combo.setCurrentIndex(
            self.account_class_combo.findData(account.account_class.value)
        )
        self.customer_class_combo = QComboBox()
        self.customer_class_combo.setObjectName("customer_class_combo")
        self.customer_class_combo.setAccessibleName("Customer class")
        for value in CustomerClass:
            self.customer_class_combo.addItem(value.label, value.value)
        self.customer_class_combo.setCurrentIndex(
            self.customer_class_combo.findData(account.customer_class.value)
        )
        owner_form = QFormLayout()
        owner_form.addRow(_buddy("New owner's &account:", self.account_edit), self.account_edit)
        owner_form.addRow("", self.account_status_label)
        owner_form.addRow(_buddy("New &owner:", self.customer_edit), self.customer_edit)
        owner_form.addRow(_buddy("Service a&ddress:", self.address_edit), self.address_edit)
        owner_form.addRow(
            _buddy("Account c&lass:", self.account_class_combo), self.account_class_combo
        )
        owner_form.addRow(
            _buddy("Customer cla&ss:", self.customer_class_combo), self.customer_class_combo
        )
        self.eligibility_label = QLabel()
        self.eligibility_label.setObjectName("eligibility_label")
        self.eligibility_label.setAccessibleName("Why the new owner may not take the credit")
        self.eligibility_label.setWordWrap(True)
        mark_as_message(self.eligibility_label)
        self.eligibility_label.hide()
        owner_form.addRow("", self.eligibility_label)
        owner_box = QGroupBox("New owner")
        owner_box.setLayout(owner_form)

        self.transfer_on_edit = _date("transfer_on_edit", "Transfer date", self._today)
        self.received_on_edit = _date("received_on_edit", "Application received on", self._today)
        self.credit_dates_label = QLabel()
        self.credit_dates_label.setObjectName("credit_dates_label")
        self.credit_dates_label.setAccessibleName("Credit dates")
        self.credit_dates_label.setWordWrap(True)
        dates_form = QFormLayout()
        dates_form.addRow(_buddy("&Transfer date:", self.transfer_on_edit), self.transfer_on_edit)
        dates_form.addRow(_buddy("&Received on:", self.received_on_edit), self.received_on_edit)
        dates_form.addRow("", self.credit_dates_label)
        dates_box = QGroupBox("Dates")
        dates_box.setLayout(dates_form)

        self.fee_label = QLabel()
        self.fee_label.setObjectName("fee_label")
        self.fee_label.setAccessibleName("Ownership change fee")
        self.fee_label.setWordWrap(True)
        self.fee_edit = _line("fee_edit", "Fee decided by the director")
        self.fee_edit.setPlaceholderText("e.g. 600.00 or 0")
        self.fee_reason_edit = _line("fee_reason_edit", "Why this fee was decided")
        self.fee_form = QFormLayout()
        self.fee_form.addRow("Fee:", self.fee_label)
        self.fee_form.addRow(_buddy("Director's &fee:", self.fee_edit), self.fee_edit)
        self.fee_form.addRow(
            _buddy("Reason for the f&ee:", self.fee_reason_edit), self.fee_reason_edit
        )
        fee_box = QGroupBox("Application fee")
        fee_box.setLayout(self.fee_form)

        self._make_error_label("Why the ownership change was not recorded")
        self.record_button = self._make_buttons(
            "Re&cord ownership change", "record_button", "Record ownership change"
        )
        # "&Cancel" would take the C of "Re&cord"
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Ca&ncel")
        self.help_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Help)
        self.help_button.setText("&Help")
        self.help_button.setObjectName("help_button")
        self.help_button.setAccessibleName("Help")
        self._help = install_help_shortcut(self, HELP_TOPIC)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(owner_box)
        layout.addWidget(dates_box)
        layout.addWidget(fee_box)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(680, 640)  # room for the word-wrapped fee and date notes

    def _connect_fields(self) -> None:
        self.buttons.helpRequested.connect(self._help.activated.emit)
        self.account_class_combo.currentIndexChanged.connect(self._update)
        self.account_edit.textChanged.connect(self._update)
        self.customer_edit.textChanged.connect(self._update)
        self.customer_class_combo.currentIndexChanged.connect(self._update)
        self.transfer_on_edit.dateChanged.connect(self._update)
        self.received_on_edit.dateChanged.connect(self._update)
        self.fee_edit.textChanged.connect(self._update)
        self.fee_reason_edit.textChanged.connect(self._update)
        self._update()

    # --- state ---------------------------------------------------------------------------
    def customer_class(self) -> CustomerClass:
        return CustomerClass(self.customer_class_combo.currentData())

    def fee_quote(self) -> FeeQuote:
        """The engine's fee for an ownership change of this class received on that date."""
        return application_fee(
            Category.OWNERSHIP_CHANGE,
            self.customer_class(),
            from_qdate(self.received_on_edit.date()),
        )

    def eligibility_problems(self) -> list[Problem]:
        """Why the ordinance refuses the new owner's account as chosen (the operation's rule)."""
        return new_owner_problems(
            self.account_class_combo.currentData(), self.customer_class_combo.currentData()
        )

    def _existing_account(self):
        number = self.account_edit.text().strip()
        return self._store.find_account(number) if number else None

    @Slot()
    def _update(self, *_args: object) -> None:
        existing = self._existing_account()
        for widget in (
            self.customer_edit,
            self.address_edit,
            self.account_class_combo,
            self.customer_class_combo,
        ):
            widget.setEnabled(existing is None)
        if existing is not None:
            self.account_status_label.setText(
                f"Existing account: {existing.customer}, {existing.service_address}"
            )
            self.customer_class_combo.blockSignals(True)
            self.customer_class_combo.setCurrentIndex(
                self.customer_class_combo.findData(existing.customer_class.value)
            )
            self.customer_class_combo.blockSignals(False)
            self.account_class_combo.blockSignals(True)
            self.account_class_combo.setCurrentIndex(
                self.account_class_combo.findData(existing.account_class.value)
            )
            self.account_class_combo.blockSignals(False)
            self.customer_edit.setText(existing.customer)
        elif self.account_edit.text().strip():
            self.account_status_label.setText("New account: it is added with the details below.")
        else:
            self.account_status_label.setText("")

        transfer_on = from_qdate(self.transfer_on_edit.date())
        self.credit_dates_label.setText(
            f"Once approved, the new owner's credit starts on {transfer_on.isoformat()}; "
            f"{self._prior.number} ends on "
            f"{(transfer_on - dt.timedelta(days=1)).isoformat()}."
        )

        quote = self.fee_quote()
        may_set = person_reason(Action.SET_FEE, self._actor) is None
        if quote.cents is not None:
            self.fee_label.setText(f"{format_usd(quote.cents)} ({quote.citation})")
        else:
            deciders = who_takes(Action.SET_FEE)
            who = "Decide it below, with a reason." if may_set else f"{deciders} decides it."
            who = who[:1].upper() + who[1:]
            self.fee_label.setText(f"Fee not set by ordinance: {quote.not_set_reason}. {who}")
        deciding = quote.cents is None and may_set
        self.fee_edit.setEnabled(deciding)
        self.fee_reason_edit.setEnabled(deciding)

        refused = self.eligibility_problems()
        self.eligibility_label.setText(" ".join(_with_citation(p) for p in refused))
        self.eligibility_label.setVisible(bool(refused))

        ready = bool(self.account_edit.text().strip()) and bool(self.customer_edit.text().strip())
        ready = ready and not refused
        if deciding and self.fee_edit.text().strip():
            ready = ready and parse_usd(self.fee_edit.text()) is not None
            ready = ready and bool(self.fee_reason_edit.text().strip())
        self.record_button.setEnabled(ready)

    # --- recording -------------------------------------------------------------------------
    @Slot()
    def _on_buttons_accepted(self) -> None:
        fee = parse_usd(self.fee_edit.text()) if self.fee_edit.isEnabled() else None
        new_account = self.account_edit.text().strip()
        transfer_on = from_qdate(self.transfer_on_edit.date())
        received_on = from_qdate(self.received_on_edit.date())
        fee_reason = self.fee_reason_edit.text().strip()
        new_owner = ownership.NewOwner(
            customer=self.customer_edit.text().strip(),
            service_address=self.address_edit.text().strip(),
            account_class=self.account_class_combo.currentData(),
            customer_class=self.customer_class_combo.currentData(),
        )

        def record(password: str = "") -> SacApplication:
            # One operation, one transaction: a refusal at any step leaves nothing behind.
            return ownership.record_ownership_change(
                self._store,
                self._actor,
                prior_application=self._prior.number,
                new_account=new_account,
                transfer_on=transfer_on,
                received_on=received_on,
                today=self._today,
                new_owner=new_owner,
                fee_cents=fee,
                fee_reason=fee_reason,
                password=password,
            )

        if fee is not None:  # the director decides the fee: their password signs it
            self._run_with_password(
                f"set the fee of the ownership change of {self._prior.number}",
                record,
                self._on_recorded,
                permission=(Permission.SET_FEE, "set a fee"),
            )
            return
        try:
            app = record()
        except RecordError as exc:
            self._show_refusal(exc)
            return
        self._on_recorded(app)

    def _show_refusal(self, exc: RecordError) -> None:
        if isinstance(exc, InvalidInput):
            self.error_label.setText(" ".join(_with_citation(p) for p in exc.problems))
        else:
            self.error_label.setText(str(exc))
        self.error_label.show()

    def _on_recorded(self, app: SacApplication) -> None:
        self.application = app
        self.recorded.emit(app)
        self.accept()


def _with_citation(problem: Problem) -> str:
    text = problem.message.rstrip(".")
    return f"{text} ({problem.citation})." if problem.citation else f"{text}."


def _line(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    return edit


def _date(name: str, accessible: str, day: dt.date) -> QDateEdit:
    edit = QDateEdit(to_qdate(day))
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
