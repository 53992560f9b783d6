"""Benchmarks: ``python -m benchmarks`` (or ``nox -s bench``) runs every ``benchmarks/bench_*.py``.

Each module exposes ``run(report) -> ...``. ``report`` collects what the module measured:

* ``report(name, data)`` records a named result (a flat or nested dict of numbers and strings);
* ``report.table(title, columns, rows, note=None)`` records a table;
* ``report.note(text)`` records a sentence under the module's section.

The harness prints every table and writes them all to ``reports/bench.md`` with the machine they ran
on. `timeit` is a small helper for the common "best / median of N runs" measurement.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Report", "Section", "Timing", "format_seconds", "timeit"]


@dataclass(frozen=True)
class Timing:
    """Seconds per call over several runs."""

    runs: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def __str__(self) -> str:
        return f"best {format_seconds(self.best)}, median {format_seconds(self.median)}"


def timeit(fn: Callable[[], Any], *, repeat: int = 5, number: int = 1) -> Timing:
    """Call ``fn`` ``number`` times per run, ``repeat`` runs; seconds per call of each run."""
    if repeat < 1 or number < 1:
        raise ValueError(f"repeat and number must be >= 1, got {repeat} and {number}")
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return Timing(tuple(runs))


def format_seconds(seconds: float) -> str:
    """``0.0123`` -> ``12.3 ms``."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


@dataclass
class _Table:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    note: str | None = None


@dataclass
class Section:
    """What one benchmark module reported."""

    module: str
    summary: str
    items: list[_Table | str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


class Report:
    """Collects the results of every benchmark module (see the package docstring)."""

    def __init__(self) -> None:
        self.sections: list[Section] = []

    def start(self, module: str, summary: str) -> Section:
        section = Section(module, summary)
        self.sections.append(section)
        return section

    @property
    def _current(self) -> Section:
        if not self.sections:
            self.start("benchmarks", "")
        return self.sections[-1]

    def __call__(self, name: str, data: dict[str, Any]) -> None:
        """Record a named result: one row per key (nested values shown as JSON)."""
        if not isinstance(data, dict):
            raise TypeError(
                f"report({name!r}, data): data must be a dict, got {type(data).__name__}"
            )
        self.table(name, ("metric", "value"), list(data.items()))

    def table(
        self,
        title: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        note: str | None = None,
    ) -> None:
        """Record a table; every row must have one cell per column."""
        cols = tuple(str(c) for c in columns)
        body = []
        for row in rows:
            cells = tuple(_cell(v) for v in row)
            if len(cells) != len(cols):
                raise ValueError(
                    f"table {title!r}: row {cells} has {len(cells)} cells, not {len(cols)}"
                )
            body.append(cells)
        self._current.items.append(_Table(title, cols, body, note))

    def note(self, text: str) -> None:
        """Record a sentence under the current module's section."""
        self._current.items.append(text)

    # Rendering ------------------------------------------------------------------------------------

    def to_markdown(self, header: Sequence[str] = ()) -> str:
        lines = ["# Benchmarks", ""]
        lines.extend(header)
        if header:
            lines.append("")
        for section in self.sections:
            lines.append(f"## {section.module}")
            lines.append("")
            if section.summary:
                lines.extend([section.summary, ""])
            if section.error:
                lines.extend([f"**Failed:** `{section.error}`", ""])
            for item in section.items:
                if isinstance(item, str):
                    lines.extend([item, ""])
                    continue
                lines.extend([f"**{item.title}**", ""])
                lines.append("| " + " | ".join(item.columns) + " |")
                lines.append("|" + "|".join("---" for _ in item.columns) + "|")
                for row in item.rows:
                    lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
                lines.append("")
                if item.note:
                    lines.extend([item.note, ""])
            lines.extend([f"_{section.module} took {section.seconds:.1f} s._", ""])
        return "\n".join(lines).rstrip() + "\n"

    def print(self, console: Any) -> None:
        """Print every table of the last section with rich."""
        from rich.table import Table

        section = self._current
        for item in section.items:
            if isinstance(item, str):
                console.print(item, markup=False, highlight=False)
                continue
            table = Table(title=item.title, caption=item.note)
            for column in item.columns:
                table.add_column(column, overflow="fold")
            for row in item.rows:
                table.add_row(*row)
            console.print(table)
