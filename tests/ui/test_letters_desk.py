"""The desk and letters: Ctrl+P prints the letter of the file's state (a revoked credit its
revocation letter, never "approved"), the summary shows a revocation's date and reason and
an ended credit's end, and the administrator enters the Water Services contact block once
(F1 explains it; saved through an audited operation)."""

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from kcsac.operations import admin, approvals, ownership, queries
from kcsac.operations.documents.issuing import letter_for, render_issued
from kcsac.operations.payments import record_payment
from kcsac.ui.administration_dialog import AdministrationDialog
from kcsac.ui.application_details_view import ApplicationDetailsView
from kcsac.ui.main_window import MainWindow
from tests.pdf.pdftools import all_text
from tests.ui.decision_factories import PASSWORD, desk_for, seed_file

REVOKED_FROM = dt.date(2026, 8, 15)


def approved(store, people, today, account="1000-01"):
    app = seed_file(store, people, today, account=account)
    approvals.approve(
        store,
        people.director,
        app.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 1),
        backdated_reason="paper signature",
    )
    return app.number


def revoked(store, people, today):
    number = approved(store, people, today)
    approvals.revoke(
        store,
        people.director,
        number,
        from_on=REVOKED_FROM,
        reason="Failure to report meter readings",
        password=PASSWORD,
        today=today,
    )
    return number


def test_ctrl_p_on_a_revoked_credit_previews_its_revocation_letter(
    qtbot, store, db_path, people, today
):
    number = revoked(store, people, today)
    window = MainWindow(store, db_path=db_path, user=people.clerk, today=lambda: today)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.select_number(number)
    assert window.action("letter").isEnabled()
    assert window.action("letter").shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    seen = []

    def close_preview():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close_preview)
            return
        seen.append((dialog.windowTitle(), dialog._pdf_bytes))
        dialog.reject()

    QTimer.singleShot(0, close_preview)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    [(title, pdf)] = seen
    assert title == f"Preview: Revocation letter {number}"
    text = all_text(pdf)
    assert "Your Sewer Allowance Credit is revoked" in text
    assert "application is approved" not in text
    assert "Failure to report meter readings" in text


def test_the_summary_shows_a_revocation_and_an_ending(qtbot, store, people, today):
    view = ApplicationDetailsView()
    qtbot.addWidget(view)
    number = revoked(store, people, today)
    view.show_detail(queries.application_detail(store, number, people.clerk))
    summary = view.summary_label.text()
    assert "2026-08-01 to 2026-08-14" in summary  # effective, and the last day credited
    assert "from 2026-08-15: Failure to report meter readings" in summary

    prior = approved(store, people, today, account="1000-02")
    change = ownership.record_ownership_change(
        store,
        people.clerk,
        prior_application=prior,
        new_account="9000-01",
        transfer_on=dt.date(2026, 9, 1),
        received_on=today,
        today=today,
        new_owner=ownership.NewOwner("New Owner LLC", "5 Elm St", "commercial", "resident"),
    )
    record_payment(
        store,
        people.clerk,
        change.number,
        amount_cents=change.fee_cents,
        paid_on=today,
        receipt_no="R-own",
        method="check",
        today=today,
    )
    approvals.approve(store, people.director, change.number, password=PASSWORD, today=today)
    view.show_detail(queries.application_detail(store, prior, people.clerk))
    summary = view.summary_label.text()
    assert "2026-08-01 to 2026-08-31" in summary
    assert f"ownership change, now {change.number}" in summary


def test_the_administrator_enters_the_contact_block_once(qtbot, store, people, today):
    dialog = AdministrationDialog(desk_for(store, people.admin, today))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    tab = dialog.contact_tab
    dialog.tabs.setCurrentWidget(tab)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Water Serv&ices contact"
    assert "No contact block is entered" in tab.status_label.text()
    # F1 on the tab explains where the block is printed and that none is made up.
    tab.address_edit.setFocus()
    qtbot.keyClick(tab.address_edit, Qt.Key.Key_F1)
    help_dialog = tab.help_shortcut.last_dialog
    qtbot.addWidget(help_dialog)
    assert help_dialog.windowTitle() == "Help: Water Services contact on letters"
    assert "letters leave the block out" in help_dialog.text
    # A bad e-mail is named, nothing is saved.
    tab.address_edit.setPlainText("4800 E 63rd St\nKansas City, MO 64130")
    qtbot.keyClicks(tab.phone_edit, "816-555-0142")
    qtbot.keyClicks(tab.email_edit, "sac at kcwater")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "'sac at kcwater' is not an e-mail address" in tab.message_label.text()
    assert admin.water_services_contact(store) is None
    tab.email_edit.clear()
    qtbot.keyClicks(tab.email_edit, "sac@kcwater.example")
    with qtbot.waitSignal(dialog.settings_changed):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    saved = admin.water_services_contact(store)
    assert saved.address_lines == ("4800 E 63rd St", "Kansas City, MO 64130")
    assert (saved.phone, saved.email) == ("816-555-0142", "sac@kcwater.example")
    assert tab.message_label.text() == "Contact saved: letters issued from now on print it."
    assert "Letters print: 4800 E 63rd St" in tab.status_label.text()
    [row] = [e for e in store.audit_events(entity="setting") if e.entity_id == admin.CONTACT_KEY]
    assert (row.actor, row.action) == ("ada", "setting changed")
    # The next letter prints it.
    number = revoked(store, people, today)
    text = all_text(render_issued(letter_for(store, None, number, today=today)))
    assert "E-mail: sac@kcwater.example" in text


def test_a_clerk_cannot_save_the_contact_block(qtbot, store, people, today):
    dialog = AdministrationDialog(desk_for(store, people.clerk, today))
    qtbot.addWidget(dialog)
    tab = dialog.contact_tab
    tab.address_edit.setPlainText("4800 E 63rd St")
    tab.phone_edit.setText("816-555-0142")
    tab.email_edit.setText("sac@kcwater.example")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "administrator" in tab.message_label.text().lower()
    assert admin.water_services_contact(store) is None
