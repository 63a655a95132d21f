"""The schedule a customer reads: the credit's whole history with the terms each period was
credited under, the version it is, customer wording, and the first metered period's worked
example; a schedule issued before versions reprints as it was."""

import datetime as dt
from pathlib import Path

import pytest

from kcsac.domain.documents import ScheduleDocument
from kcsac.operations.demo import load_demo
from kcsac.operations.documents import issuing
from kcsac.operations.documents.schedules import build_schedule_document
from kcsac.pdf import render_document
from kcsac.storage import open_store
from tests.pdf.pdftools import all_text

PREPARED = dt.date(2026, 10, 30)
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(path)
    load_demo(store)
    yield store
    store.close()


def test_an_amended_credit_s_two_versions(demo, tmp_path):
    """SAC-2026-0013: version 1 issued with the periods to August, version 2 a cycle later;
    each names the terms every period was credited under."""
    number = "SAC-2026-0013"
    first = issuing.issue_schedule(
        demo, "demo-director", number, today=dt.date(2026, 9, 3), through=dt.date(2026, 8, 31)
    )
    second = issuing.issue_schedule(demo, "demo-director", number, today=PREPARED)
    assert (first.version, second.version) == (1, 2)
    one, two = (all_text(issuing.render_issued(x.document)) for x in (first, second))
    assert "version 1" in one
    assert "Version 2, issued October 30, 2026, covering billing periods 2026-07-01 to " in two
    assert "replaces version 1 of September 3, 2026" in two
    for text in (one, two):
        assert "Terms in force" in text
        assert "2026-07-09 to 2026-08-22" in text
        assert "from 2026-08-23" in text
        assert "terms changed inside this period" in text
    assert "$461.82" in one  # July and August
    assert "$638.55" in two  # and September: the billing hand-off's total
    assert "$638.55" not in one


def test_the_worked_example_says_which_days_a_metered_volume_covers(demo):
    """Issue 14: SAC-2026-0003's example printed "Credited = D x f = 61.578607 x 22/30 =
    61.578607 ccf"; the ruling credits the meters' use since activation as measured."""
    doc = build_schedule_document(demo, "SAC-2026-0003", prepared_on=PREPARED)
    text = " ".join(doc.worked_example)
    assert "D × f = 61.578607 × 22/30" not in text
    assert (
        "Diverted D = the meters' use from the activation reading on 2026-06-09 to 2026-06-30 "
        "(22 days) = 61.578607 ccf."
    ) in doc.worked_example
    assert any(
        line.startswith("Credited = D as measured = 61.578607 ccf: the meters count from")
        for line in doc.worked_example
    )


def test_the_schedule_speaks_to_the_customer(demo):
    """Issue 14: "of which 1 are"; limits that "have not been entered in kcsac"."""
    doc = build_schedule_document(demo, "SAC-2026-0010", prepared_on=PREPARED)
    assert doc.worked_example[0] == (
        "Period 2026-06-01 to 2026-06-30: 30 days, of which 1 is on or after the effective "
        "date 2026-06-30, so the credited share f = 1/30."
    )
    text = all_text(render_document(doc))
    assert "of which 1 are" not in text
    assert "kcsac" not in text.lower()
    assert "entered" not in doc.surcharge_note


def test_a_schedule_issued_before_versions_reprints_as_it_was():
    """Stored before the terms and version fields: the same JSON text (so the same
    sha256), and laid out as before (no version, no terms, no column of terms)."""
    text = (DATA / "schedule-issued-before-versions.json").read_text(encoding="utf-8")
    doc = ScheduleDocument.from_json(text)
    assert doc.to_json() == text
    assert (doc.version, doc.terms) == (0, ())
    printed = all_text(render_document(doc))
    assert "Version" not in printed
    assert "Terms in force" not in printed
    assert render_document(doc) == render_document(ScheduleDocument.from_json(text))
