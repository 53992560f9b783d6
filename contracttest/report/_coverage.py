"""The coverage numbers every report shows, worded once."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracttest.runner.results import RunResult

__all__ = ["coverage_line", "gate_line"]


def coverage_line(result: RunResult) -> str | None:
    """``negative coverage 2868/2868 (100.0%), valid edges 642/642`` (None without units)."""
    from contracttest.runner.results import percent

    neg = result.coverage_total("negative")
    edges = result.coverage_total("edges")
    if not neg[1] and not edges[1]:
        return None
    text = f"negative coverage {neg[0]}/{neg[1]} ({percent(neg):.1f}%)"
    if edges[1]:
        text += f", valid edges {edges[0]}/{edges[1]}"
    left = sum(c.left_out for c in result.coverage)
    if left:
        text += f"; {left} place(s) beyond the enumeration limit not counted"
    return text


def gate_line(result: RunResult) -> str | None:
    """What ``--coverage-fail-under`` says, when it is set."""
    from contracttest.runner.results import percent

    gate = result.metadata.coverage_fail_under
    if gate is None:
        return None
    got = percent(result.coverage_total("negative"))
    verdict = "below" if result.coverage_short else "meets"
    return f"negative coverage {got:.1f}% {verdict} --coverage-fail-under {gate:g}%"
