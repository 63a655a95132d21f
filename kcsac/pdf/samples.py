"""Hand-built example snapshots (RULES.md worked examples) for previews, tests and benchmarks.

The figures follow RULES.md example 1 (resident car wash, 15 %, signed 2026-08-12) and
example 2 (nonresident billed directly, deduct meter). They are examples, not records.
"""

from datetime import date, timedelta

from kcsac.domain import ordinance as o
from kcsac.domain.documents import (
    Addressee,
    ApprovalLetter,
    DenialLetter,
    MeterLine,
    Parameter,
    PaymentLine,
    RateLine,
    Reason,
    ScheduleDocument,
    ScheduleRow,
    ScheduleTotals,
    Signature,
)

DUTIES = (
    "Read the deduct meter(s) at the end of every billing period and report the readings to "
    "Kansas City Water Services; readings are never estimated.",
    "Have each meter tested for accuracy when Water Services asks, and keep the test reports.",
    "Notify Water Services in writing before changing the process, equipment or use that "
    "diverts the water.",
    "Never discharge the diverted water, or any water that takes part in the credit, to the "
    "storm sewer.",
    "Keep the meters, seals and piping accessible for inspection.",
)

SIGNATURE = Signature(
    signer_name="Renée Okafor-Nguyễn",
    signer_title="Director of Water Services",
    signed_on=date(2026, 8, 12),
)

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


def approval_letter() -> ApprovalLetter:
    """RULES.md example 1 as an approval letter (percentage method)."""
    return ApprovalLetter(
        letter_on=date(2026, 8, 12),
        application_no="SAC-2026-0001",
        addressee=RESIDENT,
        category_label="Car wash",
        customer_class_label="Resident (inside the city)",
        effective_on=date(2026, 8, 12),
        fee_assessed_cents=25_000,
        fee_citation=o.SEC_60_2_2_C,
        payments=(
            PaymentLine(receipt_no="R-2026-00412", paid_on=date(2026, 6, 3), amount_cents=10_000),
            PaymentLine(receipt_no="R-2026-00477", paid_on=date(2026, 6, 24), amount_cents=15_000),
        ),
        fee_paid_cents=25_000,
        method_label="Percentage of water purchased",
        method_parameters=(
            Parameter("Share diverted", "15% of the water purchased in each billing period"),
            Parameter(
                "Justification",
                "Evaporation and carry-out on vehicles measured during the site review of "
                "2026-07-08 (four bays, reclaim system).",
            ),
        ),
        meters=(),
        duties=DUTIES,
        section=o.SEC_60_2_2_C,
        ordinance=o.ORDINANCE,
        citations=(
            f"{o.SEC_60_2_2_C}: who may apply, the application fee, the director's "
            "determination, effective on the date of the director's signature",
            f"{o.SEC_60_2_1_A}, {o.SEC_60_2_2}: resident service and volume charges",
            f"{o.SEC_60_2_4}: charges prorated per day",
            f"{o.ORDINANCE}",
        ),
        signature=SIGNATURE,
    )


def metered_approval_letter() -> ApprovalLetter:
    """RULES.md example 2 as an approval letter (deduct meters, nonresident)."""
    base = approval_letter()
    return ApprovalLetter(
        letter_on=date(2026, 5, 1),
        application_no="SAC-2026-0002",
        addressee=NONRESIDENT,
        category_label="Evaporation (coolers, chillers, cooling towers)",
        customer_class_label="Nonresident, billed directly by the city",
        effective_on=date(2026, 5, 1),
        fee_assessed_cents=60_000,
        fee_citation=o.SEC_60_3_A_6,
        payments=(
            PaymentLine(receipt_no="R-2026-00103", paid_on=date(2026, 4, 2), amount_cents=60_000),
        ),
        fee_paid_cents=60_000,
        method_label="Deduct (sub)meter",
        method_parameters=(
            Parameter("Diverted volume", "make-up meter use minus blow-down meter use"),
        ),
        meters=(
            MeterLine(
                role="Make-up meter",
                serial_no="MU-88412",
                make_model="Neptune T-10",
                size="2 in",
                location="Cooling tower 1, make-up line, roof",
                activation_reading="1,204,330 gal",
                activation_on=date(2026, 5, 1),
                last_test_on=date(2026, 3, 18),
            ),
            MeterLine(
                role="Blow-down meter",
                serial_no="BD-55120",
                make_model="Badger M-70",
                size="1 in",
                location="Cooling tower 1, blow-down to sanitary",
                activation_reading="310,005 gal",
                activation_on=date(2026, 5, 1),
                last_test_on=None,
            ),
        ),
        duties=base.duties,
        section=o.SEC_60_3_A_6,
        ordinance=o.ORDINANCE,
        citations=(
            f"{o.SEC_60_3_A_6}: nonresident diverted water uses, fee, effective date",
            f"{o.SEC_60_3_A_4}: nonresident charges billed directly by the city",
            f"{o.SEC_60_3_B}: charges prorated per day",
            o.ORDINANCE,
        ),
        signature=Signature("Renée Okafor-Nguyễn", "Director of Water Services", date(2026, 5, 1)),
    )


def denial_letter() -> DenialLetter:
    """A denial on two grounds (storm sewer; fee balance)."""
    return DenialLetter(
        letter_on=date(2026, 9, 2),
        application_no="SAC-2026-0007",
        addressee=RESIDENT,
        category_label="Irrigation",
        customer_class_label="Resident (inside the city)",
        decided_on=date(2026, 9, 2),
        reasons=(
            Reason(
                "The irrigation water drains to the storm sewer, and water discharged to the "
                "storm sewer may not take part in the Sewer Allowance Credit.",
                o.SEC_60_2_2_C,
            ),
            Reason(
                "The application fee of $600.00 is not paid in full (balance $350.00); the "
                "fee must be received before any sewer use volume adjustment.",
                o.SEC_60_2_2_C,
            ),
        ),
        next_steps=(
            "If the drainage changes so that no diverted water reaches the storm sewer, you "
            "may submit a new application with a plan showing the change.",
            "Pay the balance of the application fee before a new application can be approved.",
            "Call Water Services to discuss this decision; quote the application number "
            "SAC-2026-0007.",
        ),
        section=o.SEC_60_2_2_C,
        ordinance=o.ORDINANCE,
        citations=(f"{o.SEC_60_2_2_C}: who may apply, storm sewer, fee", o.ORDINANCE),
        signature=Signature("Renée Okafor-Nguyễn", "Director of Water Services", date(2026, 9, 2)),
        fee_assessed_cents=60_000,
        fee_paid_cents=25_000,
    )


def schedule(periods: int = 4) -> ScheduleDocument:
    """RULES.md example 1 as a schedule; `periods` monthly rows starting 2026-07-01."""
    rows = []
    start = date(2026, 7, 1)
    for i in range(periods):
        end = _month_end(start)
        days = (end - start).days + 1
        if i == 1:  # 2026-08: RULES.md example 1 exactly
            row = ScheduleRow(
                start,
                end,
                days,
                "96.00",
                "14.40",
                "20/31",
                "9.29",
                "86.71",
                3309,
                123_840,
                111_855,
                11_985,
                None,
                "",
            )
        elif i == 0:
            row = ScheduleRow(
                start,
                end,
                days,
                "88.00",
                "13.20",
                "0",
                "0.00",
                "88.00",
                3309,
                113_520,
                113_520,
                0,
                None,
                "ends before the effective date: no credit",
            )
        else:
            row = ScheduleRow(
                start,
                end,
                days,
                "100.00",
                "15.00",
                "1",
                "15.00",
                "85.00",
                3202 if days == 30 else 3309,
                129_000,
                109_650,
                19_350,
                None,
                "",
            )
        rows.append(row)
        start = end + timedelta(days=1)
    totals = ScheduleTotals(
        days=sum(r.days for r in rows),
        purchased_ccf=_ccf(sum(_d(r.purchased_ccf) for r in rows)),
        diverted_ccf=_ccf(sum(_d(r.diverted_ccf) for r in rows)),
        credited_ccf=_ccf(sum(_d(r.credited_ccf) for r in rows)),
        billed_ccf=_ccf(sum(_d(r.billed_ccf) for r in rows)),
        service_charge_cents=sum(r.service_charge_cents for r in rows),
        volume_charge_unadjusted_cents=sum(r.volume_charge_unadjusted_cents for r in rows),
        volume_charge_cents=sum(r.volume_charge_cents for r in rows),
        credit_cents=sum(r.credit_cents for r in rows),
    )
    return ScheduleDocument(
        prepared_on=date(2026, 8, 12),
        application_no="SAC-2026-0001",
        addressee=RESIDENT,
        category_label="Car wash",
        customer_class_label="Resident (inside the city)",
        method_label="Percentage of water purchased",
        method_parameters=(Parameter("Share diverted", "15%"),),
        effective_on=date(2026, 8, 12),
        volume_rounding="pro-rata",
        volume_rounding_label=(
            "Volume rounding: pro-rata (fractional ccf priced pro rata, "
            f"{o.SEC_78_4_1}; a reading). Each charge is rounded half-up to the cent once."
        ),
        rates=(
            RateLine(
                "Service charge (resident)",
                "$32.02 per month of 30 days",
                f"{o.SEC_60_2_1_A}; {o.SEC_60_2_4}",
                date(2026, 5, 1),
            ),
            RateLine("Volume charge (resident)", "$12.90 per ccf", o.SEC_60_2_2, date(2026, 5, 1)),
            RateLine("Volume rounding", "pro-rata", o.SEC_78_4_1, date(2026, 5, 1)),
        ),
        rows=tuple(rows),
        totals=totals,
        worked_example=(
            "Period 2026-08-01 to 2026-08-31: 31 days; effective date 2026-08-12, so the "
            "credited share f = 20/31 (August 12 to 31).",
            "Diverted D = 96.00 ccf × 15% = 14.40 ccf; credited = 14.40 × 20/31 = 9.2903 ccf.",
            "Billed sewer volume B = 96.00 − 9.2903 = 86.7097 ccf.",
            "Volume charge, adjusted = 86.7097 ccf × $12.90 = $1,118.55; "
            "unadjusted = 96.00 ccf × $12.90 = $1,238.40.",
            "Sewer Allowance Credit = $1,238.40 − $1,118.55 = $119.85.",
            "Service charge = $32.02 × 31 / 30 = $33.09 (not changed by the credit).",
        ),
        notes=(
            "Billing periods include both their start and end dates (a reading).",
            "Each charge is computed exactly and rounded half-up to the cent once (a reading).",
        ),
        section=o.SEC_60_2_2_C,
        ordinance=o.ORDINANCE,
        citations=(o.SEC_60_2_2_C, o.SEC_60_2_1_A, o.SEC_60_2_2, o.SEC_60_2_4, o.ORDINANCE),
        surcharge_note="No high-concentration surcharge is shown: the normal-sewage limits "
        f"of {o.ART_IV} have not been entered in kcsac.",
    )


def _d(text: str) -> int:
    """Hundredths of a ccf from a 2-decimal volume text (for the sample's totals only)."""
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int(frac or 0)


def _ccf(hundredths: int) -> str:
    return f"{hundredths // 100:,}.{hundredths % 100:02d}"


def _month_end(start: date) -> date:
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)
