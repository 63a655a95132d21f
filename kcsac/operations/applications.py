"""Keying a file: accounts, applications, submission (fee assessed), payments, reviews,
determinations, withdrawal. Each call checks the role, writes one transaction, audits it."""

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kcsac.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    media_type_for,
    size_text,
)
from kcsac.domain.category import Category
from kcsac.domain.fees import application_fee
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.problems import Problem
from kcsac.domain.rates import first_effective_on
from kcsac.domain.records import (
    Determination,
    FeeAssessment,
    Payment,
    Review,
    ReviewKind,
    ReviewResult,
    SacApplication,
    User,
)
from kcsac.domain.roles import Permission
from kcsac.domain.schedule import DeterminationTerms, check_terms
from kcsac.domain.status import Status
from kcsac.domain.workflow import OPEN_STATUSES, progress_status
from kcsac.operations.accounts import (  # noqa: F401 - the desk calls them from here too
    ACCOUNT_NUMBER,
    add_account,
    check_account,
    update_account,
)
from kcsac.operations.errors import InvalidInput, Refused
from kcsac.operations.users import require
from kcsac.storage import Store
from kcsac.storage.convert import application_row as convert_row

PAYMENT_METHODS = ("cash", "check", "card", "transfer", "money order")


def create_application(
    store: Store,
    actor: User | None,
    *,
    account: str,
    category: Category | str,
    today: dt.date,
    discharges_to_storm_sewer: bool = False,
    details: dict[str, str] | None = None,
    documents: dict[str, bool] | None = None,
    number: str = "",
    received_on: dt.date | None = None,
) -> SacApplication:
    """A new draft application on an existing account (numbered SAC-<year>-NNNN).

    `received_on` is the day the application reached the office (kept on the draft; the fee
    in force on it is assessed when the draft is submitted).
    """
    require(actor, Permission.EDIT_RECORDS, "create applications")
    _check_received_on(received_on, today)
    try:
        category = Category(category)
    except ValueError as exc:
        raise InvalidInput([Problem("category", f"{category!r} is not a category")]) from exc
    store.get_account(account)  # NotFound with a clear message
    app = SacApplication(
        number=number,
        category=category,
        status=Status.DRAFT,
        account=account,
        received_on=received_on,
        discharges_to_storm_sewer=discharges_to_storm_sewer,
        details=dict(details or {}),
        documents=dict(documents or {}),
    )
    return store.insert_application(app, actor.login, year=today.year)


def update_application(
    store: Store, actor: User | None, app: SacApplication, *, reason: str = "", today: dt.date
) -> SacApplication:
    """Save the editable fields of `app` (as read, with its version).

    After submission a correction needs a reason; the category and received date are fixed
    then (the fee depends on them), and decided files cannot be edited.
    """
    require(actor, Permission.EDIT_RECORDS, "change applications")
    with store.write():
        current = store.get_application(app.number)
        if current.status is Status.DRAFT:
            _check_received_on(app.received_on, today)
        if current.status not in OPEN_STATUSES:
            raise Refused(
                f"Application {app.number} is {current.status.label.lower()}; it can no longer "
                "be edited (a decided file changes only by amendment, reopening or revocation)"
            )
        submitted = current.status is not Status.DRAFT
        if submitted and not reason.strip():
            raise InvalidInput(
                [Problem("reason", "A reason is required to correct a submitted application")]
            )
        if submitted and (app.category, app.account, app.received_on) != (
            current.category,
            current.account,
            current.received_on,
        ):
            raise Refused(
                "The category, account and received date of a submitted application cannot "
                "change (the fee was assessed on them); withdraw it and file a new one"
            )
        new = dataclasses.replace(
            current,
            category=app.category,
            account=app.account,
            received_on=app.received_on,
            discharges_to_storm_sewer=app.discharges_to_storm_sewer,
            details=dict(app.details),
            documents=dict(app.documents),
        )
        store.get_account(new.account)
        return store.save_application(
            new,
            expected_version=app.version,
            actor=actor.login,
            action="application corrected" if submitted else "application edited",
            reason=reason,
        )


def future_date_problems(
    field: str, day: dt.date | None, today: dt.date, what: str
) -> list[Problem]:
    """The problem with a date after today, naming both days (empty when it is not)."""
    if day is None or day <= today:
        return []
    return [
        Problem(
            field,
            f"{day.isoformat()} is in the future; {what} on or before today ({today.isoformat()})",
        )
    ]


def before_received_problems(
    field: str, day: dt.date | None, received_on: dt.date | None, what: str
) -> list[Problem]:
    """The problem with a date before the application was received (or before the first rate
    table kcsac holds, when the ordinance was not yet in force), naming both days."""
    if day is None:
        return []
    first = first_effective_on()
    if received_on is not None and day < received_on:
        return [
            Problem(
                field,
                f"{day.isoformat()} is before {received_on.isoformat()}, when the application "
                f"was received; {what} on or after that day",
            )
        ]
    if day < first:
        return [
            Problem(
                field,
                f"{day.isoformat()} is before {first.isoformat()}, when the ordinance took "
                f"effect; {what} on or after that day",
            )
        ]
    return []


def _check_received_on(received_on: dt.date | None, today: dt.date) -> None:
    problems = future_date_problems("received_on", received_on, today, "the received date must be")
    if problems:
        raise InvalidInput(problems)


def _refresh(
    store: Store,
    app: SacApplication,
    actor: str,
    action: str,
    reason: str = "",
    expected_version: int | None = None,
) -> SacApplication:
    """Save `app` with its status recomputed from the recorded facts (nothing is written
    when that changes nothing: the fact's own audit row says what happened)."""
    determination = _open_or_current_determination(store, app.number)
    status = progress_status(app, store.reviews(app.number), determination)
    new = dataclasses.replace(app, status=status)
    stored = store.get_application(app.number)
    if convert_row(new) == convert_row(stored) and stored.version == (
        expected_version if expected_version is not None else app.version
    ):
        return stored
    return store.save_application(
        new,
        expected_version=expected_version if expected_version is not None else app.version,
        actor=actor,
        action=action,
        reason=reason,
    )


def _open_or_current_determination(store: Store, number: str) -> Determination | None:
    found = store.determinations(number)
    return found[-1] if found else None


def submit_application(
    store: Store,
    actor: User | None,
    number: str,
    *,
    received_on: dt.date | None = None,
    today: dt.date,
    expected_version: int | None = None,
) -> SacApplication:
    """Record the application as received: the fee in force on `received_on` is assessed.

    Without `received_on`, the received date kept on the draft is used. An ownership change
    is checked as the desk's intake checks it (ownership.check_ownership_change): an approved
    prior credit, a transfer date after its effective date, another account, no other open
    change of that credit; a failed check stores nothing.
    """
    require(actor, Permission.EDIT_RECORDS, "submit applications")
    _check_received_on(received_on, today)
    with store.write():
        app = store.get_application(number)
        if expected_version is not None and app.version != expected_version:
            raise store._stale("applications", "number", number, f"Application {number}")
        if app.status is not Status.DRAFT:
            raise Refused(f"Application {number} is already submitted ({app.status.label})")
        if app.category is Category.OWNERSHIP_CHANGE:
            # Imported here: kcsac.operations.ownership builds on this module.
            from kcsac.operations.ownership import check_ownership_draft

            # The same rules as the desk's ownership change, whoever made the draft.
            check_ownership_draft(store, app)
        received_on = received_on or app.received_on
        if received_on is None:
            raise InvalidInput(
                [Problem("received_on", f"Say when application {number} was received")]
            )
        _check_received_on(received_on, today)
        account = store.get_account(app.account)
        quote = application_fee(app.category, account.customer_class, received_on)
        note = quote.citation if quote.cents is not None else (quote.not_set_reason or "")
        store.add_fee_assessment(
            FeeAssessment(
                0,
                number,
                received_on,
                quote.cents,
                quote.citation,
                quote.ordinance,
                quote.effective_on,
                "" if quote.cents is not None else note,
            ),
            actor.login,
        )
        app = dataclasses.replace(
            app,
            status=Status.AWAITING_FEE,
            received_on=received_on,
            fee_cents=quote.cents,
            fee_note=note,
        )
        return _refresh(store, app, actor.login, "application submitted")


def set_fee(
    store: Store, actor: User | None, number: str, *, cents: int, reason: str, today: dt.date
) -> SacApplication:
    """A director decides a fee the ordinance does not set (nonresident ownership change)."""
    require(actor, Permission.SET_FEE, "set a fee")
    if not reason.strip():
        raise InvalidInput([Problem("reason", "Say why this fee was decided (required)")])
    if cents < 0:
        raise InvalidInput([Problem("fee", "The fee cannot be negative")])
    with store.write():
        app = store.get_application(number)
        if app.status not in OPEN_STATUSES or app.status is Status.DRAFT:
            raise Refused(f"Application {number} is not awaiting its fee")
        if app.fee_cents is not None:
            raise Refused(
                f"The fee of application {number} is set by the ordinance ({app.fee_note})"
            )
        store.add_fee_assessment(
            FeeAssessment(
                0, number, today, cents, "", "", None, f"decided by the director: {reason.strip()}"
            ),
            actor.login,
            reason=reason.strip(),
        )
        app = dataclasses.replace(
            app, fee_cents=cents, fee_note=f"decided by {actor.name or actor.login}: {reason}"
        )
        return _refresh(store, app, actor.login, "fee decided by the director", reason)


def record_payment(
    store: Store,
    actor: User | None,
    number: str,
    *,
    amount_cents: int,
    paid_on: dt.date,
    receipt_no: str,
    method: str,
    today: dt.date,
    reason: str = "",
) -> SacApplication:
    """Record a fee payment (receipt); the file moves to review once paid in full.

    An overpayment, or any payment on a withdrawn application, is taken only with a reason
    (the clerk confirmed it); the reason goes to the audit trail with the payment. A payment
    dated after today or before the application was received is refused by field (paid_on).
    """
    require(actor, Permission.EDIT_RECORDS, "record payments")
    problems = []
    if amount_cents <= 0:
        problems.append(Problem("amount", "The amount must be more than $0.00"))
    problems += future_date_problems("paid_on", paid_on, today, "record a payment")
    if not receipt_no.strip():
        problems.append(Problem("receipt_no", "The receipt number is empty"))
    if not method.strip():
        problems.append(Problem("method", "Say how it was paid (cash, check, card ...)"))
    if problems:
        raise InvalidInput(problems)
    with store.write():
        app = store.get_application(number)
        if app.status is Status.DRAFT:
            raise Refused(f"Application {number} is not submitted yet; submit it first")
        if app.fee_cents is None:
            raise Refused(f"No fee is set for application {number}: {app.fee_note}")
        early = before_received_problems("paid_on", paid_on, app.received_on, "record a payment")
        if early:
            raise InvalidInput(early)
        why = _payment_needs_reason(app, amount_cents)
        reason = reason.strip()
        if why and not reason:
            raise InvalidInput(
                [Problem("reason", f"{why}; confirm the payment and give a reason to take it")]
            )
        saved = store.add_payment(
            Payment(0, number, receipt_no.strip(), amount_cents, paid_on, method.strip()),
            actor.login,
        )
        if why:
            # The payment's own audit row has no reason; this row records the confirmation.
            store.audit(
                actor.login,
                "payment confirmed",
                "payment",
                str(saved.id),
                after=saved,
                reason=f"{why}: {reason}",
                application=number,
            )
        app = dataclasses.replace(app, paid_cents=app.paid_cents + amount_cents)
        return _refresh(store, app, actor.login, "fee payment recorded", reason if why else "")


def _payment_needs_reason(app: SacApplication, amount_cents: int) -> str:
    """Why taking this payment needs a confirmed reason ("" when it does not)."""
    if app.status is Status.WITHDRAWN:
        return f"Application {app.number} is withdrawn"
    owed = (app.fee_cents or 0) - app.paid_cents
    if amount_cents > owed:
        return (
            f"The amount ({format_usd(amount_cents)}) is more than the balance owed "
            f"({format_usd(owed)})"
        )
    return ""


def record_review(
    store: Store,
    actor: User | None,
    number: str,
    *,
    kind: ReviewKind | str,
    reviewed_on: dt.date,
    result: ReviewResult | str,
    notes: str = "",
    attachments: Iterable[str | os.PathLike[str]] = (),
    reviewer: str = "",
    today: dt.date,
) -> SacApplication:
    """Record a site review, plan review or installation inspection (date, who, result).

    A review dated after today or before the application was received is refused by field
    (reviewed_on). Each attachment (a path to a photo or PDF) is read now and its bytes are
    stored with the review in the same transaction: the original file may be moved or deleted
    afterwards.
    """
    require(actor, Permission.RECORD_REVIEW, "record reviews")
    if reviewed_on > today:
        raise InvalidInput(
            future_date_problems("reviewed_on", reviewed_on, today, "record a review")
        )
    kind, result = ReviewKind(kind), ReviewResult(result)
    if result is ReviewResult.FAILED and not notes.strip():
        raise InvalidInput([Problem("notes", "Say why the review failed (notes are required)")])
    files = _read_attachments(attachments)
    with store.write():
        app = store.get_application(number)
        if app.status not in (Status.IN_REVIEW, Status.AWAITING_DECISION, Status.AWAITING_FEE):
            raise Refused(
                f"Application {number} is {app.status.label.lower()}; reviews are recorded "
                "once it is submitted and before it is decided"
            )
        early = before_received_problems(
            "reviewed_on", reviewed_on, app.received_on, "record a review"
        )
        if early:
            raise InvalidInput(early)
        review = store.add_review(
            Review(
                0,
                number,
                kind,
                reviewed_on,
                reviewer.strip() or actor.name or actor.login,
                result,
                notes.strip(),
                tuple(name for name, _content in files),
            ),
            actor.login,
        )
        for name, content in files:
            store.add_attachment(
                application=number,
                review_id=review.id,
                filename=name,
                media_type=media_type_for(name),
                content=content,
                actor=actor.login,
            )
        return _refresh(store, app, actor.login, f"{kind.label.lower()} recorded")


def attachments(store: Store, number: str) -> list[Attachment]:
    """The files stored with an application's reviews (name, type, size, sha256), oldest first."""
    return store.attachments(number)


def attachment_content(store: Store, attachment_id: int) -> bytes:
    """One stored attachment's bytes (checked against its sha256), e.g. to save a copy."""
    return store.attachment_content(attachment_id)


def _read_attachments(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each attachment; a missing, unreadable or too large file is
    refused by name before anything is saved."""
    problems, files = [], []
    limit = size_text(MAX_ATTACHMENT_BYTES)
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            if not path.is_file():
                what = "is a folder, not a file" if path.is_dir() else "does not exist"
                problems.append(Problem("attachments", f"The attachment {path} {what}"))
                continue
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                problems.append(
                    Problem(
                        "attachments",
                        f"The attachment {path} is {size_text(size)}; the limit is {limit}",
                    )
                )
                continue
            with path.open("rb") as fh:  # read at most one byte past the limit
                content = fh.read(MAX_ATTACHMENT_BYTES + 1)
        except OSError as exc:
            problems.append(
                Problem("attachments", f"The attachment {path} cannot be read: {exc.strerror}")
            )
            continue
        if len(content) > MAX_ATTACHMENT_BYTES:  # it grew after the size check
            problems.append(
                Problem("attachments", f"The attachment {path} is over the limit of {limit}")
            )
            continue
        files.append((path.name, content))
    if problems:
        raise InvalidInput(problems)
    return files


def _decimal(text: object, field: str, problems: list[Problem]) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        problems.append(Problem(field, f"{text!r} is not a number"))
        return None
    if not value.is_finite():
        problems.append(Problem(field, f"{text!r} is not a number"))
        return None
    return value


def enter_determination(
    store: Store,
    actor: User | None,
    number: str,
    *,
    method: Method | str,
    percent: Decimal | str | None = None,
    fixed_ccf: Decimal | str | None = None,
    justification: str = "",
    today: dt.date,
    expected_version: int | None = None,
) -> Determination:
    """Enter (or revise, while unsigned) the determination. On an approved credit this starts
    an amendment: a new determination that needs its own signature."""
    require(actor, Permission.ENTER_DETERMINATION, "enter determinations")
    problems: list[Problem] = []
    try:
        method = Method(method)
    except ValueError:
        raise InvalidInput([Problem("method", f"{method!r} is not a method")]) from None
    terms = DeterminationTerms(
        method, _decimal(percent, "percent", problems), _decimal(fixed_ccf, "fixed_ccf", problems)
    )
    problems.extend(check_terms(terms))
    if method is Method.PERCENTAGE and not justification.strip():
        problems.append(Problem("justification", "The director's justification for p is required"))
    if problems:
        raise InvalidInput(problems)
    with store.write():
        app = store.get_application(number)
        if app.category is Category.OWNERSHIP_CHANGE:
            raise Refused("An ownership change carries over the prior credit's determination")
        if app.status not in (
            Status.IN_REVIEW,
            Status.AWAITING_DECISION,
            Status.APPROVED,
            Status.AWAITING_FEE,
        ):
            raise Refused(
                f"Application {number} is {app.status.label.lower()}; no determination "
                "can be entered now"
            )
        existing = store.determinations(number)
        current = existing[-1] if existing else None
        values = Determination(
            0,
            number,
            method,
            terms.percent,
            terms.fixed_ccf,
            justification.strip(),
            actor.login,
            today,
        )
        if current is not None and not current.locked:
            version = expected_version if expected_version is not None else current.version
            saved = store.save_determination(
                dataclasses.replace(values, id=current.id),
                expected_version=version,
                actor=actor.login,
            )
        else:
            if app.status is not Status.APPROVED and current is not None:
                raise Refused("The determination is signed; it changes only by amendment")
            amends = current.id if current is not None else None
            saved = store.add_determination(dataclasses.replace(values, amends=amends), actor.login)
        if app.status is not Status.APPROVED:
            _refresh(store, store.get_application(number), actor.login, "determination entered")
        return saved


def withdraw(
    store: Store, actor: User | None, number: str, *, reason: str, today: dt.date
) -> SacApplication:
    """The applicant withdrew an undecided application."""
    require(actor, Permission.EDIT_RECORDS, "withdraw applications")
    if not reason.strip():
        raise InvalidInput([Problem("reason", "Say why the application is withdrawn")])
    with store.write():
        app = store.get_application(number)
        if app.status not in OPEN_STATUSES:
            raise Refused(
                f"Application {number} is {app.status.label.lower()}; it cannot be withdrawn"
            )
        return store.save_application(
            dataclasses.replace(app, status=Status.WITHDRAWN),
            expected_version=app.version,
            actor=actor.login,
            action="application withdrawn",
            reason=reason.strip(),
        )


def reverse_payment(
    store: Store, actor: User | None, payment_id: int, *, reason: str, today: dt.date
) -> SacApplication:
    """Reverse a mis-keyed or bounced payment (kept on file, no longer counted); the balance
    is owed again. Only before the file is decided."""
    require(actor, Permission.EDIT_RECORDS, "reverse payments")
    if not reason.strip():
        raise InvalidInput([Problem("reason", "Say why the payment is reversed")])
    with store.write():
        found = store.payments("", only_id=payment_id)
        if not found:
            raise InvalidInput([Problem("payment", f"Payment {payment_id} does not exist")])
        app = store.get_application(found[0].application)
        if app.status not in OPEN_STATUSES:
            raise Refused(
                f"Application {app.number} is {app.status.label.lower()}; its payments can "
                "no longer be reversed"
            )
        payment = store.reverse_payment(payment_id, today, reason.strip(), actor.login)
        app = dataclasses.replace(app, paid_cents=app.paid_cents - payment.amount_cents)
        return _refresh(
            store, app, actor.login, f"payment {payment.receipt_no} reversed", reason.strip()
        )
