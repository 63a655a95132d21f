"""Text written straight into a page's content stream, as reportlab's text objects write it.

`canvas.drawString` builds a text object per string (font look-ups, cursor bookkeeping, a
width the caller never needs); a letter draws some sixty strings and a schedule some two
hundred and fifty table cells, and that bookkeeping was a fifth of their time. `TextBlock`
writes the same operators (`BT`, `Tm`, `Tf`/`TL`, `Tj`, `ET`) in the same order, so the page
is byte for byte what reportlab writes (tests/pdf compares them); font subsets and their
codes still come from the font (`splitString`), so embedding works exactly as before.

Only for kcsac's embedded TrueType fonts, opaque RGB colours and unshaped left-to-right text.
"""

from weakref import WeakKeyDictionary

from reportlab.lib.colors import CMYKColor, Color, toColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

_FILL_OPS: dict[Color | str, str] = {}  # colour (or colour name) -> its operator


def fill_op(color: Color | str) -> str:
    """`r g b rg`: what reportlab writes to set an opaque RGB fill colour (or a named one)."""
    op = _FILL_OPS.get(color)  # colours and names hash
    if op is not None:
        return op
    op = _FILL_OPS[color] = _fill_op(color)
    return op


def _fill_op(color: Color | str) -> str:
    if not isinstance(color, Color):
        color = toColor(color)  # as reportlab does with "black"
    if isinstance(color, CMYKColor):
        raise ValueError(f"fasttext: colour {color!r} is CMYK, not RGB")
    if getattr(color, "alpha", 1) not in (1, None):
        raise ValueError(f"fasttext: colour {color!r} is not opaque")
    return f"{fp_str((color.red, color.green, color.blue))} rg"


def set_canvas_fill(canvas: Canvas, color: Color | str) -> None:
    """As `canvas.setFillColor` for an opaque colour: the operator, and PDF 1.4, which
    reportlab asks for whenever the colour carries an alpha (HexColor's is 1)."""
    canvas._code.append(fill_op(color))
    _alpha_version(canvas, color)


def _alpha_version(canvas: Canvas, color: Color | str) -> None:
    if not isinstance(color, Color):
        color = toColor(color)
    if getattr(color, "alpha", None) is not None:
        canvas._doc.ensureMinPdfVersion("transparency")


# Per document: (font name, text) -> its (subset, "(...) Tj") pieces. A character keeps the
# code it was given in a document, so a text encodes the same way every time in it (a
# schedule repeats "31", "1", "$33.09" ... dozens of times).
_ENCODED: WeakKeyDictionary = WeakKeyDictionary()


class TextBlock:
    """One `BT ... ET` block: set a font and colour, put strings at absolute positions."""

    __slots__ = ("_canvas", "_code", "_doc", "_encoded", "_font", "_subset", "_tail")

    def __init__(self, canvas: Canvas, x: float = 0, y: float = 0) -> None:
        self._canvas = canvas
        self._doc = doc = canvas._doc
        encoded = _ENCODED.get(doc)
        if encoded is None:
            encoded = _ENCODED[doc] = {}
        self._encoded = encoded
        self._code = ["BT", f"1 0 0 1 {fp_str(x, y)} Tm"]  # as canvas.beginText(x, y)
        self._font: TTFont | None = None
        self._tail = ""
        self._subset = -1

    def set_font(self, name: str, size: float, leading: float) -> None:
        """As PDFTextObject.setFont for a TrueType font: the `Tf` comes with the first text."""
        font = pdfmetrics.getFont(name)
        if not font._dynamicFont:
            raise ValueError(f"fasttext: {name} is not an embedded TrueType font")
        self._font = font
        self._tail = f"{fp_str(size)} Tf {fp_str(leading)} TL"
        self._subset = -1

    def set_fill(self, color: Color | str) -> None:
        """As PDFTextObject.setFillColor (opaque RGB)."""
        self._code.append(fill_op(color))
        _alpha_version(self._canvas, color)

    def word_space(self, space: float) -> None:
        """As PDFTextObject.setWordSpace: added to the width of every space."""
        self._code.append(f"{fp_str(space)} Tw")

    def move_to(self, x: float, y: float) -> None:
        """As PDFTextObject.setTextOrigin (bottom-up canvas)."""
        self._code.append(f"1 0 0 1 {fp_str(x, y)} Tm")

    def out(self, text: str, *, line: bool = False) -> None:
        """As PDFTextObject.textOut (or textLine when `line`)."""
        font, doc = self._font, self._doc
        if font is None:
            raise ValueError("fasttext: set_font() comes before the first text")
        key = (font.fontName, text)
        pieces = self._encoded.get(key)
        if pieces is None:
            pieces = self._encoded[key] = tuple(
                (subset, f"({escapePDF(chunk)}) Tj")
                for subset, chunk in font.splitString(text, doc)
            )
        if len(pieces) == 1 and pieces[0][0] == self._subset:
            joined = pieces[0][1]  # the usual case: one piece, in the subset already chosen
        else:
            parts = []
            for subset, shown in pieces:
                if subset != self._subset:
                    parts.append(f"{font.getSubsetInternalName(subset, doc)} {self._tail}")
                    self._subset = subset
                parts.append(shown)
            joined = " ".join(parts)
        self._code.append(joined + " T*" if line else joined)

    def end(self) -> None:
        """As canvas.drawText: the block goes onto the page."""
        self._code.append("ET")
        self._canvas._code.append(" ".join(self._code))


def draw_string(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, leading: float
) -> None:
    """As `canvas.setFont(font, size, leading); canvas.drawString(x, y, text)` (TrueType)."""
    block = TextBlock(canvas, x, y)
    block.set_font(font, size, leading)
    block.out(text, line=True)
    block.end()


def draw_right_string(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, leading: float
) -> None:
    """As `canvas.drawRightString`: the text ends at x."""
    width = pdfmetrics.stringWidth(text, font, size)
    draw_string(canvas, x - width, y, text, font, size, leading)
