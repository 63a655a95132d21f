"""Every signing, administration and document dialog: accessible names, keyboard access, and a
screenshot (into docs/screenshots when KCSAC_SCREENSHOTS=1, else into tmp_path).
"""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from kcsac import paths
from kcsac.operations import approvals
from kcsac.operations.documents.issuing import letter_for, render_issued
from kcsac.ui.administration_dialog import AdministrationDialog
from kcsac.ui.amendment_dialog import AmendmentDialog
from kcsac.ui.approval_dialog import ApprovalDialog
from kcsac.ui.batch_export_dialog import BatchExportDialog
from kcsac.ui.denial_dialog import DenialDialog
from kcsac.ui.document_preview_dialog import DocumentPreviewDialog
from kcsac.ui.ownership_change_dialog import OwnershipChangeDialog
from kcsac.ui.password_prompt import PasswordPrompt
from kcsac.ui.reopen_dialog import ReopenDialog
from kcsac.ui.revocation_dialog import RevocationDialog
from tests.ui.decision_factories import PASSWORD, desk_for, seed_file

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QAbstractSpinBox,
    QComboBox,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
    QProgressBar,
    QScrollArea,
)
TYPED_INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit)


def shot_dir(tmp_path: Path) -> Path:
    if os.environ.get("KCSAC_SCREENSHOTS") == "1":
        folder = paths.PROJECT_ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


def controls_of(dialog: QDialog) -> list[QWidget]:
    found = []
    for widget in dialog.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(dialog):
            continue
        # the line edit inside a spin box or combo box is part of that control
        if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
            continue
        # scroll bars, header views and corner buttons inside item views belong to the view
        if any(isinstance(a, QAbstractItemView) for a in _ancestors(widget, dialog)):
            continue
        found.append(widget)
    return found


def _ancestors(widget: QWidget, stop: QWidget):
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parentWidget()


def accessibility_problems(dialog: QDialog) -> list[str]:
    """Controls without an accessible name; buttons and typed inputs without a mnemonic."""
    buddies = {
        label.buddy(): label.text()
        for label in dialog.findChildren(QLabel)
        if label.buddy() is not None
    }
    problems = []
    for widget in controls_of(dialog):
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if not widget.accessibleName().strip():
            problems.append(f"{name} has no accessible name")
        if isinstance(widget, QPushButton) and "&" not in widget.text():
            problems.append(f"{name} ({widget.text()!r}) has no keyboard mnemonic")
        if isinstance(widget, QCheckBox) and "&" not in widget.text():
            problems.append(f"{name} ({widget.text()!r}) has no keyboard mnemonic")
        if isinstance(widget, TYPED_INPUTS) and widget.isEnabled():
            label = buddies.get(widget, "")
            if "&" not in label:
                problems.append(f"{name} has no label with a mnemonic (buddy)")
    return problems


def mnemonic(text: str) -> str:
    """The letter after a single `&` ("Sign &date" -> "d"), or ""."""
    index = text.replace("&&", "").find("&")
    cleaned = text.replace("&&", "")
    return cleaned[index + 1].lower() if 0 <= index < len(cleaned) - 1 else ""


def duplicate_mnemonics(dialog: QDialog) -> list[str]:
    """Alt+letter keys used twice among what is visible (labels, buttons, tabs)."""
    texts = [
        w.text()
        for w in dialog.findChildren(QWidget)
        if isinstance(w, (QLabel, QAbstractButton)) and w.isVisibleTo(dialog)
    ]
    for tabs in dialog.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    seen: dict[str, str] = {}
    duplicates = []
    for text in texts:
        key = mnemonic(text)
        if key and key in seen:
            duplicates.append(f"Alt+{key.upper()}: {seen[key]!r} and {text!r}")
        elif key:
            seen[key] = text
    return duplicates


def check_and_shoot(qtbot, dialog: QDialog, filename: str, tmp_path: Path) -> Path:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)  # let layouts settle (scroll bars, word-wrapped labels) before the grab
    assert accessibility_problems(dialog) == []
    assert duplicate_mnemonics(dialog) == []
    path = shot_dir(tmp_path) / filename
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 5000
    return path


def test_approval_dialog_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today)
    dialog = ApprovalDialog(desk_for(store, people.director, today), app.number)
    check_and_shoot(qtbot, dialog, "approval_dialog.png", tmp_path)


def test_approval_dialog_blocked_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today, pay=False, reviews=("passed", "failed"))
    dialog = ApprovalDialog(desk_for(store, people.director, today), app.number)
    dialog.signed_on_edit.setDate(dialog.signed_on_edit.date().addDays(1))
    check_and_shoot(qtbot, dialog, "approval_dialog_blocked.png", tmp_path)


def test_password_prompt_screens(qtbot, tmp_path):
    reenter = PasswordPrompt.for_reentry(login="dora", purpose="sign SAC-2026-0001")
    check_and_shoot(qtbot, reenter, "password_prompt.png", tmp_path)
    new = PasswordPrompt.for_new_password(login="dan")
    check_and_shoot(qtbot, new, "password_prompt_set.png", tmp_path)


def test_document_preview_dialog_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    letter = letter_for(store, "dora", app.number, today=today)
    dialog = DocumentPreviewDialog(
        render_issued(letter),
        title=f"Approval letter {app.number}",
        suggested_name=letter.filename,
    )
    check_and_shoot(qtbot, dialog, "document_preview_dialog.png", tmp_path)


def test_batch_export_dialog_screen(qtbot, store, people, today, tmp_path):
    approved = seed_file(store, people, today, account="1000-01")
    approvals.approve(store, people.director, approved.number, password=PASSWORD, today=today)
    waiting = seed_file(store, people, today, account="1000-02")
    out = tmp_path / "letters"
    out.mkdir()
    dialog = BatchExportDialog(
        desk_for(store, people.director, today), [approved.number, waiting.number], start_dir=out
    )
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.export_finished):
        dialog.export_button.click()
    dialog.folder_edit.setText("/home/clerk/letters")  # the screenshot shows no tmp path
    check_and_shoot(qtbot, dialog, "batch_export_dialog.png", tmp_path)


def test_the_check_finds_an_unlabelled_control(qtbot):
    dialog = QDialog()
    QLineEdit(dialog)
    QPushButton("OK", dialog)
    qtbot.addWidget(dialog)
    dialog.show()
    problems = accessibility_problems(dialog)
    assert "QLineEdit '' has no accessible name" in problems
    assert "QPushButton '' ('OK') has no keyboard mnemonic" in problems
    QPushButton("&Save", dialog).show()
    QPushButton("&Sign", dialog).show()
    assert duplicate_mnemonics(dialog) == ["Alt+S: '&Save' and '&Sign'"]


def test_denial_dialog_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today, storm=True)
    dialog = DenialDialog(desk_for(store, people.director, today), app.number)
    dialog.check_reason("storm-sewer")
    dialog.other_reasons_edit.setPlainText("Roof drains tie into the wash bay (site review)")
    check_and_shoot(qtbot, dialog, "denial_dialog.png", tmp_path)


def test_reopen_dialog_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today)
    approvals.deny(
        store, people.director, app.number, reasons=["storm-sewer"], password=PASSWORD, today=today
    )
    dialog = ReopenDialog(desk_for(store, people.director, today), app.number)
    dialog.reason_edit.setPlainText("Drain rerouted to the sanitary sewer; photos received")
    check_and_shoot(qtbot, dialog, "reopen_dialog.png", tmp_path)


def test_revocation_dialog_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    dialog = RevocationDialog(desk_for(store, people.director, today), app.number)
    dialog.reason_combo.setCurrentIndex(0)
    check_and_shoot(qtbot, dialog, "revocation_dialog.png", tmp_path)


def test_amendment_dialog_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    dialog = AmendmentDialog(desk_for(store, people.reviewer, today), app.number)
    dialog.percent_edit.setText("20")
    dialog.justification_edit.setPlainText("a fourth bay added; measured again")
    check_and_shoot(qtbot, dialog, "amendment_dialog.png", tmp_path)


def test_ownership_change_dialog_screen(qtbot, store, people, today, tmp_path):
    app = seed_file(store, people, today)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    dialog = OwnershipChangeDialog(desk_for(store, people.director, today), app.number)
    dialog.account_edit.setText("9000-01")
    dialog.customer_edit.setText("Nguyễn Holdings LLC")
    dialog.customer_class_combo.setCurrentIndex(
        dialog.customer_class_combo.findData("nonresident-direct")
    )
    check_and_shoot(qtbot, dialog, "ownership_change_dialog.png", tmp_path)


@pytest.mark.parametrize(
    ("tab", "filename"),
    [
        (0, "administration_dialog.png"),
        (1, "administration_dialog_limits.png"),
        (2, "administration_dialog_backup.png"),
        (3, "administration_dialog_contact.png"),
    ],
)
def test_administration_dialog_screens(qtbot, store, people, today, tmp_path, tab, filename):
    dialog = AdministrationDialog(desk_for(store, people.admin, today))
    dialog.tabs.setCurrentIndex(tab)
    check_and_shoot(qtbot, dialog, filename, tmp_path)
