"""What the adjusted volume schedule says in words: each row's flags and the schedule's notes.

One wording for the engine (kcsac.domain.schedule) and the integer quick path
(kcsac.domain.schedule_stream), so both say the same of the same period.
"""

from collections.abc import Sequence
from datetime import date

from kcsac.domain import ordinance as o
from kcsac.domain.determination import DeterminationTerms, PeriodInput
from kcsac.domain.method import Method
from kcsac.domain.rates import RateTable, VolumeRounding
from kcsac.domain.surcharge import SurchargeLimits

METER_ERROR = "meter error"  # the words every meter-error flag holds
METER_ERROR_FLAG = "meter error: blow-down above make-up; no credit"


def days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def metered_flag(
    p: PeriodInput, method: Method, since: date, counted: int, metered_days: int, negative: bool
) -> str:
    """What a row whose meters measured only part of the period says about it."""
    days = p.days
    outside = days - counted
    if method is Method.SEWER_METER:
        sewer = "S" if counted == metered_days else f"S x {counted}/{metered_days}"
        text = (
            f"sewer meter from its activation reading on {since.isoformat()}: the "
            f"{days_text(outside)} before it billed on the purchase, "
            f"B = P x {outside}/{days} + {sewer}"
        )
        if negative:
            text += "; B is above P, billed as measured: the credit is negative, an added charge"
        return text
    if counted == metered_days:
        return (
            f"metered from the activation reading on {since.isoformat()}: D is the use of those "
            f"{days_text(metered_days)} only and is credited as measured (f does not scale it)"
        )
    return (
        f"metered from {since.isoformat()}: {counted} of its {days_text(metered_days)} are "
        f"credited, credited = D x {counted}/{metered_days}"
    )


def row_flags(
    p: PeriodInput,
    method: Method,
    credited_days: int,
    metered_from: date | None,
    counted: int,
    metered_days: int,
    *,
    negative: bool,
    two_tables: bool,
) -> list[str]:
    """A row's flags after the diversion's and the surcharge's (the one wording both the
    engine and the quick path use)."""
    flags: list[str] = []
    if credited_days == 0:
        flags.append("before the effective date: no credit")
    elif metered_from is not None:
        flags.append(metered_flag(p, method, metered_from, counted, metered_days, negative))
    elif negative:  # only the sewer-meter method bills more than the purchase
        # RULES.md: S above P is billed as measured, so B is above P and the credit (the
        # unadjusted less the adjusted charge) is negative: the one negative credit.
        if credited_days == p.days:
            flags.append(
                "sewer meter above purchase: billed as measured (B = S, above P); the credit "
                "is negative, an added charge"
            )
        else:
            flags.append(
                f"sewer meter above purchase: billed as measured on the {credited_days} of "
                f"{p.days} days on or after the effective date (B = P + (S - P) x "
                f"{credited_days}/{p.days}, above P); the credit is negative, an added charge"
            )
    if two_tables:
        flags.append("spans two rate tables: priced day by day")
    return flags


def method_note(terms: DeterminationTerms) -> str:
    match terms.method:
        case Method.PERCENTAGE:
            return f"Method: percentage, D = P x {terms.percent}% (set by the director)."
        case Method.FIXED:
            return f"Method: fixed, D = {terms.fixed_ccf} ccf x days / 30 (set by the director)."
        case Method.DEDUCT_METER:
            return (
                "Method: deduct meter, D = the deduct meter's use in the period (evaporation: "
                "make-up minus blow-down; blow-down above make-up is a meter error, no credit)."
            )
        case _:
            return (
                "Method: sewer meter, the sewer meter's volume S replaces the purchase "
                "(D = P - S); a sewer meter above the purchase is billed as measured."
            )


FIRST_METERED_NOTE = (
    "First metered period (ruling): a meter's use is measured from its activation reading, "
    "taken on the effective date (for a meter installed later, on its installation). In the "
    "billing period that holds that reading the metered volume covers only the days from it, "
    "so f does not scale it again: credited = D as measured (deduct meter; make-up minus "
    "blow-down; irrigation meter), and with a sewer meter B = P x (1 - f) + S."
)

NO_LIMITS_NOTE = (
    f"Surcharge not computed: the normal-sewage limits of {o.ART_IV} are not set (limits not set)."
)


def schedule_notes(
    table: RateTable,
    used: Sequence[RateTable],
    terms: DeterminationTerms,
    effective_on: date,
    mode: VolumeRounding,
    limits: SurchargeLimits | None,
    *,
    meter_error: bool,
    first_metered: bool,
) -> tuple[str, ...]:
    if mode is table.volume_rounding is VolumeRounding.PRO_RATA:
        rounding = f"Volume rounding: pro-rata, {mode.label} ({table.volume_rounding_basis})."
    else:
        rounding = (
            f"Volume rounding: {mode.value}, {mode.label} (chosen for this schedule; the "
            f"table's setting is {table.volume_rounding.value})."
        )
    notes = [
        rounding,
        "Each charge is rounded half-up to the cent once, at the end of its own calculation "
        "(reading).",
        f"Effective {effective_on.isoformat()}, the date of the director's signature "
        f"({o.cites(o.SEC_60_2_2_C, o.SEC_60_3_A_6)}): the credit is prospective only; f is the "
        "share of each period's days on or after that date.",
        method_note(terms),
        f"{o.MONTH_ABOUT_30_DAYS.capitalize()} ({o.cites(o.SEC_60_2_4, o.SEC_60_3_B)}).",
    ]
    if limits is None:
        notes.append(NO_LIMITS_NOTE)
    else:
        notes.append(
            f"Surcharge on the adjusted billed volume with normal-sewage limits BOD {limits.bod}, "
            f"SS {limits.ss}, O&G {limits.og} mg/L ({limits.citation or 'no citation given'})."
        )
    if len(used) > 1:
        names = ", ".join(f"{t.ordinance} from {t.effective_on.isoformat()}" for t in used)
        notes.append(f"Periods spanning two rate tables are priced day by day ({names}).")
    if meter_error:
        notes.append("A period flagged with a meter error gets no credit.")
    if first_metered:
        notes.append(FIRST_METERED_NOTE)
    return tuple(notes)
