"""Schedules per billing cycle (RULES.md, "A credit over time"): looking never issues;
issuing freezes version N covering the periods known; a later issue with new periods makes
N+1, none when nothing changed; every version reprints byte-identical; the newest is the
customer's; a cycle's batch issues those with new periods."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from kcsac.domain.documents import ScheduleDocument
from kcsac.domain.records import ConsumptionPeriod
from kcsac.operations import approvals
from kcsac.operations.documents import issuing
from kcsac.operations.documents.schedule_cycle import (
    credits_with_new_periods,
    issue_new_schedules,
)
from kcsac.operations.errors import Refused
from tests.operations.conftest import PASSWORD, make_file

AUGUST = (dt.date(2026, 8, 1), dt.date(2026, 8, 31), "96")
SEPTEMBER = (dt.date(2026, 9, 1), dt.date(2026, 9, 30), "110")
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31), "87")


def _periods(store, account, *periods):
    store.put_consumption([ConsumptionPeriod(account, s, e, Decimal(v)) for s, e, v in periods])


@pytest.fixture
def credit(store, people, today):
    """RULES.md worked example 1: a resident car wash at 15 %, signed 2026-08-12."""
    app = make_file(store, people, today)
    approvals.approve(
        store,
        people.director,
        app.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 12),
        backdated_reason="paper signature",
    )
    _periods(store, app.account, AUGUST)
    return app


def test_a_preview_issues_nothing(store, credit, today):
    before = issuing.issued_documents(store, credit.number)
    preview = issuing.preview_schedule(store, credit.number, today=today)
    assert preview.totals.credit_cents == 11985
    assert preview.version == 0
    assert issuing.issued_documents(store, credit.number) == before
    pdf = issuing.render_preview(preview)
    assert pdf.startswith(b"%PDF")
    assert issuing.issued_documents(store, credit.number) == before


def test_versions_per_billing_cycle(store, credit, today):
    number = credit.number
    first = issuing.issue_schedule(store, "dora", number, today=today)
    assert (first.version, first.new) == (1, True)
    assert first.document.snapshot.version == 1
    assert [r.start for r in first.document.snapshot.rows] == [AUGUST[0]]
    # Nothing changed: no new version, whatever the day.
    again = issuing.issue_schedule(store, "dora", number, today=today + dt.timedelta(days=3))
    assert (again.version, again.new, again.document.id) == (1, False, first.document.id)
    # A new billing cycle: version 2 covers it, and says what it replaces.
    _periods(store, credit.account, SEPTEMBER)
    second = issuing.issue_schedule(store, "dora", number, today=dt.date(2026, 10, 5))
    assert (second.version, second.new) == (2, True)
    doc = second.document.snapshot
    assert [r.start for r in doc.rows] == [AUGUST[0], SEPTEMBER[0]]
    assert doc.version_note == "replaces version 1 of August 20, 2026"
    versions = issuing.schedule_versions(store, number)
    assert [d.id for d in versions] == [first.document.id, second.document.id]
    assert issuing.schedule_for(store, None, number, today=today).id == second.document.id
    # Every version reprints byte-identical, forever.
    for d in versions:
        assert issuing.render_issued(d) == issuing.render_issued(d)
    assert issuing.render_issued(versions[0]) != issuing.render_issued(versions[1])


def test_only_a_kcsac_user_issues_a_version(store, credit, today):
    with pytest.raises(Refused, match="only a kcsac user can issue it"):
        issuing.issue_schedule(store, None, credit.number, today=today)
    assert issuing.schedule_versions(store, credit.number) == []


def test_an_amendment_gets_a_new_version_with_the_customer_s_schedule(store, people, credit, today):
    from kcsac.operations.determinations import enter_determination

    issuing.issue_schedule(store, "dora", credit.number, today=today)
    _periods(store, credit.account, SEPTEMBER)
    enter_determination(
        store,
        people.reviewer,
        credit.number,
        method="percentage",
        percent="10",
        justification="fewer bays",
        today=dt.date(2026, 9, 10),
    )
    approvals.approve(
        store,
        people.director,
        credit.number,
        password=PASSWORD,
        today=dt.date(2026, 10, 1),
        signed_on=dt.date(2026, 9, 16),
        backdated_reason="paper signature",
    )
    newest = issuing.schedule_for(store, "dora", credit.number, today=dt.date(2026, 10, 1))
    doc = newest.snapshot
    assert doc.version == 2
    assert [t.in_force_from for t in doc.terms] == [dt.date(2026, 8, 12), dt.date(2026, 9, 16)]
    assert [r.terms for r in doc.rows] == ["1", "1 + 2"]


def test_a_cycle_issues_the_schedules_with_new_periods(store, people, credit, today):
    other = make_file(store, people, today, account="1000-02")
    approvals.approve(
        store,
        people.director,
        other.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 12),
        backdated_reason="paper signature",
    )
    _periods(store, other.account, AUGUST)
    assert credits_with_new_periods(store) == [credit.number, other.number]
    seen = []
    result = issue_new_schedules(
        store, "dora", today=today, progress=lambda done, total: seen.append((done, total))
    )
    assert result.issued == ((credit.number, 1), (other.number, 1))
    assert seen == [(1, 2), (2, 2)]
    assert credits_with_new_periods(store) == []
    assert issue_new_schedules(store, "dora", today=today).issued == ()
    # September arrives for one account only: only that schedule gets a new version.
    _periods(store, other.account, SEPTEMBER)
    assert credits_with_new_periods(store, through=dt.date(2026, 8, 31)) == []
    assert credits_with_new_periods(store) == [other.number]
    result = issue_new_schedules(store, "dora", today=dt.date(2026, 10, 5))
    assert result.issued == ((other.number, 2),)
    # A cancel before a schedule keeps what was issued before it.
    _periods(store, credit.account, SEPTEMBER, OCTOBER)
    _periods(store, other.account, OCTOBER)
    asked = iter([False, True])
    result = issue_new_schedules(
        store, "dora", today=dt.date(2026, 11, 5), cancelled=lambda: next(asked)
    )
    assert result.cancelled
    assert result.issued == ((credit.number, 2),)


def test_a_schedule_issued_before_versions_still_reprints_byte_identical(store, credit, today):
    """Snapshots stored before the terms and version fields existed: decoded with the
    fields' defaults, encoded to the very same text (and sha256)."""
    doc = issuing.build_schedule_document(store, credit.number, prepared_on=today)
    payload = json.loads(doc.to_json())
    assert "version" not in payload["data"]  # a preview (version 0) writes none of them
    assert "terms" not in payload["data"]
    assert all("terms" not in row for row in payload["data"]["rows"])
    old_text = doc.to_json()
    again = ScheduleDocument.from_json(old_text)
    assert again.to_json() == old_text
    numbered = issuing.issue_schedule(store, "dora", credit.number, today=today).document
    text = numbered.snapshot.to_json()
    assert json.loads(text)["data"]["version"] == 1
    assert ScheduleDocument.from_json(text).to_json() == text
