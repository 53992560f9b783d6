"""Boundary cases, shared by the positive phase (each limit reached: accepted) and the negative one
(each limit just passed: rejected): the generators' boundary bodies, and query values at and past
their limits judged on the wire.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError
from contracttest.runner.builder import params_of, path_text
from contracttest.runner.case import NO_BODY, Case, Violation, provoked_for
from contracttest.runner.generation import Labelled, NoValidPayload
from contracttest.runner.http import URL_TEXT_LIMIT
from contracttest.runner.verdicts import Errored, Skipped

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.runner.context import SourceContext
    from contracttest.runner.verdicts import Verdict

__all__ = ["META_TEXTS", "body_boundaries", "pattern", "query_boundaries"]

MAX_BOUNDARY = 25
META_TEXTS = ('O\'Brien "x" (a) [b] 50% _*\\', "O'Brien (a) [b] %", "'(%")
"""Text that breaks a query built by concatenation: SQL quotes, LIKE wildcards, regex brackets."""


def pattern(pointer: str) -> str:
    """A pointer with array indexes as ``*`` (one place, whichever item)."""
    import re

    return re.sub(r"/\d+(?=/|$)", "/*", pointer)


def body_boundaries(ctx: SourceContext, op: Operation, *, valid: bool) -> Iterator[Case | Verdict]:
    """The generators' boundary phase: each constraint at its limit (must be accepted; with
    ``valid``) or just past it (must be rejected), one case per constraint and place."""
    target = f"{op.label}:request"
    try:
        cases = ctx.generation.boundary(target)
    except NoValidPayload as exc:
        yield Skipped(
            op, "request.valid-accepted" if valid else "request.invalid-rejected", exc.skip_reason
        )
        return
    except ContractTestError as exc:
        yield Errored(op, "request.valid-accepted", f"cannot build boundary cases: {exc}")
        return
    builder, scope = ctx.builder, ctx.scope
    params = builder.sample_params(op)
    path, query = params_of(params)
    res, role = scope.item_role(op)
    seen: set[tuple[str, str]] = set()
    valid_sent = invalid_sent = 0
    # Values at an upper limit first (a 40-character name), then the rest in generator order.
    cases = sorted(cases, key=lambda c: -_longest(c[0]) if c[1] is None else 0)
    for payload, violation in cases:
        if (violation is None) != valid:
            continue
        if violation is None:
            if valid_sent >= MAX_BOUNDARY or scope.read_only:
                continue
            key = ("valid", _shape(payload))
            if key in seen:
                continue
            seen.add(key)
            expect = "success"
            description = "valid body at a boundary"
            item_path = path
            if res is not None and res.id_param:
                inst, _why, _tag = builder.known_id(op, payload)
                if inst is None:
                    continue
                item_path = {**path, res.id_param: inst.id}
                if role == "update" and not builder.merge_valid(res, inst, payload):
                    expect, description = "any", "boundary patch that breaks a cross-field rule"
            valid_sent += 1
            yield Case(
                operation=op,
                kind="boundary",
                expect=expect,  # type: ignore[arg-type]
                path_params=item_path,
                query=tuple(query),
                body=payload,
                credential=scope.credential(),
                description=description,
                known_resource=res is not None,
            )
            continue
        key = (violation.rule, pattern(violation.pointer))
        if invalid_sent >= MAX_BOUNDARY or key in seen:
            continue
        # The validator decides, as for every negative case: a value past one oneOf branch's
        # limit may be valid under another, and one that only the spec's own contradiction
        # speaks against (mailscript's oneOf branches overlap, so every branch takes "x") is no
        # case the server must refuse.
        case = builder.invalid_body_case(op, Labelled(payload, violation), params)
        if case is None or case.violation is None:
            continue
        seen.add(key)
        invalid_sent += 1
        v = case.violation
        yield case.with_(
            kind="boundary", description=f"just past a limit: {v.rule} at {path_text(v.pointer)}"
        )


def query_boundaries(ctx: SourceContext, op: Operation, *, valid: bool) -> Iterator[Case]:
    """Query parameters at each limit (must be accepted; with ``valid``: the positive phase) or
    just past it (must be rejected); validity decided on the wire. Huge values where the schema
    sets no maximum only have to avoid a 5xx."""
    builder, scope = ctx.builder, ctx.scope
    res, _role = scope.item_role(op)
    path, sampled = params_of(builder.sample_params(op))
    # The other required query parameters keep their valid values: without them every value
    # would be "out of range" (the server names the missing one, not the one under test).
    required = {p.name for p in op.parameters if p.location == "query" and p.required}
    if res is not None and res.id_param:
        if op.method != "GET":
            return  # a write with a lenient server would change a real resource
        path = builder.item_path(op, NO_BODY, path)
    body = builder.sample_body(op)
    for param in op.parameters:
        if param.location != "query":
            continue
        schema = builder.param_schema(op, param.name)
        others = tuple((k, v) for k, v in sampled if k in required and k != param.name)
        for value in _boundary_values(schema):
            query = (*others, (param.name, value))
            wire_path, wire_query = ctx.generation.wire_params(op, path, query)
            disputed: list[Any] = []
            findings = ctx.generation.wire_findings(op, wire_path, wire_query, disputed=disputed)
            if bool(findings) == valid:
                continue
            if disputed and not findings:
                # Only the spec's own contradiction speaks against it: no expectation but no 5xx.
                yield Case(
                    operation=op,
                    kind="boundary",
                    expect="any",
                    path_params=path,
                    query=query,
                    body=body,
                    credential=scope.credential(),
                    description=f"{param.name}={value!r} (the spec contradicts itself here)",
                )
                continue
            if findings:
                f = findings[0]
                yield Case(
                    operation=op,
                    kind="boundary",
                    expect="reject",
                    path_params=path,
                    query=query,
                    body=body,
                    credential=scope.credential(),
                    violation=Violation(f.rule, f.pointer, f.message, (param.name,)),
                    description=f"{param.name}={value!r} (out of range)",
                    provoked=provoked_for("reject"),
                )
            elif op.method == "GET" or not scope.read_only:
                yield Case(
                    operation=op,
                    kind="boundary",
                    expect="success",
                    path_params=path,
                    query=query,
                    body=body,
                    credential=scope.credential(),
                    description=f"{param.name}={value!r} (boundary value)",
                )
        if valid and (op.method == "GET" or not scope.read_only):
            for value in _huge_values(schema):
                yield Case(
                    operation=op,
                    kind="boundary",
                    expect="any",
                    path_params=path,
                    query=(*others, (param.name, value)),
                    body=body,
                    credential=scope.credential(),
                    description=f"{param.name}={value!r} (no documented maximum)",
                )


def _huge_values(schema: dict[str, Any]) -> list[Any]:
    """Large numbers for a numeric parameter without a maximum (offsets overflow, pages run out)."""
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if not ({"integer", "number"} & set(types)) or "maximum" in schema or "enum" in schema:
        return []
    return [2**31, 10**15]


def _boundary_values(schema: dict[str, Any]) -> list[Any]:
    """Values at and just past the limits of a parameter schema (validity is decided later)."""
    out: list[Any] = []
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if "enum" in schema and isinstance(schema["enum"], list):
        for v in schema["enum"][:6]:
            out.append(v)
            if isinstance(v, str) and v.swapcase() != v:
                out.append(v.swapcase())
        out.append("NOT-A-CHOICE")
        return out
    if "integer" in types or "number" in types:
        lo, hi = schema.get("minimum"), schema.get("maximum")
        for bound, step in ((lo, -1), (hi, 1)):
            if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                out += [bound, bound + step]
        if "number" in types:
            out.append(0.5 if not isinstance(lo, (int, float)) or lo <= 0.5 else lo + 0.5)
        else:
            out.append(1.5)
        out += ["abc", "NaN", "1e999"]
        return out
    if "boolean" in types:
        return [True, False, "yes"]
    if "string" in types or not types:
        fmt = schema.get("format")
        if fmt == "date-time":
            return ["2024-01-01T00:00:00Z", "2024-02-30T10:00:00Z", "yesterday"]
        if fmt == "uuid":
            return [str(uuid.UUID(int=0)), "not-a-uuid"]
        mx, mn = schema.get("maxLength"), schema.get("minLength")
        if isinstance(mx, int) and mx < URL_TEXT_LIMIT:
            out += ["x" * mx, "x" * (mx + 1)]
        if fmt is None and "pattern" not in schema:
            # Free text in a query (search): a server that splices it into SQL, a LIKE or a
            # regex breaks on these; validity is decided on the wire like every value here.
            out += [text for text in META_TEXTS if not isinstance(mx, int) or len(text) <= mx]
        if isinstance(mn, int) and 0 < mn <= URL_TEXT_LIMIT:
            out += ["x" * mn, "x" * (mn - 1)]
    return out


def _longest(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((_longest(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_longest(v) for v in value), default=0)
    return 0


def _shape(payload: Any) -> str:
    """Which members a payload sets, and the length class of each scalar: boundary cases that
    differ only in values of the same kind are one case."""
    import json

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: walk(x) for k, x in sorted(v.items())}
        if isinstance(v, list):
            return [walk(x) for x in v[:3]]
        if isinstance(v, str):
            return f"s{len(v)}"
        return type(v).__name__ + (str(v) if isinstance(v, (int, float)) else "")

    return json.dumps(walk(payload), sort_keys=True)
