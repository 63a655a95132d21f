"""The desk's list queries: queues, search-as-you-type, sorting, paging."""

import pytest

from benchmarks.seeding import seed
from kcsac.domain.records import ApplicationExportRow
from kcsac.domain.status import Status
from kcsac.operations import queries
from kcsac.storage import queries as storage_queries


@pytest.fixture
def seeded(store):
    seed(store, 1500, periods=2, batch=400)
    return store


def test_queue_counts_add_up(seeded):
    counts = queries.queue_counts(seeded)
    assert counts["all"] == 1500
    assert counts["all"] == sum(counts[s.value] for s in Status)
    assert (
        counts["open"] == counts["awaiting-fee"] + counts["in-review"] + counts["awaiting-decision"]
    )
    for status in Status:
        rows = queries.list_applications(seeded, status, limit=5000)
        assert len(rows) == counts[status.value] == queries.count_applications(seeded, status)
        assert all(r.status is status for r in rows)


def test_the_counts_kept_by_triggers_follow_every_change(seeded):
    """status_counts (m010) is kept by triggers; it must equal a real count after inserts,
    status changes, a no-op update and a delete."""

    def real() -> dict[str, int]:
        rows = seeded.conn.execute("SELECT status, count(*) FROM applications GROUP BY status")
        return dict(rows)

    def kept() -> dict[str, int]:
        rows = seeded.conn.execute("SELECT status, n FROM status_counts WHERE n > 0")
        return dict(rows)

    assert kept() == real()
    conn = seeded.conn
    conn.execute(
        "UPDATE applications SET status = 'withdrawn' WHERE id IN "
        "(SELECT id FROM applications WHERE status = 'draft' LIMIT 7)"
    )
    conn.execute("UPDATE applications SET status = status WHERE id < 50")  # no change
    conn.execute("UPDATE applications SET received_on = received_on WHERE id < 50")
    conn.execute("DROP TRIGGER IF EXISTS applications_no_delete")  # if deletes are refused
    conn.execute("DELETE FROM applications WHERE id IN (SELECT max(id) FROM applications)")
    assert kept() == real()


def test_search_matches_word_prefixes_in_every_column(seeded):
    some = queries.list_applications(seeded, limit=1, offset=700)[0]
    for text in (
        some.number,
        some.account,
        some.customer.split()[0][:3],
        some.service_address.split()[1].lower(),
    ):
        found = queries.list_applications(seeded, None, text, limit=2000)
        assert some.number in {r.number for r in found}, text
    words = some.customer.split()[:2]
    both = queries.list_applications(seeded, None, " ".join(words), limit=2000)
    assert all(words[0] in r.customer and words[1] in r.customer for r in both)
    assert queries.list_applications(seeded, None, "zzzz-nothing") == []
    assert queries.list_applications(seeded, None, '"; DROP TABLE x; --') == []


@pytest.mark.parametrize("sort", queries.SORT_KEYS)
def test_both_query_plans_give_the_same_page(seeded, sort, monkeypatch):
    """Walking the sort index and fetch-then-sort must agree on every sort and filter."""
    for queue, search in (
        (None, ""),
        ("approved", ""),
        ("open", "a"),
        (None, "grand"),
        ("denied", "ma"),
    ):
        pages = []
        for few in (0, 10**9):
            monkeypatch.setattr(storage_queries, "_FEW", few)
            monkeypatch.setattr(storage_queries, "_FEW_SEARCH", few)
            pages.append(
                [
                    r.number
                    for r in queries.list_applications(
                        seeded, queue, search, sort, descending=True, limit=50, offset=10
                    )
                ]
            )
        assert pages[0] == pages[1], (queue, search)


def test_sorting_and_paging(seeded):
    first = queries.list_applications(seeded, None, "", "customer", limit=100)
    assert [r.customer for r in first] == sorted(r.customer for r in first)
    nxt = queries.list_applications(seeded, None, "", "customer", limit=100, offset=100)
    assert first[-1].customer <= nxt[0].customer
    assert not {r.number for r in first} & {r.number for r in nxt}
    balances = queries.list_applications(
        seeded, "awaiting-fee", "", "fee_balance", descending=True, limit=500
    )
    values = [r.fee_balance_cents for r in balances]
    known = [v for v in values if v is not None]  # no fee set: sorted last, descending
    assert values == known + [None] * (len(values) - len(known))
    assert known == sorted(known, reverse=True)
    with pytest.raises(ValueError, match="cannot sort by"):
        queries.list_applications(seeded, sort="shoe size")


def test_search_follows_a_renamed_customer(store, today):
    import dataclasses

    from kcsac.operations import users
    from kcsac.operations.accounts import add_account, update_account
    from kcsac.operations.intake import create_application

    admin = users.ensure_first_admin(store, "ada", today)
    clerk = users.add_user(
        store, admin, login="carl", name="Carl", title="", role="clerk", today=today
    )
    add_account(
        store,
        clerk,
        number="5000-01",
        customer="Old Name Wash",
        service_address="9 Elm St",
        account_class="commercial",
        customer_class="resident",
        today=today,
    )
    app = create_application(store, clerk, account="5000-01", category="car-wash", today=today)
    acct = store.get_account("5000-01")
    update_account(store, clerk, dataclasses.replace(acct, customer="Fresh Suds"), today=today)
    assert [r.number for r in queries.list_applications(store, None, "fresh")] == [app.number]
    assert queries.list_applications(store, None, "old name") == []


def test_export_rows_stream_each_application_with_its_account(seeded):
    rows = seeded.export_rows()
    assert iter(rows) is rows  # a generator: one application at a time
    exported = list(rows)
    assert len(exported) == 1500
    in_order = seeded.conn.execute("SELECT number FROM applications ORDER BY id")
    assert [r.number for r in exported] == [n for (n,) in in_order]
    for r in exported:
        app = seeded.get_application(r.number)
        account = seeded.get_account(app.account)
        assert r == ApplicationExportRow(
            number=app.number,
            account=account.number,
            customer=account.customer,
            service_address=account.service_address,
            category=app.category,
            customer_class=account.customer_class,
            status=app.status,
            received_on=app.received_on,
            fee_cents=app.fee_cents,
            paid_cents=app.paid_cents,
            effective_on=app.effective_on,
            ended_on=app.ended_on,
        )
        assert r.balance_cents == app.balance_cents
    # The seed has every shape: no fee yet, fees owed and paid, credits ended.
    assert {r.balance_cents for r in exported} >= {None, 0}
    assert any(r.balance_cents for r in exported)
    assert any(r.ended_on for r in exported)


def _numbers(store, search: str) -> set[str]:
    return {s.number for s in queries.list_applications(store, None, search, limit=5000)}


def test_search_words_or_minus_and_phrases(seeded):
    """Issue 16: `car AND wash` found 0 where `car wash` found 2; `-wash` was ignored;
    `OR` found 0; category and status were not searched."""
    every = _numbers(seeded, "")
    car_wash = {
        s.number
        for s in queries.list_applications(seeded, None, limit=5000)
        if s.category.value == "car-wash"
    }
    laundry = {
        s.number
        for s in queries.list_applications(seeded, None, limit=5000)
        if s.category.value == "laundry"
    }
    assert car_wash
    assert laundry
    assert _numbers(seeded, "car wash") >= car_wash
    assert _numbers(seeded, "car AND wash") == _numbers(seeded, "car wash")
    assert _numbers(seeded, '"car wash"') >= car_wash
    assert _numbers(seeded, "laundry OR car") >= car_wash | laundry
    assert _numbers(seeded, "-wash") == every - _numbers(seeded, "wash")
    assert not _numbers(seeded, "-wash") & car_wash
    assert queries.count_applications(seeded, None, "laundry OR car") == len(
        _numbers(seeded, "laundry OR car")
    )


def test_search_finds_the_status_words(seeded):
    in_review = {s.number for s in queries.list_applications(seeded, "in-review", limit=5000)}
    assert in_review
    assert _numbers(seeded, '"in review"') >= in_review
    awaiting = _numbers(seeded, "awaiting fee")
    assert awaiting >= {
        s.number for s in queries.list_applications(seeded, "awaiting-fee", limit=5000)
    }


def test_search_follows_a_status_change(seeded):
    number = queries.list_applications(seeded, "in-review", limit=1)[0].number
    assert number in _numbers(seeded, '"in review"')
    seeded.conn.execute("UPDATE applications SET status = 'denied' WHERE number = ?", (number,))
    assert number not in _numbers(seeded, '"in review"')
    assert number in _numbers(seeded, "denied")
