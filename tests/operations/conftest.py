"""Fixtures for the operations tests: the four roles and a file ready to sign."""

import datetime as dt
from dataclasses import dataclass

import pytest

from kcsac.domain.records import User
from kcsac.operations import users
from kcsac.operations.accounts import add_account
from kcsac.operations.determinations import enter_determination
from kcsac.operations.intake import create_application, submit_application
from kcsac.operations.payments import record_payment
from kcsac.operations.reviews import record_review

PASSWORD = "correct horse"


@dataclass
class People:
    admin: User
    clerk: User
    reviewer: User
    director: User


@pytest.fixture
def people(store, today) -> People:
    admin = users.ensure_first_admin(store, "ada", today, name="Ada Admin")
    users.set_own_password(store, admin, PASSWORD)
    admin = store.get_user("ada")
    clerk = users.add_user(
        store,
        admin,
        login="carl",
        name="Carl Clerk",
        title="Clerk",
        role="clerk",
        password=PASSWORD,
        today=today,
    )
    reviewer = users.add_user(
        store,
        admin,
        login="rita",
        name="Rita Reviewer",
        title="Engineer",
        role="reviewer",
        password=PASSWORD,
        today=today,
    )
    director = users.add_user(
        store,
        admin,
        login="dora",
        name="Dora Director",
        title="Director",
        role="director",
        password=PASSWORD,
        today=today,
    )
    for person in (reviewer, director):
        users.set_own_password(store, person, PASSWORD)
    return People(admin, clerk, store.get_user("rita"), store.get_user("dora"))


def make_file(
    store,
    people,
    today,
    *,
    account="1000-01",
    category="car-wash",
    customer_class="resident",
    account_class="commercial",
    pay=True,
    reviews=True,
    determination=True,
    storm=False,
):
    """An application taken as far as asked: submitted, paid, reviewed, determined."""
    if store.find_account(account) is None:
        add_account(
            store,
            people.clerk,
            number=account,
            customer=f"Customer {account}",
            service_address=f"{account[-2:]} Main St",
            account_class=account_class,
            customer_class=customer_class,
            today=today,
        )
    app = create_application(
        store,
        people.clerk,
        account=account,
        category=category,
        today=today,
        discharges_to_storm_sewer=storm,
    )
    app = submit_application(
        store, people.clerk, app.number, received_on=dt.date(2026, 6, 1), today=today
    )
    if pay and app.fee_cents:
        app = record_payment(
            store,
            people.clerk,
            app.number,
            amount_cents=app.fee_cents,
            paid_on=dt.date(2026, 6, 2),
            receipt_no=f"R-{app.number}",
            method="check",
            today=today,
        )
    if reviews:
        for kind in ("site", "plan", "installation"):
            app = record_review(
                store,
                people.reviewer,
                app.number,
                kind=kind,
                reviewed_on=dt.date(2026, 7, 1),
                result="passed",
                today=today,
            )
    if determination:
        enter_determination(
            store,
            people.reviewer,
            app.number,
            method="percentage",
            percent="15",
            justification="measured bay losses",
            today=dt.date(2026, 7, 15),
        )
    return store.get_application(app.number)


@pytest.fixture
def ready(store, people, today):
    """A resident car wash, fee paid, reviews passed, determination by the reviewer."""
    return make_file(store, people, today)
