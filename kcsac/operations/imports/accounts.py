"""Importing the billing system's accounts file: every row checked as the desk checks an
account (operations.accounts), then added or updated in one transaction."""

import datetime as dt
from pathlib import Path

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account, User
from kcsac.domain.roles import Permission
from kcsac.operations.accounts import check_account
from kcsac.operations.imports.csv_files import (
    ImportResult,
    bad_row,
    dict_rows,
    read_text,
    sha256_text,
    width_problem,
)
from kcsac.operations.users import acting, require
from kcsac.storage import Store

ACCOUNT_COLUMNS = ("account", "customer", "service_address", "account_class", "customer_class")


def import_accounts(
    store: Store, actor: User | None, path: Path, *, today: dt.date, skip_bad: bool = False
) -> ImportResult:
    """Add or update accounts from the billing system's CSV."""
    require(store, actor, Permission.IMPORT, "import files")
    text = read_text(path)
    result = ImportResult(header=ACCOUNT_COLUMNS)
    good: dict[str, tuple[int, Account]] = {}
    for line, row, cells in dict_rows(path, text, ACCOUNT_COLUMNS, result):
        if not row:
            result.bad.append(width_problem(line, ACCOUNT_COLUMNS, cells, len(ACCOUNT_COLUMNS)))
            continue
        problems = check_account(
            row["account"],
            row["customer"],
            row["service_address"],
            row["account_class"],
            row["customer_class"],
        )
        for p in problems:
            result.bad.append(bad_row(line, ACCOUNT_COLUMNS, p.field, p.message, cells))
        if problems:
            continue
        acct = Account(
            row["account"],
            row["customer"],
            row["service_address"],
            AccountClass(row["account_class"]),
            CustomerClass(row["customer_class"]),
        )
        if acct.number in good and good[acct.number][1] != acct:
            result.bad.append(
                bad_row(
                    line,
                    ACCOUNT_COLUMNS,
                    "account",
                    f"account {acct.number} is also on line "
                    f"{good[acct.number][0]} with different values",
                    cells,
                )
            )
            continue
        good.setdefault(acct.number, (line, acct))
    if result.bad and not skip_bad:
        return result
    reason = f"imported from {path.name} (sha256 {sha256_text(text)[:12]})"
    with acting(store, actor, Permission.IMPORT, "import files") as actor:
        for _line, acct in good.values():
            current = store.find_account(acct.number)
            if current is None:
                store.insert_account(acct, actor.login, reason=reason)
                result.added += 1
            elif _same_account(current, acct):
                result.unchanged += 1
            else:
                store.save_account(
                    acct, expected_version=current.version, actor=actor.login, reason=reason
                )
                result.changed += 1
    result.imported = True
    return result


def _same_account(a: Account, b: Account) -> bool:
    return (a.customer, a.service_address, a.account_class, a.customer_class) == (
        b.customer,
        b.service_address,
        b.account_class,
        b.customer_class,
    )
