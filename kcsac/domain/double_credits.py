"""Rule 6 (a reading): one account's credits never credit the same water twice: two credits
of the same use in force on the same days, or credits whose credited volumes together exceed
the water purchased in a billing period. Such a period is an error naming both credits; the
caller leaves it out of both (kcsac.operations.credit_schedule)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kcsac.domain.credit_lines import CreditLine


@dataclass(frozen=True)
class AccountCredit:
    """A credit of an account, for the combined-diversion check: which use of water it
    credits (an ownership change: the use of the credit it carries on), its days in force,
    and its lines."""

    number: str
    use: str
    start: date
    end: date | None
    lines: tuple[CreditLine, ...]


def double_credits(
    this: AccountCredit, others: Iterable[AccountCredit]
) -> dict[tuple[date, date], str]:
    """The periods of `this` that the account's credits credit twice (RULES.md rule 6, a
    reading): two credits of the same use in force on the same days, or credits whose
    credited volumes together exceed the water purchased. Each message names both credits;
    the caller leaves the period out (never credited twice)."""
    others = [o for o in others if o.number != this.number]
    found: dict[tuple[date, date], str] = {}
    by_period = {o.number: {line.key: line for line in o.lines} for o in others}
    for line in this.lines:
        together = line.credited_ccf
        with_whom: list[str] = []
        for other in others:
            theirs = by_period[other.number].get(line.key)
            if theirs is None:
                continue
            overlap = _overlap(this, other, line.start, line.end)
            if other.use == this.use and overlap is not None:
                found[line.key] = (
                    f"credited twice: {this.number} and {other.number} both credit the "
                    f"{this.use} water of this account on {overlap[0].isoformat()} to "
                    f"{overlap[1].isoformat()}; one credit per use of water (rule 6, a "
                    "reading): not credited until one of them is amended or ended"
                )
                break
            together += theirs.credited_ccf
            with_whom.append(other.number)
        else:
            if with_whom and together > line.purchased_ccf:
                names = " and ".join([this.number, *with_whom])
                found[line.key] = (
                    f"credited twice: {names} together credit {together} ccf, more than the "
                    f"{line.purchased_ccf} ccf purchased (rule 6, a reading): not credited "
                    "until the director corrects one of them"
                )
    return found


def _overlap(
    a: AccountCredit, b: AccountCredit, start: date, end: date
) -> tuple[date, date] | None:
    first = max(a.start, b.start, start)
    last = min(x for x in (a.end, b.end, end) if x is not None)
    return (first, last) if first <= last else None
