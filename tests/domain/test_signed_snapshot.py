"""The signed snapshot's canonical form: the exact bytes kcsac has signed since the first
version, for records of every shape (non-ASCII text, Decimals, reversed payments, review
attachments, no determination). The expected texts were written by the code this module
replaced (storage.convert.plain + json.dumps); they must never change."""

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from kcsac.domain import signed_snapshot as signed
from kcsac.domain.category import Category
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.method import Method
from kcsac.domain.records import (
    Account,
    Determination,
    Payment,
    Review,
    ReviewKind,
    ReviewResult,
    SacApplication,
    User,
)
from kcsac.domain.roles import Role
from kcsac.domain.status import Status

APP = SacApplication(
    number="SAC-2026-0007",
    category=Category.EVAPORATION,
    status=Status.AWAITING_DECISION,
    account="40100-17",
    received_on=dt.date(2026, 5, 4),
    discharges_to_storm_sewer=True,
    details={"tons": "350", "make_up_meter": "yes"},
    paperwork={"site plan": True, "meter specification": False},
    fee_cents=50000,
    fee_note="Code sec. 60-2(2)(c)",
    paid_cents=50000,
    version=7,
    updated_by="carl",
    updated_at="2026-06-01T14:03:11+00:00",
)
ACCOUNT = Account(
    "40100-17",
    "Zoë's Café & Cooling — Nº 2",
    "1200 Grand Blvd",
    AccountClass.COMMERCIAL,
    CustomerClass.RESIDENT,
    version=3,
)
DETERMINATION = Determination(
    id=4,
    application="SAC-2026-0007",
    method=Method.PERCENTAGE,
    percent=Decimal("12.50"),
    justification='blow-down "measured" over 14 days',
    entered_by="rita",
    entered_on=dt.date(2026, 5, 30),
    locked=False,
    amends=None,
    version=2,
)
REVIEWS = [
    Review(
        1,
        "SAC-2026-0007",
        ReviewKind.SITE,
        dt.date(2026, 5, 14),
        "Rita Reviewer",
        ReviewResult.PASSED,
        "checked",
        ("photo.jpg", "notes.pdf"),
    ),
    Review(
        2,
        "SAC-2026-0007",
        ReviewKind.PLAN,
        dt.date(2026, 5, 19),
        "Rita Reviewer",
        ReviewResult.PASSED,
    ),
]
PAYMENTS = [
    Payment(
        1,
        "SAC-2026-0007",
        "KCW-26000",
        50000,
        dt.date(2026, 5, 7),
        "check",
        "carl",
        dt.date(2026, 5, 9),
        "bounced",
    ),
    Payment(2, "SAC-2026-0007", "KCW-26011", 50000, dt.date(2026, 5, 12), "card", "carl"),
]
SIGNER = User("dora", "Dora Director", "Director of Water Services", Role.DIRECTOR)
SIGNED_ON = dt.date(2026, 6, 3)

SIGNED_TEXT = (
    '{"account":{"account_class":"commercial",'
    '"customer":"Zo\\u00eb\'s Caf\\u00e9 & Cooling \\u2014 N\\u00ba 2",'
    '"customer_class":"resident","number":"40100-17","service_address":"1200 Grand Blvd",'
    '"version":0},"application":{"account":"40100-17","category":"evaporation",'
    '"details":{"make_up_meter":"yes","tons":"350"},"discharges_to_storm_sewer":true,'
    '"documents":{"meter specification":false,"site plan":true},"effective_on":null,'
    '"ended_on":null,"fee_cents":50000,"fee_note":"Code sec. 60-2(2)(c)",'
    '"number":"SAC-2026-0007","paid_cents":50000,"received_on":"2026-05-04",'
    '"status":"awaiting-decision","updated_at":"","updated_by":"","version":0},'
    '"determination":{"amends":null,"application":"SAC-2026-0007","entered_by":"rita",'
    '"entered_on":"2026-05-30","fixed_ccf":null,"id":4,'
    '"justification":"blow-down \\"measured\\" over 14 days","locked":false,'
    '"method":"percentage","percent":"12.50","version":0},'
    '"payments":[{"amount_cents":50000,"application":"SAC-2026-0007","id":1,'
    '"method":"check","paid_on":"2026-05-07","receipt_no":"KCW-26000","recorded_by":"carl",'
    '"reversal_reason":"bounced","reversed_on":"2026-05-09"},{"amount_cents":50000,'
    '"application":"SAC-2026-0007","id":2,"method":"card","paid_on":"2026-05-12",'
    '"receipt_no":"KCW-26011","recorded_by":"carl","reversal_reason":"",'
    '"reversed_on":null}],"reviews":[{"application":"SAC-2026-0007",'
    '"attachments":["photo.jpg","notes.pdf"],"id":1,"kind":"site","notes":"checked",'
    '"result":"passed","reviewed_on":"2026-05-14","reviewer":"Rita Reviewer"},'
    '{"application":"SAC-2026-0007","attachments":[],"id":2,"kind":"plan","notes":"",'
    '"result":"passed","reviewed_on":"2026-05-19","reviewer":"Rita Reviewer"}],'
    '"signed_on":"2026-06-03","signer":{"login":"dora","name":"Dora Director",'
    '"role":"director","title":"Director of Water Services"}}'
)
SIGNED_SHA256 = "f855cf79cf32e99fa08f54df8fa7de5b9f0d079f6de4754de46ba6fd58b0d2c7"
WITHOUT_DETERMINATION = (
    '{"account":{"account_class":"commercial",'
    '"customer":"Zo\\u00eb\'s Caf\\u00e9 & Cooling \\u2014 N\\u00ba 2",'
    '"customer_class":"resident","number":"40100-17","service_address":"1200 Grand Blvd",'
    '"version":0},"application":{"account":"40100-17","category":"evaporation",'
    '"details":{"make_up_meter":"yes","tons":"350"},"discharges_to_storm_sewer":true,'
    '"documents":{"meter specification":false,"site plan":true},"effective_on":null,'
    '"ended_on":null,"fee_cents":50000,"fee_note":"Code sec. 60-2(2)(c)",'
    '"number":"SAC-2026-0007","paid_cents":50000,"received_on":"2026-05-04",'
    '"status":"awaiting-decision","updated_at":"","updated_by":"","version":0},'
    '"determination":null,"payments":[],"reviews":[],"signed_on":"2026-06-03",'
    '"signer":{"login":"dora","name":"Dora Director","role":"director",'
    '"title":"Director of Water Services"}}'
)
WITHOUT_DETERMINATION_SHA256 = "f54088be8f792d119e503a29b88b79ddf1a91ec4798296bb0948904cb50fe9b4"


def _sign(**changes):
    given = {
        "application": APP,
        "account": ACCOUNT,
        "determination": DETERMINATION,
        "reviews": REVIEWS,
        "payments": PAYMENTS,
        "signed_on": SIGNED_ON,
        "signer": SIGNER,
    }
    return signed.signed_snapshot(**{**given, **changes})


def test_the_signed_text_is_exactly_what_kcsac_has_always_signed():
    made = _sign()
    assert made.text == SIGNED_TEXT
    assert made.sha256 == SIGNED_SHA256 == hashlib.sha256(SIGNED_TEXT.encode()).hexdigest()
    assert made.text.isascii()  # non-ASCII names escaped


def test_a_decision_without_determination_reviews_or_payments():
    made = _sign(determination=None, reviews=(), payments=iter(()))
    assert (made.text, made.sha256) == (WITHOUT_DETERMINATION, WITHOUT_DETERMINATION_SHA256)


def test_stored_row_bookkeeping_never_changes_what_was_signed():
    """A later save of the row (version, who, when) must give the same snapshot."""
    resaved = _sign(
        application=dataclasses.replace(APP, version=12, updated_by="x", updated_at="later"),
        account=dataclasses.replace(ACCOUNT, version=9),
        determination=dataclasses.replace(DETERMINATION, version=5),
        signer=dataclasses.replace(SIGNER, active=False, has_password=True, version=4),
    )
    assert resaved == _sign()


def test_every_signed_fact_changes_the_fingerprint():
    base = _sign().sha256
    changed = [
        _sign(application=dataclasses.replace(APP, paid_cents=49999)),
        _sign(application=dataclasses.replace(APP, details={**APP.details, "tons": "351"})),
        _sign(account=dataclasses.replace(ACCOUNT, service_address="1201 Grand Blvd")),
        _sign(determination=dataclasses.replace(DETERMINATION, percent=Decimal("12.5"))),
        _sign(reviews=REVIEWS[:1]),
        _sign(payments=[dataclasses.replace(PAYMENTS[0], reversed_on=None), PAYMENTS[1]]),
        _sign(signed_on=SIGNED_ON + dt.timedelta(days=1)),
        _sign(signer=dataclasses.replace(SIGNER, title="Acting Director")),
    ]
    assert len({base, *(c.sha256 for c in changed)}) == len(changed) + 1


# Fields of the records that are deliberately not signed.
UNSIGNED = {
    SacApplication: set(signed.APPLICATION_CONSTANTS),
    Account: set(signed.ACCOUNT_CONSTANTS),
    Determination: set(signed.DETERMINATION_CONSTANTS) | set(signed.DETERMINATION_UNSIGNED),
    Review: set(),
    Payment: set(),
    User: {"active", "has_password", "version"},
}
SIGNED_FIELDS = {
    SacApplication: signed.APPLICATION_FIELDS,
    Account: signed.ACCOUNT_FIELDS,
    Determination: signed.DETERMINATION_FIELDS,
    Review: signed.REVIEW_FIELDS,
    Payment: signed.PAYMENT_FIELDS,
    User: signed.SIGNER_FIELDS,
}


@pytest.mark.parametrize("record", list(SIGNED_FIELDS), ids=lambda r: r.__name__)
def test_every_field_of_a_signed_record_is_decided(record):
    """A field added to a record is not signed until someone decides it is: listing it in
    kcsac.domain.signed_snapshot changes the bytes of every later signature (earlier ones
    keep their stored text), leaving it out keeps them. This test asks for that decision."""
    fields = {f.name for f in dataclasses.fields(record)}
    listed = set(SIGNED_FIELDS[record])
    assert len(listed) == len(SIGNED_FIELDS[record])
    assert not listed & UNSIGNED[record]
    assert listed | UNSIGNED[record] == fields, (
        f"{record.__name__}: decide whether {sorted(fields ^ (listed | UNSIGNED[record]))} "
        "is signed (kcsac/domain/signed_snapshot.py)"
    )


def test_a_value_that_has_no_signed_form_is_refused():
    with pytest.raises(TypeError, match="cannot sign set"):
        _sign(application=dataclasses.replace(APP, details={"bays": {"2"}}))
