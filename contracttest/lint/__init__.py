"""The payload linter: check request payload files (JSON, YAML) against the contract before commit.

``contracttest lint`` and the ``contracttest-lint`` pre-commit hook are built on `Linter`. Names load
on first use, so that a one-file lint (the pre-commit case) imports only what it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "CONTRACT_KEY",
    "DEFAULT_MAX_BYTES",
    "FileResult",
    "GlobTargets",
    "LintReport",
    "Linter",
    "expand_paths",
    "to_sarif",
]

_LAZY = {
    "CONTRACT_KEY": "contracttest.lint.reading",
    "DEFAULT_MAX_BYTES": "contracttest.lint.reading",
    "FileResult": "contracttest.lint.linter",
    "GlobTargets": "contracttest.lint.globs",
    "LintReport": "contracttest.lint.linter",
    "Linter": "contracttest.lint.linter",
    "expand_paths": "contracttest.lint.linter",
    "to_sarif": "contracttest.lint.render",
}

if TYPE_CHECKING:
    from contracttest.lint.globs import GlobTargets
    from contracttest.lint.linter import FileResult, Linter, LintReport, expand_paths
    from contracttest.lint.reading import CONTRACT_KEY, DEFAULT_MAX_BYTES
    from contracttest.lint.render import to_sarif


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'contracttest.lint' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
