"""Metered credits: the schedule document and the billing export get each period's D, B and
credit from one computation of the readings (real SQLite files, real demo data)."""

import datetime as dt
import shutil
from decimal import Decimal
from fractions import Fraction

import pytest

from kcsac.domain.category import Category
from kcsac.domain.records import ConsumptionPeriod, MeterRole, MeterUnit
from kcsac.domain.status import Status
from kcsac.domain.volume import round_half_up
from kcsac.operations import approvals, meters
from kcsac.operations.credit_schedule import credit_schedule
from kcsac.operations.demo import load_demo
from kcsac.operations.determinations import enter_determination
from kcsac.operations.documents.schedules import build_schedule_document
from kcsac.operations.exports import billing_rows
from kcsac.storage import open_store
from tests.operations.conftest import PASSWORD, make_file

D = dt.date
PREPARED = D(2026, 10, 30)


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def _two(text: str) -> str:
    """A volume as the schedule's table shows it: 2 places, half-up, thousands commas."""
    return f"{round_half_up(Decimal(text), 2):,}"


def _export(store, number: str) -> dict[str, dict[str, str]]:
    return {r["period_start"]: r for r in billing_rows(store) if r["application"] == number}


def _engine_rows(store, number: str):
    """The credit's schedule lines (full precision) and its left-out notes."""
    found = credit_schedule(store, number)
    return found.history.lines, list(found.notes)


def assert_schedule_matches_export(store, number: str) -> int:
    """Every priced period: the same D, B and credit in the schedule (engine rows and the
    document's table) and in the billing export; every period the schedule leaves out is
    'not computed' in the export with the same reason. Returns the periods compared."""
    exported = _export(store, number)
    rows, notes = _engine_rows(store, number)
    document = build_schedule_document(store, number, prepared_on=PREPARED)
    assert len(document.rows) == len(rows)
    for r, shown in zip(rows, document.rows, strict=True):
        e = exported.pop(r.start.isoformat())
        assert e["period_end"] == r.end.isoformat()
        assert Decimal(e["diverted_ccf"]) == r.diverted_ccf, (number, r.start)
        assert Decimal(e["billed_ccf"]) == r.billed_ccf, (number, r.start)
        assert _cents(e["credit"]) == r.credit_cents, (number, r.start)
        assert (shown.diverted_ccf, shown.billed_ccf) == (
            _two(e["diverted_ccf"]),
            _two(e["billed_ccf"]),
        )
        assert shown.credit_cents == _cents(e["credit"])
    for note in (n for n in notes if " left out: meter " in n or "no reading" in n):
        start = note.removeprefix("Period ")[:10]
        e = exported.pop(start)
        reason = note.split(" left out: ", 1)[1].removesuffix(".")
        assert e["notes"] == f"not computed: {reason}"
        assert e["credit"] == e["diverted_ccf"] == e["billed_ccf"] == ""
    # What the export has beyond the schedule: only periods before the effective date's
    # period (none here) or after the credit ended.
    assert not exported, exported
    return len(rows)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(path)
    load_demo(store)
    store.close()
    return path


def _metered(store) -> list:
    return [
        store.get_application(s.number)
        for s in store.list_summaries(limit=1000)
        if s.status is Status.APPROVED
        and s.category in (Category.EVAPORATION, Category.IRRIGATION, Category.SEWER_METERING)
    ]


def test_every_metered_demo_credit_has_the_same_figures_in_schedule_and_export(demo_db):
    store = open_store(demo_db)
    try:
        metered = _metered(store)
        assert {a.category for a in metered} == {
            Category.EVAPORATION,
            Category.IRRIGATION,
            Category.SEWER_METERING,
        }
        compared = sum(assert_schedule_matches_export(store, a.number) for a in metered)
        assert compared >= 3 * len(metered)
    finally:
        store.close()


def test_demo_meters_start_at_their_activation_reading(demo_db):
    """The demo's meters: the activation reading is the register on the effective date, and
    every reading is after it and not below it."""
    store = open_store(demo_db)
    try:
        for app in _metered(store):
            for m in store.meters(app.number):
                readings = store.readings(m.id)
                assert m.activation_reading is not None
                assert m.activation_reading > 0
                assert readings
                assert all(r.read_on >= app.effective_on for r in readings)
                assert readings[0].value >= m.activation_reading
    finally:
        store.close()


def test_no_demo_schedule_has_a_negative_credit(demo_db):
    """RULES.md allows a negative credit only for a sewer meter above the purchase (billed as
    measured); the demo's sewer meters read below it, so no row is negative."""
    store = open_store(demo_db)
    try:
        for app in _metered(store):
            document = build_schedule_document(store, app.number, prepared_on=PREPARED)
            assert all(r.credit_cents >= 0 for r in document.rows), app.number
        for r in billing_rows(store):
            if r["credit"]:
                assert _cents(r["credit"]) >= 0, r
    finally:
        store.close()


def test_a_period_the_meter_has_not_been_read_for_is_left_out_of_both(demo_db, tmp_path):
    """The trial's October: imported purchase, no sewer meter reading yet."""
    path = tmp_path / "october.db"
    shutil.copy(demo_db, path)
    store = open_store(path)
    try:
        app = next(a for a in _metered(store) if a.category is Category.SEWER_METERING)
        store.put_consumption(
            [ConsumptionPeriod(app.account, D(2026, 10, 1), D(2026, 10, 31), 120)]
        )
        october = _export(store, app.number)["2026-10-01"]
        serial = store.meters(app.number)[0].serial
        reason = (
            f"meter {serial} has no reading on or after 2026-10-31 yet (readings are never "
            "estimated)"
        )
        assert october["notes"] == f"not computed: {reason}"
        assert october["credit"] == october["billed_ccf"] == october["diverted_ccf"] == ""
        document = build_schedule_document(store, app.number, prepared_on=PREPARED)
        assert f"Period 2026-10-01 to 2026-10-31 left out: {reason}." in document.notes
        assert "2026-10-01" not in [r.start.isoformat() for r in document.rows]
        assert_schedule_matches_export(store, app.number)
    finally:
        store.close()


# --- a sewer-metered credit built step by step ---------------------------------------------


def _sewer_credit(store, people, today, *, activation: str, readings: list[tuple[dt.date, str]]):
    """A resident sewer-metering credit signed 2026-07-12 (inside July), its sewer meter
    (ft3) with `activation` as the activation reading, and June..September purchases."""
    app = make_file(store, people, today, category="sewer-metering", determination=False)
    enter_determination(
        store, people.reviewer, app.number, method="sewer-meter", today=D(2026, 7, 10)
    )
    meter = meters.add_meter(
        store,
        people.clerk,
        app.number,
        role=MeterRole.SEWER,
        serial="SM-1",
        unit=MeterUnit.FT3,
        today=D(2026, 7, 10),
        installed_on=D(2026, 6, 20),
        activation_reading=activation,
    )
    for read_on, value in readings:
        meters.record_reading(
            store, people.clerk, meter.id, read_on=read_on, value=value, today=PREPARED
        )
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=D(2026, 7, 12))
    store.put_consumption(
        [
            ConsumptionPeriod(app.account, D(2026, 6, 1), D(2026, 6, 30), Decimal(90)),
            ConsumptionPeriod(app.account, D(2026, 7, 1), D(2026, 7, 31), Decimal(100)),
            ConsumptionPeriod(app.account, D(2026, 8, 1), D(2026, 8, 31), Decimal(117)),
            ConsumptionPeriod(app.account, D(2026, 9, 1), D(2026, 9, 30), Decimal(134)),
        ]
    )
    return store.get_application(app.number)


def test_the_first_period_counts_from_the_activation_reading(store, people, today):
    app = _sewer_credit(
        store,
        people,
        today,
        activation="20000",
        readings=[(D(2026, 7, 31), "26000"), (D(2026, 8, 31), "33000")],
    )
    assert app.effective_on == D(2026, 7, 12)
    rows, notes = _engine_rows(store, app.number)
    july, august = rows
    # S = (26,000 - 20,000) ft3 = 60 ccf from the activation on 07-12; D = 100 - 60 = 40.
    assert (july.sewer_ccf, july.diverted_ccf, july.factor_text) == (60, 40, "20/31")
    # RULES.md, "First metered period": S covers only 07-12..31, so the 11 days before are
    # billed on the purchase: B = P x (1 - f) + S = 100 x 11/31 + 60 (not P - D x f).
    assert july.metered_from == D(2026, 7, 12)
    assert july.billed_exact == 100 * Fraction(11, 31) + 60
    # unadjusted 100 x $12.90 = $1,290.00; adjusted 95.483871 x $12.90 = $1,231.74
    assert (july.volume_charge_cents, july.credit_cents) == (123174, 5826)
    assert "B = P x 11/31 + S" in july.flags[0]
    assert (august.sewer_ccf, august.diverted_ccf, august.credit_cents) == (70, 47, 47 * 1290)
    # September has a purchase but no reading: left out, never estimated.
    assert notes == [
        "Period 2026-09-01 to 2026-09-30 left out: meter SM-1 has no reading on or after "
        "2026-09-30 yet (readings are never estimated)."
    ]
    assert assert_schedule_matches_export(store, app.number) == 2
    exported = _export(store, app.number)
    assert "2026-06-01" not in exported  # June ends before the effective date


def test_an_activation_reading_below_an_earlier_reading_is_not_priced(store, people, today):
    """The trial's data: the register read 18,865 ft3 on 06-30, the activation reading says 0
    on 07-12. Counting July from 0 would bill 243.65 ccf of sewer for 100 purchased; kcsac
    leaves July out of both documents and says what to correct."""
    app = _sewer_credit(
        store,
        people,
        today,
        activation="0",
        readings=[(D(2026, 6, 30), "18865"), (D(2026, 7, 31), "24365"), (D(2026, 8, 31), "30800")],
    )
    rows, notes = _engine_rows(store, app.number)
    assert [r.start for r in rows] == [D(2026, 8, 1)]  # August counts from the July reading
    assert rows[0].sewer_ccf == Decimal("64.35")
    assert notes[0] == (
        "Period 2026-07-01 to 2026-07-31 left out: meter SM-1 read 18865 on 2026-06-30, above "
        "its activation reading 0 at 2026-07-12; correct the activation reading (the register "
        "on the effective date)."
    )
    assert assert_schedule_matches_export(store, app.number) == 1


def test_a_sewer_meter_above_the_purchase_is_the_one_negative_credit(store, people, today):
    """RULES.md: S above P is billed as measured, so B is above P and the credit (unadjusted
    less adjusted) is negative; the row says so, and the export has the same figures."""
    app = _sewer_credit(
        store,
        people,
        today,
        activation="20000",
        readings=[(D(2026, 7, 31), "20000"), (D(2026, 8, 31), "32000")],
    )
    rows, _ = _engine_rows(store, app.number)
    july, august = rows
    assert july.sewer_ccf == 0
    assert july.credit_cents > 0
    assert (august.sewer_ccf, august.billed_ccf, august.credit_cents) == (120, 120, -3 * 1290)
    assert "billed as measured (B = S, above P)" in august.flags[0]
    assert "the credit is negative, an added charge" in august.flags[0]
    assert assert_schedule_matches_export(store, app.number) == 2


def test_a_replacement_inside_a_period_is_left_to_a_person(store, people, today):
    app = _sewer_credit(
        store,
        people,
        today,
        activation="20000",
        readings=[(D(2026, 7, 31), "26000")],
    )
    meter = store.meters(app.number)[0]
    meters.record_reading(
        store,
        people.clerk,
        meter.id,
        read_on=D(2026, 8, 15),
        value="100",
        replacement=True,
        note="new register",
        today=PREPARED,
    )
    meters.record_reading(
        store, people.clerk, meter.id, read_on=D(2026, 8, 31), value="3100", today=PREPARED
    )
    _, notes = _engine_rows(store, app.number)
    assert (
        "Period 2026-08-01 to 2026-08-31 left out: meter SM-1 was replaced or rolled over on "
        "2026-08-15: the use across it needs a person (RULES.md gives no rule for it)."
    ) in notes
    assert assert_schedule_matches_export(store, app.number) == 1


def test_a_credit_revoked_inside_a_period_has_the_export_s_credit_in_the_schedule(demo_db):
    """The schedule no longer credits the days after a revocation: the period it ends in has
    the billing export's credit (from the effective date, less from the day after the end)."""
    store = open_store(demo_db)
    try:
        revoked = [s.number for s in store.list_summaries(limit=1000) if s.status is Status.REVOKED]
        assert revoked
        ends_inside = 0
        for number in revoked:
            exported = _export(store, number)
            document = build_schedule_document(store, number, prepared_on=PREPARED)
            for row in document.rows:
                e = exported[row.start.isoformat()]
                assert row.credit_cents == _cents(e["credit"]), (number, row.start)
                assert row.billed_ccf == _two(e["billed_ccf"])
                if "inside this period" in row.note:
                    ends_inside += 1
                    assert row.note == e["notes"]
                    assert Fraction(row.credited_share) == Fraction(e["factor"])
            assert not any("credit ends" in line for line in document.worked_example)
        assert ends_inside
    finally:
        store.close()


def test_a_meter_added_to_a_running_credit_leaves_the_periods_before_it_alone(demo_db, tmp_path):
    """The trial's case: a second blow-down meter added to an approved evaporation credit
    used to leave its earlier periods 'not computed'; it counts from its installation on."""
    path = tmp_path / "copy.db"
    shutil.copy(demo_db, path)
    store = open_store(path)
    try:
        number = "SAC-2026-0010"
        before = _export(store, number)
        clerk = store.get_user("demo-clerk")
        installed = D(2026, 9, 15)
        extra = meters.add_meter(
            store,
            clerk,
            number,
            role=MeterRole.BLOW_DOWN,
            serial="EXTRA-1",
            unit=MeterUnit.FT3,
            today=PREPARED,
            make_model="Badger M25",
            size="1 in",
            location="tower 2",
            installed_on=installed,
            sealed_on=installed,
            activation_reading=Decimal(0),
            last_tested_on=installed,
        )
        meters.record_reading(
            store, clerk, extra.id, read_on=D(2026, 9, 30), value=Decimal(5000), today=PREPARED
        )
        after = _export(store, number)
        earlier = [start for start, row in before.items() if row["period_end"] < "2026-09-15"]
        assert earlier
        for start in earlier:
            assert after[start] == before[start], start
        assert_schedule_matches_export(store, number)
    finally:
        store.close()


def test_an_amended_credits_schedule_shows_its_whole_history_as_the_export_does(demo_db):
    """Issue 14: SAC-2026-0013, 20 % from 2026-07-09, amended to 10 % from 2026-08-23. The
    hand-off credited $638.55 over four rows (two for August, each with the full unadjusted
    $1,548.00) while the schedule showed $221.67 and said an earlier schedule "was issued
    with them" when none was. Now: every period under the terms in force for it, August one
    line (22 days at 20 % + 9 days at 10 %, the purchase and its unadjusted charge once), and
    the schedule's total is the hand-off's."""
    store = open_store(demo_db)
    try:
        number = "SAC-2026-0013"
        first, amendment = [d for d in store.decisions(number) if d.effective_on]
        doc = build_schedule_document(store, number, prepared_on=PREPARED)
        exported = _export(store, number)
        assert [r.start.isoformat() for r in doc.rows] == sorted(exported)
        assert len(exported) == 3  # July, August (one line), September
        for row in doc.rows:
            assert row.credit_cents == _cents(exported[row.start.isoformat()]["credit"])
        assert doc.totals.credit_cents == 63855  # $638.55, as the hand-off
        august = exported["2026-08-01"]
        assert august["determination"] == f"{first.determination_id};{amendment.determination_id}"
        assert august["volume_charge_unadjusted"] == "1548.00"
        # credited = 24 x 22/31 + 12 x 9/31 ccf = 20.516129 ccf; price(B) once
        assert august["credited_ccf"] == "20.516129"
        assert august["credit"] == "264.66"
        assert [r.terms for r in doc.rows] == ["1", "1 + 2", "2"]
        assert [t.in_force_from for t in doc.terms] == [first.effective_on, amendment.effective_on]
        assert not any("was issued with them" in n for n in doc.notes)
    finally:
        store.close()


# --- the first metered period (RULES.md, "First metered period") ----------------------------

# Issue 14: each metered demo credit's effective period under the ruling (a meter's use is
# measured from its activation reading, so f does not scale it again). The figures before
# the ruling: 582.53, 557.79, 0.47, 1,276.24, 1,211.52, 714.72.
FIRST_PERIOD_CREDITS = {
    "SAC-2026-0003": ("2026-06-01", "794.36"),  # evaporation, effective 06-09
    "SAC-2026-0004": ("2026-06-01", "880.73"),  # effective 06-12
    "SAC-2026-0010": ("2026-06-01", "14.18"),  # evaporation, effective 06-30 (one day)
    "SAC-2026-0011": ("2026-07-01", "1364.25"),  # effective 07-03
    "SAC-2026-0007": ("2026-06-01", "667.57"),  # sewer meter, effective 06-21
    "SAC-2026-0014": ("2026-07-01", "498.55"),  # sewer meter, nonresident-direct, 07-12
}


def test_the_demo_s_first_metered_periods_follow_the_ruling(demo_db):
    store = open_store(demo_db)
    try:
        for number, (start, credit) in FIRST_PERIOD_CREDITS.items():
            row = _export(store, number)[start]
            assert row["credit"] == credit, number
            app = store.get_application(number)
            assert row["period_start"] <= app.effective_on.isoformat() <= row["period_end"]
            document = build_schedule_document(store, number, prepared_on=PREPARED)
            shown = next(r for r in document.rows if r.start.isoformat() == start)
            assert shown.credit_cents == _cents(credit), number
    finally:
        store.close()


def test_the_first_period_s_hand_computation_from_the_stored_readings(demo_db):
    """SAC-2026-0003 (evaporation, gallons), from its readings by hand: make-up 66,004 -
    6,292 = 59,712 gal, blow-down 21,704 - 8,056 = 13,648 gal since the activation readings
    on 06-09; D = 46,064 gal / 748.052 = 61.578607 ccf, credited as measured: B = 311 - D,
    volume charge $3,217.54, unadjusted 311 x $12.90 = $4,011.90, credit $794.36."""
    store = open_store(demo_db)
    try:
        by_role = {m.role: m for m in store.meters("SAC-2026-0003")}
        makeup, blowdown = by_role[MeterRole.MAKE_UP], by_role[MeterRole.BLOW_DOWN]
        assert (makeup.activation_reading, blowdown.activation_reading) == (6292, 8056)
        june = {r.read_on: r.value for r in store.readings(makeup.id)}[D(2026, 6, 30)]
        june_bd = {r.read_on: r.value for r in store.readings(blowdown.id)}[D(2026, 6, 30)]
        assert (june, june_bd) == (66004, 21704)
        evaporated = Fraction(59712 - 13648) / Fraction("748.052")
        row = _export(store, "SAC-2026-0003")["2026-06-01"]
        assert Decimal(row["credited_ccf"]) == round_half_up(evaporated)
        assert (row["volume_charge"], row["credit"]) == ("3217.54", "794.36")
    finally:
        store.close()


JUNE_20 = D(2026, 6, 20)


def _deduct_credit(store, people, today, *, activation: str | None, installed=JUNE_20):
    """An irrigation credit signed 2026-07-12 with one irrigation meter (ft3)."""
    app = make_file(store, people, today, category="irrigation", determination=False)
    enter_determination(
        store, people.reviewer, app.number, method="deduct-meter", today=D(2026, 7, 10)
    )
    meter = meters.add_meter(
        store,
        people.clerk,
        app.number,
        role=MeterRole.IRRIGATION,
        serial="IR-1",
        unit=MeterUnit.FT3,
        today=PREPARED,
        installed_on=installed,
        activation_reading=activation,
    )
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=D(2026, 7, 12))
    store.put_consumption(
        [
            ConsumptionPeriod(app.account, D(2026, 7, 1), D(2026, 7, 31), Decimal(100)),
            ConsumptionPeriod(app.account, D(2026, 8, 1), D(2026, 8, 31), Decimal(100)),
        ]
    )
    return store.get_application(app.number), meter


def test_a_meter_without_an_activation_reading_counts_from_a_reading_on_that_day(
    store, people, today
):
    app, meter = _deduct_credit(store, people, today, activation=None)
    for read_on, value in ((D(2026, 7, 1), "1000"), (D(2026, 7, 31), "4000")):
        meters.record_reading(
            store, people.clerk, meter.id, read_on=read_on, value=value, today=PREPARED
        )
    # No activation reading and no reading on 07-12: the use since 07-12 is not measured.
    rows, notes = _engine_rows(store, app.number)
    assert rows == ()
    assert notes[0] == (
        "Period 2026-07-01 to 2026-07-31 left out: meter IR-1 has no activation reading: its "
        "use from 2026-07-12, when it starts to count for the credit, is not measured (enter "
        "the register on that date; readings are never estimated)."
    )
    assert notes[1].startswith("Period 2026-08-01 to 2026-08-31 left out: meter IR-1 has no ")
    july = _export(store, app.number)["2026-07-01"]
    assert (july["notes"], july["credit"]) == (
        f"not computed: {notes[0].split(' left out: ', 1)[1][:-1]}",
        "",
    )
    meters.record_reading(
        store, people.clerk, meter.id, read_on=D(2026, 7, 12), value="2000", today=PREPARED
    )
    [july], _ = _engine_rows(store, app.number)
    # 4,000 - 2,000 ft3 = 20 ccf since 07-12, credited as measured (not 30 x 20/31).
    assert (july.diverted_exact, july.credited_exact, july.metered_from) == (
        20,
        20,
        D(2026, 7, 12),
    )
    assert july.credit_cents == 20 * 1290
    assert assert_schedule_matches_export(store, app.number) == 1


def test_a_meter_installed_later_in_a_running_credit_counts_from_its_own_activation(
    store, people, today
):
    """The irrigation meter installed 08-11, a month into the credit, activation 500 ft3:
    August's use is 2,500 - 500 = 20 ccf over 08-11..31, credited as measured (f = 1)."""
    app, meter = _deduct_credit(store, people, today, activation="500", installed=D(2026, 8, 11))
    for read_on, value in ((D(2026, 8, 31), "2500"),):
        meters.record_reading(
            store, people.clerk, meter.id, read_on=read_on, value=value, today=PREPARED
        )
    rows, notes = _engine_rows(store, app.number)
    [august] = rows
    assert (august.factor_text, august.metered_from, august.metered_days) == (
        "31/31",
        D(2026, 8, 11),
        21,
    )
    assert (august.credited_exact, august.credit_cents) == (20, 20 * 1290)
    # July ended before the meter was installed: there is no meter for it.
    assert notes == [
        "Period 2026-07-01 to 2026-07-31 left out: no deduct or irrigation or make-up or "
        "blow-down meter is recorded for the credit."
    ]
    exported = _export(store, app.number)
    assert (
        exported["2026-07-01"]["notes"]
        == f"not computed: {notes[0].split(' left out: ', 1)[1][:-1]}"
    )
    assert exported["2026-08-01"]["credit"] == "258.00"
