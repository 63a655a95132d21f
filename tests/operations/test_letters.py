"""Every decision's letter, from real records: approval, denial, amendment, revocation and the
end of a credit by an ownership change. Each is frozen inside the deciding transaction, is
the letter the file's state calls for (a revoked or ended credit never prints "approved"),
and is a letter a customer and an auditor accept: a salutation, the contact block only once
an administrator entered it, the enclosure and how the credit shows on bills, one citation
style, one wording of the month, no internal words, the issue date in the PDF's metadata,
the audit chain's head in the fingerprint block (checked by `kcsac audit verify --head`)."""

import datetime as dt
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from kcsac.app import main
from kcsac.domain.documents import Reason
from kcsac.domain.integrity import AuditHead
from kcsac.domain.records import DecisionKind
from kcsac.domain.status import Status
from kcsac.operations import admin, approvals, ownership
from kcsac.operations.determinations import enter_determination
from kcsac.operations.documents.batch import decided_since, export_documents
from kcsac.operations.documents.issuing import (
    AMENDMENT,
    APPROVAL,
    DENIAL,
    ENDING,
    REVOCATION,
    issued_documents,
    letter_for,
    render_issued,
)
from kcsac.operations.errors import InvalidInput, NotPermitted
from kcsac.operations.payments import record_payment
from kcsac.pdf import render_document
from tests.operations.conftest import PASSWORD, make_file
from tests.pdf.pdftools import all_text, missing, page_texts

SIGNED = dt.date(2026, 8, 1)
AMENDED = dt.date(2026, 8, 10)
REVOKED_FROM = dt.date(2026, 8, 19)
TRANSFER = dt.date(2026, 9, 15)
# Words of the program's own trade that a customer's letter never carries.
INTERNAL = ("kcsac", "entered", "in the database", "database", "snapshot", "(reading)", "keyed")
CONTACT = {
    "address": "Sewer Allowance Credit Program\n4800 E 63rd St\nKansas City, MO 64130",
    "phone": "816-555-0142",
    "email": "sac@kcwater.example",
}


def _approve(store, people, number, on):
    return approvals.approve(
        store,
        people.director,
        number,
        password=PASSWORD,
        today=on,
        signed_on=on,
    )


@pytest.fixture
def files(store, people, today):
    """One file of each decision: approved, amended, denied, revoked, ended (moved to a new
    owner's application, which is approved)."""
    approved = make_file(store, people, today, account="1000-01").number
    _approve(store, people, approved, SIGNED)
    amended = make_file(store, people, today, account="1000-02").number
    _approve(store, people, amended, SIGNED)
    enter_determination(
        store,
        people.reviewer,
        amended,
        method="percentage",
        percent="20",
        justification="two more bays",
        today=AMENDED,
    )
    _approve(store, people, amended, AMENDED)
    denied = make_file(
        store, people, today, account="1000-03", pay=False, reviews=False, determination=False
    ).number
    approvals.deny(
        store, people.director, denied, reasons=["fee-unpaid"], password=PASSWORD, today=today
    )
    revoked = make_file(store, people, today, account="1000-04").number
    _approve(store, people, revoked, SIGNED)
    approvals.revoke(
        store,
        people.director,
        revoked,
        from_on=REVOKED_FROM,
        reason="Failure to report meter readings",
        password=PASSWORD,
        today=today,
    )
    ended = make_file(store, people, today, account="1000-05").number
    _approve(store, people, ended, SIGNED)
    change = ownership.record_ownership_change(
        store,
        people.clerk,
        prior_application=ended,
        new_account="9000-01",
        transfer_on=TRANSFER,
        received_on=today,
        today=today,
        new_owner=ownership.NewOwner("New Owner LLC", "5 Elm St", "commercial", "resident"),
    )
    record_payment(
        store,
        people.clerk,
        change.number,
        amount_cents=change.fee_cents,
        paid_on=today,
        receipt_no="R-own",
        method="check",
        today=today,
    )
    approvals.approve(store, people.director, change.number, password=PASSWORD, today=today)
    return {
        APPROVAL: approved,
        AMENDMENT: amended,
        DENIAL: denied,
        REVOCATION: revoked,
        ENDING: ended,
        "new owner": change.number,
    }


def letter_text(store, number, today) -> str:
    return all_text(render_issued(letter_for(store, None, number, today=today)))


def test_each_file_prints_the_letter_of_its_state(store, files, today):
    """A revoked or ended credit prints its revocation or ending letter, never "approved"."""
    for kind in (APPROVAL, AMENDMENT, DENIAL, REVOCATION, ENDING):
        issued = letter_for(store, None, files[kind], today=today)  # None: print only
        assert issued.kind == kind
    revoked = letter_text(store, files[REVOCATION], today)
    ended = letter_text(store, files[ENDING], today)
    for text in (revoked, ended):
        assert "approved application" not in text
        assert "application is approved" not in text
    assert (
        missing(
            revoked,
            [
                "Your Sewer Allowance Credit is revoked",
                "from August 19, 2026",
                "the last day credited is August 18, 2026",
                "Failure to report meter readings",
                "Code sec. 60-2(2)(c): the director determines the facts",
                "reads this as the authority to end a credit",
            ],
        )
        == []
    )
    assert (
        missing(
            ended,
            [
                "Your Sewer Allowance Credit has ended",
                "ended on September 14, 2026",
                f"under application {files['new owner']}",
                f"Credit moved to {files['new owner']} (the new owner)",
                "From September 15, 2026 the credit belongs to the new owner",
            ],
        )
        == []
    )
    amended = letter_text(store, files[AMENDMENT], today)
    assert (
        missing(
            amended,
            [
                "Your Sewer Allowance Credit is amended",
                "effective August 10, 2026",
                "The new terms, from August 10, 2026",
                "20% of the water purchased",
                "The earlier terms, August 1, 2026 to August 9, 2026",
                "15% of the water purchased",
                "water used before August 10, 2026 stays under the earlier terms",
            ],
        )
        == []
    )


def test_every_letter_is_frozen_inside_its_deciding_transaction(store, files, today):
    """Each decision has exactly one letter, issued with it (same audit operation), dated
    the decision; nothing is issued when a letter is printed later."""
    for number in (files[k] for k in (APPROVAL, AMENDMENT, DENIAL, REVOCATION, ENDING)):
        decisions = [
            d
            for d in store.decisions(number)
            if d.kind is not DecisionKind.REOPEN and d.kind is not DecisionKind.WITHDRAWAL
        ]
        letters = issued_documents(store, number)
        assert [d.decision_id for d in letters] == [d.id for d in decisions]
        for decision, letter in zip(decisions, letters, strict=True):
            assert letter.snapshot.letter_on == decision.decided_on
            made = [e for e in store.timeline(number) if e.entity == "decision"]
            issued = [
                e
                for e in store.timeline(number)
                if e.entity == "document" and e.entity_id == str(letter.id)
            ]
            decided = [e for e in made if e.entity_id == str(decision.id)]
            assert issued
            assert decided
            assert issued[0].operation == decided[0].operation  # one transaction
    before = len(store.audit_events(limit=100_000))
    for kind in (REVOCATION, ENDING):
        letter_for(store, "dora", files[kind], today=today + dt.timedelta(days=40))
    assert len(store.audit_events(limit=100_000)) == before


def test_a_refused_revocation_issues_no_letter(store, people, today):
    app = make_file(store, people, today).number
    _approve(store, people, app, SIGNED)
    with pytest.raises(InvalidInput):
        approvals.revoke(
            store,
            people.director,
            app,
            from_on=REVOKED_FROM,
            reason="",
            password=PASSWORD,
            today=today,
        )
    with pytest.raises(NotPermitted):
        approvals.revoke(
            store,
            people.clerk,
            app,
            from_on=REVOKED_FROM,
            reason="x",
            password=PASSWORD,
            today=today,
        )
    assert [d.kind for d in issued_documents(store, app)] == [APPROVAL]


@pytest.mark.parametrize("kind", [APPROVAL, AMENDMENT, DENIAL, REVOCATION, ENDING])
def test_a_letter_a_customer_accepts(store, files, today, kind):
    text = letter_text(store, files[kind], today)
    customer = f"Customer {store.get_application(files[kind]).account}"
    assert f"Dear {customer}:" in text  # a salutation
    assert "Sincerely," in text
    lowered = text.lower()
    assert [w for w in INTERNAL if w in lowered] == []  # no internal wording
    # One citation style: "60-2(1)(a)", never "60-2(1)a".
    assert re.findall(r"\d\)[a-z]\b", text) == []
    assert "Code sec" in text
    # One wording of the month, said once (a denial speaks of no charge).
    assert text.count("a month is about 30 days") == (0 if kind == DENIAL else 1)
    assert "a month is 30 days" not in text
    if kind in (APPROVAL, AMENDMENT):
        assert "Enclosure: Adjusted volume schedule" in text
        assert "The sewer service charge does not change." in text
        assert "The enclosed adjusted volume schedule shows, for each billing period" in text
    else:
        assert "Enclosure" not in text


def test_the_contact_block_is_left_out_until_an_administrator_enters_it(
    store, people, files, today
):
    before = letter_text(store, files[REVOCATION], today)
    assert "Phone:" not in before
    assert "E-mail:" not in before
    assert (
        f"write to Kansas City Water Services and quote application {files[REVOCATION]}" in before
    )
    with pytest.raises(NotPermitted):
        admin.set_water_services_contact(store, people.clerk, **CONTACT, today=today)
    admin.set_water_services_contact(store, people.admin, **CONTACT, today=today)
    [row] = [e for e in store.audit_events(entity="setting") if e.entity_id == admin.CONTACT_KEY]
    assert row.actor == "ada"
    # Letters issued before keep what they were issued with: a re-print is the same bytes.
    first = letter_for(store, None, files[REVOCATION], today=today)
    assert render_issued(first) == render_issued(
        letter_for(store, None, files[REVOCATION], today=today)
    )
    assert "Phone:" not in all_text(render_issued(first))
    # The next decision's letter carries the block, beside the address and in its last
    # paragraph.
    app = make_file(store, people, today, account="1000-09").number
    _approve(store, people, app, SIGNED)
    approvals.revoke(
        store,
        people.director,
        app,
        from_on=REVOKED_FROM,
        reason="Customer asked",
        password=PASSWORD,
        today=today,
    )
    text = letter_text(store, app, today)
    assert (
        missing(
            text,
            [
                "4800 E 63rd St",
                "Kansas City, MO 64130",
                "Phone: 816-555-0142",
                "E-mail: sac@kcwater.example",
                "call Water Services at 816-555-0142 or write to sac@kcwater.example",
            ],
        )
        == []
    )


def test_contact_input_is_checked_and_all_empty_clears_it(store, people, today):
    with pytest.raises(InvalidInput) as refused:
        admin.set_water_services_contact(
            store, people.admin, address="", phone="call us", email="nobody", today=today
        )
    fields = [p.field for p in refused.value.problems]
    assert fields == ["contact.address", "contact.phone", "contact.email"]
    long_address = "\n".join(f"line {i}" for i in range(6))
    with pytest.raises(InvalidInput, match="a letter prints at most 4"):
        admin.set_water_services_contact(
            store, people.admin, **{**CONTACT, "address": long_address}, today=today
        )
    assert admin.water_services_contact(store) is None
    saved = admin.set_water_services_contact(store, people.admin, **CONTACT, today=today)
    assert saved.address_lines == (
        "Sewer Allowance Credit Program",
        "4800 E 63rd St",
        "Kansas City, MO 64130",
    )
    assert admin.water_services_contact(store) == saved
    changes = len(store.audit_events(entity="setting"))
    admin.set_water_services_contact(store, people.admin, **CONTACT, today=today)  # unchanged
    assert len(store.audit_events(entity="setting")) == changes
    cleared = admin.set_water_services_contact(
        store, people.admin, address=" ", phone="", email="", today=today
    )
    assert cleared is None
    assert admin.water_services_contact(store) is None
    assert store.verify_audit().ok


def _pdf_dates(pdf: bytes) -> tuple[str, str]:
    info = PdfReader(io.BytesIO(pdf)).metadata
    return info["/CreationDate"], info["/ModDate"]


def test_pdf_dates_are_the_issue_date_and_reprints_are_identical(store, files, today):
    for kind in (APPROVAL, AMENDMENT, DENIAL, REVOCATION, ENDING):
        issued = letter_for(store, None, files[kind], today=today)
        pdf = render_issued(issued)
        stamp = "D:" + issued.issued_on.strftime("%Y%m%d") + "000000+00'00'"
        assert _pdf_dates(pdf) == (stamp, stamp)
        assert "D:2000" not in stamp
        later = letter_for(store, None, files[kind], today=today + dt.timedelta(days=365))
        assert render_issued(later) == pdf


def test_the_fingerprint_block_prints_the_audit_head_verify_accepts(
    store, db_path, files, today, capsys
):
    heads = []
    for kind in (APPROVAL, AMENDMENT, DENIAL, REVOCATION, ENDING):
        text = letter_text(store, files[kind], today)
        found = re.search(r"Audit trail at issue \(row:hash\): (\d+:[0-9a-f]{16})", text)
        assert found, kind
        head = AuditHead.parse(found.group(1))
        assert head is not None
        assert store.verify_integrity(head=head).ok
        heads.append(found.group(1))
    assert len(set(heads)) == len(heads)  # each letter names the chain as it was then
    store.close()
    assert main(["--db", str(db_path), "audit", "verify", "--head", heads[-1]]) == 0
    assert capsys.readouterr().out.strip() == "ok"
    seq = heads[-1].split(":")[0]
    forged = f"{seq}:{'0' * 16}"
    assert main(["--db", str(db_path), "audit", "verify", "--head", forged]) != 0


def test_batch_export_writes_each_files_letter(store, files, today, tmp_path):
    numbers = [files[k] for k in (APPROVAL, AMENDMENT, DENIAL, REVOCATION, ENDING)]
    result = export_documents(store, None, numbers, tmp_path, today=today, schedules=False)
    names = sorted(p.name for p in result.written)
    assert names == sorted(
        f"{files[k]}-{k}.pdf" for k in (APPROVAL, AMENDMENT, DENIAL, REVOCATION, ENDING)
    )
    assert "is revoked" in all_text(
        (tmp_path / f"{files[REVOCATION]}-{REVOCATION}.pdf").read_bytes()
    )
    assert decided_since(store, Status.REVOKED, None) == [files[REVOCATION]]
    assert decided_since(store, Status.ENDED, None) == [files[ENDING]]
    assert decided_since(store, Status.REVOKED, today + dt.timedelta(days=1)) == []


def test_cli_letter_and_export_of_a_revoked_credit(store, files, db_path, tmp_path, today):
    store.close()
    out = tmp_path / "revoked.pdf"
    assert main(["--db", str(db_path), "letter", files[REVOCATION], "--out", str(out)]) == 0
    assert "Your Sewer Allowance Credit is revoked" in all_text(out.read_bytes())
    folder = tmp_path / "ended"
    status = main(
        ["--db", str(db_path), "export-letters", "--status", "ended", "--out", str(folder)]
    )
    assert status == 0
    assert [p.name for p in folder.iterdir()] == [f"{files[ENDING]}-{ENDING}.pdf"]


def test_a_long_reason_never_leaves_the_closing_alone_on_a_page(store, people, today):
    """Reasons of every length: the page that holds "Sincerely," also holds the sections
    cited and the last paragraph, and every page holds more than the letter's close."""
    app = make_file(store, people, today).number
    _approve(store, people, app, SIGNED)
    sentence = "The deduct meter was found bypassed at the inspection of the site. "
    approvals.revoke(
        store,
        people.director,
        app,
        from_on=REVOKED_FROM,
        reason=sentence * 12,
        password=PASSWORD,
        today=today,
    )
    letter = letter_for(store, None, app, today=today).snapshot
    for repeats in range(0, 60, 3):
        long = replace(letter, reason=Reason(sentence * repeats or "Customer asked", ""))
        pages = page_texts(render_document(long))
        [closing] = [p for p in pages if "Sincerely," in p]
        assert "Sections cited" in closing, repeats
        assert "If you have questions about this letter" in closing, repeats
        assert closing.index("Sections cited") < closing.index("Sincerely,")
