"""Every Designer form loads, and has the widgets (and accessible names) the code needs."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from kcsac import paths
from kcsac.ui.forms import FormError, child, load_form

# The widgets each class looks up by name (a renamed widget fails here, not at a desk).
REQUIRED: dict[str, tuple[tuple[type, str], ...]] = {
    "new_application/account_page": (
        (QLineEdit, "account_number_edit"),
        (QLineEdit, "customer_edit"),
        (QLineEdit, "service_address_edit"),
        (QComboBox, "account_class_combo"),
        (QComboBox, "customer_class_combo"),
        (QCheckBox, "storm_sewer_check"),
        (QLabel, "account_intro_label"),
    ),
    "new_application/category_page": (
        (QComboBox, "category_combo"),
        (QDateEdit, "received_on_edit"),
        (QLabel, "fee_label"),
        (QLabel, "fee_citation_label"),
    ),
    "new_application/paperwork_page": ((QListWidget, "paperwork_list"), (QLabel, "missing_label")),
    "new_application/submit_page": ((QLabel, "summary_label"), (QLabel, "submit_note_label")),
    "record_payment_dialog": (
        (QLineEdit, "amount_edit"),
        (QDateEdit, "paid_on_edit"),
        (QComboBox, "method_combo"),
        (QLineEdit, "receipt_edit"),
        (QLineEdit, "reason_edit"),
        (QCheckBox, "confirm_check"),
        (QLabel, "fee_label"),
        (QLabel, "paid_label"),
        (QLabel, "balance_label"),
    ),
    "review_dialog": (
        (QComboBox, "kind_combo"),
        (QDateEdit, "reviewed_on_edit"),
        (QLineEdit, "reviewer_edit"),
        (QComboBox, "result_combo"),
        (QPlainTextEdit, "notes_edit"),
        (QListWidget, "attachments_list"),
        (QPushButton, "add_attachment_button"),
        (QPushButton, "remove_attachment_button"),
    ),
    "meter_dialog": (
        (QComboBox, "role_combo"),
        (QLineEdit, "serial_edit"),
        (QLineEdit, "make_model_edit"),
        (QLineEdit, "size_edit"),
        (QComboBox, "unit_combo"),
        (QLineEdit, "location_edit"),
        (QDateEdit, "installed_on_edit"),
        (QDateEdit, "sealed_on_edit"),
        (QLineEdit, "activation_reading_edit"),
        (QDateEdit, "last_tested_on_edit"),
    ),
    "reading_dialog": (
        (QComboBox, "meter_combo"),
        (QLabel, "previous_label"),
        (QDateEdit, "read_on_edit"),
        (QLineEdit, "value_edit"),
        (QCheckBox, "replacement_check"),
        (QLineEdit, "note_edit"),
    ),
    "determination_dialog": (
        (QComboBox, "method_combo"),
        (QLineEdit, "percent_edit"),
        (QLineEdit, "fixed_ccf_edit"),
        (QPlainTextEdit, "justification_edit"),
        (QDateEdit, "effective_on_edit"),
        (QTableView, "preview_table"),
        (QLabel, "totals_label"),
        (QLabel, "notes_label"),
    ),
}


FORMS = sorted(REQUIRED)  # the desk's forms; the approval dialogs' forms have their own tests


def test_every_form_of_the_desk_exists():
    for name in FORMS:
        assert (paths.FORMS_DIR / f"{name}.ui").is_file(), name


@pytest.mark.parametrize("name", FORMS)
def test_form_loads_with_named_widgets_and_accessible_inputs(qapp, name):
    form = load_form(name)
    for kind, widget_name in REQUIRED[name]:
        child(form, kind, widget_name)
    inputs = (QLineEdit, QComboBox, QDateEdit, QPlainTextEdit, QCheckBox, QListWidget, QTableView)
    for kind in inputs:
        for widget in form.findChildren(kind):
            if isinstance(widget.parent(), QComboBox) or widget.objectName().startswith("qt_"):
                continue
            if widget.parent() is not None and widget.parent().objectName().startswith("qt_"):
                continue  # parts of a spin box or calendar popup
            assert widget.accessibleName(), f"{name}: {widget.objectName()} has no name"
    for caption in form.findChildren(QLabel):
        buddy = caption.buddy()
        key = caption.objectName().removesuffix("_caption_label")
        if key != caption.objectName() and buddy is not None:
            assert buddy.objectName().startswith(key), f"{name}: {key} labels another field"


def test_a_missing_widget_or_form_is_named_in_the_error(qapp):
    form = load_form("meter_dialog")
    with pytest.raises(FormError, match=r"form 'meter_dialog' has no QLineEdit named 'nope'"):
        child(form, QLineEdit, "nope")
    with pytest.raises(FormError, match="does not exist"):
        load_form("no_such_form")


def test_tab_order_follows_the_page(qapp):
    form = load_form("meter_dialog")
    form.show()
    order = []
    widget: QWidget = child(form, QComboBox, "role_combo")
    for _ in range(10):
        order.append(widget.objectName())
        widget = widget.nextInFocusChain()
        while not widget.objectName().endswith(("_edit", "_combo", "_check")):
            widget = widget.nextInFocusChain()
    assert order == [
        "role_combo",
        "serial_edit",
        "make_model_edit",
        "size_edit",
        "unit_combo",
        "location_edit",
        "installed_on_edit",
        "sealed_on_edit",
        "activation_reading_edit",
        "last_tested_on_edit",
    ]
    assert Path(paths.FORMS_DIR / "meter_dialog.ui").is_file()


def test_messages_are_red_by_palette_and_the_desk_has_no_style_sheet(qapp):
    """Message labels are coloured with a palette: an application-wide style sheet made
    every widget of the desk slower to build and paint."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QLabel

    from kcsac.ui.desk_startup import configure_application
    from kcsac.ui.field_messages import MESSAGE_COLOR, mark_as_message

    configure_application(qapp)
    assert qapp.styleSheet() == ""
    label = mark_as_message(QLabel("Amount must be more than $0.00"))
    assert label.palette().color(QPalette.ColorRole.WindowText) == MESSAGE_COLOR
    assert label.property("role") == "message"
