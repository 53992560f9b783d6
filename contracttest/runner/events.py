"""Events a run emits, and the handler protocol that consumes them (console, reports, pytest).

The engine never prints: it emits events, and handlers decide what to show. A handler's ``start`` gets
the plan, ``handle_event`` every event in order (from the engine's thread), ``shutdown`` runs once at
the end, even when the run was interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from contracttest.runner.plan import Plan
    from contracttest.runner.results import CheckResult, Failure, RunMetadata, RunResult

__all__ = [
    "CaseDone",
    "CheckDone",
    "Event",
    "Handler",
    "Note",
    "PhaseDone",
    "PhaseStarted",
    "RunDone",
    "RunStarted",
]


@dataclass(frozen=True)
class RunStarted:
    metadata: RunMetadata


@dataclass(frozen=True)
class PhaseStarted:
    phase: str
    """``positive``, ``negative``, ``auth``, ``stateful``, ``cleanup``."""
    title: str
    total: int
    """Units of work in this phase (operations or scenarios), for progress bars."""


@dataclass(frozen=True)
class CaseDone:
    """One unit of work of a phase finished (an operation's examples, a scenario)."""

    phase: str
    operation: str
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class CheckDone:
    """A check reached its final status for an operation."""

    result: CheckResult


@dataclass(frozen=True)
class PhaseDone:
    phase: str
    seconds: float
    requests: int


@dataclass(frozen=True)
class Note:
    """Something the user should know that is not a check result (a skipped phase, a cleanup issue)."""

    message: str
    level: str = "info"


@dataclass(frozen=True)
class RunDone:
    result: RunResult


Event = RunStarted | PhaseStarted | CaseDone | CheckDone | PhaseDone | Note | RunDone


class Handler(Protocol):
    """Consumes a run's events."""

    def start(self, plan: Plan) -> None: ...

    def handle_event(self, event: Event) -> None: ...

    def shutdown(self) -> None: ...
