"""Example document snapshots for tests and benchmarks, every figure from the engine.

The examples follow RULES.md: example 1 (resident car wash, 15 %, signed 2026-08-12) and
example 2 (nonresident billed directly, deduct meters, effective 2026-05-01). Fees come from
kcsac.domain.fees, charges and rates from kcsac.domain.schedule.build_schedule, and the
snapshots are put together by the same helpers that issue real documents
(kcsac.operations.documents), so no ordinance figure is written down here. Every date is
fixed (or passed in): the same call always gives the same snapshot, whatever the clock says.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.credit_history import credit_history
from kcsac.domain.credit_lines import SpanInput
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.documents import (
    Addressee,
    AmendmentLetter,
    ApprovalLetter,
    Contact,
    DenialLetter,
    EndingLetter,
    PaymentLine,
    Reason,
    RevocationLetter,
    ScheduleDocument,
    Signature,
)
from kcsac.domain.fees import application_fee
from kcsac.domain.method import Method
from kcsac.domain.money import format_usd
from kcsac.domain.records import Determination, Meter, MeterRole, MeterUnit
from kcsac.domain.signed_terms import TermsInForce
from kcsac.operations.documents.schedules import schedule_document_from
from kcsac.operations.documents.wording import (
    DUTY_ACCESS,
    DUTY_NOTIFY,
    DUTY_READINGS,
    DUTY_STORM,
    DUTY_TESTS,
    ENCLOSURE_SCHEDULE,
    amendment_on_bills,
    approval_citations,
    approval_on_bills,
    ending_citations,
    ending_on_bills,
    meter_lines,
    method_parameters,
    next_steps_after_ending,
    next_steps_after_revocation,
    revocation_citations,
    revocation_on_bills,
    section_for,
)

DIRECTOR = "Renée Okafor-Nguyễn"
DIRECTOR_TITLE = "Director of Water Services"

# An example contact block, as an administrator would enter it (a fictional 555 number and
# the reserved .example domain: kcsac ships no contact block of its own).
CONTACT = Contact(
    address_lines=("Sewer Allowance Credit Program", "4800 E 63rd St", "Kansas City, MO 64130"),
    phone="816-555-0142",
    email="sac@kcwater.example",
)
# An example audit chain head at issue, as a letter prints it (SEQ:HASH16).
AUDIT_HEAD = "4127:3f2a9c1b4d5e6f70"

# An amendment of example 1: 15 % became 20 % (two more bays), signed 2026-10-20.
CAR_WASH_AMENDED_ON = date(2026, 10, 20)
CAR_WASH_AMENDED_PERCENT = Decimal(20)
# A revocation of example 2's credit from 2026-11-01 (decided 2026-10-28).
COOLING_REVOKED_FROM = date(2026, 11, 1)
COOLING_REVOKED_ON = date(2026, 10, 28)
# Example 1's credit ended by an ownership change on 2026-12-01 (signed 2026-11-24).
CAR_WASH_TRANSFER_ON = date(2026, 12, 1)
CAR_WASH_TRANSFER_SIGNED_ON = date(2026, 11, 24)

# RULES.md example 1: a resident car wash, 15 % diverted, the director signed on 2026-08-12.
CAR_WASH_SIGNED_ON = date(2026, 8, 12)
CAR_WASH_RECEIVED_ON = date(2026, 6, 3)  # the fee in force on this day applies
CAR_WASH_PERCENT = Decimal(15)
CAR_WASH_JUSTIFICATION = (
    "Evaporation and carry-out on vehicles measured during the site review of 2026-07-08 "
    "(four bays, reclaim system)."
)
# Water purchased in each monthly billing period from 2026-08-01 (ccf). The first is RULES.md
# example 1's 96 ccf; the rest are made-up billing data that vary from month to month.
CAR_WASH_PURCHASED_CCF = tuple(
    Decimal(v) for v in ("96", "100", "104.5", "91.25", "88", "110", "97.75", "102", "93.5")
)

# RULES.md example 2: a nonresident cooling tower billed directly, deduct meters.
COOLING_SIGNED_ON = date(2026, 5, 1)
COOLING_RECEIVED_ON = COOLING_SIGNED_ON  # the first day kcsac holds a fee for

# A denied irrigation application: storm sewer, and the fee only partly paid.
IRRIGATION_DECIDED_ON = date(2026, 9, 2)
IRRIGATION_RECEIVED_ON = date(2026, 7, 20)
IRRIGATION_PAID_CENTS = 25_000  # what the customer paid (a payment, not an ordinance figure)

RESIDENT = Addressee(
    customer_name="Peña Family Car Wash LLC",
    mailing_lines=("Attn: José Peña", "1200 Grand Blvd", "Kansas City, MO 64106"),
    service_address="4410 Troost Ave, Kansas City, MO 64110",
    account_no="100-204-3317",
)

NONRESIDENT = Addressee(
    customer_name="Nguyễn Precision Cooling Inc.",
    mailing_lines=("PO Box 4471", "Independence, MO 64050"),
    service_address="801 NE Industrial Dr, Gladstone, MO 64118",
    account_no="300-118-0072",
)

COOLING_METERS = (
    Meter(
        id=1,
        application="SAC-2026-0002",
        role=MeterRole.MAKE_UP,
        serial="MU-88412",
        make_model="Neptune T-10",
        size="2 in",
        unit=MeterUnit.GALLONS,
        location="Cooling tower 1, make-up line, roof",
        activation_reading=Decimal(1_204_330),
        last_tested_on=date(2026, 3, 18),
    ),
    Meter(
        id=2,
        application="SAC-2026-0002",
        role=MeterRole.BLOW_DOWN,
        serial="BD-55120",
        make_model="Badger M-70",
        size="1 in",
        unit=MeterUnit.GALLONS,
        location="Cooling tower 1, blow-down to sanitary",
        activation_reading=Decimal(310_005),
        last_tested_on=None,
    ),
)


def _signature(on: date) -> Signature:
    return Signature(DIRECTOR, DIRECTOR_TITLE, on)


def _fee_cents(category: Category, customer_class: CustomerClass, received_on: date):
    """The fee in force on the received date and its section (from the rate tables)."""
    quote = application_fee(category, customer_class, received_on)
    if quote.cents is None:
        raise ValueError(f"sample fee: {quote.not_set_reason}")
    return quote.cents, quote.citation


def _split(cents: int, first_share_percent: int) -> tuple[int, int]:
    """A fee paid in two instalments: the first about `first_share_percent` of it."""
    first = cents * first_share_percent // 100
    return first, cents - first


def approval_letter(*, letter_on: date = CAR_WASH_SIGNED_ON) -> ApprovalLetter:
    """RULES.md example 1 as an approval letter (percentage method, resident)."""
    klass, category = CustomerClass.RESIDENT, Category.CAR_WASH
    fee, fee_citation = _fee_cents(category, klass, CAR_WASH_RECEIVED_ON)
    first, second = _split(fee, 40)
    section = section_for(klass)
    determination = Determination(
        id=1,
        application="SAC-2026-0001",
        method=Method.PERCENTAGE,
        percent=CAR_WASH_PERCENT,
        justification=CAR_WASH_JUSTIFICATION,
    )
    return ApprovalLetter(
        letter_on=letter_on,
        application_no="SAC-2026-0001",
        addressee=RESIDENT,
        category_label=category.label,
        customer_class_label=klass.label,
        effective_on=CAR_WASH_SIGNED_ON,
        fee_assessed_cents=fee,
        fee_citation=fee_citation,
        payments=(
            PaymentLine("R-2026-00412", CAR_WASH_RECEIVED_ON, first),
            PaymentLine("R-2026-00477", CAR_WASH_RECEIVED_ON + timedelta(days=21), second),
        ),
        fee_paid_cents=fee,
        method_label=determination.method.label,
        method_parameters=method_parameters(determination, category),
        meters=(),
        duties=(DUTY_NOTIFY, DUTY_STORM, DUTY_ACCESS),
        section=section,
        ordinance=o.ORDINANCE,
        citations=approval_citations(klass),  # as an issued letter cites them
        signature=_signature(CAR_WASH_SIGNED_ON),
        on_bills=approval_on_bills(determination.method, CAR_WASH_SIGNED_ON),
        enclosures=(ENCLOSURE_SCHEDULE,),
        contact=CONTACT,
        audit_head=AUDIT_HEAD,
        issued_on=letter_on,
    )


def metered_approval_letter(*, letter_on: date = COOLING_SIGNED_ON) -> ApprovalLetter:
    """RULES.md example 2 as an approval letter (deduct meters, nonresident billed directly)."""
    klass, category = CustomerClass.NONRESIDENT_DIRECT, Category.EVAPORATION
    fee, fee_citation = _fee_cents(category, klass, COOLING_RECEIVED_ON)
    section = section_for(klass)
    determination = Determination(id=2, application="SAC-2026-0002", method=Method.DEDUCT_METER)
    return ApprovalLetter(
        letter_on=letter_on,
        application_no="SAC-2026-0002",
        addressee=NONRESIDENT,
        category_label=category.label,
        customer_class_label=klass.label,
        effective_on=COOLING_SIGNED_ON,
        fee_assessed_cents=fee,
        fee_citation=fee_citation,
        payments=(PaymentLine("R-2026-00103", COOLING_RECEIVED_ON, fee),),
        fee_paid_cents=fee,
        method_label=determination.method.label,
        method_parameters=method_parameters(determination, category),
        meters=meter_lines(COOLING_METERS, COOLING_SIGNED_ON),
        duties=(DUTY_READINGS, DUTY_TESTS, DUTY_NOTIFY, DUTY_STORM, DUTY_ACCESS),
        section=section,
        ordinance=o.ORDINANCE,
        citations=approval_citations(klass),  # as an issued letter cites them
        signature=_signature(COOLING_SIGNED_ON),
        on_bills=approval_on_bills(determination.method, COOLING_SIGNED_ON),
        enclosures=(ENCLOSURE_SCHEDULE,),
        contact=CONTACT,
        audit_head=AUDIT_HEAD,
        issued_on=letter_on,
    )


def denial_letter(*, letter_on: date = IRRIGATION_DECIDED_ON) -> DenialLetter:
    """A denial on two grounds: the water reaches the storm sewer; the fee is not paid."""
    klass, category = CustomerClass.RESIDENT, Category.IRRIGATION
    fee, _citation = _fee_cents(category, klass, IRRIGATION_RECEIVED_ON)
    paid = min(IRRIGATION_PAID_CENTS, fee)
    section = section_for(klass)
    return DenialLetter(
        letter_on=letter_on,
        application_no="SAC-2026-0007",
        addressee=RESIDENT,
        category_label=category.label,
        customer_class_label=klass.label,
        decided_on=IRRIGATION_DECIDED_ON,
        reasons=(
            Reason(
                "The irrigation water drains to the storm sewer, and water discharged to the "
                "storm sewer may not take part in the Sewer Allowance Credit.",
                section,
            ),
            Reason(
                f"The application fee of {format_usd(fee)} is not paid in full (balance "
                f"{format_usd(fee - paid)}); the fee must be received before any sewer use "
                "volume adjustment.",
                section,
            ),
        ),
        next_steps=(
            "Change the drainage so that no diverted water reaches the storm sewer; then you "
            "may apply again with a plan that shows the change.",
            f"Pay the balance of the application fee ({format_usd(fee - paid)}); the full fee "
            "must be received before any sewer use volume adjustment.",
            "If you believe a fact stated above is wrong, write to Water Services and quote "
            "application SAC-2026-0007; the director may reopen the file.",
        ),
        section=section,
        ordinance=o.ORDINANCE,
        citations=(section, o.ORDINANCE),
        signature=_signature(IRRIGATION_DECIDED_ON),
        fee_assessed_cents=fee,
        fee_paid_cents=paid,
        contact=CONTACT,
        audit_head=AUDIT_HEAD,
        issued_on=letter_on,
    )


def amendment_letter(*, letter_on: date = CAR_WASH_AMENDED_ON) -> AmendmentLetter:
    """Example 1's credit amended: 20 % from the amendment's signature date (was 15 %)."""
    klass, category = CustomerClass.RESIDENT, Category.CAR_WASH
    before = Determination(
        id=1,
        application="SAC-2026-0001",
        method=Method.PERCENTAGE,
        percent=CAR_WASH_PERCENT,
        justification=CAR_WASH_JUSTIFICATION,
    )
    after = Determination(
        id=3,
        application="SAC-2026-0001",
        method=Method.PERCENTAGE,
        percent=CAR_WASH_AMENDED_PERCENT,
        justification="Two more bays with reclaim, inspected 2026-10-06.",
        amends=1,
    )
    return AmendmentLetter(
        letter_on=letter_on,
        application_no="SAC-2026-0001",
        addressee=RESIDENT,
        category_label=category.label,
        customer_class_label=klass.label,
        credit_effective_on=CAR_WASH_SIGNED_ON,
        effective_on=CAR_WASH_AMENDED_ON,
        previous_method_label=before.method.label,
        previous_parameters=method_parameters(before, category),
        previous_effective_on=CAR_WASH_SIGNED_ON,
        method_label=after.method.label,
        method_parameters=method_parameters(after, category),
        meters=(),
        duties=(DUTY_NOTIFY, DUTY_STORM, DUTY_ACCESS),
        on_bills=amendment_on_bills(CAR_WASH_AMENDED_ON),
        enclosures=(ENCLOSURE_SCHEDULE,),
        section=section_for(klass),
        ordinance=o.ORDINANCE,
        citations=approval_citations(klass),
        signature=_signature(CAR_WASH_AMENDED_ON),
        contact=CONTACT,
        audit_head=AUDIT_HEAD,
        issued_on=letter_on,
    )


def revocation_letter(
    *, letter_on: date = COOLING_REVOKED_ON, reason: str | None = None
) -> RevocationLetter:
    """Example 2's credit revoked from 2026-11-01: readings not reported (or `reason`)."""
    klass, category = CustomerClass.NONRESIDENT_DIRECT, Category.EVAPORATION
    return RevocationLetter(
        letter_on=letter_on,
        application_no="SAC-2026-0002",
        addressee=NONRESIDENT,
        category_label=category.label,
        customer_class_label=klass.label,
        credit_effective_on=COOLING_SIGNED_ON,
        revoked_from=COOLING_REVOKED_FROM,
        last_credited_on=COOLING_REVOKED_FROM - timedelta(days=1),
        decided_on=COOLING_REVOKED_ON,
        reason=Reason(
            reason
            or "Failure to report meter readings: no make-up or blow-down readings were "
            "reported for the billing periods of August, September and October 2026, after "
            "two written requests.",
            "",
        ),
        on_bills=revocation_on_bills(COOLING_REVOKED_FROM),
        next_steps=next_steps_after_revocation("SAC-2026-0002"),
        section=section_for(klass),
        ordinance=o.ORDINANCE,
        citations=revocation_citations(klass),
        signature=_signature(COOLING_REVOKED_ON),
        contact=CONTACT,
        audit_head=AUDIT_HEAD,
        issued_on=letter_on,
    )


def ending_letter(*, letter_on: date = CAR_WASH_TRANSFER_SIGNED_ON) -> EndingLetter:
    """Example 1's credit ended: the property changed owners on 2026-12-01."""
    klass, category = CustomerClass.RESIDENT, Category.CAR_WASH
    ended_on = CAR_WASH_TRANSFER_ON - timedelta(days=1)
    new = "SAC-2026-0031"
    return EndingLetter(
        letter_on=letter_on,
        application_no="SAC-2026-0001",
        addressee=RESIDENT,
        category_label=category.label,
        customer_class_label=klass.label,
        credit_effective_on=CAR_WASH_SIGNED_ON,
        ended_on=ended_on,
        transfer_on=CAR_WASH_TRANSFER_ON,
        new_application_no=new,
        on_bills=ending_on_bills(ended_on, CAR_WASH_TRANSFER_ON, new),
        next_steps=next_steps_after_ending("SAC-2026-0001", new),
        section=section_for(klass),
        ordinance=o.ORDINANCE,
        citations=ending_citations(klass),
        signature=_signature(CAR_WASH_TRANSFER_SIGNED_ON),
        contact=CONTACT,
        audit_head=AUDIT_HEAD,
        issued_on=letter_on,
    )


def monthly_periods(first: date, purchased: tuple[Decimal, ...], count: int) -> list[PeriodInput]:
    """`count` calendar-month billing periods from `first`, cycling through `purchased`."""
    periods = []
    start = first
    for i in range(count):
        after = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        end = after - timedelta(days=1)
        periods.append(PeriodInput(start, end, purchased[i % len(purchased)]))
        start = after
    return periods


def schedule(periods: int = 4, *, prepared_on: date | None = None) -> ScheduleDocument:
    """RULES.md example 1 as a schedule: `periods` monthly periods from 2026-08-01, the
    first being the example's period. Prepared (by default) the day after the last ends."""
    if periods < 1:
        raise ValueError(f"schedule sample: periods must be at least 1, not {periods}")
    klass, category = CustomerClass.RESIDENT, Category.CAR_WASH
    terms = DeterminationTerms(Method.PERCENTAGE, CAR_WASH_PERCENT, None)
    inputs = monthly_periods(date(2026, 8, 1), CAR_WASH_PURCHASED_CCF, periods)
    span = TermsInForce(1, terms, CAR_WASH_SIGNED_ON, None, CAR_WASH_SIGNED_ON)
    span = replace(span, justification=CAR_WASH_JUSTIFICATION)
    history = credit_history(klass, [SpanInput(span, tuple(inputs))])
    return schedule_document_from(
        history,
        application_no="SAC-2026-0001",
        addressee=RESIDENT,
        category_label=category.label,
        category=category,
        prepared_on=prepared_on or inputs[-1].end + timedelta(days=1),
    )


def metered_schedule(*, prepared_on: date = date(2026, 7, 6)) -> ScheduleDocument:
    """RULES.md example 2 as a schedule: one period, 2026-06-01 to 2026-06-30, P = 140 ccf,
    diverted 38.25 ccf (the cooling tower's make-up use less its blow-down use)."""
    klass, category = CustomerClass.NONRESIDENT_DIRECT, Category.EVAPORATION
    terms = DeterminationTerms(Method.DEDUCT_METER, None, None)
    period = PeriodInput(
        date(2026, 6, 1),
        date(2026, 6, 30),
        Decimal(140),
        makeup_ccf=Decimal("52.50"),
        blowdown_ccf=Decimal("14.25"),
    )
    span = TermsInForce(2, terms, COOLING_SIGNED_ON, None, COOLING_SIGNED_ON)
    history = credit_history(klass, [SpanInput(span, (period,))])
    return schedule_document_from(
        history,
        application_no="SAC-2026-0002",
        addressee=NONRESIDENT,
        category_label=category.label,
        category=category,
        prepared_on=prepared_on,
    )
