"""The letter that ends a credit because the property changed owners: the end date, the new
owner's application, how the bills change, what the customer can do, on what authority."""

from reportlab.platypus import Flowable

from kcsac.domain.documents import EndingLetter, format_date_long
from kcsac.pdf.letter import body_section, close, head, listed, render_letter
from kcsac.pdf.parts import rich

TITLE = "Sewer Allowance Credit: ended by ownership change"


def render_ending_letter(snapshot: EndingLetter) -> bytes:
    """The ending letter as PDF bytes; the same snapshot always gives the same bytes."""
    fingerprint = snapshot.sha256()
    return render_letter(
        snapshot,
        title=TITLE,
        subject="End of the credit of application",
        story=_story(snapshot, fingerprint),
        fingerprint=fingerprint,
    )


def _story(s: EndingLetter, fingerprint: str) -> list[Flowable]:
    transfer = format_date_long(s.transfer_on)
    return [
        *head(
            s,
            (("Credit moved to", f"{s.new_application_no} (the new owner)"),),
            "Your Sewer Allowance Credit has ended: the ownership changed",
        ),
        rich(
            [
                (
                    f"Kansas City Water Services has approved an ownership change of the "
                    f"property at {s.addressee.service_address}, from {transfer}. The Sewer "
                    f"Allowance Credit of application {s.application_no}, in effect since "
                    f"{format_date_long(s.credit_effective_on)}, therefore ",
                    False,
                ),
                (f"ended on {format_date_long(s.ended_on)}", True),
                (
                    f", the day before. From {transfer} the credit is the new owner's, under "
                    "application ",
                    False,
                ),
                (s.new_application_no, True),
                (f" ({s.section}, {s.ordinance}).", False),
            ]
        ),
        *body_section("What this means for your bills", s.on_bills),
        *listed("What you can do next", s.next_steps),
        *close(s, fingerprint, signed_label="Signed on"),
    ]
