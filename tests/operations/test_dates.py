"""Dates the operations refuse: after today, before the facts they follow (the received
application, the ordinance), and a reading before its meter or out of order."""

import datetime as dt
from decimal import Decimal

import pytest

from kcsac.domain.dates import before_received_problems
from kcsac.domain.problems import Problem
from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.operations import approvals, meters
from kcsac.operations.errors import InvalidInput, Refused
from kcsac.operations.intake import create_application, submit_application
from kcsac.operations.payments import record_payment
from kcsac.operations.reviews import record_review
from tests.operations.conftest import PASSWORD, make_file


def problems(excinfo):
    return [(p.field, p.message) for p in excinfo.value.problems]


def test_a_future_payment_date_is_refused_and_nothing_saved(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    with pytest.raises(InvalidInput) as excinfo:
        record_payment(
            store,
            people.clerk,
            app.number,
            amount_cents=25000,
            paid_on=dt.date(2026, 12, 30),
            receipt_no="R-1",
            method="check",
            today=today,
        )
    assert problems(excinfo) == [
        ("paid_on", "2026-12-30 is in the future; record a payment on or before today (2026-08-20)")
    ]
    assert store.payments(app.number) == []


def test_a_future_review_date_is_refused_and_nothing_saved(store, people, today):
    app = make_file(store, people, today, reviews=False, determination=False)
    with pytest.raises(InvalidInput) as excinfo:
        record_review(
            store,
            people.reviewer,
            app.number,
            kind="site",
            reviewed_on=dt.date(2026, 11, 30),
            result="passed",
            reviewer="Robin",
            today=today,
        )
    assert problems(excinfo) == [
        (
            "reviewed_on",
            "2026-11-30 is in the future; record a review on or before today (2026-08-20)",
        )
    ]
    assert store.reviews(app.number) == []


def test_a_future_received_date_is_refused_on_create_submit_and_update(store, people, today):
    make_file(store, people, today, pay=False, reviews=False, determination=False)
    future = dt.date(2027, 1, 15)
    message = "2027-01-15 is in the future; the received date must be on or before today"
    with pytest.raises(InvalidInput, match=message):
        create_application(
            store,
            people.clerk,
            account="1000-01",
            category="laundry",
            today=today,
            received_on=future,
        )
    draft = create_application(
        store, people.clerk, account="1000-01", category="laundry", today=today
    )
    with pytest.raises(InvalidInput, match=message):
        submit_application(store, people.clerk, draft.number, received_on=future, today=today)
    assert store.get_application(draft.number).received_on is None


def meter_with_readings(store, people, today, *readings):
    app = make_file(store, people, today, category="irrigation", determination=False)
    meter = meters.add_meter(
        store,
        people.clerk,
        app.number,
        role="irrigation",
        serial="S1",
        unit="gal",
        today=today,
        installed_on=dt.date(2026, 6, 1),
        activation_reading="1000",
    )
    for read_on, value in readings:
        meters.record_reading(
            store, people.clerk, meter.id, read_on=read_on, value=value, today=today
        )
    return meter


def test_a_future_reading_is_refused(store, people, today):
    meter = meter_with_readings(store, people, today)
    with pytest.raises(InvalidInput) as excinfo:
        meters.record_reading(
            store, people.clerk, meter.id, read_on=dt.date(2026, 12, 31), value="2000", today=today
        )
    assert problems(excinfo) == [
        ("read_on", "2026-12-31 is in the future; record a reading on or before today (2026-08-20)")
    ]
    assert store.readings(meter.id) == []


def test_a_reading_before_the_install_date_is_refused(store, people, today):
    meter = meter_with_readings(store, people, today, (dt.date(2026, 7, 1), "1500"))
    with pytest.raises(InvalidInput) as excinfo:
        meters.record_reading(
            store, people.clerk, meter.id, read_on=dt.date(2026, 5, 1), value="10", today=today
        )
    assert problems(excinfo) == [
        (
            "read_on",
            "2026-05-01 is before meter S1 was installed (2026-06-01); a reading must be on or "
            "after that day",
        )
    ]
    assert [r.value for r in store.readings(meter.id)] == [Decimal("1500")]


def test_a_back_dated_reading_must_fit_between_its_neighbours(store, people, today):
    meter = meter_with_readings(
        store, people, today, (dt.date(2026, 7, 1), "1500"), (dt.date(2026, 8, 1), "2000")
    )
    record = {"read_on": dt.date(2026, 7, 15), "today": today}
    with pytest.raises(
        InvalidInput, match=r"lower than the previous one \(1500, read on 2026-07-01"
    ):
        meters.record_reading(store, people.clerk, meter.id, value="1400", **record)
    with pytest.raises(InvalidInput, match=r"higher than the next one \(2000, read on 2026-08-01"):
        meters.record_reading(store, people.clerk, meter.id, value="2100", **record)
    meters.record_reading(store, people.clerk, meter.id, value="1750", **record)
    assert [r.value for r in store.readings(meter.id)] == [1500, 1750, 2000]
    # Before the first reading, the activation reading is the one before it.
    with pytest.raises(InvalidInput, match=r"lower than the previous one \(1000, the activation"):
        meters.record_reading(
            store, people.clerk, meter.id, read_on=dt.date(2026, 6, 10), value="900", today=today
        )
    # A replacement or rollover is marked, with a note, and then taken.
    meters.record_reading(
        store, people.clerk, meter.id, value="2100", replacement=True, note="rolled", **record
    )
    assert len(store.readings(meter.id)) == 4


# --- dates before the facts they follow (the file was received 2026-06-01 by make_file) -----


def test_a_payment_before_the_received_date_is_refused_and_nothing_saved(store, people, today):
    app = make_file(store, people, today, pay=False, reviews=False, determination=False)
    audit_rows = len(store.audit_events(limit=10_000))
    pay = {"amount_cents": 25000, "receipt_no": "R-1", "method": "check", "today": today}
    with pytest.raises(InvalidInput) as excinfo:
        record_payment(store, people.clerk, app.number, paid_on=dt.date(2026, 4, 1), **pay)
    assert problems(excinfo) == [
        (
            "paid_on",
            "2026-04-01 is before 2026-06-01, when the application was received; record a "
            "payment on or after that day",
        )
    ]
    assert store.payments(app.number) == []
    assert store.get_application(app.number).paid_cents == 0
    assert len(store.audit_events(limit=10_000)) == audit_rows
    # the received day itself is fine
    record_payment(store, people.clerk, app.number, paid_on=dt.date(2026, 6, 1), **pay)
    assert [p.paid_on for p in store.payments(app.number)] == [dt.date(2026, 6, 1)]


def test_a_review_before_the_received_date_is_refused_and_nothing_saved(store, people, today):
    app = make_file(store, people, today, reviews=False, determination=False)
    with pytest.raises(InvalidInput) as excinfo:
        record_review(
            store,
            people.reviewer,
            app.number,
            kind="site",
            reviewed_on=dt.date(2026, 4, 2),
            result="passed",
            today=today,
        )
    assert problems(excinfo) == [
        (
            "reviewed_on",
            "2026-04-02 is before 2026-06-01, when the application was received; record a "
            "review on or after that day",
        )
    ]
    assert store.reviews(app.number) == []


def test_before_received_problems_names_the_ordinance_date_without_a_received_date():
    assert before_received_problems("paid_on", dt.date(2026, 4, 30), None, "pay") == [
        Problem(
            "paid_on",
            "2026-04-30 is before 2026-05-01, when the ordinance took effect; pay on or after "
            "that day",
        )
    ]
    assert before_received_problems("paid_on", dt.date(2026, 5, 1), None, "pay") == []


def test_a_denial_before_the_received_date_is_refused_naming_both_dates(store, people, today):
    app = make_file(store, people, today, determination=False)
    with pytest.raises(Refused) as excinfo:
        approvals.deny(
            store,
            people.director,
            app.number,
            reasons=["no-diversion"],
            password=PASSWORD,
            today=today,
            decided_on=dt.date(2026, 3, 1),
        )
    assert str(excinfo.value) == (
        f"The decision date 2026-03-01 is before 2026-06-01, when application {app.number} was "
        "received, and before 2026-05-01, when Ordinance 260209 took effect; a denial cannot be "
        "dated before the application it decides or the ordinance it applies"
    )
    assert store.decisions(app.number) == []
    assert store.get_application(app.number).status is Status.IN_REVIEW
    assert store.documents(app.number) == []


def test_a_future_denial_date_gives_today(store, people, today):
    app = make_file(store, people, today, determination=False)
    with pytest.raises(Refused, match=r"2026-08-21 is in the future \(today is 2026-08-20\)"):
        approvals.deny(
            store,
            people.director,
            app.number,
            reasons=["no-diversion"],
            password=PASSWORD,
            today=today,
            decided_on=dt.date(2026, 8, 21),
        )
    assert store.decisions(app.number) == []
    decision = approvals.deny(
        store,
        people.director,
        app.number,
        reasons=["no-diversion"],
        password=PASSWORD,
        today=today,
        decided_on=dt.date(2026, 6, 1),
    )
    assert decision.decided_on == dt.date(2026, 6, 1)


def test_a_future_revocation_date_is_refused_and_the_credit_stays(store, people, ready, today):
    approvals.approve(store, people.director, ready.number, password=PASSWORD, today=today)
    with pytest.raises(InvalidInput) as excinfo:
        approvals.revoke(
            store,
            people.director,
            ready.number,
            from_on=dt.date(2027, 3, 1),
            reason="customer asked",
            password=PASSWORD,
            today=today,
        )
    assert problems(excinfo) == [
        (
            "from_on",
            "The revocation date 2027-03-01 is in the future (today is 2026-08-20); record a "
            "revocation on or after the day it takes effect",
        )
    ]
    app = store.get_application(ready.number)
    assert (app.status, app.ended_on) == (Status.APPROVED, None)
    assert [d.kind for d in store.decisions(ready.number)] == [DecisionKind.APPROVAL]


def test_signature_date_problems_are_known_without_signing(store, people, ready, today):
    number = ready.number  # received 2026-06-01, paid 06-02, reviewed 07-01
    assert approvals.signature_date_problems(store, number, today, today) == []
    assert approvals.signature_date_problems(
        store, number, dt.date(2026, 4, 20), today, "paper"
    ) == [
        Problem(
            "signed_on",
            "The signature date 2026-04-20 is before 2026-07-01, when the site review was "
            "done; a credit cannot take effect before that",
            "Code sec. 60-2(2)(c)",
        )
    ]
    future = approvals.signature_date_problems(store, number, dt.date(2026, 9, 1), today)
    assert [p.field for p in future] == ["signed_on"]
    assert "(today is 2026-08-20)" in future[0].message
    assert [
        p.field
        for p in approvals.signature_date_problems(store, number, dt.date(2026, 8, 1), today)
    ] == ["backdated_reason"]
    assert store.decisions(number) == []
