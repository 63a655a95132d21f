"""Does each protected row hold the state the audit trail records of it? (`kcsac audit
verify`, check 5 of kcsac.storage.integrity.)

Rows no audit row accounts for, audited records that vanished, and state the trail claims
that the tables do not hold are all named, with the first field that differs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import sqlite3
from enum import Enum
from typing import Any

from kcsac.domain.integrity import Finding
from kcsac.storage import convert
from kcsac.storage.audit_replay import KINDS, PROTECTED, Kind, Last, Replay


def state_findings(conn: sqlite3.Connection, replay: Replay, tables: set[str]) -> list[Finding]:
    out: list[Finding] = []
    pending = replay.last
    for kind in PROTECTED:
        if kind.table not in tables:
            continue  # named by the schema check
        cursor = conn.execute(kind.select)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            key = str(row[kind.key])
            found = pending.pop((kind.entity, key), None)
            problem = _compare(conn, kind, row, found, replay)
            if problem:
                out.append(Finding(kind.table, _key(kind, row), problem))
    for (entity, key), found in sorted(pending.items(), key=lambda item: item[1].seq):
        if entity == "document" and not found.action.endswith(" issued"):
            continue  # rendered only: its issue row is older than the trail (or named below)
        kind = KINDS[entity]
        out.append(
            Finding(
                kind.table,
                f"{kind.key}={key}",
                f"is missing: audit row {found.seq} ({found.action}) recorded it, and nothing "
                "kcsac does deletes it",
            )
        )
    if "payment_reversals" in tables:
        for (payment_id,) in conn.execute(
            "SELECT r.payment_id FROM payment_reversals r LEFT JOIN payments p "
            "ON p.id = r.payment_id WHERE p.id IS NULL"
        ):
            out.append(
                Finding(
                    "payment_reversals",
                    f"payment_id={payment_id}",
                    "reverses a payment that does not exist: written outside kcsac",
                )
            )
    return out


def _key(kind: Kind, row: dict) -> str:
    key = f"{kind.key}={row[kind.key]}"
    application = row.get("application")
    if application and kind.key != "number":
        key += f" ({application})"
    return key


def _compare(
    conn: sqlite3.Connection, kind: Kind, row: dict, found: Last | None, replay: Replay
) -> str:
    """'' when the row is what the trail says, else the first point where it differs."""
    if found is None:
        return "no audit row accounts for it: written outside kcsac"
    try:
        state = _plain(kind.canon(row))
    except (ValueError, TypeError, KeyError, ArithmeticError, json.JSONDecodeError) as exc:
        return _unreadable(conn, row, found, exc)
    if not kind.merge:
        text = json.dumps(state, sort_keys=True, separators=(",", ":"))
        if hashlib.sha256(text.encode("utf-8")).digest() == found.digest:
            return ""
        return _difference(state, _recorded(conn, found.seq), found)
    assert found.state is not None  # a merged kind (replay_trail)
    recorded = dict(found.state)
    if kind.entity == "determination":
        lock = replay.locks.get(str(row["id"]))
        if lock is not None and lock > found.seq:
            recorded["locked"] = True  # signed: the decision's row locks it
    problem = _difference(state, recorded, found)
    if problem:
        return problem
    if kind.entity == "user" and state["password_sha256"] and "password_sha256" not in recorded:
        return "its password hash is not bound by the audit trail: set outside kcsac"
    if kind.entity == "document":
        if found.actor and found.actor != row["issued_by"]:
            return (
                f"issued_by is {row['issued_by']!r}; audit row {found.seq} ({found.action}) "
                f"recorded {found.actor!r}"
            )
        if found.application and found.application != row["application"]:
            return (
                f"application is {row['application']!r}; audit row {found.seq} recorded "
                f"{found.application!r}"
            )
        for seq, digest in found.rendered or ():
            if digest != row["sha256"]:
                return f"sha256 is {row['sha256'][:16]}…; audit row {seq} rendered {digest[:16]}…"
    return ""


@functools.cache
def _field_names(cls: type) -> tuple[tuple[str, str], ...]:
    """(name in the audit trail's JSON, attribute) of each field (convert.STORED_NAMES)."""
    return tuple(
        (convert.STORED_NAMES.get((cls, f.name), f.name), f.name) for f in dataclasses.fields(cls)
    )


_AS_IS = frozenset((str, int, bool, type(None)))


def _plain(record: Any) -> Any:
    """convert.plain() of a record, fast for the flat dataclasses the store returns (most
    of their values are already plain; an enum, date or Decimal goes through plain())."""
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        return convert.plain(record)
    plain, as_is = convert.plain, _AS_IS
    out = {}
    for key, name in _field_names(type(record)):
        value = getattr(record, name)
        kind = type(value)
        if kind in as_is:
            out[key] = value
        elif kind is dt.date:
            out[key] = value.isoformat()
        elif isinstance(value, Enum):
            out[key] = value.value
        else:
            out[key] = plain(value)
    return out


def _recorded(conn: sqlite3.Connection, seq: int) -> dict:
    (after,) = conn.execute("SELECT after FROM audit WHERE seq = ?", (seq,)).fetchone()
    return json.loads(after) if after else {}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _difference(state: dict, recorded: dict, found: Last) -> str:
    """The first field (in the record's own order) where the table and the trail differ;
    a field the trail did not record is not compared (it was not bound then)."""
    for name, value in state.items():
        if name in recorded and recorded[name] != value:
            return (
                f"{name} is {_show(value)}; audit row {found.seq} ({found.action}) recorded "
                f"{_show(recorded[name])}"
            )
    for name in recorded:
        if name not in state:
            return f"audit row {found.seq} ({found.action}) recorded {name}, which it lacks"
    return ""


_RENAMED = {"discharges_to_storm_sewer": "storm_sewer"}


def _unreadable(conn: sqlite3.Connection, row: dict, found: Last, exc: Exception) -> str:
    """A row kcsac cannot read (a value no kcsac writes): the first raw column that differs
    from what the trail recorded, else why it cannot be read."""
    recorded = found.state if found.state is not None else _recorded(conn, found.seq)
    for name, value in recorded.items():
        column = _RENAMED.get(name, name)
        if column in row and not _same(row[column], value):
            return (
                f"{column} is {_show(row[column])}; audit row {found.seq} ({found.action}) "
                f"recorded {_show(value)}"
            )
    return f"cannot be read ({exc})"


def _same(raw: Any, value: Any) -> bool:
    if isinstance(value, bool):
        return raw == int(value)
    if isinstance(value, dict | list):
        return raw == json.dumps(value, sort_keys=True) or raw == json.dumps(value)
    return raw == value or (value is not None and str(raw) == str(value))
