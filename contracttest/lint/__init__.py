"""The payload linter: check request payload files (JSON, YAML) against the contract before commit.

``contracttest lint`` and the ``contracttest-lint`` pre-commit hook are built on `Linter`.
"""

from __future__ import annotations

from contracttest.lint.globs import GlobTargets
from contracttest.lint.linter import FileResult, Linter, LintReport, expand_paths
from contracttest.lint.reading import CONTRACT_KEY, DEFAULT_MAX_BYTES
from contracttest.lint.render import to_sarif

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
