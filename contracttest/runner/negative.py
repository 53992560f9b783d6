"""The negative phase: what the server must refuse, and input that must never make it fail.

Per operation: the generators' labelled invalid bodies and parameters (Hypothesis), deterministic
probes (an odd value in place of each member of valid bodies, one case per constraint), the
generators' boundary cases (each limit accepted, just past it rejected), malformed and odd bodies
(truncated JSON, non-objects, wrong content types, deep nesting, NUL and astral text), query values
at and past their limits, and malformed or unknown path ids. Validity is always decided by the
validator (for parameters, on their wire form), never assumed.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError
from contracttest.runner.case import NO_BODY, Case, Violation, provoked_for
from contracttest.runner.executor import declared_properties, discriminator_property
from contracttest.runner.generation import field_names

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.openapi.resources import Resource
    from contracttest.runner.engine import Runner

__all__ = ["invalid_body_case", "invalid_params_case", "run_negative"]

MAX_PROBES = 80
MAX_BOUNDARY = 25
MAX_PROBE_TRIES = 600
# Odd values tried in place of each member of a valid body (strings, numbers, types, nulls).
_PROBE_VALUES: tuple[Any, ...] = (
    "",
    "x" * 5000,
    "12ab",
    "+1",
    "not a value",
    123,
    -1,
    1e12,
    True,
    None,
    {},
    [],
)
BAD_IDS = (
    "not-a-uuid",
    "0",
    "-1",
    "null",
    "' OR '1'='1",
    "x" * 300,
    "ñ",
    "00000000-0000-0000-0000-00000000000g",
)


def run_negative(runner: Runner, op: Operation) -> None:
    check = "request.invalid-rejected"
    if runner.missing_credentials(op):
        runner.ctx.skip(op, check, "no credentials (pass --token or set CONTRACTTEST_TOKEN)")
        return
    if not runner.plan.may_send(op, expect_rejection=True):
        runner.ctx.skip(op, check, "read-only run")
        return
    if op.json_body() is not None:
        _invalid_bodies(runner, op)
        for case in _probes(runner, op):
            runner.executor.send(case)
        for case in body_boundaries(runner, op, valid=False):
            runner.executor.send(case)
        for case in _robustness(runner, op):
            runner.executor.send(case)
    if op.parameters:
        _invalid_params(runner, op)
        for case in query_boundaries(runner, op, valid=False):
            runner.executor.send(case)
    res, _role = runner.item_role(op)
    if res is not None:
        for case in _bad_ids(runner, op, res):
            runner.executor.send(case)


def _item_path(
    runner: Runner,
    op: Operation,
    body: Any,
    path: dict[str, Any],
    missing_id: str | None = None,
) -> dict[str, Any] | None:
    """Put an existing id (or, read-only, ``missing_id`` or a random one) into an item
    operation's path."""
    res, _role = runner.item_role(op)
    if res is None or not res.id_param:
        return path
    if runner.plan.read_only:
        return {**path, res.id_param: missing_id or str(uuid.uuid4())}
    inst, _why, _tag = runner.known_id(op, body)
    if inst is None:
        return {**path, res.id_param: missing_id or str(uuid.uuid4())}
    return {**path, res.id_param: inst.id}


def invalid_body_case(
    runner: Runner,
    op: Operation,
    labelled: Any,
    base_params: dict[str, Any],
    *,
    missing_id: str | None = None,
) -> Case | None:
    """The case for one labelled invalid body (the runner's negative phase and the pytest plugin
    build them alike); None when it is no negative case (the validator accepts the payload, or
    it would be a DELETE on a read-only run)."""
    payload, violation = labelled.payload, labelled.violation
    findings = runner.generation.findings(f"{op.label}:request", payload)
    if not findings:
        return None  # the validator accepts it: the server must too; not a negative case
    if op.method == "DELETE" and runner.plan.read_only:
        return None
    if not violation.rule or violation.rule == "invalid" or not _near(violation, findings):
        f = findings[0]
        violation = Violation(
            f.rule, f.pointer, f.message, field_names(f.pointer, f.message, f.expected)
        )
    path, query = runner.params_of(base_params)
    path = _item_path(runner, op, payload, path, missing_id) or path
    return Case(
        operation=op,
        kind="invalid",
        expect="reject",
        path_params=path,
        query=tuple(query),
        body=payload,
        credential=runner.credential(op),
        violation=violation,
        description=f"invalid body: {violation.rule} at {_path_text(violation.pointer)}",
        provoked=provoked_for("reject"),
    )


def invalid_params_case(
    runner: Runner,
    op: Operation,
    labelled: Any,
    base_body: Any,
    *,
    missing_id: str | None = None,
) -> Case | None:
    """The case for one labelled invalid set of parameters; None when it is no negative case
    (a path segment missing, or the mutation does not survive the trip through strings)."""
    path, query = runner.params_of(labelled.payload)
    if any(p.name not in path for p in op.path_params()):
        return None  # a request without a path segment is another URL, not this operation
    wire_path, wire_query = runner.generation.wire_params(op, path, query)
    findings = runner.generation.wire_findings(op, wire_path, wire_query)
    if not findings:
        return None  # the mutation does not survive the trip through strings
    if any(not isinstance(v, (str, int, float, bool)) for v in path.values()):
        return None
    f = findings[0]
    violation = Violation(
        f.rule, f.pointer, f.message, field_names(f.pointer, f.message, f.expected)
    )
    path_violation = f.pointer.startswith("/path")
    res, _role = runner.item_role(op)
    if res is not None and res.id_param and not path_violation:
        if runner.plan.read_only and op.method not in ("GET", "HEAD"):
            path[res.id_param] = missing_id or str(uuid.uuid4())
        else:
            path = _item_path(runner, op, base_body, path, missing_id) or path
    # Undeclared query parameters are commonly ignored rather than refused; the contract does
    # not say which, so such a case only has to avoid a 5xx.
    unknown_only = all(
        x.rule == "schema.additionalProperties" and x.pointer.startswith("/query/")
        for x in findings
    )
    expect = "any" if unknown_only else "reject"
    return Case(
        operation=op,
        kind="invalid",
        expect=expect,  # type: ignore[arg-type]
        path_params=path,
        query=tuple(query),
        body=base_body,
        credential=runner.credential(op),
        violation=violation,
        description=f"invalid parameter: {f.rule} at {_path_text(f.pointer)}",
        provoked=provoked_for("reject", path_violation=path_violation),
    )


def _bases(runner: Runner, op: Operation) -> list[Any]:
    """Valid bodies to mutate: one per variant for creates, a sample otherwise."""
    res = runner.plan.resource_of(op)
    if res is not None and res.create is op:
        bases = [runner.fixtures.body_for(res, tag) for tag in runner.fixtures.tags(res)]
        return [b for b in bases if b is not None]
    if res is not None and res.update is op and res.create.json_body() is not None:
        prop = discriminator_property(runner.plan.spec, op)
        out = []
        seen: set[Any] = set()
        for ex in runner._examples(op):
            tag = ex.get(prop) if isinstance(ex, dict) and prop else None
            if tag not in seen and isinstance(ex, dict) and len(ex) > (1 if prop else 0):
                seen.add(tag)
                out.append(ex)
        return out
    body = runner.sample_body(op)
    return [] if body is NO_BODY else [body]


def body_boundaries(runner: Runner, op: Operation, *, valid: bool) -> Iterator[Case]:
    """The generators' boundary phase: each constraint at its limit (must be accepted; with
    ``valid``) or just past it (must be rejected), one case per constraint and place."""
    target = f"{op.label}:request"
    try:
        cases = runner.generation.boundary(target)
    except ContractTestError as exc:
        runner.ctx.error(op, "request.valid-accepted", f"cannot build boundary cases: {exc}")
        return
    params = runner.sample_params(op)
    path, query = runner.params_of(params)
    res, role = runner.item_role(op)
    seen: set[tuple[str, str]] = set()
    valid_sent = invalid_sent = 0
    # Values at an upper limit first (a 40-character name), then the rest in generator order.
    cases = sorted(cases, key=lambda c: -_longest(c[0]) if c[1] is None else 0)
    for payload, violation in cases:
        if (violation is None) != valid:
            continue
        if violation is None:
            if valid_sent >= MAX_BOUNDARY or runner.plan.read_only:
                continue
            key = ("valid", _shape(payload))
            if key in seen:
                continue
            seen.add(key)
            expect = "success"
            description = "valid body at a boundary"
            item_path = path
            if res is not None and res.id_param:
                inst, _why, _tag = runner.known_id(op, payload)
                if inst is None:
                    continue
                item_path = {**path, res.id_param: inst.id}
                if role == "update" and not runner._merge_valid(res, inst, payload):
                    expect, description = "any", "boundary patch that breaks a cross-field rule"
            valid_sent += 1
            yield Case(
                operation=op,
                kind="boundary",
                expect=expect,  # type: ignore[arg-type]
                path_params=item_path,
                query=tuple(query),
                body=payload,
                credential=runner.credential(op),
                description=description,
                known_resource=res is not None,
            )
            continue
        key = (violation.rule, _pattern(violation.pointer))
        if invalid_sent >= MAX_BOUNDARY or key in seen:
            continue
        seen.add(key)
        invalid_sent += 1
        yield Case(
            operation=op,
            kind="boundary",
            expect="reject",
            path_params=_item_path(runner, op, payload, path) or path,
            query=tuple(query),
            body=payload,
            credential=runner.credential(op),
            violation=violation,
            description=f"just past a limit: {violation.rule} at {_path_text(violation.pointer)}",
            provoked=provoked_for("reject"),
        )


def _probes(runner: Runner, op: Operation) -> Iterator[Case]:
    """Deterministic mutations: an odd value in place of each member of valid bodies (and for
    each declared member they lack). A mutation is sent when it breaks a rule at a place no
    earlier probe covered; mutations that break exactly one rule are preferred, so each case
    tests one constraint."""
    if op.method == "DELETE" and runner.plan.read_only:
        return
    target = f"{op.label}:request"
    params = runner.sample_params(op)
    path, query = runner.params_of(params)
    single: list[tuple[int, Any, Any]] = []
    multi: list[tuple[int, Any, list[Any]]] = []
    for index, base in enumerate(_bases(runner, op)):
        absent = [
            k
            for k in declared_properties(runner.plan.spec, target, base)
            if isinstance(base, dict) and k not in base
        ]
        additions = (({**base, k: v}, f"/{k}") for k in absent for v in _PROBE_VALUES)
        # Shallow places first: every top-level member is probed before nested ones.
        ordered = sorted(
            itertools.chain(_mutations(base), additions), key=lambda m: m[1].count("/")
        )
        for mutated, where in ordered[:MAX_PROBE_TRIES]:
            findings = [
                f
                for f in runner.generation.findings(target, mutated)
                if _pattern(f.pointer).startswith(_pattern(where))
            ]
            if len(findings) == 1:
                single.append((index, mutated, findings[0]))
            elif findings:
                multi.append((index, mutated, findings))
    # One case per rule and place; a null is its own case (servers that take ``123`` for a
    # string often crash on, or wave through, a ``null``).
    seen: set[tuple[str, str, bool]] = set()
    chosen: list[tuple[int, Any, Any]] = []

    def key(mutated: Any, f: Any) -> tuple[str, str, bool]:
        from contracttest import _pointer

        return (f.rule, _pattern(f.pointer), _pointer.resolve(mutated, f.pointer, 0) is None)

    for index, mutated, f in single:
        k = key(mutated, f)
        if k not in seen:
            seen.add(k)
            chosen.append((index, mutated, f))
    for index, mutated, findings in multi:
        fresh = [f for f in findings if key(mutated, f) not in seen]
        if fresh:
            seen.add(key(mutated, fresh[0]))
            chosen.append((index, mutated, fresh[0]))
    # Take the bases (one per variant) in turn, so the budget reaches every variant's own
    # members (twilioAuthToken is only in the Twilio body).
    turns: dict[int, int] = {}
    ranked = []
    for index, mutated, f in chosen:
        turns[index] = turns.get(index, 0) + 1
        ranked.append((turns[index], index, mutated, f))
    ranked.sort(key=lambda r: (r[0], r[1]))
    for _turn, _index, mutated, f in ranked[:MAX_PROBES]:
        yield Case(
            operation=op,
            kind="invalid",
            expect="reject",
            path_params=_item_path(runner, op, mutated, path) or path,
            query=tuple(query),
            body=mutated,
            credential=runner.credential(op),
            violation=Violation(
                f.rule, f.pointer, f.message, field_names(f.pointer, f.message, f.expected)
            ),
            description=f"invalid body: {f.rule} at {_path_text(f.pointer)}",
            provoked=provoked_for("reject"),
        )


def _invalid_bodies(runner: Runner, op: Operation) -> None:
    target = f"{op.label}:request"
    try:
        strategy = runner.generation.invalid(target)
    except ContractTestError as exc:
        runner.ctx.error(op, "request.invalid-rejected", f"cannot generate invalid bodies: {exc}")
        return
    base_params = runner.sample_params(op)

    def test(labelled: Any) -> None:
        case = invalid_body_case(runner, op, labelled, base_params)
        if case is not None:
            runner.executor.send(case)

    runner._explore(op, "request.invalid-rejected", strategy, test, salt=2)


def _invalid_params(runner: Runner, op: Operation) -> None:
    target = f"{op.label}:parameters"
    try:
        strategy = runner.generation.invalid(target)
    except ContractTestError as exc:
        runner.ctx.error(
            op, "request.invalid-rejected", f"cannot generate invalid parameters: {exc}"
        )
        return
    body = runner.sample_body(op)

    def test(labelled: Any) -> None:
        case = invalid_params_case(runner, op, labelled, body)
        if case is not None:
            runner.executor.send(case)

    runner._explore(op, "request.invalid-rejected", strategy, test, salt=3)


def _robustness(runner: Runner, op: Operation) -> Iterator[Case]:
    """Malformed and odd bodies: never a 5xx, and a 4xx where the body breaks the contract."""
    base_params = runner.sample_params(op)
    path, query = runner.params_of(base_params)
    path = _item_path(runner, op, NO_BODY, path) or path
    if op.method == "DELETE" and runner.plan.read_only:
        return
    valid = runner.sample_body(op)
    media = op.json_body()
    json_type = media.media_type if media is not None else "application/json"
    common = {
        "operation": op,
        "path_params": path,
        "query": tuple(query),
        "credential": runner.credential(op),
    }

    def reject(
        raw: bytes | None,
        description: str,
        *,
        content_type: str | None = None,
        body: Any = NO_BODY,
    ) -> Case:
        return Case(
            kind="robustness",
            expect="reject",
            raw_body=raw,
            body=body,
            content_type=content_type or json_type,
            description=description,
            provoked=provoked_for("reject"),
            **common,  # type: ignore[arg-type]
        )

    yield reject(b'{"', "malformed JSON (truncated)")
    yield reject(b"{'single': 'quotes'}", "malformed JSON (single quotes)")
    yield reject(b"{} trailing", "malformed JSON (trailing garbage)")
    yield reject(b'{"a": "\xff\xfe"}', "a body that is not UTF-8")
    yield reject(b"[" * 3000 + b"]" * 3000, "JSON nested 3000 levels deep")
    root_object = _root_is_object(runner, op)
    if root_object:
        for raw, what in (
            (b"[]", "an array"),
            (b'"text"', "a string"),
            (b"42", "a number"),
            (b"null", "null"),
            (b"true", "a boolean"),
        ):
            yield reject(raw, f"a JSON body that is {what}, not an object")
    if op.request_body_required:
        yield reject(b"", "an empty body with a JSON content type")
    if valid is not NO_BODY:
        import json as _json

        text = _json.dumps(valid).encode()
        yield reject(text, "a valid JSON body sent as text/plain", content_type="text/plain")
        yield reject(
            b"provider=x&name=y",
            "a form-encoded body",
            content_type="application/x-www-form-urlencoded",
        )
        for texts, what in (
            (ODD_TEXTS, "NUL, RTL and astral characters"),
            (META_TEXTS, "quotes, wildcards and brackets (SQL, LIKE, regex metacharacters)"),
        ):
            odd = _odd_strings(runner, op, valid, texts)
            if odd is not None:
                yield Case(
                    kind="robustness",
                    expect="any",
                    body=odd,
                    description=f"a valid body with {what} in its strings",
                    **common,  # type: ignore[arg-type]
                )
    from contracttest.runner.http import is_loopback

    if is_loopback(runner.plan.base_url) and root_object:
        yield reject(b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}', "a 2 MiB body")


def _root_is_object(runner: Runner, op: Operation) -> bool:
    target = f"{op.label}:request"
    probes: tuple[Any, ...] = ([], "x", 1)
    return all(not runner.generation.is_valid(target, probe) for probe in probes)


ODD_TEXTS = ("ct\u0000\u202eé\U0001f600", "é\U0001f600", "é")
META_TEXTS = ('O\'Brien "x" (a) [b] 50% _*\\', "O'Brien (a) [b] %", "'(%")
"""Text that breaks a query built by concatenation: SQL quotes, LIKE wildcards, regex brackets."""


def _odd_strings(
    runner: Runner, op: Operation, valid: Any, texts: tuple[str, ...] = ODD_TEXTS
) -> Any:
    """``valid`` with odd but legal text (by default NUL, RTL mark, accents, an astral emoji) in
    as many top-level string members as the schema allows."""
    if not isinstance(valid, dict):
        return None
    target = f"{op.label}:request"
    out = dict(valid)
    changed = False
    # A member that names the created object (``fileId`` of ``/kb/{id}/file/{fileId}``) becomes
    # its address: odd text there makes an object no path can reach (or delete), not a stored text.
    res = runner.plan.resource_of(op)
    key_member = res.id_param if res is not None and res.create is op else None
    for key, value in valid.items():
        if not isinstance(value, str) or key in ("provider", "type", key_member):
            continue
        for odd in texts:
            candidate = dict(out, **{key: odd})
            if runner.generation.is_valid(target, candidate):
                out, changed = candidate, True
                break
    return out if changed else None


def query_boundaries(runner: Runner, op: Operation, *, valid: bool) -> Iterator[Case]:
    """Query parameters at each limit (must be accepted; with ``valid``: the positive phase) or
    just past it (must be rejected); validity decided on the wire. Huge values where the schema
    sets no maximum only have to avoid a 5xx."""
    res, _role = runner.item_role(op)
    params = runner.sample_params(op)
    path, sampled = runner.params_of(params)
    # The other required query parameters keep their valid values: without them every value
    # would be "out of range" (the server names the missing one, not the one under test).
    required = {p.name for p in op.parameters if p.location == "query" and p.required}
    if res is not None and res.id_param:
        if op.method != "GET":
            return  # a write with a lenient server would change a real resource
        fixed = _item_path(runner, op, NO_BODY, path)
        path = fixed or path
    body = runner.sample_body(op)
    for param in op.parameters:
        if param.location != "query":
            continue
        schema = runner._param_schema(op, param.name)
        others = tuple((k, v) for k, v in sampled if k in required and k != param.name)
        for value in _boundary_values(schema):
            query = (*others, (param.name, value))
            wire_path, wire_query = runner.generation.wire_params(op, path, query)
            disputed: list[Any] = []
            findings = runner.generation.wire_findings(op, wire_path, wire_query, disputed=disputed)
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
                    credential=runner.credential(op),
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
                    credential=runner.credential(op),
                    violation=Violation(f.rule, f.pointer, f.message, (param.name,)),
                    description=f"{param.name}={value!r} (out of range)",
                    provoked=provoked_for("reject"),
                )
            elif op.method == "GET" or not runner.plan.read_only:
                yield Case(
                    operation=op,
                    kind="boundary",
                    expect="success",
                    path_params=path,
                    query=query,
                    body=body,
                    credential=runner.credential(op),
                    description=f"{param.name}={value!r} (boundary value)",
                )
        if valid and (op.method == "GET" or not runner.plan.read_only):
            for value in _huge_values(schema):
                yield Case(
                    operation=op,
                    kind="boundary",
                    expect="any",
                    path_params=path,
                    query=(*others, (param.name, value)),
                    body=body,
                    credential=runner.credential(op),
                    description=f"{param.name}={value!r} (no documented maximum)",
                )


def _huge_values(schema: dict[str, Any]) -> list[Any]:
    """Large numbers for a numeric parameter without a maximum (offsets overflow, pages run out)."""
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if not ({"integer", "number"} & set(types)) or "maximum" in schema or "enum" in schema:
        return []
    return [2**31, 10**15]


def _bad_ids(runner: Runner, op: Operation, res: Resource) -> Iterator[Case]:
    assert res.id_param
    params = runner.sample_params(op)
    path, query = runner.params_of(params)
    body = runner.sample_body(op)
    for bad in (str(uuid.uuid4()), *BAD_IDS):
        p = {**path, res.id_param: bad}
        wire_path, wire_query = runner.generation.wire_params(op, p, query)
        findings = [
            f
            for f in runner.generation.wire_findings(op, wire_path, wire_query)
            if f.pointer.startswith("/path")
        ]
        if findings:
            f = findings[0]
            yield Case(
                operation=op,
                kind="bad-id",
                expect="reject",
                path_params=p,
                query=tuple(query),
                body=body,
                credential=runner.credential(op),
                violation=Violation(f.rule, f.pointer, f.message, (res.id_param,)),
                description=f"malformed id {bad[:40]!r}",
                provoked=provoked_for("reject", path_violation=True),
            )
        else:
            yield Case(
                operation=op,
                kind="bad-id",
                expect="not-found",
                path_params=p,
                query=tuple(query),
                body=body,
                credential=runner.credential(op),
                description=f"id {bad[:40]!r} that names nothing",
                provoked=provoked_for("not-found"),
            )


# ------------------------------------------------------------------ auth


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


def _pattern(pointer: str) -> str:
    import re

    return re.sub(r"/\d+(?=/|$)", "/*", pointer)


def _probe_values(current: Any) -> tuple[Any, ...]:
    """Odd values to try in place of ``current``: each breaks a different kind of constraint."""
    if isinstance(current, bool):
        return ("true", None, 1)
    if isinstance(current, (int, float)):
        return (-1, 1e12, 0.5, "1", None)
    if isinstance(current, str):
        return ("", "x" * 5000, "12ab", "+1", "not a value", 123, None)
    if isinstance(current, (dict, list)):
        return ("x", None, [] if isinstance(current, dict) else {})
    return _PROBE_VALUES


def _mutations(base: Any, pointer: str = "", depth: int = 0) -> Iterator[tuple[Any, str]]:
    """(mutated copy of ``base``, pointer of the change) for each member and probe value."""
    import copy

    if depth > 5:
        return
    if isinstance(base, dict):
        extra = dict(base)
        extra["ctUnexpectedMember"] = 1
        yield extra, pointer
        for key in list(base):
            member = f"{pointer}/{key}"
            removed = {k: v for k, v in base.items() if k != key}
            yield removed, pointer
            for value in _probe_values(base[key]):
                if value == base[key] and type(value) is type(base[key]):
                    continue
                yield {**base, key: value}, member
            for sub, where in _mutations(base[key], member, depth + 1):
                yield {**base, key: sub}, where
    elif isinstance(base, list) and base:
        for sub, where in _mutations(base[0], f"{pointer}/0", depth + 1):
            yield [sub, *copy.deepcopy(base[1:])], where


def _near(violation: Violation, findings: list[Any]) -> bool:
    """Whether the validator's findings include the labelled violation's place."""
    return any(
        f.pointer == violation.pointer
        or f.pointer.startswith(violation.pointer + "/")
        or violation.pointer.startswith(f.pointer + "/")
        or f.pointer == ""
        for f in findings
    )


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
        if isinstance(mx, int):
            out += ["x" * mx, "x" * (mx + 1)]
        if fmt is None and "pattern" not in schema:
            # Free text in a query (search): a server that splices it into SQL, a LIKE or a
            # regex breaks on these; validity is decided on the wire like every value here.
            out += [text for text in META_TEXTS if not isinstance(mx, int) or len(text) <= mx]
        if isinstance(mn, int) and mn > 0:
            out += ["x" * mn, "x" * (mn - 1)]
    return out


def _path_text(pointer: str) -> str:
    from contracttest.findings import pointer_to_path

    return pointer_to_path(pointer)
