"""Issuing documents from real records: snapshots built from the store, stored, re-printed."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.documents import ApprovalLetter, DenialLetter, ScheduleDocument
from kcsac.domain.money import format_usd, to_cents
from kcsac.domain.rates import rate_table_on
from kcsac.domain.records import ConsumptionPeriod
from kcsac.operations import approvals, meters
from kcsac.operations.documents.batch import export_documents
from kcsac.operations.documents.issuing import (
    APPROVAL,
    SCHEDULE,
    issued_documents,
    latest_issued,
    letter_for,
    render_issued,
    schedule_for,
)
from kcsac.operations.documents.letters import build_approval_letter
from kcsac.operations.documents.schedules import build_schedule_document
from kcsac.operations.documents.wording import DUTY_READINGS, DUTY_STORM
from kcsac.operations.errors import Refused
from kcsac.pdf import render_document
from tests.operations.conftest import PASSWORD, make_file
from tests.pdf.pdftools import all_text, missing

SIGNED = dt.date(2026, 8, 12)
TABLE = rate_table_on(SIGNED)
assert TABLE is not None
CAR_WASH_FEE = to_cents(TABLE.fee(Category.CAR_WASH, resident=True).amount)
RESIDENT_VOLUME = TABLE.charges_for(CustomerClass.RESIDENT).volume_charge


@pytest.fixture
def approved(store, people, today):
    """RULES.md example 1: resident car wash, 15 %, signed 2026-08-12, with four periods."""
    app = make_file(store, people, today)
    approvals.approve(
        store,
        people.director,
        app.number,
        password=PASSWORD,
        today=today,
        signed_on=SIGNED,
        backdated_reason="paper signature at the site",
    )
    store.put_consumption(
        [
            ConsumptionPeriod(app.account, dt.date(2026, 7, 1), dt.date(2026, 7, 31), Decimal(88)),
            ConsumptionPeriod(app.account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(96)),
            ConsumptionPeriod(app.account, dt.date(2026, 9, 1), dt.date(2026, 9, 30), Decimal(100)),
        ]
    )
    return store.get_application(app.number)


def test_approval_letter_from_records(store, people, approved, today) -> None:
    letter = build_approval_letter(store, approved.number, letter_on=today)
    assert letter.effective_on == SIGNED
    assert letter.fee_assessed_cents == CAR_WASH_FEE
    assert letter.fee_paid_cents == CAR_WASH_FEE
    assert [p.receipt_no for p in letter.payments] == [f"R-{approved.number}"]
    assert letter.signature.signer_name == "Dora Director"
    assert letter.signature.signed_on == SIGNED
    assert letter.section == "Code sec. 60-2(2)(c)"
    assert letter.method_parameters[0].value.startswith("15% of the water purchased")
    assert letter.meters == ()  # percentage: no meters, no reading duty
    assert DUTY_STORM in letter.duties
    assert DUTY_READINGS not in letter.duties
    text = all_text(render_document(letter))
    wanted = [approved.number, "August 12, 2026", format_usd(CAR_WASH_FEE), "Customer 1000-01"]
    assert missing(text, wanted) == []


def test_schedule_from_records_matches_rules_example_1(store, approved, today) -> None:
    schedule = build_schedule_document(store, approved.number, prepared_on=today)
    assert [r.start.isoformat() for r in schedule.rows] == ["2026-08-01", "2026-09-01"]
    august = schedule.rows[0]
    assert august.credited_share == "20/31"
    assert august.diverted_ccf == "14.40"
    assert august.credited_ccf == "9.29"
    assert august.billed_ccf == "86.71"
    # RULES.md worked example 1, to the cent.
    assert august.volume_charge_cents == 111_855
    assert august.volume_charge_unadjusted_cents == 123_840
    assert august.credit_cents == 11_985
    assert august.service_charge_cents == 3309
    assert schedule.totals.credit_cents == 11_985 + schedule.rows[1].credit_cents
    example = " ".join(schedule.worked_example)
    assert "f = 20/31" in example
    assert "Sewer Allowance Credit = $1,238.40 − $1,118.55 = $119.85." in example
    assert "Service charge = $32.02 × 31 / 30 = $33.09" in example
    assert schedule.surcharge_note  # no limits entered
    assert any("(reading)" in n for n in schedule.notes)
    text = all_text(render_document(schedule))
    volume_rate = f"${RESIDENT_VOLUME.amount:,.2f} per ccf"
    wanted = ["$119.85", "20/31", "Code sec. 78-4.1 (Ord. 190167)", volume_rate]
    assert missing(text, wanted) == []


def test_issue_stores_snapshot_and_reprint_is_identical(store, people, approved, today) -> None:
    first = letter_for(store, "dora", approved.number, today=today)
    assert first.kind == "approval-letter"
    again = letter_for(store, "dora", approved.number, today=today + dt.timedelta(days=30))
    assert again.id == first.id  # already issued: the stored one, not a new letter
    stored = issued_documents(store, approved.number)
    assert len(stored) == 1
    assert stored[0].sha256 == first.snapshot.sha256()
    assert isinstance(stored[0].snapshot, ApprovalLetter)
    pdf = render_issued(stored[0])
    assert pdf == render_document(first.snapshot)
    events = store.audit_events(entity="document")
    assert any(hashlib.sha256(pdf).hexdigest() in e.after for e in events)  # the PDF's sha256
    # Later changes to the records do not change the re-printed letter.
    acct = store.get_account(approved.account)
    from dataclasses import replace

    from kcsac.operations.accounts import update_account

    update_account(store, people.clerk, replace(acct, customer="Renamed Co"), today=today)
    reprint = render_issued(latest_issued(store, approved.number, APPROVAL))
    assert reprint == pdf
    assert "Renamed Co" not in all_text(reprint)


def test_tampered_snapshot_is_refused(store, approved, today) -> None:
    issued = letter_for(store, "dora", approved.number, today=today)
    from dataclasses import replace

    forged = replace(issued, snapshot=replace(issued.snapshot, fee_paid_cents=1))
    with pytest.raises(Refused, match="does not match its sha256"):
        render_issued(forged)


def test_denial_letter_from_records(store, people, today) -> None:
    app = make_file(store, people, today, pay=False, reviews=False, determination=False, storm=True)
    approvals.deny(
        store,
        people.director,
        app.number,
        reasons=["storm-sewer", "fee-unpaid"],
        note="customer phoned, letter to follow",
        password=PASSWORD,
        today=today,
    )
    issued = letter_for(store, "dora", app.number, today=today)
    letter = issued.snapshot
    assert isinstance(letter, DenialLetter)
    assert [r.citation for r in letter.reasons] == [
        "Code secs. 60-2(2)(c), 60-3(a)(6)",
        "Code sec. 60-2(2)(c)",
    ]
    assert letter.reasons[0].message.startswith("The diverted water is discharged to the storm")
    assert len(letter.reasons) == 2  # the decision's note is for the file, not a reason
    assert any("storm sewer" in s for s in letter.next_steps)
    balance = format_usd(letter.fee_assessed_cents - letter.fee_paid_cents)
    assert letter.fee_paid_cents == 0
    assert any(balance in s for s in letter.next_steps)  # the unpaid balance
    text = all_text(render_issued(issued))
    assert missing(text, ["denied", "Code secs. 60-2(2)(c), 60-3(a)(6)", app.number]) == []


def test_no_letter_before_a_decision(store, people, today) -> None:
    app = make_file(store, people, today)
    with pytest.raises(Refused, match="a letter is issued once it is approved or denied"):
        letter_for(store, "dora", app.number, today=today)
    with pytest.raises(Refused, match="needs a signed approval"):
        build_schedule_document(store, app.number, prepared_on=today)


def test_schedule_needs_billing_periods(store, people, today) -> None:
    app = make_file(store, people, today)
    approvals.approve(store, people.director, app.number, password=PASSWORD, today=today)
    with pytest.raises(Refused, match="no billing period on or after the effective date"):
        schedule_for(store, "dora", app.number, today=today)


def test_metered_letter_and_schedule(store, people, today) -> None:
    from kcsac.operations.determinations import enter_determination

    app = make_file(
        store,
        people,
        today,
        account="2000-07",
        category="irrigation",
        customer_class="nonresident-direct",
        determination=False,
    )
    meter = meters.add_meter(
        store,
        people.clerk,
        app.number,
        role="irrigation",
        serial="IR-1",
        unit="ft3",
        today=today,
        make_model="Neptune T-10",
        size="1 in",
        location="north lawn",
        activation_reading="10000",
        last_tested_on=dt.date(2026, 5, 20),
    )
    enter_determination(
        store,
        people.reviewer,
        app.number,
        method="deduct-meter",
        justification="irrigation meter",
        today=today,
    )
    approvals.approve(
        store,
        people.director,
        app.number,
        password=PASSWORD,
        today=today,
        signed_on=dt.date(2026, 7, 1),
        backdated_reason="paper signature",
    )
    meters.record_reading(
        store, people.clerk, meter.id, read_on=dt.date(2026, 7, 31), value="13825", today=today
    )
    store.put_consumption(
        [
            ConsumptionPeriod(app.account, dt.date(2026, 7, 1), dt.date(2026, 7, 31), Decimal(140)),
            ConsumptionPeriod(app.account, dt.date(2026, 8, 1), dt.date(2026, 8, 31), Decimal(120)),
        ]
    )
    letter = build_approval_letter(store, app.number, letter_on=today)
    assert [m.serial_no for m in letter.meters] == ["IR-1"]
    assert letter.meters[0].activation_reading == "10,000 ft³"
    assert DUTY_READINGS in letter.duties
    assert letter.section == "Code sec. 60-3(a)(6)"
    schedule = build_schedule_document(store, app.number, prepared_on=today)
    assert len(schedule.rows) == 1  # August has no reading yet
    assert schedule.rows[0].diverted_ccf == "38.25"
    # RULES.md example 2: B = 101.75 ccf; $1,747.05 against $2,403.80, credit $656.75.
    assert schedule.rows[0].billed_ccf == "101.75"
    assert schedule.rows[0].volume_charge_cents == 174_705
    assert schedule.rows[0].volume_charge_unadjusted_cents == 240_380
    assert schedule.rows[0].credit_cents == 65_675
    assert any("left out: meter IR-1 has no reading" in n for n in schedule.notes)
    text = all_text(render_document(letter))
    assert missing(text, ["IR-1", "10,000 ft³", "north lawn", "2026-05-20"]) == []


def test_export_documents_with_progress_and_cancel(
    store, people, approved, today, tmp_path
) -> None:
    other = make_file(store, people, today, account="1000-02")  # not decided: skipped
    seen = []
    result = export_documents(
        store,
        "dora",
        [approved.number, other.number],
        tmp_path / "out",
        today=today,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 2), (2, 2)]
    names = sorted(p.name for p in result.written)
    assert names == [f"{approved.number}-approval-letter.pdf", f"{approved.number}-schedule.pdf"]
    for path in result.written:
        assert len(PdfReader(io.BytesIO(path.read_bytes())).pages) >= 1
    assert [n for n, _ in result.skipped] == [other.number]
    assert not list((tmp_path / "out").glob("*.part"))
    stopped = export_documents(
        store, "dora", [approved.number], tmp_path / "none", today=today, cancelled=lambda: True
    )
    assert stopped.cancelled
    assert stopped.written == ()
    # Re-exporting renders the stored snapshots: the same bytes.
    # Called the way the desk's BatchExportDialog calls it: all keywords.
    again = export_documents(
        store,
        numbers=[approved.number],
        folder=tmp_path / "again",
        actor="dora",
        today=today + dt.timedelta(days=3),
        progress=lambda done, total: None,
        cancelled=lambda: False,
    )
    assert [p.read_bytes() for p in again.written] == [p.read_bytes() for p in result.written]
    assert isinstance(latest_issued(store, approved.number, "schedule").snapshot, ScheduleDocument)


def test_a_non_user_may_print_issued_documents_but_not_issue(store, approved, today) -> None:
    # The letter was issued when the director signed; anyone may print it.
    signed = latest_issued(store, approved.number, APPROVAL)
    assert signed is not None
    for nobody in (None, ""):
        assert letter_for(store, nobody, approved.number, today=today).id == signed.id
        with pytest.raises(Refused, match="only a kcsac user can issue it"):
            schedule_for(store, nobody, approved.number, today=today)
    issued = schedule_for(store, "dora", approved.number, today=today)
    assert schedule_for(store, None, approved.number, today=today).id == issued.id
    assert latest_issued(store, approved.number, SCHEDULE).issued_by == "dora"
