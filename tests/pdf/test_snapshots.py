"""Document snapshots: canonical JSON, exact round trip, stable sha256, clear errors."""

import json
from dataclasses import replace

import pytest

from benchmarks import document_samples as samples
from kcsac.domain.documents import (
    ApprovalLetter,
    DenialLetter,
    ScheduleDocument,
    document_from_json,
    format_date_long,
)

SNAPSHOTS = [
    samples.approval_letter(),
    samples.metered_approval_letter(),
    samples.denial_letter(),
    samples.schedule(4),
    samples.metered_schedule(),
]


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda s: s.kind)
def test_json_round_trip_is_exact(snapshot) -> None:
    text = snapshot.to_json()
    back = type(snapshot).from_json(text)
    assert back == snapshot
    assert back.to_json() == text
    assert document_from_json(text) == snapshot


def test_json_is_canonical_sorted_and_ascii() -> None:
    letter = samples.approval_letter()
    text = letter.to_json()
    payload = json.loads(text)
    assert payload["kind"] == "approval-letter"
    assert payload["schema"] == 1
    assert text == json.dumps(payload, sort_keys=True, separators=(",", ":"))
    assert text.isascii()  # "Peña" stored as \u00f1, so bytes never depend on an encoding
    assert payload["data"]["effective_on"] == "2026-08-12"
    assert payload["data"]["fee_paid_cents"] == letter.fee_paid_cents > 0


def test_sha256_is_stable_and_changes_with_any_figure() -> None:
    letter = samples.approval_letter()
    assert letter.sha256() == samples.approval_letter().sha256()
    assert len(letter.sha256()) == 64
    changed = replace(letter, fee_paid_cents=24_999)
    assert changed.sha256() != letter.sha256()


def test_wrong_kind_is_refused_with_its_name() -> None:
    text = samples.denial_letter().to_json()
    with pytest.raises(ValueError, match="expected kind 'approval-letter', found 'denial-letter'"):
        ApprovalLetter.from_json(text)
    assert isinstance(document_from_json(text), DenialLetter)


def test_unknown_or_missing_fields_are_named() -> None:
    payload = json.loads(samples.schedule(2).to_json())
    payload["data"]["rows"][0]["colour"] = "blue"
    with pytest.raises(ValueError, match=r"schedule\.rows\[0\] has unknown fields \['colour'\]"):
        ScheduleDocument.from_json(json.dumps(payload))
    payload = json.loads(samples.schedule(2).to_json())
    del payload["data"]["effective_on"]
    with pytest.raises(ValueError, match=r"schedule\.effective_on is missing"):
        ScheduleDocument.from_json(json.dumps(payload))


def test_bad_values_are_named() -> None:
    payload = json.loads(samples.approval_letter().to_json())
    payload["data"]["effective_on"] = "12/08/2026"
    with pytest.raises(ValueError, match=r"approval-letter\.effective_on is not an ISO date"):
        ApprovalLetter.from_json(json.dumps(payload))
    payload = json.loads(samples.approval_letter().to_json())
    payload["data"]["fee_paid_cents"] = "250.00"
    with pytest.raises(ValueError, match=r"approval-letter\.fee_paid_cents should be int"):
        ApprovalLetter.from_json(json.dumps(payload))
    with pytest.raises(ValueError, match="not JSON"):
        ApprovalLetter.from_json("{oops")
    payload = json.loads(samples.approval_letter().to_json())
    payload["schema"] = 99
    with pytest.raises(ValueError, match="schema 99 is not supported"):
        ApprovalLetter.from_json(json.dumps(payload))


def test_optional_fields_round_trip_as_null() -> None:
    schedule = samples.schedule(2)
    assert schedule.rows[0].surcharge_cents is None
    payload = json.loads(schedule.to_json())
    assert payload["data"]["rows"][0]["surcharge_cents"] is None
    with_surcharge = replace(schedule, rows=(replace(schedule.rows[0], surcharge_cents=24_773),))
    assert ScheduleDocument.from_json(with_surcharge.to_json()).rows[0].surcharge_cents == 24_773


def test_long_date_format() -> None:
    from datetime import date

    assert format_date_long(date(2026, 8, 12)) == "August 12, 2026"
    assert format_date_long(date(2027, 1, 1)) == "January 1, 2027"


def test_snapshot_module_is_pure_domain_code() -> None:
    """kcsac.domain.documents imports only the standard library and the domain itself."""
    import ast
    import sys
    from pathlib import Path

    import kcsac.domain.documents as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    outside = {name for name in imported if name not in sys.stdlib_module_names}
    assert outside <= {"kcsac"}
    assert "reportlab" not in imported
