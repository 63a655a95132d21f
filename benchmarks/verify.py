"""`kcsac audit verify` on a seeded database whose records are all audited and sealed.

    .venv/bin/python -m benchmarks.verify [--applications 100000] [--db PATH]

Seeds (benchmarks.seeding with audited=True: an audit row per record, three per filed
application, consumption sealed) unless --db names a file seeded so already, then times the
whole verification (kcsac.storage.integrity.verify) on a fresh read-only connection, and
reports its peak memory (ru_maxrss of this process, seeding included when it seeded).
"""

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.seeding import seed
from kcsac.storage import open_store


def measure(db: Path, repeats: int = 1) -> dict:
    times = []
    report = None
    for _ in range(max(1, repeats)):
        store = open_store(db, read_only=True)
        try:
            t0 = time.perf_counter()
            report = store.verify_integrity()
            times.append(time.perf_counter() - t0)
        finally:
            store.close()
    return {
        "audit_rows": report.audit_rows,
        "findings": len(report.findings),
        "first": report.lines(3),
        "seconds": min(times),
        "all_seconds": times,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "db_mb": db.stat().st_size / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="a database seeded with audited=True")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "verify.db"
        out = {}
        if not db.exists():
            store = open_store(db)
            t0 = time.perf_counter()
            out["seeded_rows"] = seed(store, args.applications, audited=True)
            out["seed_seconds"] = time.perf_counter() - t0
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            store.close()
        out.update(measure(db, args.repeats))
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
