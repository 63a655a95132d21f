"""Adjusted volume schedules for every approved credit: the billing hand-off export.

    .venv/bin/python -m benchmarks.schedules DB [--repeats 3]

Times `kcsac export billing` as the CLI runs it (kcsac.operations.exports.export_billing
through export_to_file), on a fresh connection each run: one row per credit, determination
in force and billing period, each computed by the engine's build_schedule.
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from kcsac.operations.exports import export_billing, export_to_file
from kcsac.storage import open_store


def _one_run(db: Path, out: Path) -> tuple[int, int, float]:
    store = open_store(db)
    try:
        t0 = time.perf_counter()
        rows = export_to_file(out, lambda fh: export_billing(store, fh))
        seconds = time.perf_counter() - t0
        applications = len(store.credited_numbers())
    finally:
        store.close()
    return rows, applications, seconds


def measure(db: Path, repeats: int = 1) -> dict:
    """rows, applications (approved, revoked or ended credits), seconds (median of `repeats`
    runs), all_seconds and rows_per_second of the billing export on `db`."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "billing.csv"
        for _ in range(max(1, repeats)):
            rows, applications, seconds = _one_run(db, out)
            times.append(seconds)
        size = out.stat().st_size
    median = statistics.median(times)
    return {
        "rows": rows,
        "applications": applications,
        "seconds": median,
        "all_seconds": times,
        "rows_per_second": rows / median if median else 0.0,
        "csv_bytes": size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path, help="a seeded database (benchmarks.seed)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.db, args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
