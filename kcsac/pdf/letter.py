"""What every letter shares: its head (date, the customer's address beside the Water Services
contact block, the reference table, the subject line, the salutation), its sections, and its
close (the last paragraph kept with the closing and signature, the enclosure line, the
fingerprint block with the audit chain's head at issue).

A letter never ends with a page holding only its closing: its last section (the sections
cited), the last paragraph, the closing, the signature, the enclosure line and the
fingerprint block are laid out as one block that moves to the next page whole when it does
not fit.
"""

from collections.abc import Sequence

from reportlab.platypus import Flowable, KeepTogether
from reportlab.platypus.tables import CellStyle

from kcsac.domain.documents import (
    ISSUER,
    Addressee,
    Contact,
    Letter,
    Signature,
    format_date_long,
)
from kcsac.pdf import styles
from kcsac.pdf.page import PageSetup, build_pdf
from kcsac.pdf.parts import (
    Gap,
    TextTable,
    bullets,
    fitting,
    para,
    paragraph,
    reference_table,
    runs,
    section,
)

WIDTH = styles.LETTER_TEXT_WIDTH
CONTACT_WIDTH = 2.35 * 72  # the contact block's column, at the right of the address
# Text typed by a person (a reason, a justification) longer than this is printed as
# paragraphs, not in a table: a table row cannot run over a page break, a paragraph can.
LONG_TEXT = 600


def render_letter(
    s: Letter, *, title: str, subject: str, story: Sequence[Flowable], fingerprint: str
) -> bytes:
    """Lay a letter's story out on kcsac's pages; the PDF's dates are the issue date."""
    setup = PageSetup(
        title=title,
        subject=f"{subject} {s.application_no}, account {s.addressee.account_no}",
        reference=f"Application {s.application_no}",
        fingerprint=fingerprint,
        footer_note=s.ordinance,
        created_on=s.issued_on or s.letter_on,
    )
    return build_pdf(setup, story)


def head(s: Letter, rows: Sequence[tuple[str, str]], heading: str) -> list[Flowable]:
    """Date, address (with the contact block beside it, when entered), reference table, the
    letter's heading (its subject line) and the salutation."""
    return [
        para(format_date_long(s.letter_on), "body", width=WIDTH),
        Gap(1, 6),
        *_address(s.addressee, s.contact),
        Gap(1, 11),
        reference_table(
            [
                ("Application no.", s.application_no),
                ("Account no.", s.addressee.account_no),
                ("Service address", s.addressee.service_address),
                ("Category", s.category_label),
                ("Customer class", s.customer_class_label),
                *rows,
            ],
            WIDTH,
        ),
        Gap(1, 8),
        para(heading, "heading", width=WIDTH),  # the subject line, before the salutation
        para(f"Dear {s.addressee.customer_name}:", "body", width=WIDTH),
    ]


class _AddressCell(CellStyle):
    fontname = styles.FONT
    fontsize = styles.BODY_SIZE
    leading = styles.BODY_LEADING
    valign = "TOP"
    leftPadding = 0  # noqa: N815 (reportlab's name)
    rightPadding = 4  # noqa: N815 (reportlab's name)
    topPadding = 0  # noqa: N815 (reportlab's name)
    bottomPadding = 0  # noqa: N815 (reportlab's name)


class _ContactCell(_AddressCell):
    fontsize = styles.CONTACT_SIZE
    color = styles.GREY


class _ContactName(_ContactCell):
    fontname = styles.FONT_BOLD
    color = styles.BRAND


def _address(addressee: Addressee, contact: Contact | None) -> list[Flowable]:
    """The customer's name and postal address; beside it, Water Services' contact block as
    the administrator entered it (left out until then: never made up)."""
    lines = [addressee.customer_name, *addressee.mailing_lines]
    if contact is None:
        return [para(line, "body-tight", width=WIDTH) for line in lines]
    right = [
        ISSUER,
        *contact.address_lines,
        f"Phone: {contact.phone}",
        f"E-mail: {contact.email}",
    ]
    count = max(len(lines), len(right))
    left_width = WIDTH - CONTACT_WIDTH
    st = styles.paragraph_styles()["body-tight"]
    data: list[list] = []
    cell_styles: list[list[CellStyle]] = []
    for i in range(count):
        left = lines[i] if i < len(lines) else ""
        data.append([fitting(left, st, left_width - 4), right[i] if i < len(right) else ""])
        cell_styles.append(
            [_AddressCell("address"), (_ContactName if i == 0 else _ContactCell)("contact")]
        )
    heights = [
        None if not isinstance(row[0], str) else styles.BODY_LEADING for row in data
    ]  # a wrapped name is measured by Table
    return [
        TextTable(
            data,
            colWidths=[left_width, CONTACT_WIDTH],
            rowHeights=heights,
            cellStyles=cell_styles,
            hAlign="LEFT",
        )
    ]


def body_section(title: str, paragraphs: Sequence[str]) -> list[Flowable]:
    """A section heading and its paragraphs of plain text."""
    return [*section(title, WIDTH), *(para(text, "body", width=WIDTH) for text in paragraphs)]


def listed(title: str, items: Sequence[str]) -> list[Flowable]:
    """A section heading and a bulleted list."""
    return [*section(title, WIDTH), *bullets(items)]


def labelled(rows: Sequence[tuple[str, str]]) -> list[Flowable]:
    """Label/value pairs: a reference table, or labelled paragraphs when a value is long
    enough to need a page break inside it."""
    if not rows:
        return []
    if all(len(value) <= LONG_TEXT for _label, value in rows):
        return [reference_table(list(rows), WIDTH)]
    return [para(f"{label}: {value}", "body", width=WIDTH) for label, value in rows]


def terms_table(method_label: str, parameters: Sequence[tuple[str, str]]) -> list[Flowable]:
    """The method and its parameters, labelled."""
    return [
        runs([("Method: ", False), (method_label, True)], "body-tight", width=WIDTH),
        Gap(1, 3),
        *labelled(parameters),
    ]


def close(
    s: Letter,
    fingerprint: str,
    *,
    signed_label: str,
    enclosures: Sequence[str] = (),
    notes: Sequence[str] = (),
    keep: tuple[str, Sequence[str]] | None = None,
) -> list[Flowable]:
    """The sections cited (and notes), the last paragraph (whom to ask), the closing and
    signature, the enclosure line and the fingerprint block, kept together so that no page
    holds only the closing; `keep` (a title and its items) is a list section kept with them
    too, for a letter whose sections cited are short."""
    last: list[Flowable] = []
    if keep is not None:
        title, items = keep
        last += [para(title, "subheading", width=WIDTH), *bullets(items)]
    last += [para("Sections cited", "subheading", width=WIDTH), *bullets(s.citations)]
    if notes:
        last += [para("Notes", "subheading", width=WIDTH), *bullets(notes)]
    return [KeepTogether([*last, *_closing_parts(s, fingerprint, signed_label, enclosures)])]


def _closing_parts(
    s: Letter, fingerprint: str, signed_label: str, enclosures: Sequence[str]
) -> list[Flowable]:
    st = styles.paragraph_styles()
    parts: list[Flowable] = [
        Gap(1, 6),
        para(_questions(s), "body", width=WIDTH),
        *_signature(s.signature, signed_label),
    ]
    if enclosures:
        word = "Enclosure" if len(enclosures) == 1 else "Enclosures"
        listed = ", ".join(enclosures)
        text = f"{word}: {listed[:1].upper()}{listed[1:]}"
        parts += [Gap(1, 8), para(text, "body-tight", width=WIDTH)]
    parts += [
        Gap(1, 10),
        # The first line is the same in every letter (its layout is shared).
        paragraph(
            "This letter is printed from the record kept when it was issued. That record's "
            "fingerprint (sha256) is:",
            st["small-tight"],
        ),
        para(fingerprint, "small-tight", width=WIDTH),
    ]
    if s.audit_head:
        parts.append(
            para(
                f"Audit trail at issue (row:hash): {s.audit_head}",
                "small-tight",
                width=WIDTH,
            )
        )
    return parts


def _questions(s: Letter) -> str:
    """Whom to ask: Water Services' phone and e-mail when entered, else only its name."""
    if s.contact is not None:
        return (
            f"If you have questions about this letter, call Water Services at {s.contact.phone} "
            f"or write to {s.contact.email}, and quote application {s.application_no}."
        )
    return (
        f"If you have questions about this letter, write to {ISSUER} and quote application "
        f"{s.application_no}."
    )


def _signature(signature: Signature, signed_label: str) -> list[Flowable]:
    return [
        Gap(1, 4),
        para("Sincerely,", "body-tight", width=WIDTH),
        Gap(1, 20),
        runs([(signature.signer_name, True)], "body-tight", width=WIDTH),
        para(signature.signer_title, "body-tight", width=WIDTH),
        para(ISSUER, "body-tight", width=WIDTH),
        para(f"{signed_label} {format_date_long(signature.signed_on)}", "body-tight", width=WIDTH),
    ]
