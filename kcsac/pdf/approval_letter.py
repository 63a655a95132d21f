"""The approval letter: decision, effective date, fee, method, meters, duties, signature."""

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from kcsac.domain.documents import ApprovalLetter, format_date_long
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
    runs,
    section,
    signature_block,
)

TITLE = "Sewer Allowance Credit: approval"


def render_approval_letter(snapshot: ApprovalLetter) -> bytes:
    """The approval letter as PDF bytes; the same snapshot always gives the same bytes."""
    fingerprint = snapshot.sha256()
    setup = PageSetup(
        title=TITLE,
        subject=f"Approval of application {snapshot.application_no}, "
        f"account {snapshot.addressee.account_no}",
        reference=f"Application {snapshot.application_no}",
        fingerprint=fingerprint,
        footer_note=snapshot.ordinance,
    )
    return build_pdf(setup, _story(snapshot, fingerprint))


def _story(s: ApprovalLetter, fingerprint: str) -> list[Flowable]:
    width = styles.LETTER_PORTRAIT[0] - styles.MARGIN_LEFT - styles.MARGIN_RIGHT
    effective = format_date_long(s.effective_on)
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
            "Your Sewer Allowance Credit application is approved",
            "heading",
            width=styles.LETTER_TEXT_WIDTH,
        ),
        rich(
            [
                ("Kansas City Water Services has ", False),
                ("approved", True),
                (
                    f" application {s.application_no} for a Sewer Allowance Credit under "
                    f"{s.section} ({s.ordinance}). The credit is ",
                    False,
                ),
                (f"effective {effective}", True),
                (
                    f", {s.effective_basis}. It applies to water used on or after that date "
                    "only; bills for earlier periods do not change.",
                    False,
                ),
            ]
        ),
        *_fee(s),
        *_method(s, width),
        *section("What you must do", styles.LETTER_TEXT_WIDTH),
        para(
            "To keep the Sewer Allowance Credit, the account holder must:",
            "body-tight",
            width=styles.LETTER_TEXT_WIDTH,
        ),
        *bullets(s.duties),
        *section("Sections cited", styles.LETTER_TEXT_WIDTH),
        *bullets(s.citations),
    ]
    if s.notes:
        story += [*section("Notes", styles.LETTER_TEXT_WIDTH), *bullets(s.notes)]
    story.extend(
        signature_block(
            "Sincerely,",
            s.signature,
            fingerprint,
            signed_label="Signed on",
        )
    )
    return story


def _fee(s: ApprovalLetter) -> list[Flowable]:
    width = styles.LETTER_PORTRAIT[0] - styles.MARGIN_LEFT - styles.MARGIN_RIGHT
    rows = [["Fee assessed", "", s.fee_citation, format_usd(s.fee_assessed_cents)]]
    rows += [
        ["Payment", p.receipt_no, format_date_long(p.paid_on), format_usd(p.amount_cents)]
        for p in s.payments
    ]
    balance = s.fee_assessed_cents - s.fee_paid_cents
    rows.append(["Total paid", "", f"balance {format_usd(balance)}", format_usd(s.fee_paid_cents)])
    return [
        *section("Application fee", styles.LETTER_TEXT_WIDTH),
        grid(
            ["Item", "Receipt no.", "Date / section", "Amount"],
            rows,
            [1.3 * inch, 1.4 * inch, width - 3.9 * inch, 1.2 * inch],
            right_columns=[3],
            bold_last_row=True,
        ),
    ]


def _method(s: ApprovalLetter, width: float) -> list[Flowable]:
    out: list[Flowable] = [
        *section("How the diverted water is determined", styles.LETTER_TEXT_WIDTH),
        runs([("Method: ", False), (s.method_label, True)], "body-tight", width=width),
        Gap(1, 3),
    ]
    if s.method_parameters:
        out.append(reference_table([(p.label, p.value) for p in s.method_parameters], width))
    if s.meters:
        out += [
            Gap(1, 6),
            *section("Meters", styles.LETTER_TEXT_WIDTH),
            grid(
                [
                    "Meter",
                    "Serial no.",
                    "Make and model",
                    "Size",
                    "Location",
                    "Activation reading",
                    "Last test",
                ],
                [
                    [
                        m.role,
                        m.serial_no,
                        m.make_model,
                        m.size,
                        m.location,
                        m.activation_reading
                        + (f" on {m.activation_on.isoformat()}" if m.activation_on else ""),
                        m.last_test_on.isoformat() if m.last_test_on else "not recorded",
                    ]
                    for m in s.meters
                ],
                _meter_widths(width),
            ),
        ]
    return out


def _meter_widths(width: float) -> list[float]:
    fixed = [1.12, 0.8, 1.0, 0.45, 0.0, 1.25, 0.72]
    rest = width - sum(fixed) * inch
    return [w * inch if w else rest for w in fixed]
