"""Seeding for the tests of the signing dialogs (approval, denial, reopen, amendment,
ownership change, revocation): people with passwords, a file taken as far as asked, an
approved credit, and signing through the password prompt."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt

from kcsac.domain.records import ConsumptionPeriod, User
from kcsac.operations import approvals, users
from kcsac.operations.accounts import add_account
from kcsac.operations.determinations import enter_determination
from kcsac.operations.intake import create_application, submit_application
from kcsac.operations.payments import record_payment
from kcsac.operations.reviews import record_review
from kcsac.ui.desk_context import DeskContext

PASSWORD = "correct horse battery"


def desk_for(store, actor: User | None, today: dt.date, *, os_login: str = "") -> DeskContext:
    """The desk's context for `actor` (None: a read-only login) on a fixed day: what every
    dialog the desk opens is given, as `SomeDialog(context, number)`."""
    return DeskContext(store=store, user=actor, today=lambda: today, os_login=os_login)


@dataclass
class People:
    admin: User
    clerk: User
    reviewer: User
    director: User


def seed_people(store, today) -> People:
    admin = users.ensure_first_admin(store, "ada", today, name="Ada Admin")
    users.set_own_password(store, admin, PASSWORD)
    admin = store.get_user("ada")
    made = {}
    for login, name, title, role in (
        ("carl", "Carl Clerk", "Clerk", "clerk"),
        ("rita", "Rita Reviewer", "Engineer", "reviewer"),
        ("dora", "Dora Director", "Director of Water Services", "director"),
    ):
        made[role] = users.add_user(
            store,
            admin,
            login=login,
            name=name,
            title=title,
            role=role,
            password=PASSWORD,
            today=today,
        )
    for person in (made["reviewer"], made["director"]):
        users.set_own_password(store, person, PASSWORD)
    return People(admin, made["clerk"], store.get_user("rita"), store.get_user("dora"))


def seed_file(
    store,
    people: People,
    today,
    *,
    account="1000-01",
    pay=True,
    reviews=("passed", "passed", "passed"),
    determination=True,
    storm=False,
    consumption=True,
    facts_by=dt.date(2026, 8, 1),
):
    """A resident car wash taken as far as asked: submitted, paid, reviewed, determined.

    Every fact is dated on or before `facts_by` (the determination on that day), so a signature
    may be dated back to it.
    """
    if store.find_account(account) is None:
        add_account(
            store,
            people.clerk,
            number=account,
            customer="Peña Car Wash LLC",
            service_address="1200 Main St, Kansas City, MO 64105",
            account_class="commercial",
            customer_class="resident",
            today=today,
        )
    if consumption:
        store.put_consumption(
            [
                ConsumptionPeriod(
                    account,
                    dt.date(2026, m, 1),
                    dt.date(2026, m + 1, 1) - dt.timedelta(days=1),
                    Decimal("120"),
                )
                for m in (5, 6, 7)
            ]
        )
    app = create_application(
        store,
        people.clerk,
        account=account,
        category="car-wash",
        today=today,
        discharges_to_storm_sewer=storm,
    )
    app = submit_application(
        store, people.clerk, app.number, received_on=facts_by - dt.timedelta(days=6), today=today
    )
    if pay:
        record_payment(
            store,
            people.clerk,
            app.number,
            amount_cents=app.fee_cents,
            paid_on=facts_by - dt.timedelta(days=5),
            receipt_no=f"R-{app.number[-4:]}",
            method="check",
            today=today,
        )
    for kind, result in zip(("site", "plan", "installation"), reviews, strict=False):
        record_review(
            store,
            people.reviewer,
            app.number,
            kind=kind,
            reviewed_on=facts_by - dt.timedelta(days=2),
            result=result,
            notes="" if result == "passed" else "bay drains to the storm inlet",
            today=today,
        )
    if determination:
        enter_determination(
            store,
            people.reviewer,
            app.number,
            method="percentage",
            percent="15",
            justification="measured carry-out and evaporation in the bays",
            today=facts_by,
        )
    return store.get_application(app.number)


def approved_file(store, people: People, today, *, signed_on: dt.date):
    """A file signed by the director on `signed_on` (back-dated, with its reason)."""
    app = seed_file(store, people, today)
    approvals.approve(
        store,
        people.director,
        app.number,
        password=PASSWORD,
        today=today,
        signed_on=signed_on,
        backdated_reason="paper signature",
    )
    return store.get_application(app.number)


def sign_with(qtbot, dialog, password: str):
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    prompt = dialog.password_prompt
    assert prompt is not None
    assert prompt.isVisible()
    qtbot.keyClicks(prompt.password_edit, password)
    qtbot.mouseClick(prompt.ok_button, Qt.MouseButton.LeftButton)
    return prompt


def enter_password(qtbot, dialog, password: str):
    """Type `password` into the dialog's open password prompt (the act's re-entered
    password) and press Return; returns the prompt."""
    prompt = dialog.password_prompt
    assert prompt is not None, "no password was asked for"
    assert prompt.isVisible()
    qtbot.keyClicks(prompt.password_edit, password)
    qtbot.keyClick(prompt.password_edit, Qt.Key.Key_Return)
    return prompt
