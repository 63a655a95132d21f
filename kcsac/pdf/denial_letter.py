"""The denial letter: the reasons with their sections, and what the customer can do next."""

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from kcsac.domain.documents import DenialLetter, format_date_long
from kcsac.domain.money import format_usd
from kcsac.pdf.letter import LONG_TEXT, WIDTH, close, head, render_letter
from kcsac.pdf.parts import Gap, grid, para, rich, section

TITLE = "Sewer Allowance Credit: denial"


def render_denial_letter(snapshot: DenialLetter) -> bytes:
    """The denial letter as PDF bytes; the same snapshot always gives the same bytes."""
    fingerprint = snapshot.sha256()
    return render_letter(
        snapshot,
        title=TITLE,
        subject="Denial of application",
        story=_story(snapshot, fingerprint),
        fingerprint=fingerprint,
    )


def _story(s: DenialLetter, fingerprint: str) -> list[Flowable]:
    story: list[Flowable] = [
        *head(s, (), "Your Sewer Allowance Credit application is denied"),
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
        *section("Reasons", WIDTH),
        *_reasons(s),
    ]
    if s.fee_assessed_cents is not None:
        story += [
            Gap(1, 6),
            para(
                f"Application fee assessed: {format_usd(s.fee_assessed_cents)}; "
                f"paid: {format_usd(s.fee_paid_cents)}.",
                "body",
                width=WIDTH,
            ),
        ]
    story += [
        *close(
            s, fingerprint, signed_label="Decided on", keep=("What you can do next", s.next_steps)
        ),
    ]
    return story


def _reasons(s: DenialLetter) -> list[Flowable]:
    """The reasons in a table with their sections; numbered paragraphs when one is long
    enough to need a page break inside it (a table row cannot run over a page)."""
    if all(len(r.message) <= LONG_TEXT for r in s.reasons):
        return [
            grid(
                ["", "Reason", "Section"],
                [[str(i), r.message, r.citation] for i, r in enumerate(s.reasons, start=1)],
                [0.3 * inch, WIDTH - 2.5 * inch, 2.2 * inch],
            )
        ]
    return [
        para(f"{i}. {r.message}" + (f" ({r.citation})" if r.citation else ""), "body", width=WIDTH)
        for i, r in enumerate(s.reasons, start=1)
    ]
