"""The benchmark entry point runs end to end on a tiny database and writes its table."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmarks_run_on_a_tiny_database_and_write_the_table(tmp_path):
    out = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = out.read_text(encoding="utf-8")
    assert "60 applications x 12 billing periods" in text
    for what in (
        "cold start to the first queue shown",
        "peak memory",
        "search per keystroke",
        "switch queue",
        "sort a column",
        "approval letters to PDF",
        "schedules to PDF",
        "schedules for every approved credit",
        "import consumption CSV",
    ):
        assert what in text
    assert "Parts that did not run" not in text
