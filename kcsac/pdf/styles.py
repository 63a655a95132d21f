"""Every layout constant of kcsac's PDFs: page, margins, fonts, colours, paragraph styles."""

from functools import cache

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics

from kcsac.paths import FONTS_DIR
from kcsac.pdf.fonts import EmbeddedFont

# US Letter; letters portrait, the schedule landscape so its twelve columns stay readable.
LETTER_PORTRAIT = letter
LETTER_LANDSCAPE = landscape(letter)

MARGIN_LEFT = 0.9 * inch
MARGIN_RIGHT = 0.9 * inch
MARGIN_TOP = 1.45 * inch  # room for the letterhead band
MARGIN_BOTTOM = 0.85 * inch  # room for the footer and "Page X of Y"
LETTER_TEXT_WIDTH = LETTER_PORTRAIT[0] - MARGIN_LEFT - MARGIN_RIGHT
SCHEDULE_MARGIN_SIDE = 0.55 * inch
SCHEDULE_MARGIN_TOP = 1.25 * inch

# Embedded TrueType fonts (DejaVu, see resources/fonts/LICENSE-DejaVu.txt) so that names such
# as "Peña" or "Nguyễn" print; the standard-14 PDF fonts lack most of those glyphs.
FONT = "KcsacSans"
FONT_BOLD = "KcsacSans-Bold"
FONT_ITALIC = "KcsacSans-Oblique"
FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
}

BODY_SIZE = 9.5
BODY_LEADING = 13
SMALL_SIZE = 7.5
SMALL_LEADING = 9.5
TABLE_SIZE = 7.6
TABLE_LEADING = 9.2
HEADING_SIZE = 12.5
SUBHEADING_SIZE = 10
CONTACT_SIZE = 8.5  # the Water Services contact block beside the customer's address

# A calm blue for the mark and rules; grey for secondary text; a light band for table headers.
BRAND = colors.HexColor("#1F4E79")
BRAND_LIGHT = colors.HexColor("#DCE6F0")
WATER = colors.HexColor("#3C8DBC")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#9AA7B4")

# A section heading starts a new page when less than this is left (see parts.section).
SECTION_MIN_SPACE = 1.1 * inch

LETTERHEAD_BAND_HEIGHT = 0.16 * inch
MARK_SIZE = 0.62 * inch

PDF_CREATOR = "kcsac"


@cache
def register_fonts() -> None:
    """Register the embedded fonts with reportlab once per process (and set its options)."""
    # Binary (not ASCII85) streams: smaller files, and about 10 % faster per letter.
    rl_config.useA85 = 0
    for name, filename in FONT_FILES.items():
        path = FONTS_DIR / filename
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: font file missing; kcsac's PDFs need it (reinstall kcsac)"
            )
        pdfmetrics.registerFont(EmbeddedFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC)


@cache
def paragraph_styles() -> dict[str, ParagraphStyle]:
    """The named paragraph styles the renderers use."""
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        spaceAfter=5,
        alignment=TA_LEFT,
    )
    subheading = ParagraphStyle(
        "subheading",
        parent=body,
        fontName=FONT_BOLD,
        fontSize=SUBHEADING_SIZE,
        leading=SUBHEADING_SIZE + 3,
        textColor=BRAND,
        spaceBefore=7,
        spaceAfter=3,
    )
    return {
        "body": body,
        "body-tight": ParagraphStyle("body-tight", parent=body, spaceAfter=0),
        "bullet": ParagraphStyle(
            "bullet",
            parent=body,
            leftIndent=14,
            bulletIndent=3,
            spaceAfter=2,
            bulletFontName=FONT,  # the default is Helvetica, which would not be embedded
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=HEADING_SIZE,
            leading=HEADING_SIZE + 4,
            textColor=BRAND,
            spaceBefore=2,
            spaceAfter=6,
        ),
        "subheading": subheading,
        # Before a long table: the table splits across pages itself, and keeping the heading
        # with all of it would push a 40-period table off the first page.
        "subheading-table": ParagraphStyle("subheading-table", parent=subheading, keepWithNext=0),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=SMALL_SIZE, leading=SMALL_LEADING, textColor=GREY
        ),
        "small-tight": ParagraphStyle(
            "small-tight",
            parent=body,
            fontSize=SMALL_SIZE,
            leading=SMALL_LEADING,
            textColor=GREY,
            spaceAfter=0,
        ),
        "mono-small": ParagraphStyle(
            "mono-small", parent=body, fontSize=SMALL_SIZE, leading=SMALL_LEADING, textColor=GREY
        ),
        "cell": ParagraphStyle(
            "cell", parent=body, fontSize=TABLE_SIZE, leading=TABLE_LEADING, spaceAfter=0
        ),
        "cell-bold": ParagraphStyle(
            "cell-bold",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=TABLE_SIZE,
            leading=TABLE_LEADING,
            spaceAfter=0,
        ),
        "cell-right": ParagraphStyle(
            "cell-right",
            parent=body,
            fontSize=TABLE_SIZE,
            leading=TABLE_LEADING,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
        "head-cell": ParagraphStyle(
            "head-cell",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=TABLE_SIZE,
            leading=TABLE_LEADING,
            spaceAfter=0,
            textColor=BRAND,
        ),
        "head-cell-right": ParagraphStyle(
            "head-cell-right",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=TABLE_SIZE,
            leading=TABLE_LEADING,
            spaceAfter=0,
            textColor=BRAND,
            alignment=TA_RIGHT,
        ),
        "label": ParagraphStyle(
            "label", parent=body, fontName=FONT_BOLD, spaceAfter=0, textColor=GREY
        ),
    }
