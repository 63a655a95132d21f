"""Review attachments (photos, PDFs) kept in the database with the application."""

import mimetypes
from dataclasses import dataclass

# A phone photo or a scanned plan set is a few MB; 25 MB keeps one attachment well inside
# what the database and a backup copy handle comfortably (a policy of kcsac, not the
# ordinance).
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    """One stored file (its bytes are read separately: Store.attachment_content)."""

    id: int
    application: str
    review_id: int | None
    filename: str
    media_type: str
    size: int
    sha256: str
    added_by: str
    added_at: str  # UTC ISO time stamp


def media_type_for(filename: str) -> str:
    """The media type from the file name's extension (application/octet-stream if unknown)."""
    guessed, _encoding = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"


def size_text(size: int) -> str:
    """A file size for people: 980 bytes, 12.4 KB, 3.1 MB (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} bytes"
    unit, name = (1024, "KB") if size < 1024 * 1024 else (1024 * 1024, "MB")
    tenths = size * 10 // unit  # integer arithmetic: rounded down to a tenth
    return f"{tenths // 10}.{tenths % 10} {name}"
