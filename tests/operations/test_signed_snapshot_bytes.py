"""The signed snapshot moved from storage.convert.plain to kcsac.domain.signed_snapshot with
the same bytes: checked against a frozen copy of the code it replaced, on the demo data set
(every application, with each of its determinations and with none) and on every snapshot the
demo stores with its decisions (decoded back to records and signed again)."""

import dataclasses
import datetime as dt
import hashlib
import json
import types
import typing
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from kcsac.domain.records import Account, Determination, Payment, Review, SacApplication, User
from kcsac.domain.signed_snapshot import SIGNED_AS, signed_snapshot
from kcsac.operations.demo import load_demo
from kcsac.operations.snapshots import snapshot
from kcsac.storage import open_store

# --- the code the domain module replaced, as it was (storage/convert.py, snapshots.py) -----


def _old_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _old_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _old_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_old_plain(v) for v in value]
    return value


def _old_determination(determination):
    signed = _old_plain(dataclasses.replace(determination, version=0))
    # Determination.authors came after this code and is not signed (DETERMINATION_UNSIGNED).
    signed.pop("authors")
    return signed


def _old_snapshot(app, account, determination, reviews, payments, signed_on, signer):
    application = _old_plain(dataclasses.replace(app, version=0, updated_by="", updated_at=""))
    # The field SacApplication.paperwork was named `documents` when this code signed.
    application["documents"] = application.pop("paperwork")
    data = {
        "application": application,
        "account": _old_plain(dataclasses.replace(account, version=0)),
        "determination": _old_determination(determination) if determination else None,
        "reviews": [_old_plain(r) for r in reviews],
        "payments": [_old_plain(p) for p in payments],
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


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("demo") / "demo.db")
    load_demo(store)
    # A customer name beyond ASCII, as real ones are.
    first = store.list_accounts(limit=1)[0]
    store.save_account(
        dataclasses.replace(first, customer="Zoë's Café — Nº 2"),
        expected_version=first.version,
        actor="demo-admin",
    )
    yield store
    store.close()


def test_every_demo_file_signs_to_the_bytes_the_old_code_wrote(demo):
    director = demo.get_user("demo-director")
    signed_on = dt.date(2026, 11, 2)
    texts = []
    for summary in demo.list_summaries(limit=1000):
        app = demo.get_application(summary.number)
        account = demo.get_account(app.account)
        reviews, payments = demo.reviews(app.number), demo.payments(app.number)
        for determination in [None, *demo.determinations(app.number)]:
            want = _old_snapshot(
                app, account, determination, reviews, payments, signed_on, director
            )
            assert snapshot(demo, app, determination, signed_on, director) == want
            texts.append(want[0])
    assert len(texts) >= 60
    assert any("Zo\\u00eb's Caf\\u00e9 \\u2014 N\\u00ba 2" in t for t in texts)


# --- the demo's stored snapshots: decoded to records, signed again, the same text ----------


def _decode(record: type, data: dict, **bookkeeping: Any) -> Any:
    hints = typing.get_type_hints(record)
    signed_as = SIGNED_AS if record is SacApplication else {}
    given = {
        f.name: _value(hints[f.name], data[signed_as.get(f.name, f.name)])
        for f in dataclasses.fields(record)
        if signed_as.get(f.name, f.name) in data
    }
    return record(**{**given, **bookkeeping})


def _value(tp: Any, raw: Any) -> Any:
    if typing.get_origin(tp) in (types.UnionType, typing.Union):
        if raw is None:
            return None
        (tp,) = [t for t in typing.get_args(tp) if t is not type(None)]
    if typing.get_origin(tp) is tuple:
        return tuple(raw)
    if tp is dt.date:
        return dt.date.fromisoformat(raw)
    if tp is Decimal:
        return Decimal(raw)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(raw)
    return raw


def test_the_snapshots_the_demo_stores_sign_again_to_the_same_bytes(demo):
    assert demo.verify_snapshots() == []
    stored = [d for s in demo.list_summaries(limit=1000) for d in demo.decisions(s.number)]
    stored = [d for d in stored if d.snapshot_json]
    assert len(stored) >= 15
    for decision in stored:
        data = json.loads(decision.snapshot_json)
        app = _decode(SacApplication, data["application"])
        account = _decode(Account, data["account"])
        determination = data["determination"] and _decode(Determination, data["determination"])
        reviews = [_decode(Review, r) for r in data["reviews"]]
        payments = [_decode(Payment, p) for p in data["payments"]]
        signer = User(**data["signer"])
        signed_on = dt.date.fromisoformat(data["signed_on"])
        made = signed_snapshot(
            application=app,
            account=account,
            determination=determination,
            reviews=reviews,
            payments=payments,
            signed_on=signed_on,
            signer=signer,
        )
        assert made.text == decision.snapshot_json
        assert made.sha256 == decision.snapshot_sha256
        old = _old_snapshot(app, account, determination, reviews, payments, signed_on, signer)
        assert old == (made.text, made.sha256)
