"""The schedule of a stored credit is computed once (operations.credit_schedule): the
schedule document and the billing hand-off agree on every credit, both are built from what
was signed, and an account's credits never credit the same water twice (rule 6)."""

import collections
import csv
import datetime as dt
from decimal import Decimal

import pytest

from benchmarks.seeding import seed
from kcsac.app import main
from kcsac.domain.records import ConsumptionPeriod
from kcsac.operations import admin, approvals, exports, previews
from kcsac.operations.credit_schedule import credit_schedule
from kcsac.operations.demo import load_demo
from kcsac.operations.determinations import enter_determination
from kcsac.operations.documents.schedules import build_schedule_document
from kcsac.operations.errors import Refused
from kcsac.storage import open_store
from tests.operations.conftest import PASSWORD, make_file

PREPARED = dt.date(2026, 10, 30)


def _cents(text: str) -> int:
    return int(Decimal(text or "0") * 100)


def _handoff_totals(store) -> dict[str, int]:
    totals: dict[str, int] = collections.defaultdict(int)
    for row in exports.billing_rows(store):
        totals[row["application"]] += _cents(row["credit"])
    return dict(totals)


def _schedule_totals(store) -> dict[str, int]:
    found = {}
    for number in store.credited_numbers():
        if credit_schedule(store, number).history is None:
            continue  # no billing period yet: no schedule, no hand-off row
        found[number] = build_schedule_document(store, number, prepared_on=PREPARED).totals
    return {n: t.credit_cents for n, t in found.items()}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(path)
    load_demo(store)
    store.close()
    return path


def test_the_demo_s_schedules_and_hand_off_agree_on_every_credit(demo_db):
    """Issue 14: SAC-2026-0013's hand-off credited $638.55 while its schedule showed
    $221.67 (the periods under its first terms were in no schedule)."""
    store = open_store(demo_db)
    try:
        handoff = _handoff_totals(store)
        schedules = _schedule_totals(store)
        assert schedules == handoff
        assert len(schedules) >= 15
        assert schedules["SAC-2026-0013"] == 63855
    finally:
        store.close()


def test_a_generated_data_set_s_schedules_and_hand_off_agree_on_every_credit(tmp_path):
    """benchmarks.seeding: amended, revoked and ended credits among 400 applications."""
    store = open_store(tmp_path / "seeded.db")
    try:
        seed(store, 400, periods=12, batch=150)
        handoff = _handoff_totals(store)
        schedules = _schedule_totals(store)
        assert schedules == handoff
        assert len(schedules) > 200
        notes = [r["notes"] for r in exports.billing_rows(store)]
        assert any(n.startswith("terms changed inside this period") for n in notes)
        assert any(n.startswith("credit ends ") for n in notes)
    finally:
        store.close()


# --- built from what was signed -------------------------------------------------------------


@pytest.fixture
def signed_at_8(store, people, today):
    """A resident car wash signed at p = 8 %, with three months of billing periods."""
    app = make_file(store, people, today, determination=False)
    enter_determination(
        store,
        people.reviewer,
        app.number,
        method="percentage",
        percent="8",
        justification="bay losses",
        today=dt.date(2026, 7, 15),
    )
    approvals.approve(
        store,
        people.director,
        app.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 1),
        backdated_reason="paper signature",
    )
    store.put_consumption(
        [
            ConsumptionPeriod(app.account, dt.date(2026, m, 1), dt.date(2026, m, last), Decimal(v))
            for m, last, v in ((8, 31, "250"), (9, 30, "260"), (10, 31, "240"))
        ]
    )
    return app.number


def _tamper(store, number, percent):
    [d] = store.determinations(number)
    store.conn.execute("DROP TRIGGER IF EXISTS determinations_locked")  # what an intruder does
    store.conn.execute("UPDATE determinations SET percent = ? WHERE id = ?", (percent, d.id))
    return d.id


def test_a_determination_changed_after_signing_never_raises_the_credit(
    store, signed_at_8, db_path, tmp_path, capsys
):
    """Issue 13: 8 -> 95 in the determinations row raised a credit from $261.03 to $3,099.70
    per period in the hand-off while the letter still said 8 %. Now the schedule, the
    hand-off and the previews refuse the credit by name (application and field)."""
    number = signed_at_8
    # 8 % of 250, 260 and 240 ccf at $12.90: $258.00 + $268.32 + $247.68
    assert _handoff_totals(store)[number] == 77400
    det_id = _tamper(store, number, "95")
    expected = (
        f"{number}: determination {det_id}'s percent is 95 in the records but 8 as signed on "
        "2026-08-01"
    )
    with pytest.raises(Refused, match=expected):
        build_schedule_document(store, number, prepared_on=PREPARED)
    rows = [r for r in exports.billing_rows(store) if r["application"] == number]
    assert [r["credit"] for r in rows] == [""]
    assert rows[0]["notes"].startswith(f"refused: {expected}")
    preview = previews.signing_preview(store, number, today=PREPARED, signed_on=PREPARED)
    assert not preview.ok
    assert expected in preview.message
    store.close()
    out = tmp_path / "billing.csv"
    assert main(["export", "billing", str(out), "--db", str(db_path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"kcsac: credit refused: {expected}")
    assert err.count("\n") == 1
    [row] = [r for r in csv.DictReader(out.read_text().splitlines()) if r["application"] == number]
    assert row["credit"] == ""


def test_the_hand_off_reads_the_terms_as_signed(store, signed_at_8):
    """The figures come from the signed snapshot: 8 % of 250 ccf credits 20 ccf."""
    rows = [r for r in exports.billing_rows(store) if r["application"] == signed_at_8]
    assert [r["credited_ccf"] for r in rows] == ["20", "20.8", "19.2"]
    assert rows[0]["credit"] == "258.00"


# --- rule 6: one account's credits together ---------------------------------------------------


@pytest.fixture
def wash_and_laundry(store, people, today):
    """A car wash credit (60 %) from 2026-08-01 and a laundry (50 %) on the same account,
    the second awaiting its signature; billing periods August and September."""
    numbers = []
    for category, percent in (("car-wash", "60"), ("laundry", "50")):
        app = make_file(store, people, today, category=category, determination=False)
        enter_determination(
            store,
            people.reviewer,
            app.number,
            method="percentage",
            percent=percent,
            justification="measured",
            today=dt.date(2026, 7, 15),
        )
        numbers.append(app.number)
    approvals.approve(
        store,
        people.director,
        numbers[0],
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 1),
        backdated_reason="paper signature",
    )
    account = store.get_application(numbers[0]).account
    store.put_consumption(
        [
            ConsumptionPeriod(account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(100)),
            ConsumptionPeriod(account, dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal(100)),
        ]
    )
    return numbers


def test_the_signing_preview_shows_a_period_credited_twice(store, wash_and_laundry, today):
    wash, laundry = wash_and_laundry
    preview = previews.signing_preview(store, laundry, today=today, signed_on=dt.date(2026, 8, 20))
    # August: 60 + 50 x 12/31 = 79.4 ccf of 100; September: 60 + 50 = 110 ccf of 100
    assert [line.start for line in preview.lines] == [dt.date(2026, 8, 1)]
    [twice] = preview.double_credits
    assert twice.startswith(
        f"Period 2026-09-01 to 2026-09-30 left out: credited twice: {laundry} and {wash} "
        "together credit 110 ccf, more than the 100 ccf purchased"
    )
    assert twice in preview.caption


def test_a_period_credited_twice_is_credited_by_neither_in_schedule_and_hand_off(
    store, people, wash_and_laundry, today
):
    wash, laundry = wash_and_laundry
    approvals.approve(
        store,
        people.director,
        laundry,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 8, 20),
        backdated_reason="paper signature",
    )
    rows = {(r["application"], r["period_start"]): r for r in exports.billing_rows(store)}
    for number, other in ((wash, laundry), (laundry, wash)):
        september = rows[(number, "2026-09-01")]
        assert september["credit"] == ""
        assert september["notes"].startswith("not computed: credited twice: ")
        assert number in september["notes"]
        assert other in september["notes"]
        doc = build_schedule_document(store, number, prepared_on=PREPARED)
        assert [r.start for r in doc.rows] == [dt.date(2026, 8, 1)]
        assert any(
            n.startswith("Period 2026-09-01 to 2026-09-30 left out: credited twice")
            for n in doc.notes
        )
        assert doc.totals.credit_cents == _cents(rows[(number, "2026-08-01")]["credit"])
    assert rows[(wash, "2026-08-01")]["credit"] == "774.00"  # 60 ccf x $12.90


# --- the determination editor's preview has the surcharge limits --------------------------------


def test_every_preview_passes_the_surcharge_limits(store, people, today, signed_at_8):
    admin.set_surcharge_limits(
        store, people.admin, bod="300", ss="300", og="100", citation="example", today=today
    )
    preview = previews.determination_preview(
        store,
        signed_at_8,
        today=today,
        terms=credit_schedule(store, signed_at_8).spans[0].terms,
        effective_on=dt.date(2026, 9, 15),
    )
    assert preview.history.limits is not None
    assert any("normal-sewage limits BOD 300" in n for n in preview.notes)
    signing = previews.signing_preview(store, signed_at_8, today=today, signed_on=today)
    assert signing.history.limits is not None
