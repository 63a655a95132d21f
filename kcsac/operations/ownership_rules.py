"""The rules of an ownership change, asked by its intake, by the submission of any draft
filed as one, and by the signing: an approved prior credit, a transfer date after its
effective date, a new owner's account that may take the credit, one open change at a time."""

import datetime as dt

from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.eligibility import check_eligibility
from kcsac.domain.problems import Problem
from kcsac.domain.records import Blocker, SacApplication
from kcsac.domain.status import Status
from kcsac.operations.errors import InvalidInput, NotFound, Refused
from kcsac.storage import Store

# Where the desk records one; named in the refusals of a draft made any other way.
DESK_PATH = "select the approved credit on the desk and use Decision > Ownership change"


def ownership_change_problems(
    store: Store, prior_number: str, new_account: str, transfer_on: dt.date | None
) -> list[Problem]:
    """What is wrong with moving the credit of `prior_number` to `new_account` from
    `transfer_on` (None: no transfer date given), field by field; [] when nothing is.

    The one set of rules for every ownership change: the desk's intake
    (create_ownership_change) and the submission of any draft filed as an ownership change.
    """
    prior_number = prior_number.strip()
    if not prior_number:
        return [
            Problem(
                "prior_application",
                f"No approved credit is named whose owner changes; {DESK_PATH}",
            )
        ]
    try:
        prior = store.get_application(prior_number)
    except NotFound:
        return [Problem("prior_application", f"There is no application {prior_number}")]
    problems = []
    if prior.status is not Status.APPROVED:
        problems.append(
            Problem(
                "prior_application",
                f"{prior.number} is {prior.status.label.lower()}, not an approved credit",
            )
        )
    if transfer_on is None:
        problems.append(
            Problem("transfer_on", f"The transfer date is missing; {DESK_PATH}, which asks for it")
        )
    elif (
        prior.status is Status.APPROVED and prior.effective_on and transfer_on <= prior.effective_on
    ):
        problems.append(
            Problem(
                "transfer_on",
                "The transfer date must be after the credit's "
                f"effective date {prior.effective_on.isoformat()}",
            )
        )
    if new_account.strip() == prior.account:
        problems.append(Problem("account", "The new owner's account is the same as the old one"))
    account = store.find_account(new_account.strip()) if new_account.strip() else None
    if account is not None:
        problems += new_owner_problems(account.account_class, account.customer_class)
    return problems


def new_owner_problems(
    account_class: AccountClass | str, customer_class: CustomerClass | str
) -> list[Problem]:
    """Why the ordinance refuses the new owner's account (a residential account, or a class
    a volume adjustment cannot change), with the citation; [] when it may take the credit.

    The same rules as any application's account (domain.eligibility), checked at intake so
    that no fee is assessed on a change that could never be signed.
    """
    try:
        account_class, customer_class = AccountClass(account_class), CustomerClass(customer_class)
    except ValueError:
        return []  # add_account names a class that does not exist
    return check_eligibility(
        account_class=account_class,
        customer_class=customer_class,
        discharges_to_storm_sewer=False,
    )


def check_ownership_change(
    store: Store,
    prior_number: str,
    new_account: str,
    transfer_on: dt.date | None,
    *,
    this_application: str = "",
) -> None:
    """Raise InvalidInput (field-named problems) or Refused (another ownership change of the
    same credit is still open, `this_application` aside) unless the change may be filed."""
    problems = ownership_change_problems(store, prior_number, new_account, transfer_on)
    if problems:
        raise InvalidInput(problems)
    prior_number = prior_number.strip()
    pending = [n for n in store.open_ownership_changes(prior_number) if n != this_application]
    if pending:
        raise Refused(
            f"The credit of {prior_number} already has an ownership change in progress "
            f"({', '.join(pending)}); finish, deny or withdraw it first"
        )


def check_ownership_draft(store: Store, app: SacApplication) -> None:
    """The rules of check_ownership_change for a stored ownership-change draft about to be
    submitted, read from its details (prior_application, transfer_on)."""
    try:
        transfer_on = dt.date.fromisoformat(app.details.get("transfer_on", "").strip())
    except ValueError:
        transfer_on = None  # a draft the wizard made had no transfer date
    check_ownership_change(
        store,
        app.details.get("prior_application", ""),
        app.account,
        transfer_on,
        this_application=app.number,
    )


def ownership_blockers(store: Store, app: SacApplication) -> list[Blocker]:
    prior_number = app.details.get("prior_application", "")
    transfer = app.details.get("transfer_on", "")
    out = []
    if not prior_number:
        return [
            Blocker(
                "Name the prior approved application (prior_application)", field="prior_application"
            )
        ]
    try:
        prior = store.get_application(prior_number)
    except NotFound:
        return [
            Blocker(
                f"The prior application {prior_number} does not exist", field="prior_application"
            )
        ]
    if prior.status is not Status.APPROVED:
        out.append(
            Blocker(
                f"The prior application {prior_number} is "
                f"{prior.status.label.lower()}, not an approved credit",
                field="prior_application",
            )
        )
    try:
        transfer_on = dt.date.fromisoformat(transfer)
    except ValueError:
        out.append(
            Blocker("Enter the transfer date (transfer_on, YYYY-MM-DD)", field="transfer_on")
        )
    else:
        if prior.effective_on and transfer_on <= prior.effective_on:
            out.append(
                Blocker(
                    f"The transfer date must be after the prior credit's effective "
                    f"date {prior.effective_on.isoformat()}",
                    field="transfer_on",
                )
            )
    return out
