"""The attachments table: bytes in, the same bytes out, checked against their sha256."""

import hashlib

import pytest

from kcsac.domain.attachments import size_text
from kcsac.domain.category import Category
from kcsac.domain.records import SacApplication
from kcsac.domain.status import Status
from kcsac.storage import StoreError, open_store
from kcsac.storage.errors import NotFound
from tests.storage.test_store import ACME


def _application(store) -> str:
    store.insert_account(ACME, "carl")
    app = SacApplication("", Category.CAR_WASH, Status.DRAFT, ACME.number, None, False, {}, {})
    return store.insert_application(app, "carl", year=2026).number


def test_add_list_and_read_back_across_a_reopen(db_path):
    store = open_store(db_path)
    number = _application(store)
    content = bytes(range(256)) * 1000
    saved = store.add_attachment(
        application=number,
        review_id=None,
        filename="site.png",
        media_type="image/png",
        content=content,
        actor="carl",
    )
    assert (saved.size, saved.sha256) == (256_000, hashlib.sha256(content).hexdigest())
    store.close()
    store = open_store(db_path)
    assert store.attachments(number) == [saved]
    assert store.attachment_content(saved.id) == content
    with pytest.raises(NotFound, match="Attachment 99 does not exist"):
        store.attachment_content(99)
    store.close()


def test_damaged_bytes_are_named_not_returned(store):
    number = _application(store)
    saved = store.add_attachment(
        application=number,
        review_id=None,
        filename="plan.pdf",
        media_type="application/pdf",
        content=b"%PDF-1.4 plan",
        actor="carl",
    )
    # Damage the row behind kcsac's back (the trigger stops kcsac itself from doing this).
    store.conn.execute("DROP TRIGGER attachments_no_update")
    store.conn.execute("UPDATE attachments SET content = x'00' WHERE id = ?", (saved.id,))
    with pytest.raises(StoreError, match=r"plan\.pdf\) does not match the sha256"):
        store.attachment_content(saved.id)


def test_sizes_read_as_people_say_them():
    assert [size_text(n) for n in (980, 12_700, 3 * 1024 * 1024 + 200_000)] == [
        "980 bytes",
        "12.4 KB",
        "3.1 MB",
    ]
