"""Project settings from ``[tool.contracttest]`` in ``pyproject.toml``.

The file used is the nearest ``pyproject.toml`` that has a ``[tool.contracttest]`` table, walking up
from the current directory (as ruff finds ``[tool.ruff]``); relative paths in it are relative to
that file's directory. Sub-tables (``[tool.contracttest.lint]``) are nested dicts::

    [tool.contracttest]
    spec = "spec/vapi-phone-numbers.yaml"
    overlay = ["spec/overlays/vapi-fixes.yaml"]

    [tool.contracttest.lint]
    fail-on = "warning"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracttest.errors import SourceError, UsageError

__all__ = ["PYPROJECT", "Config", "find_pyproject", "load_config"]

PYPROJECT = "pyproject.toml"
TABLE = "tool.contracttest"
_MISSING: Any = object()


@dataclass(frozen=True)
class Config:
    """The ``[tool.contracttest]`` table.

    Attributes:
        data: the table (empty when no pyproject.toml has one).
        path: the pyproject.toml it came from, or None.
    """

    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def root(self) -> Path:
        """Directory relative paths are resolved against: the pyproject's, else the cwd."""
        return self.path.parent if self.path is not None else Path.cwd()

    def get(self, key: str, default: Any = None) -> Any:
        """The value at ``key``; dots reach into sub-tables (``"lint.fail-on"``)."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def section(self, name: str) -> dict[str, Any]:
        """The sub-table ``[tool.contracttest.<name>]`` (dotted for deeper ones), or ``{}``.

        Raises:
            UsageError: the key exists but is not a table.
        """
        value = self.get(name, _MISSING)
        if value is _MISSING:
            return {}
        if not isinstance(value, dict):
            raise self._type_error(name, "a table", value)
        return value

    def path_value(self, key: str, default: Path | None = None) -> Path | None:
        """A path setting, resolved against the pyproject's directory.

        Returns ``default`` when unset. URLs are not paths: use `get` for settings that may be URLs.

        Raises:
            UsageError: the value is not a string.
        """
        value = self.get(key, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, str) or not value:
            raise self._type_error(key, "a non-empty path string", value)
        return self._resolve(value)

    def path_list(self, key: str) -> list[Path]:
        """A setting holding one path or a list of paths, each resolved (``[]`` when unset).

        Raises:
            UsageError: the value is not a string or a list of strings.
        """
        value = self.get(key, _MISSING)
        if value is _MISSING:
            return []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v for v in items):
            raise self._type_error(key, "a path string or a list of path strings", value)
        return [self._resolve(v) for v in items]

    def resolve(self, value: str) -> str:
        """``value`` resolved against the pyproject's directory unless it is a URL or absolute."""
        from contracttest._io import is_url

        return value if is_url(value) else str(self._resolve(value))

    def _resolve(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.root / path

    def _type_error(self, key: str, expected: str, value: Any) -> UsageError:
        return UsageError(
            f"[{TABLE}] {key} must be {expected}, got {type(value).__name__} {value!r}",
            source=str(self.path) if self.path else None,
            pointer="/tool/contracttest/" + key.replace(".", "/"),
        )


def _read_pyproject(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read: {exc}", source=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = column = None
        where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if where is not None:
            line, column = int(where.group(1)), int(where.group(2))
            message = message[: where.start()]
        elif message.endswith("(at end of document)"):
            line = text.count("\n") + 1
            message = message.removesuffix("(at end of document)").rstrip()
        raise SourceError(
            f"invalid TOML: {message}", source=str(path), line=line, column=column
        ) from None


def find_pyproject(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pyproject.toml at or above ``start`` with a ``[tool.contracttest]`` table.

    Returns:
        ``(path, table)`` or None.

    Raises:
        SourceError: a pyproject.toml on the way cannot be read or is not valid TOML.
        UsageError: ``tool.contracttest`` is not a table.
    """
    here = (start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / PYPROJECT
        if not candidate.is_file():
            continue
        doc = _read_pyproject(candidate)
        tool = doc.get("tool", {})
        if isinstance(tool, dict) and "contracttest" in tool:
            table = tool["contracttest"]
            if not isinstance(table, dict):
                raise UsageError(
                    f"[{TABLE}] must be a table, got {type(table).__name__}",
                    source=str(candidate),
                    pointer="/tool/contracttest",
                )
            return candidate, table
    return None


def load_config(start: Path | None = None) -> Config:
    """Read ``[tool.contracttest]`` from the nearest pyproject.toml that has one.

    Args:
        start: directory (or file) to start looking from; the current directory by default.

    Returns:
        The table, or an empty `Config` (``path`` None) when there is none.

    Raises:
        SourceError: malformed TOML (with line and column).

    Example:
        >>> config = load_config()  # doctest: +SKIP
        >>> config.path_value("spec")  # doctest: +SKIP
        PosixPath('/home/me/project/spec/vapi-phone-numbers.yaml')
    """
    found = find_pyproject(start)
    if found is None:
        return Config()
    path, table = found
    return Config(data=table, path=path)
