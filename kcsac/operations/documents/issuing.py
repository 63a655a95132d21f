"""Issue and re-print documents: snapshots built from the records, stored, rendered to PDF.

Issuing a document freezes its snapshot (canonical JSON) in the store with the snapshot's
sha256; the PDF's own sha256 goes into the audit trail. Re-printing renders the stored
snapshot, never the current records, so a letter printed a year later is the letter that was
sent. The approval and denial letters are issued by `operations.approvals` inside the signing
(or denial) transaction, dated the decision; `letter_for` returns that stored letter and only
issues one itself for decisions recorded before kcsac did so. Schedules are issued at their
first print. Qt-free: the desk and the CLI call the same functions.
"""

import hashlib
from datetime import date

from kcsac.domain.documents import (
    ApprovalLetter,
    DenialLetter,
    Document,
    IssuedDocument,
    ScheduleDocument,
)
from kcsac.domain.records import (
    DecisionKind,
)
from kcsac.domain.status import Status
from kcsac.operations.documents.letters import (
    build_approval_letter,
    build_denial_letter,
    last_decision,
)
from kcsac.operations.documents.schedules import build_schedule_document
from kcsac.operations.errors import Refused
from kcsac.operations.users import current_user
from kcsac.storage import Store

APPROVAL = ApprovalLetter.kind
DENIAL = DenialLetter.kind
SCHEDULE = ScheduleDocument.kind


def issued_documents(store: Store, number: str) -> list[IssuedDocument]:
    """Every document issued for `number`, oldest first."""
    return store.documents(number)


def latest_issued(store: Store, number: str, kind: str) -> IssuedDocument | None:
    found = [d for d in issued_documents(store, number) if d.kind == kind]
    return found[-1] if found else None


def issue(
    store: Store, actor: str, snapshot: Document, *, today: date, decision_id: int | None = None
) -> IssuedDocument:
    """Store `snapshot` as issued (JSON + sha256); the PDF's sha256 goes to the audit trail.

    Runs inside the caller's write transaction when there is one (store.write() nests as a
    savepoint), so a decision and its letter are stored, or undone, together."""
    text = snapshot.to_json()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    from kcsac.pdf import render_document  # reportlab loads when a document is made

    pdf_digest = hashlib.sha256(render_document(snapshot)).hexdigest()
    with store.write():
        doc_id = store.add_document(
            application=snapshot.application_no,
            kind=snapshot.kind,
            issued_on=today,
            issued_by=actor,
            snapshot_json=text,
            sha256=digest,
            decision_id=decision_id,
        )
        store.audit(
            actor,
            f"{snapshot.kind} PDF rendered",
            "document",
            str(doc_id),
            after={"snapshot_sha256": digest, "pdf_sha256": pdf_digest},
            application=snapshot.application_no,
        )
    return IssuedDocument(
        doc_id, snapshot.application_no, snapshot.kind, today, actor, digest, snapshot, decision_id
    )


def letter_kind(store: Store, number: str) -> str:
    """Which letter `number` gets: the approval letter or the denial letter."""
    app = store.get_application(number)
    if app.status is Status.DENIED:
        return DENIAL
    if app.status in (Status.APPROVED, Status.REVOKED, Status.ENDED):
        return APPROVAL
    raise Refused(
        f"Application {number} is {app.status.label.lower()}; a letter is issued once it is "
        "approved or denied"
    )


def _current_decision_id(store: Store, number: str, kind: str) -> int | None:
    kinds = (
        (DecisionKind.DENIAL,)
        if kind == DENIAL
        else (
            DecisionKind.APPROVAL,
            DecisionKind.AMENDMENT,
        )
    )
    decision = last_decision(store, number, kinds)
    return decision.id if decision else None


def _need_issuer(store: Store, actor: str | None, number: str, what: str) -> str:
    # None or "": not a kcsac user; a login no longer active is read-only as well
    if not actor or current_user(store, actor) is None:
        raise Refused(
            f"The {what} of application {number} has not been issued yet, and only a kcsac "
            "user can issue it (you may print documents already issued)"
        )
    return actor


def letter_for(store: Store, actor: str | None, number: str, *, today: date) -> IssuedDocument:
    """The issued letter of the current decision: the one frozen when it was signed or
    denied. A decision recorded before letters were frozen at signing gets its letter issued
    now (dated today).

    `actor` None (not a kcsac user) may print issued letters but not issue new ones.
    """
    kind = letter_kind(store, number)
    decision_id = _current_decision_id(store, number, kind)
    existing = latest_issued(store, number, kind)
    if existing is not None and existing.decision_id == decision_id:
        return existing
    actor = _need_issuer(
        store, actor, number, "denial letter" if kind == DENIAL else "approval letter"
    )
    build = build_denial_letter if kind == DENIAL else build_approval_letter
    return issue(
        store, actor, build(store, number, letter_on=today), today=today, decision_id=decision_id
    )


def schedule_for(
    store: Store, actor: str | None, number: str, *, today: date, reissue: bool = False
) -> IssuedDocument:
    """The issued schedule of the current approval; issued now if not yet (or `reissue`,
    e.g. after new billing periods were imported)."""
    decision_id = _current_decision_id(store, number, APPROVAL)
    existing = latest_issued(store, number, SCHEDULE)
    if existing is not None and existing.decision_id == decision_id and not reissue:
        return existing
    actor = _need_issuer(store, actor, number, "adjusted volume schedule")
    doc = build_schedule_document(store, number, prepared_on=today)
    return issue(store, actor, doc, today=today, decision_id=decision_id)


def render_issued(doc: IssuedDocument) -> bytes:
    """Re-print: the stored snapshot rendered again (identical bytes to the first print)."""
    if doc.snapshot.sha256() != doc.sha256:
        raise Refused(
            f"Document {doc.id} of {doc.application}: its stored snapshot does not match its "
            "sha256; the record was altered outside kcsac. Restore a backup."
        )
    from kcsac.pdf import render_document  # reportlab loads when a document is made

    return render_document(doc.snapshot)
