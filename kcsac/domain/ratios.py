"""Exact integer arithmetic for the schedule's quick paths: a Decimal with at most 6 places as
an integer ratio, a ratio shown as build_schedule shows a volume, dollars to the cent.

PeriodPricer (the billing export) and QuickRows (`kcsac schedule`) give the same figures as
the Fraction engine of kcsac.domain.schedule without making a Fraction per period.
"""

from decimal import Context, Decimal

from kcsac.domain.volume import VOLUME_PLACES

MILLION = 10**VOLUME_PLACES
_EXACT = Context(prec=60)  # the precision of volume.to_decimal, so exact results agree
LIMIT = 10**12  # beyond this many ccf (or days) the quick path steps aside


def decimal_ratio(value: Decimal) -> tuple[int, int] | None:
    """(numerator, denominator) of a Decimal with at most 6 places, else None."""
    try:
        num, den = value.as_integer_ratio()
    except (ValueError, OverflowError):  # NaN, infinity
        return None
    return None if MILLION % den else (num, den)


def shown_ratio(num: int, den: int) -> Decimal:
    """schedule._shown(Fraction(num, den)) without the Fraction: exact when it terminates
    within 6 places (as volume.to_decimal writes it), else half-up to 6 places."""
    if num * MILLION % den == 0:
        return _EXACT.divide(Decimal(num), Decimal(den))
    whole = (2 * abs(num) * MILLION + den) // (2 * den)
    return Decimal(-whole if num < 0 else whole).scaleb(-VOLUME_PLACES)


def half_up_cents(num: int, den: int) -> int:
    """Exact non-negative dollars num/den rounded half-up to the cent: floor(100x + 1/2)."""
    return (num * 200 + den) // (2 * den)
