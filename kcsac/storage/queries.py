"""The desk's list queries: queues, search-as-you-type, sorting and paging, all in SQL."""

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from typing import Generic, NamedTuple, TypeVar

from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.records import ApplicationExportRow, ApplicationSummary, Determination
from kcsac.domain.search import Term, parse_search
from kcsac.domain.signed_terms import SignedDecision
from kcsac.domain.status import Status
from kcsac.storage import convert
from kcsac.storage.core import StoreCore

# Queue names the desk may ask for, besides a Status value.
ALL = "all"
OPEN = "open"  # submitted and not yet decided
_OPEN_STATUSES = ("awaiting-fee", "in-review", "awaiting-decision")

SORT_COLUMNS = {
    "number": "a.id",
    "account": "a.account",
    "customer": "c.customer",
    "service_address": "c.service_address",
    "category": "a.category",
    "customer_class": "c.customer_class",
    "received_on": "a.received_on",
    "fee_balance": "a.fee_cents - a.paid_cents",
    "status": "a.status",
    "effective_on": "a.effective_on",
}

_FEW = 15000  # below this many matching rows, fetch and sort them; above, walk the index
_FEW_SEARCH = 2000
_ACCOUNT_SORTS = {"customer", "service_address", "customer_class"}


_SELECT = (
    "SELECT a.number, a.account, c.customer, c.service_address, a.category, c.customer_class, "
    "a.received_on, a.fee_cents - a.paid_cents AS balance, a.status, a.effective_on "
    "FROM applications a JOIN accounts c ON c.number = a.account"
)


_SELECT_BY_ID = _SELECT.replace(" FROM ", ", a.id FROM ", 1)


def match_expressions(search: str) -> tuple[str | None, str | None]:
    """The FTS5 expressions of a search (kcsac.domain.search says what it means): what must
    match ('main 12' -> '"main"* AND "12"*') and what must not (None: nothing)."""
    query = parse_search(search)
    must = " AND ".join(
        "(" + " OR ".join(_fts_term(t) for t in group) + ")"
        if len(group) > 1
        else _fts_term(group[0])
        for group in query.must
    )
    must_not = " OR ".join(_fts_term(t) for t in query.must_not)
    return must or None, must_not or None


def _fts_group(group: tuple[Term, ...]) -> str:
    """Terms joined by OR (one term stands alone)."""
    if len(group) == 1:
        return _fts_term(group[0])
    return "(" + " OR ".join(_fts_term(t) for t in group) + ")"


def _fts_term(term: Term) -> str:
    """A term in FTS5's syntax: every word as the start of a word, or a phrase whose last
    word is a start. Words are runs of letters and digits, so no quoting is needed."""
    if term.phrase:
        return '"' + " ".join(term.words) + '" *'
    words = [f'"{w}"*' for w in term.words]
    return words[0] if len(words) == 1 else "(" + " AND ".join(words) + ")"


E = TypeVar("E", bound=Enum)


class _DayCache:
    """ISO date text to date, each text parsed once (dates repeat across many rows)."""

    def __init__(self) -> None:
        self._days: dict[str, dt.date] = {}

    def __call__(self, text: str | None) -> dt.date | None:
        if not text:
            return None
        found = self._days.get(text)
        if found is None:
            found = self._days[text] = dt.date.fromisoformat(text)
        return found


class _Members(Generic[E]):
    """Stored text to a member of `enum` by one dict look-up (an Enum call costs ten);
    text that names no member raises the Enum's own ValueError."""

    def __init__(self, enum: type[E]) -> None:
        self._enum = enum
        self._members = {m.value: m for m in enum}

    def __call__(self, text: str) -> E:
        found = self._members.get(text)
        return self._enum(text) if found is None else found


class StoredPeriod(NamedTuple):
    """A stored billing period, light enough to stream a whole year of every credit."""

    start: dt.date
    end: dt.date
    ccf: Decimal
    start_iso: str = ""
    end_iso: str = ""


class QueriesMixin(StoreCore):
    """Part of Store (kcsac.storage.store): the desk's list queries and the bulk reads."""

    def _where(
        self, queue: str | None, search: str, *, order_first: bool = False
    ) -> tuple[str, list[str]]:
        """WHERE clause and parameters. With order_first, the filters are written so that
        SQLite cannot drive the query from them ('+' hides a column from the planner) and
        walks the sort index instead, stopping after one page."""
        plus = "+" if order_first else ""
        clauses: list[str] = []
        params: list[str] = []
        if queue in (None, "", ALL):
            pass
        elif queue == OPEN:
            clauses.append(f"{plus}a.status IN ({','.join('?' * len(_OPEN_STATUSES))})")
            params.extend(_OPEN_STATUSES)
        else:
            clauses.append(f"{plus}a.status = ?")
            params.append(Status(queue).value)
        match, excluded = match_expressions(search or "")
        if match is not None:
            clauses.append(
                f"{plus}a.id IN (SELECT rowid FROM application_search "
                "WHERE application_search MATCH ?)"
            )
            params.append(match)
        if excluded is not None:
            clauses.append(
                f"{plus}a.id NOT IN (SELECT rowid FROM application_search "
                "WHERE application_search MATCH ?)"
            )
            params.append(excluded)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, params

    def _filter_is_selective(self, queue: str | None, search: str) -> bool:
        """Whether the queue and search together leave few enough rows to fetch them all and
        sort them (else walking the sort index and filtering is faster). The count stops at
        _FEW, so asking costs little."""
        where, params = self._where(queue, search)
        if not where:
            return False
        # With a search the probe runs the full-text match too, so it stops sooner.
        few = _FEW_SEARCH if match_expressions(search or "")[0] else _FEW
        n = self.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM applications a{where} LIMIT ?)",
            (*params, few),
        ).fetchone()[0]
        return n < few

    def list_summaries(
        self,
        *,
        queue: str | None = None,
        search: str = "",
        sort: str = "number",
        descending: bool = False,
        limit: int = 200,
        offset: int = 0,
    ) -> list[ApplicationSummary]:
        if sort not in SORT_COLUMNS:
            raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_COLUMNS)}")
        selective = self._filter_is_selective(queue, search)
        where, params = self._where(queue, search, order_first=not selective)
        direction = "DESC" if descending else "ASC"
        # A selective filter fetches its rows by index and sorts them: '+' keeps SQLite from
        # walking the whole sort index instead.
        key = ("+" if selective else "") + SORT_COLUMNS[sort]
        order = f"{key} {direction}"
        if sort in _ACCOUNT_SORTS:
            order += f", c.rowid {direction}, a.id {direction}"  # the index's own order
        elif sort != "number":
            order += f", a.id {direction}"
        # Phase 1 sorts narrow rows (ids only, accounts joined only for their columns);
        # phase 2 fetches the page's rows by id.
        if sort in _ACCOUNT_SORTS:
            source = (
                "FROM applications a JOIN accounts c ON c.number = a.account"
                if selective
                # Walk the accounts in index order and stop after one page, instead of
                # sorting every application (CROSS JOIN fixes the loop order in SQLite).
                else "FROM accounts c CROSS JOIN applications a ON c.number = a.account"
            )
        else:
            source = "FROM applications a"
        sql = f"SELECT a.id {source}{where} ORDER BY {order} LIMIT ? OFFSET ?"
        ids = [r[0] for r in self.conn.execute(sql, [*params, limit, offset])]
        if not ids:
            return []
        fetched = {
            r[10]: r
            for r in self.conn.execute(
                f"{_SELECT_BY_ID} WHERE a.id IN ({','.join('?' * len(ids))})", ids
            )
        }
        rows = [fetched[i] for i in ids]
        return [
            ApplicationSummary(
                number=r[0],
                account=r[1],
                customer=r[2],
                service_address=r[3],
                category=Category(r[4]),
                customer_class=CustomerClass(r[5]),
                received_on=convert.day(r[6]),
                fee_balance_cents=r[7],
                status=Status(r[8]),
                effective_on=convert.day(r[9]),
            )
            for r in rows
        ]

    def count_summaries(self, *, queue: str | None = None, search: str = "") -> int:
        where, params = self._where(queue, search)
        sql = f"SELECT count(*) FROM applications a{where}"
        return self.conn.execute(sql, params).fetchone()[0]

    def queue_counts(self) -> dict[str, int]:
        """Applications per status, plus "open" and "all", in one query."""
        counts = {status.value: 0 for status in Status}
        for status, n in self.conn.execute("SELECT status, n FROM status_counts"):  # m010
            counts[status] = n
        counts[OPEN] = sum(counts[s] for s in _OPEN_STATUSES)
        counts[ALL] = sum(counts[s.value] for s in Status)
        return counts

    def export_rows(self) -> Iterator[ApplicationExportRow]:
        """Every application with its account, in number order, for the CSV export: one
        streaming query, one object at a time (100,000 applications are never all held)."""
        cursor = self.conn.execute(
            "SELECT a.number, a.account, c.customer, c.service_address, a.category, "
            "c.customer_class, a.status, a.received_on, a.fee_cents, a.paid_cents, "
            "a.effective_on, a.ended_on FROM applications a JOIN accounts c ON "
            "c.number = a.account ORDER BY a.id"
        )
        day = _DayCache()
        category, customer_class, status = (
            _Members(Category),
            _Members(CustomerClass),
            _Members(Status),
        )
        for r in cursor:
            yield ApplicationExportRow(
                number=r[0],
                account=r[1],
                customer=r[2],
                service_address=r[3],
                category=category(r[4]),
                customer_class=customer_class(r[5]),
                status=status(r[6]),
                received_on=day(r[7]),
                fee_cents=r[8],
                paid_cents=r[9],
                effective_on=day(r[10]),
                ended_on=day(r[11]),
            )

    def credited_numbers(self) -> list[str]:
        """Applications that carry (or carried) an approved credit."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT number FROM applications WHERE effective_on IS NOT NULL "
                "AND status IN ('approved', 'revoked', 'ended') ORDER BY id"
            )
        ]

    def credit_spans_bulk(
        self, *, from_id: int | None = None, before_id: int | None = None
    ) -> dict[str, list[tuple[SignedDecision, Determination | None]]]:
        """Every signed approval or amendment with an effective date, as application ->
        [(the decision and the pieces of its signed snapshot, the stored determination it
        names or None when that row is missing)] in signing order (one query for all
        credits, or for the applications with row id in [from_id, before_id)). The
        snapshot's pieces are read by SQLite's json_extract: half a million snapshots are
        not parsed in Python."""
        found: dict[str, list[tuple[SignedDecision, Determination | None]]] = {}
        where, params = "", []
        if from_id is not None or before_id is not None:
            where = (
                "AND d.application IN (SELECT number FROM applications WHERE id >= ? AND id < ?) "
            )
            params = [from_id if from_id is not None else -1, before_id or 2**62]
        cursor = self.conn.execute(
            "SELECT d.application AS signed_for, d.id AS decision_id, d.kind AS signed_kind, "
            "d.determination_id AS decision_names, d.effective_on AS signed_effective, "
            "d.snapshot_json AS snapshot_text, d.snapshot_sha256 AS snapshot_sha, "
            # the snapshot's pieces, parsed once by SQLite: [determination, signed_on,
            # category, transfer_on] as a JSON array (NULL for text that is not JSON)
            "CASE WHEN json_valid(d.snapshot_json) THEN json_extract(d.snapshot_json, "
            "'$.determination', '$.signed_on', '$.application.category', "
            "'$.application.details.transfer_on') END AS signed_pieces, t.* "
            "FROM decisions d LEFT JOIN determinations t ON t.id = d.determination_id "
            "WHERE d.kind IN ('approval', 'amendment') AND d.effective_on IS NOT NULL "
            f"{where}ORDER BY d.id",
            params,
        )
        names = [c[0] for c in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            pieces = row["signed_pieces"]
            try:
                determination, signed_on, category, transfer_on = (
                    json.loads(pieces) if isinstance(pieces, str) else (None,) * 4
                )
            except ValueError:
                determination = signed_on = category = transfer_on = None
            decision = SignedDecision(
                decision_id=row["decision_id"],
                kind=row["signed_kind"],
                determination_id=row["decision_names"],
                effective_on=dt.date.fromisoformat(row["signed_effective"]),
                snapshot_text=row["snapshot_text"] or "",
                snapshot_sha256=row["snapshot_sha"] or "",
                signed=determination,
                signed_on=signed_on,
                category=category,
                transfer_on=transfer_on,
            )
            stored = convert.determination(row) if row["id"] is not None else None
            found.setdefault(row["signed_for"], []).append((decision, stored))
        return found

    def credits_on_account(self, account: str) -> list[str]:
        """Numbers of the applications of `account` that carry or carried a credit."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT number FROM applications WHERE account = ? AND effective_on IS NOT NULL "
                "AND status IN ('approved', 'revoked', 'ended') ORDER BY id",
                (account,),
            )
        ]

    def shared_credit_accounts(self) -> set[str]:
        """Accounts with more than one application that carries or carried a credit."""
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT account FROM applications WHERE effective_on IS NOT NULL "
                "AND status IN ('approved', 'revoked', 'ended') GROUP BY account "
                "HAVING count(*) > 1"
            )
        }

    def credited_ids(self) -> list[int]:
        """Row ids of the applications that carry (or carried) a credit, in order."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM applications WHERE effective_on IS NOT NULL "
                "AND status IN ('approved', 'revoked', 'ended') ORDER BY id"
            )
        ]

    def credited_consumption(
        self,
        *,
        through: dt.date | None = None,
        from_id: int | None = None,
        before_id: int | None = None,
    ) -> Iterator[tuple[str, str, str, str | None, list[StoredPeriod]]]:
        """(number, account, customer_class, ended_on, periods) for every application that
        carries or carried a credit (row id in [from_id, before_id) when given), in
        application order, its account's billing periods in date order (those starting
        after `through` left out): one streaming query."""
        params: list = []
        limit = ""
        if through:
            limit += "AND k.period_start <= ? "
            params.append(through.isoformat())
        if from_id is not None:
            limit += "AND a.id >= ? "
            params.append(from_id)
        if before_id is not None:
            limit += "AND a.id < ? "
            params.append(before_id)
        # Periods that end before a credit's first signed effective date touch none of its
        # spans: left out here (a third of a year's rows), not read and skipped.
        cursor = self.conn.execute(
            "WITH first AS MATERIALIZED (SELECT application, min(effective_on) AS first_on "
            "FROM decisions WHERE kind IN ('approval', 'amendment') AND effective_on IS NOT NULL "
            "GROUP BY application) "
            "SELECT a.number, a.account, c.customer_class, a.ended_on, k.period_start, "
            "k.period_end, k.ccf FROM applications a "
            "JOIN first f ON f.application = a.number "
            "JOIN accounts c ON c.number = a.account "
            "JOIN consumption k ON k.account = a.account AND k.period_end >= f.first_on "
            "WHERE a.effective_on IS NOT NULL AND a.status IN ('approved', 'revoked', 'ended') "
            f"{limit}ORDER BY a.id, k.period_start",
            params,
        )
        days: dict[str, tuple[dt.date, str]] = {}  # billing periods repeat across accounts

        def day(text: str) -> tuple[dt.date, str]:
            found = days.get(text)
            if found is None:
                parsed = dt.date.fromisoformat(text)
                found = days[text] = (parsed, parsed.isoformat())
            return found

        head: tuple | None = None
        periods: list[StoredPeriod] = []
        for r in cursor:
            if head is None or r[0] != head[0]:
                if head is not None:
                    yield head[0], head[1], head[2], head[3], periods
                head, periods = r, []
            (start, start_iso), (end, end_iso) = day(r[4]), day(r[5])
            periods.append(StoredPeriod(start, end, Decimal(r[6]), start_iso, end_iso))
        if head is not None:
            yield head[0], head[1], head[2], head[3], periods
