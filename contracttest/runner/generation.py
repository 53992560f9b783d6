"""The runner's bridge to the generators and validators: strategies per target, Hypothesis driving,
and how parameters look on the wire.

Query and path parameters travel as strings, so a generated value is judged as the server sees it:
the string is coerced back by the parameter's schema type (``"5"`` -> 5 for a number) and validated
again. A mutation that the wire erases (the number 5 turned into the string ``"5"``) is not an
invalid case, and a valid value whose text the server cannot read back is not a valid one.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from contracttest import _pointer
from contracttest.errors import SpecError
from contracttest.findings import Finding, Severity
from contracttest.runner.case import Violation
from contracttest.runner.http import encode_query

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from contracttest.openapi.model import Operation, Spec

__all__ = [
    "Generation",
    "NoValidPayload",
    "draw_examples",
    "draws",
    "explore",
    "field_names",
    "headers_of",
    "params_of",
]

BOUNDARY_LIMIT = 300
"""Boundary cases drawn per target (the runner sends a deduplicated subset)."""


class NoValidPayload(SpecError):
    """No value satisfies a target's schema (a closed object that requires a member it never
    declares, ``minLength`` above ``maxLength``...): a defect of the spec, not of the server. The run
    names it as a spec finding and skips the cases that need such a value, with this reason."""

    def __init__(self, target: str, reason: str, pointer: str) -> None:
        super().__init__(f"{target}: no valid payload exists: {reason}", pointer=pointer)
        self.target = target
        self.reason = reason

    @property
    def skip_reason(self) -> str:
        """Why the cases that need such a value were skipped (what a result shows)."""
        return f"the spec allows no valid value here (a spec defect, see spec findings): {self}"


@dataclass(frozen=True)
class Labelled:
    """An invalid payload and what breaks it."""

    payload: Any
    violation: Violation


class _Labelled(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def pointer(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def expected(self) -> str | None: ...


def violation_of(found: _Labelled) -> Violation:
    """The violation a finding (or a generator's label) describes, with the names a good error
    message would use."""
    return Violation(
        found.rule,
        found.pointer,
        found.message,
        field_names(found.pointer, found.message, found.expected),
    )


def field_names(pointer: str, message: str = "", expected: str | None = None) -> tuple[str, ...]:
    """Names a good error message would use for a violation at ``pointer``.

    The last property name in the pointer (``/fallbackDestination/number`` -> ``number``), its dotted
    path, and names quoted in the violation's message (the missing property of ``required``, the
    extra one of ``additionalProperties``).
    """
    parts = [p for p in _pointer.parts(pointer) if p]
    if parts and parts[0] in ("query", "path", "header", "cookie", "body"):
        parts = parts[1:]
    names: list[str] = []
    for text in (message, expected or ""):
        for m in re.finditer(r"""['"`]([A-Za-z_$][\w$.\-]*)['"`]""", text):
            if m.group(1) not in names:
                names.append(m.group(1))
    props = [p for p in parts if not p.isdigit()]
    if props:
        dotted = ".".join(parts)
        for n in (props[-1], dotted):
            if n not in names:
                names.append(n)
    return tuple(names)


def explore(
    strategy: SearchStrategy[Any],
    test: Callable[[Any], None],
    *,
    max_examples: int,
    seed: int,
) -> str | None:
    """Run ``test`` on up to ``max_examples`` values of ``strategy`` (seeded, no database).

    Returns a note when Hypothesis could not generate enough values, else None. Exceptions from
    ``test`` propagate (the runner records failures itself and never raises them).
    """
    if max_examples <= 0:
        return None
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hseed
    from hypothesis.errors import Unsatisfiable

    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        report_multiple_bugs=False,
    )
    @hseed(seed)
    @given(strategy)
    def run(value: Any) -> None:
        test(value)

    import warnings

    from hypothesis.errors import HypothesisWarning

    with warnings.catch_warnings():
        # Hypothesis renders a strategy's repr for its own reporting; ours are large on purpose.
        warnings.filterwarnings(
            "ignore", message=".*overly large repr.*", category=HypothesisWarning
        )
        try:
            run()
        except Unsatisfiable as exc:
            return f"could not generate enough examples: {exc}"
    return None


def draw_examples(strategy: SearchStrategy[Any], n: int, seed: int) -> list[Any]:
    """Up to ``n`` values of ``strategy``, deterministic for a seed (small ones first)."""
    return draws(strategy, max(n, 1), seed)[0]


def draws(strategy: SearchStrategy[Any], n: int, seed: int) -> tuple[list[Any], str | None]:
    """Up to ``n`` values of ``strategy`` (deterministic for a seed), and a note when Hypothesis
    could not generate that many. Drawn before any is used: the runner never nests a Hypothesis
    run inside another, and a case source can yield them one by one."""
    out: list[Any] = []
    note = explore(strategy, out.append, max_examples=n, seed=seed)
    return out, note


class Generation:
    """Strategies and validity checks for one spec, cached per target."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], Any] = {}
        self.on_spec_fault: Callable[[Finding], None] | None = None
        """Told about each finding the validator blames on the spec."""
        self.on_no_payload: Callable[[NoValidPayload], None] | None = None
        """Told about each target whose schema no value satisfies (each time it is asked for)."""

    # -- strategies ------------------------------------------------------------------------
    def valid(self, target: str) -> SearchStrategy[Any]:
        got: SearchStrategy[Any] = self._cached("valid", target, self._build_valid)
        return got

    def invalid(self, target: str) -> SearchStrategy[Labelled]:
        got: SearchStrategy[Labelled] = self._cached("invalid", target, self._build_invalid)
        return got

    def boundary(self, target: str) -> list[tuple[Any, Violation | None]]:
        """Deterministic values at and just past each limit: (payload, violation or None)."""
        got: list[tuple[Any, Violation | None]] = self._cached(
            "boundary", target, self._build_boundary
        )
        return got

    def _cached(self, kind: str, target: str, build: Callable[[str], Any]) -> Any:
        key = (kind, target)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        self.check_satisfiable(target)
        value = build(target)
        with self._lock:
            return self._cache.setdefault(key, value)

    def check_satisfiable(self, target: str) -> None:
        """Raise `NoValidPayload` (telling ``on_no_payload``) when no value satisfies ``target``'s
        schema. Valid, invalid and boundary values all start from a valid one, so none exists then.
        A plan cut only by the recursion bound is the generator's limit, not the spec's defect: its
        error is left to the strategies."""
        from contracttest import strategies

        plan = strategies.plan(self.spec, target)
        root = plan.root
        if plan.satisfiable or getattr(root, "cut", False):
            return
        exc = NoValidPayload(target, getattr(root, "reason", ""), getattr(root, "pointer", ""))
        if self.on_no_payload is not None:
            self.on_no_payload(exc)
        raise exc

    def _build_valid(self, target: str) -> SearchStrategy[Any]:
        from contracttest import strategies

        built: SearchStrategy[Any] = strategies.valid(self.spec, target)
        return built

    def _build_invalid(self, target: str) -> SearchStrategy[Labelled]:
        from contracttest import strategies

        def label(item: Any) -> Labelled:
            payload, violation = _unpack(item)
            return Labelled(payload, violation)

        built: SearchStrategy[Labelled] = strategies.invalid(self.spec, target).map(label)
        return built

    def _build_boundary(self, target: str) -> list[tuple[Any, Violation | None]]:
        from contracttest import strategies

        out: list[tuple[Any, Violation | None]] = []
        for item in strategies.boundary_cases(self.spec, target, limit=BOUNDARY_LIMIT):
            payload, violation = _unpack(item)
            out.append((payload, violation if _is_invalid(item) else None))
        return out

    # -- validity --------------------------------------------------------------------------
    def findings(
        self, target: str, payload: Any, *, disputed: list[Finding] | None = None
    ) -> list[Finding]:
        """ERROR findings of ``payload`` against ``target`` (empty: the server must accept it).

        Findings the spec is to blame for (overlapping ``oneOf`` branches...) are left out and go
        to ``on_spec_fault`` (and to ``disputed``, when given): a payload that only breaks those
        is no negative case, and no positive one either (the server may go either way)."""
        from contracttest.validate import get_validator
        from contracttest.validate._report import blames_spec

        v = get_validator(self.spec, target)
        out = []
        for f in v.iter_findings(payload):
            if f.severity < Severity.ERROR:
                continue
            if blames_spec(f):
                if self.on_spec_fault is not None:
                    self.on_spec_fault(f)
                if disputed is not None:
                    disputed.append(f)
                continue
            out.append(f)
        return out

    def is_valid(self, target: str, payload: Any) -> bool:
        from contracttest.validate import get_validator

        return bool(get_validator(self.spec, target).is_valid(payload))

    # -- parameters on the wire ----------------------------------------------------------------
    def wire_params(
        self, op: Operation, path: dict[str, Any], query: Iterable[tuple[str, Any]]
    ) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """Parameter values as the server receives them (strings)."""
        from contracttest.runner.http import _wire_scalar

        return {k: _wire_scalar(v) for k, v in path.items()}, encode_query(list(query))

    def wire_findings(
        self,
        op: Operation,
        path: dict[str, str],
        query: list[tuple[str, str]],
        *,
        headers: dict[str, str] | None = None,
        disputed: list[Finding] | None = None,
    ) -> list[Finding]:
        """What is wrong with parameters as the server reads them back from their strings."""
        if not op.parameters:
            return []
        target = f"{op.label}:parameters"
        schema = self.spec.target(target).schema()
        groups = schema.get("properties", {})
        defs = schema.get("definitions", {})
        params: dict[str, dict[str, Any]] = {}
        if path or "path" in groups:
            params["path"] = {
                k: _coerce(v, _prop(groups, "path", k), defs) for k, v in path.items()
            }
        q: dict[str, Any] = {}
        for name, value in query:
            node = _prop(groups, "query", name)
            if _is_array(node, defs):
                q.setdefault(name, []).append(_coerce(value, _items(node, defs), defs))
            else:
                q[name] = _coerce(value, node, defs)
        if q or "query" in schema.get("required", []):
            params["query"] = q
        if headers is not None and (headers or "header" in groups):
            params["header"] = {
                k: _coerce(v, _prop(groups, "header", k), defs) for k, v in headers.items()
            }
        found = self.findings(target, params, disputed=disputed)
        if headers is None:
            # Headers not given are not judged: every request gets its required ones on the way
            # out (`Fixtures.address`), so their absence here says nothing of the case.
            found = [f for f in found if not _in_group(f.pointer, "header")]
        return found

    def params_wire_findings(self, op: Operation, params: Any) -> list[Finding]:
        """`wire_findings` of a generated parameter set ``{"path": .., "query": .., "header": ..}``."""
        from contracttest.runner.http import _wire_scalar

        groups: dict[str, Any] = params if isinstance(params, dict) else {}

        def group(name: str) -> dict[str, Any]:
            got = groups.get(name)
            return got if isinstance(got, dict) else {}

        path, query, header = group("path"), group("query"), group("header")
        wire_path, wire_query = self.wire_params(op, path, list(query.items()))
        wire_headers = {k: _wire_scalar(v) for k, v in header.items()}
        return self.wire_findings(op, wire_path, wire_query, headers=wire_headers)

    def plan(self, target: str) -> Any:
        """The generator's plan of ``target`` (`contracttest.generate.compiler.Plan`)."""
        from contracttest import strategies

        return strategies.plan(self.spec, target)

    def rule_table(self) -> Any:
        """The spec's rule table (None without one)."""
        from contracttest.generate.core import generator_for

        semantic = generator_for(self.spec).semantic
        return semantic.table if semantic is not None else None

    def validator(self, target: str) -> Any:
        from contracttest.validate import get_validator

        return get_validator(self.spec, target)


def params_of(draw: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """(path values, query pairs) of a generated parameter set ``{"path": ..., "query": ...}``."""
    path: dict[str, Any] = {}
    query: list[tuple[str, Any]] = []
    if isinstance(draw, dict):
        p = draw.get("path")
        if isinstance(p, dict):
            path.update(p)
        q = draw.get("query")
        if isinstance(q, dict):
            query.extend(q.items())
    return path, query


def headers_of(draw: Any) -> tuple[tuple[str, str], ...]:
    """Header parameters of a generated parameter set, as wire strings."""
    from contracttest.runner.http import _wire_scalar

    h = draw.get("header") if isinstance(draw, dict) else None
    if not isinstance(h, dict):
        return ()
    return tuple((str(k), _wire_scalar(v)) for k, v in h.items())


def _in_group(pointer: str, group: str) -> bool:
    """Whether a parameter finding is about ``group`` (``/header/x``, or ``/header`` missing)."""
    return pointer == f"/{group}" or pointer.startswith(f"/{group}/")


def _unpack(item: Any) -> tuple[Any, Violation]:
    """Accept the generators' labelled values in any of their shapes."""
    if isinstance(item, tuple) and len(item) == 2:
        payload, label = item
    else:
        payload = getattr(item, "payload", getattr(item, "value", item))
        label = getattr(item, "violation", None)
    rule = str(getattr(label, "rule", "") or "invalid")
    pointer = str(getattr(label, "pointer", "") or "")
    message = str(
        getattr(label, "message", "")
        or getattr(label, "description", "")
        or getattr(item, "description", "")
        or ""
    )
    expected = getattr(label, "expected", None)
    return payload, Violation(rule, pointer, message, field_names(pointer, message, expected))


def _is_invalid(item: Any) -> bool:
    flag = getattr(item, "valid", None)
    if flag is not None:
        return not flag
    return getattr(item, "violation", None) is not None


def _deref(node: Any, defs: dict[str, Any]) -> Any:
    hops = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
        ref = node["$ref"]
        name = ref.rsplit("/", 1)[-1]
        node = defs.get(name, {})
        hops += 1
    return node


def _prop(groups: dict[str, Any], loc: str, name: str) -> Any:
    group = groups.get(loc, {})
    return group.get("properties", {}).get(name, {}) if isinstance(group, dict) else {}


def _types(node: Any, defs: dict[str, Any]) -> set[str]:
    node = _deref(node, defs)
    if not isinstance(node, dict):
        return set()
    t = node.get("type")
    out: set[str] = set()
    if isinstance(t, str):
        out.add(t)
    elif isinstance(t, list):
        out.update(str(x) for x in t)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []) or []:
            out |= _types(sub, defs)
    if "enum" in node and not out:
        for v in node["enum"]:
            out.add(
                "boolean"
                if isinstance(v, bool)
                else "number"
                if isinstance(v, (int, float))
                else "string"
            )
    return out


def _is_array(node: Any, defs: dict[str, Any]) -> bool:
    return "array" in _types(node, defs)


def _items(node: Any, defs: dict[str, Any]) -> Any:
    node = _deref(node, defs)
    return node.get("items", {}) if isinstance(node, dict) else {}


_NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")


def _coerce(value: str, node: Any, defs: dict[str, Any]) -> Any:
    """A parameter string read back by its schema's type (what a typed server does)."""
    types = _types(node, defs)
    if types & {"integer", "number"} and _NUMBER.match(value.strip() or "x"):
        num = float(value)
        if not math.isfinite(num):
            return value
        if num.is_integer() and abs(num) < 2**63:
            return int(num)
        return num
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    if "null" in types and value == "null":
        return None
    return value
