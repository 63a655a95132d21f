"""No module in kcsac is over 600 lines: a module that grows past it is split by feature
(issue 12, "Split the grab-bags"), not left to become the next grab-bag."""

from pathlib import Path

import kcsac

ROOT = Path(kcsac.__file__).parent
MAX_LINES = 600


def oversized(root: Path, limit: int = MAX_LINES) -> dict[str, int]:
    """{module path relative to root: its line count} for every .py file over `limit` lines."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found[path.relative_to(root).as_posix()] = lines
    return found


def test_no_module_in_kcsac_is_over_600_lines():
    assert len(list(ROOT.rglob("*.py"))) > 50  # the walk found the package
    assert oversized(ROOT) == {}


def test_the_check_names_a_long_module_and_its_length(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "sub" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert oversized(tmp_path) == {"sub/long.py": MAX_LINES + 1}
