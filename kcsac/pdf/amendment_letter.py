"""The amendment letter: the new terms from the amendment's own signature date, the earlier
terms they replace, how the bills change, duties, sections cited, signature, enclosure."""

from datetime import timedelta

from reportlab.platypus import Flowable

from kcsac.domain.documents import AmendmentLetter, format_date_long
from kcsac.pdf.approval_letter import meters_table
from kcsac.pdf.letter import (
    WIDTH,
    body_section,
    close,
    head,
    render_letter,
    terms_table,
)
from kcsac.pdf.parts import Gap, bullets, para, rich, section

TITLE = "Sewer Allowance Credit: amendment"


def render_amendment_letter(snapshot: AmendmentLetter) -> bytes:
    """The amendment letter as PDF bytes; the same snapshot always gives the same bytes."""
    fingerprint = snapshot.sha256()
    return render_letter(
        snapshot,
        title=TITLE,
        subject="Amendment of application",
        story=_story(snapshot, fingerprint),
        fingerprint=fingerprint,
    )


def _story(s: AmendmentLetter, fingerprint: str) -> list[Flowable]:
    effective = format_date_long(s.effective_on)
    until = format_date_long(s.effective_on - timedelta(days=1))
    story: list[Flowable] = [
        *head(s, (), "Your Sewer Allowance Credit is amended"),
        rich(
            [
                ("Kansas City Water Services has ", False),
                ("amended", True),
                (
                    " the determination of your Sewer Allowance Credit, application "
                    f"{s.application_no}, under {s.section} ({s.ordinance}). The new terms are ",
                    False,
                ),
                (f"effective {effective}", True),
                (
                    ", the date the director signed the amendment. The credit itself has been "
                    f"in effect since {format_date_long(s.credit_effective_on)}.",
                    False,
                ),
            ]
        ),
        *section(f"The new terms, from {effective}", WIDTH),
        *terms_table(s.method_label, [(p.label, p.value) for p in s.method_parameters]),
        Gap(1, 4),
        *section(
            f"The earlier terms, {format_date_long(s.previous_effective_on)} to {until}", WIDTH
        ),
        *terms_table(s.previous_method_label, [(p.label, p.value) for p in s.previous_parameters]),
    ]
    if s.meters:
        story += [Gap(1, 6), *meters_table(s.meters)]
    story += [
        *body_section("How the amendment shows on your bills", s.on_bills),
        *section("What you must do", WIDTH),
        para(
            "To keep the Sewer Allowance Credit, the account holder must:",
            "body-tight",
            width=WIDTH,
        ),
        *bullets(s.duties),
        *close(s, fingerprint, signed_label="Signed on", enclosures=s.enclosures),
    ]
    return story
