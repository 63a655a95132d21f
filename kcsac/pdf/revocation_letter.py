"""The revocation letter: from which day the credit ends, the reason and its section, how
the bills change, what the customer can do next, on what authority."""

from reportlab.platypus import Flowable

from kcsac.domain.documents import RevocationLetter, format_date_long
from kcsac.pdf.letter import WIDTH, body_section, close, head, listed, render_letter
from kcsac.pdf.parts import para, rich, section

TITLE = "Sewer Allowance Credit: revocation"


def render_revocation_letter(snapshot: RevocationLetter) -> bytes:
    """The revocation letter as PDF bytes; the same snapshot always gives the same bytes."""
    fingerprint = snapshot.sha256()
    return render_letter(
        snapshot,
        title=TITLE,
        subject="Revocation of the credit of application",
        story=_story(snapshot, fingerprint),
        fingerprint=fingerprint,
    )


def _story(s: RevocationLetter, fingerprint: str) -> list[Flowable]:
    revoked = format_date_long(s.revoked_from)
    reason = [para(s.reason.message, "body", width=WIDTH)]
    if s.reason.citation:
        reason.append(para(f"Section: {s.reason.citation}", "body", width=WIDTH))
    return [
        *head(s, (), "Your Sewer Allowance Credit is revoked"),
        rich(
            [
                ("Kansas City Water Services has ", False),
                ("revoked", True),
                (
                    f" the Sewer Allowance Credit of application {s.application_no}, in effect "
                    f"since {format_date_long(s.credit_effective_on)}, under {s.section} "
                    f"({s.ordinance}). No credit applies ",
                    False,
                ),
                (f"from {revoked}", True),
                (
                    f"; the last day credited is {format_date_long(s.last_credited_on)}. "
                    f"The director decided this on {format_date_long(s.decided_on)}.",
                    False,
                ),
            ]
        ),
        *section("Why the credit is revoked", WIDTH),
        *reason,
        *body_section("What this means for your bills", s.on_bills),
        *listed("What you can do next", s.next_steps),
        *close(s, fingerprint, signed_label="Decided on"),
    ]
