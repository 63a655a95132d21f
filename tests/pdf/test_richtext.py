"""RichText breaks lines as reportlab's Paragraph does and draws the same page."""

import random
from xml.sax.saxutils import escape

import pytest
from PIL import Image, ImageChops
from reportlab.platypus import Paragraph

from kcsac.pdf import richtext, styles
from kcsac.pdf.page import PageSetup, build_pdf
from kcsac.pdf.parts import rich
from tests.pdf.pdftools import page_texts

VOCABULARY = [
    "Kansas",
    "City",
    "Water",
    "Services",
    "has",
    "approved",
    "application",
    "SAC-2026-0001",
    "for",
    "a",
    "Sewer",
    "Allowance",
    "Credit",
    "under",
    "Code",
    "sec.",
    "60-2(2)(c)",
    "(Ordinance",
    "260209).",
    "The",
    "credit",
    "is",
    "effective",
    "August",
    "12,",
    "2026,",
    "the",
    "date",
    "director",
    "signed",
    "this",
    "determination;",
    "Nguyễn",
    "Peña",
    "Łódź",
    "WWWWWWWWWWWW",
    "iiii",
    "1,238.40",
    "—",
    "it",
    "applies",
    "to",
    "water",
    "used",
    "on",
    "or",
    "after",
    "that",
    "date",
    "only.",
]


def _random_parts(rng: random.Random) -> list[tuple[str, bool]]:
    """Words in runs of regular and bold text; a run may end inside a word ("2026</b>,")."""
    parts: list[tuple[str, bool]] = []
    bold = False
    count = rng.randint(1, 9)
    for k in range(count):
        text = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 12)))
        if parts and not parts[-1][0].endswith(" "):
            chance = rng.random()
            if chance < 0.4:
                text = " " + text  # the space is in this run
            elif chance < 0.7:
                text = rng.choice([",", ".", ")"]) + " " + text  # glued to the word before
        if k < count - 1 and rng.random() < 0.4:
            text += " "
        parts.append((text, bold))
        bold = not bold
    return parts


def _markup(parts: list[tuple[str, bool]]) -> str:
    return "".join(f"<b>{escape(t)}</b>" if b else escape(t) for t, b in parts)


def _reportlab_lines(parts, style, width) -> list[tuple[str, float]]:
    """Each line's text and unused width, as reportlab's Paragraph breaks it."""
    paragraph = Paragraph(_markup(parts), style)
    paragraph.wrap(width, 10_000)
    found = paragraph.blPara
    if found.kind == 0:
        return [(" ".join(words), space) for space, words in found.lines]
    return [
        ("".join(f.text for f in line.words).rstrip(" "), line.extraSpace) for line in found.lines
    ]


def _our_lines(parts, style, width) -> list[tuple[str, float]] | None:
    pieces = [(t, styles.FONT_BOLD if b else style.fontName) for t, b in parts]
    found = richtext.break_lines(
        richtext.words(pieces, style.fontSize), width, style.spaceShrinkage
    )
    if found is None:
        return None
    return [
        ("".join(text for text, _font in richtext.segments(line)), width - used)
        for line, used in found
    ]


@pytest.mark.parametrize("seed", range(60))
def test_line_breaks_are_reportlabs(seed: int) -> None:
    rng = random.Random(seed)
    style = styles.paragraph_styles()["body"]
    parts = _random_parts(rng)
    pieces = [(t, styles.FONT_BOLD if b else style.fontName) for t, b in parts]
    assert richtext.simple(pieces), parts
    for width in (90, 150, 233.3, 320, 432):
        ours = _our_lines(parts, style, width)
        if ours is None:  # a word wider than the line: left to reportlab
            continue
        theirs = _reportlab_lines(parts, style, width)
        assert [text for text, _ in ours] == [text for text, _ in theirs], (parts, width)
        for (_, mine), (_, reportlab) in zip(ours, theirs, strict=True):
            assert mine == pytest.approx(reportlab, abs=1e-6)


def test_what_is_not_simple_stays_a_paragraph() -> None:
    assert not richtext.simple([("two  spaces", styles.FONT)])
    assert not richtext.simple([(" leading", styles.FONT)])
    assert not richtext.simple([("line\nbreak", styles.FONT)])
    assert not richtext.simple([("no\xa0break", styles.FONT)])
    assert isinstance(rich([("two  spaces", False)]), Paragraph)
    assert isinstance(rich([("A ", False), ("bold", True), (" word.", False)]), richtext.RichText)


def _page_png(story, render_pngs, name: str) -> Image.Image:
    setup = PageSetup("Rich text", "test", "Reference", "0" * 64, "Ordinance 260209")
    (png,) = render_pngs(build_pdf(setup, story), name, dpi=110)
    return Image.open(png).convert("L")


def test_pages_are_pixel_identical_to_paragraphs(render_pngs) -> None:
    """The same paragraphs as RichText and as reportlab Paragraphs: the same pixels, also
    where spaces shrink to fit a line and where a word is too long (reportlab's own)."""
    rng = random.Random(7)
    samples = [_random_parts(rng) for _ in range(8)]
    samples.append([("W" * 80, False), (" bold", True)])  # wider than the line
    style = styles.paragraph_styles()["body"]
    ours = [rich(parts) for parts in samples]
    assert sum(isinstance(f, richtext.RichText) for f in ours) == len(samples)
    theirs = [Paragraph(_markup(parts), style) for parts in samples]
    difference = ImageChops.difference(
        _page_png(ours, render_pngs, "ours"), _page_png(theirs, render_pngs, "theirs")
    )
    assert difference.getbbox() is None


def test_a_paragraph_at_the_foot_of_a_page_splits_as_reportlabs(render_pngs) -> None:
    style = styles.paragraph_styles()["body"]
    parts = [("Split ", False), ("here", True), (" " + ("and go on " * 60).strip(), False)]
    pages = []
    for name, last in (("ours", rich(parts)), ("theirs", Paragraph(_markup(parts), style))):
        filler = [Paragraph("filler " * 80, style) for _ in range(10)]
        setup = PageSetup("Rich text", "test", "Reference", "0" * 64, "Ordinance 260209")
        pdf = build_pdf(setup, [*filler, last])
        assert [t.count("and go on") for t in page_texts(pdf)] == [37, 23]  # split
        pages.append([Image.open(p).convert("L") for p in render_pngs(pdf, name, dpi=80)])
    assert isinstance(rich(parts), richtext.RichText)
    for ours, theirs in zip(*pages, strict=True):
        assert ImageChops.difference(ours, theirs).getbbox() is None
