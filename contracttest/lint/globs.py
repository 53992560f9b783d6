"""Glob -> target mappings from ``[tool.contracttest.lint.targets]``.

Globs are matched against the file's path relative to the directory of the pyproject.toml that declares
them, with ``/`` separators, gitignore-style: ``*`` and ``?`` stay inside one path segment, ``**`` spans
segments (``a/**/b`` also matches ``a/b``), ``[...]`` is a character class, and a glob without ``/``
matches the file name at any depth. The first glob that matches wins (TOML tables keep their order).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracttest.errors import UsageError

__all__ = ["GlobTargets", "glob_to_regex"]


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a gitignore-style glob (see the module docstring) into an anchored regex."""
    if not pattern or pattern.strip() != pattern:
        raise UsageError(f"glob {pattern!r} is empty or has leading/trailing spaces")
    pat = pattern.lstrip("/") if pattern.startswith("/") else pattern
    anchored = "/" in pattern.rstrip("/")
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "*":
            if pat.startswith("**", i):
                at_start = i == 0 or pat[i - 1] == "/"
                j = i + 2
                if at_start and j < n and pat[j] == "/":
                    out.append("(?:.*/)?")  # "**/" : zero or more whole segments
                    i = j + 1
                    continue
                if at_start and j == n:
                    out.append(".*")  # trailing "/**": everything below
                    i = j
                    continue
                out.append(".*")
                i = j
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pat.find("]", i + 2 if pat.startswith(("[!", "[^"), i) else i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pat[i + 1 : j]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                body = body.replace("\\", "\\\\")
                out.append(f"(?!/)[{body}]")
                i = j + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    if not anchored:
        body = "(?:.*/)?" + body
    try:
        return re.compile(f"^{body}$")
    except re.error as exc:
        raise UsageError(f"glob {pattern!r} cannot be compiled: {exc}") from exc


@dataclass(frozen=True)
class _Rule:
    glob: str
    regex: re.Pattern[str]
    target: str


class GlobTargets:
    """Ordered glob -> target rules rooted at a directory."""

    def __init__(
        self, mapping: Mapping[str, Any], root: str | os.PathLike[str], *, source: str = ""
    ) -> None:
        self.root = Path(root).resolve()
        self.source = source or str(self.root / "pyproject.toml")
        rules = []
        for glob, target in mapping.items():
            if not isinstance(target, str) or not target.strip():
                raise UsageError(
                    f"[tool.contracttest.lint.targets] {glob!r} must map to a target string "
                    f'(a DTO name, an operationId or "METHOD /path"), got {target!r}',
                    source=self.source,
                )
            rules.append(_Rule(glob, glob_to_regex(glob), target.strip()))
        self.rules: tuple[_Rule, ...] = tuple(rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def relative(self, path: str | os.PathLike[str]) -> str | None:
        """``path`` relative to the root (posix), or None when it lies outside."""
        try:
            rel = Path(os.path.abspath(path)).relative_to(self.root)
        except ValueError:
            try:
                rel = Path(path).resolve().relative_to(self.root)
            except (ValueError, OSError):
                return None
        return rel.as_posix()

    def match(self, path: str | os.PathLike[str]) -> tuple[str, str] | None:
        """(glob, target) of the first rule matching ``path``, or None."""
        rel = self.relative(path)
        if rel is None:
            return None
        for rule in self.rules:
            if rule.regex.match(rel):
                return rule.glob, rule.target
        return None
