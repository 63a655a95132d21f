"""DocumentPreviewDialog renders real PDF pages, saves the exact bytes, prints every page."""

import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog

from kcsac.ui.document_preview_dialog import DocumentPreviewDialog, render_page_images


def make_pdf(path: Path, pages: list[str]) -> bytes:
    """A small real PDF (US Letter, one big line of text per page) made by Qt's QPdfWriter."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter),
            QPageLayout.Orientation.Portrait,
            QMarginsF(36, 36, 36, 36),
        )
    )
    writer.setResolution(300)
    painter = QPainter(writer)
    font = QFont("DejaVu Sans")
    font.setPointSize(28)
    painter.setFont(font)
    for index, text in enumerate(pages):
        if index:
            writer.newPage()
        painter.drawText(100, 400, text)
        painter.fillRect(100, 600, 1500, 300, Qt.GlobalColor.black)
    painter.end()
    return path.read_bytes()


def ink_fraction(image: QImage) -> float:
    """Share of sampled pixels that are not white (0.0 = blank page)."""
    inked = total = 0
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            total += 1
            if image.pixelColor(x, y).lightness() < 200:
                inked += 1
    return inked / total


@pytest.fixture
def two_page_pdf(tmp_path: Path) -> bytes:
    return make_pdf(tmp_path / "source.pdf", ["Approval letter page one", "Page two"])


def test_preview_renders_every_page_non_blank(qtbot, two_page_pdf):
    dialog = DocumentPreviewDialog(
        two_page_pdf, title="Approval letter SAC-2026-0001", suggested_name="letter.pdf"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Preview: Approval letter SAC-2026-0001"
    assert dialog.page_count() == 2
    assert dialog.page_count_label.text() == "2 pages"
    for index in range(2):
        image = dialog.page_image(index)
        # US Letter at 96 dpi is 816 x 1056 pixels
        assert (image.width(), image.height()) == (816, 1056)
        assert ink_fraction(image) > 0.005
        label = dialog.page_labels[index]
        assert not label.pixmap().isNull()
        assert label.accessibleName() == f"Page {index + 1} of 2"
    # the blank margin at the top left really is white: the page was painted on white
    assert dialog.page_image(0).pixelColor(5, 5).lightness() == 255


def test_zoom_in_and_out_re_render_the_pages(qtbot, two_page_pdf):
    dialog = DocumentPreviewDialog(two_page_pdf, title="t", suggested_name="t.pdf")
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # shortcuts reach only the active window
        dialog.show()
        dialog.activateWindow()
    assert dialog.zoom_label.text() == "100 %"
    qtbot.mouseClick(dialog.zoom_in_button, Qt.MouseButton.LeftButton)
    assert dialog.zoom_label.text() == "125 %"
    assert dialog.page_image(0).width() == 1020
    qtbot.keyClick(dialog, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.zoom_label.text() == "75 %"
    assert dialog.page_image(0).width() == 612
    for _ in range(5):
        qtbot.mouseClick(dialog.zoom_out_button, Qt.MouseButton.LeftButton)
    assert dialog.zoom_label.text() == "50 %"
    assert not dialog.zoom_out_button.isEnabled()


def test_save_as_pdf_writes_the_exact_bytes(qtbot, two_page_pdf, tmp_path, monkeypatch):
    target = tmp_path / "out" / "SAC-2026-0001-letter"  # no suffix: .pdf is added
    target.parent.mkdir()
    offered: list[str] = []

    def choose(parent, caption, start, filters):
        offered.append(start)
        return str(target), filters

    # the native file chooser cannot be driven offscreen; the choice is the user's only input
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    dialog = DocumentPreviewDialog(
        two_page_pdf, title="t", suggested_name="SAC-2026-0001-letter.pdf", save_dir=tmp_path
    )
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.document_saved) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    written = target.with_name("SAC-2026-0001-letter.pdf")
    assert saved.args == [str(written)]
    assert offered == [str(tmp_path / "SAC-2026-0001-letter.pdf")]
    assert hashlib.sha256(written.read_bytes()).digest() == hashlib.sha256(two_page_pdf).digest()
    assert [p.name for p in written.parent.iterdir()] == [written.name]  # no temp file left


def test_ctrl_s_opens_save_and_cancel_writes_nothing(qtbot, two_page_pdf, tmp_path, monkeypatch):
    calls: list[str] = []

    def cancel(parent, caption, start, filters):
        calls.append(caption)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(cancel))
    dialog = DocumentPreviewDialog(
        two_page_pdf, title="t", suggested_name="x.pdf", save_dir=tmp_path
    )
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # shortcuts reach only the active window
        dialog.show()
        dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["Save as PDF"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.pdf"]


def test_print_paints_every_page_onto_the_printer(qtbot, two_page_pdf, tmp_path):
    dialog = DocumentPreviewDialog(two_page_pdf, title="t", suggested_name="t.pdf")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    with qtbot.waitSignal(dialog.document_printed) as done:
        assert dialog.print_to(printer) == 2
    assert done.args == [2]
    assert len(PdfReader(printed).pages) == 2
    for image in render_page_images(printed.read_bytes(), 48):
        assert ink_fraction(image) > 0.005


def test_bytes_that_are_not_a_pdf_are_refused_clearly():
    with pytest.raises(ValueError, match="could not be read as a PDF"):
        render_page_images(b"not a pdf", 96)


def test_preview_of_a_real_approval_letter(qtbot, store, today, tmp_path, monkeypatch):
    from kcsac.operations import approvals
    from kcsac.operations.documents.issuing import letter_for, render_issued
    from tests.ui.decision_factories import PASSWORD, seed_file, seed_people

    people = seed_people(store, today)
    app = seed_file(store, people, today)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    letter = letter_for(store, "dora", app.number, today=today)
    data = render_issued(letter)
    dialog = DocumentPreviewDialog(
        data,
        title=f"Approval letter {app.number}",
        suggested_name=letter.filename,
        save_dir=tmp_path,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page_count() == len(PdfReader(io.BytesIO(data)).pages)
    assert all(ink_fraction(dialog.page_image(i)) > 0.01 for i in range(dialog.page_count()))
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda parent, caption, start, filters: (start, filters)),
    )
    with qtbot.waitSignal(dialog.document_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "SAC-2026-0001-approval-letter.pdf"
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
