"""Issue and re-print documents: snapshots built from the records, stored, rendered to PDF.

Issuing a document freezes its snapshot (canonical JSON) in the store with the snapshot's
sha256; the PDF's own sha256 goes into the audit trail. Re-printing renders the stored
snapshot, never the current records, so a letter printed a year later is the letter that was
sent. Every decision's letter (approval, denial, amendment, revocation, ending by ownership
change) is issued by `operations.approvals` inside the deciding transaction, dated the
decision; `letter_for` returns the letter of the decision the file's state calls for (a
revoked or ended credit gets its revocation or ending letter, never its approval) and only
issues one itself for decisions recorded before kcsac did so.

Schedules are issued per billing cycle (RULES.md, "A credit over time"): looking at one
(`preview_schedule`) never issues it; `issue_schedule` freezes version N covering the billing
periods known, and a later issue makes version N+1 only when the figures changed (new
periods, a reading since); every version reprints byte-identical (`schedule_versions`), and
the newest is the customer's (`schedule_for`). Qt-free: the desk and the CLI call the same
functions.
"""

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date

from kcsac.domain.documents import (
    LETTER_KINDS,
    AmendmentLetter,
    ApprovalLetter,
    DenialLetter,
    Document,
    EndingLetter,
    IssuedDocument,
    RevocationLetter,
    ScheduleDocument,
    format_date_long,
)
from kcsac.domain.records import (
    DecisionKind,
)
from kcsac.operations.documents.letters import (
    build_letter,
    last_decision,
    letter_decision,
)
from kcsac.operations.documents.schedules import build_schedule_document
from kcsac.operations.errors import Refused
from kcsac.operations.users import current_user
from kcsac.storage import Store

APPROVAL = ApprovalLetter.kind
DENIAL = DenialLetter.kind
AMENDMENT = AmendmentLetter.kind
REVOCATION = RevocationLetter.kind
ENDING = EndingLetter.kind
SCHEDULE = ScheduleDocument.kind
# The letter kind of each decision kind, and the letters that enclose the schedule.
LETTER_OF_DECISION = {
    DecisionKind.APPROVAL: APPROVAL,
    DecisionKind.AMENDMENT: AMENDMENT,
    DecisionKind.DENIAL: DENIAL,
    DecisionKind.REVOCATION: REVOCATION,
    DecisionKind.OWNERSHIP_CHANGE: ENDING,
}
ENCLOSES_SCHEDULE = frozenset({APPROVAL, AMENDMENT})


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
    """Which letter `number` gets now: that of the decision its state calls for."""
    return LETTER_OF_DECISION[letter_decision(store, number).kind]


def current_decision_id(store: Store, number: str, kind: str) -> int | None:
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
    """The issued letter of the decision the file's state calls for: the one frozen when it
    was decided (approval or amendment for an approved credit, its denial, its revocation,
    its ending by ownership change). A decision recorded before its letter was frozen gets
    the letter issued now (dated today).

    `actor` None (not a kcsac user) may print issued letters but not issue new ones.
    """
    decision = letter_decision(store, number)
    frozen = [
        d
        for d in issued_documents(store, number)
        if d.kind in LETTER_KINDS and d.decision_id == decision.id
    ]
    if frozen:
        return frozen[-1]
    kind = LETTER_OF_DECISION[decision.kind]
    actor = _need_issuer(store, actor, number, kind.replace("-", " "))
    letter = build_letter(store, decision, letter_on=today, issued_on=today)
    return issue(store, actor, letter, today=today, decision_id=decision.id)


@dataclass(frozen=True)
class ScheduleIssue:
    """What `issue_schedule` did: the version now newest, and whether it is new."""

    document: IssuedDocument
    version: int
    new: bool


def schedule_versions(store: Store, number: str) -> list[IssuedDocument]:
    """Every issued version of `number`'s schedule, oldest first: version i is item i-1."""
    return [d for d in issued_documents(store, number) if d.kind == SCHEDULE]


def version_of(versions: list[IssuedDocument], doc: IssuedDocument) -> int:
    """The version number of `doc` among `versions` (1-based, in issue order)."""
    return next(i for i, d in enumerate(versions, 1) if d.id == doc.id)


def preview_schedule(
    store: Store, number: str, *, today: date, through: date | None = None
) -> ScheduleDocument:
    """The schedule as it would be issued today, never stored (a preview)."""
    return build_schedule_document(store, number, prepared_on=today, through=through)


def render_preview(doc: ScheduleDocument) -> bytes:
    """A preview's PDF: marked as a preview, not issued, on every page."""
    from kcsac.pdf.schedule import render_schedule  # reportlab loads when a document is made

    return render_schedule(doc, preview=True)


def _unchanged(issued: ScheduleDocument, fresh: ScheduleDocument) -> bool:
    """The same schedule but for its date and version: nothing new to issue."""
    day = fresh.prepared_on
    return dataclasses.replace(
        issued, prepared_on=day, version=0, version_note=""
    ) == dataclasses.replace(fresh, prepared_on=day, version=0, version_note="")


def issue_schedule(
    store: Store, actor: str | None, number: str, *, today: date, through: date | None = None
) -> ScheduleIssue:
    """Freeze the next version of `number`'s schedule, covering the billing periods known
    (starting on or before `through`, when given); when the figures are those of the newest
    version, nothing is issued and that version is returned (`new` False)."""
    with store.write():  # the version number and the check hold until it is stored
        versions = schedule_versions(store, number)
        latest = versions[-1] if versions else None
        version = len(versions) + 1
        note = ""
        if latest is not None:
            note = f"replaces version {version - 1} of {format_date_long(latest.issued_on)}"
        doc = build_schedule_document(
            store, number, prepared_on=today, through=through, version=version, version_note=note
        )
        snapshot = latest.snapshot if latest is not None else None
        if isinstance(snapshot, ScheduleDocument) and _unchanged(snapshot, doc):
            assert latest is not None
            return ScheduleIssue(latest, version - 1, False)
        actor = _need_issuer(store, actor, number, "adjusted volume schedule")
        decision_id = current_decision_id(store, number, APPROVAL)
        issued = issue(store, actor, doc, today=today, decision_id=decision_id)
    return ScheduleIssue(issued, version, True)


def schedule_for(store: Store, actor: str | None, number: str, *, today: date) -> IssuedDocument:
    """The customer's schedule: the newest issued version. A new version is issued now when
    none was, or when the newest predates the decision in force (an amendment signed since):
    e.g. exporting a decision's documents to send them."""
    versions = schedule_versions(store, number)
    if versions and versions[-1].decision_id == current_decision_id(store, number, APPROVAL):
        return versions[-1]
    return issue_schedule(store, actor, number, today=today).document


def render_issued(doc: IssuedDocument) -> bytes:
    """Re-print: the stored snapshot rendered again (identical bytes to the first print)."""
    if doc.snapshot.sha256() != doc.sha256:
        raise Refused(
            f"Document {doc.id} of {doc.application}: its stored snapshot does not match its "
            "sha256; the record was altered outside kcsac. Restore a backup."
        )
    from kcsac.pdf import render_document  # reportlab loads when a document is made

    return render_document(doc.snapshot)
