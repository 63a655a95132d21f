"""AccountPage: find or create the water account; refuse what the ordinance refuses, here."""

import re
from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.eligibility import check_eligibility
from kcsac.domain.problems import Problem
from kcsac.domain.records import Account
from kcsac.ui.field_messages import FieldMessages
from kcsac.ui.forms import child
from kcsac.ui.wizard.application_draft import ApplicationDraft
from kcsac.ui.wizard.form_page import FormPage

_ACCOUNT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
# What a water account number looks like (the demo's accounts, kcsac.operations.demo, are
# five digits, a dash, two digits); set here, over the form's older example.
ACCOUNT_NUMBER_EXAMPLE = "40100-10"
# Problem fields from the engine -> the form's message labels.
_FIELD_FOR = {"discharges_to_storm_sewer": "storm_sewer"}


class AccountPage(FormPage):
    """Account number first: a known account fills itself in; a new one is typed."""

    help_topic = "account"

    def __init__(
        self, draft: ApplicationDraft, find_account: Callable[[str], Account | None]
    ) -> None:
        super().__init__(
            "account_page",
            "Account",
            "Who applies. Only commercial and industrial accounts may apply.",
        )
        self._draft = draft
        self._find_account = find_account
        self._known: Account | None = None
        self._touched: set[str] = set()
        form = self.form
        self.account_number_edit = child(form, QLineEdit, "account_number_edit")
        self.account_number_edit.setPlaceholderText(f"e.g. {ACCOUNT_NUMBER_EXAMPLE}")
        self.customer_edit = child(form, QLineEdit, "customer_edit")
        self.service_address_edit = child(form, QLineEdit, "service_address_edit")
        self.account_class_combo = child(form, QComboBox, "account_class_combo")
        self.customer_class_combo = child(form, QComboBox, "customer_class_combo")
        self.storm_sewer_check = child(form, QCheckBox, "storm_sewer_check")
        self.intro_label = child(form, QLabel, "account_intro_label")
        for account_class in AccountClass:
            self.account_class_combo.addItem(account_class.label, account_class)
        for customer_class in CustomerClass:
            self.customer_class_combo.addItem(customer_class.label, customer_class)
        self.messages = FieldMessages(
            form,
            (
                "account_number",
                "customer",
                "service_address",
                "account_class",
                "customer_class",
                "storm_sewer",
            ),
        )
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.account_number_edit.textEdited.connect(self._on_account_number_edit_text_edited)
        for edit in (self.customer_edit, self.service_address_edit):
            edit.textEdited.connect(self._on_field_changed)
        self.account_class_combo.currentIndexChanged.connect(self._on_field_changed)
        self.customer_class_combo.currentIndexChanged.connect(self._on_field_changed)
        self.storm_sewer_check.toggled.connect(self._on_field_changed)

    # -- QWizardPage ----------------------------------------------------------------------
    def initializePage(self) -> None:
        draft = self._draft
        self.account_number_edit.setText(draft.account_number)
        self.customer_edit.setText(draft.customer)
        self.service_address_edit.setText(draft.service_address)
        self._select(self.account_class_combo, draft.account_class)
        self._select(self.customer_class_combo, draft.customer_class)
        self.storm_sewer_check.setChecked(draft.discharges_to_storm_sewer)
        if draft.account_number:
            self._touched.update({"account_number", "customer", "service_address"})
            self._lookup(draft.account_number)
        self._validate()

    def isComplete(self) -> bool:
        return not self.problems()

    def validatePage(self) -> bool:
        self._touched.update({"account_number", "customer", "service_address"})
        if not self._validate():
            return False
        self.write_draft()
        return True

    # -- checks ---------------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        """Everything wrong with the page now (empty fields included)."""
        problems: list[Problem] = []
        number = self.account_number_edit.text().strip()
        if not number:
            problems.append(Problem("account_number", "Type the water account number"))
        elif not _ACCOUNT_NUMBER.fullmatch(number):
            problems.append(
                Problem(
                    "account_number",
                    f"An account number has only letters, digits and dashes (you typed {number!r})",
                )
            )
        if not self.customer_edit.text().strip():
            problems.append(Problem("customer", "Type the customer's name"))
        if not self.service_address_edit.text().strip():
            problems.append(Problem("service_address", "Type the service address"))
        for problem in check_eligibility(
            account_class=AccountClass(self.account_class_combo.currentData()),
            customer_class=CustomerClass(self.customer_class_combo.currentData()),
            discharges_to_storm_sewer=self.storm_sewer_check.isChecked(),
        ):
            field = _FIELD_FOR.get(problem.field, problem.field)
            problems.append(Problem(field, problem.message, problem.citation))
        return problems

    def _validate(self) -> bool:
        problems = self.problems()
        # Empty fields are not scolded before the clerk has been there; refusals show at once.
        shown = [p for p in problems if p.field in self._touched or _is_refusal(p)]
        self.messages.show(shown)
        self.completeChanged.emit()
        return not problems

    # -- slots ----------------------------------------------------------------------------
    @Slot(str)
    def _on_account_number_edit_text_edited(self, text: str) -> None:
        self._touched.add("account_number")
        self._lookup(text.strip())
        self._validate()

    @Slot()
    def _on_field_changed(self) -> None:
        sender = self.sender()
        if sender is self.customer_edit:
            self._touched.add("customer")
        elif sender is self.service_address_edit:
            self._touched.add("service_address")
        self._validate()

    # -- helpers --------------------------------------------------------------------------
    def _lookup(self, number: str) -> None:
        found = self._find_account(number) if number else None
        was_known = self._known is not None
        self._known = found
        editable = found is None
        for widget in (
            self.customer_edit,
            self.service_address_edit,
            self.account_class_combo,
            self.customer_class_combo,
        ):
            widget.setEnabled(editable)
        if found is not None:
            self.customer_edit.setText(found.customer)
            self.service_address_edit.setText(found.service_address)
            self._select(self.account_class_combo, found.account_class)
            self._select(self.customer_class_combo, found.customer_class)
            self.intro_label.setText(
                f"Known account {found.number}: {found.customer}, {found.service_address}."
            )
        else:
            if was_known:  # typed on past a known account: start the new one empty
                self.customer_edit.clear()
                self.service_address_edit.clear()
            self.intro_label.setText(
                "New account: type the customer, service address and classes; it is added "
                "when you go on."
                if number
                else "Type the account number. A known account is "
                "filled in; a new one is created when you go on."
            )

    def write_draft(self) -> None:
        draft = self._draft
        draft.account_number = self.account_number_edit.text().strip()
        draft.customer = self.customer_edit.text().strip()
        draft.service_address = self.service_address_edit.text().strip()
        draft.account_class = AccountClass(self.account_class_combo.currentData())
        draft.customer_class = CustomerClass(self.customer_class_combo.currentData())
        draft.discharges_to_storm_sewer = self.storm_sewer_check.isChecked()

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)


def _is_refusal(problem: Problem) -> bool:
    return bool(problem.citation)
