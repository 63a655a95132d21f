"""Importing consumption rows from CSV through `kcsac import consumption`'s code path.

    .venv/bin/python -m benchmarks.imports DB [--rows 1200000] [--repeats 3]

Writes a CSV of new monthly billing periods (after every stored one, so none is a
duplicate or an overlap) for the database's accounts, copies the database (the original is
not changed), and times kcsac.operations.imports.consumption.import_consumption on the copy
in a fresh child process, so that the peak memory (ru_maxrss) is the import's own.
"""

import argparse
import csv
import datetime as dt
import itertools
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def write_csv(db: Path, out: Path, rows: int) -> dt.date:
    """`rows` consumption rows for the accounts in `db`, whole months after the last stored
    period; returns the last period's end (the import's `today` must not be before it)."""
    conn = sqlite3.connect(db)
    try:
        accounts = [r[0] for r in conn.execute("SELECT number FROM accounts ORDER BY number")]
        last = conn.execute("SELECT max(period_end) FROM consumption").fetchone()[0]
    finally:
        conn.close()
    if not accounts:
        raise SystemExit(f"{db}: no accounts; seed it with benchmarks.seed first")
    first = _next_month(dt.date.fromisoformat(last)) if last else dt.date(2026, 5, 1)
    per_account, extra = divmod(rows, len(accounts))
    months = [first]
    for _ in range(per_account + (1 if extra else 0)):
        months.append(_next_month(months[-1]))
    bounds = [
        (a.isoformat(), (b - dt.timedelta(days=1)).isoformat())
        for a, b in itertools.pairwise(months)
    ]
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("account", "period_start", "period_end", "ccf"))
        for k, (start, end) in enumerate(bounds):
            count = len(accounts) if k < per_account else extra
            writer.writerows(
                (a, start, end, f"{40 + (i * 7 + k * 13) % 500}.{(i + k) % 100:02d}")
                for i, a in enumerate(accounts[:count])
            )
    return dt.date.fromisoformat(bounds[-1][1])


def _copy(db: Path, to: Path) -> None:
    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _child(db: Path, csv_path: Path, today: dt.date) -> dict:
    """Runs in the child process: the timed import and its peak memory."""
    import resource
    import time

    from kcsac.domain.records import User
    from kcsac.domain.roles import Role
    from kcsac.operations.imports.consumption import import_consumption
    from kcsac.storage import open_store

    store = open_store(db)
    try:
        actor = store.get_user("bench-import") or store.insert_user(
            User(login="bench-import", name="Benchmark", title="", role=Role.ADMINISTRATOR),
            "bench-import",
        )
        before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        result = import_consumption(store, actor, csv_path, today=today)
        seconds = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finally:
        store.close()
    return {
        "imported": result.imported,
        "added": result.added,
        "bad": len(result.bad),
        "seconds": seconds,
        "peak_rss_mb": peak_kb / 1024,
        "rss_before_mb": before_kb / 1024,
    }


def measure(db: Path, rows: int = 1_200_000, repeats: int = 1) -> dict:
    """rows, seconds (median of `repeats` imports, each into a fresh copy of `db`),
    rows_per_second, peak_rss_mb (the child process's peak, import included) and
    rss_before_mb (the child's before the import)."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "consumption.csv"
        today = write_csv(db, csv_path, rows)
        for k in range(max(1, repeats)):
            copy = Path(tmp) / f"copy{k}.db"
            _copy(db, copy)
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.imports",
                    "--child",
                    str(copy),
                    str(csv_path),
                    today.isoformat(),
                ],
                capture_output=True,
                text=True,
                check=False,
                cwd=Path(__file__).resolve().parents[1],
            )
            if done.returncode != 0:
                raise RuntimeError(f"import child failed: {done.stderr[-2000:]}")
            runs.append(json.loads(done.stdout.splitlines()[-1]))
            copy.unlink()
        csv_bytes = csv_path.stat().st_size
    seconds = statistics.median(r["seconds"] for r in runs)
    if not all(r["imported"] and r["added"] == rows for r in runs):
        raise RuntimeError(f"the import did not add every row: {runs}")
    return {
        "rows": rows,
        "seconds": seconds,
        "all_seconds": [r["seconds"] for r in runs],
        "rows_per_second": rows / seconds if seconds else 0.0,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        # The child before the import (interpreter, kcsac, the open store): the import's
        # own memory is the difference.
        "rss_before_mb": max(r["rss_before_mb"] for r in runs),
        "csv_bytes": csv_bytes,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        db, csv_path, today = argv[1:4]
        print(json.dumps(_child(Path(db), Path(csv_path), dt.date.fromisoformat(today))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path, help="a seeded database (benchmarks.seed)")
    parser.add_argument("--rows", type=int, default=1_200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.db, args.rows, args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
