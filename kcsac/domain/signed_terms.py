"""The terms a credit was signed with: read from the signed snapshot, never from the editable
determination row, which must still agree with them.

Issue 13: "Exports and documents are built from what was signed (the frozen snapshot), and
refuse, by name, a credit whose stored row disagrees with its signature." A decision's
snapshot (kcsac.domain.signed_snapshot) holds the determination as signed; its sha256 is
stored beside it. `terms_as_signed` checks, in this order, that the snapshot is there and
matches its sha256, that it signed the determination the decision names, that the stored
row of that determination still holds the signed method, percent and fixed volume, and that
the decision's effective date is the one the signature gives (the signature date; for the
approval of an ownership change, the transfer date). Any disagreement is one line naming the
application and the field; the caller refuses the credit with it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from kcsac.domain.category import Category
from kcsac.domain.determination import DeterminationTerms
from kcsac.domain.method import Method
from kcsac.domain.records import Determination
from kcsac.domain.signed_snapshot import sha256_hex

RESTORE = "the record was changed outside kcsac; restore a backup (kcsac audit verify)"


@dataclass(frozen=True)
class TermsInForce:
    """One determination's terms and the days they are in force for the credit."""

    determination_id: int  # 0: terms not signed (a preview)
    terms: DeterminationTerms
    start: date  # its signature date (an ownership change: the transfer date)
    end: date | None = None  # the day before the next terms, or the credit's last day
    signed_on: date | None = None  # None: not signed (a preview)
    justification: str = ""  # the director's, as signed

    def touches(self, start: date, end: date) -> bool:
        return self.start <= end and (self.end is None or self.end >= start)

    @property
    def label(self) -> str:
        """How a line names these terms: "the terms signed 2026-07-09"."""
        if self.signed_on is None:
            return "the terms previewed"
        return f"the terms signed {self.signed_on.isoformat()}"


@dataclass(frozen=True)
class SignedDecision:
    """What the store holds about one signed approval or amendment, and the pieces of its
    snapshot the terms come from (`signed`: the snapshot's "determination" object)."""

    decision_id: int
    kind: str  # "approval" | "amendment"
    determination_id: int | None
    effective_on: date | None
    snapshot_text: str
    snapshot_sha256: str
    signed: Mapping[str, object] | None
    signed_on: str | None
    category: str | None  # the snapshot's application category
    transfer_on: str | None  # the snapshot's application details' transfer date


def snapshot_pieces(snapshot: Mapping[str, object]) -> tuple[object, object, object, object]:
    """(determination, signed_on, category, transfer_on) of a parsed signed snapshot: what
    SignedDecision takes (the billing hand-off reads them by SQL's json_extract instead)."""
    app = snapshot.get("application")
    app = app if isinstance(app, Mapping) else {}
    details = app.get("details")
    details = details if isinstance(details, Mapping) else {}
    return (
        snapshot.get("determination"),
        snapshot.get("signed_on"),
        app.get("category"),
        details.get("transfer_on"),
    )


class SignatureMismatch(Exception):  # noqa: N818 - the domain's word
    """The stored records disagree with what was signed; str() is one line naming the
    application and the field."""


def terms_as_signed(
    number: str, decision: SignedDecision, row: Determination | None
) -> TermsInForce:
    """The terms in force from `decision`, as signed; raises SignatureMismatch when the
    records disagree with the signature (`row`: the stored determination the decision names,
    None when it is missing)."""
    what = f"{number}: the {decision.kind} (decision {decision.decision_id})"
    if not decision.snapshot_text:
        raise SignatureMismatch(f"{what} has no signed snapshot to read its terms from")
    if sha256_hex(decision.snapshot_text) != decision.snapshot_sha256:
        raise SignatureMismatch(f"{what}: its signed snapshot does not match its sha256; {RESTORE}")
    signed = decision.signed
    if not isinstance(signed, Mapping):
        raise SignatureMismatch(f"{what} signed no determination")
    signed_id = signed.get("id")
    if signed_id != decision.determination_id:
        raise SignatureMismatch(
            f"{what}: determination is {decision.determination_id} in the records but "
            f"{signed_id} as signed; {RESTORE}"
        )
    try:
        signed_on = date.fromisoformat(str(decision.signed_on))
        method = Method(str(signed.get("method")))
        percent = _decimal(signed.get("percent"))
        fixed = _decimal(signed.get("fixed_ccf"))
    except (ValueError, InvalidOperation) as exc:
        raise SignatureMismatch(f"{what}: its signed snapshot cannot be read ({exc})") from exc
    if row is None:
        raise SignatureMismatch(
            f"{number}: determination {signed_id}, signed {signed_on.isoformat()}, is missing "
            f"from the records; {RESTORE}"
        )
    for field, stored, as_signed in (
        ("method", row.method, method),
        ("percent", row.percent, percent),
        ("fixed_ccf", row.fixed_ccf, fixed),
    ):
        if stored != as_signed:
            raise SignatureMismatch(
                f"{number}: determination {row.id}'s {field} is {_text(stored)} in the records "
                f"but {_text(as_signed)} as signed on {signed_on.isoformat()}; {RESTORE}"
            )
    effective = signed_on
    if decision.kind == "approval" and decision.category == Category.OWNERSHIP_CHANGE.value:
        try:
            effective = date.fromisoformat(str(decision.transfer_on))
        except ValueError as exc:
            raise SignatureMismatch(f"{what}: its signed transfer date cannot be read") from exc
    if decision.effective_on != effective:
        raise SignatureMismatch(
            f"{what}: effective date is {_text(decision.effective_on)} in the records but "
            f"{effective.isoformat()} as signed; {RESTORE}"
        )
    justification = signed.get("justification")
    return TermsInForce(
        row.id,
        DeterminationTerms(method, percent, fixed),
        effective,
        None,
        signed_on,
        justification if isinstance(justification, str) else "",
    )


def chain_spans(signed: Sequence[TermsInForce], ended_on: date | None) -> list[TermsInForce]:
    """The terms in signing order as a run of days: each in force until the day before the
    next took effect, the last until `ended_on` (None: still in force). Terms replaced on
    the day they took effect (or before) credit no day and are left out."""
    spans: list[TermsInForce] = []
    for i, span in enumerate(signed):
        end = ended_on
        if i + 1 < len(signed):
            end = signed[i + 1].start - timedelta(days=1)
        if end is not None and end < span.start:
            continue
        spans.append(replace(span, end=end))
    return spans


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _text(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, Method):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
