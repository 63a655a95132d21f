"""NewApplicationWizard: one intake from account to submission, saved as a draft as it goes."""

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget, QWizard

from kcsac.domain.records import Account, RecordError, SacApplication
from kcsac.domain.status import Status
from kcsac.operations.intake import save_draft, submit_application
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.help_dialog import install_help_shortcut
from kcsac.ui.wizard.account_page import AccountPage
from kcsac.ui.wizard.application_draft import ApplicationDraft
from kcsac.ui.wizard.category_details_page import CategoryDetailsPage
from kcsac.ui.wizard.category_page import CategoryPage
from kcsac.ui.wizard.paperwork_page import PaperworkPage
from kcsac.ui.wizard.submit_page import SubmitPage

WIZARD_TITLE = "New Sewer Allowance Credit application"


class NewApplicationWizard(QWizard):
    """Pages: account, category and fee, the category's facts, paperwork, review and submit.

    The draft is stored when the clerk leaves the account page and saved again on every page
    change and when the wizard is closed, so closing it (or the app) loses nothing.
    """

    # Signals:
    draft_saved = Signal(str)  # application number, after each save of the draft
    application_submitted = Signal(str)  # application number, once submitted

    def __init__(
        self, context: DeskContext, *, resume: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.draft = ApplicationDraft()
        self._stored: SacApplication | None = None
        self.submitted = False
        self.setObjectName("new_application_wizard")
        self.setWindowTitle(WIZARD_TITLE)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Submit")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Close (&keep draft)")
        self.resize(720, 560)
        if resume:
            self._load(resume)

        self.account_page = AccountPage(self.draft, self._find_account)
        self.category_page = CategoryPage(self.draft, context.today)
        self.details_page = CategoryDetailsPage(self.draft)
        self.paperwork_page = PaperworkPage(self.draft)
        self.submit_page = SubmitPage(self.draft, self._submit)
        self._pages = (
            self.account_page,
            self.category_page,
            self.details_page,
            self.paperwork_page,
            self.submit_page,
        )
        for page in self._pages:
            self.addPage(page)
        self._discard_warned = False
        self._help = install_help_shortcut(self, "account")
        self._connect_signals()
        self._show_status()

    def _connect_signals(self) -> None:
        self.currentIdChanged.connect(self._on_current_id_changed)
        self.helpRequested.connect(self._on_help_requested)
        for button in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton):
            self.button(button).setAccessibleName(self.buttonText(button).replace("&", ""))
        self.button(QWizard.WizardButton.FinishButton).setAccessibleName("Submit")
        self.button(QWizard.WizardButton.CancelButton).setAccessibleName("Close, keep draft")
        self.button(QWizard.WizardButton.HelpButton).setAccessibleName("Help")

    # -- what the pages ask ---------------------------------------------------------------
    def _find_account(self, number: str) -> Account | None:
        return self._context.store.find_account(number)

    # -- storing --------------------------------------------------------------------------
    @property
    def number(self) -> str:
        return self.draft.number

    def save_draft(self) -> str:
        """Store what the pages hold now; "" when saved, else the message why not."""
        if self._context.read_only or self.submitted:
            return ""
        for page in self._pages[: self.currentId() + 1]:
            page.write_draft()
        draft = self.draft
        if self.account_page.problems():
            return ""  # nothing worth keeping yet: no usable account
        store, user, today = self._context.store, self._context.user, self._context.today()
        account = Account(
            draft.account_number,
            draft.customer,
            draft.service_address,
            draft.account_class,
            draft.customer_class,
        )
        filed = SacApplication(
            number=self._stored.number if self._stored else "",
            category=draft.category,
            status=Status.DRAFT,
            account=draft.account_number,
            received_on=draft.received_on,
            discharges_to_storm_sewer=draft.discharges_to_storm_sewer,
            details=dict(draft.details),
            paperwork=dict(draft.paperwork),
            version=self._stored.version if self._stored else 1,
        )
        try:
            self._stored = save_draft(store, user, account=account, draft=filed, today=today)
        except RecordError as exc:
            self._show_status(f"Not saved: {exc}")
            return str(exc)
        draft.number, draft.version = self._stored.number, self._stored.version
        self._show_status()
        self.draft_saved.emit(draft.number)
        return ""

    def _submit(self) -> str:
        problem = self.save_draft()
        if problem:
            return problem
        if self._stored is None:
            return "The application could not be stored; check the account page"
        try:
            self._stored = submit_application(
                self._context.store,
                self._context.user,
                self._stored.number,
                received_on=self.draft.received_on or self._context.today(),
                today=self._context.today(),
                expected_version=self._stored.version,
            )
        except RecordError as exc:
            return str(exc)
        self.submitted = True
        self.application_submitted.emit(self._stored.number)
        return ""

    def _load(self, number: str) -> None:
        store = self._context.store
        app = store.get_application(number)
        account = store.get_account(app.account)
        self._stored = app
        self.draft = ApplicationDraft(
            account_number=account.number,
            customer=account.customer,
            service_address=account.service_address,
            account_class=account.account_class,
            customer_class=account.customer_class,
            discharges_to_storm_sewer=app.discharges_to_storm_sewer,
            category=app.category,
            received_on=app.received_on,
            details=dict(app.details),
            paperwork=dict(app.paperwork),
            number=app.number,
            version=app.version,
        )

    def _show_status(self, message: str = "") -> None:
        """The draft's number in the title; a failed save in the current page's subtitle."""
        title = WIZARD_TITLE + (f" - draft {self.draft.number}" if self.draft.number else "")
        self.setWindowTitle(title)
        page = self.currentPage()
        if page is not None:
            if page.property("plain_subtitle") is None:
                page.setProperty("plain_subtitle", page.subTitle())
            page.setSubTitle(message or str(page.property("plain_subtitle")))

    def continue_where_left_off(self) -> None:
        """On a resumed draft, go on to the first page that still needs the clerk."""
        last_known = self.paperwork_page if self.draft.paperwork else self.details_page
        while self.currentPage() is not last_known and self.currentPage().isComplete():
            before = self.currentId()
            self.next()
            if self.currentId() == before:  # the page refused to go on: stay and show why
                return

    # -- closing keeps the draft (QDialog.closeEvent calls reject) ----------------------------
    def reject(self) -> None:
        problem = self.save_draft()
        if problem:
            return  # stay open: the message says what to fix; nothing typed is thrown away
        if not self.draft.number and self.has_unsaved_typing() and not self.confirm_discard():
            return
        super().reject()

    def has_unsaved_typing(self) -> bool:
        """Something typed on the account page that cannot be stored yet (it is incomplete)."""
        page = self.account_page
        edits = (page.account_number_edit, page.customer_edit, page.service_address_edit)
        return any(edit.text().strip() for edit in edits)

    def confirm_discard(self) -> bool:
        """The first Close says what would be lost; a second Close discards it.

        Not a modal question: closing the app (or a test's teardown) must never hang on it.
        """
        if self._discard_warned:
            return True
        self._discard_warned = True
        self._show_status(
            "Nothing can be kept yet: the account page is not complete. Complete it to keep a "
            "draft, or press Close again to discard what you typed."
        )
        return False

    # -- slots ------------------------------------------------------------------------------
    @Slot(int)
    def _on_current_id_changed(self, page_id: int) -> None:
        page = self.page(page_id)
        if page is not None:
            self.setProperty("help_topic", getattr(page, "help_topic", "desk"))
        if page_id > 0:
            self.save_draft()

    @Slot()
    def _on_help_requested(self) -> None:
        self._help.activated.emit()
