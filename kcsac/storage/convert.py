"""Rows to domain objects and back; the one place that knows column types."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from enum import Enum
from typing import Any

from kcsac.domain.attachments import Attachment
from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.documents import IssuedDocument, document_from_json
from kcsac.domain.method import Method
from kcsac.domain.records import (
    Account,
    AuditEvent,
    Decision,
    DecisionKind,
    Determination,
    FeeAssessment,
    Meter,
    MeterRole,
    MeterUnit,
    Payment,
    Reading,
    Review,
    ReviewKind,
    ReviewResult,
    SacApplication,
    User,
)
from kcsac.domain.status import Status


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def required_day(text: str) -> dt.date:
    """A date from a column that always holds one (NOT NULL)."""
    return dt.date.fromisoformat(text)


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def dec_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# Fields stored under an older name than the domain's: the column, and the key in the audit
# trail's JSON and in signed snapshots, keep the stored name, so what was written reads the
# same and what is written now is written as before (no migration).
STORED_NAMES: dict[tuple[type, str], str] = {(SacApplication, "paperwork"): "documents"}


def plain(value: Any) -> Any:
    """A JSON-ready copy of a dataclass, enum, date or Decimal (for the audit trail)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        return {
            STORED_NAMES.get((kind, f.name), f.name): plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def to_json(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"))


def account(row: dict) -> Account:
    return Account(
        number=row["number"],
        customer=row["customer"],
        service_address=row["service_address"],
        account_class=AccountClass(row["account_class"]),
        customer_class=CustomerClass(row["customer_class"]),
        version=row["version"],
    )


def application(row: dict) -> SacApplication:
    return SacApplication(
        number=row["number"],
        category=Category(row["category"]),
        status=Status(row["status"]),
        account=row["account"],
        received_on=day(row["received_on"]),
        discharges_to_storm_sewer=bool(row["storm_sewer"]),
        details=json.loads(row["details"]),
        paperwork=json.loads(row["documents"]),
        fee_cents=row["fee_cents"],
        fee_note=row["fee_note"],
        paid_cents=row["paid_cents"],
        effective_on=day(row["effective_on"]),
        ended_on=day(row["ended_on"]),
        version=row["version"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )


def application_row(app: SacApplication) -> dict:
    return {
        "number": app.number,
        "category": app.category.value,
        "status": app.status.value,
        "account": app.account,
        "received_on": iso(app.received_on),
        "storm_sewer": int(app.discharges_to_storm_sewer),
        "details": json.dumps(app.details, sort_keys=True),
        "documents": json.dumps(app.paperwork, sort_keys=True),
        "fee_cents": app.fee_cents,
        "fee_note": app.fee_note,
        "paid_cents": app.paid_cents,
        "effective_on": iso(app.effective_on),
        "ended_on": iso(app.ended_on),
    }


def payment(row: dict) -> Payment:
    return Payment(
        id=row["id"],
        application=row["application"],
        receipt_no=row["receipt_no"],
        amount_cents=row["amount_cents"],
        paid_on=required_day(row["paid_on"]),
        method=row["method"],
        recorded_by=row["recorded_by"],
        reversed_on=day(row.get("reversed_on")),
        reversal_reason=row.get("reversal_reason") or "",
    )


def review(row: dict) -> Review:
    return Review(
        id=row["id"],
        application=row["application"],
        kind=ReviewKind(row["kind"]),
        reviewed_on=required_day(row["reviewed_on"]),
        reviewer=row["reviewer"],
        result=ReviewResult(row["result"]),
        notes=row["notes"],
        attachments=tuple(json.loads(row["attachments"])),
    )


def meter(row: dict) -> Meter:
    return Meter(
        id=row["id"],
        application=row["application"],
        role=MeterRole(row["role"]),
        serial=row["serial"],
        make_model=row["make_model"],
        size=row["size"],
        unit=MeterUnit(row["unit"]),
        location=row["location"],
        installed_on=day(row["installed_on"]),
        sealed_on=day(row["sealed_on"]),
        activation_reading=dec(row["activation_reading"]),
        last_tested_on=day(row["last_tested_on"]),
    )


def reading(row: dict) -> Reading:
    return Reading(
        id=row["id"],
        meter_id=row["meter_id"],
        read_on=required_day(row["read_on"]),
        value=Decimal(row["value"]),
        replacement=bool(row["replacement"]),
        note=row["note"],
        recorded_by=row["recorded_by"],
    )


def determination(row: dict) -> Determination:
    return Determination(
        id=row["id"],
        application=row["application"],
        method=Method(row["method"]),
        percent=dec(row["percent"]),
        fixed_ccf=dec(row["fixed_ccf"]),
        justification=row["justification"],
        entered_by=row["entered_by"],
        entered_on=day(row["entered_on"]),
        locked=bool(row["locked"]),
        amends=row["amends"],
        version=row["version"],
        authors=tuple(json.loads(row["authors"])) if row.get("authors") else (),
    )


def decision(row: dict) -> Decision:
    return Decision(
        id=row["id"],
        application=row["application"],
        kind=DecisionKind(row["kind"]),
        decided_by=row["decided_by"],
        role=row["role"],
        decided_on=required_day(row["decided_on"]),
        recorded_at=row["recorded_at"],
        determination_id=row["determination_id"],
        effective_on=day(row["effective_on"]),
        backdated_reason=row["backdated_reason"],
        snapshot_sha256=row["snapshot_sha256"],
        snapshot_json=row["snapshot_json"],
        reasons=tuple(json.loads(row["reasons"])),
        note=row["note"],
    )


def user(row: dict) -> User:
    return User(
        login=row["login"],
        name=row["name"],
        title=row["title"],
        role=row["role"],
        active=bool(row["active"]),
        has_password=bool(row["password_hash"]),
        version=row["version"],
    )


def audit_event(row: dict) -> AuditEvent:
    return AuditEvent(
        seq=row["seq"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        before=row["before"],
        after=row["after"],
        reason=row["reason"],
        operation=row.get("operation"),
    )


def issued_document(row: dict) -> IssuedDocument:
    return IssuedDocument(
        id=row["id"],
        application=row["application"],
        kind=row["kind"],
        issued_on=dt.date.fromisoformat(row["issued_on"]),
        issued_by=row["issued_by"],
        sha256=row["sha256"],
        snapshot=document_from_json(row["snapshot_json"]),
        decision_id=row.get("decision_id"),
    )


def fee_assessment(row: dict) -> FeeAssessment:
    return FeeAssessment(
        id=row["id"],
        application=row["application"],
        assessed_on=required_day(row["assessed_on"]),
        cents=row["cents"],
        citation=row["citation"],
        ordinance=row["ordinance"],
        table_effective_on=day(row["table_effective_on"]),
        note=row["note"],
        assessed_by=row["assessed_by"],
    )


def attachment(row: dict) -> Attachment:
    return Attachment(
        id=row["id"],
        application=row["application"],
        review_id=row["review_id"],
        filename=row["filename"],
        media_type=row["media_type"],
        size=row["size"],
        sha256=row["sha256"],
        added_by=row["added_by"],
        added_at=row["added_at"],
    )
