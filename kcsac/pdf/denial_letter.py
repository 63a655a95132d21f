"""The denial letter: the reasons with their sections, and what the customer can do next."""

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from kcsac.domain.documents import DenialLetter, format_date_long
from kcsac.domain.money import format_usd
from kcsac.pdf import styles
from kcsac.pdf.page import PageSetup, build_pdf
from kcsac.pdf.parts import (
    Gap,
    bullets,
    date_and_address,
    grid,
    para,
    reference_table,
    rich,
    section,
    signature_block,
)

TITLE = "Sewer Allowance Credit: denial"


def render_denial_letter(snapshot: DenialLetter) -> bytes:
    """The denial letter as PDF bytes; the same snapshot always gives the same bytes."""
    fingerprint = snapshot.sha256()
    setup = PageSetup(
        title=TITLE,
        subject=f"Denial of application {snapshot.application_no}, "
        f"account {snapshot.addressee.account_no}",
        reference=f"Application {snapshot.application_no}",
        fingerprint=fingerprint,
        footer_note=snapshot.ordinance,
    )
    return build_pdf(setup, _story(snapshot, fingerprint))


def _story(s: DenialLetter, fingerprint: str) -> list[Flowable]:
    width = styles.LETTER_PORTRAIT[0] - styles.MARGIN_LEFT - styles.MARGIN_RIGHT
    story: list[Flowable] = [
        *date_and_address(format_date_long(s.letter_on), s.addressee),
        reference_table(
            [
                ("Application no.", s.application_no),
                ("Account no.", s.addressee.account_no),
                ("Service address", s.addressee.service_address),
                ("Category", s.category_label),
                ("Customer class", s.customer_class_label),
            ],
            width,
        ),
        Gap(1, 8),
        para(
            "Your Sewer Allowance Credit application is denied",
            "heading",
            width=styles.LETTER_TEXT_WIDTH,
        ),
        rich(
            [
                (
                    f"Kansas City Water Services has reviewed application {s.application_no} "
                    f"for a Sewer Allowance Credit under {s.section} ({s.ordinance}) and ",
                    False,
                ),
                ("denied", True),
                (
                    f" it on {format_date_long(s.decided_on)}, for the "
                    f"{'reason' if len(s.reasons) == 1 else 'reasons'} below. Your sewer "
                    "charges continue to be billed on the water purchased.",
                    False,
                ),
            ]
        ),
        *section("Reasons", styles.LETTER_TEXT_WIDTH),
        grid(
            ["", "Reason", "Section"],
            [[str(i), r.message, r.citation] for i, r in enumerate(s.reasons, start=1)],
            [0.3 * inch, width - 2.5 * inch, 2.2 * inch],
        ),
    ]
    if s.fee_assessed_cents is not None:
        story.append(Gap(1, 6))
        story.append(
            para(
                f"Application fee assessed: {format_usd(s.fee_assessed_cents)}; "
                f"paid: {format_usd(s.fee_paid_cents)}.",
                "body",
                width=styles.LETTER_TEXT_WIDTH,
            )
        )
    story += [
        *section("What you can do next", styles.LETTER_TEXT_WIDTH),
        *bullets(s.next_steps),
        *section("Sections cited", styles.LETTER_TEXT_WIDTH),
        *bullets(s.citations),
        *signature_block("Sincerely,", s.signature, fingerprint, signed_label="Decided on"),
    ]
    return story
