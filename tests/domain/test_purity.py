"""The domain is pure: stdlib only (and kcsac.domain), no clock, no float, one rounding
function. The layers beyond it are import-linter contracts in pyproject.toml."""

import ast
import sys
from pathlib import Path

import pytest

import kcsac.domain

DOMAIN = Path(kcsac.domain.__file__).parent
MODULES = sorted(DOMAIN.glob("*.py"))
FORBIDDEN_IMPORTS = ("PySide6", "sqlite3", "sqlite_utils", "reportlab", "pypdfium2")


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement loads (a relative import stays in kcsac.domain)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [] if node.level else [node.module or ""]


def _in_domain(name: str) -> bool:
    return name == "kcsac.domain" or name.startswith("kcsac.domain.")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_is_pure(path):
    tree = _tree(path)
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert not any(n.split(".")[0] in FORBIDDEN_IMPORTS for n in names), path.name
            for name in _imported_modules(node):
                assert name.split(".")[0] in sys.stdlib_module_names or _in_domain(name), (
                    f"{path.name}:{node.lineno} imports {name}: the domain is stdlib-only"
                )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "float", f"float() in {path.name}:{node.lineno}"
        if isinstance(node, ast.Constant):
            assert not isinstance(node.value, float), f"float literal in {path.name}"
        if isinstance(node, ast.Attribute) and node.attr in {"today", "now", "utcnow"}:
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            assert name not in {"date", "datetime"}, f"clock read in {path.name}:{node.lineno}"


def test_only_money_rounds_to_the_cent():
    for path in MODULES:
        if path.name != "money.py":
            assert "ROUND_HALF_UP" not in path.read_text(), path.name


def test_the_purity_check_tells_stdlib_from_the_rest():
    tree = ast.parse(
        "import json\nfrom decimal import Decimal\nimport numpy\nfrom kcsac.ui import x\n"
    )
    names = [n for node in tree.body for n in _imported_modules(node)]
    allowed = [n.split(".")[0] in sys.stdlib_module_names or _in_domain(n) for n in names]
    assert allowed == [True, True, False, False]
