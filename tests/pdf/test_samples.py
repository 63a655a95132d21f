"""The example snapshots: RULES.md's worked examples to the cent, every figure from the engine."""

import ast
import re
from pathlib import Path

import kcsac.pdf
from benchmarks import document_samples as samples
from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.fees import application_fee
from kcsac.domain.money import format_usd
from kcsac.domain.rates import rate_table_on

PDF_PACKAGE = Path(kcsac.pdf.__file__).resolve().parent


def test_schedule_first_period_is_rules_example_1() -> None:
    row = samples.schedule(4).rows[0]
    assert (row.start.isoformat(), row.end.isoformat(), row.days) == (
        "2026-08-01",
        "2026-08-31",
        31,
    )
    assert (row.purchased_ccf, row.diverted_ccf, row.credited_share) == ("96.00", "14.40", "20/31")
    assert (row.credited_ccf, row.billed_ccf) == ("9.29", "86.71")
    assert [
        format_usd(c)
        for c in (
            row.volume_charge_cents,
            row.volume_charge_unadjusted_cents,
            row.credit_cents,
            row.service_charge_cents,
        )
    ] == ["$1,118.55", "$1,238.40", "$119.85", "$33.09"]


def test_metered_schedule_is_rules_example_2() -> None:
    doc = samples.metered_schedule()
    (row,) = doc.rows
    assert (row.purchased_ccf, row.diverted_ccf, row.billed_ccf) == ("140.00", "38.25", "101.75")
    assert [
        format_usd(c)
        for c in (
            row.volume_charge_cents,
            row.volume_charge_unadjusted_cents,
            row.credit_cents,
            row.service_charge_cents,
        )
    ] == ["$1,747.05", "$2,403.80", "$656.75", "$45.10"]
    assert doc.customer_class_label == CustomerClass.NONRESIDENT_DIRECT.label


def test_totals_and_rates_come_from_the_engine() -> None:
    doc = samples.schedule(12)
    assert len(doc.rows) == 12
    assert doc.totals.credit_cents == sum(r.credit_cents for r in doc.rows)
    assert all(
        r.credit_cents == r.volume_charge_unadjusted_cents - r.volume_charge_cents for r in doc.rows
    )
    charges = rate_table_on(doc.effective_on).charges_for(CustomerClass.RESIDENT)
    values = {r.label: r.value for r in doc.rates}
    assert values["Volume charge"] == f"${charges.volume_charge.amount:,.2f} per ccf"
    assert values["Service charge"] == f"${charges.service_charge.amount:,.2f} per month"


def test_fees_are_the_fees_in_force() -> None:
    approval = samples.approval_letter()
    fee = application_fee(Category.CAR_WASH, CustomerClass.RESIDENT, samples.CAR_WASH_RECEIVED_ON)
    assert approval.fee_assessed_cents == fee.cents == approval.fee_paid_cents
    assert sum(p.amount_cents for p in approval.payments) == fee.cents
    metered = samples.metered_approval_letter()
    fee = application_fee(
        Category.EVAPORATION, CustomerClass.NONRESIDENT_DIRECT, samples.COOLING_RECEIVED_ON
    )
    assert metered.fee_assessed_cents == fee.cents
    assert metered.fee_citation == fee.citation
    denial = samples.denial_letter()
    fee = application_fee(
        Category.IRRIGATION, CustomerClass.RESIDENT, samples.IRRIGATION_RECEIVED_ON
    )
    balance = format_usd(fee.cents - denial.fee_paid_cents)
    assert denial.fee_assessed_cents == fee.cents
    assert f"{format_usd(fee.cents)} is not paid in full (balance {balance})" in (
        denial.reasons[1].message
    )


def test_samples_are_deterministic_and_take_their_dates() -> None:
    for make in (
        samples.approval_letter,
        samples.metered_approval_letter,
        samples.denial_letter,
        samples.schedule,
        samples.metered_schedule,
    ):
        assert make().to_json() == make().to_json()
    doc = samples.schedule(3)
    assert doc.prepared_on.isoformat() == "2026-11-01"  # the day after the last period
    later = samples.schedule(3, prepared_on=doc.prepared_on.replace(day=9))
    assert later.prepared_on.isoformat() == "2026-11-09"
    assert later.rows == doc.rows


def test_no_figure_is_typed_into_the_samples() -> None:
    """Dollar figures come from the engine; the module writes none down."""
    source = Path(samples.__file__).read_text(encoding="utf-8")
    assert re.findall(r"\$\s*\d", source) == []
    assert "per ccf" not in source
    assert "per month" not in source


def test_pdf_package_imports_no_operations() -> None:
    """kcsac.pdf only renders snapshots: it never imports operations, storage or Qt."""
    assert (PDF_PACKAGE / "approval_letter.py").exists()  # the walk below reads the package
    assert not (PDF_PACKAGE / "samples.py").exists()
    for path in sorted(PDF_PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(
                    ("kcsac.operations", "kcsac.storage", "kcsac.ui", "PySide6")
                ), f"{path.name} imports {name}"


def test_a_schedule_without_limits_says_so_once() -> None:
    """No limits entered: the document's surcharge note says so, in the customer's words
    (issue 14: not "have not been entered in kcsac"); the notes do not repeat it."""
    doc = samples.schedule()
    assert doc.surcharge_note.startswith("No high-concentration surcharge is shown")
    assert "are not set" in doc.surcharge_note
    assert "kcsac" not in doc.surcharge_note
    assert "entered" not in doc.surcharge_note
    assert not [n for n in doc.notes if "urcharge" in n]
