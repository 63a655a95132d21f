"""The desk's main window on a real database file: queues, search, sorting, layout, roles."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
)

from kcsac.domain.category import Category
from kcsac.ui.desk_list import QUEUES
from kcsac.ui.main_window import WINDOW_TITLE, MainWindow, desk_settings
from tests.ui.desk_factories import make_paid, make_submitted

TODAY = dt.date(2026, 8, 20)


def test_main_window_opens_with_its_title(qtbot, store, db_path):
    window = MainWindow(store, db_path=db_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert WINDOW_TITLE == "kcsac - Sewer Allowance Credit"
    assert window.windowTitle() == f"{WINDOW_TITLE} - {window.user_label.text()}"


def test_qt_and_cli_agree_on_the_data_folder(qapp):
    from PySide6.QtCore import QStandardPaths

    from kcsac.cli.database import default_data_dir
    from kcsac.ui.desk_startup import configure_application

    configure_application(qapp)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert location == str(default_data_dir())


@pytest.fixture
def filled(store, clerk):
    """Two awaiting the fee, one in review, on three customers."""
    a = make_submitted(store, clerk, account="1000001-001", customer="Bright Suds Car Wash")
    b = make_submitted(
        store,
        clerk,
        account="1000002-001",
        customer="Zenith Laundry",
        address="12 Elm St",
        category=Category.LAUNDRY,
    )
    c = make_paid(store, clerk, account="1000003-001", customer="Ace Cooling", address="9 Oak")
    return a, b, c


@pytest.fixture
def window(qtbot, store, db_path, clerk, filled):
    w = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def queue_texts(window):
    return [
        window.desk_list.queue_list.item(i).text()
        for i in range(window.desk_list.queue_list.count())
    ]


def test_queues_show_counts_and_filter_the_list(window, qtbot):
    assert queue_texts(window) == [
        "Drafts (0)",
        "Awaiting fee (2)",
        "In review (1)",
        "Awaiting decision (0)",
        "Approved (0)",
        "Denied (0)",
        "Withdrawn (0)",
        "Revoked (0)",
        "Ended (0)",
        "All (3)",
    ]
    assert window.desk_list.model.rowCount() == 3
    window.desk_list.applications_view.setFocus()
    qtbot.keyClick(
        window.desk_list.applications_view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier
    )
    assert window.desk_list.queue == "awaiting-fee"
    assert window.desk_list.model.rowCount() == 2
    window.queue_actions[2].trigger()
    assert [window.desk_list.model.index(0, 2).data()] == ["Ace Cooling"]
    assert window.desk_list.result_label.text() == "1 shown"


def test_search_as_you_type_is_debounced_and_matches_every_field(window, qtbot, filled):
    window.desk_list.search_edit.setFocus()
    qtbot.keyClicks(window.desk_list.search_edit, "zen")
    assert window.desk_list.model.rowCount() == 3, "no query on each key: it waits for a pause"
    qtbot.waitUntil(lambda: window.desk_list.model.rowCount() == 1, timeout=2000)
    assert window.desk_list.model.index(0, 2).data() == "Zenith Laundry"
    assert window.desk_list.result_label.text() == "1 found for \u201czen\u201d"
    for text, expected in (
        ("1000003", "Ace Cooling"),  # account number
        ("Elm", "Zenith Laundry"),  # address
        (filled[0].number, "Bright Suds Car Wash"),  # application number
    ):
        window.desk_list.search_edit.clear()
        qtbot.keyClicks(window.desk_list.search_edit, text)
        qtbot.waitUntil(
            lambda e=expected: (
                window.desk_list.model.rowCount() == 1
                and window.desk_list.model.index(0, 2).data() == e
            ),
            timeout=2000,
        )
    qtbot.waitUntil(
        lambda: window.detail.application.number == filled[0].number, timeout=2000
    )  # the details pane follows the first match once typing pauses


def test_the_first_rows_details_follow_the_first_paint(qtbot, store, db_path, clerk, filled):
    """The list is shown first; the details of its first row (which load the ordinance
    engine) come on the event loop's next turn, with the actions enabled to match."""
    window = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(window)
    assert window.desk_list.model.rowCount() == 3
    assert window.details_pane.view.detail is None  # not yet: the window paints first
    assert not window.action("withdraw").isEnabled()  # nothing it could act on yet
    newest = window.selected_number()
    window.show()
    qtbot.waitUntil(lambda: window.details_pane.view.detail is not None, timeout=2000)
    assert window.details_pane.view.detail.application.number == newest
    assert window.action("withdraw").isEnabled()  # the newest one is open


def test_a_search_kept_across_queues_is_named_and_esc_clears_it(window, qtbot):
    window.desk_list.search_edit.setFocus()
    qtbot.keyClicks(window.desk_list.search_edit, "zen")
    qtbot.waitUntil(lambda: window.desk_list.model.rowCount() == 1, timeout=2000)
    window.queue_actions[2].trigger()  # In review: Zenith Laundry is not in it
    assert window.desk_list.model.rowCount() == 0
    assert window.desk_list.result_label.text() == (
        "0 found for \u201czen\u201d in this queue (Esc clears the search)"
    )
    window.desk_list.search_edit.setFocus()
    qtbot.keyClick(window.desk_list.search_edit, Qt.Key.Key_Escape)
    assert window.desk_list.search_edit.text() == ""
    assert window.desk_list.model.rowCount() == 1  # the whole queue again
    assert window.desk_list.result_label.text() == "1 shown"


def test_clicking_a_header_sorts_through_the_query(window, qtbot):
    header = window.desk_list.applications_view.horizontalHeader()
    header.setSortIndicator(2, Qt.SortOrder.AscendingOrder)
    assert [window.desk_list.model.index(r, 2).data() for r in range(3)] == [
        "Ace Cooling",
        "Bright Suds Car Wash",
        "Zenith Laundry",
    ]
    header.setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    assert window.desk_list.model.index(0, 2).data() == "Zenith Laundry"


def test_details_show_summary_blockers_and_timeline(window, filled):
    window.select_number(filled[0].number)
    details = window.details_pane.view
    assert "Bright Suds Car Wash" in details.summary_label.text()
    assert "Record the fee payment" in details.next_step_label.text()
    assert details.blocker_texts() == [
        "Fee balance of $250.00 is owed; the full fee must be received before a credit "
        "(Code sec. 60-2(2)(c))"
    ]
    timeline = details.timeline_list
    actions = [timeline.item(i).data(Qt.ItemDataRole.UserRole) for i in range(timeline.count())]
    assert actions[-1] == "application created", "newest first, so the oldest is last"
    assert "application submitted" in actions


def test_layout_and_queue_are_remembered(qtbot, store, db_path, clerk, filled):
    first = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(first)
    first.resize(780, 560)  # inside the offscreen screen, so restoreGeometry keeps it
    first.show()
    qtbot.waitExposed(first)
    first.splitter.setSizes([150, 400, 200])
    sizes = first.splitter.sizes()
    first.select_queue(2)
    first.desk_list.applications_view.horizontalHeader().resizeSection(2, 321)
    first.close()
    assert desk_settings().value("main_window/queue") == "in-review"

    second = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.desk_list.queue == "in-review"
    assert second.splitter.sizes() == sizes
    assert second.desk_list.applications_view.horizontalHeader().sectionSize(2) == 321


def test_an_unknown_login_gets_a_read_only_desk(qtbot, store, db_path, filled):
    window = MainWindow(store, db_path=db_path, user=None, os_login="visitor")
    qtbot.addWidget(window)
    window.show()
    assert window.user_label.text() == "Read-only: visitor is not a kcsac user"
    window.select_number(filled[0].number)
    assert "read-only for you" in window.details_pane.view.blocker_texts()[0]
    assert window.desk_list.model.rowCount() == 3, "reading is still allowed"


def test_every_action_has_a_shortcut_and_every_control_a_name(window):
    for action in window.actions():
        assert not action.shortcut().isEmpty(), action.text()
        assert action.toolTip(), action.text()
    shortcuts = [a.shortcut().toString() for a in window.actions()]
    assert len(shortcuts) == len(set(shortcuts)), "no shortcut is used twice"
    assert len(window.queue_actions) == len(QUEUES)
    controls = (QLineEdit, QComboBox, QDateEdit, QPlainTextEdit, QAbstractItemView)
    for kind in controls:
        for widget in window.findChildren(kind):
            if widget.isVisibleTo(window) and not isinstance(widget, QHeaderView):
                assert widget.accessibleName(), f"{kind.__name__} {widget.objectName()}"
    for button in window.findChildren(QAbstractButton):
        if button.isVisibleTo(window):
            assert button.text() or button.accessibleName() or button.toolTip()


def test_f1_opens_help_with_the_ordinance(window, qtbot):
    window.desk_list.applications_view.setFocus()
    window.action("help").trigger()
    text = window._help.last_dialog.text
    assert "Ordinance 260209" in text
    assert "An application and the appropriate fee must be submitted" in text


def test_pressing_f1_on_the_desk_opens_help(window, qtbot):
    """F1 once belonged to two shortcuts on the desk, so Qt called it ambiguous and did nothing."""
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.desk_list.applications_view.setFocus()
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_F1)
    dialog = getattr(window._help, "last_dialog", None)
    assert dialog is not None, "F1 opened no help"
    assert "Ordinance 260209" in dialog.text


def test_closing_the_desk_keeps_an_open_wizard_as_a_draft(qtbot, window, store):
    wizard = window.open_wizard()
    page = wizard.account_page
    qtbot.keyClicks(page.account_number_edit, "4440001-001")
    qtbot.keyClicks(page.customer_edit, "Half Done Inc.")
    qtbot.keyClicks(page.service_address_edit, "1 Unfinished Rd")
    window.close()
    drafts = store.list_summaries(queue="draft")
    assert [(d.account, d.customer) for d in drafts] == [("4440001-001", "Half Done Inc.")]


def test_return_on_a_draft_continues_it_in_the_wizard(qtbot, window, store, clerk):
    from kcsac.operations.intake import create_application
    from kcsac.ui.wizard.new_application_wizard import NewApplicationWizard

    draft = create_application(
        store,
        clerk,
        account="1000002-001",
        category=Category.LAUNDRY,
        today=TODAY,
        details={"machines": "7"},
    )
    window.refresh()
    window.select_queue(0)
    assert window.selected_number() == draft.number
    assert window.action("resume").isEnabled()
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_Return)
    [wizard] = window.findChildren(NewApplicationWizard)
    assert wizard.number == draft.number
    assert wizard.account_page.customer_edit.text() == "Zenith Laundry"
    assert wizard.draft.details == {"machines": "7"}
    assert wizard.currentPage() is wizard.details_page, "it goes on where the clerk left off"
    assert wizard.details_page.text("machines") == "7"


def test_one_character_alone_does_not_search_yet(qtbot, window):
    qtbot.keyClicks(window.desk_list.search_edit, "z")
    qtbot.wait(300)
    assert window.desk_list.model.rowCount() == 3
    assert window.desk_list.result_label.text() == "3 shown (type more to search)"
    qtbot.keyClicks(window.desk_list.search_edit, "e")
    qtbot.waitUntil(lambda: window.desk_list.model.rowCount() == 1, timeout=2000)


def test_timeline_tooltips_say_what_changed(window, filled):
    window.select_number(filled[0].number)
    newest = window.details_pane.view.timeline_list.item(0)
    assert "application submitted" in newest.text()
    assert "status: draft -> awaiting-fee" in newest.toolTip()


def test_words_that_match_every_number_are_not_searched(window, qtbot, filled):
    for typed, searched in (
        ("SAC-", ""),
        ("sac-2026-00", "2026 00"),
        ("SAC-2026-0001", "2026 0001"),
        ("zenith s", "zenith"),
        ("Sacramento", "Sacramento"),
    ):
        window.desk_list.search_edit.setText(typed)
        assert window.desk_list.search_text() == searched, typed
    window.desk_list.search_edit.clear()
    qtbot.keyClicks(window.desk_list.search_edit, filled[1].number)
    qtbot.waitUntil(lambda: window.desk_list.model.rowCount() == 1, timeout=2000)
    assert window.desk_list.model.index(0, 0).data() == filled[1].number


def test_return_in_the_search_box_searches_at_once_and_goes_to_the_list(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.desk_list.search_edit.setFocus()
    qtbot.keyClicks(window.desk_list.search_edit, "ace")
    qtbot.keyClick(window.desk_list.search_edit, Qt.Key.Key_Return)
    assert window.desk_list.model.rowCount() == 1, "no debounce wait after Return"
    assert window.desk_list.applications_view.hasFocus()


def mnemonic(text):
    """The letter after a single "&" ("&&" is a literal ampersand), or ""."""
    plain = text.replace("&&", "")
    i = plain.find("&")
    return plain[i + 1].lower() if 0 <= i < len(plain) - 1 else ""


def test_every_menu_has_unique_mnemonics(window):
    from PySide6.QtWidgets import QMenu

    bar = window.menuBar()
    menus = [a.menu() for a in bar.actions() if a.menu() is not None]
    assert len(menus) >= 6
    tops = [mnemonic(a.text()) for a in bar.actions()]
    assert all(tops), tops
    assert len(tops) == len(set(tops)), tops
    for menu in menus:
        assert isinstance(menu, QMenu)
        letters = [mnemonic(a.text()) for a in menu.actions() if not a.isSeparator()]
        used = [letter for letter in letters if letter]
        assert len(used) == len(set(used)), (menu.title(), letters)
    decision = next(m for m in menus if m.title() == "&Decision")
    assert [a.text() for a in decision.actions()] == [
        "&Approve (sign)…",
        "De&ny…",
        "A&mend determination…",
        "&Ownership change…",
        "Set &fee…",
        "&Reopen…",
        "Re&voke…",
    ]


def test_revoked_and_ended_have_queues_and_the_queues_add_up_to_all(
    qtbot, store, db_path, clerk, filled
):
    import dataclasses

    from kcsac.domain.status import Status

    for app, status in ((filled[0], Status.REVOKED), (filled[1], Status.ENDED)):
        store.save_application(
            dataclasses.replace(app, status=status),
            expected_version=store.get_application(app.number).version,
            actor=clerk.login,
            action=f"{status.value} (test setup)",
        )
    window = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    texts = queue_texts(window)
    assert texts[-3:] == ["Revoked (1)", "Ended (1)", "All (3)"]
    counts = [int(t.rsplit("(", 1)[1].rstrip(")")) for t in texts]
    assert sum(counts[:-1]) == counts[-1], "every application is in exactly one queue"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.desk_list.applications_view.setFocus()
    qtbot.keyClick(
        window.desk_list.applications_view, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier
    )
    assert window.desk_list.queue == "revoked"
    assert window.selected_number() == filled[0].number
    qtbot.keyClick(
        window.desk_list.applications_view, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier
    )
    assert window.desk_list.queue == "ended"
    assert window.selected_number() == filled[1].number
    qtbot.keyClick(
        window.desk_list.applications_view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier
    )
    assert window.desk_list.queue == "all"
    assert window.desk_list.model.rowCount() == 3


def test_the_view_menu_names_the_queues_naturally(window):
    texts = [a.text() for a in window.queue_actions]
    assert texts[0] == "Show drafts"
    assert texts[-1] == "Show all applications"
    assert all(t.startswith("Show ") and "queue" not in t for t in texts), texts
    keys = [a.shortcut().toString() for a in window.queue_actions]
    assert keys == [f"Ctrl+{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)]
    assert window.queue_actions[-1].toolTip() == "The All queue (Ctrl+0)"


def withdraw_with(qtbot, window, steps):
    """Open Withdraw (Ctrl+Shift+W); `steps(prompt)` runs inside the modal prompt."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kcsac.ui.withdraw_prompt import WithdrawPrompt

    seen = []

    def act():
        prompt = QApplication.activeModalWidget()
        if not isinstance(prompt, WithdrawPrompt):
            QTimer.singleShot(20, act)
            return
        seen.append(prompt)
        steps(prompt)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTimer.singleShot(0, act)
    window.desk_list.applications_view.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_W, ctrl_shift)
    return seen


def test_withdraw_keeps_asking_for_a_reason_in_the_same_prompt(window, qtbot, store, filled):
    from kcsac.domain.status import Status

    number = filled[0].number
    window.select_number(number)
    checks = {}

    def steps(prompt):
        checks["title"] = prompt.windowTitle()
        checks["blank"] = (prompt.ok_button.isEnabled(), prompt.message_label.text())
        qtbot.keyClick(prompt.reason_edit, Qt.Key.Key_Return)  # nothing happens, still asking
        qtbot.keyClicks(prompt.reason_edit, "   ")
        checks["spaces"] = prompt.ok_button.isEnabled()
        checks["still open"] = prompt.isVisible()
        prompt.reason_edit.clear()
        qtbot.keyClicks(prompt.reason_edit, "Customer sold the car wash")
        checks["typed"] = (prompt.ok_button.isEnabled(), prompt.message_label.text())
        qtbot.keyClick(prompt.reason_edit, Qt.Key.Key_Return)

    assert len(withdraw_with(qtbot, window, steps)) == 1
    assert checks["title"] == f"Withdraw application {number}"
    assert checks["blank"] == (False, f"Say why {number} is withdrawn")
    assert checks["spaces"] is False
    assert checks["still open"]
    assert checks["typed"] == (True, "")
    assert store.get_application(number).status is Status.WITHDRAWN
    [event] = [e for e in store.timeline(number) if e.reason == "Customer sold the car wash"]
    assert event.actor == "cclerk"
    assert window.statusBar().currentMessage() == f"{number} withdrawn"


def test_cancelling_the_withdraw_prompt_changes_nothing(window, qtbot, store, filled):
    from kcsac.domain.status import Status

    number = filled[0].number
    window.select_number(number)

    def steps(prompt):
        qtbot.keyClicks(prompt.reason_edit, "changed my mind")
        qtbot.keyClick(prompt.reason_edit, Qt.Key.Key_Escape)

    withdraw_with(qtbot, window, steps)
    assert store.get_application(number).status is Status.AWAITING_FEE
