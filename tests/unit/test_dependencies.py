"""The README's dependency table says only what is true: every runtime dependency of pyproject.toml is
listed, nothing else is, and each listed one is imported somewhere under ``contracttest/``."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "contracttest"


def _table_names() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Why these dependencies", 1)[1]
    names: set[str] = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or cells[0] in ("dependency", "---"):
            continue
        names.update(canonicalize_name(n.strip()) for n in re.split(r"[,+]", cells[0]) if n.strip())
    return names


def _runtime_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = (Requirement(r) for r in project["dependencies"])
    return {canonicalize_name(r.name): r for r in reqs}


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_the_table_lists_exactly_the_runtime_dependencies() -> None:
    assert _table_names() == set(_runtime_requirements())


def test_every_listed_dependency_is_imported_by_the_package() -> None:
    provides: dict[str, set[str]] = {}
    for module, dists in metadata.packages_distributions().items():
        for dist in dists:
            provides.setdefault(canonicalize_name(dist), set()).add(module)
    imported = _imported_top_levels()
    unused = {
        name: sorted(provides.get(name, set()))
        for name in _table_names()
        if not provides.get(name, set()) & imported
    }
    assert not unused, f"listed in the README but imported nowhere under contracttest/: {unused}"


def test_no_dependency_caps_hypothesis_pytest_starlette_or_jsonschema_rs() -> None:
    # These run inside users' own environments (the pytest plugin) or move fast; an upper bound
    # there makes `pip install contracttest` fail next to a current release (issue 15).
    reqs = _runtime_requirements()
    for name in ("hypothesis", "pytest", "starlette", "jsonschema-rs"):
        capped = [s for s in reqs[name].specifier if s.operator in ("<", "<=", "==", "~=", "===")]
        assert not capped, f"{name} is capped: {reqs[name]}"
