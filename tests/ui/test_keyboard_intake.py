"""One whole intake with the keyboard alone: the desk, the wizard, submit (qtbot key events)."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from kcsac.domain.category import Category
from kcsac.domain.status import Status
from kcsac.ui.main_window import MainWindow
from kcsac.ui.wizard.new_application_wizard import NewApplicationWizard

TODAY = dt.date(2026, 8, 20)


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "something must have the keyboard focus"
    return widget


def keys(qtbot, text):
    qtbot.keyClicks(focused(), text)


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), k, modifier)


def test_keyboard_only_intake_from_the_desk_to_submission(qtbot, store, db_path, clerk):
    window = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # waitActive returns early offscreen
    window.desk_list.applications_view.setFocus()

    key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # New application
    wizard = QApplication.activeModalWidget() or next(
        w for w in window.findChildren(NewApplicationWizard)
    )
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    qtbot.waitUntil(lambda: wizard.account_page.account_number_edit.hasFocus())

    keys(qtbot, "5550001-001")
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "Clean Threads Laundromat")
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "77 Troost Ave")
    key(qtbot, Qt.Key.Key_Return)  # Next: commercial and resident are the defaults
    assert wizard.currentPage() is wizard.category_page

    qtbot.waitUntil(lambda: wizard.category_page.category_combo.hasFocus())
    keys(qtbot, "Laundry")  # a closed combo box selects by typing
    assert wizard.category_page.category_combo.currentData() == Category.LAUNDRY
    assert wizard.category_page.fee_label.text() == "$250.00"
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.details_page

    qtbot.waitUntil(lambda: wizard.details_page.input("machines").hasFocus())
    keys(qtbot, "18")
    key(qtbot, Qt.Key.Key_Tab)
    keys(qtbot, "360")
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.paperwork_page

    qtbot.waitUntil(lambda: wizard.paperwork_page.paperwork_list.hasFocus())
    key(qtbot, Qt.Key.Key_Space)  # site plan received
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Space)  # piping diagram received
    key(qtbot, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.submit_page

    with qtbot.waitSignal(wizard.application_submitted) as submitted:
        key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # &Submit
    number = submitted.args[0]

    stored = store.get_application(number)
    assert stored.status is Status.AWAITING_FEE
    assert stored.category is Category.LAUNDRY
    assert stored.details == {"machines": "18", "capacity_lb": "360"}
    assert stored.paperwork == {
        "Site plan": True,
        "Piping diagram": True,
        "Recent water bills (12 months)": False,
        "Equipment specifications": False,
    }
    assert stored.fee_cents == 25000
    assert window.selected_number() == number, "the desk shows the new application"
    assert wizard.button(QWizard.WizardButton.FinishButton) is not None


def test_return_on_an_old_draft_then_close_keeps_every_stored_detail(qtbot, store, db_path, clerk):
    """The new-user trial: Return on a draft whose details the wizard has no field for
    ({"irrigated acres": "6"}), then Close (keep draft), stored {} in their place."""
    from kcsac.operations.intake import create_application
    from tests.ui.desk_factories import make_account

    account = make_account(store, clerk, "5550002-001", customer="Green Acres HOA")
    paperwork = {"application form": True, "site plan": False}
    draft = create_application(
        store,
        clerk,
        account=account.number,
        category=Category.IRRIGATION,
        today=TODAY,
        details={"irrigated acres": "6"},
        paperwork=paperwork,
    )
    window = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    window.select_queue(0)
    window.select_number(draft.number)
    assert window.selected_number() == draft.number
    qtbot.keyClick(window.desk_list.applications_view, Qt.Key.Key_Return)  # continue the draft
    [wizard] = window.findChildren(NewApplicationWizard)
    assert wizard.currentPage() is wizard.details_page
    assert "irrigated acres: 6" in wizard.details_page.other_details_label.text()

    qtbot.mouseClick(
        wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton
    )  # Close (keep draft)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    stored = store.get_application(draft.number)
    assert stored.details == {"irrigated acres": "6"}
    assert stored.paperwork == paperwork
    assert stored.status is Status.DRAFT
