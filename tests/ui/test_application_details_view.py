"""The details pane: the files stored with each review, and one timeline entry per operation."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from kcsac.domain.records import ReviewKind
from kcsac.operations import approvals, ownership, queries, users
from kcsac.operations.demo import DEMO_TODAY, load_demo
from kcsac.operations.determinations import enter_determination
from kcsac.operations.intake import withdraw
from kcsac.operations.payments import record_payment, reverse_payment
from kcsac.operations.reviews import record_review
from kcsac.storage import open_store
from kcsac.ui.application_details_view import AUDIT_SEQ_ROLE, ApplicationDetailsView
from kcsac.ui.main_window import MainWindow
from tests.operations.conftest import PASSWORD, make_file
from tests.operations.conftest import people as people
from tests.ui.desk_factories import make_paid


def test_reviews_in_the_summary_name_their_stored_attachments(
    qtbot, reviewer_desk, store, tmp_path
):
    desk = reviewer_desk
    app = make_paid(store, desk.user)
    photo = tmp_path / "bay 3.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo")
    record_review(
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


# --- the timeline: one entry per operation --------------------------------------------------


def timeline_items(view, store, number, viewer):
    view.show_detail(queries.application_detail(store, number, viewer))
    timeline = view.timeline_list
    return [timeline.item(i) for i in range(timeline.count())]


def new_entries(view, store, number, viewer, operation):
    """Run `operation`; the pane's new entries (newest first) hold exactly the audit rows the
    operation wrote for `number`, and the older entries are unchanged."""
    older = [item.text() for item in timeline_items(view, store, number, viewer)]
    start = store.audit_events(limit=1)[-1].seq
    operation()
    written = [e.seq for e in store.timeline(number) if e.seq > start]
    items = timeline_items(view, store, number, viewer)
    added = items[: len(items) - len(older)]
    assert [item.text() for item in items[len(added) :]] == older
    assert sorted(seq for item in added for seq in item.data(AUDIT_SEQ_ROLE)) == written
    return added


def one_entry(view, store, number, viewer, operation):
    """Run `operation`; the pane gains exactly one entry, holding exactly its rows."""
    added = new_entries(view, store, number, viewer, operation)
    assert len(added) == 1, [item.text() for item in added]
    return added[0]


def test_a_payment_and_an_approval_are_one_timeline_entry_each(qtbot, store, people, today):
    view = ApplicationDetailsView()
    qtbot.addWidget(view)
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    paid = one_entry(
        view,
        store,
        app.number,
        people.clerk,
        lambda: record_payment(
            store,
            people.clerk,
            app.number,
            amount_cents=app.fee_cents,
            paid_on=today,
            receipt_no="R-77",
            method="check",
            today=today,
        ),
    )
    assert paid.text().endswith("  payment recorded (now in review) (carl)")
    [payment_row] = [e for e in store.timeline(app.number) if e.action == "payment recorded"]
    assert paid.text().startswith(payment_row.at.replace("T", " ")[:16] + "  ")
    assert paid.data(Qt.ItemDataRole.UserRole) == "payment recorded"
    tip = paid.toolTip()
    assert "payment recorded (payment " in tip
    assert "receipt_no: - -> R-77" in tip
    assert "fee payment recorded (application " in tip
    assert "status: awaiting-fee -> in-review" in tip
    for kind in ("site", "plan", "installation"):
        one_entry(
            view,
            store,
            app.number,
            people.reviewer,
            lambda kind=kind: record_review(
                store,
                people.reviewer,
                app.number,
                kind=kind,
                reviewed_on=today,
                result="passed",
                today=today,
            ),
        )
    one_entry(
        view,
        store,
        app.number,
        people.reviewer,
        lambda: enter_determination(
            store,
            people.reviewer,
            app.number,
            method="percentage",
            percent="15",
            justification="measured bay losses",
            today=today,
        ),
    )
    signed = one_entry(
        view,
        store,
        app.number,
        people.director,
        lambda: approvals.approve(
            store, people.director, app.number, password=PASSWORD, today=today
        ),
    )
    assert signed.text().endswith("  approved (signed) (dora)")
    assert "approval recorded (decision " in signed.toolTip()
    assert "status: awaiting-decision -> approved" in signed.toolTip()
    shown = [
        item.data(Qt.ItemDataRole.UserRole)
        for item in timeline_items(view, store, app.number, people.director)
    ]
    # Each clerk action once: the file rows that repeated them are inside the entries.
    assert "fee payment recorded" not in shown
    assert "approval recorded" not in shown
    assert shown[-3:] == ["payment recorded", "application submitted", "application created"]


def test_every_other_operation_is_one_entry_and_none_joins_the_next(
    qtbot, store, people, today, tmp_path
):
    """Operations run back to back in the same second by the same person stay apart."""
    view = ApplicationDetailsView()
    qtbot.addWidget(view)
    clerk, reviewer, director = people.clerk, people.reviewer, people.director
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    number = app.number

    def pay(cents, receipt, reason=""):
        return lambda: record_payment(
            store,
            clerk,
            number,
            amount_cents=cents,
            paid_on=today,
            receipt_no=receipt,
            method="check",
            today=today,
            reason=reason,
        )

    def entry(viewer, operation):
        return one_entry(view, store, number, viewer, operation).text()

    assert entry(clerk, pay(10000, "R-1")).endswith("  payment recorded (carl)")
    over = entry(clerk, pay(30000, "R-2", reason="paid twice by mistake"))
    assert "payment recorded (now in review): " in over
    assert over.endswith("paid twice by mistake (carl)"), "the confirmation's reason"
    [second] = [p for p in store.payments(number) if p.receipt_no == "R-2"]
    reversed_ = entry(
        clerk,
        lambda: reverse_payment(store, clerk, second.id, reason="bounced", today=today),
    )
    assert reversed_.endswith("  payment R-2 reversed (now awaiting fee): bounced (carl)")
    entry(clerk, pay(15000, "R-3"))
    photo = tmp_path / "bay.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 photo")
    for kind, files in (("site", (photo, photo)), ("plan", ()), ("installation", ())):
        entry(
            reviewer,
            lambda kind=kind, files=files: record_review(
                store,
                reviewer,
                number,
                kind=kind,
                reviewed_on=today,
                result="passed",
                attachments=files,
                today=today,
            ),
        )

    def determine(percent, on):
        return lambda: enter_determination(
            store,
            reviewer,
            number,
            method="percentage",
            percent=percent,
            justification="measured bay losses",
            today=on,
        )

    def sign(on):
        return lambda: approvals.approve(store, director, number, password=PASSWORD, today=on)

    later = today + dt.timedelta(days=30)
    entry(reviewer, determine("15", today))
    entry(director, sign(today))
    assert entry(reviewer, determine("20", later)).endswith("determination entered (rita)")
    assert entry(director, sign(later)).endswith("  amendment recorded (dora)")
    revoked = entry(
        director,
        lambda: approvals.revoke(
            store, director, number, from_on=later, reason="meter not read", today=later
        ),
    )
    assert revoked.endswith(f"credit revoked from {later.isoformat()}: meter not read (dora)")

    denied_file = make_file(store, people, today, account="2000-02", determination=False)
    number = denied_file.number
    assert entry(
        director,
        lambda: approvals.deny(store, director, number, reasons=["no meter"], today=today),
    ).endswith("  denied: no meter (dora)")
    assert entry(
        director,
        lambda: approvals.reopen(store, director, number, reason="new evidence", today=today),
    ).endswith(": new evidence (dora)")
    assert entry(
        clerk, lambda: withdraw(store, clerk, number, reason="site sold", today=today)
    ).endswith("  application withdrawn: site sold (carl)")


def test_an_ownership_change_never_joins_rows_of_two_operations(qtbot, store, people, today):
    """The signing writes both files' rows; each file's entries hold only its own rows."""
    view = ApplicationDetailsView()
    qtbot.addWidget(view)
    prior = make_file(store, people, today).number
    approvals.approve(store, people.director, prior, password=PASSWORD, today=today)
    change = ownership.record_ownership_change(
        store,
        people.clerk,
        prior_application=prior,
        new_account="9000-01",
        transfer_on=today + dt.timedelta(days=20),
        received_on=today,
        today=today,
        new_owner=ownership.NewOwner("New Owner LLC", "1 Main St", "commercial", "resident"),
    )
    # One operation (account, draft and submission in one transaction): one entry.
    shown = [
        item.data(Qt.ItemDataRole.UserRole)
        for item in timeline_items(view, store, change.number, people.clerk)
    ]
    assert shown == ["application created"]
    record_payment(
        store,
        people.clerk,
        change.number,
        amount_cents=change.fee_cents,
        paid_on=today,
        receipt_no="R-own",
        method="check",
        today=today,
    )
    before = {
        n: len(timeline_items(view, store, n, people.director)) for n in (prior, change.number)
    }
    start = store.audit_events(limit=1)[-1].seq
    approvals.approve(store, people.director, change.number, password=PASSWORD, today=today)
    for number in (prior, change.number):
        items = timeline_items(view, store, number, people.director)
        added = items[: len(items) - before[number]]
        written = [e.seq for e in store.timeline(number) if e.seq > start]
        assert sorted(s for item in added for s in item.data(AUDIT_SEQ_ROLE)) == written
        if number == prior:
            [ended] = added
            assert ended.data(Qt.ItemDataRole.UserRole).startswith("credit ended")
        else:
            # The letter issued in the signing follows the prior file's rows in the trail;
            # the operation number the rows share makes them one entry all the same.
            assert [item.data(Qt.ItemDataRole.UserRole) for item in added] == [
                "ownership change approved",
            ]


# --- the summary: at its top, and whole at the default window size ---------------------------


def test_each_file_opens_at_the_top_of_its_summary(qtbot, reviewer_desk, store):
    first = make_paid(store, reviewer_desk.user)
    second = make_paid(store, reviewer_desk.user, account="1000002-001")
    view = ApplicationDetailsView()
    qtbot.addWidget(view)
    view.resize(260, 260)  # small enough that the summary scrolls
    view.show()
    bar = view.summary_scroll.verticalScrollBar()
    view.show_detail(queries.application_detail(store, first.number, reviewer_desk.user))
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())  # the clerk scrolled down to the missing documents
    view.show_detail(queries.application_detail(store, second.number, reviewer_desk.user))
    assert bar.value() == 0
    assert second.number in view.summary_label.text()


def test_every_demo_summary_shows_whole_at_1280_by_800(qtbot, tmp_path):
    """The demo's files at the desk's default layout: no summary needs its scroll bar."""
    db = tmp_path / "demo.db"
    store = open_store(db)
    load_demo(store)
    clerk = users.current_user(store, "demo-clerk")
    window = MainWindow(store, db_path=db, user=clerk, today=lambda: DEMO_TODAY)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    scroll = window.details_pane.view.summary_scroll
    numbers = [row.number for row in queries.list_applications(store, "all", limit=100)]
    assert len(numbers) == 40
    cut_off = []
    for number in numbers:
        assert window.select_number(number)
        qtbot.wait(1)  # let the label's new height reach the scroll area
        if scroll.verticalScrollBar().maximum() > 0:
            cut_off.append(number)
        assert "Application" in window.details_pane.view.summary_label.text()
    assert cut_off == []
    window.close()
    store.close()


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/Chicago", ("2026-08-20 09:15", "CDT")),
        ("America/Chicago", ("2026-12-02 08:15", "CST")),
        ("UTC", ("2026-08-20 14:15", "UTC")),
    ],
)
def test_the_timeline_shows_local_time(monkeypatch, zone, shown):
    """Issue 16: the timeline was in UTC. Audit times are stored in UTC and shown in the
    desk's own time zone (Kansas City: Central time)."""
    import time

    from kcsac.ui.application_details_view import local_time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        stored = "2026-12-02T14:15:00+00:00" if shown[1] == "CST" else "2026-08-20T14:15:00+00:00"
        assert local_time(stored) == shown
    finally:
        monkeypatch.undo()
        time.tzset()
