"""Frozen snapshots of the documents kcsac issues: letters and the adjusted volume schedule.

A snapshot holds a document's data exactly as it was issued: names, addresses, figures already
computed (money as integer cents, volumes and rates as the text printed), citations and the
wording of duties and reasons. The PDF renderers only lay a snapshot out, so re-printing a
stored snapshot a year later gives the same document even if rates or records changed since.

`to_json()` is canonical (sorted keys, no spaces beyond the separators, ASCII-only escapes), so
the stored text and its sha256 are reproducible; `from_json()` reverses it exactly. A field
added to a snapshot after letters were issued without it is declared with `metadata=ADDED`: it is
left out of the JSON while it holds its default, so a letter stored before the field existed
encodes to the very text (and sha256) it was stored with.
"""

import dataclasses
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Self

# The issuer, printed in every letterhead. Neutral wording: kcsac uses no city seal.
ISSUER = "Kansas City Water Services"
PROGRAM = "Sewer Allowance Credit Program"
AUTHOR = ISSUER  # PDF metadata author

SCHEMA_VERSION = 1  # bump when a snapshot's fields change; old snapshots keep their version


# The same, as a field's metadata: `field(default=..., metadata=ADDED)`.
ADDED = types.MappingProxyType({"added_later": True})


def added_later(default: Any) -> Any:
    """A field added after the first snapshots were stored: written to the JSON only when it
    differs from `default`, so every snapshot stored before it re-encodes to the same text
    (and the same sha256) and reprints byte-identical."""
    return dataclasses.field(default=default, metadata={"added_later": True})


@dataclass(frozen=True)
class Addressee:
    """Who the document is for and which account it concerns."""

    customer_name: str
    mailing_lines: tuple[str, ...]  # the postal address under the name
    service_address: str
    account_no: str


@dataclass(frozen=True)
class Contact:
    """Water Services' contact block, as the administrator entered it (printed as given)."""

    address_lines: tuple[str, ...]
    phone: str
    email: str


@dataclass(frozen=True)
class Signature:
    """The director's (or representative's) signature as recorded at decision time."""

    signer_name: str
    signer_title: str
    signed_on: date


@dataclass(frozen=True)
class PaymentLine:
    """One payment of the application fee."""

    receipt_no: str
    paid_on: date
    amount_cents: int


@dataclass(frozen=True)
class Parameter:
    """One labelled parameter of the method of determination, as printed."""

    label: str
    value: str


@dataclass(frozen=True)
class MeterLine:
    """A meter that measures diverted (or sewer) water, with its activation reading."""

    role: str  # "Deduct meter", "Make-up meter", "Blow-down meter", "Sewer meter", ...
    serial_no: str
    make_model: str
    size: str
    location: str
    activation_reading: str  # printed with its unit, e.g. "123,456 gal"
    activation_on: date | None
    last_test_on: date | None


@dataclass(frozen=True)
class Reason:
    """One reason for a denial, with the section it rests on."""

    message: str
    citation: str


@dataclass(frozen=True)
class RateLine:
    """A rate or policy used by a schedule, with where it comes from."""

    label: str
    value: str
    citation: str
    effective_on: date | None


class _Snapshot:
    """JSON round-trip and hashing shared by the three document snapshots."""

    kind: ClassVar[str]

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, compact separators, ISO dates, lists for tuples."""
        payload = {"kind": self.kind, "schema": SCHEMA_VERSION, "data": _encode(self)}
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def sha256(self) -> str:
        """Hex sha256 of `to_json()` (UTF-8): the fingerprint printed on the document."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Rebuild a snapshot from `to_json()` text; ValueError names what does not fit."""
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"document snapshot: not JSON ({exc})") from exc
        if not isinstance(payload, dict) or payload.get("kind") != cls.kind:
            found = payload.get("kind") if isinstance(payload, dict) else type(payload).__name__
            raise ValueError(f"document snapshot: expected kind {cls.kind!r}, found {found!r}")
        if payload.get("schema") != SCHEMA_VERSION:
            raise ValueError(
                f"document snapshot: schema {payload.get('schema')!r} is not supported "
                f"(this kcsac reads schema {SCHEMA_VERSION})"
            )
        return _decode(cls, payload.get("data"), cls.kind)


@dataclass(frozen=True)
class ApprovalLetter(_Snapshot):
    """The approval of a Sewer Allowance Credit application, as signed."""

    kind: ClassVar[str] = "approval-letter"

    letter_on: date
    application_no: str
    addressee: Addressee
    category_label: str
    customer_class_label: str
    effective_on: date  # the signature date (60-2(2)(c), 60-3(a)(6))
    fee_assessed_cents: int
    fee_citation: str
    payments: tuple[PaymentLine, ...]
    fee_paid_cents: int
    method_label: str
    method_parameters: tuple[Parameter, ...]
    meters: tuple[MeterLine, ...]
    duties: tuple[str, ...]
    section: str  # "Code sec. 60-2(2)(c)" (resident) or "Code sec. 60-3(a)(6)" (nonresident)
    ordinance: str
    citations: tuple[str, ...]  # every section the letter rests on, in print order
    signature: Signature
    notes: tuple[str, ...] = ()
    # Why the credit starts on `effective_on` (an ownership change starts on the transfer date).
    effective_basis: str = "the date the director signed this determination"
    # Added after letters were issued without them (see `ADDED`): how the credit shows on the
    # customer's bills; what is enclosed ("adjusted volume schedule"); Water Services' contact
    # block, when entered; the audit chain's head at issue ("SEQ:HASH16"); the day it was
    # issued (the PDF's dates).
    on_bills: tuple[str, ...] = field(default=(), metadata=ADDED)
    enclosures: tuple[str, ...] = field(default=(), metadata=ADDED)
    contact: Contact | None = field(default=None, metadata=ADDED)
    audit_head: str = field(default="", metadata=ADDED)
    issued_on: date | None = field(default=None, metadata=ADDED)


@dataclass(frozen=True)
class DenialLetter(_Snapshot):
    """The denial of an application: the reasons, their sections, and what can be done next."""

    kind: ClassVar[str] = "denial-letter"

    letter_on: date
    application_no: str
    addressee: Addressee
    category_label: str
    customer_class_label: str
    decided_on: date
    reasons: tuple[Reason, ...]
    next_steps: tuple[str, ...]
    section: str
    ordinance: str
    citations: tuple[str, ...]
    signature: Signature
    fee_assessed_cents: int | None = None
    fee_paid_cents: int = 0
    # Added after letters were issued without them (see `ADDED`).
    contact: Contact | None = field(default=None, metadata=ADDED)
    audit_head: str = field(default="", metadata=ADDED)
    issued_on: date | None = field(default=None, metadata=ADDED)


@dataclass(frozen=True)
class AmendmentLetter(_Snapshot):
    """An amendment of a credit's determination: the new terms from the amendment's own
    signature date; periods (and days of periods) before it stay under the earlier terms."""

    kind: ClassVar[str] = "amendment-letter"

    letter_on: date
    application_no: str
    addressee: Addressee
    category_label: str
    customer_class_label: str
    credit_effective_on: date  # when the credit itself began (its first signature)
    effective_on: date  # the amendment's signature date: the new terms apply from it
    previous_method_label: str
    previous_parameters: tuple[Parameter, ...]
    previous_effective_on: date  # when the earlier terms took effect
    method_label: str
    method_parameters: tuple[Parameter, ...]
    meters: tuple[MeterLine, ...]
    duties: tuple[str, ...]
    on_bills: tuple[str, ...]
    enclosures: tuple[str, ...]
    section: str
    ordinance: str
    citations: tuple[str, ...]
    signature: Signature
    contact: Contact | None = None
    audit_head: str = ""
    issued_on: date | None = None


@dataclass(frozen=True)
class RevocationLetter(_Snapshot):
    """The revocation of a credit: from which day, why, and on what authority."""

    kind: ClassVar[str] = "revocation-letter"

    letter_on: date
    application_no: str
    addressee: Addressee
    category_label: str
    customer_class_label: str
    credit_effective_on: date
    revoked_from: date  # the first day without the credit
    last_credited_on: date  # the day before
    decided_on: date
    reason: Reason
    on_bills: tuple[str, ...]
    next_steps: tuple[str, ...]
    section: str
    ordinance: str
    citations: tuple[str, ...]
    signature: Signature
    contact: Contact | None = None
    audit_head: str = ""
    issued_on: date | None = None


@dataclass(frozen=True)
class EndingLetter(_Snapshot):
    """The end of a credit because the property changed owners: the credit moved to the new
    owner's application from the transfer date; the old one ended the day before."""

    kind: ClassVar[str] = "ending-letter"

    letter_on: date
    application_no: str
    addressee: Addressee
    category_label: str
    customer_class_label: str
    credit_effective_on: date
    ended_on: date  # the last day credited
    transfer_on: date  # the first day of the new owner's credit
    new_application_no: str
    on_bills: tuple[str, ...]
    next_steps: tuple[str, ...]
    section: str
    ordinance: str
    citations: tuple[str, ...]
    signature: Signature
    contact: Contact | None = None
    audit_head: str = ""
    issued_on: date | None = None


@dataclass(frozen=True)
class ScheduleLine:
    """One billing period of the adjusted volume schedule, as printed."""

    start: date
    end: date
    days: int
    purchased_ccf: str  # volumes as printed, 2 decimals ("96.00")
    diverted_ccf: str
    credited_share: str  # f, e.g. "20/31", "1", "0"
    credited_ccf: str
    billed_ccf: str
    service_charge_cents: int
    volume_charge_unadjusted_cents: int
    volume_charge_cents: int
    credit_cents: int
    surcharge_cents: int | None = None
    note: str = ""
    # Which terms in force the period was credited under ("1", "1 + 2": ScheduleTerms.label)
    terms: str = added_later("")


@dataclass(frozen=True)
class ScheduleTerms:
    """One set of terms in force over the credit's life, as a schedule prints them."""

    label: str  # "1", "2", ... in signing order
    determination: str  # the determination's number in kcsac
    signed_on: date
    in_force_from: date
    in_force_to: date | None  # None: still in force
    method_label: str
    parameters: tuple[Parameter, ...]


@dataclass(frozen=True)
class ScheduleTotals:
    """The column totals of a schedule."""

    days: int
    purchased_ccf: str
    diverted_ccf: str
    credited_ccf: str
    billed_ccf: str
    service_charge_cents: int
    volume_charge_unadjusted_cents: int
    volume_charge_cents: int
    credit_cents: int
    surcharge_cents: int | None = None


@dataclass(frozen=True)
class ScheduleDocument(_Snapshot):
    """The adjusted volume schedule that goes with an approval letter."""

    kind: ClassVar[str] = "schedule"

    prepared_on: date
    application_no: str
    addressee: Addressee
    category_label: str
    customer_class_label: str
    method_label: str
    method_parameters: tuple[Parameter, ...]
    effective_on: date
    volume_rounding: str  # "pro-rata" | "whole-ccf-up"
    volume_rounding_label: str  # the sentence printed about it
    rates: tuple[RateLine, ...]
    rows: tuple[ScheduleLine, ...]
    totals: ScheduleTotals
    worked_example: tuple[str, ...]  # one period's arithmetic, line by line
    notes: tuple[str, ...]  # readings marked "(reading)" and period flags
    section: str
    ordinance: str
    citations: tuple[str, ...]
    surcharge_note: str = ""  # why there is no surcharge column, when there is none
    # Every set of terms in force over the credit's life (an amendment adds one).
    terms: tuple[ScheduleTerms, ...] = added_later(())
    # The issued version of this credit's schedule (1, 2, ... per billing cycle); 0 for a
    # schedule issued before versions were numbered, or a preview never issued.
    version: int = added_later(0)
    version_note: str = added_later("")  # e.g. "replaces version 1 of August 15, 2026"

    @property
    def has_surcharge(self) -> bool:
        return any(row.surcharge_cents is not None for row in self.rows)


Letter = ApprovalLetter | DenialLetter | AmendmentLetter | RevocationLetter | EndingLetter
LETTER_TYPES: tuple[type[Letter], ...] = (
    ApprovalLetter,
    DenialLetter,
    AmendmentLetter,
    RevocationLetter,
    EndingLetter,
)
LETTER_KINDS = frozenset(cls.kind for cls in LETTER_TYPES)
Document = Letter | ScheduleDocument
DOCUMENT_TYPES: dict[str, type[Document]] = {
    cls.kind: cls for cls in (*LETTER_TYPES, ScheduleDocument)
}


def document_from_json(text: str) -> Document:
    """Rebuild whichever snapshot `text` holds (by its "kind")."""
    try:
        kind = json.loads(text).get("kind")
    except (json.JSONDecodeError, AttributeError) as exc:
        raise ValueError("document snapshot: not a JSON object") from exc
    cls = DOCUMENT_TYPES.get(kind)
    if cls is None:
        raise ValueError(f"document snapshot: unknown kind {kind!r}")
    return cls.from_json(text)


@dataclass(frozen=True)
class IssuedDocument:
    """A document as stored at issue: its snapshot and the snapshot's sha256."""

    id: int
    application: str
    kind: str
    issued_on: date
    issued_by: str
    sha256: str
    snapshot: Document
    decision_id: int | None = None

    @property
    def filename(self) -> str:
        """`SAC-2026-0001-approval-letter.pdf`: what a batch export names the file."""
        return f"{self.application}-{self.kind}.pdf"


def format_date_long(day: date) -> str:
    """`August 12, 2026`: the way a letter prints a date (no locale lookup)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- JSON encoding: dataclasses by field name, dates as ISO text, tuples as lists -----------


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.metadata.get("added_later") and getattr(value, f.name) == f.default)
        }
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, str | int):
        if isinstance(value, bool):
            raise TypeError("document snapshot: booleans are not used in snapshots")
        return value
    raise TypeError(f"document snapshot: cannot store {type(value).__name__} {value!r}")


def _decode(tp: Any, raw: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(tp)
        if raw is None and type(None) in options:
            return None
        (inner,) = [opt for opt in options if opt is not type(None)]
        return _decode(inner, raw, where)
    if origin is tuple:
        if not isinstance(raw, list):
            raise ValueError(f"document snapshot: {where} should be a list")
        (item_type, _ellipsis) = typing.get_args(tp)
        return tuple(_decode(item_type, item, f"{where}[{i}]") for i, item in enumerate(raw))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(raw, dict):
            raise ValueError(f"document snapshot: {where} should be an object")
        hints = typing.get_type_hints(tp)
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name in raw:
                kwargs[f.name] = _decode(hints[f.name], raw[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING:
                raise ValueError(f"document snapshot: {where}.{f.name} is missing")
        unknown = sorted(set(raw) - {f.name for f in dataclasses.fields(tp)})
        if unknown:
            raise ValueError(f"document snapshot: {where} has unknown fields {unknown}")
        return tp(**kwargs)
    if tp is date:
        try:
            return date.fromisoformat(raw)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"document snapshot: {where} is not an ISO date: {raw!r}") from exc
    if tp in (str, int):
        if type(raw) is not tp:
            raise ValueError(f"document snapshot: {where} should be {tp.__name__}: {raw!r}")
        return raw
    raise TypeError(f"document snapshot: unsupported field type {tp!r} at {where}")
