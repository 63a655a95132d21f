"""PDF documents from frozen snapshots (reportlab only here): bytes out, same input same bytes."""

from kcsac.pdf.approval_letter import render_approval_letter
from kcsac.pdf.denial_letter import render_denial_letter
from kcsac.pdf.schedule import render_schedule

__all__ = ["render_approval_letter", "render_denial_letter", "render_document", "render_schedule"]


def render_document(snapshot) -> bytes:
    """Render whichever snapshot this is (approval, denial or schedule)."""
    from kcsac.domain.documents import ApprovalLetter, DenialLetter, ScheduleDocument

    if isinstance(snapshot, ApprovalLetter):
        return render_approval_letter(snapshot)
    if isinstance(snapshot, DenialLetter):
        return render_denial_letter(snapshot)
    if isinstance(snapshot, ScheduleDocument):
        return render_schedule(snapshot)
    raise TypeError(f"not a document snapshot: {type(snapshot).__name__}")
