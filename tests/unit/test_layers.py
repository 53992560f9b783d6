"""The package's layers (ARCHITECTURE.md) import one way only: a module never imports a layer above
its own, counting imports inside functions and under ``if TYPE_CHECKING`` (read with ``ast``).

The public entry points at the package's top (``contracttest`` itself and ``python -m
contracttest``) are facades over the layers and may import any of them; nothing inside the layers
may import them back. ``contracttest.strategies`` is the generate layer's public face and ranks with
it.
"""

from __future__ import annotations

from pathlib import Path

from test_runner_imports import PACKAGE, imported_names, in_fresh_interpreter, module_name

LAYERS: tuple[tuple[str, ...], ...] = (
    # the base: records, errors, exit codes, redaction, reading, interrupts, settings, data
    (),
    ("openapi", "schema"),
    ("validate",),
    ("generate",),
    ("mock", "transport"),
    ("runner",),
    ("report",),
    ("cli", "pytest", "pytest_plugin", "lint"),
)
"""Sub-packages, bottom to top, as ARCHITECTURE.md draws them; any other module is the base."""

FACADES = {"contracttest", "contracttest.__main__"}
PUBLIC_FACES = {"contracttest.strategies": "generate"}
"""Top-level modules that belong to a layer's sub-package."""


def rank(module: str) -> int:
    parts = module.split(".")
    if module in PUBLIC_FACES:
        parts = ["contracttest", PUBLIC_FACES[module]]
    if len(parts) < 2:
        return 0
    for level, names in enumerate(LAYERS):
        if parts[1] in names:
            return level
    return 0


def upward_imports(root: Path = PACKAGE) -> list[str]:
    """Every import of a higher layer, as ``importer -> imported``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(path)
        if name in FACADES:
            continue
        for imported in imported_names(path, name):
            if imported in FACADES - {"contracttest"}:
                found.append(f"{name} -> {imported} (a facade)")
            elif imported.startswith("contracttest.") and rank(imported) > rank(name):
                found.append(f"{name} -> {imported}")
    return sorted(set(found))


def test_every_layer_is_known() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    layered = {n for names in LAYERS for n in names}
    base_packages = {"data"}
    assert packages - layered - base_packages == set(), "add the new package to LAYERS"


def test_ranks_follow_the_drawing() -> None:
    assert rank("contracttest.findings") == 0
    assert rank("contracttest.strategies") == rank("contracttest.generate.core")
    assert rank("contracttest.openapi.model") < rank("contracttest.validate.engine")
    assert rank("contracttest.mock.app") < rank("contracttest.runner.engine")
    assert rank("contracttest.runner.engine") < rank("contracttest.report.html")
    assert rank("contracttest.report.html") < rank("contracttest.cli.commands.run")


def test_a_local_upward_import_is_seen(tmp_path: Path) -> None:
    pkg = tmp_path / "contracttest"
    (pkg / "openapi").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "openapi" / "__init__.py").write_text("")
    (pkg / "openapi" / "model.py").write_text(
        "def f():\n    from contracttest.runner.engine import Engine\n"
    )
    (pkg / "findings.py").write_text("from contracttest.__main__ import main\n")
    found = [
        f"{n} -> {i}"
        for p in sorted(pkg.rglob("*.py"))
        for n in [".".join(p.relative_to(tmp_path).with_suffix("").parts)]
        for i in imported_names(p, n)
        if i.startswith("contracttest.") and (rank(i) > rank(n) or i in FACADES)
    ]
    assert found == [
        "contracttest.findings -> contracttest.__main__",
        "contracttest.openapi.model -> contracttest.runner.engine",
    ]


def test_no_layer_imports_a_higher_one() -> None:
    assert in_fresh_interpreter("test_layers", "upward_imports") == []
