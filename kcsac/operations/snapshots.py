"""The signed snapshot of an application's records, gathered from the store: what a signer
signs. Its canonical form and sha256 are kcsac.domain.signed_snapshot's."""

import datetime as dt

from kcsac.domain.records import Determination, SacApplication, User
from kcsac.domain.signed_snapshot import signed_snapshot
from kcsac.storage import Store


def snapshot(
    store: Store,
    app: SacApplication,
    determination: Determination | None,
    signed_on: dt.date,
    signer: User,
) -> tuple[str, str]:
    """The records of `app` as `signer` signs them on `signed_on` (its account, reviews and
    payments as stored now, `determination` as given): (canonical JSON, its sha256)."""
    signed = signed_snapshot(
        application=app,
        account=store.get_account(app.account),
        determination=determination,
        reviews=store.reviews(app.number),
        payments=store.payments(app.number),
        signed_on=signed_on,
        signer=signer,
    )
    return signed.text, signed.sha256
