"""The page every kcsac document shares: letterhead, footer, "Page X of Y", and the build step."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate

from kcsac.domain.documents import AUTHOR, ISSUER, PROGRAM
from kcsac.pdf import styles
from kcsac.pdf.fasttext import draw_right_string, draw_string, set_canvas_fill
from kcsac.pdf.letterhead import draw_mark


@dataclass(frozen=True)
class PageSetup:
    """What the page furniture prints: the document's title, reference and fingerprint."""

    title: str  # PDF metadata title and the running head on later pages
    subject: str  # PDF metadata subject
    reference: str  # e.g. "Application SAC-2026-0001", top right of every page
    fingerprint: str  # the snapshot's sha256, shortened in the footer
    footer_note: str  # e.g. "Ordinance 260209"
    pagesize: tuple[float, float] = styles.LETTER_PORTRAIT
    side_margin: float = styles.MARGIN_LEFT
    top_margin: float = styles.MARGIN_TOP
    # The PDF's CreationDate and ModDate: the day the document was issued (midnight UTC).
    # None keeps reportlab's fixed invariant date (2000-01-01).
    created_on: date | None = None


def build_pdf(setup: PageSetup, story: Sequence[Flowable]) -> bytes:
    """Lay `story` out on US Letter pages with kcsac's letterhead; return the PDF bytes.

    `invariant=1` fixes the document id and the dates, so the same story gives the same
    bytes every time (the sha256 of an issued PDF can be checked later by re-rendering); the
    dates are `setup.created_on`, the day the document was issued, so a re-print carries the
    issue date too, never the day it is re-printed.
    """
    styles.register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=setup.pagesize,
        leftMargin=setup.side_margin,
        rightMargin=setup.side_margin,
        topMargin=setup.top_margin,
        bottomMargin=styles.MARGIN_BOTTOM,
        title=setup.title,
        subject=setup.subject,
        author=AUTHOR,
        creator=styles.PDF_CREATOR,
        producer=styles.PDF_CREATOR,
        invariant=1,
        lang="en-US",
        initialFontName=styles.FONT,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates(
        [PageTemplate(id="page", frames=[frame], onPage=lambda c, d: _draw_letterhead(c, setup))]
    )

    def canvas_maker(*args, **kwargs) -> "_NumberedCanvas":
        return _NumberedCanvas(setup, *args, **kwargs)

    doc.build(list(story), canvasmaker=canvas_maker)
    return buffer.getvalue()


def _draw_letterhead(canvas: Canvas, setup: PageSetup) -> None:
    """The band, mark and issuer name at the top; the reference at the right."""
    width, height = setup.pagesize
    left = setup.side_margin
    right = width - setup.side_margin
    mark_top = height - styles.LETTERHEAD_BAND_HEIGHT - 0.22 * inch
    text_x = left + styles.MARK_SIZE + 0.14 * inch
    first, second = mark_top - 0.27 * inch, mark_top - 0.47 * inch
    before, after = _letterhead_drawing(setup.pagesize, setup.side_margin)
    code = canvas._code
    code.extend(before)  # q, the band and the mark
    set_canvas_fill(canvas, styles.BRAND)
    draw_string(canvas, text_x, first, ISSUER, styles.FONT_BOLD, 15, 15 * 1.2)
    set_canvas_fill(canvas, styles.GREY)
    draw_string(canvas, text_x, second, PROGRAM, styles.FONT, 9, 9 * 1.2)
    draw_right_string(canvas, right, first, setup.reference, styles.FONT, 8, 8 * 1.2)
    draw_right_string(canvas, right, second, setup.title, styles.FONT, 8, 8 * 1.2)
    code.extend(after)  # the rule under the letterhead, Q


@cache
def _letterhead_drawing(pagesize: tuple[float, float], side_margin: float):
    """The letterhead's drawing around its text, as the operators reportlab writes for it:
    the same on every page, so drawn once per page size (the text is per document)."""
    width, height = pagesize
    canvas = Canvas(io.BytesIO(), pagesize=pagesize)
    start = len(canvas._code)
    canvas.saveState()
    canvas.setFillColor(styles.BRAND)
    canvas.rect(
        0,
        height - styles.LETTERHEAD_BAND_HEIGHT,
        width,
        styles.LETTERHEAD_BAND_HEIGHT,
        stroke=0,
        fill=1,
    )
    mark_top = height - styles.LETTERHEAD_BAND_HEIGHT - 0.22 * inch
    draw_mark(canvas, side_margin, mark_top - styles.MARK_SIZE, styles.MARK_SIZE)
    middle = len(canvas._code)
    canvas.setStrokeColor(styles.RULE)
    canvas.setLineWidth(0.6)
    rule_y = mark_top - styles.MARK_SIZE - 0.08 * inch
    canvas.line(side_margin, rule_y, width - side_margin, rule_y)
    canvas.restoreState()
    return tuple(canvas._code[start:middle]), tuple(canvas._code[middle:])


@cache
def _footer_drawing(pagesize: tuple[float, float], side_margin: float) -> tuple[str, ...]:
    """The footer's rule, as the operators reportlab writes (once per page size)."""
    width, _height = pagesize
    y = _FOOTER_Y
    canvas = Canvas(io.BytesIO(), pagesize=pagesize)
    start = len(canvas._code)
    canvas.saveState()
    canvas.setStrokeColor(styles.RULE)
    canvas.setLineWidth(0.5)
    canvas.line(side_margin, y + 0.17 * inch, width - side_margin, y + 0.17 * inch)
    return tuple(canvas._code[start:])


_FOOTER_Y = 0.5 * inch


class _NumberedCanvas(Canvas):
    """Holds each page until the end so the footer can say "Page X of Y" (pretix's pattern)."""

    def __init__(self, setup: PageSetup, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._setup = setup
        self._saved_pages: list[dict] = []
        if setup.created_on is not None:
            stamp = "D:" + setup.created_on.strftime("%Y%m%d") + "000000+00'00'"
            self.setDateFormatter(lambda *_ymdhms: stamp)

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        setup = self._setup
        width, _height = setup.pagesize
        left = setup.side_margin
        right = width - setup.side_margin
        y = _FOOTER_Y
        self._code.extend(_footer_drawing(setup.pagesize, left))  # q, the rule
        set_canvas_fill(self, styles.GREY)
        font, bold = styles.FONT, styles.FONT_BOLD
        draw_string(self, left, y, f"{ISSUER} · {PROGRAM} · {setup.footer_note}", font, 7, 7 * 1.2)
        draw_string(
            self,
            left,
            y - 0.14 * inch,
            f"Document fingerprint (sha256): {setup.fingerprint[:16]}…",
            font,
            7,
            7 * 1.2,
        )
        draw_right_string(self, right, y, f"Page {number} of {total}", bold, 8, 8 * 1.2)
        self._code.append("Q")
