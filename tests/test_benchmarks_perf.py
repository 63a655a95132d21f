"""benchmarks/schedules.py and benchmarks/imports.py run on a tiny database and report
sane figures (the timed runs are scripts, not tests)."""

import csv

from benchmarks import imports as import_bench
from benchmarks import schedules as schedule_bench
from benchmarks.seeding import seed
from kcsac.storage import open_store


def _seeded(tmp_path, applications=50):
    db = tmp_path / "tiny.db"
    store = open_store(db)
    seed(store, applications, periods=12)
    credits = len(store.credited_numbers())
    store.close()
    return db, credits


def test_schedule_benchmark_reports_rows_and_time(tmp_path):
    db, credits = _seeded(tmp_path)
    found = schedule_bench.measure(db, repeats=2)
    assert found["applications"] == credits > 10
    assert found["rows"] > credits  # a row per credited period
    assert 0 < found["seconds"] < 10
    assert len(found["all_seconds"]) == 2
    assert found["rows_per_second"] > 0


def test_import_benchmark_adds_every_row_and_leaves_the_database_alone(tmp_path):
    db, _ = _seeded(tmp_path)
    found = import_bench.measure(db, rows=130)  # more rows than accounts: 3 months
    assert found["rows"] == 130
    assert 0 < found["seconds"] < 10
    assert found["rows_per_second"] > 0
    assert found["peak_rss_mb"] > 10
    store = open_store(db)
    try:
        assert store.conn.execute("SELECT count(*) FROM consumption").fetchone()[0] == 50 * 12
    finally:
        store.close()


def test_import_benchmark_goes_through_the_bulk_path_for_a_large_file(tmp_path):
    """Above BULK_LINES the import reads a chunk at a time and keeps its rows in
    TEMP tables: it adds them all, and its memory stays near the process's own."""
    from kcsac.operations.imports.consumption import BULK_LINES

    db, _ = _seeded(tmp_path)
    rows = BULK_LINES * 3
    found = import_bench.measure(db, rows=rows)
    assert found["rows"] == rows
    assert found["rows_per_second"] > 0
    assert 10 < found["rss_before_mb"] <= found["peak_rss_mb"]
    # The import's own growth, not the process's absolute size (which depends on what the
    # interpreter loaded first and measured 140-210 MB on different machines).
    assert found["peak_rss_mb"] - found["rss_before_mb"] < 120


def test_import_csv_continues_after_the_stored_periods(tmp_path):
    db, _ = _seeded(tmp_path, applications=5)
    out = tmp_path / "use.csv"
    last = import_bench.write_csv(db, out, 12)
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 12
    assert min(r["period_start"] for r in rows) == "2027-05-01"  # seeded: 2026-05..2027-04
    assert max(r["period_end"] for r in rows) == last.isoformat()


def test_schedule_cli_benchmark_runs_on_a_small_file():
    from benchmarks import schedule_cli

    found = schedule_cli.measure(periods=300, only=("table, deduct meter", schedule_cli.BAD))
    runs = found["runs"]
    assert found["periods"] == 300
    good = runs["table, deduct meter"]
    assert good["exit"] == 0, good["stderr_last"]
    assert good["output_mb"] > 0
    assert good["peak_rss_mb"] > 10
    bad = runs[schedule_cli.BAD]
    assert (bad["exit"], bad["stderr_lines"], bad["stderr_last"]) == (4, 101, "... and 200 more")
    assert "| table, deduct meter | 0 |" in schedule_cli.report(found)
