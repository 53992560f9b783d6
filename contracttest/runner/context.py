"""What a case source gets, and what it gives back.

A source turns a narrow, typed `SourceContext` (the spec, the run's scope, the fixtures, the time
budget, the case builder) into `Unit`s of work. A unit's ``steps`` is a generator: it yields a
`contracttest.runner.case.Case` to have it sent (the engine sends it, runs the checks on the
exchange, and sends the `contracttest.runner.http.Exchange` back into the generator, or None when
it could not or may not be sent), and yields verdicts (`contracttest.runner.verdicts`) for what
its scenario concluded. A source never sends a request or records a result itself.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracttest.runner.case import Case
from contracttest.runner.verdicts import Verdict

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.runner.builder import CaseBuilder
    from contracttest.runner.fixtures import Fixtures, Ledger
    from contracttest.runner.generation import Generation
    from contracttest.runner.http import Exchange
    from contracttest.runner.scope import Budget, Scope

__all__ = ["SourceContext", "Step", "Steps", "Unit"]

Step = Case | Verdict
Steps = Generator[Step, "Exchange | None", None]
"""A unit's work: cases to send (the exchange comes back) and verdicts."""


@dataclass(frozen=True)
class SourceContext:
    """Everything a case source may use."""

    spec: Spec
    scope: Scope
    """What the run covers (operations, checks, resources, seed, limits, credential count)."""
    fixtures: Fixtures
    ledger: Ledger
    budget: Budget
    builder: CaseBuilder

    @property
    def generation(self) -> Generation:
        return self.builder.generation

    @property
    def credentials(self) -> int:
        return self.scope.credentials


@dataclass(frozen=True)
class Unit:
    """One unit of a phase's work (an operation's cases, one scenario), for progress and errors."""

    label: str
    operation: Operation
    check: str
    """The check a unit that cannot be carried out is reported under."""
    steps: Callable[[], Steps]
