"""DocumentPreviewDialog: shows a PDF's pages, then saves the same bytes or prints them.

    dialog = DocumentPreviewDialog(
        pdf_bytes,                        # what kcsac.pdf rendered (or a stored document)
        title="Approval letter SAC-2026-0001",
        suggested_name="SAC-2026-0001-approval-letter.pdf",
        save_dir=None,                    # folder the Save dialog opens in (default: home)
        parent=main_window,
    )
    dialog.exec()

Pages are rendered with pypdfium2 (QtPdf is not in PySide6-Essentials 6.11) into QImages shown
in QLabels inside a QScrollArea. "Save as PDF" writes the exact bytes it was given, so the saved
file is the issued document (same sha256). "Print" paints the pages, rendered at the printer's
resolution (at most PRINT_DPI_MAX), onto a QPrinter chosen in a QPrintDialog.
`document_saved(str)` is emitted with the path after a save and `document_printed(int)` with
the page count after printing, so the caller can audit them.
"""

import os
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

PDF_POINTS_PER_INCH = 72
SCREEN_DPI = 96
PRINT_DPI_MAX = 300
ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


def render_page_images(pdf_bytes: bytes, dpi: float) -> list[QImage]:
    """Every page of `pdf_bytes` as an opaque QImage at `dpi`; ValueError if not a PDF."""
    try:
        document = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError as exc:
        raise ValueError(f"The document could not be read as a PDF ({exc}).") from exc
    images: list[QImage] = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(
                scale=dpi / PDF_POINTS_PER_INCH,
                fill_color=(255, 255, 255, 255),
                rev_byteorder=True,
                prefer_bgrx=True,
            )
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            )
            # copy(): the QImage must own its pixels; pdfium frees the bitmap on close
            images.append(image.copy())
            bitmap.close()
            page.close()
    finally:
        document.close()
    return images


class DocumentPreviewDialog(QDialog):
    """Preview of one PDF document with Save as PDF and Print."""

    # the path the document was written to
    document_saved = Signal(str)
    # the number of pages sent to the printer
    document_printed = Signal(int)

    def __init__(
        self,
        pdf_bytes: bytes,
        *,
        title: str,
        suggested_name: str,
        save_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._pdf_bytes = pdf_bytes
        self._suggested_name = suggested_name
        self._save_dir = save_dir
        self._zoom_index = ZOOM_STEPS.index(1.0)
        self.setObjectName("document_preview_dialog")
        self.setWindowTitle(f"Preview: {title}")
        # pages are rendered at the current zoom only: a letter page at 192 dpi is ~14 MB
        self._page_images = render_page_images(pdf_bytes, self._screen_dpi())
        self._build()
        self._connect_signals()
        self._show_pages()
        self.resize(900, 900)  # a US Letter page at 100 % (816 px) plus the scroll bar

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.page_count_label = QLabel()
        self.page_count_label.setObjectName("page_count_label")
        self.page_count_label.setAccessibleName("Page count")

        self.zoom_out_button = _button("Zoom &out", "Zoom out (Ctrl+-)", "zoom_out_button")
        self.zoom_in_button = _button("Zoom &in", "Zoom in (Ctrl++)", "zoom_in_button")
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom_label")
        self.zoom_label.setAccessibleName("Zoom level")
        self.save_button = _button("&Save as PDF…", "Save as PDF (Ctrl+S)", "save_button")
        self.print_button = _button("&Print…", "Print (Ctrl+P)", "print_button")
        self.close_button = _button("&Close", "Close the preview", "close_button")

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.page_count_label)
        toolbar.addStretch(1)
        toolbar.addWidget(self.zoom_out_button)
        toolbar.addWidget(self.zoom_label)
        toolbar.addWidget(self.zoom_in_button)
        toolbar.addSpacing(16)
        toolbar.addWidget(self.save_button)
        toolbar.addWidget(self.print_button)
        toolbar.addWidget(self.close_button)

        self.pages_widget = QWidget()
        self.pages_widget.setObjectName("pages_widget")
        self.pages_widget.setStyleSheet("#pages_widget { background: #808080; }")
        self._pages_layout = QVBoxLayout(self.pages_widget)
        self._pages_layout.setSpacing(12)
        self._pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[QLabel] = []
        for number in range(1, len(self._page_images) + 1):
            label = QLabel()
            label.setObjectName(f"page_{number}_label")
            label.setAccessibleName(f"Page {number} of {len(self._page_images)}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.page_labels.append(label)
            self._pages_layout.addWidget(label)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("pages_scroll_area")
        self.scroll_area.setAccessibleName("Document pages")
        self.scroll_area.setWidget(self.pages_widget)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.scroll_area, 1)

    def _connect_signals(self) -> None:
        self.zoom_in_button.clicked.connect(self._on_zoom_in_button_clicked)
        self.zoom_out_button.clicked.connect(self._on_zoom_out_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.close_button.clicked.connect(self.accept)
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self._on_zoom_in_button_clicked),
            (QKeySequence.StandardKey.ZoomOut, self._on_zoom_out_button_clicked),
            (QKeySequence.StandardKey.Save, self._on_save_button_clicked),
            (QKeySequence.StandardKey.Print, self._on_print_button_clicked),
        ):
            QShortcut(QKeySequence(keys), self, activated=slot)

    # --- what the dialog shows -------------------------------------------------------------
    def page_count(self) -> int:
        return len(self._page_images)

    def page_image(self, index: int) -> QImage:
        """The rendered page `index` (0-based), as shown at the current zoom."""
        return self._page_images[index]

    def zoom(self) -> float:
        return ZOOM_STEPS[self._zoom_index]

    def _screen_dpi(self) -> float:
        return SCREEN_DPI * self.zoom() * self.devicePixelRatioF()

    def _show_pages(self) -> None:
        ratio = self.devicePixelRatioF()
        for image, label in zip(self._page_images, self.page_labels, strict=True):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)  # sharp on high-dpi screens
            label.setPixmap(pixmap)
        pages = self.page_count()
        self.page_count_label.setText(f"{pages} page" if pages == 1 else f"{pages} pages")
        self.zoom_label.setText(f"{round(self.zoom() * 100)} %")
        self.zoom_in_button.setEnabled(self._zoom_index < len(ZOOM_STEPS) - 1)
        self.zoom_out_button.setEnabled(self._zoom_index > 0)

    @Slot()
    def _on_zoom_in_button_clicked(self) -> None:
        self._zoom_index = min(self._zoom_index + 1, len(ZOOM_STEPS) - 1)
        self._rerender()

    @Slot()
    def _on_zoom_out_button_clicked(self) -> None:
        self._zoom_index = max(self._zoom_index - 1, 0)
        self._rerender()

    def _rerender(self) -> None:
        self._page_images = render_page_images(self._pdf_bytes, self._screen_dpi())
        self._show_pages()

    # --- save --------------------------------------------------------------------------------
    @Slot()
    def _on_save_button_clicked(self) -> None:
        start = (self._save_dir or Path.home()) / self._suggested_name
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save as PDF", str(start), "PDF documents (*.pdf)"
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            self.save_to(path)
        except OSError as exc:
            QMessageBox.warning(
                self, "Not saved", f"The document was not saved to {path}:\n{exc.strerror or exc}"
            )

    def save_to(self, path: Path) -> None:
        """Write the document's exact bytes to `path` (via a temporary file, then a rename,
        so an existing file is never left half-written)."""
        handle, temporary = tempfile.mkstemp(prefix=".kcsac-", suffix=".pdf.part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as fh:
                fh.write(self._pdf_bytes)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.document_saved.emit(str(path))

    # --- print -------------------------------------------------------------------------------
    @Slot()
    def _on_print_button_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle().removeprefix("Preview: "))
        chooser = QPrintDialog(printer, self)
        chooser.setWindowTitle("Print")
        if chooser.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Paint every page onto `printer`, scaled to fit its page; returns the pages painted."""
        # full page: the PDF already carries its own margins, so map paper to paper
        printer.setFullPage(True)
        images = render_page_images(self._pdf_bytes, min(printer.resolution(), PRINT_DPI_MAX))
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "Not printed", "The printer could not be started.")
            return 0
        try:
            for index, image in enumerate(images):
                if index:
                    printer.newPage()
                # drawImage into a rectangle: the printer keeps the 300-dpi image and scales it
                target = QRectF(painter.viewport())
                size = (
                    image.size().toSizeF().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                )
                left = target.x() + (target.width() - size.width()) / 2
                painter.drawImage(QRectF(left, target.y(), size.width(), size.height()), image)
        finally:
            painter.end()
        self.document_printed.emit(len(images))
        return len(images)


def _button(text: str, tooltip: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tooltip)
    button.setAccessibleName(text.replace("&", "").removesuffix("…"))
    button.setAutoDefault(False)
    return button
