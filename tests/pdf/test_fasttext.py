"""fasttext writes the very operators reportlab's canvas and text objects write."""

import io

import pytest
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from kcsac.pdf import styles
from kcsac.pdf.fasttext import (
    TextBlock,
    draw_right_string,
    draw_string,
    fill_op,
    set_canvas_fill,
)

# ASCII, accents, Vietnamese, and enough Greek and Cyrillic letters to need a second subset.
TEXTS = [
    "Kansas City Water Services",
    "Peña Family Car Wash · Nguyễn Precision Cooling (Łódź) \\ back-slash",
    "",
    "".join(chr(c) for c in range(0x391, 0x3CA)) + "".join(chr(c) for c in range(0x410, 0x4A0)),
    "after the second subset: Ω and A",
]


def _canvases() -> tuple[Canvas, Canvas]:
    styles.register_fonts()
    return Canvas(io.BytesIO(), invariant=1), Canvas(io.BytesIO(), invariant=1)


def _pdf(canvas: Canvas) -> bytes:
    canvas.showPage()
    return canvas.getpdfdata()  # (save() would format the document a second time)


def test_strings_are_written_as_reportlab_writes_them() -> None:
    plain, fast = _canvases()
    for i, text in enumerate(TEXTS):
        font = styles.FONT_BOLD if i % 2 else styles.FONT
        plain.setFillColor(styles.BRAND)
        plain.setFont(font, 9.5, 13)
        plain.drawString(10, 20 * i, text)
        plain.drawRightString(500, 20 * i, text)
        set_canvas_fill(fast, styles.BRAND)
        draw_string(fast, 10, 20 * i, text, font, 9.5, 13)
        draw_right_string(fast, 500, 20 * i, text, font, 9.5, 13)
    assert fast._code == plain._code
    assert _pdf(fast) == _pdf(plain)


def test_a_text_block_is_what_a_text_object_writes() -> None:
    plain, fast = _canvases()
    reference = plain.beginText()
    block = TextBlock(fast)
    for i, text in enumerate(TEXTS * 2):
        font = (styles.FONT, 7.6, 9.2) if i % 3 else (styles.FONT_BOLD, 8, 9.6)
        colour = colors.black if i % 2 else styles.GREY
        reference.setFont(*font)
        reference.setFillColor(colour)
        reference.setTextOrigin(5 * i, 700 - 12 * i)
        reference.textOut(text)
        block.set_font(*font)
        block.set_fill(colour)
        block.move_to(5 * i, 700 - 12 * i)
        block.out(text)
    plain.drawText(reference)
    block.end()
    assert fast._code == plain._code
    assert _pdf(fast) == _pdf(plain)


def test_named_colours_and_refusals() -> None:
    plain, _fast = _canvases()
    plain.setFillColor("black")
    assert fill_op("black") == plain._code[-1]
    with pytest.raises(ValueError, match="CMYK"):
        fill_op(colors.CMYKColor(0, 0, 0, 1))
    with pytest.raises(ValueError, match="not opaque"):
        fill_op(colors.Color(0, 0, 0, alpha=0.5))
    with pytest.raises(ValueError, match="not an embedded TrueType font"):
        TextBlock(plain).set_font("Helvetica", 9, 11)
