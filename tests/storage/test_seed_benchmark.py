"""benchmarks/seed.py runs (tiny size) and reports what it measured."""

from benchmarks.seed import run
from kcsac.storage import open_store


def test_seed_benchmark_on_a_tiny_database(tmp_path):
    report = run(tmp_path / "seed.db", 300, periods=12)
    assert report.applications == 300
    store = open_store(tmp_path / "seed.db")
    try:
        signed = store.conn.execute(
            "SELECT (SELECT count(*) FROM determinations) + (SELECT count(*) FROM decisions)"
        ).fetchone()[0]
        credited = len(store.credited_numbers())
    finally:
        store.close()
    assert credited > 100  # most seeded files carry a credit
    assert signed >= 2 * credited  # a locked determination and a signed decision each
    # accounts, applications, periods, determinations and decisions
    assert report.rows == 300 + 300 + 300 * 12 + signed
    assert report.rows_per_second > 0
    assert report.db_bytes > 0
    assert report.query_ms["search worst case"] < 1000
    assert any("rows/s" in line for line in report.lines())
