"""The fast paths give what the straightforward ones give: billing export and import."""

import dataclasses
import datetime as dt
import io
import sqlite3
from decimal import Decimal

import pytest

from benchmarks.seeding import seed
from kcsac.domain.credit_lines import LeftOut
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account, ConsumptionPeriod, User
from kcsac.domain.roles import Role
from kcsac.operations import exports
from kcsac.operations.credit_schedule import credit_schedule
from kcsac.operations.errors import Refused
from kcsac.operations.imports import consumption, consumption_bulk, consumption_rows, csv_files
from kcsac.storage import open_store


def _straightforward_rows(store, through=None):
    """The billing export the straightforward way: per credit, its schedule from the one
    operation (operations.credit_schedule, records read one query at a time, every period
    priced by build_schedule), its lines in date order."""
    for number in store.credited_numbers():
        app = store.get_application(number)
        head = (number, app.account, store.get_account(app.account).customer_class.value)
        found = credit_schedule(store, number, through=through)
        if found.history is None:
            continue
        history = found.history
        for line in sorted((*history.lines, *history.left_out), key=lambda x: (x[0], x[1])):
            if isinstance(line, LeftOut):
                values = exports._left_out_row(head, found.spans, line, None)
            else:
                values = exports._line_row(head, line, history.volume_rounding.value)
            yield dict(zip(exports.BILLING_COLUMNS, values, strict=True))


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
    want = list(_straightforward_rows(seeded, through))
    assert want
    assert all(r["period_start"] <= "2026-10-01" for r in want)
    assert list(exports.billing_rows(seeded, through=through)) == want


def test_the_two_process_export_writes_the_same_file(seeded):
    one, two = io.StringIO(), io.StringIO()
    n1 = exports.export_billing(seeded, one, processes=1)
    n2 = exports.export_billing(seeded, two, processes=2)
    assert n1 == n2 == len(list(_straightforward_rows(seeded)))
    assert one.getvalue() == two.getvalue()
    assert one.getvalue().count("\n") == n1 + 1


def test_a_determination_changed_outside_kcsac_is_refused_by_name(seeded):
    """Issue 13: the hand-off read the editable determinations row, not what was signed: a
    signed percentage changed behind kcsac's back (8 -> 95 in the issue) raised the credit
    while the letter still said 8 %. Now the credit is one row, "refused: ...", naming the
    application and the field, and no figure; the other credits are untouched."""
    before = list(exports.billing_rows(seeded))
    number = next(r["application"] for r in before if r["method"] == "percentage" and r["credit"])
    [(decision, row)] = seeded.credit_spans_bulk()[number][:1]
    seeded.conn.execute("DROP TRIGGER determinations_locked")  # the tampering, for the test
    seeded.conn.execute("UPDATE determinations SET percent = '95' WHERE id = ?", (row.id,))
    after = list(exports.billing_rows(seeded))
    [refused] = [r for r in after if r["application"] == number]
    assert refused["notes"] == (
        f"refused: {number}: determination {row.id}'s percent is 95 in the records but "
        f"{row.percent} as signed on {decision.effective_on.isoformat()}; the record was "
        "changed outside kcsac; restore a backup (kcsac audit verify)"
    )
    assert refused["credit"] == refused["credited_ccf"] == ""
    assert [r for r in after if r["application"] != number] == [
        r for r in before if r["application"] != number
    ]
    assert exports.billing_refusals(seeded) == [refused["notes"].removeprefix("refused: ")]
    with pytest.raises(Refused, match=f"{number}: determination {row.id}'s percent is 95"):
        credit_schedule(seeded, number)


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
    # The last one, with a backslash, cannot go into a JSON text as it is.
    for number in ("1000-01", "1000-02", "1000-03", "1000\\04", "Zoë-05"):
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
        monkeypatch.setattr(consumption, "BULK_LINES", bulk_from)
        store, actor = _prepared(tmp_path / f"{bulk_from}.db")
        result = consumption.import_consumption(
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
            monkeypatch.setattr(consumption_rows, "all_after", lambda items, stored: False)
        store, actor = _prepared(tmp_path / f"{shortcut}.db")
        result = consumption.import_consumption(
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


def test_a_save_between_the_two_halves_redoes_the_export_in_one_process(seeded, monkeypatch):
    """The file shows one moment: a save that lands while the halves are computed (here,
    right after this process's half) sends the export back to one process, which then
    writes the records as they are after the save."""
    number = seeded.credited_numbers()[-1]
    account = seeded.get_application(number).account
    later = ConsumptionPeriod(account, dt.date(2027, 5, 1), dt.date(2027, 5, 31), Decimal(9))
    real = exports._billing_values
    calls = []

    def first_half_then_a_save(store, **kwargs):
        calls.append(kwargs)
        yield from real(store, **kwargs)
        if kwargs.get("before_id") is not None:
            other = open_store(seeded.path)  # another desk saves meanwhile
            other.put_consumption([later])
            other.close()

    monkeypatch.setattr(exports, "_billing_values", first_half_then_a_save)
    two = io.StringIO()
    n = exports.export_billing(seeded, two, processes=2)
    assert [c.get("before_id") is not None for c in calls] == [True, False]  # redone whole
    monkeypatch.setattr(exports, "_billing_values", real)
    one = io.StringIO()
    assert exports.export_billing(seeded, one, processes=1) == n
    assert two.getvalue() == one.getvalue()
    saved = [r for r in two.getvalue().splitlines() if r.startswith(f"{number},{account},")]
    assert any(",2027-05-01,2027-05-31," in r for r in saved)  # the period saved meanwhile


# --- the bulk path for large files: chunks, TEMP tables, column-wise checks ---------------


def _import(tmp_path, name, text, *, skip_bad=True, today=dt.date(2026, 12, 31)):
    """(result as a dict, stored rows) of importing `text` into a fresh prepared database."""
    f = tmp_path / f"{name}.csv"
    f.write_bytes(text.encode("utf-8"))
    store, actor = _prepared(tmp_path / f"{name}.db")
    try:
        result = consumption.import_consumption(store, actor, f, today=today, skip_bad=skip_bad)
        rows = [tuple(r) for r in store.conn.execute("SELECT * FROM consumption ORDER BY 1, 2")]
        temp = store.conn.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0]
        assert temp == 0  # the TEMP tables are gone
    finally:
        store.close()
    return dataclasses.asdict(result), rows


def _both_paths(tmp_path, monkeypatch, text, **kwargs):
    """The small path's answer, and the bulk path's in chunks of a few lines (so every
    chunk boundary and batch is exercised); asserts they are the same."""
    monkeypatch.setattr(consumption, "BULK_LINES", 10**9)
    small = _import(tmp_path, "small", text, **kwargs)
    monkeypatch.setattr(consumption, "BULK_LINES", 0)
    monkeypatch.setattr(consumption_bulk, "_CHUNK_CHARS", 40)
    monkeypatch.setattr(consumption_bulk, "_BATCH", 3)
    monkeypatch.setattr(csv_files, "_CHUNK", 30)
    bulk = _import(tmp_path, "bulk", text, **kwargs)
    assert bulk == small
    return small


GOOD_PLAIN = "account,period_start,period_end,ccf\n" + "".join(
    f"1000-0{a},2026-{m:02d}-01,2026-{m:02d}-{d},{a}{m}.5\n"
    for m, d in ((7, 31), (8, 31), (9, 30))
    for a in (1, 2, 3)
)
MIXED = [
    BAD,
    BAD.replace("\n", "\r\n"),  # Windows line ends
    BAD + "\n\n",  # blank lines at the end
    BAD.rstrip("\n"),  # no line end on the last line
    GOOD_PLAIN,
    GOOD_PLAIN + "1000-02,2026-09-01,2026-09-30,29.5\n",  # the same row again: no problem
    GOOD_PLAIN + "1000-02,2026-09-01,2026-09-30,29.50\n",  # the same volume written longer
    GOOD_PLAIN.replace("1000-01,2026-08-01", "1000-01,2026-07-15"),  # overlaps July
    GOOD_PLAIN.replace(",37.5\n", ",007\n").replace(",28.5\n", ",0.0000001\n"),
    GOOD_PLAIN.replace("\n1000-03,2026-09-01", "\n1000-03,2026-09-31"),  # no such day
    GOOD_PLAIN + "1000-01,2026-06-01,2026-06-30,11\n",  # as stored: unchanged
    GOOD_PLAIN + "1000-01,2026-06-01,2026-06-30,12\n",  # stored, other volume: changed
    GOOD_PLAIN.replace(
        "account,period_start,period_end,ccf", "ACCOUNT , period_start,period_end,ccf"
    ),
    # columns in another order, one more, quoted cells (one holding a line break)
    "period_end,note,account,ccf,period_start\n"
    + "".join(
        f'2026-{m:02d}-28,"n {a}\n{m}",1000-0{a},{a},2026-{m:02d}-01\n'
        for m in (7, 8)
        for a in (1, 2, 3)
    )
    + "2026-09-28,,1000-01,-4,2026-09-01\n",
    # the same without quotes: the quick path reorders the columns itself
    "period_end,note,account,ccf,period_start\n"
    + "".join(
        f"2026-{m:02d}-28,n {a},1000-0{a},{a}.25,2026-{m:02d}-01\n"
        for m in (7, 8, 9)
        for a in (1, 2, 3)
    ),
    GOOD_PLAIN.replace("\n1000-02,2026-08-01", "\r1000-02,2026-08-01"),  # a lone CR
    GOOD_PLAIN.replace(",2026-09-01,", ", 2026-09-01 ,"),  # spaces around a date
    GOOD_PLAIN.replace("1000-03,2026-09-01,2026-09-30", "1000-03,2026-09-01,2027-01-30"),
    GOOD_PLAIN.replace("1000-03,2026-08-01,2026-08-31", "1000-03,2026-08-31,2026-08-01"),
    GOOD_PLAIN.replace("1000-01,2026-07-01", "Ünïcode-01,2026-07-01"),  # unknown account
    GOOD_PLAIN.replace("1000-02,", "1000\\04,"),  # a known account JSON would escape
    GOOD_PLAIN.replace("1000-03,", "Zoë-05,"),  # a known account not in ASCII
    GOOD_PLAIN.replace(
        "account,period_start,period_end,ccf", "account,period_start,period_end,ccf,x"
    )
    .replace("\n1", ",\x0c\n1")
    .replace("29.5\n", "29.5,\x0c\n"),  # a form feed: a line break to splitlines, not csv
    GOOD_PLAIN.replace("1000-02,2026-08-01,2026-08-31,28.5", "1000-02,2026-08-01,2026-08-31"),
]


@pytest.mark.parametrize("skip_bad", [False, True])
@pytest.mark.parametrize("text", MIXED, ids=range(len(MIXED)))
def test_the_bulk_path_reports_and_stores_what_the_small_path_does(
    tmp_path, monkeypatch, text, skip_bad
):
    _both_paths(tmp_path, monkeypatch, text, skip_bad=skip_bad)


def test_many_accounts_compared_in_full_read_the_table_once_with_the_same_result(
    tmp_path, monkeypatch
):
    text = GOOD_PLAIN + "1000-01,2026-06-01,2026-06-30,12\n1000-02,2026-07-01,2026-07-31,9\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    want = _both_paths(tmp_path / "a", monkeypatch, text)
    monkeypatch.setattr(consumption_bulk, "_MANY_ACCOUNTS", 0)
    assert _import(tmp_path / "b", "bulk", text) == want
    assert want[0]["changed"] == 1  # June of 1000-01
    assert [b["line"] for b in want[0]["bad"]] == [12]  # July of 1000-02 again, other ccf


def test_a_bad_row_after_many_good_ones_imports_nothing(tmp_path):
    """A large file (the bulk path) whose last row is bad: nothing is written, the
    consumption table and the audit trail are as they were."""
    store, actor = _prepared(tmp_path / "big.db")
    for n in range(3, 200):
        store.insert_account(
            Account(f"2000-{n:03d}", "C", "A", AccountClass.COMMERCIAL, CustomerClass.RESIDENT),
            "a",
        )
    lines = ["account,period_start,period_end,ccf"]
    for month in range(1, 13):
        end = (dt.date(2025 + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        lines += [f"2000-{n:03d},2025-{month:02d}-01,{end},{n}.{month}" for n in range(3, 200)]
    lines.append("2000-003,2026-01-01,2026-01-31,-1")  # bad, on the last line
    f = tmp_path / "big.csv"
    f.write_text("\n".join(lines) + "\n")
    assert len(lines) > consumption.BULK_LINES
    dump = "\n".join(store.conn.iterdump())
    audit = len(store.audit_events(limit=10**6))
    result = consumption.import_consumption(store, actor, f, today=dt.date(2026, 12, 31))
    assert not result.imported
    assert [str(b) for b in result.bad] == [
        f"line {len(lines)}, column 4 (ccf): '-1' is not a volume in ccf "
        "(a number written out, 0 or more, e.g. 1000 or 12.5)"
    ]
    assert result.bad[0].cells == ("2000-003", "2026-01-01", "2026-01-31", "-1")
    assert "\n".join(store.conn.iterdump()) == dump
    assert len(store.audit_events(limit=10**6)) == audit
    # Without the bad row it all goes in, and the same file again changes nothing.
    f.write_text("\n".join(lines[:-1]) + "\n")
    result = consumption.import_consumption(store, actor, f, today=dt.date(2026, 12, 31))
    assert (result.imported, result.added, result.changed, result.bad) == (True, 197 * 12, 0, [])
    again = consumption.import_consumption(store, actor, f, today=dt.date(2026, 12, 31))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 197 * 12)
    # The import's row and the row binding the consumption seals (kcsac.storage.seals).
    assert len(store.audit_events(limit=10**6)) == audit + 2
    store.close()


def test_a_locked_database_stops_the_bulk_path_with_nothing_saved(tmp_path, monkeypatch):
    from kcsac.storage.errors import DatabaseBusy

    monkeypatch.setattr(consumption, "BULK_LINES", 0)
    f = tmp_path / "use.csv"
    f.write_text(GOOD_PLAIN)
    store, actor = _prepared(tmp_path / "locked.db")
    store.conn.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="nothing was saved"):
            consumption.import_consumption(store, actor, f, today=dt.date(2026, 12, 31))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.conn.execute("SELECT count(*) FROM consumption").fetchone()[0] == 2
    assert store.conn.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0] == 0
    result = consumption.import_consumption(store, actor, f, today=dt.date(2026, 12, 31))
    assert result.added == 9  # once the lock is gone, the same import works
    store.close()


@pytest.mark.parametrize(
    "text",
    [
        "a\nb\r\nc\rd\x0be\x0cf\x1cg\x85h\u2028i\n\nj",
        "x" * 50 + "\r\n" + "y" * 50 + "\r" + "\n" * 3 + "z\x0b" * 40,
        "",
        "\n",
    ],
)
def test_lines_split_as_csv_reads_a_file(monkeypatch, text):
    monkeypatch.setattr(csv_files, "_CHUNK", 7)
    assert list(csv_files.text_lines(text)) == list(io.StringIO(text, newline=""))
