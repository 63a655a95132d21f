"""Review attachments are stored as bytes with the application, in the review's transaction."""

import hashlib
import json

import pytest

from kcsac.domain.attachments import MAX_ATTACHMENT_BYTES, Attachment
from kcsac.operations.errors import InvalidInput
from kcsac.operations.reviews import record_review
from kcsac.storage import open_store
from tests.operations.conftest import make_file

PDF = b"%PDF-1.4\n% a plan set\n" + bytes(range(256)) * 40
PHOTO = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(255, -1, -1)) * 20


def _review(store, people, today, number, attachments, kind="site"):
    return record_review(
        store,
        people.reviewer,
        number,
        kind=kind,
        reviewed_on=today,
        result="passed",
        notes="all good",
        attachments=attachments,
        today=today,
    )


def test_attachment_bytes_round_trip_and_outlive_the_original(
    store, people, today, tmp_path, db_path
):
    app = make_file(store, people, today, reviews=False, determination=False)
    plan, photo = tmp_path / "plan set.pdf", tmp_path / "bay-3.jpg"
    plan.write_bytes(PDF)
    photo.write_bytes(PHOTO)
    _review(store, people, today, app.number, (str(plan), photo))
    plan.unlink()  # the clerk tidies the scans folder: nothing stored is lost
    photo.unlink()

    [review] = store.reviews(app.number)
    assert review.attachments == ("plan set.pdf", "bay-3.jpg"), "names, not the old paths"
    store.close()
    store = open_store(db_path)  # a fresh connection reads them from the file
    stored = store.attachments(app.number)
    assert [(a.filename, a.media_type, a.size) for a in stored] == [
        ("plan set.pdf", "application/pdf", len(PDF)),
        ("bay-3.jpg", "image/jpeg", len(PHOTO)),
    ]
    assert all(isinstance(a, Attachment) and a.review_id == review.id for a in stored)
    for attachment, original in zip(stored, (PDF, PHOTO), strict=True):
        content = store.attachment_content(attachment.id)
        assert content == original
        assert attachment.sha256 == hashlib.sha256(original).hexdigest()
        assert attachment.added_by == "rita"
    assert store.attachments(app.number, review_id=review.id + 1) == []

    events = store.audit_events(entity="attachment")
    assert [json.loads(e.after)["filename"] for e in events] == ["plan set.pdf", "bay-3.jpg"]
    assert json.loads(events[0].after)["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert all("content" not in json.loads(e.after) for e in events), "no bytes in the audit"
    assert store.verify_audit().ok
    store.close()


def test_a_missing_file_is_refused_by_name_and_nothing_is_saved(store, people, today, tmp_path):
    app = make_file(store, people, today, reviews=False, determination=False)
    good = tmp_path / "ok.png"
    good.write_bytes(b"\x89PNG fine")
    missing = tmp_path / "gone.pdf"
    before = len(store.audit_events(limit=10_000))
    with pytest.raises(InvalidInput) as refused:
        _review(store, people, today, app.number, (good, missing, tmp_path))
    messages = [p.message for p in refused.value.problems]
    assert messages == [
        f"The attachment {missing} does not exist",
        f"The attachment {tmp_path} is a folder, not a file",
    ]
    assert store.reviews(app.number) == []
    assert store.attachments(app.number) == []
    assert len(store.audit_events(limit=10_000)) == before


def test_a_file_over_25_mb_is_refused(store, people, today, tmp_path):
    app = make_file(store, people, today, reviews=False, determination=False)
    big = tmp_path / "drone survey.mp4"
    with big.open("wb") as fh:  # sparse: a real 25 MB + 1 byte file without writing it all
        fh.truncate(MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(InvalidInput, match=r"drone survey\.mp4 is 25\.0 MB; the limit is 25\.0 MB"):
        _review(store, people, today, app.number, (big,))
    assert store.reviews(app.number) == []
    assert store.attachments(app.number) == []


def test_stored_attachments_cannot_be_changed_or_deleted(store, people, today, tmp_path):
    app = make_file(store, people, today, reviews=False, determination=False)
    note = tmp_path / "note.txt"
    note.write_bytes(b"inspector's note")
    _review(store, people, today, app.number, (note,))
    [attachment] = store.attachments(app.number)
    for sql in ("UPDATE attachments SET content = x'00'", "DELETE FROM attachments"):
        with pytest.raises(Exception, match="attachments cannot be"):
            store.conn.execute(sql)
    assert store.attachment_content(attachment.id) == b"inspector's note"
