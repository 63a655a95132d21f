"""Every figure of issue 8 in one run: `python -m benchmarks [--applications N] [--out FILE]`.

Seeds a deterministic database (benchmarks.seed), then measures, each part in a fresh
process so one part's caches and memory never flatter another's:
cold start against a bare PySide6 window (and peak memory), search per keystroke, queue
switch and column sort, schedules for every approved credit, letters and schedules per
second (and LibreOffice as the peer baseline), and importing consumption rows from CSV.
Writes a Markdown table to docs/benchmarks.md with the machine, versions, targets and ratios.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"
# Hand-written analysis of missed targets (what was tried), included in every report.
NOTES = ROOT / "docs" / "benchmarks-notes.md"

# Each part: the module and the call that returns a JSON-able dict. `{db}` is the database.
_PARTS = {
    "startup": "from benchmarks.startup import measure; r = measure(db, runs={runs})",
    "search": "from benchmarks.search import measure; r = measure(db, repeats={repeats})",
    "queues": "from benchmarks.queues import measure; r = measure(db, repeats={repeats})",
    "schedules": "from benchmarks.schedules import measure; r = measure(db)",
    "letters": "from benchmarks.__main__ import letters_part; r = letters_part({letters}, {lo})",
    "import": "from benchmarks.imports import measure; r = measure(db, rows={rows})",
}


@dataclass(frozen=True)
class Sizes:
    applications: int
    runs: int  # cold-start runs
    repeats: int  # repeats of search / queue timings
    letters: int
    rows: int  # consumption rows to import
    soffice: bool


FULL = Sizes(100_000, 5, 3, 1000, 1_200_000, True)
QUICK = Sizes(60, 1, 1, 5, 240, False)


def letters_part(count: int, soffice: bool) -> dict:
    """Letters and schedules per second on one core (reportlab), plus soffice if asked."""
    from benchmarks import letters as lt
    from kcsac.pdf import render_approval_letter, render_schedule

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    letter_docs = lt.letters(count)
    schedule_docs = lt.schedules(count)
    lw, lcpu, _ = lt.timed(render_approval_letter, letter_docs)
    sw, scpu, _ = lt.timed(render_schedule, schedule_docs)
    result = {
        "letters": count,
        "letters_per_s": count / lw,
        "letters_per_cpu_s": count / lcpu,
        "schedules_per_s": count / sw,
        "schedules_per_cpu_s": count / scpu,
    }
    lo = lt.soffice_times(letter_docs, 3, 20) if soffice else None
    if lo is not None:
        import statistics

        result["soffice_version"] = lo["version"]
        result["soffice_single_s"] = statistics.median(lo["singles"])
        result["soffice_batch_per_letter_s"] = lo["batched"] / lo["batch"]
    return result


def run_part(name: str, db: Path, sizes: Sizes) -> dict:
    """Run one part in a fresh Python process; its dict, or {"error": text}."""
    call = _PARTS[name].format(
        runs=sizes.runs,
        repeats=sizes.repeats,
        letters=sizes.letters,
        lo=sizes.soffice,
        rows=sizes.rows,
    )
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        f"db = Path({str(db)!r})\n"
        f"{call}\n"
        "print('BENCH-RESULT ' + json.dumps(r))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=3600,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"{name} failed (exit {proc.returncode}): {tail}"}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("PySide6-Essentials", "sqlite-utils", "reportlab", "pypdfium2")
    )
    import sqlite3

    return (
        f"{cpu}, {os.cpu_count()} cores; {platform.platform()}; Python "
        f"{platform.python_version()}; SQLite {sqlite3.sqlite_version}; {versions}"
    )


def _row(what: str, measured: str, target: str, met: bool | None, note: str = "") -> str:
    verdict = {True: "met", False: "**missed**", None: "n/a"}[met]
    return f"| {what} | {measured} | {target} | {verdict} | {note} |"


def report(results: dict, seed: dict, sizes: Sizes, elapsed: float) -> str:
    """The Markdown page: one table of every figure against its target."""
    rows = []
    s = results.get("startup", {})
    if s and "error" not in s:
        rows.append(
            _row(
                "cold start to the first queue shown (median)",
                f"{s['desk_ms']:.0f} ms (bare PySide6 window {s['bare_ms']:.0f} ms, "
                f"ratio {s['ratio']:.2f})",
                "within 1.5x of the bare window",
                s["ratio"] <= 1.5,
            )
        )
        rows.append(
            _row(
                "peak memory, desk open on the database (all queues, a search)",
                f"{s['peak_mib']:.0f} MiB",
                "under 300 MB",
                s["peak_mib"] * 1.048576 < 300,
            )
        )
    q = results.get("search", {})
    if q and "error" not in q:
        rows.append(
            _row(
                f"search per keystroke ({q['keystrokes']} keystrokes)",
                f"p50 {q['p50_ms']:.1f} ms, p95 {q['p95_ms']:.1f} ms (max {q['max_ms']:.1f})",
                "p95 under 50 ms",
                q["p95_ms"] < 50,
            )
        )
    u = results.get("queues", {})
    if u and "error" not in u:
        rows.append(
            _row(
                "switch queue",
                f"p50 {u['queue_switch_p50_ms']:.1f} ms, max {u['queue_switch_max_ms']:.1f} ms",
                "under 100 ms",
                u["queue_switch_max_ms"] < 100,
            )
        )
        rows.append(
            _row(
                "sort a column (All queue)",
                f"p50 {u['sort_p50_ms']:.1f} ms, max {u['sort_max_ms']:.1f} ms",
                "under 100 ms",
                u["sort_max_ms"] < 100,
            )
        )
    c = results.get("schedules", {})
    if c and "error" not in c:
        rows.append(
            _row(
                "schedules for every approved credit (billing hand-off)",
                f"{c['seconds']:.1f} s for {c['applications']:,} credits "
                f"({c.get('rows', 0):,} period rows)",
                "under 10 s",
                c["seconds"] < 10,
            )
        )
    lt = results.get("letters", {})
    if lt and "error" not in lt:
        rows.append(
            _row(
                f"approval letters to PDF, one core ({lt['letters']:,})",
                f"{lt['letters_per_s']:.0f} per s",
                "at least 100 per s",
                lt["letters_per_s"] >= 100,
            )
        )
        rows.append(
            _row(
                f"schedules to PDF, one core ({lt['letters']:,})",
                f"{lt['schedules_per_s']:.0f} per s",
                "none of its own (100 per s is the letters' target)",
                None,
            )
        )
        if "soffice_single_s" in lt:
            per = 1 / lt["letters_per_s"]
            rows.append(
                _row(
                    "peer baseline: `soffice --headless --convert-to pdf`",
                    f"{lt['soffice_single_s']:.2f} s per call; "
                    f"{lt['soffice_batch_per_letter_s']:.3f} s per letter in batches of 20",
                    "(baseline)",
                    None,
                    f"reportlab is {lt['soffice_batch_per_letter_s'] / per:.0f}x faster "
                    "than batched soffice",
                )
            )
    i = results.get("import", {})
    if i and "error" not in i:
        rows.append(
            _row(
                f"import consumption CSV ({i['rows']:,} rows)",
                f"{i['rows_per_second']:,.0f} rows per s ({i['seconds']:.1f} s)",
                "at least 100,000 rows per s",
                i["rows_per_second"] >= 100_000,
                f"peak memory of the importing process {i['peak_rss_mb']:,.0f} MB "
                "(rows checked a chunk at a time into TEMP tables; nothing is written "
                "until every row is good)",
            )
        )
    errors = [f"- {name}: {r['error']}" for name, r in results.items() if "error" in r]
    lines = [
        "# Benchmarks",
        "",
        "What users wait for, measured by `python -m benchmarks` in one run "
        f"({elapsed / 60:.1f} min). Each part ran in a fresh process, offscreen Qt.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Database: {seed['applications']:,} applications x {seed['periods']} billing "
        f"periods, seeded in {seed['seconds']:.1f} s ({seed['rows_per_s']:,.0f} rows/s), "
        f"{seed['db_mb']:.1f} MB.",
        "",
        "| what | measured | target | verdict | note |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    if errors:
        lines += ["Parts that did not run:", "", *errors, ""]
    if NOTES.is_file():
        lines += [NOTES.read_text(encoding="utf-8").rstrip(), ""]
    lines += [
        "Raw results (JSON):",
        "",
        "```json",
        json.dumps({"seed": seed, **results}, indent=2, sort_keys=True),
        "```",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--applications", type=int, default=None, help="default 100,000")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the test suite)")
    parser.add_argument("--db", type=Path, help="keep the seeded database here (a new file)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the Markdown page")
    parser.add_argument("--only", nargs="*", choices=sorted(_PARTS), help="run only these")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.applications:
        sizes = replace(sizes, applications=args.applications)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kcsac-bench-") as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if db.exists():
            print(f"{db}: already exists; give a new file", file=sys.stderr)
            return 1
        from benchmarks.seed import run as seed_run

        seeded = seed_run(db, sizes.applications, with_queries=False)
        seed = {
            "applications": seeded.applications,
            "periods": seeded.periods,
            "seconds": seeded.seconds,
            "rows_per_s": seeded.rows_per_second,
            "db_mb": seeded.db_bytes / 1e6,
        }
        print(f"seeded {sizes.applications:,} applications in {seeded.seconds:.1f} s", flush=True)
        results = {}
        for name in args.only or _PARTS:  # import last: it adds rows to the database
            t0 = time.perf_counter()
            results[name] = run_part(name, db, sizes)
            print(f"{name}: {time.perf_counter() - t0:.1f} s {results[name]}", flush=True)
        text = report(results, seed, sizes, time.perf_counter() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
