"""SetFeeDialog: the director decides a fee the ordinance leaves unset, with a reason and their
password (asked again when Set fee is pressed)."""

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from kcsac.domain.money import to_cents
from kcsac.domain.problems import Problem
from kcsac.domain.roles import Permission
from kcsac.operations.payments import fee_decision_problems, set_fee
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.form_dialog import FormDialog
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import parse_decimal

_FIELDS = ("fee", "reason")
NOT_SET = "Not set by ordinance"


class SetFeeDialog(FormDialog):
    """kcsac proposes no amount: the director types it, and says why (for the audit trail)."""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        detail = context.application_detail(number)
        app = detail.application
        super().__init__(
            context,
            "set_fee_dialog",
            title=f"Set the fee - {app.number}",
            ok_text="&Set fee",
            help_topic="set_fee",
            fields=_FIELDS,
            parent=parent,
        )
        self.application = app
        form = self.form
        self.fee_edit = child(form, QLineEdit, "fee_edit")
        self.reason_edit = child(form, QLineEdit, "reason_edit")
        account = detail.account
        child(form, QLabel, "file_label").setText(
            f"{app.number}, {app.category.label}, {account.customer_class.label}; "
            f"received {app.received_on.isoformat() if app.received_on else 'not yet'}"
        )
        self.why_label = child(form, QLabel, "why_label")
        # The engine's reason, stored when the application was submitted (fee_note).
        self.why_label.setText(f"{NOT_SET}: {app.fee_note or 'no fee was assessed'}")
        self.fee_edit.textEdited.connect(lambda: self.touch("fee"))
        self.reason_edit.textEdited.connect(lambda: self.touch("reason"))
        self.validate()

    # -- rules --------------------------------------------------------------------------------
    def fee_cents(self) -> int | None:
        """The typed amount in cents; None when it is not dollars and cents."""
        value = parse_decimal(self.fee_edit.text().strip().removeprefix("$"))
        if value is None or value.as_tuple().exponent < -2:  # type: ignore[operator]
            return None  # more than two decimals: a typing slip, not rounded away
        return to_cents(value)

    def problems(self) -> list[Problem]:
        problems = []
        cents = self.fee_cents()
        text = self.fee_edit.text().strip()
        if not text:
            problems.append(Problem("fee", "Type the fee decided, in dollars (e.g. 600.00)"))
        elif cents is None:
            problems.append(
                Problem("fee", f"Not an amount: {text!r} (type dollars and cents, e.g. 600.00)")
            )
        # The operation's own rules (a negative fee, the reason), shown as they are typed.
        return problems + fee_decision_problems(cents, self.reason_edit.text())

    def password_purpose(self) -> str:
        return f"set the fee of {self.application.number}"

    def password_permission(self) -> tuple[Permission, str]:
        return (Permission.SET_FEE, "set a fee")

    def perform_with_password(self, password: str) -> None:
        set_fee(
            self.context.store,
            self.context.user,
            self.application.number,
            cents=self.fee_cents() or 0,
            reason=self.reason_edit.text().strip(),
            password=password,
            today=self.context.today(),
        )
