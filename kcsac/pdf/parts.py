"""Pieces the documents share: paragraphs and lines, sections, reference table, lists, grids.
What only letters share (head, contact block, closing) is in kcsac.pdf.letter."""

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from kcsac.pdf import richtext, styles
from kcsac.pdf.fasttext import TextBlock, draw_string, set_canvas_fill

REFERENCE_LABEL_WIDTH = 1.75 * inch
GRID_PADDING = 3
MEMO_KEPT = 2048  # parsed paragraphs and their line breaks kept (a batch repeats a few dozen)


class _MemoParagraph(Paragraph):
    """A Paragraph of one style (no inline markup changing the font) whose parse and line
    breaks are shared by every paragraph of the same text, style and width.

    A batch of letters repeats the same duties, citations and headings in every letter;
    parsing the markup and breaking the lines again was about a quarter of a letter's time.
    reportlab keeps the broken lines in `blPara` and only reads them when drawing or
    splitting, so sharing them gives the very same layout. Paragraphs made by splitting one
    across pages are of this class without `_memo_key`, and wrap as reportlab does.
    A simple left-aligned paragraph is drawn straight from `blPara` (`drawOn`); tests/pdf
    checks that the pages are pixel-identical to reportlab's own drawing.
    """

    _memo_key: tuple | None = None

    def wrap(self, availWidth: float, availHeight: float):  # noqa: N803 (reportlab's names)
        key = self._memo_key
        if key is None:
            return super().wrap(availWidth, availHeight)
        found = _WRAPPED.get((key, availWidth))
        if found is not None:
            _WRAPPED.move_to_end((key, availWidth))  # the least recently used go first
        else:
            result = super().wrap(availWidth, availHeight)
            _remember(_WRAPPED, (key, availWidth), {a: getattr(self, a) for a in _WRAP_STATE})
            return result
        self.__dict__.update(found)
        self._wrapWidths = list(found["_wrapWidths"])  # reportlab may adjust its copy
        return self.width, self.height

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        """As Paragraph.drawOn for a simple left-aligned paragraph (the duties, citations,
        wrapped notes): the text object drawPara writes, at the page position, without the
        canvas state bookkeeping; anything else is drawn by Paragraph."""
        lines = getattr(self, "blPara", None)
        style = self.style
        bullet = self.bulletText
        if (
            lines is None
            or lines.kind != 0
            or not lines.lines
            or style.alignment != TA_LEFT
            or style.firstLineIndent
            or style.backColor
            or style.borderWidth
            or style.endDots
            or style.wordWrap
            or getattr(style, "autoLeading", "") not in ("", "off")
            or getattr(lines, "us_lines", None)
            or getattr(lines, "link", None)
            or hasattr(self, "_offsets")
            or any("\xa0" in w for _free, words in lines.lines for w in words)
            or not (bullet is None or isinstance(bullet, str))
            or (bullet and style.bulletAnchor != "start")
        ):
            super().drawOn(canvas, x, y, _sW)
            return
        x = self._hAlignAdjust(x, _sW)
        size, leading = lines.fontSize, style.leading
        baseline = y + self.height - size  # Paragraph's first baseline: one size below the top
        left = x + style.leftIndent
        offset = 0.0
        code = canvas._code
        code.append("q")
        if bullet:
            bullet_x = x + style.bulletIndent
            bullet_y = baseline + getattr(style, "bulletOffsetY", 0)
            block = TextBlock(canvas, bullet_x, bullet_y)
            block.set_font(style.bulletFontName, style.bulletFontSize, style.bulletFontSize * 1.2)
            block.set_fill(getattr(style, "bulletColor", style.textColor))
            block.out(bullet)
            block.end()
            width = stringWidth(bullet, style.bulletFontName, style.bulletFontSize)
            offset = max(
                0.0, style.bulletIndent + width + 0.6 * style.bulletFontSize - style.leftIndent
            )
        set_canvas_fill(canvas, lines.textColor)
        block = TextBlock(canvas, left, baseline)
        block.set_font(lines.fontName, size, leading)
        for i, (free, words) in enumerate(lines.lines):
            text = " ".join(words)
            # A line a little too long narrows its spaces, as reportlab does.
            squeeze = free / (len(words) - 1) if free < -1e-8 and len(words) > 1 else 0
            if i:
                block.move_to(left, baseline - i * leading)
            elif offset:
                block.move_to(left + offset, baseline)  # after the bullet
            if squeeze:
                block.word_space(squeeze)
            block.out(text)
            if squeeze:
                block.word_space(0)
        block.end()
        code.append("Q")


# What Paragraph.wrap (and breakLines) set on the paragraph, for a single-style paragraph.
_WRAP_STATE = (
    "width",
    "height",
    "blPara",
    "_wrapWidths",
    "_width_max",
    "_splitLongWordCount",
    "_hyphenations",
)
_PARSED: OrderedDict = OrderedDict()
_WRAPPED: OrderedDict = OrderedDict()


def _remember(memo: OrderedDict, key, value) -> None:
    memo[key] = value
    if len(memo) > MEMO_KEPT:
        memo.popitem(last=False)


def paragraph(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """`Paragraph(text, style, bulletText=bullet)`, its parse and line breaks shared with
    earlier paragraphs of the same text and style when it has a single style."""
    key = (text, style.name, id(style), bullet)
    parsed = _PARSED.get(key)
    if parsed is None:
        made = Paragraph(text, style, bulletText=bullet)
        # Several fragments (inline <b>): breakLines replaces `frags`; not shared.
        parsed = dict(made.__dict__) if len(made.frags) == 1 else {}
        _remember(_PARSED, key, parsed)
        if not parsed:
            return made
    else:
        _PARSED.move_to_end(key)  # the least recently used go first
        if not parsed:
            return Paragraph(text, style, bulletText=bullet)
    memo = _MemoParagraph.__new__(_MemoParagraph)
    memo.__dict__.update(parsed)
    memo._memo_key = key
    return memo


class TextTable(Table):
    """A Table that writes all its one-line text cells in one PDF text object.

    reportlab's Table draws each text cell with its own text object (font, colour and
    position set again every time); a 12-period schedule has some 200 cells, and that was
    the larger part of its time. Single-style paragraphs (headers over two lines) become
    lines of the same text object too. Other flowables, and cells aligned other than
    left/right at the top, are drawn by Table as usual.
    """

    # (font, size, leading, colour, x, y, text) of each cell drawn as a line, while draw()
    # runs; None otherwise.
    _texts: list[tuple] | None = None

    def draw(self) -> None:
        self._texts = []
        try:
            super().draw()
            texts = self._texts
        finally:
            self._texts = None
        if not texts:
            return
        text = TextBlock(self.canv)
        font = colour = None
        for font_name, size, leading, fill, x, y, value in texts:
            if font != (font_name, size, leading):
                font = (font_name, size, leading)
                text.set_font(font_name, size, leading)
            if colour != fill:
                colour = fill
                text.set_fill(fill)
            text.move_to(x, y)
            text.out(value)
        text.end()

    def _drawCell(self, cellval, cellstyle, pos, size) -> None:  # noqa: N802 (reportlab's name)
        style = cellstyle
        texts = self._texts
        if (
            texts is None
            or style.alignment not in ("LEFT", "RIGHT")
            or style.valign != "TOP"
            or style.href
            or style.destination
            or style.direction
            or style.shaping
        ):
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        if isinstance(cellval, tuple | list) and len(cellval) == 1:
            cellval = cellval[0]  # how Table keeps a flowable cell
        if isinstance(cellval, Paragraph):
            if style.alignment != "LEFT" or not self._paragraph_lines(
                cellval, style, pos, size, texts
            ):
                super()._drawCell(cellval, cellstyle, pos, size)
            return
        if not isinstance(cellval, str) or "\n" in cellval:
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        col_x, row_y = pos
        width, height = size
        if style.alignment == "LEFT":
            x = col_x + style.leftPadding
        else:
            x = col_x + width - style.rightPadding
            x -= stringWidth(cellval, style.fontname, style.fontsize)
        y = row_y + height - style.topPadding - style.fontsize  # where Table puts it
        texts.append((style.fontname, style.fontsize, style.leading, style.color, x, y, cellval))

    def _paragraph_lines(self, cell: Paragraph, style, pos, size, texts: list[tuple]) -> bool:
        """A wrapped single-style paragraph cell (a header that takes two lines) as lines of
        the table's text object, where Table and Paragraph would draw them; False when the
        paragraph is anything else (then Table draws it)."""
        lines = getattr(cell, "blPara", None)
        para_style = cell.style
        if (
            lines is None
            or lines.kind != 0
            or cell.bulletText
            or para_style.alignment not in (TA_LEFT, TA_RIGHT)
            or para_style.leftIndent
            or para_style.rightIndent
            or para_style.firstLineIndent
            or any(free < -1e-8 for free, _words in lines.lines)  # spaces shrunk: Tw
        ):
            return False
        col_x, row_y = pos
        _width, height = size
        x = col_x + style.leftPadding
        font, font_size, leading = lines.fontName, lines.fontSize, para_style.leading
        # Table puts the paragraph's top at the top padding; Paragraph puts its first
        # baseline one font size below its top, right-aligned lines their free width in.
        y = row_y + height - style.topPadding - font_size
        right = para_style.alignment == TA_RIGHT
        for free, words in lines.lines:
            line_x = x + free if right else x
            texts.append((font, font_size, leading, lines.textColor, line_x, y, " ".join(words)))
            y -= leading
        return True


class Gap(Spacer):
    """Vertical space that writes nothing (Spacer.drawOn writes an empty q/cm/Q)."""

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        pass


class _NewPageIfLess(CondPageBreak):
    """CondPageBreak that writes nothing where it stands."""

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        pass


def fitting(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """Plain text when it fits on one line (fast to lay out), else a wrapping paragraph."""
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    return paragraph(esc(text), style)


def esc(text: str) -> str:
    """Text as safe paragraph markup (names may hold "&" or "<")."""
    return escape(text)


class _Line(Flowable):
    """One line of text in one or more fonts: what a one-line Paragraph draws, without
    parsing markup or breaking lines (a letter has a dozen of these; as Paragraphs they
    were a fifth of its layout time). `runs` are (text, font name) pairs, drawn in turn."""

    def __init__(self, runs: tuple[tuple[str, str], ...], style: ParagraphStyle) -> None:
        super().__init__()
        self.runs = runs
        self.style = style

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.style.leading

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab's name)
        return self.style.spaceAfter

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        """The line at its page position, in q/Q, without Flowable.drawOn's canvas state
        bookkeeping and translation (a letter draws a dozen lines)."""
        x = self._hAlignAdjust(x, _sW)
        style = self.style
        size = style.fontSize
        canvas._code.append("q")
        set_canvas_fill(canvas, style.textColor)
        # The baseline where Paragraph puts a first line: one font size below the top.
        baseline = y + style.leading - size
        for text, font in self.runs:
            draw_string(canvas, x, baseline, text, font, size, size * 1.2)
            x += stringWidth(text, font, size)
        canvas._code.append("Q")


def para(text: str, style: str = "body", *, width: float | None = None) -> Flowable:
    """Plain text (escaped). Given the frame `width`, text that fits on one line is drawn as
    a single line, which lays out several times faster than a Paragraph."""
    chosen = styles.paragraph_styles()[style]
    if (
        width is not None
        and "\n" not in text
        and stringWidth(text, chosen.fontName, chosen.fontSize) <= width
    ):
        return _Line(((text, chosen.fontName),), chosen)
    return paragraph(esc(text), chosen)


def runs(parts: Sequence[tuple[str, bool]], style: str, *, width: float) -> Flowable:
    """Plain text in pieces, each bold or not (e.g. "Method: " and the method in bold): one
    line when it fits in `width`, else a paragraph with <b> markup that wraps."""
    chosen = styles.paragraph_styles()[style]
    bold = styles.FONT_BOLD
    pieces = tuple((text, bold if strong else chosen.fontName) for text, strong in parts)
    size = chosen.fontSize
    if all("\n" not in text for text, _ in pieces) and (
        sum(stringWidth(text, font, size) for text, font in pieces) <= width
    ):
        return _Line(pieces, chosen)
    return markup("".join(f"<b>{esc(t)}</b>" if strong else esc(t) for t, strong in parts), style)


def rich(parts: Sequence[tuple[str, bool]], style: str = "body") -> Flowable:
    """A paragraph of plain text in pieces, each bold or not, wrapped as a Paragraph wraps
    it (RichText: several times faster than parsing <b> markup); markup when the text is
    not simple enough for it."""
    chosen = styles.paragraph_styles()[style]
    pieces = [(text, styles.FONT_BOLD if strong else chosen.fontName) for text, strong in parts]
    if richtext.simple(pieces):
        return richtext.RichText(pieces, chosen)
    return markup("".join(f"<b>{esc(t)}</b>" if strong else esc(t) for t, strong in parts), style)


def section(title: str, width: float, *, min_space: float = 0) -> list[Flowable]:
    """A section heading that never sits alone at the foot of a page: a conditional page
    break before it (cheaper than keepWithNext, which lays the next block out twice)."""
    space = max(min_space, styles.SECTION_MIN_SPACE)
    return [_NewPageIfLess(space), para(title, "subheading", width=width)]


def markup(text: str, style: str = "body") -> Paragraph:
    """A paragraph of markup the renderer composed itself (its inserts already escaped).
    Not shared: such text names the document (its number, dates), so it never repeats."""
    return Paragraph(text, styles.paragraph_styles()[style])


class _Cell(CellStyle):
    """A table cell's style with kcsac's defaults as class attributes: what a table style's
    commands for every cell would set, without a command run over each cell (a 12-period
    schedule has some 150 cells, and those commands were a tenth of its time)."""

    fontname = styles.FONT
    valign = "TOP"


class _GridCell(_Cell):
    fontsize = styles.TABLE_SIZE
    leading = styles.TABLE_LEADING
    leftPadding = GRID_PADDING  # noqa: N815 (reportlab's name)
    rightPadding = GRID_PADDING  # noqa: N815 (reportlab's name)
    topPadding = 2  # noqa: N815 (reportlab's name)
    bottomPadding = 2  # noqa: N815 (reportlab's name)


class _GridFigure(_GridCell):
    alignment = "RIGHT"


class _GridTotal(_GridCell):
    fontname = styles.FONT_BOLD


class _GridTotalFigure(_GridTotal):
    alignment = "RIGHT"


class _ReferenceValue(_Cell):
    fontsize = styles.BODY_SIZE
    leading = styles.BODY_LEADING
    leftPadding = 0  # noqa: N815 (reportlab's name)
    rightPadding = 4  # noqa: N815 (reportlab's name)
    topPadding = 1  # noqa: N815 (reportlab's name)
    bottomPadding = 1  # noqa: N815 (reportlab's name)


class _ReferenceLabel(_ReferenceValue):
    fontname = styles.FONT_BOLD
    color = styles.GREY


def _row_heights(data: Sequence[Sequence], cell_styles: Sequence[Sequence[CellStyle]]) -> list:
    """Each row's height where it holds one-line strings only, computed as Table computes it
    (so Table need not); None for rows with paragraphs, which Table wraps and measures."""
    heights: list[float | None] = []
    for values, row_styles in zip(data, cell_styles, strict=True):
        if any(not isinstance(v, str) or "\n" in v for v in values):
            heights.append(None)
            continue
        height = 0.0
        for style in row_styles:
            cell = style.leading or 1.2 * style.fontsize
            cell += style.bottomPadding + style.topPadding
            if cell > height:
                height = cell
        heights.append(height)
    return heights


def reference_table(rows: Sequence[tuple[str, str]], width: float) -> Table:
    """Label/value pairs in two columns (application, account, service address, ...)."""
    st = styles.paragraph_styles()
    value_width = width - REFERENCE_LABEL_WIDTH - 4
    data = [[label, fitting(value, st["body-tight"], value_width)] for label, value in rows]
    cell_styles = [[_ReferenceLabel("label"), _ReferenceValue("value")] for _ in data]
    return TextTable(
        data,
        colWidths=[REFERENCE_LABEL_WIDTH, width - REFERENCE_LABEL_WIDTH],
        rowHeights=_row_heights(data, cell_styles),
        cellStyles=cell_styles,
        hAlign="LEFT",
    )


def bullets(items: Iterable[str]) -> list[Flowable]:
    """A bulleted list of plain-text items."""
    style = styles.paragraph_styles()["bullet"]
    return [paragraph(esc(item), style, "•") for item in items]


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    col_widths: Sequence[float],
    *,
    right_columns: Iterable[int] = (),
    bold_last_row: bool = False,
    repeat_header: bool = True,
) -> Table:
    """A ruled table of text cells with a shaded header row (repeated across pages)."""
    st = styles.paragraph_styles()
    right = set(right_columns)
    pad = 2 * GRID_PADDING

    def cell(text: str, col: int, *, bold: bool = False) -> str | Paragraph:
        if col in right:  # figures: short, never wrapped
            return text
        return fitting(text, st["cell-bold" if bold else "cell"], col_widths[col] - pad)

    head = [
        paragraph(esc(text), st["head-cell-right" if i in right else "head-cell"])
        for i, text in enumerate(header)
    ]
    last = len(rows) - 1
    data: list[list] = [head]
    for r, row in enumerate(rows):
        data.append([cell(text, i, bold=bold_last_row and r == last) for i, text in enumerate(row)])
    # Cell styles: the header row plain (its paragraphs have their own styles), figures
    # right-aligned below it, the totals row bold.
    columns = range(len(header))
    cell_styles = [[_GridCell("head") for _ in columns]]
    for r in range(len(rows)):
        total = bold_last_row and r == last
        plain, figure = (_GridTotal, _GridTotalFigure) if total else (_GridCell, _GridFigure)
        cell_styles.append([(figure if c in right else plain)("cell") for c in columns])
    table = TextTable(
        data,
        colWidths=list(col_widths),
        rowHeights=_row_heights(data, cell_styles),
        cellStyles=cell_styles,
        repeatRows=1 if repeat_header else 0,
        hAlign="LEFT",
    )
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), styles.BRAND_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, styles.BRAND),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, styles.RULE),
    ]
    if bold_last_row and rows:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, styles.BRAND))
    table.setStyle(TableStyle(commands))
    return table
