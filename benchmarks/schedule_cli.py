"""`kcsac schedule` on a file of a million billing periods: time and peak memory.

    .venv/bin/python -m benchmarks.schedule_cli [--periods 1000000] [--out FILE.md]

Writes a CSV of one-day periods from 2026-05-01 (1,000,000 of them reach the year 4764;
the engine prices any date a period can hold), then runs the command as a user does
(`python -m kcsac schedule ... > file`), each run in a fresh process, and reads that
process's own resource usage (os.wait4): wall and CPU seconds and peak resident memory.
The runs: the table and --json for a percentage credit, the table for a deduct meter and
a sewer meter (the effective date inside a period: its first metered period), and a file
of the same size whose every row is bad (the first 100 problems, then how many more).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = date(2026, 5, 1)
EFFECTIVE = "2026-06-10"

RUNS = {
    "table, percentage 15 %": ["--method", "percentage", "--percent", "15"],
    "--json, percentage 15 %": ["--method", "percentage", "--percent", "15", "--json"],
    "table, deduct meter": ["--method", "deduct-meter"],
    "table, sewer meter": ["--method", "sewer-meter"],
}


def write_periods(path: Path, periods: int, *, bad: bool = False) -> None:
    """`periods` one-day billing periods (or as many bad rows), one a line."""
    one = timedelta(days=1)
    day = FIRST
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("start,end,purchased_ccf,diverted_ccf,sewer_ccf\n")
        lines = []
        for i in range(periods):
            iso = day.isoformat()
            if bad:
                lines.append(f"{iso},{iso},{i}x,1,1\n")
            else:
                purchased = f"{i % 997 + 3}.{i % 100:02d}"
                lines.append(f"{iso},{iso},{purchased},{i % 3}.{i % 10},{i % 5}.25\n")
            day += one
            if len(lines) == 10_000:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))


def run_cli(periods: Path, extra: list[str], out: Path) -> dict:
    """One run of `python -m kcsac schedule` in its own process; its own resource usage."""
    args = [
        sys.executable,
        "-m",
        "kcsac",
        "schedule",
        "--class",
        "resident",
        "--effective",
        EFFECTIVE,
        "--periods",
        str(periods),
        *extra,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with out.open("wb") as stdout, tempfile.TemporaryFile() as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=stdout, stderr=stderr, cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace").splitlines()
    return {
        "exit": proc.returncode,
        "wall_s": wall,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "output_mb": out.stat().st_size / 1e6,
        "stderr_lines": len(errors),
        "stderr_last": errors[-1] if errors else "",
    }


BAD = "every row bad (exit 4)"


def measure(periods: int = 1_000_000, only: tuple[str, ...] | None = None) -> dict:
    """Each run's figures (see run_cli) on a generated file of `periods` periods; `only`
    names the runs to make (default all of RUNS and BAD)."""
    results: dict = {"periods": periods}
    with tempfile.TemporaryDirectory(prefix="kcsac-schedule-cli-") as tmp:
        good, bad, out = Path(tmp) / "periods.csv", Path(tmp) / "bad.csv", Path(tmp) / "out"
        t0 = time.perf_counter()
        write_periods(good, periods)
        write_periods(bad, periods, bad=True)
        results["generate_s"] = time.perf_counter() - t0
        results["file_mb"] = good.stat().st_size / 1e6
        results["bad_file_mb"] = bad.stat().st_size / 1e6
        runs = {
            name: run_cli(good, extra, out)
            for name, extra in RUNS.items()
            if only is None or name in only
        }
        if only is None or BAD in only:
            runs[BAD] = run_cli(bad, RUNS["table, percentage 15 %"], out)
        results["runs"] = runs
    results["load_average"] = os.getloadavg()
    results["cpus"] = os.cpu_count()
    return results


def report(results: dict) -> str:
    """A Markdown table of the runs."""
    lines = [
        "# `kcsac schedule` on a million billing periods",
        "",
        f"{results['periods']:,} one-day periods ({results['file_mb']:.1f} MB of CSV; the bad "
        f"file {results['bad_file_mb']:.1f} MB), measured by `python -m benchmarks.schedule_cli`"
        f" on {results['cpus']} CPUs, load average "
        + ", ".join(f"{x:.1f}" for x in results["load_average"])
        + " at the end (other work on the machine shows in the wall time, not in the CPU time).",
        "",
        "| run | exit | wall | CPU (user + sys) | peak memory | output |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results["runs"].items():
        lines.append(
            f"| {name} | {r['exit']} | {r['wall_s']:.1f} s | {r['user_s'] + r['sys_s']:.1f} s | "
            f"{r['peak_rss_mb']:.0f} MB | {r['output_mb']:.0f} MB stdout, "
            f"{r['stderr_lines']} stderr lines |"
        )
    lines += ["", "Target: under a minute for a million periods, memory bounded.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--periods", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    results = measure(args.periods)
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.write_text(report(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
