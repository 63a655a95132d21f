"""The PDFs: every figure, date and citation in the text; fonts, metadata, pages, same bytes."""

import hashlib
import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from benchmarks import document_samples as samples
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.documents import Addressee, format_date_long
from kcsac.domain.money import format_usd
from kcsac.domain.rates import rate_table_on
from kcsac.pdf import (
    render_approval_letter,
    render_denial_letter,
    render_document,
    render_schedule,
)
from tests.pdf.pdftools import all_text, ink_share, missing, page_texts

ROOT = Path(__file__).resolve().parents[2]


def test_approval_letter_states_every_figure_date_and_citation() -> None:
    letter = samples.approval_letter()
    pdf = render_approval_letter(letter)
    text = all_text(pdf)
    wanted = [
        "Kansas City Water Services",
        "Sewer Allowance Credit",
        "August 12, 2026",  # letter date, effective date, signature date
        "Peña Family Car Wash LLC",
        "Attn: José Peña",
        "1200 Grand Blvd",
        "4410 Troost Ave, Kansas City, MO 64110",
        "SAC-2026-0001",
        "100-204-3317",
        "Car wash",
        "Resident (inside the city)",
        "approved",
        "effective August 12, 2026",
        format_usd(letter.fee_assessed_cents),  # the fee in force (from the rate table)
        "balance $0.00",
        "Percentage of water purchased",
        "15% of the water purchased in each billing period",
        "Evaporation and carry-out on vehicles",
        "Code sec. 60-2(2)(c)",
        "Code secs. 60-2(1)(a), 60-2(2)",
        "Code sec. 60-2(4)",
        "Ordinance 260209",
        "Renée Okafor-Nguyễn",
        "Director of Water Services",
        "Signed on August 12, 2026",
        letter.sha256(),
    ]
    for p in letter.payments:
        wanted += [p.receipt_no, format_date_long(p.paid_on), format_usd(p.amount_cents)]
    wanted += [*letter.duties, *letter.citations]
    assert len(letter.payments) == 2
    assert missing(text, wanted) == []
    pages = page_texts(pdf)
    assert all(f"Page {i} of {len(pages)}" in p for i, p in enumerate(pages, start=1))


def test_metered_approval_letter_lists_meters_and_activation_readings() -> None:
    letter = samples.metered_approval_letter()
    text = all_text(render_approval_letter(letter))
    wanted = [
        "Deduct (sub)meter",
        "make-up meter use minus blow-down meter use",
        "Make-up meter",
        "MU-88412",
        "Neptune T-10",
        "1,204,330 gal on 2026-05-01",
        "2026-03-18",
        "Blow-down meter",
        "BD-55120",
        "310,005 gal on 2026-05-01",
        "not recorded",
        "Code sec. 60-3(a)(6)",
        "Code sec. 60-3(a)(4)",
        format_usd(letter.fee_assessed_cents),
        "R-2026-00103",
        "Nguyễn Precision Cooling Inc.",
        "effective May 1, 2026",
        *letter.duties,
    ]
    assert missing(text, wanted) == []


def test_denial_letter_gives_reasons_citations_and_next_steps() -> None:
    letter = samples.denial_letter()
    text = all_text(render_denial_letter(letter))
    wanted = [
        "denied",
        "September 2, 2026",
        "SAC-2026-0007",
        "Irrigation",
        "What you can do next",
        "Code sec. 60-2(2)(c)",
        f"Application fee assessed: {format_usd(letter.fee_assessed_cents)}; "
        f"paid: {format_usd(letter.fee_paid_cents)}.",
        letter.sha256(),
        *(r.message for r in letter.reasons),
        *letter.next_steps,
    ]
    assert missing(text, wanted) == []


def test_schedule_shows_rows_totals_rates_rounding_and_worked_example() -> None:
    doc = samples.schedule(4)
    text = all_text(render_schedule(doc))
    charges = rate_table_on(doc.effective_on).charges_for(CustomerClass.RESIDENT)
    wanted = [
        "Adjusted volume schedule",
        "Sewer Allowance Credit",
        "August 12, 2026 (signature date)",
        f"${charges.service_charge.amount:,.2f} per month",
        f"${charges.volume_charge.amount:,.2f} per ccf",
        "Code sec. 60-2(1)(a)",
        "Code sec. 60-2(2)",
        "Code sec. 78-4.1 (Ord. 190167)",
        "pro-rata",
        # RULES.md worked example 1, to the cent: the schedule's first period.
        "2026-08-01 – 2026-08-31",
        "20/31",
        "96.00",
        "14.40",
        "9.29",
        "86.71",
        "$33.09",
        "$1,238.40",
        "$1,118.55",
        "$119.85",
        "Totals",
        format_usd(doc.totals.credit_cents),
        format_usd(doc.totals.volume_charge_cents),
        format_usd(doc.totals.volume_charge_unadjusted_cents),
        format_usd(doc.totals.service_charge_cents),
        doc.totals.billed_ccf,
        "Sewer Allowance Credit = $1,238.40 − $1,118.55 = $119.85.",
        "(a reading)",
        "normal-sewage limits",
        doc.sha256(),
    ]
    wanted += [*doc.worked_example, *doc.notes, *doc.citations]
    for rate in doc.rates:
        wanted += [rate.label, rate.value, rate.citation]
    assert missing(text, wanted) == []
    for row in doc.rows:
        assert f"{row.start.isoformat()} – {row.end.isoformat()}" in text
        assert format_usd(row.credit_cents) in text
    assert "Period notes" not in text  # no period is flagged


def test_flagged_periods_are_starred_and_explained() -> None:
    doc = samples.schedule(3)
    note = "meter error: blow-down above make-up; no credit"
    rows = (doc.rows[0], replace(doc.rows[1], note=note), doc.rows[2])
    text = all_text(render_schedule(replace(doc, rows=rows)))
    period = f"{rows[1].start.isoformat()} – {rows[1].end.isoformat()}"
    assert f"{period} *" in text
    assert "Period notes" in text
    assert f"{period}: {note}" in text


def test_rules_example_2_schedule_to_the_cent() -> None:
    """RULES.md worked example 2 (nonresident billed directly, deduct meter), as printed."""
    text = all_text(render_schedule(samples.metered_schedule()))
    wanted = [
        "2026-06-01 – 2026-06-30",
        "140.00",
        "38.25",
        "101.75",
        "$1,747.05",
        "$2,403.80",
        "$656.75",
        "$45.10",
        "Nonresident, billed directly by the city",
        "Code sec. 60-3(a)(4)",
    ]
    assert missing(text, wanted) == []


def test_surcharge_column_appears_only_when_set() -> None:
    doc = samples.schedule(2)
    header_end = "Sewer Allowance Credit Surcharge"  # the last two header cells
    assert header_end not in all_text(render_schedule(doc))
    rows = (replace(doc.rows[0], surcharge_cents=24_773), doc.rows[1])  # RULES.md example 4
    totals = replace(doc.totals, surcharge_cents=24_773)
    text = all_text(render_schedule(replace(doc, rows=rows, totals=totals)))
    assert header_end in text
    assert "$247.73" in text
    assert "n/a" in text  # the period without a surcharge says so


def test_forty_period_schedule_repeats_headers_on_every_page() -> None:
    doc = samples.schedule(40)
    pdf = render_schedule(doc)
    pages = page_texts(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    periods = [f"{r.start.isoformat()} – {r.end.isoformat()}" for r in doc.rows[1:]]
    table_pages = [p for p in pages if any(period in p for period in periods)]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert "Purchased P (ccf)" in page
        assert "Billed B (ccf)" in page
        assert "Sewer Allowance Credit" in page
    text = " ".join(pages)
    for row in doc.rows:
        assert f"{row.start.isoformat()} – {row.end.isoformat()}" in text
    assert format_usd(doc.totals.credit_cents) in text


@pytest.mark.parametrize(
    "snapshot",
    [samples.approval_letter(), samples.denial_letter(), samples.schedule(40)],
    ids=["approval", "denial", "schedule"],
)
def test_same_snapshot_gives_identical_bytes(snapshot) -> None:
    first = render_document(snapshot)
    render_document(samples.metered_approval_letter())  # other work in between changes nothing
    second = render_document(type(snapshot).from_json(snapshot.to_json()))
    assert first == second


def test_metadata_and_page_size() -> None:
    letter = samples.approval_letter()
    reader = PdfReader(io.BytesIO(render_approval_letter(letter)))
    meta = reader.metadata
    assert meta.author == "Kansas City Water Services"
    assert meta.title == "Sewer Allowance Credit: approval"
    assert "SAC-2026-0001" in meta.subject
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter
    schedule = PdfReader(io.BytesIO(render_schedule(samples.schedule(2))))
    box = schedule.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)  # landscape
    assert schedule.metadata.author == "Kansas City Water Services"


def test_every_font_is_embedded() -> None:
    reader = PdfReader(io.BytesIO(render_approval_letter(samples.metered_approval_letter())))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:  # Type0 composite: look at the descendant
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), f"{name} is not embedded"
        assert "DejaVu" in name or "KcsacSans" in name


def test_unicode_names_survive_and_markup_is_escaped() -> None:
    letter = samples.approval_letter()
    odd = Addressee(
        customer_name="Nguyễn & Peña <Laundry> Ltd",
        mailing_lines=("Łódź Street 5", "Kansas City, MO 64105"),
        service_address="12 Müller Ave",
        account_no="100-1",
    )
    text = all_text(render_approval_letter(replace(letter, addressee=odd)))
    assert missing(text, ["Nguyễn & Peña <Laundry> Ltd", "Łódź Street 5", "12 Müller Ave"]) == []
    assert "Renée Okafor-Nguyễn" in text


@pytest.mark.parametrize(
    "snapshot",
    [samples.approval_letter(), samples.denial_letter(), samples.schedule(40)],
    ids=["approval", "denial", "schedule"],
)
def test_pages_render_with_ink(snapshot, render_pngs) -> None:
    pdf = render_document(snapshot)
    pngs = render_pngs(pdf, snapshot.kind)
    assert len(pngs) == len(PdfReader(io.BytesIO(pdf)).pages)
    for png in pngs:
        assert ink_share(png, (0, 0, 1, 0.12)) > 0.02  # letterhead band and mark
        assert ink_share(png, (0, 0.15, 1, 0.9)) > 0.001  # body text, not blank
        assert ink_share(png, (0, 0.92, 1, 1)) > 0.001  # footer with the page number


def test_render_document_refuses_other_objects() -> None:
    with pytest.raises(TypeError, match="not a document snapshot"):
        render_document("letter")


REUSE_SCRIPT = """
import hashlib, sys
from dataclasses import replace
from pathlib import Path
from pathlib import Path
import kcsac.pdf.styles as st
import kcsac.pdf.parts as pt
import kcsac.pdf.page as pg
import kcsac.pdf.richtext as rt
mode, out = sys.argv[1], Path(sys.argv[2])
if mode in ("plain-fonts", "reportlab"):
    from reportlab.pdfbase.ttfonts import TTFont
    st.EmbeddedFont = TTFont
if mode == "reportlab":
    from reportlab.platypus import Paragraph
    pt.paragraph = lambda text, style, bullet=None: Paragraph(text, style, bulletText=bullet)
    rt.simple = lambda pieces: False  # rich() makes Paragraphs with <b> markup

    class Block:  # fasttext.TextBlock done with reportlab's own text object
        def __init__(self, canvas, x=0, y=0):
            self.canvas, self.text = canvas, canvas.beginText(x, y)
        def set_font(self, name, size, leading):
            self.text.setFont(name, size, leading)
        def set_fill(self, color):
            self.text.setFillColor(color)
        def move_to(self, x, y):
            self.text.setTextOrigin(x, y)
        def out(self, text, line=False):
            (self.text.textLine if line else self.text.textOut)(text)
        def end(self):
            self.canvas.drawText(self.text)

    def draw_string(canvas, x, y, text, font, size, leading):
        canvas.setFont(font, size, leading)
        canvas.drawString(x, y, text)

    def draw_right_string(canvas, x, y, text, font, size, leading):
        canvas.setFont(font, size, leading)
        canvas.drawRightString(x, y, text)

    pt.TextBlock, pt.draw_string = Block, draw_string
    pg.draw_string, pg.draw_right_string = draw_string, draw_right_string
    pt.TextTable._paragraph_lines = lambda *args: False  # Table draws paragraph cells
from kcsac.domain.documents import Parameter
from kcsac.pdf import render_document
from benchmarks import document_samples as samples
base = samples.approval_letter()
long = " ".join(["The account holder keeps each record of the diverted water."] * 40)
split = replace(base, notes=(long,) * 4, method_parameters=(Parameter("Long", long),))
docs = [base, samples.metered_approval_letter(), samples.denial_letter(), samples.schedule(12),
        split, samples.schedule(40)]
for i, d in enumerate(docs + docs):
    pdf = render_document(d)
    (out / f"{i:02d}.pdf").write_bytes(pdf)
    print(hashlib.sha256(pdf).hexdigest())
"""


def _run_reuse_script(tmp_path, mode: str) -> tuple[list[str], Path]:
    script = tmp_path / "render.py"
    script.write_text(REUSE_SCRIPT)
    out = tmp_path / mode
    out.mkdir()
    hashes = subprocess.run(
        [sys.executable, str(script), mode, str(out)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # the samples live in benchmarks/
    ).stdout.split()
    return hashes, out


def test_embedded_fonts_write_exactly_what_reportlab_writes(tmp_path) -> None:
    """EmbeddedFont reuses subset bytes, formatted font objects and code look-ups; a process
    with reportlab's plain TTFont must give the very same PDFs (a fresh process each, since
    registered fonts are process-wide)."""
    plain, _ = _run_reuse_script(tmp_path, "plain-fonts")
    ours, _ = _run_reuse_script(tmp_path, "ours")
    assert len(plain) == 12
    assert len(set(plain)) == 6  # the second round (caches warm) gives the same bytes
    assert ours == plain
    assert hashlib.sha256(render_document(samples.approval_letter())).hexdigest() == plain[0]


def test_fast_drawing_puts_every_pixel_where_reportlab_does(tmp_path, render_pngs) -> None:
    """Shared paragraph layouts, RichText, paragraph cells as table text and text written
    without text objects: the pages look exactly as reportlab's own Paragraph, Table and
    text objects draw them (also paragraphs split across pages, 40-period tables)."""
    _, reportlab = _run_reuse_script(tmp_path, "reportlab")
    _, ours = _run_reuse_script(tmp_path, "ours")
    compared = 0
    for theirs_pdf in sorted(reportlab.glob("*.pdf"))[:6]:
        ours_pdf = ours / theirs_pdf.name
        assert ours_pdf.read_bytes() != theirs_pdf.read_bytes()  # drawn differently
        theirs_png = render_pngs(theirs_pdf.read_bytes(), f"r{theirs_pdf.stem}", dpi=90)
        ours_png = render_pngs(ours_pdf.read_bytes(), f"o{ours_pdf.stem}", dpi=90)
        assert len(ours_png) == len(theirs_png)
        for a, b in zip(ours_png, theirs_png, strict=True):
            with Image.open(a) as mine, Image.open(b) as theirs:
                assert (
                    ImageChops.difference(mine.convert("L"), theirs.convert("L")).getbbox() is None
                )
            compared += 1
    assert compared >= 12
