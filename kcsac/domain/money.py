"""Money as integer cents; the one place that rounds and formats.

Rounding rule (RULES.md, a *reading*): every charge is computed exactly in Decimal and
rounded half-up to the cent once, at the end of its own calculation, by `to_cents`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NewType

Cents = NewType("Cents", int)

_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def to_cents(dollars: Decimal) -> Cents:
    """Round an exact dollar amount to whole cents, half up (the one rounding point)."""
    return Cents(int((dollars * _HUNDRED).quantize(_ONE, rounding=ROUND_HALF_UP)))


def format_usd(cents: int) -> str:
    """`$1,250.00`; negative amounts as `-$12.50`."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def format_plain(cents: int) -> str:
    """`1250.00`: two decimals, no symbol, no thousands separator (JSON, CSV)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def parse_usd(text: str) -> Cents | None:
    """Parse `1,250`, `$1250.5` or `1250.50` to cents; None when it is not an amount.

    More than two decimals is not an amount (a clerk typed something wrong), so it is None
    rather than silently rounded.
    """
    cleaned = text.strip().replace(",", "").removeprefix("$").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent  # 'n', 'N' or 'F' when not finite
    if not isinstance(exponent, int) or exponent < -2:
        return None
    return Cents(int(value * _HUNDRED))
