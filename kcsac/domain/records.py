"""The records kcsac keeps, as frozen dataclasses the store returns and the desk shows."""

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.method import Method
from kcsac.domain.status import Status


class RecordError(Exception):
    """An action on the records that did not happen; str() is a message a clerk can act on."""

    @property
    def message(self) -> str:
        return str(self)


class ReviewKind(StrEnum):
    """The three checks the application fee pays for (RULES.md, "Who may apply" 5)."""

    SITE = "site"
    PLAN = "plan"
    INSTALLATION = "installation"

    @property
    def label(self) -> str:
        return _REVIEW_LABELS[self]


_REVIEW_LABELS = {
    ReviewKind.SITE: "Site review",
    ReviewKind.PLAN: "Plan review",
    ReviewKind.INSTALLATION: "Installation inspection",
}


class ReviewResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class MeterRole(StrEnum):
    """What a meter measures for a metered method (RULES.md, "Meters and readings")."""

    DEDUCT = "deduct"
    MAKE_UP = "make-up"
    BLOW_DOWN = "blow-down"
    IRRIGATION = "irrigation"
    SEWER = "sewer"


class MeterUnit(StrEnum):
    FT3 = "ft3"
    GALLONS = "gal"


class DecisionKind(StrEnum):
    """A recorded act on an application; approvals and amendments carry a signature."""

    APPROVAL = "approval"
    AMENDMENT = "amendment"
    DENIAL = "denial"
    REOPEN = "reopen"
    REVOCATION = "revocation"
    OWNERSHIP_CHANGE = "ownership-change"  # the credit moved to the new owner
    WITHDRAWAL = "withdrawal"


@dataclass(frozen=True)
class Account:
    """A water account from the billing system."""

    number: str
    customer: str
    service_address: str
    account_class: AccountClass
    customer_class: CustomerClass
    version: int = 1


@dataclass(frozen=True)
class SacApplication:
    """One application for a Sewer Allowance Credit (number like SAC-2026-0001)."""

    number: str
    category: Category
    status: Status
    account: str
    received_on: dt.date | None = None
    discharges_to_storm_sewer: bool = False
    # Per-category facts as text, e.g. {"bays": "4"} or {"prior_application": "SAC-..."}.
    details: dict[str, str] = field(default_factory=dict)
    # The paperwork that came with the application (not the documents kcsac issues): its
    # checklist, name -> received (e.g. {"site plan": True}).
    paperwork: dict[str, bool] = field(default_factory=dict)
    fee_cents: int | None = None  # None: not yet assessed, or no fee set (see fee_note)
    fee_note: str = ""  # citation of the fee, or why there is none
    paid_cents: int = 0
    effective_on: dt.date | None = None  # the director's signature date (or transfer date)
    ended_on: dt.date | None = None  # last day the credit applies (revoked / owner changed)
    version: int = 1
    updated_by: str = ""
    updated_at: str = ""

    def same_facts(self, other: "SacApplication") -> bool:
        """Whether `other` records the same application: every field equal but the stored
        bookkeeping (version, who saved it last and when)."""
        as_self = replace(
            other, version=self.version, updated_by=self.updated_by, updated_at=self.updated_at
        )
        return as_self == self

    @property
    def balance_cents(self) -> int | None:
        """Fee still owed; None while no fee is assessed or set."""
        return None if self.fee_cents is None else self.fee_cents - self.paid_cents

    @property
    def balance(self) -> int | None:
        return self.balance_cents


@dataclass(frozen=True)
class Payment:
    id: int
    application: str
    receipt_no: str
    amount_cents: int
    paid_on: dt.date
    method: str  # cash, check, card, transfer ...
    recorded_by: str = ""
    reversed_on: dt.date | None = None  # a mis-keyed or bounced payment, reversed with a reason
    reversal_reason: str = ""

    @property
    def counts(self) -> bool:
        return self.reversed_on is None


@dataclass(frozen=True)
class FeeAssessment:
    """The fee assessed (or decided) for an application, and on what authority."""

    id: int
    application: str
    assessed_on: dt.date  # the received date: the fee in force that day applies
    cents: int | None  # None: no fee set (see note)
    citation: str
    ordinance: str
    table_effective_on: dt.date | None
    note: str = ""
    assessed_by: str = ""


@dataclass(frozen=True)
class Review:
    id: int
    application: str
    kind: ReviewKind
    reviewed_on: dt.date
    reviewer: str
    result: ReviewResult
    notes: str = ""
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Meter:
    id: int
    application: str
    role: MeterRole
    serial: str
    make_model: str = ""
    size: str = ""
    unit: MeterUnit = MeterUnit.FT3
    location: str = ""
    installed_on: dt.date | None = None
    sealed_on: dt.date | None = None  # inspection and seal date
    activation_reading: Decimal | None = None
    last_tested_on: dt.date | None = None


@dataclass(frozen=True)
class Reading:
    id: int
    meter_id: int
    read_on: dt.date
    value: Decimal  # in the meter's register unit
    replacement: bool = False  # meter replaced or rolled over: may be lower than before
    note: str = ""
    recorded_by: str = ""


@dataclass(frozen=True)
class ConsumptionPeriod:
    """Water purchased on an account in one billing period (from the billing system)."""

    account: str
    start: dt.date
    end: dt.date
    ccf: Decimal


@dataclass(frozen=True)
class Determination:
    """The director's method and parameters for the diverted volume."""

    id: int
    application: str
    method: Method
    percent: Decimal | None = None
    fixed_ccf: Decimal | None = None
    justification: str = ""
    entered_by: str = ""
    entered_on: dt.date | None = None
    locked: bool = False  # signed: changes need an amendment
    amends: int | None = None  # id of the determination this one replaces
    version: int = 1
    # Everyone who entered a version of these terms, first to last (kept by the store on
    # every save): none of them may sign them (separation of duties).
    authors: tuple[str, ...] = ()

    @property
    def entered_by_all(self) -> tuple[str, ...]:
        """Every author; a row from before kcsac kept them has only its last one."""
        return self.authors or ((self.entered_by,) if self.entered_by else ())


@dataclass(frozen=True)
class Decision:
    id: int
    application: str
    kind: DecisionKind
    decided_by: str
    role: str
    decided_on: dt.date  # signature date for approvals/amendments
    recorded_at: str  # time stamp (UTC, ISO) when kcsac recorded it
    determination_id: int | None = None
    effective_on: dt.date | None = None
    backdated_reason: str = ""  # a past signature date (paper signature) and why
    snapshot_sha256: str = ""
    snapshot_json: str = ""
    reasons: tuple[str, ...] = ()  # denial reasons (with citations)
    note: str = ""


@dataclass(frozen=True)
class User:
    """A kcsac user: the operating-system login, with a role."""

    login: str
    name: str
    title: str
    role: str  # kcsac.domain.roles.Role value
    active: bool = True
    has_password: bool = False
    version: int = 1


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str  # UTC ISO time stamp
    actor: str
    action: str
    entity: str
    entity_id: str
    before: str  # JSON, "" when there was nothing before
    after: str  # JSON
    reason: str = ""
    # The operation that wrote it: the seq of the first audit row of its write transaction
    # (None in rows written before kcsac recorded it). Rows of one operation share it.
    operation: int | None = None

    def changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for each field whose value changed, as display text;
        bookkeeping fields (version, updated_by, updated_at) left out."""
        old = json.loads(self.before) if self.before else {}
        new = json.loads(self.after) if self.after else {}
        if not isinstance(old, dict) or not isinstance(new, dict):
            return []
        out = []
        for key in sorted(set(old) | set(new)):
            if key in _BOOKKEEPING or old.get(key) == new.get(key):
                continue
            out.append((key, _show(old.get(key)), _show(new.get(key))))
        return out


_BOOKKEEPING = frozenset({"version", "updated_by", "updated_at"})


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


@dataclass(frozen=True)
class ApplicationSummary:
    """One row of the desk's application list."""

    number: str
    account: str
    customer: str
    service_address: str
    category: Category
    customer_class: CustomerClass
    received_on: dt.date | None
    fee_balance_cents: int | None
    status: Status
    effective_on: dt.date | None


@dataclass(frozen=True)
class ApplicationExportRow:
    """One application with its account, as the applications export writes it."""

    number: str
    account: str
    customer: str
    service_address: str
    category: Category
    customer_class: CustomerClass
    status: Status
    received_on: dt.date | None
    fee_cents: int | None  # None: not yet assessed, or no fee set
    paid_cents: int
    effective_on: dt.date | None
    ended_on: dt.date | None

    @property
    def balance_cents(self) -> int | None:
        """Fee still owed; None while no fee is assessed or set (as SacApplication's)."""
        return None if self.fee_cents is None else self.fee_cents - self.paid_cents


@dataclass(frozen=True)
class Blocker:
    """Something that keeps the next step from being taken, and what to do about it."""

    message: str
    citation: str = ""
    field: str = ""


@dataclass(frozen=True)
class ApplicationDetail:
    """Everything the details pane shows about one application."""

    application: SacApplication
    account: Account
    payments: tuple[Payment, ...]
    reviews: tuple[Review, ...]
    determinations: tuple[Determination, ...]
    decisions: tuple[Decision, ...]
    meters: tuple[Meter, ...]
    readings: tuple[Reading, ...]
    next_step: str  # e.g. "Record the fee payment"
    blockers: tuple[Blocker, ...]  # what blocks the next step
    timeline: tuple[AuditEvent, ...]
    fees: tuple[FeeAssessment, ...] = ()
    # What keeps anyone from signing it (no signer's role or separation of duties: those are
    # kcsac.domain.actions'), and whether the schedule of its current approval is issued.
    signing_blockers: tuple[Blocker, ...] = ()
    schedule_issued: bool = False

    @property
    def current_determination(self) -> Determination | None:
        return self.determinations[-1] if self.determinations else None
