"""Screenshots of every desk screen on the demo database (offscreen, QWidget.grab()).

    .venv/bin/python -m kcsac demo --db /tmp/demo.db
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python docs/screenshots/take_screenshots.py /tmp/demo.db

(or with QT_QPA_PLATFORM=offscreen and no X server).

Writes docs/screenshots/desk-*.png. The database is changed (a draft is stored by the wizard
shots), so use a throw-away copy of the demo database.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget

from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass
from kcsac.domain.status import Status
from kcsac.operations import queries, users
from kcsac.operations.demo import DEMO_TODAY
from kcsac.storage import open_store
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.desk_list import QUEUES
from kcsac.ui.desk_startup import configure_application
from kcsac.ui.determination_dialog import DeterminationDialog
from kcsac.ui.help_dialog import HelpDialog
from kcsac.ui.main_window import MainWindow
from kcsac.ui.meter_dialog import MeterDialog
from kcsac.ui.paperwork_dialog import PaperworkDialog
from kcsac.ui.reading_dialog import ReadingDialog
from kcsac.ui.record_payment_dialog import RecordPaymentDialog
from kcsac.ui.review_dialog import ReviewDialog
from kcsac.ui.wizard.new_application_wizard import NewApplicationWizard

OUT = Path(__file__).resolve().parent


def shot(app: QApplication, widget: QWidget, name: str) -> Path:
    widget.show()
    for _ in range(3):
        app.processEvents()
    path = OUT / f"desk-{name}.png"
    widget.grab().save(str(path))
    print(path)
    return path


def first(store, status: Status, category: Category | None = None) -> str:
    for row in queries.list_applications(store, status.value, limit=100):
        if category is None or row.category is category:
            return row.number
    raise SystemExit(f"the demo database has no {status} application")


def main(db: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    # Default layout, not the layout remembered on this machine (nor written back to it).
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="kcsac-")
    )
    store = open_store(db)
    reviewer = users.current_user(store, "demo-reviewer")
    context = DeskContext(store, reviewer, lambda: DEMO_TODAY, db)

    window = MainWindow(store, db_path=db, user=reviewer, today=lambda: DEMO_TODAY)
    window.resize(1400, 860)
    window.select_queue(2)  # In review
    shot(app, window, "main-window")
    window.select_queue(3)  # Awaiting decision: the reviewer may sign or deny
    shot(app, window, "awaiting-decision")
    window.select_queue(len(QUEUES) - 1)  # All
    window.desk_list.search_edit.setText("laundry")
    window.desk_list.query()
    shot(app, window, "search")
    window.desk_list.search_edit.clear()
    window.desk_list.query()

    wizard = NewApplicationWizard(context)
    wizard.show()  # shows page 1, which reads the (empty) draft: fill it in afterwards
    app.processEvents()
    page = wizard.account_page
    page.account_number_edit.setText("8800001-001")
    page._on_account_number_edit_text_edited("8800001-001")
    page.customer_edit.setText("Ridgeview Duplex")
    page.service_address_edit.setText("3 Ridge Rd")
    page.account_class_combo.setCurrentIndex(
        page.account_class_combo.findData(AccountClass.RESIDENTIAL)
    )
    page.storm_sewer_check.setChecked(True)
    shot(app, wizard, "wizard-account-refused")
    page.account_class_combo.setCurrentIndex(
        page.account_class_combo.findData(AccountClass.COMMERCIAL)
    )
    page.storm_sewer_check.setChecked(False)
    page.customer_edit.setText("Ridgeview Cold Storage")
    shot(app, wizard, "wizard-account")
    wizard.next()
    cat = wizard.category_page
    cat.category_combo.setCurrentIndex(cat.category_combo.findData(Category.EVAPORATION))
    shot(app, wizard, "wizard-category")
    wizard.next()
    details = wizard.details_page
    details.input("equipment").setCurrentIndex(1)
    details.input("tonnage").setText("35O")  # a typo, to show the message
    details._touched.update({"equipment", "tonnage"})
    details._validate()
    shot(app, wizard, "wizard-details")
    details.input("tonnage").setText("350")
    details.input("make_up_meter").setText("MU-4411")
    details.input("blow_down_meter").setText("BD-4412")
    details._validate()
    wizard.next()
    docs = wizard.paperwork_page.paperwork_list
    docs.item(0).setCheckState(Qt.CheckState.Checked)
    docs.item(3).setCheckState(Qt.CheckState.Checked)
    shot(app, wizard, "wizard-documents")
    wizard.next()
    shot(app, wizard, "wizard-submit")
    wizard.reject()

    def detail(number: str):
        return queries.application_detail(store, number, reviewer)

    awaiting_fee = first(store, Status.AWAITING_FEE)
    payment = RecordPaymentDialog(context, awaiting_fee)
    payment.amount_edit.setText("100.00")
    payment.receipt_edit.setText("R-2026-0412")
    payment._edited("amount")
    shot(app, payment, "record-payment")
    payment.amount_edit.setText("2,000")
    payment._edited("amount")
    payment.touch("reason")
    shot(app, payment, "record-payment-overpaid")

    paperwork = PaperworkDialog(context, detail(awaiting_fee))
    shot(app, paperwork, "documents-received")

    in_review = first(store, Status.IN_REVIEW)
    review = ReviewDialog(context, in_review)
    review.result_combo.setCurrentIndex(1)
    review.touch("notes")
    shot(app, review, "review")

    metered = next(
        (
            row.number
            for row in queries.list_applications(store, "all", limit=200)
            if detail(row.number).meters
        ),
        in_review,
    )
    meter = MeterDialog(context, metered)
    meter.serial_edit.setText("DM-20931")
    meter.make_model_edit.setText("Badger Recordall M-70")
    meter.size_edit.setText("1 in")
    meter.location_edit.setText("Mechanical room, east wall")
    meter.activation_reading_edit.setText("18250")
    shot(app, meter, "meter")
    reading = ReadingDialog(context, metered)
    reading.value_edit.setText("10")
    reading.touch("value")
    shot(app, reading, "reading-lower")

    decision = next(
        (
            row.number
            for row in queries.list_applications(store, Status.AWAITING_DECISION.value)
            if (d := detail(row.number).current_determination) and d.method.value == "percentage"
        ),
        first(store, Status.AWAITING_DECISION),
    )
    determination = DeterminationDialog(context, decision)
    determination.update_preview()
    shot(app, determination, "determination")

    shot(app, HelpDialog("account"), "help")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
