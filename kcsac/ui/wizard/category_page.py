"""CategoryPage: the category and received date, with the fee the engine quotes for them.

An ownership change is not filed here: it moves an approved credit, so it starts from that
credit on the desk (its dialog asks for the transfer date and checks the credit). The page
says so in a note; a draft made as an ownership change by an older kcsac keeps its category
(never switched silently) and cannot go on until the clerk chooses what to do.
"""

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel

from kcsac.domain.category import Category
from kcsac.domain.dates import future_date_problems
from kcsac.domain.fees import FeeQuote, application_fee
from kcsac.domain.money import format_usd
from kcsac.domain.problems import Problem
from kcsac.ui.field_messages import FieldMessages
from kcsac.ui.form_dialog import DateTyping
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import from_qdate, to_qdate
from kcsac.ui.wizard.application_draft import ApplicationDraft
from kcsac.ui.wizard.form_page import FormPage

NOT_SET = "Not set by ordinance"
NO_TABLE = "No fee in kcsac for this date"
# The desk's real path (kcsac.ui.main_window: Decision menu, "&Ownership change…", Ctrl+Shift+O).
DESK_OWNERSHIP = (
    "select the approved credit on the desk and use Decision > Ownership change… (Ctrl+Shift+O)"
)
# One line across the page: where an ownership change is recorded instead of here.
OWNERSHIP_NOTE = (
    "Ownership change? Select the approved credit on the desk: "
    "Decision > Ownership change… (Ctrl+Shift+O)"
)
OWNERSHIP_DRAFT = (
    "This draft is an ownership change, which is not filed here (it needs the transfer date "
    f"and the checks of the approved credit). Close it, withdraw it (Application > Withdraw…, "
    f"Ctrl+Shift+W) and {DESK_OWNERSHIP}; or, if it is really another kind of application, "
    "choose its category."
)


def fee_text(quote: FeeQuote) -> tuple[str, str]:
    """(amount line, citation line) for a fee quote, as the page and the summary show it."""
    if quote.cents is None:
        # No table in force (a date before the ordinance) is not the same as a fee the
        # ordinance leaves unset (a nonresident ownership change).
        headline = NOT_SET if quote.effective_on is not None else NO_TABLE
        return headline, quote.not_set_reason or ""
    since = f", in force from {quote.effective_on.isoformat()}" if quote.effective_on else ""
    return format_usd(quote.cents), f"{quote.citation}, {quote.ordinance}{since}"


class CategoryPage(FormPage):
    """Pick what the water is used for; the fee follows from category, class and date."""

    help_topic = "category"

    def __init__(self, draft: ApplicationDraft, today: Callable[[], dt.date]) -> None:
        super().__init__(
            "category_page", "Category and fee", "What the diverted water is used for."
        )
        self._draft = draft
        self._today = today
        form = self.form
        self.category_combo = child(form, QComboBox, "category_combo")
        self.received_on_edit = child(form, QDateEdit, "received_on_edit")
        self.fee_label = child(form, QLabel, "fee_label")
        self.fee_citation_label = child(form, QLabel, "fee_citation_label")
        self.ownership_note_label = child(form, QLabel, "ownership_note_label")
        self.ownership_note_label.setText(OWNERSHIP_NOTE)
        for category in Category:
            if category is not Category.OWNERSHIP_CHANGE:
                self.category_combo.addItem(category.label, category)
        self.received_on_edit.setMinimumDate(QDate(2000, 1, 1))
        # No maximum: Qt would silently turn a typed future date into another date; a
        # future date is refused next to the field instead.
        self._date_typing = DateTyping(self)
        self._date_typing.watch(self.received_on_edit)
        self.messages = FieldMessages(form, ("category", "received_on"))
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.category_combo.currentIndexChanged.connect(self._on_input_changed)
        self.received_on_edit.dateChanged.connect(self._on_input_changed)

    def initializePage(self) -> None:
        draft = self._draft
        index = self.category_combo.findData(draft.category)
        if index < 0 and draft.category is Category.OWNERSHIP_CHANGE:
            # An older draft: shown as it is (the message says what to do), not switched.
            self.category_combo.addItem(draft.category.label, draft.category)
            index = self.category_combo.findData(draft.category)
        self.category_combo.setCurrentIndex(max(index, 0))
        self.received_on_edit.setDate(to_qdate(draft.received_on or self._today()))
        self._refresh()

    def isComplete(self) -> bool:
        return not self.problems()

    def validatePage(self) -> bool:
        if not self._refresh():
            return False
        self.write_draft()
        return True

    def write_draft(self) -> None:
        self._draft.category = Category(self.category_combo.currentData())
        self._draft.received_on = from_qdate(self.received_on_edit.date())

    def problems(self) -> list[Problem]:
        received = from_qdate(self.received_on_edit.date())
        problems = future_date_problems(
            "received_on", received, self._today(), "the received date must be"
        )
        if self.category_combo.currentData() == Category.OWNERSHIP_CHANGE:
            problems.insert(0, Problem("category", OWNERSHIP_DRAFT))
        return problems

    def quote(self) -> FeeQuote:
        return application_fee(
            Category(self.category_combo.currentData()),
            self._draft.customer_class,
            from_qdate(self.received_on_edit.date()),
        )

    @Slot()
    def _on_input_changed(self) -> None:
        self._refresh()

    def _refresh(self) -> bool:
        amount, citation = fee_text(self.quote())
        self.fee_label.setText(amount)
        self.fee_label.setAccessibleDescription(citation)
        self.fee_citation_label.setText(citation)
        ok = self.messages.show(self.problems())
        self.completeChanged.emit()
        return ok
