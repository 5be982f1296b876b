"""The tree is the pipeline (shared/design.md, "Layout"): the import contracts hold and fail
on an upward import; no module imports another's private names; there is no import cycle,
hidden or not; only the entry points sit at the top of planner/; and the wheel ships every
package."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath or cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("models/base.py", "from planner.cli import main", "The pipeline's layers"),
    ("formulation/model.py", "from planner.solver import phases", "The pipeline's layers"),
    ("verify/context.py", "import pulp", "The verifier is independent"),
    ("report/render.py", "from planner.formulation import families", "The report renders"),
    ("solver/budget.py", "import click", "click only under cli/"),
])
def test_a_deliberate_upward_import_breaks_its_contract(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "planner", tmp_path / "planner",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    planted = tmp_path / "planner" / module
    planted.write_text(planted.read_text() + f"\n{line}  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken and module.replace("/", ".").removesuffix(".py") in broken


def test_no_import_cycle_anywhere():
    """Every module, late and TYPE_CHECKING imports included: no strongly connected set
    of more than one module (Tarjan)."""
    graph = grimp.build_graph("planner", cache_dir=None)
    modules = sorted(graph.modules)
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(m):
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in sorted(graph.find_modules_directly_imported_by(m)):
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            part = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                part.append(n)
                if n == m:
                    break
            if len(part) > 1:
                cycles.append(sorted(part))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for m in modules:
        if m not in index:
            visit(m)
    assert cycles == []


def test_only_the_entry_points_sit_at_the_top():
    top = sorted(p.name for p in (ROOT / "planner").iterdir()
                 if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__"))
    modules = [n for n in top if n.endswith(".py")]
    assert modules == ["__init__.py", "__main__.py", "errors.py", "pipeline.py"]


def _python_files():
    for folder in ("planner", "tests", "bench"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_private_name_is_imported_from_another_module():
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("planner"):
                found += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{a.name}"
                          for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
    assert found == []


def test_the_wheel_lists_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "planner").rglob("__init__.py")}
    assert on_disk | {"planner.templates"} == listed
