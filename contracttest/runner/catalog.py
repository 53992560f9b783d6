"""Every check of the runner, and which of them judge an exchange.

Importing this module imports every module that registers a check (the response and expectation
checks, and the scenarios), so its view of `contracttest.runner.registry` is complete. Everything
that lists checks (phases, display order, ``--checks`` selection, the checks run on a response)
asks here; there is no other list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

# Importing a module registers its checks; registration order is display order.
# isort: off
import contracttest.runner.checks
import contracttest.runner.sources.lifecycle
import contracttest.runner.sources.listing
import contracttest.runner.sources.isolation
import contracttest.runner.sources.semantics  # noqa: F401

# isort: on
from contracttest.errors import UsageError
from contracttest.runner.registry import CheckInfo, registered

if TYPE_CHECKING:
    from contracttest.findings import Finding
    from contracttest.runner.case import Case
    from contracttest.runner.checks import CheckContext
    from contracttest.runner.http import HttpResponse

__all__ = [
    "applicable",
    "check_info",
    "checks_info",
    "phases_of",
    "resolve_checks",
    "run_checks",
]


def checks_info() -> list[CheckInfo]:
    """Every registered check, in display order."""
    return registered()


def check_info(id: str) -> CheckInfo:
    for c in registered():
        if c.id == id:
            return c
    raise UsageError(f"no check {id!r}; known checks: {', '.join(c.id for c in registered())}")


def resolve_checks(selection: list[str] | None) -> list[str]:
    """Check ids selected by exact ids or prefixes (``auth`` selects ``auth.*``); all when empty."""
    every = [c.id for c in registered()]
    if not selection:
        return every
    chosen: list[str] = []
    for item in selection:
        item = item.strip()
        if not item:
            continue
        matched = [c for c in every if c == item or c.startswith(item.rstrip(".") + ".")]
        if not matched:
            raise UsageError(f"no check {item!r}; known checks: {', '.join(every)}")
        chosen.extend(c for c in matched if c not in chosen)
    return [c for c in every if c in chosen]


def phases_of(checks: Iterable[str]) -> set[str]:
    """The phases the selected checks need."""
    selected = set(checks)
    return {p for c in registered() if c.id in selected for p in c.phases}


def applicable(
    checks: Iterable[str], case: Case, *, only: Iterable[str] | None = None
) -> list[CheckInfo]:
    """The selected response and expectation checks that judge ``case``'s response (a scenario's
    step gets the response checks only: the scenario judges what it achieved)."""
    if case.method is not None:
        return []  # a method the contract does not have: its scenario judges the answer
    selected = set(checks)
    chosen = set(only) if only is not None else None
    out = []
    for info in registered():
        if info.id not in selected or info.scope == "scenario":
            continue
        if chosen is not None and info.id not in chosen:
            continue
        if info.scope == "expectation" and (
            case.scenario is not None or (info.applies is not None and not info.applies(case))
        ):
            continue
        out.append(info)
    return out


def run_checks(
    ctx: CheckContext,
    checks: Iterable[str],
    case: Case,
    response: HttpResponse,
    *,
    only: Iterable[str] | None = None,
) -> dict[str, list[Finding]]:
    """Findings per applicable check for one response (nothing recorded)."""
    return {
        info.id: list(info.fn(ctx, case, response)) for info in applicable(checks, case, only=only)
    }
