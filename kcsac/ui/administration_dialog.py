"""AdministrationDialog: users and roles, password resets, surcharge limits, backup settings,
the Water Services contact block letters print.

    dialog = AdministrationDialog(context, parent=main_window)
    # context: kcsac.ui.desk_context.DeskContext (store, the administrator or None, today)
    dialog.settings_changed.connect(...)   # emitted after every saved change (refresh views)
    dialog.exec()

Four tabs (the contact block's is a WaterServicesContactTab). Each change goes through an
operation (`operations.users`, `operations.admin`), which checks the administrator's
permission and writes the audit trail; refusals are shown on the tab. Every change to users,
roles or passwords asks the administrator's own password again (a PasswordGate). A reset
password is typed twice in a PasswordPrompt and handed to the operation: it is never shown,
put in a message, or logged (the audit row only says it was reset).
"""

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kcsac.domain.records import RecordError, User
from kcsac.domain.roles import Permission, Role
from kcsac.operations import admin, users
from kcsac.ui.desk_context import DeskContext
from kcsac.ui.field_messages import GOOD_COLOR, MESSAGE_COLOR, mark_as_message
from kcsac.ui.password_gate import PasswordGate
from kcsac.ui.password_prompt import PasswordPrompt
from kcsac.ui.qt_convert import decimal_problem, parse_decimal
from kcsac.ui.water_services_contact_tab import WaterServicesContactTab

_USER_COLUMNS = ("Login", "Name", "Title", "Role", "Active", "Password")


class AdministrationDialog(QDialog):
    """The administrator's settings, one tab per kind, each change saved and audited at once."""

    # emitted after any saved change (users, limits, backup)
    settings_changed = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._store = context.store
        self._actor = context.user
        self._today = context.today()  # read once: the dialog never reads the clock
        self._users: list[User] = []
        self.reset_prompt: PasswordPrompt | None = None  # the new password, while typed
        self.password_gate = PasswordGate(context, self)  # the administrator's own password
        self.setObjectName("administration_dialog")
        self.setWindowTitle("Administration")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setAccessibleName("Administration sections")
        self.tabs.addTab(self._build_users_tab(), "&Users and roles")
        self.tabs.addTab(self._build_limits_tab(), "&Surcharge limits")
        self.tabs.addTab(self._build_backup_tab(), "&Backup")
        self.contact_tab = WaterServicesContactTab(context)
        self.contact_tab.saved.connect(self.settings_changed)
        self.tabs.addTab(self.contact_tab, "Water Serv&ices contact")
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.close_buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText("&Close")
        close.setAccessibleName("Close")
        self.close_buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.close_buttons)
        self.resize(1040, 560)
        self._connect_signals()
        self._load_users()
        self._load_limits()
        self._load_backup()

    # --- users ----------------------------------------------------------------------------
    def _build_users_tab(self) -> QWidget:
        self.users_table = QTableWidget(0, len(_USER_COLUMNS))
        self.users_table.setObjectName("users_table")
        self.users_table.setAccessibleName("Users")
        self.users_table.setHorizontalHeaderLabels(list(_USER_COLUMNS))
        self.users_table.verticalHeader().setVisible(False)
        self.users_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.users_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Name, title and role share what is left (elided, full text in the tooltip), so the
        # short columns, Password last, are never pushed behind a horizontal scrollbar.
        for column in ("Name", "Title", "Role"):
            header.setSectionResizeMode(_USER_COLUMNS.index(column), QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.users_table.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.login_edit = _line("login_edit", "Login (operating-system user name)")
        self.name_edit = _line("name_edit", "Full name")
        self.title_edit = _line("title_edit", "Title")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role_combo")
        self.role_combo.setAccessibleName("Role")
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.active_check = QCheckBox("Acti&ve")
        self.active_check.setObjectName("active_check")
        self.active_check.setAccessibleName("Active")
        self.active_check.setChecked(True)
        form = QFormLayout()
        form.addRow(_buddy("&Login:", self.login_edit), self.login_edit)
        form.addRow(_buddy("&Name:", self.name_edit), self.name_edit)
        form.addRow(_buddy("&Title:", self.title_edit), self.title_edit)
        form.addRow(_buddy("&Role:", self.role_combo), self.role_combo)
        form.addRow("", self.active_check)

        self.new_user_button = _button("Ne&w user", "new_user_button")
        self.save_user_button = _button("Sav&e user", "save_user_button")
        self.reset_password_button = _button("Reset &password…", "reset_password_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_user_button)
        buttons.addWidget(self.save_user_button)
        buttons.addWidget(self.reset_password_button)
        buttons.addStretch(1)

        self.users_message_label = _message("users_message_label", "Users: result")
        editor = QVBoxLayout()
        editor.addLayout(form)
        editor.addLayout(buttons)
        editor.addWidget(self.users_message_label)
        editor.addStretch(1)

        tab = QWidget()
        layout = QHBoxLayout(tab)
        editor_widget = QWidget()
        editor_widget.setLayout(editor)
        editor_widget.setMaximumWidth(360)  # the table needs the width for its six columns
        layout.addWidget(self.users_table, 1)
        layout.addWidget(editor_widget)
        return tab

    def _load_users(self, select_login: str = "") -> None:
        self._users = self._store.users()
        self.users_table.setRowCount(len(self._users))
        for row, user in enumerate(self._users):
            cells = (
                user.login,
                user.name,
                user.title,
                _role_label(user.role),
                "yes" if user.active else "no",
                "set" if user.has_password else "not set",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.users_table.setItem(row, column, item)
        target = select_login or (self._users[0].login if self._users else "")
        for row, user in enumerate(self._users):
            if user.login == target:
                self.users_table.selectRow(row)
                break
        else:
            self._on_new_user_button_clicked()

    def selected_user(self) -> User | None:
        rows = self.users_table.selectionModel().selectedRows()
        if not rows or self.login_edit.isEnabled():
            return None
        return self._users[rows[0].row()]

    @Slot()
    def _on_users_table_selection_changed(self) -> None:
        rows = self.users_table.selectionModel().selectedRows()
        if not rows:
            return
        user = self._users[rows[0].row()]
        self.login_edit.setText(user.login)
        self.login_edit.setEnabled(False)  # the login is the key: a new login is a new user
        self.name_edit.setText(user.name)
        self.title_edit.setText(user.title)
        self.role_combo.setCurrentIndex(self.role_combo.findData(user.role))
        self.active_check.setChecked(user.active)
        self.reset_password_button.setEnabled(True)

    @Slot()
    def _on_new_user_button_clicked(self) -> None:
        self.users_table.clearSelection()
        for edit in (self.login_edit, self.name_edit, self.title_edit):
            edit.clear()
        self.login_edit.setEnabled(True)
        self.role_combo.setCurrentIndex(self.role_combo.findData(Role.CLERK.value))
        self.active_check.setChecked(True)
        self.reset_password_button.setEnabled(False)
        self.login_edit.setFocus()

    @property
    def password_prompt(self) -> PasswordPrompt | None:
        """The prompt open now: a reset user's new password, or the administrator's own."""
        return self.reset_prompt or self.password_gate.prompt

    @Slot()
    def _on_save_user_button_clicked(self) -> None:
        existing = self.selected_user()
        self.users_message_label.hide()
        if existing is None:
            login = self.login_edit.text().strip()
            values = {
                "login": self.login_edit.text(),
                "name": self.name_edit.text(),
                "title": self.title_edit.text(),
                "role": self.role_combo.currentData(),
            }
            self.password_gate.ask(
                f"add the user {login}" if login else "add a user",
                lambda password: users.add_user(
                    self._store, self._actor, password=password, today=self._today, **values
                ),
                permission=(Permission.ADMINISTER, "add users"),
                succeeded=lambda saved: self._user_saved(
                    saved, f"User {saved.login} added as {_role_label(saved.role).lower()}."
                ),
                refused=self._user_refused,
            )
            return
        changed = dataclasses.replace(
            existing,
            name=self.name_edit.text().strip(),
            title=self.title_edit.text().strip(),
            role=self.role_combo.currentData(),
            active=self.active_check.isChecked(),
        )
        self.password_gate.ask(
            f"save the user {existing.login}",
            lambda password: users.change_user(
                self._store, self._actor, changed, password=password, today=self._today
            ),
            permission=(Permission.ADMINISTER, "change users"),
            succeeded=lambda saved: self._user_saved(saved, f"User {saved.login} saved."),
            refused=self._user_refused,
        )

    def _user_saved(self, saved: User, done: str) -> None:
        self._load_users(select_login=saved.login)
        _show(self.users_message_label, done)
        self.settings_changed.emit()

    def _user_refused(self, exc: RecordError) -> None:
        _show(self.users_message_label, _problems_text(exc), error=True)

    @Slot()
    def _on_reset_password_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        try:  # who may not reset passwords is told so before typing one
            users.require(self._store, self._actor, Permission.ADMINISTER, "reset passwords")
        except RecordError as exc:
            self._user_refused(exc)
            return
        prompt = PasswordPrompt.for_new_password(
            login=user.login, check=_check_new_password, parent=self
        )
        prompt.setWindowTitle(f"Reset the password of {user.login}")
        prompt.intro_label.setText(
            f"Type a new kcsac password for <b>{user.login}</b> twice. Tell it to them in "
            "person; kcsac never shows or logs it. Your own password is asked next."
        )
        self.reset_prompt = prompt
        prompt.finished.connect(self._on_reset_prompt_finished)
        prompt.open()

    @Slot(int)
    def _on_reset_prompt_finished(self, result: int) -> None:
        prompt, self.reset_prompt = self.reset_prompt, None
        if prompt is None:
            return
        new_password = prompt.password()
        prompt.clear()
        prompt.deleteLater()
        login = self.login_edit.text()
        if result != QDialog.DialogCode.Accepted or not new_password:
            return
        self.password_gate.ask(
            f"reset the password of {login}",
            lambda password: users.reset_password(
                self._store, self._actor, login, new_password, password=password, today=self._today
            ),
            permission=(Permission.ADMINISTER, "reset passwords"),
            succeeded=lambda _none: self._password_reset(login),
            refused=self._user_refused,
        )

    def _password_reset(self, login: str) -> None:
        self._load_users(select_login=login)
        _show(self.users_message_label, f"The password of {login} was reset.")
        self.settings_changed.emit()

    # --- surcharge limits -------------------------------------------------------------------
    def _build_limits_tab(self) -> QWidget:
        self.limits_status_label = QLabel()
        self.limits_status_label.setObjectName("limits_status_label")
        self.limits_status_label.setWordWrap(True)
        self.bod_edit = _line("bod_edit", "Normal BOD, mg/L")
        self.ss_edit = _line("ss_edit", "Normal suspended solids, mg/L")
        self.og_edit = _line("og_edit", "Normal oil and grease, mg/L")
        self.citation_edit = _line("citation_edit", "Citation of the limits")
        self.citation_edit.setPlaceholderText(
            "e.g. Code ch. 60, art. IV, sec. 60-… (normal sewage)"
        )
        self.limits_reason_edit = _line("limits_reason_edit", "Reason for the change")
        form = QFormLayout()
        form.addRow(_buddy("BO&D (mg/L):", self.bod_edit), self.bod_edit)
        form.addRow(_buddy("Suspended s&olids (mg/L):", self.ss_edit), self.ss_edit)
        form.addRow(_buddy("Oil and &grease (mg/L):", self.og_edit), self.og_edit)
        form.addRow(_buddy("Ci&tation:", self.citation_edit), self.citation_edit)
        form.addRow(
            _buddy("Reason for the c&hange:", self.limits_reason_edit), self.limits_reason_edit
        )
        self.save_limits_button = _button("Save &limits", "save_limits_button")
        self.limits_message_label = _message("limits_message_label", "Surcharge limits: result")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.limits_status_label)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.save_limits_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.limits_message_label)
        layout.addStretch(1)
        return tab

    def _load_limits(self) -> None:
        limits = admin.surcharge_limits(self._store)
        if limits is None:
            self.limits_status_label.setText(
                "No normal-sewage limits are entered: kcsac says the high-concentration "
                "surcharge cannot be computed until an administrator enters them, with the "
                "section of ch. 60 art. IV they come from."
            )
            return
        self.limits_status_label.setText(
            f"In force: BOD {limits.bod}, SS {limits.ss}, O&G {limits.og} mg/L ({limits.citation})."
        )
        self.bod_edit.setText(str(limits.bod))
        self.ss_edit.setText(str(limits.ss))
        self.og_edit.setText(str(limits.og))
        self.citation_edit.setText(limits.citation)

    def limits_problems(self) -> list[str]:
        """What is wrong with the limits typed (checked before the operation is asked)."""
        problems = []
        for edit, label in (
            (self.bod_edit, "BOD"),
            (self.ss_edit, "Suspended solids"),
            (self.og_edit, "Oil and grease"),
        ):
            text = edit.text().strip()
            if not text:
                problems.append(f"{label}: type the normal-sewage limit in mg/L")
            elif decimal_problem(text):
                problems.append(f"{label}: {decimal_problem(text)}")
        if not self.citation_edit.text().strip():
            problems.append("Citation: cite where the limits come from (ch. 60 art. IV)")
        if not self.limits_reason_edit.text().strip():
            # The limits change every surcharge kcsac computes: the audit says why they changed.
            problems.append("Reason for the change: say why the limits are entered or changed")
        return problems

    @Slot()
    def _on_save_limits_button_clicked(self) -> None:
        problems = self.limits_problems()
        if problems:
            _show(self.limits_message_label, "Not saved:\n" + "\n".join(problems), error=True)
            return
        try:
            limits = admin.set_surcharge_limits(
                self._store,
                self._actor,
                bod=str(parse_decimal(self.bod_edit.text())),
                ss=str(parse_decimal(self.ss_edit.text())),
                og=str(parse_decimal(self.og_edit.text())),
                citation=self.citation_edit.text(),
                today=self._today,
                reason=self.limits_reason_edit.text().strip(),
            )
        except RecordError as exc:
            _show(self.limits_message_label, _problems_text(exc), error=True)
            return
        self._load_limits()
        self.limits_reason_edit.clear()
        _show(self.limits_message_label, f"Limits saved ({limits.citation}).")
        self.settings_changed.emit()

    # --- backup -----------------------------------------------------------------------------
    def _build_backup_tab(self) -> QWidget:
        self.backup_folder_edit = _line("backup_folder_edit", "Backup folder")
        self.backup_folder_edit.setPlaceholderText("empty: the backups folder next to the database")
        self.browse_backup_button = _button("B&rowse…", "browse_backup_button")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder_edit, 1)
        folder_row.addWidget(self.browse_backup_button)
        self.keep_spin = QSpinBox()
        self.keep_spin.setObjectName("keep_spin")
        self.keep_spin.setAccessibleName("Backups to keep")
        self.keep_spin.setRange(1, 365)
        self.keep_spin.setMaximumWidth(100)
        self.on_start_check = QCheckBox("Back up when kcsac s&tarts")
        self.on_start_check.setObjectName("on_start_check")
        self.on_start_check.setAccessibleName("Back up when kcsac starts")
        form = QFormLayout()
        form.addRow(_buddy("Backup &folder:", self.backup_folder_edit), folder_row)
        form.addRow(_buddy("Backups to &keep:", self.keep_spin), self.keep_spin)
        form.addRow("", self.on_start_check)
        self.save_backup_button = _button("Save b&ackup settings", "save_backup_button")
        self.backup_message_label = _message("backup_message_label", "Backup settings: result")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.save_backup_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.backup_message_label)
        layout.addStretch(1)
        return tab

    def _load_backup(self) -> None:
        settings = admin.backup_settings(self._store)
        self.backup_folder_edit.setText(str(settings.folder) if settings.folder else "")
        self.keep_spin.setValue(settings.keep)
        self.on_start_check.setChecked(settings.on_start)

    @Slot()
    def _on_browse_backup_button_clicked(self) -> None:
        start = self.backup_folder_edit.text().strip() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Backup folder", start)
        if chosen:
            self.backup_folder_edit.setText(chosen)

    @Slot()
    def _on_save_backup_button_clicked(self) -> None:
        try:
            admin.set_backup_settings(
                self._store,
                self._actor,
                folder=self.backup_folder_edit.text().strip() or None,
                keep=self.keep_spin.value(),
                on_start=self.on_start_check.isChecked(),
                today=self._today,
            )
        except RecordError as exc:
            _show(self.backup_message_label, _problems_text(exc), error=True)
            return
        self._load_backup()
        _show(self.backup_message_label, "Backup settings saved.")
        self.settings_changed.emit()

    def _connect_signals(self) -> None:
        self.users_table.itemSelectionChanged.connect(self._on_users_table_selection_changed)
        self.new_user_button.clicked.connect(self._on_new_user_button_clicked)
        self.save_user_button.clicked.connect(self._on_save_user_button_clicked)
        self.reset_password_button.clicked.connect(self._on_reset_password_button_clicked)
        self.save_limits_button.clicked.connect(self._on_save_limits_button_clicked)
        self.browse_backup_button.clicked.connect(self._on_browse_backup_button_clicked)
        self.save_backup_button.clicked.connect(self._on_save_backup_button_clicked)


def _check_new_password(password: str) -> None:
    """The new password's rule, shown in the prompt before anything is asked or saved."""
    problems = users.password_problems(password)
    if problems:
        raise ValueError(problems[0])


def _problems_text(exc: RecordError) -> str:
    problems = getattr(exc, "problems", None)
    return "\n".join(str(p) for p in problems) if problems else str(exc)


def _line(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    return edit


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", "").removesuffix("…"))
    button.setAutoDefault(False)
    return button


def _message(name: str, accessible: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    label.hide()
    return label


def _show(label: QLabel, text: str, *, error: bool = False) -> None:
    mark_as_message(label, MESSAGE_COLOR if error else GOOD_COLOR)
    label.setText(text)
    label.show()


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role
