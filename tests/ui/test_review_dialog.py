"""Recording the three reviews (site, plan, installation) with results, notes, attachments."""

import datetime as dt

from PySide6.QtCore import Qt

from kcsac.domain.records import ReviewKind, ReviewResult
from kcsac.domain.status import Status
from kcsac.ui.review_dialog import ReviewDialog
from tests.ui.date_typing import type_date
from tests.ui.desk_factories import make_paid


def open_dialog(qtbot, desk, number):
    dialog = ReviewDialog(desk, number)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_three_reviews_are_recorded_in_turn(qtbot, reviewer_desk, store, tmp_path):
    desk = reviewer_desk
    app = make_paid(store, desk.user)
    photo = tmp_path / "bay-3.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    for kind in (ReviewKind.SITE, ReviewKind.PLAN, ReviewKind.INSTALLATION):
        dialog = open_dialog(qtbot, desk, app.number)
        assert dialog.kind_combo.currentData() == kind.value, "the next missing review is chosen"
        assert dialog.reviewer_edit.text() == "Robin Reviewer"
        dialog.reviewed_on_edit.setDate(dt.date(2026, 8, 10))
        qtbot.keyClicks(dialog.notes_edit, f"{kind.label} fine")
        if kind is ReviewKind.SITE:
            dialog.add_attachment(photo)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()

    reviews = {r.kind: r for r in store.reviews(app.number)}
    assert set(reviews) == set(ReviewKind)
    site = reviews[ReviewKind.SITE]
    assert (site.reviewed_on, site.reviewer, site.result, site.notes) == (
        dt.date(2026, 8, 10),
        "Robin Reviewer",
        ReviewResult.PASSED,
        "Site review fine",
    )
    assert len(site.attachments) == 1
    assert site.attachments[0].endswith("bay-3.jpg")
    assert store.get_application(app.number).status is Status.IN_REVIEW  # no determination yet


def test_a_failed_review_needs_notes(qtbot, reviewer_desk, store):
    app = make_paid(store, reviewer_desk.user)
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    dialog.result_combo.setCurrentIndex(dialog.result_combo.findData("failed"))
    assert dialog.messages.text("notes") == "Say why it failed (notes are required)"
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.notes_edit, "No backflow preventer")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    [review] = store.reviews(app.number)
    assert review.result is ReviewResult.FAILED


def test_a_clerk_may_not_record_reviews(qtbot, desk, store):
    app = make_paid(store, desk.user)
    dialog = open_dialog(qtbot, desk, app.number)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "only a reviewer" in dialog.error_label.text().lower()
    assert store.reviews(app.number) == []


def test_stored_attachments_are_listed_and_a_copy_saved_after_the_original_is_gone(
    qtbot, reviewer_desk, store, tmp_path, monkeypatch
):
    import hashlib

    from PySide6.QtWidgets import QFileDialog

    desk = reviewer_desk
    app = make_paid(store, desk.user)
    scans = tmp_path / "scans"
    scans.mkdir()
    plan = scans / "plan.pdf"
    content = b"%PDF-1.4\n" + bytes(range(256)) * 8
    plan.write_bytes(content)
    dialog = open_dialog(qtbot, desk, app.number)
    assert dialog.stored_attachments_list.item(0).text() == "none yet"
    assert not dialog.save_attachment_button.isEnabled()
    dialog.add_attachment(plan)
    qtbot.keyClicks(dialog.notes_edit, "plan checked")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error_label.text()
    plan.unlink()  # the scan is deleted from the clerk's folder: the stored copy remains

    dialog = open_dialog(qtbot, desk, app.number)
    assert dialog.stored_attachments_list.count() == 1
    assert dialog.stored_attachments_list.item(0).text() == "plan.pdf (2.0 KB)"
    assert hashlib.sha256(content).hexdigest() in dialog.stored_attachments_list.item(0).toolTip()
    assert dialog.save_attachment_button.isEnabled()
    target = tmp_path / "copy of plan.pdf"
    offered = []

    def choose(parent, caption, name, *rest):
        offered.append(name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    qtbot.mouseClick(dialog.save_attachment_button, Qt.MouseButton.LeftButton)
    assert offered == ["plan.pdf"], "the stored name is offered"
    assert target.read_bytes() == content
    assert not dialog.error_label.isVisible()


def test_a_missing_or_oversized_attachment_is_named_next_to_the_list(
    qtbot, reviewer_desk, store, tmp_path
):
    from kcsac.domain.attachments import MAX_ATTACHMENT_BYTES

    desk = reviewer_desk
    app = make_paid(store, desk.user)
    big = tmp_path / "video.mp4"
    with big.open("wb") as fh:
        fh.truncate(MAX_ATTACHMENT_BYTES + 1)
    dialog = open_dialog(qtbot, desk, app.number)
    dialog.add_attachment(big)
    assert dialog.messages.text("attachments") == (
        "The attachment video.mp4 is 25.0 MB; the limit is 25.0 MB"
    )
    assert not dialog.ok_button.isEnabled()
    dialog.attachments_list.setCurrentRow(0)
    qtbot.mouseClick(dialog.remove_attachment_button, Qt.MouseButton.LeftButton)
    dialog.add_attachment(tmp_path / "gone.jpg")
    assert "gone.jpg is not a readable file" in dialog.messages.text("attachments")
    assert not dialog.ok_button.isEnabled()
    assert store.reviews(app.number) == []


def test_a_future_review_date_is_kept_as_typed_and_refused(qtbot, reviewer_desk, store):
    app = make_paid(store, reviewer_desk.user)
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    type_date(qtbot, dialog.reviewed_on_edit, "2026-11-30")
    assert dialog.reviewed_on_edit.date().toPython() == dt.date(2026, 11, 30)
    assert dialog.messages.text("reviewed_on") == (
        "2026-11-30 is in the future; record a review on or before today (2026-08-20)"
    )
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.reviewer_edit, Qt.Key.Key_Return)
    assert store.reviews(app.number) == []


def test_a_review_dated_before_the_application_was_received_is_named_next_to_the_date(
    qtbot, reviewer_desk, store
):
    app = make_paid(store, reviewer_desk.user)
    received = app.received_on.isoformat()
    dialog = open_dialog(qtbot, reviewer_desk, app.number)
    type_date(qtbot, dialog.reviewed_on_edit, "2026-04-02")
    assert dialog.messages.text("reviewed_on") == (
        f"2026-04-02 is before {received}, when the application was received; record a review "
        "on or after that day"
    )
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert store.reviews(app.number) == []
    type_date(qtbot, dialog.reviewed_on_edit, received)
    assert dialog.messages.text("reviewed_on") == ""
    assert dialog.ok_button.isEnabled()
