"""A paragraph of regular and bold text broken into lines as reportlab's Paragraph breaks it.

A letter's opening paragraph names its application and effective date in bold, so it is
different in every letter and cannot share a Paragraph's layout; laying it out with
reportlab's general paragraph machinery (markup parser, fragment words, fragment lines) was
a sixth of a letter's time. `RichText` does the same greedy line breaking for the simple
case (one size and colour, left aligned, words separated by single spaces, each space as wide
as in the font of the text it was written in) and draws each line as a few strings.
Anything else, and a paragraph that must split across pages, is left to reportlab.
tests/pdf checks the line breaks against reportlab's and the pages against its pixels.
"""

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from kcsac.pdf.fasttext import TextBlock, set_canvas_fill

# A word: its pieces (text, font), its width, and the width and font of the space before it.
_Word = tuple[tuple[tuple[str, str], ...], float, float, str]


def simple(pieces: Sequence[tuple[str, str]]) -> bool:
    """Whether `pieces` are plain enough for RichText: single spaces between words only."""
    text = "".join(t for t, _ in pieces)
    if not text or text != text.strip(" ") or "  " in text:
        return False
    return _OTHER_SPACE.search(text) is None


_OTHER_SPACE = re.compile(r"[^\S ]")  # whitespace other than the plain space


def words(pieces: Sequence[tuple[str, str]], size: float) -> list[_Word]:
    """The words of `pieces` (a word may change font, as in "2026</b>,"), each with the
    width of the space before it, in the font of the piece that space is written in."""
    out: list[_Word] = []
    current: list[tuple[str, str]] = []
    gap, gap_font = 0.0, ""  # the space before the word being built
    for text, font in pieces:
        for i, token in enumerate(text.split(" ")):
            if i:  # a space of this piece ends the word before it
                if current:
                    out.append(_word(current, size, gap, gap_font))
                    current = []
                gap, gap_font = stringWidth(" ", font, size), font
            if token:
                current.append((token, font))
    if current:
        out.append(_word(current, size, gap, gap_font))
    return out


def _word(pieces: list[tuple[str, str]], size: float, gap: float, gap_font: str) -> _Word:
    return tuple(pieces), sum(stringWidth(t, f, size) for t, f in pieces), gap, gap_font


def break_lines(
    found: Sequence[_Word], width: float, shrinkage: float
) -> list[tuple[list[_Word], float]] | None:
    """Greedy lines, as Paragraph.breakLines fills them, each with the width it uses: a line
    may be wider than `width` by `shrinkage` of its spaces (reportlab then narrows them).
    None when a word alone is wider than the line (reportlab would split that word)."""
    lines: list[tuple[list[_Word], float]] = []
    line: list[_Word] = []
    used = spaces = 0.0
    for word in found:
        _pieces, word_width, gap, _gap_font = word
        if word_width > width:
            return None
        if not line:
            line, used, spaces = [word], word_width, 0.0
        elif used + gap + word_width > width + shrinkage * (spaces + gap):
            lines.append((line, used))
            line, used, spaces = [word], word_width, 0.0
        else:
            line.append(word)
            used += gap + word_width
            spaces += gap
    if line:
        lines.append((line, used))
    return lines


def segments(line: Sequence[_Word]) -> list[tuple[str, str]]:
    """A line as (text, font) runs: spaces in the font they were written in, runs merged."""
    out: list[list[str]] = []
    for n, (pieces, _width, _gap, gap_font) in enumerate(line):
        runs = [(" ", gap_font), *pieces] if n else pieces  # the space before the word
        for text, font in runs:
            if out and out[-1][1] == font:
                out[-1][0] += text
            else:
                out.append([text, font])
    return [(text, font) for text, font in out]


class RichText(Flowable):
    """Regular and bold text in one style, left aligned, wrapped like a Paragraph."""

    def __init__(self, pieces: Sequence[tuple[str, str]], style: ParagraphStyle) -> None:
        super().__init__()
        self.pieces = tuple(pieces)
        self.style = style
        self._words = words(self.pieces, style.fontSize)
        self._lines: list[tuple[list[_Word], float]] | None = None
        self._laid_at: float | None = None
        self._fallback: Paragraph | None = None

    def _paragraph(self) -> Paragraph:
        bold = {f for _t, f in self.pieces if f != self.style.fontName}
        text = "".join(f"<b>{escape(t)}</b>" if f in bold else escape(t) for t, f in self.pieces)
        return Paragraph(text, self.style)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._laid_at != available_width:
            self._laid_at = available_width
            shrinkage = self.style.spaceShrinkage
            self._lines = break_lines(self._words, available_width, shrinkage)
            self._fallback = self._paragraph() if self._lines is None else None
        if self._fallback is not None:
            return self._fallback.wrap(available_width, available_height)
        assert self._lines is not None
        self.width, self.height = available_width, len(self._lines) * self.style.leading
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        # Rare (the paragraph at the foot of a page): reportlab's Paragraph splits it.
        return self._paragraph().split(available_width, available_height)

    def getSpaceBefore(self) -> float:  # noqa: N802 (reportlab's name)
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802 (reportlab's name)
        return self.style.spaceAfter

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        """The lines at their page position, in q/Q (no Flowable.drawOn bookkeeping)."""
        if self._fallback is not None:
            self._fallback.drawOn(canvas, x, y, _sW)
            return
        x0 = self._hAlignAdjust(x, _sW)
        style = self.style
        size, leading = style.fontSize, style.leading
        canvas._code.append("q")
        set_canvas_fill(canvas, style.textColor)
        block = TextBlock(canvas)
        font = None
        baseline = y + self.height - size  # the first baseline, where Paragraph puts it
        for line, used in self._lines or ():
            # A line wider than the frame (by less than its spaces may shrink) narrows its
            # spaces, as reportlab does: word spacing, which applies to each space.
            squeeze = (self.width - used) / (len(line) - 1) if used > self.width + 1e-8 else 0
            if squeeze:
                block.word_space(squeeze)
            x = x0
            for text, run_font in segments(line):
                if run_font != font:
                    font = run_font
                    block.set_font(font, size, leading)
                block.move_to(x, baseline)
                block.out(text)
                x += stringWidth(text, font, size) + squeeze * text.count(" ")
            if squeeze:
                block.word_space(0)
            baseline -= leading
        block.end()
        canvas._code.append("Q")
