"""A deterministic, lived-in demo data set, made through the real operations (real audit)."""

import datetime as dt
import itertools
from decimal import Decimal

from kcsac.domain.category import Category
from kcsac.domain.documents import LETTER_KINDS
from kcsac.domain.records import ConsumptionPeriod, MeterRole, MeterUnit
from kcsac.domain.status import Status
from kcsac.domain.volume import FT3_PER_CCF, GAL_PER_CCF
from kcsac.operations import approvals, meters, users
from kcsac.operations.accounts import add_account, update_account
from kcsac.operations.determinations import enter_determination
from kcsac.operations.documents.issuing import issued_documents
from kcsac.operations.errors import Refused
from kcsac.operations.intake import create_application, submit_application, withdraw
from kcsac.operations.payments import record_payment
from kcsac.operations.reviews import record_review
from kcsac.storage import Store

DEMO_TODAY = dt.date(2026, 10, 30)
DEMO_PASSWORD = "demo-password"  # every demo user's password (shown in the docs)
START = dt.date(2026, 5, 4)

_NAMES = [
    "Blue Valley Car Wash",
    "Crown Center Laundromat",
    "Westport Cooling Plant",
    "Swope Park Golf Club",
    "KC Bottling Works",
    "Riverside Plating",
    "Union Hill Brewery",
    "Troost Auto Spa",
    "Brookside Suds Laundry",
    "Crossroads Data Center",
    "Waldo Greenhouse Co.",
    "Northland Ice & Cold Storage",
    "18th & Vine Textile",
    "Plaza Shine Express Wash",
    "Hyde Park Linen Service",
    "Stadium Chiller Works",
    "Loose Park Turf Care",
    "Armourdale Concrete",
    "Midtown Soap Opera Laundry",
    "West Bottoms Food Processing",
    "Volker Car Care",
    "Martin City Washhouse",
    "Fairfax Cooling Towers",
    "Blue Ridge Nursery",
    "Argentine Ready-Mix",
    "Hospital Hill Steam Plant",
    "Power & Light Laundry",
    "Zona Rosa Auto Wash",
    "Gladstone Irrigation Co.",
    "East Bottoms Tannery",
    "Red Bridge Car Wash",
    "Country Club Cleaners",
    "River Market Creamery",
    "Sheffield Metal Finishing",
    "Grandview Sod Farm",
    "Independence Ave Wash & Go",
    "Prospect Dye House",
    "Bannister Cold Chain",
    "Ward Parkway Fountains",
    "Line Creek Beverage",
]
_STREETS = [
    "Main St",
    "Grand Blvd",
    "Troost Ave",
    "Broadway Blvd",
    "Southwest Blvd",
    "Prospect Ave",
    "Independence Ave",
    "Wornall Rd",
    "State Line Rd",
    "Holmes Rd",
]
_METHOD = {
    Category.CAR_WASH: "percentage",
    Category.LAUNDRY: "percentage",
    Category.WATER_TO_PRODUCT: "percentage",
    Category.OTHER: "percentage",
    Category.EVAPORATION: "deduct-meter",
    Category.IRRIGATION: "deduct-meter",
    Category.SEWER_METERING: "sewer-meter",
}
_CATEGORIES = [
    Category.CAR_WASH,
    Category.LAUNDRY,
    Category.EVAPORATION,
    Category.IRRIGATION,
    Category.WATER_TO_PRODUCT,
    Category.OTHER,
    Category.SEWER_METERING,
]
# (target status, how many) for the first 36 accounts, cycling through the categories.
_TARGETS = (
    ["approved"] * 12
    + ["amended"] * 2
    + ["revoked"] * 2
    + ["awaiting-decision"] * 4
    + ["in-review"] * 4
    + ["in-review-failed"]
    + ["awaiting-fee"] * 4
    + ["draft"] * 3
    + ["withdrawn"] * 2
    + ["denied"] * 2
)


class _DemoClock:
    """Audit time stamps on the demo's own days, so the data set is the same every time."""

    def __init__(self) -> None:
        self.day = START
        self.tick = itertools.count()

    def __call__(self) -> str:
        seconds = next(self.tick) % 36000
        return (
            f"{self.day.isoformat()}T{8 + seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
            f"{seconds % 60:02d}+00:00"
        )


def _months() -> list[tuple[dt.date, dt.date]]:
    out = []
    for month in range(5, 10):  # May..September 2026: complete periods before DEMO_TODAY
        start = dt.date(2026, month, 1)
        end = dt.date(2026, month + 1, 1) - dt.timedelta(days=1)
        out.append((start, end))
    return out


def load_demo(store: Store) -> str:
    """Fill an empty database; returns a one-paragraph summary of what was made."""
    if store.count_users() or store.queue_counts()["all"] or store.list_accounts(limit=1):
        raise Refused("The demo data set goes into a new, empty database; choose another --db")
    clock = _DemoClock()
    real_clock, store.clock = store.clock, clock
    try:
        with store.write():
            made = _load(store, clock)
    finally:
        store.clock = real_clock
    counts = store.queue_counts()
    listed = ", ".join(f"{s.label.lower()} {counts[s.value]}" for s in Status)
    return (
        f"demo data: {made['accounts']} accounts, {counts['all']} applications ({listed}), "
        f"{made['letters']} letters issued; "
        f"users demo-admin, demo-clerk, demo-reviewer, demo-director (password "
        f"{DEMO_PASSWORD!r}); audit {store.verify_audit()}"
    )


def _load(store: Store, clock: _DemoClock) -> dict[str, int]:
    today = DEMO_TODAY
    admin = users.ensure_first_admin(store, "demo-admin", START, name="Avery Admin")
    users.set_own_password(store, admin, DEMO_PASSWORD)  # the administrator's, asked below
    clerk = users.add_user(
        store,
        admin,
        login="demo-clerk",
        name="Casey Clerk",
        title="Program Clerk",
        role="clerk",
        password=DEMO_PASSWORD,
        today=START,
    )
    reviewer = users.add_user(
        store,
        admin,
        login="demo-reviewer",
        name="Robin Reyes",
        title="Industrial Waste Engineer",
        role="reviewer",
        password=DEMO_PASSWORD,
        today=START,
    )
    director = users.add_user(
        store,
        admin,
        login="demo-director",
        name="Dana Whitfield",
        title="Director of Water Services",
        role="director",
        password=DEMO_PASSWORD,
        today=START,
    )
    for person in (clerk, reviewer, director):
        users.set_own_password(store, person, DEMO_PASSWORD)
    staff = {"clerk": clerk, "reviewer": reviewer, "director": director}

    n_accounts = 0
    for i, name in enumerate(_NAMES):
        customer_class = "resident"
        if i % 9 == 4:
            customer_class = "nonresident-direct"
        if i == 31:
            customer_class = "nonresident-unmetered"
        account_class = "industrial" if i % 5 == 2 else "commercial"
        if i == 37:
            account_class = "residential"  # a denial: one- or two-family residence
        add_account(
            store,
            clerk,
            number=f"{40100 + i * 7:05d}-{i % 90 + 10:02d}",
            customer=name,
            service_address=f"{100 + i * 37} {_STREETS[i % 10]}",
            account_class=account_class,
            customer_class=customer_class,
            today=START,
        )
        n_accounts += 1
    accounts = [a.number for a in store.list_accounts(limit=100)]
    accounts.sort()
    for number in accounts:
        purchased = [Decimal(90 + (hash_number(number) + k * 17) % 260) for k in range(5)]
        store.put_consumption(
            [
                ConsumptionPeriod(number, s, e, p)
                for (s, e), p in zip(_months(), purchased, strict=True)
            ]
        )

    approved: list[str] = []
    for i, target in enumerate(_TARGETS):
        category = _CATEGORIES[i % len(_CATEGORIES)]
        number = _file(store, staff, accounts[i], category, target, i, clock, today)
        if target == "approved":
            approved.append(number)
    # A storm-sewer discharge and a residential account, both denied with citations.
    _file(store, staff, accounts[36], Category.CAR_WASH, "denied-storm", 36, clock, today)
    _file(store, staff, accounts[37], Category.LAUNDRY, "denied-residential", 37, clock, today)
    # Ownership changes: a resident one approved (the prior credit ends), a nonresident one
    # waiting for the director to decide the fee the ordinance does not set.
    _ownership(store, staff, approved[0], accounts[38], "resident", clock, ok=True)
    _ownership(store, staff, approved[1], accounts[39], "nonresident-direct", clock, ok=False)
    letters = _letters(store)
    return {"accounts": n_accounts, "letters": letters}


def _letters(store: Store) -> int:
    """How many letters were issued: every decision froze its letter when it was made
    (operations.approvals), so there is nothing left to issue here."""
    return sum(
        1
        for summary in store.list_summaries(limit=1000)
        for doc in issued_documents(store, summary.number)
        if doc.kind in LETTER_KINDS
    )


def hash_number(text: str) -> int:
    """A small deterministic number from text (Python's hash() is salted per run)."""
    return sum((k + 1) * ord(c) for k, c in enumerate(text))


def _file(store, staff, account, category, target, i, clock, today) -> str:
    clerk, reviewer, director = staff["clerk"], staff["reviewer"], staff["director"]
    d0 = START + dt.timedelta(days=(i * 3) % 60)
    clock.day = d0
    app = create_application(
        store,
        clerk,
        account=account,
        category=category,
        today=d0,
        discharges_to_storm_sewer=target == "denied-storm",
        details=_details(category, i, account),
        paperwork={
            "application form": True,
            "site plan": target != "draft",
            "meter specification": category
            in (Category.EVAPORATION, Category.IRRIGATION, Category.SEWER_METERING),
        },
    )
    if target == "draft":
        return app.number
    app = submit_application(store, clerk, app.number, received_on=d0, today=d0)
    if target == "withdrawn":
        clock.day = d0 + dt.timedelta(days=5)
        withdraw(store, clerk, app.number, reason="the customer sold the site", today=clock.day)
        return app.number
    clock.day = d0 + dt.timedelta(days=3)
    paid = app.fee_cents if target != "awaiting-fee" else app.fee_cents // 2
    if target != "awaiting-fee" or i % 2:
        record_payment(
            store,
            clerk,
            app.number,
            amount_cents=paid,
            paid_on=clock.day,
            receipt_no=f"KCW-{26000 + i * 11}",
            method=("check", "card", "cash")[i % 3],
            today=clock.day,
        )
    if target == "awaiting-fee":
        return app.number
    for k, kind in enumerate(("site", "plan", "installation")):
        clock.day = d0 + dt.timedelta(days=10 + 5 * k)
        failed = target == "in-review-failed" and kind == "plan"
        record_review(
            store,
            reviewer,
            app.number,
            kind=kind,
            reviewed_on=clock.day,
            result="failed" if failed else "passed",
            notes="backflow preventer missing on the make-up line"
            if failed
            else f"{kind} checked against the submitted plan",
            today=clock.day,
        )
        if target in ("in-review", "in-review-failed") and k == 1:
            return app.number
    clock.day = d0 + dt.timedelta(days=26)
    _meters(store, clerk, app.number, category, account, clock.day)
    method = _METHOD[category]
    enter_determination(
        store,
        reviewer,
        app.number,
        method=method,
        percent=Decimal(8 + i % 15) if method == "percentage" else None,
        justification="loss measured over a two-week test"
        if method == "percentage"
        else "metered diversion",
        today=clock.day,
    )
    if target == "awaiting-decision":
        return app.number
    clock.day = d0 + dt.timedelta(days=30)
    if target.startswith("denied"):
        reasons = {"denied-storm": ["storm-sewer"], "denied-residential": ["residential"]}.get(
            target, ["no-diversion"]
        )
        approvals.deny(
            store,
            director,
            app.number,
            reasons=reasons,
            note="letter sent with the citation",
            password=DEMO_PASSWORD,
            today=clock.day,
        )
        return app.number
    approvals.approve(store, director, app.number, password=DEMO_PASSWORD, today=clock.day)
    _readings(store, clerk, app.number)
    if target == "amended" and method == "percentage":
        clock.day = d0 + dt.timedelta(days=75)
        enter_determination(
            store,
            reviewer,
            app.number,
            method="percentage",
            percent=Decimal(10 + i % 12),
            justification="a third wash bay was added",
            today=clock.day,
        )
        approvals.approve(store, director, app.number, password=DEMO_PASSWORD, today=clock.day)
    if target == "revoked":
        clock.day = min(d0 + dt.timedelta(days=90), DEMO_TODAY)
        approvals.revoke(
            store,
            director,
            app.number,
            from_on=clock.day,
            reason="readings not reported for two periods",
            password=DEMO_PASSWORD,
            today=clock.day,
        )
    return app.number


def _details(category: Category, i: int, account: str) -> dict[str, str]:
    """The wizard's own keys (kcsac.ui.wizard.category_fields) with values it would take."""
    serial = _serial(account, 0)
    return {
        Category.CAR_WASH: {
            "wash_type": ("Self-serve", "In-bay automatic", "Tunnel", "Hand wash")[i % 4],
            "bays": str(2 + i % 5),
        },
        Category.LAUNDRY: {"machines": str(12 + i % 30), "capacity_lb": str(20 * (12 + i % 30))},
        Category.EVAPORATION: {
            "equipment": ("Cooling tower", "Chiller", "Evaporative cooler")[i % 3],
            "tonnage": str(150 + 25 * (i % 8)),
            "make_up_meter": serial,
            "blow_down_meter": _serial(account, 1),
        },
        Category.IRRIGATION: {
            "irrigated_area_ft2": str(43560 * (2 + i % 9)),
            "irrigation_meter": serial,
        },
        Category.WATER_TO_PRODUCT: {
            "product": "bottled beverages",
            "water_per_unit_gal": "2.4",
            "product_unit": "case of 24 bottles",
        },
        Category.OTHER: {"process_description": "steam lost to atmosphere from the boilers"},
        Category.SEWER_METERING: {"sewer_meter": serial},
    }[category]


def _serial(account: str, k: int) -> str:
    """The demo meter's serial: from the account, so the application's details can name it
    before the application has a number."""
    return f"M{hash_number(account):05d}{k}"


_METER_ROLES = {
    Category.EVAPORATION: (MeterRole.MAKE_UP, MeterRole.BLOW_DOWN),
    Category.IRRIGATION: (MeterRole.IRRIGATION,),
    Category.SEWER_METERING: (MeterRole.SEWER,),
}


def _meters(store, clerk, number, category, account, day) -> None:
    for k, role in enumerate(_METER_ROLES.get(category, ())):
        meters.add_meter(
            store,
            clerk,
            number,
            role=role,
            serial=_serial(account, k),
            unit=MeterUnit.GALLONS if role is not MeterRole.SEWER else MeterUnit.FT3,
            today=day,
            make_model="Badger M-2000",
            size="2 in.",
            location="mechanical room",
            installed_on=dt.date(2026, 4, 20),
            sealed_on=dt.date(2026, 4, 21),
            activation_reading=str(_activation_register(account, k)),
            last_tested_on=dt.date(2026, 4, 15),
        )


def _activation_register(account: str, k: int) -> int:
    """What the register shows on the activation date (the effective date): meters are not
    new, so not 0."""
    return 1000 + (hash_number(account) * (k + 3)) % 90000


def _readings(store, clerk, number) -> None:
    """One reading at the end of each billing period from the activation on, each the
    register then: the activation reading plus the use since the effective date."""
    app = store.get_application(number)
    effective_on = app.effective_on
    periods = [p for p in store.consumption(app.account) if p.end >= effective_on]
    for meter in store.meters(number):
        total = meter.activation_reading
        for p in periods:
            days = (p.end - p.start).days + 1
            share = Decimal((p.end - max(p.start, effective_on)).days + 1) / days
            if meter.role is MeterRole.SEWER:
                per_ccf = Decimal("0.55") * FT3_PER_CCF  # the sewer meter reads ft3
            elif meter.role is MeterRole.BLOW_DOWN:
                per_ccf = Decimal("0.08") * GAL_PER_CCF
            else:
                per_ccf = Decimal("0.35") * GAL_PER_CCF
            total += (p.ccf * share * per_ccf).quantize(Decimal(1))
            meters.record_reading(
                store, clerk, meter.id, read_on=p.end, value=total, today=DEMO_TODAY
            )


def _ownership(store, staff, prior, account, customer_class, clock, *, ok: bool) -> None:
    clerk, director = staff["clerk"], staff["director"]
    acct = store.get_account(account)
    if acct.customer_class.value != customer_class:
        import dataclasses

        update_account(
            store,
            clerk,
            dataclasses.replace(acct, customer_class=customer_class),
            reason="class confirmed by billing",
            today=DEMO_TODAY,
        )
    clock.day = dt.date(2026, 10, 1) if ok else dt.date(2026, 10, 20)
    transfer = dt.date(2026, 10, 1) if ok else dt.date(2026, 10, 15)
    app = create_application(
        store,
        clerk,
        account=account,
        category=Category.OWNERSHIP_CHANGE,
        today=clock.day,
        details={
            "prior_application": prior,
            "transfer_on": transfer.isoformat(),
            "new owner": store.get_account(account).customer,
        },
    )
    app = submit_application(store, clerk, app.number, received_on=clock.day, today=clock.day)
    if not ok:
        return  # nonresident: "fee not set by ordinance", waiting for the director
    clock.day += dt.timedelta(days=2)
    record_payment(
        store,
        clerk,
        app.number,
        amount_cents=app.fee_cents,
        paid_on=clock.day,
        receipt_no="KCW-OWN-1",
        method="check",
        today=clock.day,
    )
    clock.day += dt.timedelta(days=3)
    approvals.approve(store, director, app.number, password=DEMO_PASSWORD, today=clock.day)
