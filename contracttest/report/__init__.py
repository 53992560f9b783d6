"""Report writers, looked up by format name: ``json``, ``junit``, ``html``, ``md``.

Every writer takes a `contracttest.runner.results.RunResult` (already redacted) and a directory, and
writes its file atomically. `write_reports` writes several formats in one go.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from contracttest.errors import UsageError

if TYPE_CHECKING:
    from contracttest.runner.results import RunResult

__all__ = ["FORMATS", "Writer", "get_writer", "parse_formats", "write_reports"]

Writer = Callable[["RunResult", Path], Path]

# format name -> module defining ``write(result, directory) -> Path``
FORMATS: dict[str, str] = {
    "json": "contracttest.report.json_",
    "junit": "contracttest.report.junit",
    "html": "contracttest.report.html",
    "md": "contracttest.report.markdown",
}
ALIASES = {"xml": "junit", "markdown": "md", "htm": "html"}


def get_writer(name: str) -> Writer:
    """The writer of a format (``json``, ``junit``, ``html``, ``md``)."""
    key = ALIASES.get(name.lower(), name.lower())
    module = FORMATS.get(key)
    if module is None:
        raise UsageError(f"unknown report format {name!r}; expected one of {', '.join(FORMATS)}")
    write: Writer = importlib.import_module(module).write
    return write


def parse_formats(spec: str | Iterable[str] | None) -> list[str]:
    """``"json,junit"`` or ``["json", "html"]`` -> validated, de-duplicated format names."""
    if spec is None:
        return []
    items = spec.split(",") if isinstance(spec, str) else [p for s in spec for p in s.split(",")]
    out: list[str] = []
    for item in items:
        name = item.strip().lower()
        if not name:
            continue
        if name in ("none", "off"):
            return []
        if name == "all":
            return list(FORMATS)
        key = ALIASES.get(name, name)
        if key not in FORMATS:
            raise UsageError(
                f"unknown report format {item.strip()!r}; expected one of {', '.join(FORMATS)} (comma-separated)"
            )
        if key not in out:
            out.append(key)
    return out


def write_reports(
    result: RunResult, formats: Iterable[str], directory: str | Path
) -> dict[str, Path]:
    """Write each format into ``directory``; returns format -> path."""
    target = Path(directory)
    return {name: get_writer(name)(result, target) for name in parse_formats(list(formats))}
