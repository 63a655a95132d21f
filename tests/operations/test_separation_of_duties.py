"""Separation of duties that holds (RULES.md "Who may apply" 4, issue 13): terms are entered
by a reviewer or the director, never a clerk; nobody who entered any version of the terms
being signed can sign them; every save carries the version it was read at, and a stale save
is refused naming who saved in between."""

import dataclasses
import datetime as dt
import json
import sqlite3

import pytest

from kcsac.domain.status import Status
from kcsac.operations import approvals, users
from kcsac.operations.determinations import enter_determination
from kcsac.operations.errors import NotPermitted, Refused, StaleRecord
from kcsac.storage import open_store
from tests.operations.conftest import PASSWORD, make_file


def terms(store, actor, number, today, percent="15", expected_version=None):
    return enter_determination(
        store,
        actor,
        number,
        method="percentage",
        percent=percent,
        justification="bay losses measured",
        today=today,
        expected_version=expected_version,
    )


@pytest.fixture
def second_reviewer(store, people, today):
    sam = users.add_user(
        store,
        people.admin,
        login="sam",
        name="Sam Second",
        title="Engineer",
        role="reviewer",
        password=PASSWORD,
        today=today,
    )
    users.set_own_password(store, sam, PASSWORD)
    return store.get_user("sam")


def test_a_clerk_cannot_re_save_the_terms_so_their_author_still_cannot_sign(store, people, today):
    """Issue 13: a reviewer entered the terms; a clerk re-saved the same terms (which made the
    clerk `entered_by`); the reviewer then signed their own terms. Now the clerk may not
    enter terms at all, and the reviewer stays their author."""
    app = make_file(store, people, today, determination=False)
    entered = terms(store, people.reviewer, app.number, today)
    with pytest.raises(NotPermitted, match="your role is clerk; only a reviewer"):
        terms(store, people.clerk, app.number, today, expected_version=entered.version)
    with pytest.raises(NotPermitted, match="your role is administrator"):
        terms(store, people.admin, app.number, today, expected_version=entered.version)
    with pytest.raises(Refused, match="separation of duties"):
        approvals.approve(store, people.reviewer, app.number, password=PASSWORD, today=today)
    assert store.get_application(app.number).status is Status.AWAITING_DECISION


def test_every_author_is_kept_and_none_of_them_may_sign(store, people, today, second_reviewer):
    """A re-save by someone else does not make the first author eligible to sign."""
    app = make_file(store, people, today, determination=False)
    first = terms(store, people.reviewer, app.number, today)
    second = terms(store, second_reviewer, app.number, today, "12", expected_version=first.version)
    assert second.id == first.id
    assert second.entered_by == "sam"
    assert second.authors == ("rita", "sam")
    again = terms(store, people.reviewer, app.number, today, "13", expected_version=2)
    assert again.authors == ("rita", "sam"), "an author is named once, in the order they came"
    for author in (people.reviewer, second_reviewer):
        with pytest.raises(Refused, match="You entered these terms"):
            approvals.approve(store, author, app.number, password=PASSWORD, today=today)
    decision = approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    assert decision.decided_by == "dora"


def test_an_amendment_s_authors_are_its_own(store, people, today, second_reviewer):
    app = make_file(store, people, today)  # terms entered by rita
    first_day = dt.date(2026, 8, 1)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=first_day)
    amendment = terms(store, second_reviewer, app.number, today, "10")
    assert amendment.authors == ("sam",)
    with pytest.raises(Refused, match="You entered these terms"):
        approvals.approve(store, second_reviewer, app.number, password=PASSWORD, today=today)
    signed = approvals.approve(store, people.reviewer, app.number, password=PASSWORD, today=today)
    assert signed.decided_by == "rita", "the first terms' author may sign the amendment"


def test_two_desks_never_overwrite_each_other_s_terms(
    store, people, today, db_path, second_reviewer
):
    """Both desks read the file with no terms; the first saves; the second's save is refused
    naming the first (before: it silently overwrote them)."""
    app = make_file(store, people, today, determination=False)
    other = open_store(db_path)
    try:
        terms(other, second_reviewer, app.number, today, "12")
        with pytest.raises(StaleRecord) as stale:
            terms(store, people.reviewer, app.number, today, "15")  # read none
        assert "changed by sam" in str(stale.value)
        [stored] = store.determinations(app.number)
        assert (stored.percent, stored.entered_by) == (12, "sam")
        # Both read version 1 now; one saves, the other is refused naming them.
        terms(store, people.reviewer, app.number, today, "14", expected_version=1)
        with pytest.raises(StaleRecord, match="changed by rita"):
            terms(other, second_reviewer, app.number, today, "9", expected_version=1)
    finally:
        other.close()
    [stored] = store.determinations(app.number)
    assert (stored.percent, stored.version) == (14, 2)


def test_terms_signed_meanwhile_are_not_amended_by_a_stale_save(store, people, today):
    """A desk read the unsigned terms; the director signed them; that desk's save must not
    turn into an amendment: it is refused naming the signer."""
    app = make_file(store, people, today)
    [read] = store.determinations(app.number)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    with pytest.raises(StaleRecord, match="changed by dora"):
        terms(store, people.reviewer, app.number, today, "20", expected_version=read.version)
    assert len(store.determinations(app.number)) == 1


def test_an_older_file_gets_the_authors_its_audit_rows_name(tmp_path, today):
    """A database from before authors were kept: an unsigned determination entered by rita
    and re-saved by sam gets both as authors at the upgrade (a signed one stays frozen)."""
    import sqlite_utils

    from kcsac.storage import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrations.migrations().apply(
        sqlite_utils.Database(conn), stop_before="m013_determination_authors"
    )
    conn.executemany(
        "INSERT INTO determinations (id, application, method, percent, justification, "
        "entered_by, entered_on, locked) VALUES (?, 'SAC-2026-0001', 'percentage', '15', 'x', "
        "?, '2026-07-01', ?)",
        [(1, "dora", 1), (2, "sam", 0)],
    )
    for seq, actor, entity_id in ((1, "dora", "1"), (2, "rita", "2"), (3, "sam", "2")):
        conn.execute(
            "INSERT INTO audit (seq, at, actor, action, entity, entity_id, after, prev_hash, "
            "hash) VALUES (?, '2026-07-01T00:00:00+00:00', ?, 'determination entered', "
            "'determination', ?, '{}', '', '')",
            (seq, actor, entity_id),
        )
    conn.commit()
    conn.close()
    store = open_store(path)
    try:
        signed, unsigned = store.determinations("SAC-2026-0001")
        assert unsigned.authors == ("rita", "sam")
        assert signed.authors == ()  # frozen by its trigger; signed, so it no longer matters
        assert signed.entered_by_all == ("dora",)
        (raw,) = store.conn.execute("SELECT authors FROM determinations WHERE id = 2").fetchone()
        assert json.loads(raw) == ["rita", "sam"]
    finally:
        store.close()


def test_the_desk_and_the_operation_agree_on_the_author(store, people, today, second_reviewer):
    from kcsac.domain.actions import Action, available_actions
    from kcsac.operations.queries import application_detail

    app = make_file(store, people, today, determination=False)
    first = terms(store, people.reviewer, app.number, today)
    terms(store, second_reviewer, app.number, today, "12", expected_version=first.version)
    detail = application_detail(store, app.number)
    for who in (people.reviewer, second_reviewer):
        why = available_actions(detail, who)[Action.APPROVE]
        assert why is not None
        with pytest.raises(Refused) as refused:
            approvals.approve(store, who, app.number, password=PASSWORD, today=today)
        assert str(refused.value) == why
    assert available_actions(detail, people.director)[Action.APPROVE] is None
    assert dataclasses.replace(detail.current_determination).authors == ("rita", "sam")
