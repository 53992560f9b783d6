"""The check registry: every check has a stable id, a title and a short column label.

Checks register themselves with ``@check("response.schema", ...)`` (see `contracttest.runner.checks`
and `contracttest.runner.stateful`). Reports only need the metadata, so this module imports nothing
heavy; `checks_info()` loads the implementations on first use so the ids are always complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from contracttest.errors import UsageError

__all__ = ["CHECK_ORDER", "CheckInfo", "check", "check_info", "checks_info", "resolve_checks"]

Scope = Literal["response", "expectation", "scenario"]
F = TypeVar("F", bound=Callable[..., Any])

# Display order in reports (matrix columns). A registered id missing here goes last.
CHECK_ORDER = (
    "request.valid-accepted",
    "request.invalid-rejected",
    "request.error-names-field",
    "request.unknown-id",
    "response.status",
    "response.content-type",
    "response.schema",
    "response.no-secrets",
    "server.no-5xx",
    "auth.required",
    "auth.isolation",
    "stateful.lifecycle",
    "stateful.discriminator",
    "stateful.pagination",
    "stateful.filters",
)


@dataclass(frozen=True)
class CheckInfo:
    """One registered check."""

    id: str
    title: str
    short: str
    """A column label for matrices (a word or two)."""
    description: str
    scope: Scope
    """``response``: runs on every response; ``expectation``: on cases of one kind;
    ``scenario``: a multi-request scenario (stateful, isolation)."""
    fn: Callable[..., Any] | None = None


_REGISTRY: dict[str, CheckInfo] = {}


def check(
    id: str, *, title: str, short: str, description: str, scope: Scope = "response"
) -> Callable[[F], F]:
    """Register a check function under ``id`` (decorator)."""

    def deco(fn: F) -> F:
        if id in _REGISTRY and _REGISTRY[id].fn is not fn:
            raise ValueError(f"check {id!r} is registered twice")
        _REGISTRY[id] = CheckInfo(id, title, short, description, scope, fn)
        return fn

    return deco


def _load() -> None:
    # Importing registers the built-in checks.
    import contracttest.runner.checks
    import contracttest.runner.stateful  # noqa: F401


def checks_info() -> list[CheckInfo]:
    """Every registered check, in display order."""
    _load()
    order = {cid: i for i, cid in enumerate(CHECK_ORDER)}
    return sorted(_REGISTRY.values(), key=lambda c: (order.get(c.id, len(order)), c.id))


def check_info(id: str) -> CheckInfo:
    _load()
    try:
        return _REGISTRY[id]
    except KeyError:
        raise UsageError(
            f"no check {id!r}; known checks: {', '.join(c.id for c in checks_info())}"
        ) from None


def resolve_checks(selection: list[str] | None) -> list[str]:
    """Check ids selected by exact ids or prefixes (``auth`` selects ``auth.*``); all when empty."""
    every = [c.id for c in checks_info()]
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
