"""benchmarks/seed.py runs (tiny size) and reports what it measured."""

from benchmarks.seed import run


def test_seed_benchmark_on_a_tiny_database(tmp_path):
    report = run(tmp_path / "seed.db", 300, periods=12)
    assert report.applications == 300
    assert report.rows == 300 + 300 + 300 * 12  # accounts, applications, periods
    assert report.rows_per_second > 0
    assert report.db_bytes > 0
    assert report.query_ms["search worst case"] < 1000
    assert any("rows/s" in line for line in report.lines())
