"""The frozen record of what a signer signed: canonical JSON and its sha256."""

import dataclasses
import datetime as dt
import hashlib
import json

from kcsac.domain.records import Determination, SacApplication, User
from kcsac.storage import Store
from kcsac.storage.convert import plain


def snapshot(
    store: Store,
    app: SacApplication,
    determination: Determination | None,
    signed_on: dt.date,
    signer: User,
) -> tuple[str, str]:
    """The frozen determination as signed (canonical JSON) and its sha256."""
    account = store.get_account(app.account)
    data = {
        "application": plain(dataclasses.replace(app, version=0, updated_by="", updated_at="")),
        "account": plain(dataclasses.replace(account, version=0)),
        "determination": plain(dataclasses.replace(determination, version=0))
        if determination
        else None,
        "reviews": [plain(r) for r in store.reviews(app.number)],
        "payments": [plain(p) for p in store.payments(app.number)],
        "signed_on": signed_on.isoformat(),
        "signer": {
            "login": signer.login,
            "name": signer.name,
            "title": signer.title,
            "role": signer.role,
        },
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()
