"""The runner's modules import one another one way only.

Every import statement counts: module level, inside functions, and under ``if TYPE_CHECKING``. A
function-local import hides a cycle from Python (it runs late), not from the design: two modules
that need each other are one tangled module. The graph is read from the source with `ast`, so a
cycle fails this test whether or not it would ever fail at run time.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import contracttest

PACKAGE = Path(contracttest.__file__).parent
RUNNER = "contracttest.runner"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, name: str, modules: Collection[str] = ()) -> Iterator[str]:
    """Every module an ``import`` statement of ``path`` names, wherever the statement sits.

    ``from pkg import sub`` names the submodule ``pkg.sub`` when it is one of ``modules`` (the
    package itself only runs as every submodule's parent), else the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            for alias in node.names:
                sub = f"{stem}.{alias.name}"
                yield sub if sub in modules else stem


def in_fresh_interpreter(module: str, function: str) -> Any:
    """``module.function()`` (no arguments, a JSON-able result) run in a new Python process.

    CPython 3.11.0-3.11.7 (gh-106905) leaves ``ast.parse`` unusable ("AST constructor recursion
    depth mismatch") in a process that caught a RecursionError before, as the depth-cap tests do in
    the same worker; a fresh interpreter reads the source the same way on every version."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"import {module}; print(json.dumps({module}.{function}()))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def import_graph_lists(root: str = RUNNER) -> dict[str, list[str]]:
    return {name: sorted(targets) for name, targets in import_graph(root).items()}


def import_graph(root: str = RUNNER) -> dict[str, set[str]]:
    """Module -> the modules of ``root`` it imports (a package counts as its ``__init__``)."""
    folder = PACKAGE.parent / root.replace(".", "/")
    modules = {module_name(p): p for p in folder.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in imported_names(path, name, modules):
            if imported in modules and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_checker_sees_function_local_and_type_only_imports(tmp_path: Path) -> None:
    # Given two modules that import each other, one of them only inside a function
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.c import X\n"
        "def f():\n    from pkg.a import g\n"
    )
    (pkg / "c.py").write_text("from . import b\n")
    modules = {"pkg", "pkg.a", "pkg.b", "pkg.c"}
    graph = {
        m: set(imported_names(pkg / f"{m[4:]}.py", m, modules)) & (modules - {m, "pkg"})
        for m in ("pkg.a", "pkg.b", "pkg.c")
    }
    # Then the graph has both edges back, and the checker finds a cycle
    assert graph == {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a", "pkg.c"}, "pkg.c": {"pkg.b"}}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]
    assert find_cycle({"x": {"y"}, "y": set()}) is None


def test_the_runner_has_no_import_cycle() -> None:
    lists = in_fresh_interpreter("test_runner_imports", "import_graph_lists")
    graph = {name: set(targets) for name, targets in lists.items()}
    assert len(graph) > 10  # the runner's modules were found
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in contracttest/runner: " + " -> ".join(cycle or [])
