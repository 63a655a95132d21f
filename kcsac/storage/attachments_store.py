"""Store methods for review attachments: the file's bytes kept in the database."""

import hashlib
import sqlite3

from kcsac.domain.attachments import Attachment
from kcsac.storage import convert
from kcsac.storage.core import StoreCore
from kcsac.storage.errors import NotFound, StoreError

_COLUMNS = "id, application, review_id, filename, media_type, size, sha256, added_by, added_at"


class AttachmentsMixin(StoreCore):
    """Part of Store (kcsac.storage.store); uses StoreCore's write(), audit(), clock, _row()."""

    def add_attachment(
        self,
        *,
        application: str,
        review_id: int | None,
        filename: str,
        media_type: str,
        content: bytes,
        actor: str,
    ) -> Attachment:
        """Store one file's bytes; the audit row names the file and its sha256 (not the bytes)."""
        digest = hashlib.sha256(content).hexdigest()
        with self.write():
            rowid = self._insert(
                "INSERT INTO attachments (application, review_id, filename, media_type, size, "
                "sha256, content, added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    application,
                    review_id,
                    filename,
                    media_type,
                    len(content),
                    digest,
                    sqlite3.Binary(content),
                    actor,
                    self.clock(),
                ),
            )
            saved = convert.attachment(
                self._existing_row(
                    f"SELECT {_COLUMNS} FROM attachments WHERE id = ?", (rowid,), "The attachment"
                )
            )
            self.audit(
                actor,
                "attachment stored",
                "attachment",
                str(saved.id),
                after=saved,
                application=application,
            )
        return saved

    def attachments(self, number: str, *, review_id: int | None = None) -> list[Attachment]:
        """The application's attachments (without their bytes), oldest first; only one
        review's when `review_id` is given."""
        sql = f"SELECT {_COLUMNS} FROM attachments WHERE application = ?"
        params: tuple = (number,)
        if review_id is not None:
            sql += " AND review_id = ?"
            params += (review_id,)
        return [convert.attachment(r) for r in self._rows(sql + " ORDER BY id", params)]

    def attachment_content(self, attachment_id: int) -> bytes:
        """The stored bytes, checked against the sha256 recorded when they were added."""
        row = self._row(
            "SELECT filename, sha256, content FROM attachments WHERE id = ?", (attachment_id,)
        )
        if row is None:
            raise NotFound(f"Attachment {attachment_id} does not exist")
        content = bytes(row["content"])
        if hashlib.sha256(content).hexdigest() != row["sha256"]:
            raise StoreError(
                f"Attachment {attachment_id} ({row['filename']}) does not match the sha256 "
                "recorded when it was added: the database is damaged. Restore a backup with "
                "`kcsac restore`"
            )
        return content
