"""Records for desk tests, made through the real operations (plain functions, no mocks)."""

import dataclasses
import datetime as dt
from decimal import Decimal

from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import ConsumptionPeriod, SacApplication, User
from kcsac.domain.status import Status
from kcsac.operations.accounts import add_account
from kcsac.operations.intake import create_application, submit_application
from kcsac.operations.payments import record_payment

RECEIVED = dt.date(2026, 8, 3)


def make_account(
    store,
    user: User,
    number: str = "1000001-001",
    *,
    customer: str = "Bright Suds Car Wash LLC",
    address: str = "4100 Main St",
    customer_class: CustomerClass = CustomerClass.RESIDENT,
):
    return add_account(
        store,
        user,
        number=number,
        customer=customer,
        service_address=address,
        account_class=AccountClass.COMMERCIAL,
        customer_class=customer_class,
        today=RECEIVED,
    )


def make_submitted(
    store,
    user: User,
    *,
    account: str = "1000001-001",
    category: Category = Category.CAR_WASH,
    today: dt.date = RECEIVED,
    **account_fields,
) -> SacApplication:
    """An application submitted on `today` (fee assessed, awaiting payment)."""
    if store.find_account(account) is None:
        make_account(store, user, account, **account_fields)
    draft = create_application(
        store, user, account=account, category=category, today=today, details={"bays": "2"}
    )
    return submit_application(store, user, draft.number, received_on=today, today=today)


def make_paid(store, user: User, **kwargs) -> SacApplication:
    """Submitted and paid in full: in review."""
    app = make_submitted(store, user, **kwargs)
    return record_payment(
        store,
        user,
        app.number,
        amount_cents=app.fee_cents,
        paid_on=RECEIVED,
        receipt_no=f"R-{app.number}",
        method="check",
        today=RECEIVED,
    )


def make_approved_record(store, user: User, account: str = "1000001-001") -> SacApplication:
    """An approved credit, written straight to the store (setup for an ownership change)."""
    app = make_paid(store, user, account=account)
    return store.save_application(
        dataclasses.replace(app, status=Status.APPROVED, effective_on=dt.date(2026, 5, 15)),
        expected_version=app.version,
        actor=user.login,
        action="approved (test setup)",
    )


def monthly_consumption(account: str, ccf: str = "96") -> list[ConsumptionPeriod]:
    """Billing periods May to August 2026 (whole calendar months)."""
    months = [(5, 31), (6, 30), (7, 31), (8, 31)]
    return [
        ConsumptionPeriod(account, dt.date(2026, m, 1), dt.date(2026, m, last), Decimal(ccf))
        for m, last in months
    ]
