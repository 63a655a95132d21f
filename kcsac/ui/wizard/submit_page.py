"""SubmitPage: everything the clerk entered, the fee that will be assessed, then Submit."""

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kcsac.domain.fees import application_fee
from kcsac.ui.field_messages import mark_as_message
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import date_text
from kcsac.ui.wizard.application_draft import ApplicationDraft
from kcsac.ui.wizard.category_fields import CATEGORY_FIELDS
from kcsac.ui.wizard.category_page import fee_text
from kcsac.ui.wizard.form_page import FormPage

# submit() -> "" when the application was submitted, else the message why not
Submit = Callable[[], str]


class SubmitPage(FormPage):
    """The last page; Finish (labelled Submit) submits the stored draft."""

    help_topic = "submit"

    def __init__(self, draft: ApplicationDraft, submit: Submit) -> None:
        super().__init__("submit_page", "Review and submit", "Check the application, then submit.")
        self._draft = draft
        self._submit = submit
        self.summary_label = child(self.form, QLabel, "summary_label")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.submit_note_label = child(self.form, QLabel, "submit_note_label")
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("submit_message")
        mark_as_message(self.error_label)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.error_label.setAccessibleName("Submit message")
        self.layout().addWidget(self.error_label)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        self.error_label.setVisible(False)
        self.summary_label.setText(summary_html(self._draft))
        self.submit_note_label.setText(
            "The fee in force on the received date is assessed and the application waits for "
            "the fee in the Awaiting fee queue."
        )

    def write_draft(self) -> None:
        """Nothing to write: this page only shows the draft."""

    def validatePage(self) -> bool:
        message = self._submit()
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        return not message


def summary_html(draft: ApplicationDraft) -> str:
    """The draft as a two-column table, for the last page."""
    quote = (
        application_fee(draft.category, draft.customer_class, draft.received_on)
        if draft.received_on
        else None
    )
    amount, citation = fee_text(quote) if quote else ("", "")
    labels = {spec.key: spec.plain_label for spec in CATEGORY_FIELDS[draft.category]}
    rows = [
        ("Application", draft.number or "(numbered when saved)"),
        ("Account", draft.account_number),
        ("Customer", draft.customer),
        ("Service address", draft.service_address),
        ("Account class", draft.account_class.label),
        ("Customer class", draft.customer_class.label),
        ("Storm sewer", "Yes" if draft.discharges_to_storm_sewer else "No"),
        ("Category", draft.category.label),
        ("Received on", date_text(draft.received_on)),
        ("Fee", f"{amount} ({citation})" if citation else amount),
    ]
    # A fact with no field for this category is kept as stored; the label says so.
    rows += [(labels.get(k, f"{k} (kept as stored)"), v) for k, v in draft.details.items()]
    missing = [name for name, received in draft.paperwork.items() if not received]
    received = [name for name, ok in draft.paperwork.items() if ok]
    rows.append(("Documents received", ", ".join(received) or "none"))
    rows.append(("Documents missing", ", ".join(missing) or "none"))
    cells = "".join(
        f"<tr><td style='padding-right:12px'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table>{cells}</table>"
