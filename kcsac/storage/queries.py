"""The desk's list queries: queues, search-as-you-type, sorting and paging, all in SQL."""

import re
import sqlite3

from kcsac.domain.category import Category
from kcsac.domain.customer_class import CustomerClass
from kcsac.domain.records import ApplicationSummary
from kcsac.domain.status import Status
from kcsac.storage import convert

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
    "fee_balance": "balance",
    "status": "a.status",
    "effective_on": "a.effective_on",
}

_TOKEN = re.compile(r"\w+", re.UNICODE)

_SELECT = (
    "SELECT a.number, a.account, c.customer, c.service_address, a.category, c.customer_class, "
    "a.received_on, a.fee_cents - a.paid_cents AS balance, a.status, a.effective_on "
    "FROM applications a JOIN accounts c ON c.number = a.account"
)


def match_expression(search: str) -> str | None:
    """Every word of the search as a prefix: 'main 12' -> '"main"* AND "12"*'."""
    tokens = _TOKEN.findall(search)
    if not tokens:
        return None
    return " AND ".join(f'"{t}"*' for t in tokens)


class QueriesMixin:
    conn: sqlite3.Connection

    def _where(self, queue: str | None, search: str) -> tuple[str, list]:
        clauses, params = [], []
        if queue in (None, "", ALL):
            pass
        elif queue == OPEN:
            clauses.append(f"a.status IN ({','.join('?' * len(_OPEN_STATUSES))})")
            params.extend(_OPEN_STATUSES)
        else:
            clauses.append("a.status = ?")
            params.append(Status(queue).value)
        match = match_expression(search or "")
        if match is not None:
            clauses.append(
                "a.id IN (SELECT rowid FROM application_search WHERE application_search MATCH ?)"
            )
            params.append(match)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, params

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
        where, params = self._where(queue, search)
        if sort not in SORT_COLUMNS:
            raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_COLUMNS)}")
        direction = "DESC" if descending else "ASC"
        order = f"{SORT_COLUMNS[sort]} {direction}"
        if sort != "number":
            order += f", a.id {direction}"
        sql = f"{_SELECT}{where} ORDER BY {order} LIMIT ? OFFSET ?"
        rows = self.conn.execute(sql, [*params, limit, offset]).fetchall()
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
        for status, n in self.conn.execute(
            "SELECT status, count(*) FROM applications GROUP BY status"
        ):
            counts[status] = n
        counts[OPEN] = sum(counts[s] for s in _OPEN_STATUSES)
        counts[ALL] = sum(counts[s.value] for s in Status)
        return counts

    def export_rows(self):
        """Every application with its account, for the CSV export (a streaming cursor)."""
        cursor = self.conn.execute(
            "SELECT a.number, a.account, c.customer, a.category, c.customer_class, a.status, "
            "a.received_on, a.fee_cents, a.paid_cents, a.effective_on, a.ended_on, "
            "c.service_address FROM applications a JOIN accounts c ON c.number = a.account "
            "ORDER BY a.id"
        )
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def credited_numbers(self) -> list[str]:
        """Applications that carry (or carried) an approved credit."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT number FROM applications WHERE effective_on IS NOT NULL "
                "AND status IN ('approved', 'revoked', 'ended') ORDER BY id"
            )
        ]
