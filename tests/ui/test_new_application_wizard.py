"""The new-application wizard, driven through its widgets, for every category it files; stored
records. An ownership change is not one of them: it is recorded from the approved credit on the
desk (tests/ui/test_ownership_change_dialog.py)."""

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWizard

from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.status import Status
from kcsac.operations.accounts import ACCOUNT_NUMBER
from kcsac.operations.demo import load_demo
from kcsac.storage import open_store
from kcsac.ui.wizard.category_fields import CATEGORY_PAPERWORK
from kcsac.ui.wizard.category_page import OWNERSHIP_DRAFT, OWNERSHIP_NOTE
from kcsac.ui.wizard.new_application_wizard import NewApplicationWizard
from tests.ui.desk_factories import make_approved_record

# Every category but the ownership change, which the desk's own dialog records.
FILED = [c for c in Category if c is not Category.OWNERSHIP_CHANGE]

DETAILS: dict[Category, dict[str, str]] = {
    Category.CAR_WASH: {"wash_type": "Tunnel", "bays": "3"},
    Category.LAUNDRY: {"machines": "20", "capacity_lb": "400"},
    Category.EVAPORATION: {
        "equipment": "Cooling tower",
        "tonnage": "350",
        "make_up_meter": "MU-1",
        "blow_down_meter": "BD-1",
    },
    Category.IRRIGATION: {"irrigated_area_ft2": "12000", "irrigation_meter": "IR-7"},
    Category.WATER_TO_PRODUCT: {
        "product": "Soft drinks",
        "water_per_unit_gal": "2.5",
        "product_unit": "case of 24",
    },
    Category.OTHER: {"process_description": "Steam lost in the dryers"},
    Category.SEWER_METERING: {"sewer_meter": "SW-9"},
}
FEES = {
    Category.CAR_WASH: 25000,
    Category.LAUNDRY: 25000,
    Category.EVAPORATION: 60000,
    Category.IRRIGATION: 60000,
    Category.WATER_TO_PRODUCT: 125000,
    Category.OTHER: 125000,
    Category.SEWER_METERING: 125000,
}


def next_button(wizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot, widget, text):
    widget.setFocus()
    if isinstance(widget, QLineEdit):
        widget.clear()
    qtbot.keyClicks(widget, text)


def fill_account(
    qtbot,
    wizard,
    number="2000001-001",
    *,
    customer="Acme Industrial Co.",
    address="1200 Grand Blvd",
    account_class=AccountClass.COMMERCIAL,
    customer_class=CustomerClass.RESIDENT,
    storm=False,
):
    page = wizard.account_page
    type_into(qtbot, page.account_number_edit, number)
    if page.customer_edit.isEnabled():
        type_into(qtbot, page.customer_edit, customer)
        type_into(qtbot, page.service_address_edit, address)
        page.account_class_combo.setCurrentIndex(page.account_class_combo.findData(account_class))
        page.customer_class_combo.setCurrentIndex(
            page.customer_class_combo.findData(customer_class)
        )
    if storm:
        click(qtbot, page.storm_sewer_check)


def fill_details(qtbot, wizard, values):
    page = wizard.details_page
    for key, value in values.items():
        widget = page.input(key)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.findText(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setFocus()
            qtbot.keyClicks(widget, value)
        else:
            type_into(qtbot, widget, value)


@pytest.fixture
def wizard(qtbot, desk):
    w = NewApplicationWizard(desk)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.mark.parametrize("category", FILED, ids=lambda c: c.value)
def test_every_category_from_start_to_submit(qtbot, desk, store, category):
    details = dict(DETAILS[category])
    wizard = NewApplicationWizard(desk)
    qtbot.addWidget(wizard)
    wizard.show()

    fill_account(qtbot, wizard)
    assert next_button(wizard).isEnabled()
    click(qtbot, next_button(wizard))
    assert wizard.currentPage() is wizard.category_page
    assert wizard.number.startswith("SAC-2026-"), "the draft is stored on leaving page 1"

    page = wizard.category_page
    page.category_combo.setCurrentIndex(page.category_combo.findData(category))
    page.received_on_edit.setDate(dt.date(2026, 8, 3))
    assert page.fee_label.text() == f"${FEES[category] // 100:,}.00"
    assert "60-2(2)(c)" in page.fee_citation_label.text()
    click(qtbot, next_button(wizard))

    assert wizard.currentPage() is wizard.details_page
    assert not next_button(wizard).isEnabled(), "required facts are empty"
    fill_details(qtbot, wizard, details)
    assert wizard.details_page.problems() == []
    click(qtbot, next_button(wizard))

    paperwork = wizard.paperwork_page.paperwork_list
    assert [paperwork.item(i).text() for i in range(paperwork.count())] == list(
        CATEGORY_PAPERWORK[category]
    )
    paperwork.item(0).setCheckState(Qt.CheckState.Checked)
    click(qtbot, next_button(wizard))

    assert wizard.currentPage() is wizard.submit_page
    assert details[next(iter(details))] in wizard.submit_page.summary_label.text()
    with qtbot.waitSignal(wizard.application_submitted) as submitted:
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    number = submitted.args[0]

    stored = store.get_application(number)
    assert stored.status is Status.AWAITING_FEE
    assert stored.category is category
    assert stored.received_on == dt.date(2026, 8, 3)
    assert stored.fee_cents == FEES[category]
    assert stored.details == details
    assert stored.paperwork[CATEGORY_PAPERWORK[category][0]] is True
    assert sum(stored.paperwork.values()) == 1
    account = store.get_account("2000001-001")
    assert (account.customer, account.service_address) == ("Acme Industrial Co.", "1200 Grand Blvd")


def test_residential_account_is_refused_on_the_spot_with_citation(qtbot, wizard):
    fill_account(qtbot, wizard, account_class=AccountClass.RESIDENTIAL)
    message = wizard.account_page.messages.text("account_class")
    assert "one- or two-family residential" in message
    assert "60-2(2)(c)" in message
    assert not next_button(wizard).isEnabled()
    combo = wizard.account_page.account_class_combo
    combo.setCurrentIndex(combo.findData(AccountClass.COMMERCIAL))
    assert wizard.account_page.messages.text("account_class") == ""
    assert next_button(wizard).isEnabled()


def test_storm_sewer_discharge_is_refused_on_the_spot_with_citation(qtbot, wizard):
    fill_account(qtbot, wizard, storm=True)
    message = wizard.account_page.messages.text("storm_sewer")
    assert "storm sewer" in message
    assert "60-3(a)(6)" in message
    assert not next_button(wizard).isEnabled()


def test_empty_and_bad_fields_say_what_is_wrong_next_to_the_field(qtbot, wizard):
    page = wizard.account_page
    type_into(qtbot, page.account_number_edit, "12 34")
    assert "letters, digits and dashes" in page.messages.text("account_number")
    assert page.messages.text("customer") == "", "not scolded before the clerk got there"
    type_into(qtbot, page.customer_edit, "x")
    qtbot.keyClick(page.customer_edit, Qt.Key.Key_Backspace)
    assert page.messages.text("customer") == "Type the customer's name"


def test_the_account_number_placeholder_shows_the_demo_s_format(qtbot, wizard, tmp_path):
    demo = open_store(tmp_path / "demo.db")
    try:
        load_demo(demo)
        numbers = [a.number for a in demo.list_accounts(limit=100)]
    finally:
        demo.close()
    page = wizard.account_page
    example = page.account_number_edit.placeholderText().removeprefix("e.g. ")
    assert page.account_number_edit.placeholderText() == f"e.g. {example}"

    def shape(text):
        return re.sub(r"[A-Za-z]", "A", re.sub(r"[0-9]", "9", text))

    assert {shape(n) for n in numbers} == {shape(example)} == {"99999-99"}
    assert ACCOUNT_NUMBER.match(example), "the operations take it"
    type_into(qtbot, page.account_number_edit, example)
    assert page.messages.text("account_number") == "", "the page takes it"


def test_a_known_account_fills_itself_in(qtbot, wizard, store, desk):
    from tests.ui.desk_factories import make_account

    make_account(store, desk.user, "3000003-001", customer="Known Laundry", address="9 Elm")
    type_into(qtbot, wizard.account_page.account_number_edit, "3000003-001")
    page = wizard.account_page
    assert page.customer_edit.text() == "Known Laundry"
    assert not page.customer_edit.isEnabled()
    assert "Known account" in page.intro_label.text()


def test_a_fee_the_ordinance_does_not_set_is_told_apart_from_a_date_without_a_table():
    """fee_text (the category and submit pages): a nonresident ownership change has no fee in
    the ordinance; a date before the first table has no fee in kcsac."""
    from kcsac.domain.fees import application_fee
    from kcsac.ui.wizard.category_page import fee_text

    unset = application_fee(
        Category.OWNERSHIP_CHANGE, CustomerClass.NONRESIDENT_DIRECT, dt.date(2026, 8, 3)
    )
    amount, citation = fee_text(unset)
    assert amount == "Not set by ordinance"
    assert "does not invent one" in citation
    early = application_fee(Category.CAR_WASH, CustomerClass.RESIDENT, dt.date(2026, 4, 20))
    assert fee_text(early)[0] == "No fee in kcsac for this date"


def test_bad_detail_values_are_named(qtbot, wizard):
    fill_account(qtbot, wizard)
    click(qtbot, next_button(wizard))
    page = wizard.category_page
    page.category_combo.setCurrentIndex(page.category_combo.findData(Category.LAUNDRY))
    click(qtbot, next_button(wizard))
    details = wizard.details_page
    type_into(qtbot, details.input("machines"), "0")
    assert details.message("machines") == (
        "Machines must be a whole number above zero (you typed '0')"
    )
    type_into(qtbot, details.input("capacity_lb"), "lots")
    assert details.message("capacity_lb") == (
        "Capacity (lb per load, all machines) must be a number (you typed 'lots')"
    )
    type_into(qtbot, details.input("capacity_lb"), "15,5")
    assert details.message("capacity_lb").startswith(
        "Capacity (lb per load, all machines): '15,5' is not a number: the comma is not a "
        "decimal point here"
    )
    type_into(qtbot, details.input("capacity_lb"), "1,250")
    assert details.message("capacity_lb") == "", "a thousands separator is fine"
    assert not next_button(wizard).isEnabled()


def test_ownership_change_is_not_offered_and_the_note_says_where_it_is(qtbot, wizard):
    fill_account(qtbot, wizard)
    click(qtbot, next_button(wizard))
    page = wizard.category_page
    combo = page.category_combo
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert offered == FILED
    assert combo.findData(Category.OWNERSHIP_CHANGE) == -1
    assert combo.findText("Ownership change") == -1
    assert page.ownership_note_label.isVisible()
    assert page.ownership_note_label.text() == OWNERSHIP_NOTE
    assert "Select the approved credit on the desk" in OWNERSHIP_NOTE
    note = page.ownership_note_label
    assert note.fontMetrics().horizontalAdvance(note.text()) <= note.width(), "one line"
    assert page.messages.text("category") == "", "a note, not a message: nothing is wrong"


def test_the_note_names_the_desk_s_real_menu_entry_and_shortcut(qtbot, store, db_path, clerk):
    from kcsac.ui.main_window import MainWindow
    from tests.ui.conftest import TODAY

    window = MainWindow(store, db_path=db_path, user=clerk, today=lambda: TODAY)
    qtbot.addWidget(window)
    action = window.action("ownership")
    menus = [m for m in window.menuBar().actions() if action in m.menu().actions()]
    assert [m.text().replace("&", "") for m in menus] == ["Decision"]
    entry = f"Decision > {action.text().replace('&', '')}"
    shortcut = action.shortcut().toString()
    assert (entry, shortcut) == ("Decision > Ownership change…", "Ctrl+Shift+O")
    assert f"{entry} ({shortcut})" in OWNERSHIP_NOTE
    withdraw = window.action("withdraw")
    assert f"Application > {withdraw.text().replace('&', '')}" in OWNERSHIP_DRAFT
    assert withdraw.shortcut().toString() in OWNERSHIP_DRAFT


def old_ownership_draft(store, desk, **details):
    """An ownership-change draft as the wizard of an older kcsac stored it."""
    from kcsac.operations.intake import create_application
    from tests.ui.desk_factories import make_account

    prior = make_approved_record(store, desk.user, account="9000001-001")
    account = make_account(store, desk.user, "2000001-001", customer="New Owner LLC")
    return prior, create_application(
        store,
        desk.user,
        account=account.number,
        category=Category.OWNERSHIP_CHANGE,
        today=desk.today(),
        details={"prior_application": prior.number, "new_owner": "New Owner LLC", **details},
        received_on=dt.date(2026, 8, 3),
    )


def test_an_old_ownership_draft_keeps_its_category_and_says_what_to_do(qtbot, desk, store):
    _prior, draft = old_ownership_draft(store, desk)
    resumed = NewApplicationWizard(desk, resume=draft.number)
    qtbot.addWidget(resumed)
    resumed.show()
    resumed.continue_where_left_off()  # as the desk's Resume does

    page = resumed.category_page
    assert resumed.currentPage() is page, "it stops where the clerk must decide"
    assert page.category_combo.currentData() == Category.OWNERSHIP_CHANGE, "not switched"
    assert page.category_combo.currentText() == "Ownership change"
    assert page.messages.text("category") == OWNERSHIP_DRAFT
    assert "Decision > Ownership change… (Ctrl+Shift+O)" in OWNERSHIP_DRAFT
    assert not page.isComplete()
    assert not next_button(resumed).isEnabled()

    resumed.close()  # Close (keep draft): nothing about it changed
    stored = store.get_application(draft.number)
    assert (stored.status, stored.category, stored.version) == (
        Status.DRAFT,
        Category.OWNERSHIP_CHANGE,
        draft.version,
    )
    assert stored.details == draft.details


def test_an_old_ownership_draft_becomes_another_category_only_when_the_clerk_says(
    qtbot, desk, store
):
    _prior, draft = old_ownership_draft(store, desk)
    resumed = NewApplicationWizard(desk, resume=draft.number)
    qtbot.addWidget(resumed)
    resumed.show()
    click(qtbot, next_button(resumed))
    page = resumed.category_page
    page.category_combo.setCurrentIndex(page.category_combo.findData(Category.CAR_WASH))
    assert page.messages.text("category") == ""
    assert page.isComplete()
    click(qtbot, next_button(resumed))
    fill_details(qtbot, resumed, DETAILS[Category.CAR_WASH])
    click(qtbot, next_button(resumed))
    click(qtbot, next_button(resumed))
    with qtbot.waitSignal(resumed.application_submitted):
        click(qtbot, resumed.button(QWizard.WizardButton.FinishButton))
    stored = store.get_application(draft.number)
    assert (stored.category, stored.status) == (Category.CAR_WASH, Status.AWAITING_FEE)
    assert stored.details == {
        **DETAILS[Category.CAR_WASH],
        "prior_application": draft.details["prior_application"],
        "new_owner": "New Owner LLC",
    }, "the car wash facts are added; the ownership facts are kept as stored, not dropped"


def test_closing_mid_wizard_keeps_everything_and_the_draft_resumes(qtbot, desk, store):
    wizard = NewApplicationWizard(desk)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_account(qtbot, wizard)
    click(qtbot, next_button(wizard))
    page = wizard.category_page
    page.category_combo.setCurrentIndex(page.category_combo.findData(Category.LAUNDRY))
    click(qtbot, next_button(wizard))
    type_into(qtbot, wizard.details_page.input("machines"), "12")  # half done, then closed
    number = wizard.number
    wizard.close()

    stored = store.get_application(number)
    assert stored.status is Status.DRAFT
    assert stored.category is Category.LAUNDRY
    assert stored.details["machines"] == "12"

    resumed = NewApplicationWizard(desk, resume=number)
    qtbot.addWidget(resumed)
    resumed.show()
    assert resumed.account_page.account_number_edit.text() == "2000001-001"
    click(qtbot, next_button(resumed))
    click(qtbot, next_button(resumed))
    assert resumed.details_page.text("machines") == "12"
    type_into(qtbot, resumed.details_page.input("capacity_lb"), "300")
    click(qtbot, next_button(resumed))
    click(qtbot, next_button(resumed))
    click(qtbot, resumed.button(QWizard.WizardButton.FinishButton))
    assert store.get_application(number).status is Status.AWAITING_FEE
    assert store.get_application(number).details == {"machines": "12", "capacity_lb": "300"}


def test_f1_quotes_the_ordinance_for_the_current_page(qtbot, wizard):
    wizard.account_page.account_number_edit.setFocus()
    qtbot.keyClick(wizard.account_page.account_number_edit, Qt.Key.Key_F1)
    text = wizard._help.last_dialog.text
    assert "Commercial and industrial water accounts" in text
    assert "60-2(2)(c)" in text


def test_f1_on_each_page_quotes_that_page_s_section(qtbot, wizard):
    fill_account(qtbot, wizard)
    expected = {
        "category_page": "The application fee is to pay for site review",
        "category_details_page": "The director of the water services department",
        "paperwork_page": "The application fee is to pay for site review",
        "submit_page": "An application and the appropriate fee must be submitted",
    }
    for _ in expected:
        click(qtbot, next_button(wizard))
        if wizard.currentPage() is wizard.details_page:
            fill_details(qtbot, wizard, DETAILS[Category.CAR_WASH])
        page = wizard.currentPage()
        qtbot.keyClick(wizard, Qt.Key.Key_F1)
        text = wizard._help.last_dialog.text
        assert expected[page.objectName()] in text, page.objectName()
        assert "Ordinance 260209" in text


def test_closing_with_an_incomplete_account_warns_once_then_discards(qtbot, wizard, store):
    type_into(qtbot, wizard.account_page.account_number_edit, "6660001-001")
    wizard.close()
    assert wizard.isVisible(), "the first Close keeps the wizard and what was typed"
    assert "press Close again to discard" in wizard.account_page.subTitle()
    assert wizard.account_page.account_number_edit.text() == "6660001-001"
    wizard.close()
    assert not wizard.isVisible()
    assert store.list_summaries(queue="draft") == []


@pytest.mark.parametrize(
    ("received", "fee_cents", "fee_text"),
    [
        (dt.date(2026, 6, 3), 25000, "$250.00"),
        (
            dt.date(2026, 4, 20),
            None,
            "No fee in kcsac for this date",
        ),  # before the ordinance's table
    ],
    ids=["in-force", "before-the-table"],
)
def test_a_resumed_draft_keeps_its_received_date_through_submit(
    qtbot, desk, store, received, fee_cents, fee_text
):
    from kcsac.operations.intake import create_application
    from kcsac.ui.qt_convert import from_qdate
    from tests.ui.desk_factories import make_account

    account = make_account(store, desk.user)
    draft = create_application(
        store,
        desk.user,
        account=account.number,
        category=Category.CAR_WASH,
        today=desk.today(),
        details=DETAILS[Category.CAR_WASH],
        received_on=received,
    )
    assert store.get_application(draft.number).received_on == received, "kept on the draft"

    resumed = NewApplicationWizard(desk, resume=draft.number)
    qtbot.addWidget(resumed)
    resumed.show()
    click(qtbot, next_button(resumed))
    page = resumed.category_page
    assert from_qdate(page.received_on_edit.date()) == received, "not today's date"
    assert page.fee_label.text() == fee_text, "the fee in force on the received date"
    for _ in range(3):
        click(qtbot, next_button(resumed))
    assert store.get_application(draft.number).received_on == received, "saving kept it"
    assert received.isoformat() in resumed.submit_page.summary_label.text()
    click(qtbot, resumed.button(QWizard.WizardButton.FinishButton))
    assert resumed.submitted, resumed.submit_page.error_label.text()

    stored = store.get_application(draft.number)
    assert (stored.status, stored.received_on, stored.fee_cents) == (
        Status.AWAITING_FEE,
        received,
        fee_cents,
    )
    [fee] = store.fee_assessments(draft.number)
    assert (fee.assessed_on, fee.cents) == (received, fee_cents)


def test_a_received_date_typed_in_the_wizard_is_kept_when_it_is_closed(qtbot, desk, store):
    from kcsac.ui.qt_convert import to_qdate

    wizard = NewApplicationWizard(desk)
    qtbot.addWidget(wizard)
    wizard.show()
    fill_account(qtbot, wizard)
    click(qtbot, next_button(wizard))
    wizard.category_page.received_on_edit.setDate(to_qdate(dt.date(2026, 7, 1)))
    click(qtbot, next_button(wizard))
    number = wizard.number
    wizard.close()
    assert store.get_application(number).received_on == dt.date(2026, 7, 1)
    assert store.get_application(number).status is Status.DRAFT


def test_a_typed_future_received_date_is_kept_and_refused_next_to_the_field(qtbot, wizard, desk):
    """Qt used to turn a typed 2027-01-15 into 2026-01-15 when the field was capped at today."""
    from kcsac.ui.qt_convert import from_qdate
    from tests.ui.date_typing import type_date

    fill_account(qtbot, wizard)
    click(qtbot, next_button(wizard))
    page = wizard.category_page
    future = desk.today() + dt.timedelta(days=60)
    type_date(qtbot, page.received_on_edit, future.isoformat())
    assert from_qdate(page.received_on_edit.date()) == future
    assert not page.isComplete()
    assert not next_button(wizard).isEnabled()
    assert page.problems()[0].message.startswith(f"{future.isoformat()} is in the future")


def stored_draft(store, desk, category, details, paperwork=None):
    """A draft stored with facts the wizard has no field for (an older kcsac's keys)."""
    from kcsac.operations.intake import create_application
    from tests.ui.desk_factories import make_account

    account = make_account(store, desk.user, "2000001-001", customer="Green Acres HOA")
    return create_application(
        store,
        desk.user,
        account=account.number,
        category=category,
        today=desk.today(),
        details=details,
        paperwork=paperwork or {},
        received_on=dt.date(2026, 8, 3),
    )


def test_resuming_and_closing_a_draft_keeps_details_the_wizard_has_no_field_for(qtbot, desk, store):
    """The new-user trial: a draft with {"irrigated acres": "6"} came back with {} after
    Return (continue) and Close (keep draft), and its paperwork was dropped the same way."""
    paperwork = {"application form": True, "meter specification": True, "site plan": False}
    draft = stored_draft(
        store, desk, Category.IRRIGATION, {"irrigated acres": "6"}, paperwork=paperwork
    )
    resumed = NewApplicationWizard(desk, resume=draft.number)
    qtbot.addWidget(resumed)
    resumed.show()
    resumed.continue_where_left_off()  # as the desk's Return does

    page = resumed.details_page
    assert resumed.currentPage() is page
    assert page.text("irrigated_area_ft2") == "", "no field for the old key"
    note = page.other_details_label
    assert note.isVisible()
    assert "irrigated acres: 6" in note.text()
    assert "kept as stored" in note.text()

    resumed.close()  # Close (keep draft)
    stored = store.get_application(draft.number)
    assert stored.details == {"irrigated acres": "6"}
    assert stored.paperwork == paperwork


def test_a_resumed_draft_saves_new_facts_beside_the_old_keys_through_submit(qtbot, desk, store):
    paperwork = {"application form": True}
    draft = stored_draft(
        store, desk, Category.IRRIGATION, {"irrigated acres": "6"}, paperwork=paperwork
    )
    resumed = NewApplicationWizard(desk, resume=draft.number)
    qtbot.addWidget(resumed)
    resumed.show()
    resumed.continue_where_left_off()
    fill_details(qtbot, resumed, DETAILS[Category.IRRIGATION])
    click(qtbot, next_button(resumed))
    assert store.get_application(draft.number).details == {
        "irrigated acres": "6",
        **DETAILS[Category.IRRIGATION],
    }, "saved on the page change with the old key beside the new ones"
    resumed.paperwork_page.paperwork_list.item(0).setCheckState(Qt.CheckState.Checked)
    click(qtbot, next_button(resumed))
    summary = resumed.submit_page.summary_label.text()
    assert "irrigated acres (kept as stored)" in summary
    assert "Irrigated area (sq ft)" in summary
    with qtbot.waitSignal(resumed.application_submitted):
        click(qtbot, resumed.button(QWizard.WizardButton.FinishButton))

    stored = store.get_application(draft.number)
    assert stored.status is Status.AWAITING_FEE
    assert stored.details == {"irrigated acres": "6", **DETAILS[Category.IRRIGATION]}
    first = CATEGORY_PAPERWORK[Category.IRRIGATION][0]
    assert stored.paperwork["application form"] is True, "a document no list names is kept"
    assert stored.paperwork[first] is True


def test_a_field_the_clerk_empties_is_dropped_but_no_other_key_is(qtbot, desk, store):
    details = {"irrigated_area_ft2": "9000", "irrigation_meter": "IR-1", "zone": "north"}
    draft = stored_draft(store, desk, Category.IRRIGATION, details)
    resumed = NewApplicationWizard(desk, resume=draft.number)
    qtbot.addWidget(resumed)
    resumed.show()
    click(qtbot, next_button(resumed))
    click(qtbot, next_button(resumed))
    page = resumed.details_page
    assert page.text("irrigated_area_ft2") == "9000"
    assert "zone: north" in page.other_details_label.text()
    page.input("irrigation_meter").setFocus()
    page.input("irrigation_meter").selectAll()
    qtbot.keyClick(page.input("irrigation_meter"), Qt.Key.Key_Delete)
    resumed.close()
    assert store.get_application(draft.number).details == {
        "irrigated_area_ft2": "9000",
        "zone": "north",
    }


def test_the_wizard_saves_account_and_draft_as_one_operation(qtbot, wizard, store):
    """Leaving the account page with a new account stores the account and the draft in one
    call (one write transaction: their audit rows share an operation); a page change that
    changes nothing writes nothing."""
    fill_account(qtbot, wizard, "2000009-001")
    click(qtbot, next_button(wizard))
    assert wizard.currentPage() is wizard.category_page
    rows = [e for e in store.audit_events(limit=100) if e.entity in ("account", "application")]
    assert [(e.action, e.entity_id) for e in rows] == [
        ("account added", "2000009-001"),
        ("application created", wizard.number),
    ]
    assert rows[0].operation == rows[1].operation
    audit = len(store.audit_events(limit=10_000))
    wizard.back()
    click(qtbot, next_button(wizard))  # the same account and draft again
    assert wizard.currentPage() is wizard.category_page
    assert len(store.audit_events(limit=10_000)) == audit
