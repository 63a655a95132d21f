"""TextTable writes its cells (strings and single-style paragraphs) where Table draws them."""

from PIL import Image, ImageChops
from reportlab.lib.units import inch
from reportlab.platypus import Table

from kcsac.pdf.page import PageSetup, build_pdf
from kcsac.pdf.parts import grid, reference_table


def _tables():
    wide = "A reason long enough to wrap over several lines of its narrow column, " * 3
    return [
        grid(
            ["Period", "Purchased P (ccf)", "Volume charge, unadjusted", "Sewer Allowance Credit"],
            [
                ["2026-08-01 – 2026-08-31", "96.00", "$1,238.40", "$119.85"],
                [wide, "100.00", "$1,290.00", "$193.50"],
                ["Totals", "196.00", "$2,528.40", "$313.35"],
            ],
            [2.2 * inch, 0.76 * inch, 0.86 * inch, 0.86 * inch],
            right_columns=[1, 2, 3],
            bold_last_row=True,
        ),
        reference_table(
            [("Customer", "Nguyễn Precision Cooling Inc."), ("Justification", wide)], 4.5 * inch
        ),
    ]


def _png(tables, render_pngs, name: str) -> Image.Image:
    setup = PageSetup("Tables", "test", "Reference", "0" * 64, "Ordinance 260209")
    (png,) = render_pngs(build_pdf(setup, tables), name, dpi=110)
    return Image.open(png).convert("L")


def test_text_table_is_pixel_identical_to_reportlabs_table(render_pngs) -> None:
    ours = _tables()
    theirs = _tables()
    for table in theirs:
        table.__class__ = Table  # reportlab draws every cell itself
    difference = ImageChops.difference(
        _png(ours, render_pngs, "ours"), _png(theirs, render_pngs, "theirs")
    )
    assert difference.getbbox() is None
