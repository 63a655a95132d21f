"""A database of files in every state the action rules tell apart, made through the real
operations, and the people who look at them: the matrix that tests/operations/
test_actions_agree.py (the operations) and tests/ui/test_desk_actions.py (the desk) check
against domain.actions."""

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from kcsac.domain.records import User
from kcsac.operations import approvals, users
from kcsac.operations.accounts import add_account
from kcsac.operations.determinations import enter_determination
from kcsac.operations.intake import create_application, submit_application, withdraw
from kcsac.operations.meters import add_meter
from kcsac.operations.ownership import create_ownership_change
from kcsac.operations.payments import record_payment
from kcsac.operations.reviews import record_review
from kcsac.storage import open_store

PASSWORD = "matrix password"
TODAY = dt.date(2026, 8, 20)  # the day the actions are tried
RECEIVED = dt.date(2026, 6, 1)
REVIEWED = dt.date(2026, 7, 1)
SIGNED = dt.date(2026, 8, 1)
# The people of the matrix (login -> role); "gone" is a director deactivated since.
ROLES = {
    "carl": "clerk",
    "rita": "reviewer",
    "sam": "reviewer",
    "dora": "director",
    "ada": "administrator",
    "gone": "director",
}
NEXT_OWNER = "4000-01"  # an account on file that may take over any credit
# Who looks at the files: a login of ROLES, or None for a read-only login.
VIEWERS = ("carl", "rita", "sam", "dora", "ada", "gone", None)


@dataclasses.dataclass(frozen=True)
class Matrix:
    path: Path  # the template database (copy it before changing anything)
    files: dict[str, str]  # what the file is -> its application number
    people: dict[str, User]  # login -> User (as stored; "gone" is inactive)

    def viewer(self, login: str | None) -> User | None:
        return None if login is None else self.people[login]

    def copy_to(self, dest: Path) -> Path:
        shutil.copyfile(self.path, dest)
        return dest


def build(folder: Path) -> Matrix:
    """The template database in `folder` (about 20 files, a second or two)."""
    path = folder / "matrix.db"
    store = open_store(path)
    try:
        admin = users.ensure_first_admin(store, "ada", RECEIVED, name="Ada Admin")
        users.set_own_password(store, admin, PASSWORD)
        admin = store.get_user("ada")
        people = {"ada": admin}
        for login, role in ROLES.items():
            if login != "ada":
                people[login] = users.add_user(
                    store,
                    admin,
                    login=login,
                    name=login.title(),
                    title=role,
                    role=role,
                    password=PASSWORD,
                    today=RECEIVED,
                )
        for login in ROLES:
            if login != "ada":
                users.set_own_password(store, people[login], PASSWORD)
        files = _files(store, people)
        gone = store.get_user("gone")
        users.change_user(
            store,
            admin,
            dataclasses.replace(gone, active=False),
            reason="left",
            password=PASSWORD,
            today=TODAY,
        )
        people = {login: store.get_user(login) for login in ROLES}
    finally:
        store.close()
    return Matrix(path, files, people)


def _files(store, people) -> dict[str, str]:
    clerk, reviewer, director = people["carl"], people["rita"], people["dora"]
    counter = iter(range(1, 100))

    def account(customer_class: str = "resident", account_class: str = "commercial") -> str:
        number = f"2000-{next(counter):02d}"
        add_account(
            store,
            clerk,
            number=number,
            customer=f"Customer {number}",
            service_address=f"{number[-2:]} Main St",
            account_class=account_class,
            customer_class=customer_class,
            today=RECEIVED,
        )
        return number

    def filed(category="car-wash", *, received=RECEIVED, **account_kind) -> str:
        draft = create_application(
            store, clerk, account=account(**account_kind), category=category, today=RECEIVED
        )
        return submit_application(
            store, clerk, draft.number, received_on=received, today=TODAY
        ).number

    def pay(number: str, cents: int | None = None) -> None:
        app = store.get_application(number)
        record_payment(
            store,
            clerk,
            number,
            amount_cents=cents or app.fee_cents,
            paid_on=RECEIVED,
            receipt_no=f"R-{number}-{app.paid_cents}",
            method="check",
            today=TODAY,
        )

    def review(number: str, *, failed: str = "") -> None:
        for kind in ("site", "plan", "installation"):
            result = "failed" if kind == failed else "passed"
            record_review(
                store,
                reviewer,
                number,
                kind=kind,
                reviewed_on=REVIEWED,
                result=result,
                notes="seen",
                today=TODAY,
            )

    def determine(number: str, who: User = reviewer, method: str = "percentage") -> None:
        found = store.determinations(number)
        current = found[-1] if found and not found[-1].locked else None
        enter_determination(
            store,
            who,
            number,
            method=method,
            percent="15" if method == "percentage" else None,
            justification="bay losses measured",
            today=REVIEWED,
            expected_version=current.version if current else None,
        )

    def ready(category="car-wash", method="percentage", **account_kind) -> str:
        number = filed(category, **account_kind)
        pay(number)
        review(number)
        determine(number, method=method)
        return number

    def approved(category="car-wash", method="percentage") -> str:
        number = ready(category, method)
        approvals.approve(store, director, number, password=PASSWORD, today=SIGNED)
        return number

    add_account(
        store,
        clerk,
        number=NEXT_OWNER,
        customer="Next Owner LLC",
        service_address="1 Oak St",
        account_class="commercial",
        customer_class="resident",
        today=RECEIVED,
    )
    files: dict[str, str] = {}
    files["draft"] = create_application(
        store, clerk, account=account(), category="car-wash", today=RECEIVED
    ).number
    files["fee owed"] = filed()
    files["fee partly paid"] = filed()
    pay(files["fee partly paid"], 10000)
    # Received before the first rate table kcsac holds: no fee, the director sets one.
    files["no fee set"] = filed("laundry", received=dt.date(2026, 4, 15))
    files["reviews missing"] = filed()
    pay(files["reviews missing"])
    files["review failed"] = filed()
    pay(files["review failed"])
    review(files["review failed"], failed="plan")
    files["no determination"] = filed()
    pay(files["no determination"])
    review(files["no determination"])
    files["awaiting decision"] = ready()
    files["entered by the director"] = filed()
    pay(files["entered by the director"])
    review(files["entered by the director"])
    determine(files["entered by the director"], director)
    files["re-saved by another"] = ready()
    determine(files["re-saved by another"], people["sam"])
    files["residential, awaiting decision"] = ready(account_class="residential")
    files["metered, awaiting decision"] = ready("evaporation", "deduct-meter")
    add_meter(
        store,
        clerk,
        files["metered, awaiting decision"],
        role="deduct",
        serial="M-1",
        unit="ft3",
        today=TODAY,
    )
    files["approved"] = approved()
    files["metered, approved, no meter"] = approved("evaporation", "deduct-meter")
    files["amendment pending"] = approved()
    determine(files["amendment pending"])
    files["denied"] = filed()
    approvals.deny(
        store, director, files["denied"], reasons=["no-diversion"], password=PASSWORD, today=TODAY
    )
    files["withdrawn, fee owed"] = filed()
    withdraw(store, clerk, files["withdrawn, fee owed"], reason="applicant moved", today=TODAY)
    files["withdrawn draft"] = create_application(
        store, clerk, account=account(), category="car-wash", today=RECEIVED
    ).number
    withdraw(store, clerk, files["withdrawn draft"], reason="filed twice", today=TODAY)
    files["revoked"] = approved()
    approvals.revoke(
        store,
        director,
        files["revoked"],
        from_on=TODAY,
        reason="business closed",
        password=PASSWORD,
        today=TODAY,
    )
    files["ended"] = approved()
    files["ownership change, approved"] = _ownership_change(store, people, files["ended"])
    approvals.approve(
        store, director, files["ownership change, approved"], password=PASSWORD, today=TODAY
    )
    prior = approved()
    files["ownership change, awaiting decision"] = _ownership_change(store, people, prior)
    return files


def _ownership_change(store, people, prior: str) -> str:
    clerk = people["carl"]
    number = f"3000-{prior[-2:]}"
    add_account(
        store,
        clerk,
        number=number,
        customer="New Owner LLC",
        service_address="77 Elm St",
        account_class="commercial",
        customer_class="resident",
        today=RECEIVED,
    )
    draft = create_ownership_change(
        store,
        clerk,
        prior_application=prior,
        new_account=number,
        transfer_on=dt.date(2026, 8, 10),
        today=TODAY,
    )
    app = submit_application(store, clerk, draft.number, received_on=SIGNED, today=TODAY)
    record_payment(
        store,
        clerk,
        app.number,
        amount_cents=app.fee_cents,
        paid_on=SIGNED,
        receipt_no=f"R-{app.number}",
        method="check",
        today=TODAY,
    )
    return app.number
