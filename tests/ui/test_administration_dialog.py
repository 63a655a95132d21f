"""AdministrationDialog on a real store: users and roles, password reset (never shown or
logged), surcharge limits with their citation, backup settings; each change audited."""

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kcsac.domain.roles import Role
from kcsac.operations import admin, users
from kcsac.ui.administration_dialog import AdministrationDialog
from tests.ui.decision_factories import PASSWORD, desk_for, enter_password

SECRET = "brand new secret 42"


def open_dialog(qtbot, store, actor, today) -> AdministrationDialog:
    dialog = AdministrationDialog(desk_for(store, actor, today))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_add_a_user_with_a_role(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.admin, today)
    assert dialog.users_table.rowCount() == 4
    click(qtbot, dialog.new_user_button)
    assert dialog.login_edit.isEnabled()
    qtbot.keyClicks(dialog.login_edit, "rrivera")
    qtbot.keyClicks(dialog.name_edit, "Rosa Rivera")
    qtbot.keyClicks(dialog.title_edit, "Engineer II")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("reviewer"))
    click(qtbot, dialog.save_user_button)
    assert store.get_user("rrivera") is None  # not before the administrator's password
    assert "to add the user rrivera" in dialog.password_prompt.intro_label.text()
    with qtbot.waitSignal(dialog.settings_changed):
        enter_password(qtbot, dialog, PASSWORD)
    added = store.get_user("rrivera")
    assert (added.name, added.title, added.role) == ("Rosa Rivera", "Engineer II", "reviewer")
    assert dialog.users_message_label.text() == (
        "User rrivera added as reviewer (director's representative)."
    )
    assert dialog.users_table.rowCount() == 5
    assert dialog.selected_user().login == "rrivera"


def test_change_a_users_role_and_deactivate(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.admin, today)
    row = [dialog.users_table.item(r, 0).text() for r in range(4)].index("carl")
    dialog.users_table.selectRow(row)
    assert not dialog.login_edit.isEnabled()
    assert dialog.name_edit.text() == "Carl Clerk"
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("reviewer"))
    dialog.active_check.setChecked(False)
    click(qtbot, dialog.save_user_button)
    prompt = enter_password(qtbot, dialog, "not the password")
    assert prompt.isVisible(), "a wrong password keeps the prompt open"
    assert "not correct" in prompt.error_label.text()
    assert store.get_user("carl").active  # nothing changed
    prompt.password_edit.clear()
    qtbot.keyClicks(prompt.password_edit, PASSWORD)
    qtbot.keyClick(prompt.password_edit, Qt.Key.Key_Return)
    assert dialog.password_prompt is None
    carl = store.get_user("carl")
    assert carl.role == Role.REVIEWER
    assert not carl.active
    assert any(e.entity_id == "carl" for e in store.audit_events(entity="user"))


def test_reset_password_is_never_shown_or_logged(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.admin, today)
    row = [dialog.users_table.item(r, 0).text() for r in range(4)].index("rita")
    dialog.users_table.selectRow(row)
    click(qtbot, dialog.reset_password_button)
    prompt = dialog.password_prompt
    assert prompt.windowTitle() == "Reset the password of rita"
    qtbot.keyClicks(prompt.password_edit, SECRET)
    qtbot.keyClicks(prompt.confirm_edit, SECRET)
    click(qtbot, prompt.ok_button)
    # then the administrator's own password, before anything is changed
    assert "to reset the password of rita" in dialog.password_prompt.intro_label.text()
    assert users.password_matches(PASSWORD, store.password_hash("rita"))
    with qtbot.waitSignal(dialog.settings_changed):
        enter_password(qtbot, dialog, PASSWORD)
    assert dialog.users_message_label.text() == "The password of rita was reset."
    users.check_password(store, store.get_user("rita"), SECRET)  # raises if not reset
    for event in store.audit_events(limit=10_000):
        assert SECRET not in f"{event.action}{event.before}{event.after}{event.reason}"
    assert all(SECRET not in label.text() for label in dialog.findChildren(QLabel))


def test_a_short_reset_password_is_refused_in_the_prompt(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.admin, today)
    dialog.users_table.selectRow(0)
    click(qtbot, dialog.reset_password_button)
    prompt = dialog.password_prompt
    qtbot.keyClicks(prompt.password_edit, "short")
    qtbot.keyClicks(prompt.confirm_edit, "short")
    click(qtbot, prompt.ok_button)
    assert prompt.isVisible()
    assert "at least 8 characters" in prompt.error_label.text()


def test_only_an_administrator_changes_users(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.director, today)
    click(qtbot, dialog.new_user_button)
    qtbot.keyClicks(dialog.login_edit, "mallory")
    qtbot.keyClicks(dialog.name_edit, "Mallory")
    click(qtbot, dialog.save_user_button)
    assert "You cannot add users" in dialog.users_message_label.text()
    assert store.get_user("mallory") is None


def test_surcharge_limits_need_a_citation_and_are_saved(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.admin, today)
    dialog.tabs.setCurrentIndex(1)
    assert "No normal-sewage limits are entered" in dialog.limits_status_label.text()
    qtbot.keyClicks(dialog.bod_edit, "300")
    qtbot.keyClicks(dialog.ss_edit, "300")
    qtbot.keyClicks(dialog.og_edit, "100")
    click(qtbot, dialog.save_limits_button)
    assert "cite where the limits come from" in dialog.limits_message_label.text()
    assert admin.surcharge_limits(store) is None
    qtbot.keyClicks(dialog.citation_edit, "Code ch. 60, art. IV (test value)")
    qtbot.keyClicks(dialog.limits_reason_edit, "Art. IV limits entered")
    with qtbot.waitSignal(dialog.settings_changed):
        click(qtbot, dialog.save_limits_button)
    limits = admin.surcharge_limits(store)
    assert (limits.bod, limits.ss, limits.og) == (Decimal(300), Decimal(300), Decimal(100))
    assert limits.citation == "Code ch. 60, art. IV (test value)"
    assert "In force: BOD 300, SS 300, O&G 100 mg/L" in dialog.limits_status_label.text()


def test_backup_settings_are_saved_and_a_missing_folder_refused(
    qtbot, store, people, today, tmp_path
):
    dialog = open_dialog(qtbot, store, people.admin, today)
    dialog.tabs.setCurrentIndex(2)
    assert dialog.keep_spin.value() == admin.DEFAULT_BACKUP_KEEP
    dialog.backup_folder_edit.setText(str(tmp_path / "missing"))
    click(qtbot, dialog.save_backup_button)
    assert "does not exist" in dialog.backup_message_label.text()
    folder = tmp_path / "backups"
    folder.mkdir()
    dialog.backup_folder_edit.setText(str(folder))
    dialog.keep_spin.setValue(5)
    dialog.on_start_check.setChecked(False)
    with qtbot.waitSignal(dialog.settings_changed):
        click(qtbot, dialog.save_backup_button)
    assert admin.backup_settings(store) == admin.BackupSettings(folder, 5, False)


def test_the_last_administrator_cannot_demote_themselves(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.admin, today)
    row = [dialog.users_table.item(r, 0).text() for r in range(4)].index("ada")
    dialog.users_table.selectRow(row)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("clerk"))
    click(qtbot, dialog.save_user_button)
    enter_password(qtbot, dialog, PASSWORD)
    assert dialog.password_prompt is None
    assert "at least one active administrator" in dialog.users_message_label.text()
    assert store.get_user("ada").role == Role.ADMINISTRATOR


def test_limits_are_not_saved_without_a_reason(qtbot, store, people, today):
    """The new-user trial saved limits of 0/0/0 mg/L with no reason."""
    dialog = open_dialog(qtbot, store, people.admin, today)
    dialog.tabs.setCurrentIndex(1)
    for edit in (dialog.bod_edit, dialog.ss_edit, dialog.og_edit):
        qtbot.keyClicks(edit, "0")
    qtbot.keyClicks(dialog.citation_edit, "Code ch. 60, art. IV")
    click(qtbot, dialog.save_limits_button)
    assert dialog.limits_message_label.text() == (
        "Not saved:\nReason for the change: say why the limits are entered or changed"
    )
    assert admin.surcharge_limits(store) is None
    qtbot.keyClicks(dialog.limits_reason_edit, "Limits from the 2026 art. IV table")
    with qtbot.waitSignal(dialog.settings_changed):
        click(qtbot, dialog.save_limits_button)
    assert admin.surcharge_limits(store).bod == Decimal(0)
    reasons = [e.reason for e in store.audit_events(limit=10_000)]
    assert "Limits from the 2026 art. IV table" in reasons, "the audit says why"


def test_blank_and_comma_decimal_limits_are_named(qtbot, store, people, today):
    dialog = open_dialog(qtbot, store, people.admin, today)
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.bod_edit, "1,250")
    qtbot.keyClicks(dialog.ss_edit, "250,5")
    qtbot.keyClicks(dialog.citation_edit, "Code ch. 60, art. IV")
    qtbot.keyClicks(dialog.limits_reason_edit, "entered")
    click(qtbot, dialog.save_limits_button)
    text = dialog.limits_message_label.text()
    assert "Suspended solids: '250,5' is not a number: the comma is not a decimal point" in text
    assert "Oil and grease: type the normal-sewage limit in mg/L" in text
    assert "BOD" not in text, "1,250 is a thousands separator"
    assert admin.surcharge_limits(store) is None
    dialog.ss_edit.clear()
    qtbot.keyClicks(dialog.ss_edit, "250.5")
    qtbot.keyClicks(dialog.og_edit, "100")
    with qtbot.waitSignal(dialog.settings_changed):
        click(qtbot, dialog.save_limits_button)
    limits = admin.surcharge_limits(store)
    assert (limits.bod, limits.ss, limits.og) == (Decimal(1250), Decimal("250.5"), Decimal(100))


def test_every_users_column_is_visible_at_the_default_size(qtbot, store, people, today):
    """The Password column was cut off behind a horizontal scrollbar."""
    users.add_user(
        store,
        people.admin,
        login="dwhitfield",
        name="Dana Whitfield-Montgomery",
        title="Director of Water Services and Sewer Allowance Credit Program",
        role=Role.REVIEWER,
        password=PASSWORD,
        today=today,
    )
    dialog = open_dialog(qtbot, store, people.admin, today)
    qtbot.waitExposed(dialog)
    table = dialog.users_table
    # The table lays its columns out after the dialog shows; then no scrollbar remains.
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible(), timeout=2000)
    header = table.horizontalHeader()
    last = table.columnCount() - 1
    assert table.horizontalHeaderItem(last).text() == "Password"
    right = header.sectionViewportPosition(last) + header.sectionSize(last)
    assert right <= table.viewport().width()
    assert header.sectionSize(last) >= header.sectionSizeHint(last), "the header text fits"
    row = next(r for r in range(table.rowCount()) if table.item(r, last).text() == "not set")
    assert table.item(row, 1).toolTip() == table.item(row, 1).text(), "elided text in full"
