"""The check registry: every check has a stable id, a title, a column label, and what runs it.

Three kinds of check register here, each with its implementation:

* ``response`` checks judge every response the run gets (``@check(..., scope="response")``);
* ``expectation`` checks judge what the server did with one kind of case (``applies`` says which);
* ``scenario`` checks are multi-request scenarios (a lifecycle, pagination, isolation): the
  registered function is the scenario itself, a case source over one resource or one list
  operation (``over``). Several checks may share one scenario (the lifecycle judges the
  discriminator too); it then runs once.

``phases`` names the phases (case sources) that exercise a check; a phase runs when a selected check
names it. Display order is registration order. This module holds the registry only;
`contracttest.runner.catalog` imports every module that registers a check, so its view is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from contracttest.runner.case import Case

__all__ = ["CheckInfo", "Level", "Scope", "check", "registered", "scenario_check"]

Scope = Literal["response", "expectation", "scenario"]
Level = Literal["contract", "advisory"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CheckInfo:
    """One registered check."""

    id: str
    title: str
    short: str
    """A column label for matrices (a word or two)."""
    description: str
    scope: Scope
    phases: tuple[str, ...]
    """The phases whose cases this check judges (``positive``, ``negative``, ``auth``, ``stateful``)."""
    fn: Callable[..., Any]
    """``response`` and ``expectation``: ``(ctx, case, response) -> Iterable[Finding]``;
    ``scenario``: ``(source_ctx, resource[, operation]) -> steps`` (a case source)."""
    applies: Callable[[Case], bool] | None = None
    """``expectation`` checks: the cases they judge."""
    over: Literal["resource", "list", "path"] | None = None
    """``scenario`` checks: one run per inferred resource, per list operation of one, or per path
    of the selected operations."""
    level: Level = "contract"
    """``contract``: a failure breaks the contract (fails the run); ``advisory``: goes beyond what
    the contract says (reported apart; fails the run only with ``--fail-on advisory``)."""


_REGISTRY: dict[str, CheckInfo] = {}


def _register(info: CheckInfo) -> None:
    got = _REGISTRY.get(info.id)
    if got is not None and got.fn is not info.fn:
        raise ValueError(f"check {info.id!r} is registered twice")
    _REGISTRY[info.id] = info


def check(
    id: str,
    *,
    title: str,
    short: str,
    description: str,
    scope: Literal["response", "expectation"] = "response",
    phases: tuple[str, ...],
    applies: Callable[[Case], bool] | None = None,
    level: Level = "contract",
) -> Callable[[F], F]:
    """Register a response or expectation check function under ``id`` (decorator)."""
    if scope == "expectation" and applies is None:
        raise ValueError(f"expectation check {id!r} needs applies=")

    def deco(fn: F) -> F:
        _register(CheckInfo(id, title, short, description, scope, phases, fn, applies, None, level))
        return fn

    return deco


def scenario_check(
    id: str,
    *,
    title: str,
    short: str,
    description: str,
    over: Literal["resource", "list", "path"],
    phases: tuple[str, ...] = ("stateful",),
    level: Level = "contract",
) -> Callable[[F], F]:
    """Register a scenario (a case source over one resource or list operation) as check ``id``."""

    def deco(fn: F) -> F:
        _register(
            CheckInfo(id, title, short, description, "scenario", phases, fn, None, over, level)
        )
        return fn

    return deco


def registered() -> list[CheckInfo]:
    """The checks registered so far, in registration (display) order."""
    return list(_REGISTRY.values())
