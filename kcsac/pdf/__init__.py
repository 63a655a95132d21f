"""PDF documents from frozen snapshots (reportlab only here): bytes out, same input same bytes."""

from kcsac.pdf.amendment_letter import render_amendment_letter
from kcsac.pdf.approval_letter import render_approval_letter
from kcsac.pdf.denial_letter import render_denial_letter
from kcsac.pdf.ending_letter import render_ending_letter
from kcsac.pdf.revocation_letter import render_revocation_letter
from kcsac.pdf.schedule import render_schedule

__all__ = [
    "render_amendment_letter",
    "render_approval_letter",
    "render_denial_letter",
    "render_document",
    "render_ending_letter",
    "render_revocation_letter",
    "render_schedule",
]


def render_document(snapshot) -> bytes:
    """Render whichever snapshot this is (a letter of any kind, or a schedule)."""
    from kcsac.domain.documents import (
        AmendmentLetter,
        ApprovalLetter,
        DenialLetter,
        EndingLetter,
        RevocationLetter,
        ScheduleDocument,
    )

    renderers = {
        ApprovalLetter: render_approval_letter,
        DenialLetter: render_denial_letter,
        AmendmentLetter: render_amendment_letter,
        RevocationLetter: render_revocation_letter,
        EndingLetter: render_ending_letter,
        ScheduleDocument: render_schedule,
    }
    render = renderers.get(type(snapshot))
    if render is None:
        raise TypeError(f"not a document snapshot: {type(snapshot).__name__}")
    return render(snapshot)
