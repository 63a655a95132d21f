"""The fast paths give what the straightforward ones give: billing export and import."""

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account, ConsumptionPeriod, User
from kcsac.domain.roles import Role
from kcsac.domain.schedule import DeterminationTerms
from kcsac.operations import exports, imports
from kcsac.storage import open_store
from kcsac.storage.seeding import seed


def _straightforward_rows(store):
    """The billing export as first written: per credit, its records one query at a time,
    and build_schedule for every period."""
    for number in store.credited_numbers():
        app = store.get_application(number)
        account = store.get_account(app.account)
        periods = store.consumption(app.account)
        for span in exports.credit_spans(store, app):
            d = span.determination
            terms = DeterminationTerms(d.method, d.percent, d.fixed_ccf)
            for p in periods:
                if p.end < span.start or (span.end and p.start > span.end):
                    continue
                yield exports._billing_row(store, app, account.customer_class, span, terms, p)


@pytest.fixture
def seeded(tmp_path):
    store = open_store(tmp_path / "seeded.db")
    seed(store, 400, periods=12, batch=150)
    yield store
    store.close()


def test_billing_rows_equal_the_straightforward_export(seeded):
    want = list(_straightforward_rows(seeded))
    assert len(want) > 2000
    assert any("credit ends" in r["notes"] for r in want)  # revoked and ended credits
    assert len({r["determination"] for r in want if r["application"] == want[0]["application"]})
    assert list(exports.billing_rows(seeded)) == want
    assert list(exports.billing_rows(seeded, quick=False)) == want


def test_billing_rows_through_a_date_leave_later_periods_out(seeded):
    through = dt.date(2026, 10, 1)
    want = [r for r in _straightforward_rows(seeded) if r["period_start"] <= "2026-10-01"]
    assert list(exports.billing_rows(seeded, through=through)) == want


def test_the_two_process_export_writes_the_same_file(seeded):
    one, two = io.StringIO(), io.StringIO()
    n1 = exports.export_billing(seeded, one, processes=1)
    n2 = exports.export_billing(seeded, two, processes=2)
    assert n1 == n2 == len(list(_straightforward_rows(seeded)))
    assert one.getvalue() == two.getvalue()
    assert one.getvalue().count("\n") == n1 + 1


def test_a_metered_credit_falls_back_to_the_engine(seeded):
    """A determination the quick path does not price (deduct meter, no meters) is still
    exported, with the engine's own note."""
    number = seeded.credited_numbers()[0]
    det_id = seeded.credit_spans_bulk()[number][0][1].id
    seeded.conn.execute("DROP TRIGGER determinations_locked")  # test data only
    seeded.conn.execute(
        "UPDATE determinations SET method = 'deduct-meter', percent = NULL, fixed_ccf = NULL "
        "WHERE id = ?",
        (det_id,),
    )
    rows = [r for r in exports.billing_rows(seeded) if r["application"] == number]
    assert rows
    assert rows == [r for r in _straightforward_rows(seeded) if r["application"] == number]
    assert all(r["method"] == "deduct-meter" for r in rows if r["determination"] == str(det_id))


# --- consumption import: the one-pass path for big files and the per-account path agree ---

BAD = (
    "ccf,account,period_end,period_start,extra\n"
    "1,9999,2026-05-31,2026-05-01,x\n"
    " 2 , 1000-01 ,2026-06-20,2026-06-15,\n"
    "3,1000-02,2026-04-30,2026-05-02,\n"
    "abc,1000-03,2027-13-01,20260501,\n"
    "-1,1000-03,2026-08-31,2026-08-01\n"
    ",,,,\n"
    "4,1000-03,2026-09-30,2026-09-01,\n"
    "5,1000-03,2026-09-30,2026-09-01,\n"
    "6,1000-03,2026-09-20,2026-09-10,\n"
    "7,1000-01,2026-05-10,2026-05-05,\n"
    "8,1000-02,2026-07-31,2026-07-01,\n"
)


def _prepared(path):
    store = open_store(path)
    actor = store.insert_user(User(login="a", name="A", title="", role=Role.ADMINISTRATOR), "a")
    for number in ("1000-01", "1000-02", "1000-03"):
        store.insert_account(
            Account(number, "C", "A", AccountClass.COMMERCIAL, CustomerClass.RESIDENT), "a"
        )
    store.put_consumption(
        [
            ConsumptionPeriod("1000-01", dt.date(2026, 5, 1), dt.date(2026, 5, 31), Decimal(10)),
            ConsumptionPeriod("1000-01", dt.date(2026, 6, 1), dt.date(2026, 6, 30), Decimal(11)),
        ]
    )
    return store, actor


@pytest.mark.parametrize("skip_bad", [False, True])
def test_both_import_paths_report_and_store_the_same(tmp_path, monkeypatch, skip_bad):
    f = tmp_path / "use.csv"
    f.write_text(BAD)
    found = []
    for bulk_from in (0, 10**9):
        monkeypatch.setattr(imports, "_BULK_LINES", bulk_from)
        store, actor = _prepared(tmp_path / f"{bulk_from}.db")
        result = imports.import_consumption(
            store, actor, f, today=dt.date(2026, 12, 31), skip_bad=skip_bad
        )
        rows = [tuple(r) for r in store.conn.execute("SELECT * FROM consumption ORDER BY 1, 2")]
        found.append((dataclasses.asdict(result), rows))
        store.close()
    assert found[0] == found[1]
    result, rows = found[0]
    messages = [f"line {b['line']} {b['column']}: {b['message']}" for b in result["bad"]]
    assert (
        "line 2 account: account '9999' is not in kcsac; import it with `kcsac import "
        "accounts` first" in messages
    )
    assert "line 4 period_end: the period ends (2026-04-30) before it starts (2026-05-02)" in (
        messages
    )
    assert "line 5 period_end: '2027-13-01' is not a date (YYYY-MM-DD)" in messages
    assert (
        "line 9 period_start: this period of 1000-03 is also on line 8 with different "
        "values" in messages
    )
    assert any(
        m.startswith("line 10 period_start: the period 2026-09-10..2026-09-20 overlaps")
        for m in messages
    )
    assert (
        "line 11 period_start: the period 2026-05-05..2026-05-10 overlaps 2026-05-01.."
        "2026-05-31 of account 1000-01 (already stored)" in messages
    )
    assert (
        "line 3 period_start: the period 2026-06-15..2026-06-20 overlaps 2026-06-01.."
        "2026-06-30 of account 1000-01 (already stored)" in messages
    )
    if skip_bad:
        assert result["imported"]
        assert result["added"] == 2  # line 8 is good: line 9 is the one that differs
        assert ("1000-02", "2026-07-01", "2026-07-31", "8") in rows
        assert ("1000-03", "2026-09-01", "2026-09-30", "4") in rows
    else:
        assert not result["imported"]
        assert len(rows) == 2  # nothing imported


USUAL = (
    "account,period_start,period_end,ccf\n"
    "1000-01,2026-07-01,2026-07-31,12\n"
    "1000-01,2026-08-01,2026-08-31,13\n"
    "1000-02,2026-07-01,2026-07-31,1.50\n"
    "1000-03,2026-06-01,2026-06-30,7\n"
    "1000-01,2026-06-01,2026-06-30,11\n"  # the same as stored: unchanged
)


@pytest.mark.parametrize("text", [USUAL, BAD])
def test_the_shortcut_for_periods_after_the_stored_ones_changes_nothing(
    tmp_path, monkeypatch, text
):
    """_all_after lets an account whose new periods all follow its stored ones skip the
    comparison; without the shortcut the result and the stored rows are the same."""
    f = tmp_path / "use.csv"
    f.write_text(text)
    found = []
    for shortcut in (True, False):
        if not shortcut:
            monkeypatch.setattr(imports, "_all_after", lambda items, stored: False)
        store, actor = _prepared(tmp_path / f"{shortcut}.db")
        result = imports.import_consumption(
            store, actor, f, today=dt.date(2026, 12, 31), skip_bad=True
        )
        rows = [tuple(r) for r in store.conn.execute("SELECT * FROM consumption ORDER BY 1, 2")]
        found.append((dataclasses.asdict(result), rows))
        store.close()
    assert found[0] == found[1]
    if text is USUAL:
        assert (found[0][0]["added"], found[0][0]["unchanged"]) == (4, 1)


def test_a_failing_second_process_leaves_the_export_to_one(seeded, monkeypatch):
    one = io.StringIO()
    exports.export_billing(seeded, one, processes=1)
    monkeypatch.setattr(exports.sys, "executable", "/bin/false")  # the child cannot run
    two = io.StringIO()
    assert exports.export_billing(seeded, two, processes=2) == one.getvalue().count("\n") - 1
    assert two.getvalue() == one.getvalue()
