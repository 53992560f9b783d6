"""What a run covers, as the case sources see it: operations, checks, resources, limits, and how
many credentials there are (never their values). And the run's time budget.

Built from the `contracttest.runner.plan.Plan` by the engine; everything a source decides about
what it may send (a write on a read-only run, an operation without credentials) is answered here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracttest.mock.routing import Router
    from contracttest.openapi.model import Operation, Spec
    from contracttest.openapi.resources import Resource, ResourceMap

__all__ = ["READ_METHODS", "UNROUTABLE_RULES", "Budget", "Scope", "unroutable"]

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Scope:
    """The subject of a run."""

    spec: Spec
    operations: tuple[Operation, ...]
    checks: tuple[str, ...]
    """Selected check ids, in display order."""
    resources: ResourceMap
    seed: int
    max_examples: int
    read_only: bool
    """A live endpoint without --allow-writes: only reads and requests expected to be refused."""
    credentials: int
    """How many credentials (orgs) the run has."""
    loopback: bool = False
    """The endpoint is on this machine (oversized bodies may be sent)."""
    max_units: int | None = None
    """Coverage units of each kind the run sends at most (None: every one)."""
    unroutable: Mapping[str, str] = field(default_factory=dict)
    """Operation key -> why no request can select it (`unroutable`)."""
    _routers: dict[str, Router | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Method -> a router over the spec's operations of that method (built on first use)."""

    def enabled(self, check_id: str) -> bool:
        return check_id in self.checks

    def selected(self, op: Operation) -> bool:
        return any(o is op for o in self.operations)

    def may_send(self, op: Operation, *, expect_rejection: bool = False) -> bool:
        """Whether the run may send this operation (writes need a loopback URL or --allow-writes)."""
        if not self.read_only or op.method in READ_METHODS:
            return True
        return expect_rejection

    def resource_of(self, op: Operation) -> Resource | None:
        binding = self.resources.binding(op)
        return binding.resource if binding is not None else None

    def role_of(self, op: Operation) -> str | None:
        binding = self.resources.binding(op)
        return binding.role if binding is not None else None

    def item_role(self, op: Operation) -> tuple[Resource | None, str | None]:
        """(resource, role) when ``op`` acts on one existing resource by its id, else (None, None)."""
        res = self.resource_of(op)
        role = self.role_of(op)
        if res is None or role not in ("get", "update", "delete") or not res.id_param:
            return None, None
        return res, role

    def documented_at(self, method: str, raw_path: str) -> Operation | None:
        """The spec's ``method`` operation whose template matches ``raw_path``, matched as the
        mock routes (Google's ``/v1/{name}`` matches ``/v1/x:checkDataAccess``)."""
        from contracttest.mock.routing import Router

        method = method.upper()
        if method not in self._routers:
            ops = [o for o in self.spec.operations if o.method.upper() == method]
            self._routers[method] = Router(ops, self.spec) if ops else None
        router = self._routers[method]
        match = router.match(method, raw_path) if router is not None else None
        return match.operation if match is not None else None

    def credential(self, index: int = 0) -> int | None:
        """The credential index to use (None when the run has none)."""
        return index if index < self.credentials else None

    def missing_credentials(self, op: Operation) -> bool:
        return op.secured and not self.credentials


UNROUTABLE_RULES = frozenset({"spec.path-fragment", "spec.path-ambiguous"})
"""Spec findings that, at error level, say no request can select an operation."""


def unroutable(spec: Spec, operations: Iterable[Operation]) -> dict[str, str]:
    """Operation key -> why no request can select it, from the spec's own findings.

    A path key's ``#fragment`` never travels (AWS's ``/#X-Amz-Target=...``): the request goes to
    the path without it, and reaches the operation only where a required header or query
    parameter pinned to one value tells it from the others at that path (a warning, and the
    operation is tested). Where nothing tells them apart, or two path keys are one template with
    other parameter names (``/c/{id}/offer`` and ``/c/{cid}/offer``), the finding is an error and
    the operation it names is skipped: a request to it reaches another.
    """
    from contracttest import _pointer
    from contracttest.findings import Severity

    errors: dict[str, str] = {}
    for d in spec.diagnostics:
        if d.rule in UNROUTABLE_RULES and d.severity >= Severity.ERROR:
            parts = _pointer.parts(d.pointer)
            if len(parts) >= 2 and parts[0] == "paths":
                errors.setdefault(parts[1], d.message)
    return {op.key: errors[op.path] for op in operations if op.path in errors}


@dataclass
class Budget:
    """The run's time limit (``--max-time``): sources stop starting new work once it is spent."""

    deadline: float | None = None

    @classmethod
    def of(cls, seconds: float | None) -> Budget:
        return cls(time.monotonic() + seconds if seconds else None)

    def exceeded(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def left(self) -> float | None:
        """Seconds left, or None without a limit."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
