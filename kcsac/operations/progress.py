"""A file's status moved on by what is recorded about it (fee paid, reviews, determination):
the one save every fact's operation ends with."""

from kcsac.domain.records import Determination, SacApplication
from kcsac.domain.workflow import moved, progress_status
from kcsac.storage import Store


def refresh_status(
    store: Store,
    app: SacApplication,
    actor: str,
    action: str,
    reason: str = "",
    expected_version: int | None = None,
) -> SacApplication:
    """Save `app` with its status recomputed from the recorded facts (nothing is written
    when that changes nothing: the fact's own audit row says what happened)."""
    determination = current_determination(store, app.number)
    status = progress_status(app, store.reviews(app.number), determination)
    new = moved(app, status)
    stored = store.get_application(app.number)
    if stored.same_facts(new) and stored.version == (
        expected_version if expected_version is not None else app.version
    ):
        return stored
    return store.save_application(
        new,
        expected_version=expected_version if expected_version is not None else app.version,
        actor=actor,
        action=action,
        reason=reason,
    )


def current_determination(store: Store, number: str) -> Determination | None:
    found = store.determinations(number)
    return found[-1] if found else None
