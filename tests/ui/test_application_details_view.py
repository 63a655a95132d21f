"""The details pane names the files stored with each review."""

from kcsac.domain.records import ReviewKind
from kcsac.operations import applications as ops
from kcsac.operations import queries
from kcsac.ui.application_details_view import ApplicationDetailsView
from tests.ui.desk_factories import make_paid


def test_reviews_in_the_summary_name_their_stored_attachments(
    qtbot, reviewer_desk, store, tmp_path
):
    desk = reviewer_desk
    app = make_paid(store, desk.user)
    photo = tmp_path / "bay 3.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo")
    ops.record_review(
        store,
        desk.user,
        app.number,
        kind=ReviewKind.SITE,
        reviewed_on=desk.today(),
        result="passed",
        attachments=(photo,),
        today=desk.today(),
    )
    photo.unlink()
    view = ApplicationDetailsView()
    qtbot.addWidget(view)
    view.show_detail(queries.application_detail(store, app.number, desk.user))
    assert "Site review passed 2026-08-20 (attached: bay 3.jpg)" in view.summary_label.text()
