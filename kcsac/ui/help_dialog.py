"""HelpDialog: F1 help for a page or dialog, quoting the ordinance section behind it."""

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from kcsac.domain import ordinance as o


@dataclass(frozen=True)
class HelpTopic:
    title: str
    citation: str
    quotes: tuple[str, ...]  # the ordinance's own words (constants of kcsac.domain.ordinance)
    advice: str  # what to do on this screen, in kcsac's words


_RESIDENT_AND_NONRESIDENT = o.cites(o.SEC_60_2_2_C, o.SEC_60_3_A_6)

HELP_TOPICS: dict[str, HelpTopic] = {
    "desk": HelpTopic(
        "The desk",
        _RESIDENT_AND_NONRESIDENT,
        (o.FEE_BEFORE_ADJUSTMENT, o.EFFECTIVE_ON_SIGNATURE),
        "Queues on the left, the applications in the middle (type to search by number, account, "
        "customer, address, category or status: every word must match; OR between two words "
        'finds either, -word leaves out, "a phrase" keeps its words in order), the selected '
        "file on the right with what blocks its next step.",
    ),
    "account": HelpTopic(
        "Account and eligibility",
        o.cites(o.SEC_60_2_2_C, o.SEC_60_2_2_B, o.SEC_60_3_A_6),
        (o.COMMERCIAL_ACCOUNTS, o.STORM_SEWER_EXCLUDED),
        "Only commercial and industrial accounts may apply; a residential account or water "
        "discharged to the storm sewer is refused here.",
    ),
    "category": HelpTopic(
        "Category and fee",
        _RESIDENT_AND_NONRESIDENT,
        (o.FEE_BEFORE_ADJUSTMENT, o.FEE_PURPOSE),
        "The fee is the one in force on the date the application is received, for the "
        "customer's class (resident 60-2(2)(c), nonresident 60-3(a)(6)).",
    ),
    "details": HelpTopic(
        "What the water is used for",
        _RESIDENT_AND_NONRESIDENT,
        (o.DIRECTOR_DETERMINES,),
        "These facts let the director's representative determine the diverted amount.",
    ),
    "paperwork": HelpTopic(
        "Documents",
        _RESIDENT_AND_NONRESIDENT,
        (o.FEE_PURPOSE,),
        "Site plan, meter specifications, piping diagram and recent bills support the site "
        "review, plan review and installation inspection.",
    ),
    "submit": HelpTopic(
        "Review and submit",
        _RESIDENT_AND_NONRESIDENT,
        (o.FEE_BEFORE_ADJUSTMENT,),
        "Submitting assesses the fee in force on the received date; the file then waits for "
        "the fee.",
    ),
    "payment": HelpTopic(
        "Fee payments",
        _RESIDENT_AND_NONRESIDENT,
        (o.FEE_BEFORE_ADJUSTMENT, o.FEE_PURPOSE),
        "Partial payments are allowed; no credit is approved while a balance is owed.",
    ),
    "set_fee": HelpTopic(
        "Setting a fee the ordinance does not set",
        _RESIDENT_AND_NONRESIDENT,
        (o.FEE_BEFORE_ADJUSTMENT, o.FEE_PURPOSE),
        "The ordinance sets no fee for some applications (a nonresident ownership change, or "
        "one received before the first rate table kcsac holds). kcsac does not invent one: "
        "the director decides the amount and says why; the reason is kept in the audit trail. "
        "The fee can then be paid as usual.",
    ),
    "review": HelpTopic(
        "Site review, plan review, installation inspection",
        _RESIDENT_AND_NONRESIDENT,
        (o.FEE_PURPOSE,),
        "kcsac reads the ordinance as requiring all three to be recorded as passed before an "
        "approval is signed (a reading).",
    ),
    "meter": HelpTopic(
        "Meters and readings",
        _RESIDENT_AND_NONRESIDENT,
        (o.DIRECTOR_DETERMINES,),
        "Readings are never estimated. A reading lower than the previous one needs a meter "
        "replacement or rollover and a note (a reading of typical utility practice).",
    ),
    "determination": HelpTopic(
        "Determination",
        _RESIDENT_AND_NONRESIDENT,
        (o.DIRECTOR_DETERMINES, o.EFFECTIVE_ON_SIGNATURE, o.PRORATED_PER_DAY),
        "Choose the method and its parameters; the preview shows the adjusted volume schedule "
        "over the account's consumption history from the preview date.",
    ),
    "water_services_contact": HelpTopic(
        "Water Services contact on letters",
        "",
        (),
        "Every letter (approval, denial, amendment, revocation, ending) prints this block "
        "beside the customer's address and in its last paragraph, so the customer knows whom "
        "to call or write. The ordinance sets no contact: until an administrator enters the "
        "postal address (up to four lines), the phone number and the e-mail address here, "
        "letters leave the block out and only ask the customer to write to Kansas City Water "
        "Services. A letter keeps the block it was issued with: a change applies to letters "
        "issued afterwards. Each change is kept in the audit trail.",
    ),
}


class HelpDialog(QDialog):
    """Shows one help topic: kcsac's advice, then the ordinance's words with the citation."""

    def __init__(self, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        help_topic = HELP_TOPICS[topic]
        self.setObjectName("help_dialog")
        self.setWindowTitle(f"Help: {help_topic.title}")
        self.resize(560, 380)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("help_browser")
        self.browser.setAccessibleName(f"Help on {help_topic.title}")
        self.browser.setHtml(help_html(help_topic))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    @property
    def text(self) -> str:
        return self.browser.toPlainText()


def help_html(topic: HelpTopic) -> str:
    advice = f"<h3>{escape(topic.title)}</h3><p>{escape(topic.advice)}</p>"
    if not topic.quotes:  # a setting the ordinance says nothing about
        return advice
    quotes = "".join(f"<blockquote>“{escape(q)}”</blockquote>" for q in topic.quotes)
    return f"{advice}<p><b>{escape(o.ORDINANCE)}, {escape(topic.citation)}:</b></p>{quotes}"


def install_help_shortcut(widget: QWidget, topic: str) -> QShortcut:
    """F1 anywhere in `widget` opens the help for `topic` (non-modal, so work can go on)."""
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def show() -> None:
        # A page may change its topic later (the wizard's current page), via the property.
        dialog = HelpDialog(str(widget.property("help_topic") or topic), widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shortcut.last_dialog = dialog  # type: ignore[attr-defined]  # for tests and re-focus
        dialog.show()

    shortcut.activated.connect(show)
    widget.setProperty("help_topic", topic)
    return shortcut
