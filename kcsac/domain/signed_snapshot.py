"""What a signer signs: the records as they stood, in one canonical JSON text, and its sha256.

An approval, amendment or ownership change stores this text and its sha256 with the decision;
the approval letter prints the sha256. The text is a legal record: the same records must give
the same bytes in every kcsac version, so its form is written out here, field by field, and
depends on nothing but the domain records (not on how storage keeps them).

The form, as signed since the first kcsac:
- one JSON object with the keys "account", "application", "determination" (null when there is
  none), "payments", "reviews", "signed_on" and "signer", sorted, separators "," and ":",
  non-ASCII escaped (\\uXXXX);
- each record an object of the fields listed below under their record's field names (but
  the application's paperwork, signed as "documents", its first name: SIGNED_AS); a
  record's stored-row bookkeeping (version, updated_by, updated_at) is signed as 0 and "", so
  a later save of the row never changes what was signed;
- dates as ISO text, Decimals as their text (str(Decimal): "8", "12.50"), enums by value,
  tuples as lists, null for an absent value.

Changing any of this changes the bytes of every later signature: add a field to a record only
with a decision on whether it is signed (tests/domain/test_signed_snapshot.py asks).
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from kcsac.domain.records import Account, Determination, Payment, Review, SacApplication, User

# The fields of each record that are signed, by name, and the stored-row bookkeeping each
# carries under its own name with a constant value (as in every snapshot signed so far).
APPLICATION_FIELDS = (
    "number",
    "category",
    "status",
    "account",
    "received_on",
    "discharges_to_storm_sewer",
    "details",
    "paperwork",  # signed under its first name, "documents" (SIGNED_AS)
    "fee_cents",
    "fee_note",
    "paid_cents",
    "effective_on",
    "ended_on",
)
ACCOUNT_FIELDS = ("number", "customer", "service_address", "account_class", "customer_class")
DETERMINATION_FIELDS = (
    "id",
    "application",
    "method",
    "percent",
    "fixed_ccf",
    "justification",
    "entered_by",
    "entered_on",
    "locked",
    "amends",
)
REVIEW_FIELDS = (
    "id",
    "application",
    "kind",
    "reviewed_on",
    "reviewer",
    "result",
    "notes",
    "attachments",
)
PAYMENT_FIELDS = (
    "id",
    "application",
    "receipt_no",
    "amount_cents",
    "paid_on",
    "method",
    "recorded_by",
    "reversed_on",
    "reversal_reason",
)
SIGNER_FIELDS = ("login", "name", "title", "role")
# Fields signed under another name than the record's: the name they were first signed under.
SIGNED_AS = {"paperwork": "documents"}

APPLICATION_CONSTANTS = {"version": 0, "updated_by": "", "updated_at": ""}
ACCOUNT_CONSTANTS = {"version": 0}
DETERMINATION_CONSTANTS = {"version": 0}
# Kept out of the signed form (bound by the audit trail instead): every author of the terms,
# which decides who may sign them; the signed form names the last (entered_by) and the signer.
DETERMINATION_UNSIGNED = ("authors",)


@dataclass(frozen=True)
class SignedSnapshot:
    """The canonical JSON text of what was signed, and the hex sha256 of its UTF-8 bytes."""

    text: str
    sha256: str


def signed_snapshot(
    *,
    application: SacApplication,
    account: Account,
    determination: Determination | None,
    reviews: Iterable[Review],
    payments: Iterable[Payment],
    signed_on: dt.date,
    signer: User,
) -> SignedSnapshot:
    """The snapshot of a signature on `signed_on` by `signer`: the application, its account,
    the determination signed (None for a decision without one), the reviews and payments on
    file, as they stand when signing."""
    data = {
        "application": _record(application, APPLICATION_FIELDS, APPLICATION_CONSTANTS),
        "account": _record(account, ACCOUNT_FIELDS, ACCOUNT_CONSTANTS),
        "determination": (
            None
            if determination is None
            else _record(determination, DETERMINATION_FIELDS, DETERMINATION_CONSTANTS)
        ),
        "reviews": [_record(r, REVIEW_FIELDS) for r in reviews],
        "payments": [_record(p, PAYMENT_FIELDS) for p in payments],
        "signed_on": signed_on.isoformat(),
        "signer": _record(signer, SIGNER_FIELDS),
    }
    text = canonical_json(data)
    return SignedSnapshot(text, sha256_hex(text))


def canonical_json(data: Mapping[str, object]) -> str:
    """`data` (already plain: dicts, lists, text, numbers, booleans, None) as signed text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def sha256_hex(text: str) -> str:
    """The hex sha256 of `text` as UTF-8: what is stored and printed beside a snapshot."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(
    record: object, fields: tuple[str, ...], constants: Mapping[str, object] | None = None
) -> dict[str, object]:
    found: dict[str, object] = {
        SIGNED_AS.get(name, name): _plain(getattr(record, name)) for name in fields
    }
    found.update(constants or {})
    return found


def _plain(value: object) -> object:
    """A field's value in the signed form (free-form details and paperwork maps included)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    raise TypeError(f"signed snapshot: cannot sign {type(value).__name__} {value!r}")
