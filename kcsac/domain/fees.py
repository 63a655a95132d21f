"""The application fee in force on a date, with its citation (60-2(2)(c), 60-3(a)(6)).

No fee for a class the adjustment does not apply to (RULES.md rule 7): no application is
taken from it, so none is assessed.
"""

from dataclasses import dataclass
from datetime import date

from kcsac.domain import ordinance as o
from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.eligibility import application_problem
from kcsac.domain.money import to_cents
from kcsac.domain.rates import RATE_TABLES, RateTable, rate_table_on


@dataclass(frozen=True)
class FeeQuote:
    """The fee for one application, or why there is none (cents is None, reason given)."""

    category: Category
    customer_class: CustomerClass
    cents: int | None
    citation: str
    ordinance: str
    effective_on: date | None
    not_set_reason: str | None = None
    # False for a class the adjustment does not apply to: no application, no fee (rule 7).
    applies: bool = True

    @property
    def is_set(self) -> bool:
        return self.cents is not None


def no_table_reason(day: date, tables: tuple[RateTable, ...] = RATE_TABLES) -> str:
    """Why nothing is priced on `day`: it is before the first table kcsac holds."""
    first = min(tables, key=lambda t: t.effective_on)
    return (
        f"no rate table is in force on {day.isoformat()}: kcsac holds rates from "
        f"{first.effective_on.isoformat()} ({first.ordinance})"
    )


def application_fee(
    category: Category,
    customer_class: CustomerClass,
    on: date,
    *,
    tables: tuple[RateTable, ...] = RATE_TABLES,
) -> FeeQuote:
    """The fee in force on `on` (the date the application is received); none for a class
    the adjustment does not apply to (its reason and citation instead)."""
    not_taken = application_problem(customer_class)
    if not_taken is not None:
        return FeeQuote(
            category,
            customer_class,
            None,
            not_taken.citation,
            "",
            None,
            f"{not_taken.message.removesuffix('.')} ({not_taken.citation})",
            applies=False,
        )
    table = rate_table_on(on, tables)
    if table is None:
        return FeeQuote(category, customer_class, None, "", "", None, no_table_reason(on, tables))
    resident = customer_class.is_resident
    fee = table.fee(category, resident=resident)
    if fee is None:
        section = table.fee_section(resident=resident)
        who = "resident" if resident else "nonresident"
        reason = (
            f"{table.ordinance} sets no {category.label.lower()} fee for {who} accounts "
            f"({o.cites(section)} lists none); kcsac does not invent one"
        )
        return FeeQuote(
            category, customer_class, None, section, table.ordinance, table.effective_on, reason
        )
    return FeeQuote(
        category,
        customer_class,
        to_cents(fee.amount),
        fee.citation,
        table.ordinance,
        table.effective_on,
    )
