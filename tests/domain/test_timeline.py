"""Grouping audit rows into timeline entries: one entry per operation, never two merged."""

import dataclasses
import json

from kcsac.domain.records import AuditEvent
from kcsac.domain.timeline import MAX_CHANGE_LINES, group_timeline

AT = "2026-08-20T14:03:07+00:00"


def row(
    seq, action, entity="application", *, actor="cclerk", at=AT, before="", after=None, reason=""
):
    return AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id="SAC-2026-0001" if entity == "application" else str(seq),
        before=before,
        after=json.dumps(after if after is not None else {"n": seq}),
        reason=reason,
    )


def status_row(seq, action, old, new, **kwargs):
    return row(
        seq,
        action,
        before=json.dumps({"status": old, "paid_cents": 0}),
        after={"status": new, "paid_cents": 25000},
        **kwargs,
    )


def actions(entries):
    return [[e.action for e in entry.events] for entry in entries]


def test_a_payment_and_the_file_it_paid_are_one_entry():
    entries = group_timeline(
        [
            row(7, "payment recorded", "payment", after={"amount_cents": 25000}),
            status_row(8, "fee payment recorded", "awaiting-fee", "in-review"),
        ]
    )
    [entry] = entries
    assert entry.action == "payment recorded"
    assert entry.summary() == "payment recorded (now in review)"
    assert (entry.actor, entry.at) == ("cclerk", AT)
    assert entry.change_lines() == [
        "payment recorded (payment 7)",
        "  amount_cents: - -> 25000",
        "fee payment recorded (application SAC-2026-0001)",
        "  paid_cents: 0 -> 25000",
        "  status: awaiting-fee -> in-review",
    ]


def test_a_signature_is_named_by_the_file_row_and_keeps_its_reason():
    [entry] = group_timeline(
        [
            row(3, "approval recorded", "decision", actor="dora", reason="paper signature"),
            status_row(
                4,
                "approved (signed)",
                "awaiting-decision",
                "approved",
                actor="dora",
                reason="paper signature",
            ),
        ]
    )
    assert entry.action == "approved (signed)"
    # The status is in the action's own words, and the repeated reason is said once.
    assert entry.summary() == "approved (signed): paper signature"


def test_operations_in_the_same_second_by_the_same_clerk_stay_apart():
    """The real clock has one-second steps: time stamps cannot tell operations apart."""
    entries = group_timeline(
        [
            row(1, "application created"),
            row(2, "fee assessed", "fee"),
            status_row(3, "application submitted", "draft", "awaiting-fee"),
            row(4, "payment recorded", "payment"),
            status_row(5, "fee payment recorded", "awaiting-fee", "in-review"),
            row(6, "meter added", "meter"),
            row(7, "application edited"),
        ]
    )
    assert actions(entries) == [
        ["application created"],
        ["fee assessed", "application submitted"],
        ["payment recorded", "fee payment recorded"],
        ["meter added"],
        ["application edited"],
    ]
    assert entries[0].summary() == "application created", "no status before the file existed"
    assert entries[1].summary() == "application submitted (now awaiting fee)"


def test_rows_of_one_operation_a_second_apart_are_still_one_entry():
    """The demo clock (and a real clock crossing a second) stamps each row differently."""
    entries = group_timeline(
        [
            row(51, "fee assessed", "fee", at="2026-05-04T08:01:38+00:00"),
            row(52, "application submitted", at="2026-05-04T08:01:40+00:00"),
        ]
    )
    assert actions(entries) == [["fee assessed", "application submitted"]]
    assert entries[0].at == "2026-05-04T08:01:38+00:00", "the time the operation started"


def test_a_gap_in_seq_or_another_actor_splits_the_rows():
    gap = group_timeline([row(4, "payment recorded", "payment"), row(6, "fee payment recorded")])
    other = group_timeline(
        [row(4, "payment recorded", "payment"), row(5, "fee payment recorded", actor="dora")]
    )
    assert actions(gap) == actions(other) == [["payment recorded"], ["fee payment recorded"]]


def test_rows_that_follow_no_shape_are_one_entry_each():
    entries = group_timeline(
        [
            row(1, "application edited"),
            row(2, "fee payment recorded"),  # without its payment row
            row(3, "reading recorded", "reading"),
            row(4, "reading recorded", "reading"),
        ]
    )
    assert [len(e.events) for e in entries] == [1, 1, 1, 1]
    assert group_timeline([]) == []


def test_a_review_joins_its_attachments_and_only_its_own_file_row():
    entries = group_timeline(
        [
            row(10, "site review recorded", "review", actor="rita"),
            row(11, "attachment stored", "attachment", actor="rita"),
            row(12, "attachment stored", "attachment", actor="rita"),
            row(13, "site review recorded", actor="rita"),
            row(14, "plan review recorded", "review", actor="rita"),
            row(15, "site review recorded", actor="rita"),  # not the plan review's row
        ]
    )
    assert actions(entries) == [
        ["site review recorded", "attachment stored", "attachment stored", "site review recorded"],
        ["plan review recorded"],
        ["site review recorded"],
    ]


def test_a_determination_then_a_signature_are_two_entries_but_an_ownership_change_is_one():
    separate = group_timeline(
        [
            row(1, "determination entered", "determination", actor="dora"),
            row(2, "approval recorded", "decision", actor="dora"),
            row(3, "approved (signed)", actor="dora"),
        ]
    )
    assert actions(separate) == [
        ["determination entered"],
        ["approval recorded", "approved (signed)"],
    ]
    [moved] = group_timeline(
        [
            row(1, "determination entered", "determination", actor="dora"),
            row(2, "approval recorded", "decision", actor="dora"),
            row(3, "ownership change approved", actor="dora"),
        ]
    )
    assert moved.action == "ownership change approved"


def test_a_letter_issued_in_the_signing_is_part_of_it_but_not_of_another_decision():
    [signed] = group_timeline(
        [
            row(1, "denial recorded", "decision", actor="dora"),
            row(2, "denied", actor="dora"),
            row(3, "denial-letter issued", "document", actor="dora"),
            row(4, "denial-letter PDF rendered", "document", actor="dora"),
        ]
    )
    assert signed.action == "denied"
    entries = group_timeline(
        [
            row(1, "reopen recorded", "decision", actor="dora"),
            row(2, "reopened", actor="dora"),
            row(3, "denial-letter issued", "document", actor="dora"),
            row(4, "denial-letter PDF rendered", "document", actor="dora"),
        ]
    )
    assert actions(entries) == [
        ["reopen recorded", "reopened"],
        ["denial-letter issued", "denial-letter PDF rendered"],
    ]
    mixed = group_timeline(
        [
            row(1, "approval-letter issued", "document"),
            row(2, "schedule PDF rendered", "document"),
        ]
    )
    assert len(mixed) == 2, "a letter's two rows name the same kind of document"


def test_the_tooltip_lines_are_capped_and_a_bad_row_does_not_break_the_entry():
    big = {f"field_{i:02d}": i for i in range(60)}
    broken = AuditEvent(9, AT, "cclerk", "payment recorded", "payment", "9", "{not json", "{}")
    [entry] = group_timeline([broken, row(10, "fee payment recorded", after=big)])
    lines = entry.change_lines()
    assert lines[0] == "payment recorded (payment 9)"
    assert len(lines) == MAX_CHANGE_LINES
    assert lines[-1] == f"... {62 - MAX_CHANGE_LINES + 1} more lines in the audit trail"
    assert entry.new_status() is None


def test_rows_that_name_their_operation_are_grouped_by_it_alone():
    """Since m009 each row names its operation: grouping is exact, for any shape, and a
    letter issued in a signing joins it though other files' rows came between."""
    signed = dataclasses.replace(row(10, "approved (signed)"), operation=10)
    letter = dataclasses.replace(row(14, "approval-letter issued", "document"), operation=10)
    rendered = dataclasses.replace(
        row(15, "approval-letter PDF rendered", "document"), operation=10
    )
    unknown = dataclasses.replace(row(16, "something new", "meter"), operation=16)
    unknown2 = dataclasses.replace(row(17, "something else new", "reading"), operation=16)
    paid = dataclasses.replace(row(18, "payment recorded", "payment"), operation=18)
    legacy = [
        row(3, "payment recorded", "payment"),
        status_row(4, "fee payment recorded", "awaiting-fee", "in-review"),
    ]
    entries = group_timeline([*legacy, signed, letter, rendered, unknown, unknown2, paid])
    assert actions(entries) == [
        ["payment recorded", "fee payment recorded"],  # older rows: by the shapes
        ["approved (signed)", "approval-letter issued", "approval-letter PDF rendered"],
        ["something new", "something else new"],
        ["payment recorded"],
    ]
    assert entries[1].action == "approved (signed)"
