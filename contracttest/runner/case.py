"""A test case: one request the runner sends, and what it expects the server to do with it.

``expect`` says which outcome is right; ``provoked`` lists the statuses the case deliberately provokes
(a 400 for an invalid body, a 404 for an unknown id, a 401 for missing credentials), which the
status-code check forgives when the spec documents no error responses at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation

__all__ = ["NO_BODY", "Case", "CoverageUnit", "Expect", "UnitKind", "Violation", "provoked_for"]

Expect = Literal["success", "reject", "not-found", "unauthorized", "hidden", "any"]
"""``success``: a documented 2xx; ``reject``: a 4xx; ``not-found``: 404/410; ``unauthorized``:
401/403; ``hidden``: 403/404 (another org's resource); ``any``: only the response checks apply."""

Credential = int | None | Literal["invalid"]
UnitKind = Literal["negative", "edge"]


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"

    def __bool__(self) -> bool:
        return False


NO_BODY: Any = _NoBody()


def provoked_for(expect: Expect, *, path_violation: bool = False) -> frozenset[int]:
    """The error statuses a case of this kind provokes on purpose."""
    if expect == "reject":
        base = {400, 413, 415, 422}
        if path_violation:
            base.add(404)
        return frozenset(base)
    if expect == "not-found":
        return frozenset({404, 410})
    if expect == "unauthorized":
        return frozenset({401, 403})
    if expect == "hidden":
        return frozenset({403, 404})
    return frozenset()


@dataclass(frozen=True)
class Violation:
    """What makes an invalid case invalid (from the generator's label or the validator)."""

    rule: str
    pointer: str
    """JSON pointer into the body (``/number``), or ``/query/limit`` / ``/path/id`` for parameters."""
    message: str = ""
    names: tuple[str, ...] = ()
    """Field names a good error message would mention."""


@dataclass(frozen=True)
class CoverageUnit:
    """One thing to exercise: a place, a rule, a way (``edge``: a valid value at a limit)."""

    operation: str
    part: str
    """``body``, ``query``, ``path`` or ``header``."""
    variant: str
    """The top-level variant (``provider='twilio'``), or ``""``."""
    location: str
    """JSON pointer of the place in the part, array items as ``*`` (``/hooks/*/on``)."""
    rule: str
    way: str
    kind: UnitKind = "negative"
    schema: str = ""
    """The spec pointer of the schema node the place is (its identity, with the variant)."""

    @property
    def family(self) -> str:
        """``schema``, ``discriminator``, ``phone``, ``length``, ``hooks``... or ``edge``."""
        return "edge" if self.kind == "edge" else self.rule.split(".", 1)[0]

    @property
    def key(self) -> tuple[str, ...]:
        return (
            self.operation,
            self.part,
            self.variant,
            self.schema or self.location,
            self.rule,
            self.way,
            self.kind,
        )

    def describe(self) -> str:
        where = f"{self.part}{self.location or '/'}"
        variant = f" [{self.variant}]" if self.variant else ""
        if self.kind == "edge":
            return f"valid edge at {where}{variant}: {self.way}"
        return f"{self.rule} at {where}{variant}: {self.way}"


@dataclass(frozen=True)
class Case:
    """One request and its expectation."""

    operation: Operation
    kind: str
    """``valid``, ``invalid``, ``robustness``, ``boundary``, ``auth``, ``stateful``, ``isolation``..."""
    expect: Expect
    path_params: Mapping[str, Any] = field(default_factory=dict)
    query: tuple[tuple[str, Any], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = NO_BODY
    raw_body: bytes | None = None
    """Bytes sent as they are (malformed JSON on purpose); overrides ``body``."""
    content_type: str | None = None
    """Defaults to the operation's JSON media type when there is a body."""
    credential: Credential = 0
    """Index of the credential to authenticate with, None for none, ``"invalid"`` for a wrong one."""
    violation: Violation | None = None
    description: str = ""
    provoked: frozenset[int] = frozenset()
    may_not_exist: bool = False
    """A path value names something the run did not create (drawn from the parameter's schema):
    a valid request may be answered 404/410."""
    known_resource: bool = False
    """The path id names a resource the run created for this credential (a 2xx DELETE of it
    retires the resource)."""
    scenario: str | None = None
    """The scenario check a step belongs to: the scenario judges what the step achieved, so only
    the response checks apply to it."""
    steps: tuple[str, ...] = ()
    """For a scenario step: the requests that led up to it (shown with a failure)."""
    unit: CoverageUnit | None = None
    """The coverage unit this case exercises (`contracttest.runner.enumeration`)."""
    method: str | None = None
    """A method the operation does not have (the undocumented-method probe); None: the
    operation's. Such a request is outside the contract: no check judges it, its scenario does."""

    def with_(self, **changes: Any) -> Case:
        return replace(self, **changes)

    @property
    def label(self) -> str:
        return self.operation.label

    @property
    def has_body(self) -> bool:
        return self.raw_body is not None or self.body is not NO_BODY

    def payload(self) -> Any:
        """What to show as the case's payload in reports: the body, else the parameters."""
        if self.body is not NO_BODY:
            return self.body
        if self.raw_body is not None:
            return None
        params: dict[str, Any] = {}
        if self.path_params:
            params["path"] = dict(self.path_params)
        if self.query:
            params["query"] = dict(self.query)
        return params or None

    def body_bytes(self) -> bytes | None:
        if self.raw_body is not None:
            return self.raw_body
        if self.body is NO_BODY:
            return None
        try:
            text = json.dumps(self.body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            return text.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates: the escaped form is still valid JSON text.
            return json.dumps(self.body, ensure_ascii=True, allow_nan=False).encode("ascii")
