"""ApprovalDialog: the director signs an approval (or an amendment) after seeing the whole file.

    dialog = ApprovalDialog(context, "SAC-2026-0001", parent=main_window)
    # context: kcsac.ui.desk_context.DeskContext (store, signed-in user or None, today)
    dialog.approved.connect(...)       # the Decision recorded, after a successful signature
    dialog.exec()

It shows the determination, a schedule preview, the fee and the three reviews, and lists
everything that still blocks signing (from `operations.signing_rules.blockers_to_sign`, plus the
signer's permission). The signature date defaults to today; a past date (recording a paper
signature) needs a reason; a future date, or one before the facts the approval rests on (the
received application, the fee, the reviews), is shown next to the date and keeps Sign disabled
before any password is asked for (`operations.approvals.signature_date_problems`). The effective
date shown is the signature date (for an ownership change, the transfer date). F1 or Help opens
the help on the determination and its effective date. Signing asks the signer to re-enter the kcsac
password (set at first use) and calls `operations.approvals.approve`, which checks it all again:
a wrong password signs nothing.
"""

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.category import Category
from kcsac.domain.money import format_usd
from kcsac.domain.records import Account, Blocker, Decision, RecordError, SacApplication
from kcsac.domain.roles import Permission, Role
from kcsac.domain.status import Status
from kcsac.domain.workflow import latest_reviews, required_reviews
from kcsac.operations import approvals
from kcsac.operations.documents.wording import method_parameters
from kcsac.operations.previews import SchedulePreview, signing_preview
from kcsac.operations.signing_rules import blockers_to_sign
from kcsac.ui.busy import busy
from kcsac.ui.decision_dialog import DecisionDialog, esc
from kcsac.ui.field_messages import mark_as_message
from kcsac.ui.help_dialog import install_help_shortcut
from kcsac.ui.qt_convert import from_qdate, to_qdate
from kcsac.ui.schedule_table_model import ScheduleTableModel

HELP_TOPIC = "determination"  # the effective date is the signature date (the closest topic)
NOTHING_BLOCKS = "Nothing blocks signing."
NOTHING_BUT_THE_DATE = "Only the signature date blocks signing: see its message under the date."


def _is_ownership_change(app: SacApplication) -> bool:
    return app.category is Category.OWNERSHIP_CHANGE


class ApprovalDialog(DecisionDialog):
    """Shows the file and its blockers; signs the approval with a re-entered password."""

    # the Decision recorded by the signature
    approved = Signal(object)

    object_name = "approval_dialog"
    title = "Approve - {number}"  # reload() says "Sign the amendment" for an approved credit

    def _build(self, app: SacApplication, account: Account) -> None:
        # reload() reads the file itself (again after a refusal): `app` is not kept here
        self._blockers: list[Blocker] = []
        self.decision: Decision | None = None
        self.schedule: SchedulePreview | None = None
        self._refusal: RecordError | None = None
        # what the operation refused at the last signing attempt; cleared when the date or
        # its reason changes (the signer is correcting it)
        self._refused: list[Blocker] = []
        self.header_label = QLabel()
        self.header_label.setObjectName("header_label")
        self.header_label.setWordWrap(True)
        self.header_label.setTextFormat(Qt.TextFormat.RichText)

        self.determination_form = QFormLayout()
        determination_box = QGroupBox("Determination")
        determination_box.setLayout(self.determination_form)

        self.fee_form = QFormLayout()
        fee_box = QGroupBox("Application fee")
        fee_box.setLayout(self.fee_form)

        self.reviews_table = _table(
            "reviews_table", "Reviews", ("Review", "Date", "Reviewer", "Result", "Notes")
        )
        self.reviews_table.setMaximumHeight(130)
        reviews_box = QGroupBox("Reviews")
        reviews_layout = QVBoxLayout(reviews_box)
        reviews_layout.addWidget(self.reviews_table)
        reviews_layout.addStretch(1)

        self.schedule_caption_label = QLabel()
        self.schedule_caption_label.setObjectName("schedule_caption_label")
        self.schedule_caption_label.setWordWrap(True)
        # the same columns as the determination dialog's preview (the desk's model)
        self.schedule_model = ScheduleTableModel(self)
        self.schedule_table = QTableView()
        self.schedule_table.setObjectName("schedule_table")
        self.schedule_table.setAccessibleName("Schedule preview")
        self.schedule_table.setModel(self.schedule_model)
        self.schedule_table.verticalHeader().setVisible(False)
        self.schedule_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.schedule_table.horizontalHeader().setStretchLastSection(True)
        self.schedule_totals_label = QLabel()
        self.schedule_totals_label.setObjectName("schedule_totals_label")
        self.schedule_totals_label.setAccessibleName("Schedule totals")
        self.schedule_totals_label.setWordWrap(True)
        schedule_box = QGroupBox("Schedule preview")
        schedule_layout = QVBoxLayout(schedule_box)
        schedule_layout.addWidget(self.schedule_caption_label)
        schedule_layout.addWidget(self.schedule_table)
        schedule_layout.addWidget(self.schedule_totals_label)

        self.blockers_list = QListWidget()
        self.blockers_list.setObjectName("blockers_list")
        self.blockers_list.setAccessibleName("What blocks signing")
        self.blockers_list.setWordWrap(True)
        self.blockers_list.setMaximumHeight(110)
        self.blockers_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        blockers_box = QGroupBox("What blocks signing")
        blockers_layout = QVBoxLayout(blockers_box)
        blockers_layout.addWidget(self.blockers_list)
        blockers_layout.addStretch(1)

        self.signer_label = QLabel()
        self.signer_label.setObjectName("signer_label")
        self.signer_label.setAccessibleName("Signer")
        self.signed_on_edit = QDateEdit()
        self.signed_on_edit.setObjectName("signed_on_edit")
        self.signed_on_edit.setAccessibleName("Signature date")
        self.signed_on_edit.setCalendarPopup(True)
        self.signed_on_edit.setDisplayFormat("yyyy-MM-dd")
        self.signed_on_edit.setDate(to_qdate(self._today))
        self.backdated_reason_edit = QLineEdit()
        self.backdated_reason_edit.setObjectName("backdated_reason_edit")
        self.backdated_reason_edit.setAccessibleName("Reason for a past signature date")
        self.backdated_reason_edit.setPlaceholderText("Only for a past date (a paper signature)")
        self.effective_label = QLabel()
        self.effective_label.setObjectName("effective_label")
        self.effective_label.setAccessibleName("Effective date")
        self.date_message_label = QLabel()
        self.date_message_label.setObjectName("date_message_label")
        self.date_message_label.setAccessibleName("Signature date problem")
        mark_as_message(self.date_message_label)
        self.date_message_label.setWordWrap(True)
        signature_form = QFormLayout()
        signature_form.addRow("Signer:", self.signer_label)
        signature_form.addRow(_buddy("Signature &date:", self.signed_on_edit), self.signed_on_edit)
        signature_form.addRow(
            _buddy("&Reason for a past date:", self.backdated_reason_edit),
            self.backdated_reason_edit,
        )
        signature_form.addRow("Effective date:", self.effective_label)
        signature_form.addRow("", self.date_message_label)
        signature_box = QGroupBox("Signature")
        signature_box.setLayout(signature_form)

        self.sign_button = QPushButton("&Sign and approve…")
        self.sign_button.setObjectName("sign_button")
        self.sign_button.setAccessibleName("Sign and approve")
        self.sign_button.setDefault(True)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.help_button = QPushButton("&Help")
        self.help_button.setObjectName("help_button")
        self.help_button.setAccessibleName("Help")
        self.help_button.setAutoDefault(False)
        self._help = install_help_shortcut(self, HELP_TOPIC)
        buttons = QHBoxLayout()
        buttons.addWidget(self.help_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.cancel_button)

        # determination and fee | reviews; the schedule gets the full width for its columns
        grid = QGridLayout()
        grid.addWidget(determination_box, 0, 0)
        grid.addWidget(fee_box, 1, 0)
        grid.addWidget(reviews_box, 0, 1, 2, 1)
        grid.addWidget(schedule_box, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(blockers_box, 1)
        bottom.addWidget(signature_box, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addLayout(grid, 1)
        layout.addLayout(bottom)
        layout.addLayout(buttons)
        self.resize(1100, 820)
        # Tab moves through the tables (arrows move inside them) to the date and Sign; the
        # signer starts at the signature date, the one thing to decide here.
        for table in (self.reviews_table, self.schedule_table):
            table.setTabKeyNavigation(False)
        self.signed_on_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        # From the signature fields Tab goes to Sign first; Help (left of the row) comes last.
        self.setTabOrder(self.signed_on_edit, self.backdated_reason_edit)
        self.setTabOrder(self.backdated_reason_edit, self.sign_button)
        self.setTabOrder(self.sign_button, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.help_button)

    def _connect_fields(self) -> None:
        self.sign_button.clicked.connect(self._on_sign_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.help_button.clicked.connect(self._help.activated.emit)
        self.signed_on_edit.dateChanged.connect(self._on_signed_on_edit_date_changed)
        self.backdated_reason_edit.textChanged.connect(self._forget_refusal)
        self.reload()

    # --- what the dialog shows -------------------------------------------------------------
    def reload(self) -> None:
        """Read the file again (after a refusal, or another desk's change)."""
        store, number = self._store, self._number
        app = store.get_application(number)
        account = store.get_account(app.account)
        self._app = app
        amending = app.status is Status.APPROVED
        self._amending = amending
        verb = "Sign the amendment" if amending else "Approve"
        self.setWindowTitle(f"{verb} - {number}")
        self.sign_button.setText("&Sign amendment…" if amending else "&Sign and approve…")
        self.sign_button.setAccessibleName(self.sign_button.text().strip("&…").replace("&", ""))
        self.header_label.setText(
            f"<b>{esc(number)}</b> · {esc(app.category.label)} · {esc(app.status.label)}<br>"
            f"{esc(account.customer)}, {esc(account.service_address)} · account "
            f"{esc(account.number)} · {esc(account.customer_class.label)}"
        )
        self._fill_determination(app)
        self._fill_fee(app)
        self._fill_reviews(app)
        self._blockers = self._signing_blockers()
        self._fill_blockers()
        if self._actor is not None:
            self.signer_label.setText(f"{self._actor.name} ({_role_label(self._actor.role)})")
        else:
            self.signer_label.setText("(not a kcsac user)")
        self._on_signed_on_edit_date_changed()

    def _signing_blockers(self) -> list[Blocker]:
        try:
            signer = approvals.ensure_can_sign(self._store, self._actor)
        except RecordError as exc:
            # someone who may not sign sees why, then what blocks the file for anyone
            return [Blocker(str(exc)), *blockers_to_sign(self._store, self._number)]
        return blockers_to_sign(self._store, self._number, signer)

    def blockers(self) -> list[str]:
        """The blockers listed, as shown (message and citation)."""
        return [
            self.blockers_list.item(i).text().removeprefix("• ")
            for i in range(self.blockers_list.count())
        ]

    def _fill_determination(self, app: SacApplication) -> None:
        _clear_form(self.determination_form)
        determinations = self._store.determinations(app.number)
        if _is_ownership_change(app):
            prior = app.details.get("prior_application", "")
            transfer = app.details.get("transfer_on", "")
            self.determination_form.addRow("Carried over from:", _value(prior or "(not named)"))
            self.determination_form.addRow("Transfer date:", _value(transfer or "(not entered)"))
            return
        if not determinations:
            self.determination_form.addRow(_value("No determination entered."))
            return
        current = determinations[-1]
        self.determination_form.addRow("Method:", _value(current.method.label))
        for parameter in method_parameters(current, app.category):
            self.determination_form.addRow(f"{parameter.label}:", _value(parameter.value))
        entered = current.entered_by
        if current.entered_on:
            entered += f" on {current.entered_on.isoformat()}"
        self.determination_form.addRow("Entered by:", _value(entered))
        if current.amends is not None:
            self.determination_form.addRow("Amends:", _value("the signed determination"))

    def _fill_fee(self, app: SacApplication) -> None:
        _clear_form(self.fee_form)
        if app.fee_cents is None:
            self.fee_form.addRow("Fee:", _value(f"not set: {app.fee_note or 'not assessed'}"))
        else:
            fee = format_usd(app.fee_cents)
            self.fee_form.addRow("Fee:", _value(f"{fee} ({app.fee_note})" if app.fee_note else fee))
        self.fee_form.addRow("Paid:", _value(format_usd(app.paid_cents)))
        balance = app.balance_cents
        self.fee_form.addRow(
            "Balance:", _value("" if balance is None else format_usd(balance), "balance_value")
        )
        receipts = ", ".join(
            f"{p.receipt_no} ({p.paid_on.isoformat()}, {format_usd(p.amount_cents)})"
            for p in self._store.payments(app.number)
        )
        self.fee_form.addRow("Receipts:", _value(receipts or "none"))

    def _fill_reviews(self, app: SacApplication) -> None:
        latest = latest_reviews(self._store.reviews(app.number))
        kinds = required_reviews(app.category)
        self.reviews_table.setRowCount(len(kinds))
        for row, kind in enumerate(kinds):
            review = latest.get(kind)
            cells = (
                (kind.label, "not recorded", "", "", "")
                if review is None
                else (
                    kind.label,
                    review.reviewed_on.isoformat(),
                    review.reviewer,
                    review.result.value,
                    review.notes,
                )
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # notes may be longer than the column
                self.reviews_table.setItem(row, column, item)
        if not kinds:
            self.reviews_table.setRowCount(1)
            self.reviews_table.setItem(
                0, 0, QTableWidgetItem("An ownership change carries over the prior reviews")
            )

    def _fill_schedule(self, signed_on: dt.date) -> None:
        preview = signing_preview(self._store, self._number, today=self._today, signed_on=signed_on)
        self.schedule = preview
        caption = preview.caption if preview.ok else preview.message or preview.caption
        if preview.double_credits:  # rule 6: said first, in red, with both credits named
            caption = f"Error: {len(preview.double_credits)} period(s) credited twice. {caption}"
        self.schedule_caption_label.setStyleSheet(
            "color: darkred;" if preview.double_credits else ""
        )
        self.schedule_caption_label.setText(caption)
        self.schedule_model.set_rows(preview.lines)
        t = preview.totals
        if not preview.ok or t is None:
            self.schedule_totals_label.setText("")
            return
        self.schedule_totals_label.setText(
            f"Totals over {t.days} days: volume charge "
            f"{format_usd(t.volume_charge_unadjusted_cents)} before, "
            f"{format_usd(t.volume_charge_cents)} after; credit "
            f"<b>{format_usd(t.credit_cents)}</b>."
        )

    def _all_blockers(self) -> list[Blocker]:
        return self._refused + [b for b in self._blockers if b not in self._refused]

    def _fill_blockers(self) -> None:
        self.blockers_list.clear()
        if not self._all_blockers():
            item = QListWidgetItem(NOTHING_BLOCKS)
            item.setForeground(Qt.GlobalColor.darkGreen)
            self.blockers_list.addItem(item)
            return
        for blocker in self._all_blockers():
            text = blocker.message
            if blocker.citation:
                text += f" ({blocker.citation})"
            item = QListWidgetItem(f"• {text}")
            item.setForeground(Qt.GlobalColor.darkRed)
            self.blockers_list.addItem(item)

    # --- the signature date ----------------------------------------------------------------
    def signed_on(self) -> dt.date:
        return from_qdate(self.signed_on_edit.date())

    def date_problem(self) -> str:
        """Why the signature date cannot be used as entered ("" when it can): the operation's
        own checks (future, before the facts, a past date without its reason), so nothing
        is refused only after the password."""
        problems = approvals.signature_date_problems(
            self._store,
            self._number,
            self.signed_on(),
            self._today,
            self.backdated_reason_edit.text(),
        )
        return " ".join(
            f"{p.message} ({p.citation})." if p.citation else f"{p.message}." for p in problems
        )

    @Slot()
    def _on_signed_on_edit_date_changed(self, _date: QDate | None = None) -> None:
        signed_on = self.signed_on()
        past = signed_on < self._today
        self.backdated_reason_edit.setEnabled(past)
        if _is_ownership_change(self._app):
            transfer = self._app.details.get("transfer_on", "")
            try:
                dt.date.fromisoformat(transfer)
            except ValueError:
                self.effective_label.setText("(transfer date not entered)")
            else:
                self.effective_label.setText(f"{transfer} (the transfer date)")
        else:
            self.effective_label.setText(f"{signed_on.isoformat()} (the signature date)")
        self._fill_schedule(signed_on)
        self._forget_refusal()

    @Slot()
    def _forget_refusal(self) -> None:
        if self._refused:
            self._refused = []
            self._fill_blockers()
        self._update_sign_button()

    @Slot()
    def _update_sign_button(self) -> None:
        problem = self.date_problem()
        self.date_message_label.setText(problem)
        self.date_message_label.setVisible(bool(problem))
        self.sign_button.setEnabled(not self._all_blockers() and not problem)
        if not self._all_blockers() and self.blockers_list.count() == 1:
            # the list never says "nothing blocks" while the date does
            item = self.blockers_list.item(0)
            item.setText(NOTHING_BUT_THE_DATE if problem else NOTHING_BLOCKS)
            item.setForeground(Qt.GlobalColor.darkRed if problem else Qt.GlobalColor.darkGreen)

    # --- signing ---------------------------------------------------------------------------
    @Slot()
    def _on_sign_button_clicked(self) -> None:
        if self._all_blockers() or self.date_problem() or self._actor is None:
            return
        signed_on = self.signed_on()
        backdated_reason = self.backdated_reason_edit.text().strip()

        def sign(password: str) -> Decision:
            with busy():  # the decision letter is rendered and stored with the signature
                return approvals.approve(
                    self._store,
                    self._actor,
                    self._number,
                    password=password,
                    today=self._today,
                    signed_on=signed_on,
                    backdated_reason=backdated_reason,
                )

        self.password_gate.ask(
            f"sign {self._number} with signature date {signed_on.isoformat()}",
            sign,
            permission=(Permission.SIGN, "sign approvals"),
            succeeded=self._on_signed,
            refused=self._on_sign_refused,
        )

    def _on_signed(self, decision: Decision) -> None:
        self.decision = decision
        self.approved.emit(decision)
        self.accept()

    def _on_sign_refused(self, refusal: RecordError) -> None:
        """A refusal other than a wrong password: shown in the blockers list."""
        self.reload()  # another desk may have changed the file (or the signer) meanwhile
        self._refused = list(getattr(refusal, "blockers", ())) or [Blocker(str(refusal))]
        self._fill_blockers()
        self._update_sign_button()


def _table(name: str, accessible: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(False)
    return table


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _value(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


def _clear_form(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role
