"""Every letter kind as laid out: pages rendered with pdftoppm carry more than a closing, the
head (salutation, contact block), the PDF's dates, letters stored before this layout, and
long reasons that run over a page."""

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from benchmarks import document_samples as samples
from kcsac.domain.documents import Reason, document_from_json
from kcsac.pdf import render_document
from tests.pdf.pdftools import all_text, missing, page_texts

DATA = Path(__file__).parent / "data"
LETTERS = {
    "approval": samples.approval_letter,
    "metered-approval": samples.metered_approval_letter,
    "denial": samples.denial_letter,
    "amendment": samples.amendment_letter,
    "revocation": samples.revocation_letter,
    "ending": samples.ending_letter,
}


def body_extent(png: Path) -> float:
    """How far down the body (between letterhead and footer) the page's text reaches, as a
    share of the body's height."""
    with Image.open(png) as img:
        gray = img.convert("L")
        width, height = gray.size
        top, bottom = int(0.17 * height), int(0.9 * height)
        pixels = gray.load()
        inked = [
            y for y in range(top, bottom) if any(pixels[x, y] < 160 for x in range(0, width, 2))
        ]
    return (max(inked) - top) / (bottom - top) if inked else 0.0


@pytest.mark.parametrize("name", list(LETTERS))
def test_no_page_holds_only_the_closing(name, render_pngs) -> None:
    """Looked at with pdftoppm: every page's text reaches further down than a closing,
    signature and fingerprint alone would (about a fifth of the body), and the closing's page
    holds the sections cited."""
    letter = LETTERS[name]()
    pdf = render_document(letter)
    pngs = render_pngs(pdf, name, dpi=30)
    for png in pngs:
        assert body_extent(png) > 0.3, png.name
    [closing] = [p for p in page_texts(pdf) if "Sincerely," in p]
    assert "Sections cited" in closing


@pytest.mark.parametrize("name", list(LETTERS))
def test_head_salutation_contact_and_fingerprint(name) -> None:
    letter = LETTERS[name]()
    text = all_text(render_document(letter))
    contact = samples.CONTACT
    wanted = [
        f"Dear {letter.addressee.customer_name}:",
        *contact.address_lines,
        f"Phone: {contact.phone}",
        f"E-mail: {contact.email}",
        f"Audit trail at issue (row:hash): {samples.AUDIT_HEAD}",
        letter.sha256(),
    ]
    assert missing(text, wanted) == []
    # Without a contact block, the letter names none (and invents none).
    bare = all_text(render_document(replace(letter, contact=None)))
    assert "Phone:" not in bare
    assert "E-mail:" not in bare
    assert "write to Kansas City Water Services and quote application" in bare


@pytest.mark.parametrize("name", list(LETTERS))
def test_pdf_dates_are_the_issue_date(name) -> None:
    letter = LETTERS[name]()
    meta = PdfReader(io.BytesIO(render_document(letter))).metadata
    stamp = "D:" + letter.issued_on.strftime("%Y%m%d") + "000000+00'00'"
    assert (meta["/CreationDate"], meta["/ModDate"]) == (stamp, stamp)


@pytest.mark.parametrize("kind", ["approval", "denial"])
def test_a_letter_stored_before_this_layout_reads_and_prints(kind) -> None:
    """A snapshot stored by the previous kcsac (no contact, head, bills or issue date): it
    decodes, encodes to the very text it was stored with (so its sha256 still matches), and
    prints without the blocks it never had; its PDF dates fall back to the letter's date."""
    text = (DATA / f"{kind}-letter-issued-before-h8.json").read_text(encoding="utf-8")
    letter = document_from_json(text)
    assert letter.to_json() == text
    assert letter.contact is None
    assert letter.audit_head == ""
    assert letter.issued_on is None
    pdf = render_document(letter)
    printed = all_text(pdf)
    assert letter.sha256() in printed
    assert "Audit trail at issue" not in printed
    assert "Phone:" not in printed
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta["/CreationDate"] == "D:" + letter.letter_on.strftime("%Y%m%d") + "000000+00'00'"
    assert json.loads(text)["schema"] == 1


def test_page_long_reasons_run_over_pages() -> None:
    """A reason longer than a page (typed by the director) prints whole, over pages."""
    words = "The meter seal was broken and the bypass valve open at the inspection. " * 120
    revocation = replace(samples.revocation_letter(), reason=Reason(words.strip(), ""))
    pages = page_texts(render_document(revocation))
    assert len(pages) >= 3
    assert all_text(render_document(revocation)).count("bypass valve open") == 120
    denial = samples.denial_letter()
    denial = replace(denial, reasons=(*denial.reasons, Reason(words.strip(), "")))
    text = all_text(render_document(denial))
    assert text.count("bypass valve open") == 120
    assert "3. The meter seal was broken" in text
