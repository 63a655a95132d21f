"""The desk's actions: one table (text, shortcut, tips, handler, menu, toolbar), built once.

`DESK_ACTIONS` declares every action of the main window in the order they are created;
`build_desk_actions` turns the table (and one "Show ..." action per queue, Ctrl+1..9, Ctrl+0)
into QActions on the window, its menu bar and its toolbar. A handler is the name of the
window's slot that the action triggers. `update_desk_actions` enables them for the file shown
and the person signed in, as the domain answers (kcsac.domain.actions.available_actions).
"""

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QToolBar

from kcsac.domain.actions import READ_ONLY, Action, available_actions
from kcsac.domain.records import ApplicationDetail
from kcsac.domain.status import Status
from kcsac.operations import queries
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.desk_list import QUEUES

# The menu bar, left to right (each action names its menu).
MENUS = ("&File", "&Application", "&Decision", "D&ocuments", "&View", "&Help")
VIEW_MENU = "&View"  # also lists the queue actions, after a separator
EXPLAIN_MS = 8000  # how long the status bar says why a disabled action's shortcut did nothing


@dataclass(frozen=True)
class DeskAction:
    """One action of the desk, as declared in DESK_ACTIONS."""

    name: str  # the key in the window's `desk_actions`
    text: str  # menu text, with its mnemonic
    shortcut: str | QKeySequence.StandardKey
    tip: str  # status tip; the tooltip adds the shortcut
    handler: str  # the window's slot the action triggers
    menu: str  # one of MENUS
    toolbar: bool = False  # also on the toolbar (in table order)
    changes: bool = False  # changes records: never enabled for a read-only login
    separator_before: bool = False  # in its menu
    queue_row: int = -1  # a queue action: the row of QUEUES it selects (its handler's argument)

    def tooltip(self) -> str:
        shown = QKeySequence(self.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        return f"{self.tip or _plain(self.text)} ({shown})"


DESK_ACTIONS: tuple[DeskAction, ...] = (
    DeskAction(
        "new",
        "&New application…",
        "Ctrl+N",
        "Take a new application (wizard)",
        "_on_new_action",
        "&File",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "resume",
        "&Continue draft…",
        "Ctrl+E",
        "Continue the selected draft in the wizard",
        "_on_resume_action",
        "&Application",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "payment",
        "Record fee &payment…",
        "Ctrl+Shift+F",
        "Record a payment of the application fee",
        "_on_payment_action",
        "&Application",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "review",
        "Record &review…",
        "Ctrl+Shift+R",
        "Site review, plan review or installation inspection",
        "_on_review_action",
        "&Application",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "meter",
        "Add &meter…",
        "Ctrl+Shift+M",
        "Add a deduct, make-up, blow-down, irrigation or sewer meter",
        "_on_meter_action",
        "&Application",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "reading",
        "Record meter r&eading…",
        "Ctrl+Shift+E",
        "Record a meter reading (never estimated)",
        "_on_reading_action",
        "&Application",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "determination",
        "&Determination…",
        "Ctrl+Shift+T",
        "Method and parameters, with the schedule preview",
        "_on_determination_action",
        "&Application",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "documents",
        "Documents recei&ved…",
        "Ctrl+Shift+K",
        "Tick the documents that arrived after the application",
        "_on_documents_action",
        "&Application",
        changes=True,
    ),
    DeskAction(
        "withdraw",
        "&Withdraw…",
        "Ctrl+Shift+W",
        "The applicant withdrew the application",
        "_on_withdraw_action",
        "&Application",
        changes=True,
    ),
    DeskAction(
        "approve",
        "&Approve (sign)…",
        "Ctrl+Shift+A",
        "Sign the approval (or a pending amendment) with your password",
        "_on_approve_action",
        "&Decision",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "deny",
        "De&ny…",
        "Ctrl+Shift+D",
        "Deny the application, with reasons",
        "_on_deny_action",
        "&Decision",
        toolbar=True,
        changes=True,
    ),
    DeskAction(
        "amend",
        "A&mend determination…",
        "Ctrl+Shift+N",
        "Enter new terms for an approved credit (signed separately)",
        "_on_amend_action",
        "&Decision",
        changes=True,
    ),
    DeskAction(
        "ownership",
        "&Ownership change…",
        "Ctrl+Shift+O",
        "Move an approved credit to a new owner",
        "_on_ownership_action",
        "&Decision",
        changes=True,
    ),
    DeskAction(
        "set_fee",
        "Set &fee…",
        "Ctrl+Shift+S",
        "Director: decide a fee the ordinance does not set, with a reason",
        "_on_set_fee_action",
        "&Decision",
        changes=True,
    ),
    DeskAction(
        "reopen",
        "&Reopen…",
        "Ctrl+Shift+B",
        "Director: put a denied application back into the flow, with a reason",
        "_on_reopen_action",
        "&Decision",
        changes=True,
    ),
    DeskAction(
        "revoke",
        "Re&voke…",
        "Ctrl+Shift+V",
        "Director: revoke a credit",
        "_on_revoke_action",
        "&Decision",
        changes=True,
    ),
    DeskAction(
        "letter",
        "&Letter (preview, print)…",
        QKeySequence.StandardKey.Print,
        "The approval or denial letter, as issued",
        "_on_letter_action",
        "D&ocuments",
        toolbar=True,
    ),
    DeskAction(
        "schedule",
        "Adjusted volume &schedule…",
        "Ctrl+Shift+P",
        "The credit's schedule: its issued versions, a preview (issues nothing), issue",
        "_on_schedule_action",
        "D&ocuments",
    ),
    DeskAction(
        "issue_cycle",
        "&Issue schedules with new periods…",
        "Ctrl+Shift+I",
        "Issue a new version of every schedule that has new billing periods",
        "_on_issue_cycle_action",
        "D&ocuments",
        changes=True,
    ),
    DeskAction(
        "export",
        "E&xport letters and schedules…",
        "Ctrl+Shift+X",
        "Write the documents of the applications listed into a folder",
        "_on_export_action",
        "D&ocuments",
        changes=True,
    ),
    DeskAction(
        "administration",
        "Ad&ministration…",
        "Ctrl+Shift+U",
        "Users and roles, password resets, surcharge limits, backups",
        "_on_administration_action",
        "&File",
        changes=True,
        separator_before=True,
    ),
    DeskAction(
        "find",
        "&Find",
        QKeySequence.StandardKey.Find,
        "Search applications",
        "_on_find_action",
        "&View",
    ),
    DeskAction(
        "refresh",
        "&Refresh",
        QKeySequence.StandardKey.Refresh,
        "Read the queues and the list again",
        "refresh",
        "&View",
    ),
    DeskAction(
        "help",
        "&Help",
        QKeySequence.StandardKey.HelpContents,
        "Help on the desk, with the ordinance text",
        "_on_help_action",
        "&Help",
    ),
    DeskAction(
        "sign_in",
        "Sign &in as…",
        "Ctrl+Shift+L",
        "Act as another kcsac user, with their password (a shared desk, the demo users)",
        "_on_sign_in_action",
        "&File",
        separator_before=True,
    ),
    DeskAction(
        "sign_out",
        "Sign &out",
        "Ctrl+Shift+G",
        "Go back to the operating-system account's kcsac user",
        "_on_sign_out_action",
        "&File",
    ),
    DeskAction("quit", "&Quit", "Ctrl+Q", "Close kcsac", "close", "&File", separator_before=True),
)

# The View menu's words for each queue (queue key -> menu text).
QUEUE_MENU_TEXTS: dict[str, str] = {
    Status.DRAFT.value: "Show drafts",
    Status.AWAITING_FEE.value: "Show applications awaiting the fee",
    Status.IN_REVIEW.value: "Show applications in review",
    Status.AWAITING_DECISION.value: "Show applications awaiting a decision",
    Status.APPROVED.value: "Show approved applications",
    Status.DENIED.value: "Show denied applications",
    Status.WITHDRAWN.value: "Show withdrawn applications",
    Status.REVOKED.value: "Show revoked credits",
    Status.ENDED.value: "Show ended credits (ownership changed)",
    queries.ALL: "Show all applications",
}


def queue_digit(row: int) -> int:
    """The digit of the queue in `row`: 1..9 in order, and 0 for All (the last queue)."""
    return 0 if row == len(QUEUES) - 1 else row + 1


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "")


def queue_actions() -> tuple[DeskAction, ...]:
    """One "Show ..." action per queue, Ctrl+1..9 in order and Ctrl+0 for All."""
    return tuple(
        DeskAction(
            f"queue_{key}",
            QUEUE_MENU_TEXTS[key],
            f"Ctrl+{queue_digit(row)}",
            f"The {label} queue",
            "select_queue",
            VIEW_MENU,
            separator_before=row == 0,
            queue_row=row,
        )
        for row, (label, key) in enumerate(QUEUES)
    )


def build_desk_actions(window: QMainWindow) -> dict[str, QAction]:
    """Every action of DESK_ACTIONS and queue_actions() by name, on `window` (so their
    shortcuts work wherever the focus is), in its menus and on its toolbar.

    An action triggers the window's slot named by its handler (a queue action passes its
    row); a handler the window lacks fails here, when the desk is built.
    """
    actions: dict[str, QAction] = {}
    menus = {title: window.menuBar().addMenu(title) for title in MENUS}
    for spec in (*DESK_ACTIONS, *queue_actions()):
        action = QAction(spec.text, window)
        action.setShortcut(QKeySequence(spec.shortcut))
        action.setObjectName(_plain(spec.text).strip().lower().replace(" ", "_") + "_action")
        action.setToolTip(spec.tooltip())
        action.setStatusTip(spec.tip)
        handler = getattr(window, spec.handler)
        if spec.queue_row < 0:
            action.triggered.connect(handler)
        else:  # triggered(bool) would be taken for the row
            action.triggered.connect(lambda _checked=False, h=handler, r=spec.queue_row: h(r))
        window.addAction(action)  # shortcuts work wherever the focus is in the window
        actions[spec.name] = action
        if spec.name in _RULED:
            _explain_when_disabled(window, action)
        menu = menus[spec.menu]
        if spec.separator_before:
            menu.addSeparator()
        menu.addAction(action)

    toolbar = QToolBar("Actions")
    toolbar.setObjectName("actions_toolbar")
    toolbar.setAccessibleName("Actions")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for spec in DESK_ACTIONS:
        if spec.toolbar:
            toolbar.addAction(actions[spec.name])
    window.addToolBar(toolbar)
    return actions


_RULED = frozenset(action.value for action in Action)  # enabled by domain.actions


def _explain_when_disabled(window: QMainWindow, action: QAction) -> None:
    """A disabled QAction swallows its shortcut: while it is disabled, a shortcut with the
    same keys says in the status bar why (its status tip) instead of doing nothing."""
    explainer = QShortcut(window)
    explainer.setKeys(action.shortcuts())
    explainer.setObjectName(f"{action.objectName()}_explainer")
    explainer.setEnabled(not action.isEnabled())
    action.enabledChanged.connect(lambda enabled: explainer.setEnabled(not enabled))
    explainer.activated.connect(
        lambda: window.statusBar().showMessage(action.statusTip(), EXPLAIN_MS)
    )


def update_desk_actions(
    actions: dict[str, QAction],
    context: DeskContext,
    detail: ApplicationDetail | None,
    *,
    listed: int,
) -> None:
    """Enable each action for the file shown (`detail`) and the person signed in, as
    domain.actions.available_actions answers; a disabled action says why, and who may, in
    its tooltip and status tip (and when its shortcut is pressed: see build_desk_actions).
    Export also needs applications `listed`."""
    answer = available_actions(detail, context.user)
    if answer[Action.EXPORT] is None and listed == 0:
        answer[Action.EXPORT] = "No application is listed here: nothing to export"
    for action, why in answer.items():
        explain(actions, action.value, why or "")
        actions[action.value].setEnabled(why is None)
    # A billing cycle's batch issue is not about one file: any kcsac user may run it.
    explain(actions, "issue_cycle", "" if not context.read_only else READ_ONLY)
    actions["issue_cycle"].setEnabled(not context.read_only)


def explain(actions: dict[str, QAction], name: str, why: str) -> None:
    """Say in the action's tips why it is disabled ("" puts its own tips back)."""
    action = actions[name]
    if why:
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{why} ({shown})")
        action.setStatusTip(why)
    else:
        spec = _SPECS[name]
        action.setToolTip(spec.tooltip())
        action.setStatusTip(spec.tip)


_SPECS = {spec.name: spec for spec in DESK_ACTIONS}
