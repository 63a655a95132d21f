"""DeterminationDialog: method and parameters, with a live preview of the adjusted schedule."""

import datetime as dt

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from kcsac.domain.determination import DeterminationTerms, check_terms
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.problems import Problem
from kcsac.domain.records import ApplicationDetail, SacApplication
from kcsac.domain.status import Status
from kcsac.domain.volume import format_ccf
from kcsac.operations.determinations import enter_determination
from kcsac.operations.previews import SchedulePreview, determination_preview
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.form_dialog import FormDialog
from kcsac.ui.forms import child
from kcsac.ui.qt_convert import decimal_problem, from_qdate, parse_decimal, to_qdate
from kcsac.ui.schedule_table_model import ScheduleTableModel

_FIELDS = ("method", "percent", "fixed_ccf", "justification", "effective_on")
PREVIEW_DELAY_MS = 200


class DeterminationDialog(FormDialog):
    """Only the parameter of the chosen method is editable; the preview follows each change."""

    def __init__(self, context: DeskContext, number: str, parent: QWidget | None = None) -> None:
        detail = context.application_detail(number)
        app = detail.application
        super().__init__(
            context,
            "determination_dialog",
            title=f"Determination - {app.number}",
            ok_text="&Save determination",
            help_topic="determination",
            fields=_FIELDS,
            parent=parent,
        )
        self.resize(1120, 680)
        self.application = app
        self.account = detail.account
        self.schedule: SchedulePreview | None = None
        form = self.form
        self.method_combo = child(form, QComboBox, "method_combo")
        self.percent_edit = child(form, QLineEdit, "percent_edit")
        self.fixed_ccf_edit = child(form, QLineEdit, "fixed_ccf_edit")
        self.justification_edit = child(form, QPlainTextEdit, "justification_edit")
        self.effective_on_edit = child(form, QDateEdit, "effective_on_edit")
        self.preview_table = child(form, QTableView, "preview_table")
        self.totals_label = child(form, QLabel, "totals_label")
        self.notes_label = child(form, QLabel, "notes_label")
        self.signing_note_label = QLabel(self._signing_note(app))
        self.signing_note_label.setObjectName("signing_note_label")
        self.signing_note_label.setAccessibleName("What saving this determination means")
        self.signing_note_label.setWordWrap(True)
        self.form.layout().insertWidget(0, self.signing_note_label)
        # Extra height goes to the preview table, not between the form's rows.
        self.form.layout().setStretch(0, 0)
        self.form.layout().setStretch(1, 0)
        self.form.layout().setStretch(2, 1)
        self.preview_model = ScheduleTableModel(self)
        self.preview_table.setModel(self.preview_model)
        self.preview_table.verticalHeader().setVisible(False)
        self.preview_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        for method in Method:
            self.method_combo.addItem(method.label, method.value)
        self.effective_on_edit.setMinimumDate(QDate(2000, 1, 1))
        self.effective_on_edit.setDate(to_qdate(self._default_effective_on(detail)))
        current = detail.current_determination
        # The version of the unsigned terms read here (None: none), sent with the save so a
        # save over another desk's meanwhile is refused, naming who saved.
        self._read_version = current.version if current is not None and not current.locked else None
        if current is not None:
            self.method_combo.setCurrentIndex(self.method_combo.findData(current.method.value))
            self.percent_edit.setText("" if current.percent is None else str(current.percent))
            self.fixed_ccf_edit.setText("" if current.fixed_ccf is None else str(current.fixed_ccf))
            self.justification_edit.setPlainText(current.justification)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._connect_signals()
        self._on_method_combo_current_index_changed()
        self.update_preview()

    def _signing_note(self, app: SacApplication) -> str:
        """Say before saving what the signature will need (separation of duties)."""
        amendment = app.status is Status.APPROVED
        first = (
            "This credit is already approved: saving enters an amendment, which changes "
            "nothing until it is signed. "
            if amendment
            else ""
        )
        return (
            f"{first}Whoever enters the determination cannot sign it (kcsac's separation of "
            "duties): another reviewer or the director signs it."
        )

    def _connect_signals(self) -> None:
        self.method_combo.currentIndexChanged.connect(self._on_method_combo_current_index_changed)
        self.percent_edit.textEdited.connect(lambda: self._edited("percent"))
        self.fixed_ccf_edit.textEdited.connect(lambda: self._edited("fixed_ccf"))
        self.justification_edit.textChanged.connect(lambda: self.touch("justification"))
        self.effective_on_edit.dateChanged.connect(lambda: self._edited("effective_on"))
        self._preview_timer.timeout.connect(self.update_preview)

    def _default_effective_on(self, detail: ApplicationDetail) -> dt.date:
        """Today: a credit starts when the director signs (today, or a paper signature's
        day, never before the received application and its reviews), so an earlier preview
        would credit periods that never can be; an amendment of a running credit takes
        effect on its own signature, the periods before it staying under the signed terms
        (RULES.md, "A credit over time")."""
        return self.context.today()

    def _edited(self, key: str) -> None:
        self.touch(key)
        self._preview_timer.start()

    def _on_method_combo_current_index_changed(self, *_args: object) -> None:
        method = self.method()
        self.percent_edit.setEnabled(method is Method.PERCENTAGE)
        self.fixed_ccf_edit.setEnabled(method is Method.FIXED)
        self.validate()
        self._preview_timer.start()

    # -- terms --------------------------------------------------------------------------------
    def method(self) -> Method:
        return Method(self.method_combo.currentData())

    def terms(self) -> DeterminationTerms:
        method = self.method()
        percent = parse_decimal(self.percent_edit.text()) if method is Method.PERCENTAGE else None
        fixed = parse_decimal(self.fixed_ccf_edit.text()) if method is Method.FIXED else None
        return DeterminationTerms(method, percent, fixed)

    def problems(self) -> list[Problem]:
        problems = []
        method = self.method()
        for key, edit, wanted in (
            ("percent", self.percent_edit, Method.PERCENTAGE),
            ("fixed_ccf", self.fixed_ccf_edit, Method.FIXED),
        ):
            text = edit.text().strip()
            if method is wanted and text and parse_decimal(text) is None:
                problems.append(Problem(key, decimal_problem(text) or f"Not a number: {text!r}"))
        if not problems:
            problems += [
                Problem(p.field, p.message[:1].upper() + p.message[1:], p.citation)
                for p in check_terms(self.terms())
            ]
        if method is Method.PERCENTAGE and not self.justification_edit.toPlainText().strip():
            problems.append(
                Problem("justification", "The director's justification for p is required")
            )
        return problems

    # -- preview ------------------------------------------------------------------------------
    def update_preview(self) -> None:
        """The schedule these terms would give (operations.previews: the credit's own
        schedule, with the surcharge limits, the meters and the terms signed before)."""
        self._preview_timer.stop()
        self.schedule = None
        terms = self.terms()
        if check_terms(terms):
            self.preview_model.set_rows([])
            self.totals_label.setText("")
            self.notes_label.setText("Enter the method's parameter to see the schedule.")
            return
        effective_on = from_qdate(self.effective_on_edit.date())
        preview = determination_preview(
            self.context.store,
            self.application.number,
            today=self.context.today(),
            terms=terms,
            effective_on=effective_on,
        )
        totals = preview.totals
        if preview.history is None or totals is None:
            self.preview_model.set_rows([])
            self.totals_label.setText("")
            self.notes_label.setText(f"No preview: {preview.message}")
            self.notes_label.setToolTip("")
            return
        self.schedule = preview
        self.preview_model.set_rows(preview.lines)
        self.totals_label.setText(
            f"<b>Totals:</b> {totals.days} days, purchased {format_ccf(totals.purchased_ccf)} "
            f"ccf, credited {format_ccf(totals.credited_ccf)} ccf, billed "
            f"{format_ccf(totals.billed_ccf)} ccf; volume charge "
            f"{format_usd(totals.volume_charge_cents)} instead of "
            f"{format_usd(totals.volume_charge_unadjusted_cents)}: <b>credit "
            f"{format_usd(totals.credit_cents)}</b>"
        )
        notes = list(preview.notes)
        left_out = preview.left_out
        if not preview.lines:
            notes.insert(0, "No billing periods on or after this date for the account.")
        if left_out:  # one line per period and meter: summarised here, all in the tooltip
            notes.append(f"{len(left_out)} period(s) left out, e.g. {left_out[0]}")
        self.notes_label.setText(" ".join(notes))
        self.notes_label.setToolTip("\n".join(left_out))

    def done(self, result: int) -> None:
        self._preview_timer.stop()  # no preview from a closed dialog
        super().done(result)

    def perform(self) -> None:
        terms = self.terms()
        enter_determination(
            self.context.store,
            self.context.user,
            self.application.number,
            method=terms.method,
            percent=terms.percent,
            fixed_ccf=terms.fixed_ccf,
            justification=self.justification_edit.toPlainText().strip(),
            today=self.context.today(),
            expected_version=self._read_version,
        )
