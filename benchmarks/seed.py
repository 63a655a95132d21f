"""Seed a database with N applications x 12 periods and time the desk's queries on it.

.venv/bin/python -m benchmarks.seed [--applications 100000] [--db PATH]
"""

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.seeding import seed
from kcsac.operations import queries
from kcsac.storage import open_store

SEARCHES = (
    "a",
    "1",
    "ac",
    "acme",
    "acme blu",
    "SAC-2026-00",
    "SAC-2027-0042",
    "100042",
    "1000",
    "grand",
    "troost 1",
    "valley cool",
    "zzz-nothing",
)


@dataclass
class SeedReport:
    applications: int
    periods: int
    rows: int
    seconds: float
    db_bytes: int
    query_ms: dict[str, float] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        out = [
            f"applications: {self.applications:,} (x {self.periods} consumption periods)",
            f"rows inserted: {self.rows:,} in {self.seconds:.1f} s "
            f"({self.rows_per_second:,.0f} rows/s, "
            f"{self.applications / self.seconds:,.0f} applications/s)",
            f"database size: {self.db_bytes / 1e6:.1f} MB",
        ]
        out += [f"  {name}: {ms:.2f} ms" for name, ms in self.query_ms.items()]
        return out


def _timed(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(db: Path) -> dict[str, float]:
    """Median ms of the queries the desk runs (fresh connection, as after app start)."""
    store = open_store(db)
    ms: dict[str, float] = {}
    try:
        ms["queue counts (one query)"] = _timed(lambda: queries.queue_counts(store))
        ms["list all, first page of 200, by number"] = _timed(
            lambda: queries.list_applications(store, limit=200)
        )
        ms["list approved, by customer, page 200"] = _timed(
            lambda: queries.list_applications(store, "approved", sort="customer", limit=200)
        )
        ms["list open, by received desc"] = _timed(
            lambda: queries.list_applications(
                store, "open", sort="received_on", descending=True, limit=200
            )
        )
        ms["count open"] = _timed(lambda: queries.count_applications(store, "open"))
        worst = 0.0
        for text in SEARCHES:
            t = _timed(lambda text=text: queries.list_applications(store, None, text, limit=200))
            ms[f"search {text!r} (200 rows)"] = t
            worst = max(worst, t)
        ms["search worst case"] = worst
        combos = []
        for queue in (None, "approved", "open", "denied"):
            for sort in queries.SORT_KEYS:
                for descending in (False, True):
                    for text in ("", "grand", "a"):
                        combos.append(
                            _timed(
                                lambda q=queue, s=sort, d=descending, t=text: (
                                    queries.list_applications(store, q, t, s, descending=d)
                                ),
                                repeats=3,
                            )
                        )
        combos.sort()
        ms[f"any queue x sort x search ({len(combos)} combos): median"] = combos[len(combos) // 2]
        ms["  ... 95th percentile"] = combos[int(len(combos) * 0.95)]
        ms["  ... slowest"] = combos[-1]
        total = queries.count_applications(store)
        number = queries.list_applications(store, limit=1, offset=total // 2)[0].number
        ms["application detail"] = _timed(lambda: queries.application_detail(store, number))
    finally:
        store.close()
    return ms


def run(db: Path, applications: int, periods: int = 12, *, with_queries: bool = True) -> SeedReport:
    store = open_store(db)
    t0 = time.perf_counter()
    rows = seed(store, applications, periods)
    seconds = time.perf_counter() - t0
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    size = db.stat().st_size
    report = SeedReport(applications, periods, rows, seconds, size)
    if with_queries:
        report.query_ms = measure(db)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--db", type=Path, help="new database file (default: a temp file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "seed.db"
        if db.exists():
            print(f"{db}: already exists; seed a new file", file=sys.stderr)
            return 1
        report = run(db, args.applications, args.periods)
        print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
