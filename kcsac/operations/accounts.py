"""Water accounts: checking, adding and correcting them (imports use the same check)."""

import dataclasses
import datetime as dt
import re

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.problems import Problem
from kcsac.domain.records import Account, User
from kcsac.domain.roles import Permission
from kcsac.operations.errors import InvalidInput
from kcsac.operations.users import acting, require
from kcsac.storage import Store

ACCOUNT_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{2,29}$")


def check_account(
    number: str, customer: str, service_address: str, account_class: str, customer_class: str
) -> list[Problem]:
    """Problems with an account's fields (also used by the import)."""
    problems = []
    if not ACCOUNT_NUMBER.match(number or ""):
        problems.append(
            Problem("account", f"account number {number!r} must be 3-30 letters, digits or '-'")
        )
    if not (customer or "").strip():
        problems.append(Problem("customer", "the customer name is empty"))
    if not (service_address or "").strip():
        problems.append(Problem("service_address", "the service address is empty"))
    if account_class not in {c.value for c in AccountClass}:
        problems.append(
            Problem(
                "account_class",
                f"account class {account_class!r} is not one of "
                + ", ".join(c.value for c in AccountClass),
            )
        )
    if customer_class not in {c.value for c in CustomerClass}:
        problems.append(
            Problem(
                "customer_class",
                f"customer class {customer_class!r} is not one of "
                + ", ".join(c.value for c in CustomerClass),
            )
        )
    return problems


def add_account(
    store: Store,
    actor: User | None,
    *,
    number: str,
    customer: str,
    service_address: str,
    account_class: AccountClass | str,
    customer_class: CustomerClass | str,
    today: dt.date,
) -> Account:
    require(store, actor, Permission.EDIT_RECORDS, "add accounts")
    problems = check_account(
        number, customer, service_address, str(account_class), str(customer_class)
    )
    if problems:
        raise InvalidInput(problems)
    with acting(store, actor, Permission.EDIT_RECORDS, "add accounts") as actor:
        return store.insert_account(
            Account(
                number.strip(),
                customer.strip(),
                service_address.strip(),
                AccountClass(account_class),
                CustomerClass(customer_class),
            ),
            actor.login,
        )


def update_account(
    store: Store, actor: User | None, account: Account, *, reason: str = "", today: dt.date
) -> Account:
    """Save an edited account (as read, with its version)."""
    require(store, actor, Permission.EDIT_RECORDS, "change accounts")
    problems = check_account(
        account.number,
        account.customer,
        account.service_address,
        str(account.account_class),
        str(account.customer_class),
    )
    if problems:
        raise InvalidInput(problems)
    account = dataclasses.replace(
        account,
        account_class=AccountClass(account.account_class),
        customer_class=CustomerClass(account.customer_class),
    )
    with acting(store, actor, Permission.EDIT_RECORDS, "change accounts") as actor:
        return store.save_account(
            account, expected_version=account.version, actor=actor.login, reason=reason
        )
