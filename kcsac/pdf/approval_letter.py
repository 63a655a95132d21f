"""The approval letter: decision, effective date, fee, method, meters, how the credit shows on
the bills, duties, sections cited, signature, enclosure."""

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from kcsac.domain.documents import ApprovalLetter, format_date_long
from kcsac.domain.money import format_usd
from kcsac.pdf.letter import (
    LONG_TEXT,
    WIDTH,
    body_section,
    close,
    head,
    render_letter,
    terms_table,
)
from kcsac.pdf.parts import Gap, bullets, grid, para, rich, section

TITLE = "Sewer Allowance Credit: approval"


def render_approval_letter(snapshot: ApprovalLetter) -> bytes:
    """The approval letter as PDF bytes; the same snapshot always gives the same bytes."""
    fingerprint = snapshot.sha256()
    return render_letter(
        snapshot,
        title=TITLE,
        subject="Approval of application",
        story=_story(snapshot, fingerprint),
        fingerprint=fingerprint,
    )


def _story(s: ApprovalLetter, fingerprint: str) -> list[Flowable]:
    effective = format_date_long(s.effective_on)
    story: list[Flowable] = [
        *head(s, (), "Your Sewer Allowance Credit application is approved"),
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
        *_method(s),
    ]
    if s.on_bills:
        story += body_section("How the credit shows on your bills", s.on_bills)
    story += [
        *section("What you must do", WIDTH),
        para(
            "To keep the Sewer Allowance Credit, the account holder must:",
            "body-tight",
            width=WIDTH,
        ),
        *bullets(s.duties),
    ]
    story += close(s, fingerprint, signed_label="Signed on", enclosures=s.enclosures, notes=s.notes)
    return story


def _fee(s: ApprovalLetter) -> list[Flowable]:
    # A director's long reason for the fee goes under the table: a table row cannot split.
    long = len(s.fee_citation) > LONG_TEXT
    basis = "see below the table" if long else s.fee_citation
    rows = [["Fee assessed", "", basis, format_usd(s.fee_assessed_cents)]]
    rows += [
        ["Payment", p.receipt_no, format_date_long(p.paid_on), format_usd(p.amount_cents)]
        for p in s.payments
    ]
    balance = s.fee_assessed_cents - s.fee_paid_cents
    rows.append(["Total paid", "", f"balance {format_usd(balance)}", format_usd(s.fee_paid_cents)])
    return [
        *section("Application fee", WIDTH),
        grid(
            ["Item", "Receipt no.", "Date / section", "Amount"],
            rows,
            [1.3 * inch, 1.4 * inch, WIDTH - 3.9 * inch, 1.2 * inch],
            right_columns=[3],
            bold_last_row=True,
        ),
        *([para(f"Fee basis: {s.fee_citation}", "body", width=WIDTH)] if long else []),
    ]


def _method(s: ApprovalLetter) -> list[Flowable]:
    out: list[Flowable] = [
        *section("How the diverted water is determined", WIDTH),
        *terms_table(s.method_label, [(p.label, p.value) for p in s.method_parameters]),
    ]
    if s.meters:
        out += [Gap(1, 6), *meters_table(s.meters)]
    return out


def meters_table(meters) -> list[Flowable]:
    """The meters that measure the diverted (or sewer) water, with activation readings."""
    return [
        *section("Meters", WIDTH),
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
                for m in meters
            ],
            _meter_widths(WIDTH),
        ),
    ]


def _meter_widths(width: float) -> list[float]:
    fixed = [1.12, 0.8, 1.0, 0.45, 0.0, 1.25, 0.72]
    rest = width - sum(fixed) * inch
    return [w * inch if w else rest for w in fixed]
