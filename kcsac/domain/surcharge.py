"""High-concentration surcharge on the adjusted billed volume (60-2(3), 60-3(a)(5), art. IV).

surcharge = B x 0.006238754 x [RB x max(0, BOD - Nb) + RS x max(0, SS - Ns) + RG x max(0, OG - Ng)]
The normal-sewage limits Nb, Ns, Ng are set in ch. 60 art. IV, which kcsac does not hold:
they are inputs, and without them the surcharge is not computed (never guessed).
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kcsac.domain.problems import Problem
from kcsac.domain.rates import SurchargeRates
from kcsac.domain.volume import LB_PER_CCF_MG_L


@dataclass(frozen=True)
class SurchargeLimits:
    """Normal-sewage concentrations in mg/L (entered by an administrator, with citation)."""

    bod: Decimal
    ss: Decimal
    og: Decimal
    citation: str


@dataclass(frozen=True)
class Concentrations:
    """A discharge's measured concentrations in mg/L."""

    bod: Decimal
    ss: Decimal
    og: Decimal


def check_limits(limits: SurchargeLimits) -> list[Problem]:
    return [
        Problem(f"limits.{name}", f"the normal-sewage limit for {label} must not be negative")
        for name, label in (("bod", "BOD"), ("ss", "SS"), ("og", "O&G"))
        if getattr(limits, name) < 0
    ]


def weighted_excess(
    rates: SurchargeRates, limits: SurchargeLimits, found: Concentrations
) -> Fraction:
    """RB x max(0, BOD - Nb) + RS x max(0, SS - Ns) + RG x max(0, OG - Ng); no netting."""
    total = Fraction(0)
    for rate, measured, limit in (
        (rates.bod, found.bod, limits.bod),
        (rates.ss, found.ss, limits.ss),
        (rates.og, found.og, limits.og),
    ):
        total += Fraction(rate.amount) * max(Fraction(0), Fraction(measured) - Fraction(limit))
    return total


def surcharge_dollars(
    billed_ccf: Fraction, rates: SurchargeRates, limits: SurchargeLimits, found: Concentrations
) -> Fraction:
    """The exact surcharge in dollars on `billed_ccf` (round it once, with to_cents)."""
    return billed_ccf * Fraction(LB_PER_CCF_MG_L) * weighted_excess(rates, limits, found)
