"""What keeps a file from being signed now: the workflow's blockers, the account's
eligibility and, for an ownership change, its own rules; for a given signer also their role
and separation of duties (domain.actions.signer_blockers). The desk shows these; the signing
(operations.approvals.approve, through domain.actions.refusal) refuses on them."""

from kcsac.domain.actions import FileFacts, signer_blockers
from kcsac.domain.category import Category
from kcsac.domain.eligibility import check_eligibility
from kcsac.domain.problems import Problem
from kcsac.domain.records import (
    Blocker,
    SacApplication,
    User,
)
from kcsac.domain.workflow import signing_blockers
from kcsac.operations.ownership_rules import ownership_blockers
from kcsac.operations.progress import current_determination
from kcsac.storage import Store


def eligibility_problems(store: Store, app: SacApplication) -> list[Problem]:
    account = store.get_account(app.account)
    return check_eligibility(
        account_class=account.account_class,
        customer_class=account.customer_class,
        discharges_to_storm_sewer=app.discharges_to_storm_sewer,
    )


def blockers_to_sign(store: Store, number: str, signer: User | None = None) -> list[Blocker]:
    """Everything that keeps `signer` (or anyone, if None) from approving this file now."""
    app = store.get_application(number)
    determination = current_determination(store, number)
    blockers = signing_blockers(
        app=app,
        reviews=store.reviews(number),
        determination=determination,
        eligibility=eligibility_problems(store, app),
    )
    if app.category is Category.OWNERSHIP_CHANGE:
        blockers.extend(ownership_blockers(store, app))
    if signer is not None:
        facts = FileFacts(app, determination=determination)
        blockers[:0] = signer_blockers(facts, signer)
    return blockers
