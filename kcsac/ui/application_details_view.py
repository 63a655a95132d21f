"""ApplicationDetailsView: one file's summary, what blocks its next step, and its timeline."""

import datetime as dt
import re
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.actions import NextStep
from kcsac.domain.records import ApplicationDetail, DecisionKind
from kcsac.domain.status import Status
from kcsac.domain.timeline import TimelineEntry, group_timeline
from kcsac.ui.qt_convert import date_text, money_text

# A timeline item's data: UserRole holds the entry's action, this role its audit seq numbers.
AUDIT_SEQ_ROLE = Qt.ItemDataRole.UserRole + 1
# Summary, next step, timeline: the splitter's first shares of the pane's height.
SPLITTER_SHARES = (330, 160, 220)
NOTHING_BLOCKS = "Nothing blocks the next step"


class ApplicationDetailsView(QWidget):
    """Read-only; the main window's actions act on the file shown here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("application_details_view")
        self.detail: ApplicationDetail | None = None

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setAccessibleName("Application summary")

        self.next_step_label = QLabel(self)
        self.next_step_label.setObjectName("next_step_label")
        bold = self.next_step_label.font()
        bold.setBold(True)
        self.next_step_label.setFont(bold)
        self.next_step_label.setWordWrap(True)
        self.next_step_label.setAccessibleName("Next step")

        self.blockers_list = QListWidget(self)
        self.blockers_list.setObjectName("blockers_list")
        self.blockers_list.setAccessibleName("What blocks the next step")
        self.blockers_list.setWordWrap(True)
        self.blockers_list.setMaximumHeight(84)

        self.timeline_list = QListWidget(self)
        self.timeline_list.setObjectName("timeline_list")
        self.timeline_list.setAccessibleName("Timeline from the audit trail, newest first")
        self.timeline_list.setWordWrap(True)  # the whole entry, over two lines if need be
        self.timeline_list.setAlternatingRowColors(True)

        summary_box = QGroupBox("Summary", self)
        summary_layout = QVBoxLayout(summary_box)
        # A long summary scrolls (nothing is cut off); each file opens at its top.
        self.summary_scroll = summary_scroll = QScrollArea(summary_box)
        summary_scroll.setObjectName("summary_scroll")
        summary_scroll.setAccessibleName("Application summary")
        summary_scroll.setWidgetResizable(True)
        summary_scroll.setFrameShape(QFrame.Shape.NoFrame)
        summary_scroll.setWidget(self.summary_label)
        summary_layout.addWidget(summary_scroll)
        next_box = QGroupBox("Next step and what blocks it", self)
        next_layout = QVBoxLayout(next_box)
        next_layout.addWidget(self.next_step_label)
        next_layout.addWidget(self.blockers_list)
        timeline_box = QGroupBox("Timeline (UTC, newest first)", self)
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.addWidget(self.timeline_list)

        # A splitter, so a long summary or timeline can be given more room (remembered).
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("details_splitter")
        for box in (summary_box, next_box, timeline_box):
            self.splitter.addWidget(box)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(2, 1)
        # The first layout (before one is remembered), as shares of the height: at 1280 x 800
        # the whole summary of every demo file shows without scrolling.
        self.splitter.setSizes(list(SPLITTER_SHARES))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_detail(None)

    def show_detail(self, detail: ApplicationDetail | None, step: NextStep | None = None) -> None:
        """Show `detail`; `step` is its next step for the person signed in (from
        domain.actions.next_step: who takes it, and why this person may not), else the
        file's next step for anyone."""
        self.detail = detail
        # Each file opens at the top of its summary, not where the last one was scrolled to.
        self.summary_scroll.verticalScrollBar().setValue(0)
        self.blockers_list.clear()
        self.timeline_list.clear()
        if detail is None:
            self.summary_label.setText("<i>Select an application to see it here.</i>")
            self.next_step_label.setText("")
            return
        self.summary_label.setText(summary_html(detail))
        line = step.line if step is not None else detail.next_step
        self.next_step_label.setText(f"<b>Next:</b> {escape(line)}")
        # Why this person may not take the step comes first (a read-only login is told so).
        texts = [step.refusal] if step is not None and step.refusal else []
        texts += [b.message + (f" ({b.citation})" if b.citation else "") for b in detail.blockers]
        if step is not None and step.blocked:
            texts.append(step.blocked)
        for text in texts or [NOTHING_BLOCKS]:
            item = QListWidgetItem(text, self.blockers_list)
            item.setToolTip(text)
        # One entry per operation (a payment and the file it paid are one clerk action).
        for entry in reversed(group_timeline(detail.timeline)):
            self.timeline_list.addItem(_timeline_item(entry))

    def blocker_texts(self) -> list[str]:
        return [self.blockers_list.item(i).text() for i in range(self.blockers_list.count())]


def summary_html(detail: ApplicationDetail) -> str:
    """The file at a glance, compact enough for the narrow pane at 1280 x 800 (no scrolling
    for the demo's files): one row for the money, one line per review."""
    app, account = detail.application, detail.account
    determination = detail.current_determination
    fee = money_text(app.fee_cents, none="not assessed" if not app.fee_note else "not set")
    if app.fee_cents is not None or app.paid_cents:
        fee += (
            f"; paid {money_text(app.paid_cents)}, "
            f"balance {money_text(app.balance_cents, none='-')}"
        )
    rows: list[tuple[str, str | list[str]]] = [
        ("Application", f"{app.number} ({app.status.label})"),
        ("Category", app.category.label),
        ("Account", f"{account.number}, {account.customer_class.label}"),
        ("Customer", account.customer),
        ("Address", account.service_address),
        ("Received", date_text(app.received_on) or "not yet"),
        ("Fee", fee),
    ]
    if app.fee_note:
        rows.append(("Fee basis", app.fee_note))
    if app.effective_on:
        rows.append(("Effective", date_text(app.effective_on)))
    _credit_end(detail, rows)
    done = [
        f"{r.kind.label} {r.result.value} {date_text(r.reviewed_on)}"
        + (f" (attached: {', '.join(r.attachments)})" if r.attachments else "")
        for r in detail.reviews
    ]
    rows.append(("Reviews", done or "none yet"))
    if determination is not None:
        terms = determination.method.label
        if determination.percent is not None:
            terms += f", {determination.percent} %"
        if determination.fixed_ccf is not None:
            terms += f", {determination.fixed_ccf} ccf per 30 days"
        rows.append(("Determination", terms + (" (signed)" if determination.locked else "")))
    if detail.meters:
        rows.append(("Meters", ", ".join(f"{m.role.value} {m.serial}" for m in detail.meters)))
    missing = [name for name, ok in app.paperwork.items() if not ok]
    if missing:
        rows.append(("Missing", "documents: " + ", ".join(missing)))
    cells = "".join(
        "<tr><td style='padding-right:8px; white-space:nowrap'>"
        f"<b>{escape(key)}</b></td><td>{_cell(value)}</td></tr>"
        for key, value in rows
    )
    # The full width: the values wrap less, so the summary is shorter.
    return f"<table width='100%' cellspacing='0' cellpadding='0'>{cells}</table>"


def _credit_end(detail: ApplicationDetail, rows: list) -> None:
    """A revoked credit's revocation date and reason, an ended credit's end date and why:
    the effective row gains the last day credited, one row says why (kept short, so the
    summary still shows whole at the desk's default size)."""
    app = detail.application
    kinds = {Status.REVOKED: DecisionKind.REVOCATION, Status.ENDED: DecisionKind.OWNERSHIP_CHANGE}
    wanted = kinds.get(app.status)
    if wanted is None:
        return
    found = [d for d in detail.decisions if d.kind is wanted]
    last = found[-1] if found else None
    if rows[-1][0] == "Effective" and app.ended_on:
        rows[-1] = ("Effective", f"{rows[-1][1]} to {date_text(app.ended_on)}")
    if app.status is Status.REVOKED:
        start = last.effective_on if last is not None else None
        note = last.note if last is not None and last.note else "no reason recorded"
        rows.append(("Revoked", f"from {date_text(start)}: {note}" if start else note))
        return
    moved = _MOVED.search(last.note) if last is not None else None
    rows.append(
        ("Ended", f"ownership change, now {moved.group(1)}" if moved else "ownership change")
    )


_MOVED = re.compile(r"credit moved to (\S+)")


def _cell(value: str | list[str]) -> str:
    return "<br>".join(escape(line) for line in value) if isinstance(value, list) else escape(value)


def local_time(at: str) -> tuple[str, str]:
    """An audit time (UTC, ISO) as this computer's local time: ("2026-08-20 09:15", "CDT");
    text that is not a time is shown as it is."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at, ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone()
    return local.strftime("%Y-%m-%d %H:%M"), local.tzname() or ""


def _timeline_item(entry: TimelineEntry) -> QListWidgetItem:
    when, zone = local_time(entry.at)
    what = entry.summary()
    item = QListWidgetItem(f"{when}  {what} ({entry.actor})")
    changes = "\n".join(entry.change_lines())
    item.setToolTip(f"{what}, by {entry.actor} at {when} {zone}".rstrip() + f"\n{changes}")
    item.setData(Qt.ItemDataRole.UserRole, entry.action)
    item.setData(AUDIT_SEQ_ROLE, [event.seq for event in entry.events])
    return item
