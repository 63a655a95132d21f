"""Volumes: cubic feet, gallons and ccf, and exact fractions shown as decimals.

This is the only place for the gallons-per-ccf constant. Volumes are computed as exact
`Fraction`s (a credited share such as 14.4 x 20/31 does not terminate) and shown as
`Decimal`s rounded half-up to `VOLUME_PLACES` places.
"""

from decimal import Decimal, localcontext
from fractions import Fraction

FT3_PER_CCF = Decimal(100)  # "100 cubic feet (ccf)"
GAL_PER_CCF = Decimal("748.052")  # 100 ft3 x 7.48052 US gallons per ft3
LB_PER_GAL_WATER = Decimal("8.34")
# Pounds per (ccf x mg/L): 748.052 x 8.34 / 10^6, to the seven figures of the standard
# surcharge formula that RULES.md fixes (a test checks it against the product).
LB_PER_CCF_MG_L = Decimal("0.006238754")

VOLUME_PLACES = 6  # decimal places kept when a volume is shown exactly enough to re-add

Volume = Decimal | Fraction


def ft3_to_ccf(ft3: Volume) -> Fraction:
    return Fraction(ft3) / Fraction(FT3_PER_CCF)


def gal_to_ccf(gallons: Volume) -> Fraction:
    return Fraction(gallons) / Fraction(GAL_PER_CCF)


def round_half_up(value: Volume, places: int = VOLUME_PLACES) -> Decimal:
    """A volume as a Decimal with `places` decimals, ties away from zero."""
    value = Fraction(value)
    scale = 10**places
    magnitude = abs(value) * scale
    whole = int(magnitude + Fraction(1, 2))  # floor(x + 1/2) for x >= 0 is half-up
    signed = -whole if value < 0 else whole
    return Decimal(signed).scaleb(-places)


def to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a Decimal precise enough for half-up rounding to the cent."""
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(value.numerator) / Decimal(value.denominator)


def format_ccf(value: Volume, min_places: int = 2) -> str:
    """`96.00`, `38.25`, `9.290323`: at least two places, trailing zeros dropped after that."""
    exact = value if isinstance(value, Decimal) else round_half_up(value)
    text = f"{exact:f}"
    if "." in text:
        text = text.rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(min_places, '0')}"
