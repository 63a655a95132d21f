"""RecordPaymentDialog: a fee payment (amount, date, method, receipt) and the balance left."""

import inspect
from typing import ClassVar

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QLineEdit, QWidget

from kcsac.domain.dates import before_received_problems, future_date_problems
from kcsac.domain.money import format_usd, parse_usd
from kcsac.domain.problems import Problem
from kcsac.domain.status import Status
from kcsac.operations.errors import InvalidInput, StaleRecord
from kcsac.operations.payments import PAYMENT_METHODS, record_payment
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.form_dialog import FormDialog
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import from_qdate, to_qdate

_FIELDS = ("amount", "paid_on", "method", "receipt", "reason", "confirm")


class RecordPaymentDialog(FormDialog):
    """Partial payments are normal; overpaying, or paying a withdrawn file, needs a reason."""

    field_aliases: ClassVar[dict[str, str]] = {"receipt_no": "receipt"}

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        detail = context.application_detail(number)
        app = detail.application
        super().__init__(
            context,
            "record_payment_dialog",
            title=f"Record fee payment - {app.number}",
            ok_text="&Record payment",
            help_topic="payment",
            fields=_FIELDS,
            parent=parent,
        )
        self.application = app
        form = self.form
        self.amount_edit = child(form, QLineEdit, "amount_edit")
        self.paid_on_edit = child(form, QDateEdit, "paid_on_edit")
        self.method_combo = child(form, QComboBox, "method_combo")
        self.receipt_edit = child(form, QLineEdit, "receipt_edit")
        self.reason_edit = child(form, QLineEdit, "reason_edit")
        self.confirm_check = child(form, QCheckBox, "confirm_check")
        self.fee_label = child(form, QLabel, "fee_label")
        self.paid_label = child(form, QLabel, "paid_label")
        self.balance_label = child(form, QLabel, "balance_label")
        self._show_fee_and_paid()
        self.method_combo.addItems(list(PAYMENT_METHODS))
        today = to_qdate(context.today())
        self.paid_on_edit.setMinimumDate(QDate(2000, 1, 1))
        # No maximum: Qt would drop the digits of a future date as they are typed and
        # silently keep a different past date; a future date is refused next to the field.
        self.paid_on_edit.setDate(today)
        owed = app.balance_cents or 0
        if owed > 0:
            self.amount_edit.setText(f"{owed // 100}.{owed % 100:02d}")
        self._connect_signals()
        self._update_confirmation()
        self.validate()

    def _connect_signals(self) -> None:
        self.amount_edit.textEdited.connect(lambda: self._edited("amount"))
        self.receipt_edit.textEdited.connect(lambda: self.touch("receipt"))
        self.reason_edit.textEdited.connect(lambda: self.touch("reason"))
        self.confirm_check.toggled.connect(lambda: self.touch("confirm"))
        self.paid_on_edit.dateChanged.connect(lambda: self.touch("paid_on"))

    def _show_fee_and_paid(self) -> None:
        app = self.application
        self.fee_label.setText(
            format_usd(app.fee_cents) if app.fee_cents is not None else "not set"
        )
        self.paid_label.setText(format_usd(app.paid_cents))

    def reload(self) -> bool:
        """Re-read the application (another desk may have paid); True when its figures changed.

        The amount typed is kept: the clerk decides whether it is still to be taken.
        """
        stored = self.context.store.get_application(self.application.number)
        figures = ("status", "fee_cents", "paid_cents", "balance_cents", "version")
        changed = any(getattr(stored, f) != getattr(self.application, f) for f in figures)
        self.application = stored
        self._show_fee_and_paid()
        self._update_confirmation()
        self.validate()
        return changed

    def _edited(self, key: str) -> None:
        self._update_confirmation()
        self.touch(key)

    # -- rules --------------------------------------------------------------------------------
    def amount_cents(self) -> int | None:
        return parse_usd(self.amount_edit.text())

    def needs_confirmation(self) -> str:
        """Why this payment needs a confirmation and a reason ("" when it does not)."""
        app = self.application
        if app.status is Status.WITHDRAWN:
            return f"{app.number} is withdrawn"
        amount = self.amount_cents()
        owed = app.balance_cents or 0
        if amount is not None and amount > owed:
            return f"{format_usd(amount)} is more than the balance owed ({format_usd(owed)})"
        return ""

    def _update_confirmation(self) -> None:
        why = self.needs_confirmation()
        for widget in (self.reason_edit, self.confirm_check):
            widget.setEnabled(bool(why))
        if not why:
            self.confirm_check.setChecked(False)
        self.confirm_check.setText(
            f"I confirm this payment: {why}" if why else "I confirm this payment"
        )
        now = format_usd(self.application.balance_cents or 0)
        amount = self.amount_cents()
        if amount is None or amount <= 0:
            # No balance "after" a payment that cannot be taken: the message says what is wrong.
            self.balance_label.setText(now)
            return
        left = (self.application.balance_cents or 0) - amount
        after = (
            f"{format_usd(left)} after this payment"
            if left >= 0
            else (f"overpaid by {format_usd(-left)} after this payment")
        )
        self.balance_label.setText(f"{now} now; {after}")

    def problems(self) -> list[Problem]:
        problems = []
        amount = self.amount_cents()
        if amount is None:
            text = self.amount_edit.text().strip()
            problems.append(
                Problem(
                    "amount",
                    f"Not an amount: {text!r} (type dollars and cents, e.g. 250.00)"
                    if text
                    else "Type the amount received",
                )
            )
        elif amount <= 0:
            problems.append(Problem("amount", "The amount must be more than $0.00"))
        problems += future_date_problems(
            "paid_on",
            from_qdate(self.paid_on_edit.date()),
            self.context.today(),
            "record a payment",
        )
        # the operation's own rule, shown as the date is picked
        problems += before_received_problems(
            "paid_on",
            from_qdate(self.paid_on_edit.date()),
            self.application.received_on,
            "record a payment",
        )
        if not self.receipt_edit.text().strip():
            problems.append(Problem("receipt", "Type the receipt number"))
        why = self.needs_confirmation()
        if why:
            if not self.reason_edit.text().strip():
                problems.append(Problem("reason", f"Say why this payment is taken: {why}"))
            if not self.confirm_check.isChecked():
                problems.append(Problem("confirm", f"Confirm the payment: {why}"))
        return problems

    def perform(self) -> None:
        kwargs = {}
        why = self.needs_confirmation()
        if why:
            # The confirmed reason goes to the audit trail if the operation takes one.
            parameters = inspect.signature(record_payment).parameters
            for name in ("reason", "confirm_reason", "override_reason"):
                if name in parameters:
                    kwargs[name] = self.reason_edit.text().strip()
                    break
        try:
            self._record(kwargs)
        except (InvalidInput, StaleRecord) as exc:
            if not self.reload():
                raise
            # Another desk changed the file since this dialog opened: show the figures now on
            # file; Reason and Confirm are enabled if the payment now needs them.
            why = self.needs_confirmation()
            note = (
                f"The file changed since this dialog opened (paid so far now "
                f"{format_usd(self.application.paid_cents)}, balance "
                f"{format_usd(self.application.balance_cents or 0)})"
            )
            problems = [Problem("", note)]
            if why:
                problems += [
                    Problem("reason", f"Say why this payment is taken: {why}"),
                    Problem("confirm", f"Confirm the payment: {why}"),
                ]
            elif isinstance(exc, InvalidInput):
                problems += [p for p in exc.problems if isinstance(p, Problem)]
            raise InvalidInput(problems) from exc

    def _record(self, kwargs: dict) -> None:
        record_payment(
            self.context.store,
            self.context.user,
            self.application.number,
            amount_cents=self.amount_cents() or 0,
            paid_on=from_qdate(self.paid_on_edit.date()),
            receipt_no=self.receipt_edit.text().strip(),
            method=self.method_combo.currentText(),
            today=self.context.today(),
            **kwargs,
        )
