"""The negative phase: what the server must refuse, and input that must never make it fail.

Per operation: the generators' labelled invalid bodies and parameters (Hypothesis), deterministic
probes (an odd value in place of each member of valid bodies, one case per constraint), the
generators' boundary cases (each limit accepted, just past it rejected), malformed and odd bodies
(truncated JSON, non-objects, wrong content types, deep nesting, NUL and astral text), query values
at and past their limits, and malformed or unknown path ids. Validity is always decided by the
validator (for parameters, on their wire form), never assumed.
"""

from __future__ import annotations

import functools
import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError
from contracttest.runner.builder import params_of, path_text
from contracttest.runner.case import NO_BODY, Case, Violation, provoked_for
from contracttest.runner.context import Unit
from contracttest.runner.fixtures import declared_properties, discriminator_property
from contracttest.runner.generation import Labelled, NoValidPayload, draws, violation_of
from contracttest.runner.sources.bounds import (
    META_TEXTS,
    body_boundaries,
    pattern,
    query_boundaries,
)
from contracttest.runner.sources.units import unit_cases, units_not_sent
from contracttest.runner.verdicts import Errored, Skipped

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.openapi.resources import Resource
    from contracttest.runner.context import SourceContext, Steps

__all__ = ["PHASE", "units"]

PHASE = "negative"
TITLE = "invalid & odd input"
CHECK = "request.invalid-rejected"
MAX_PROBES = 80
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


def units(ctx: SourceContext) -> list[Unit]:
    return [
        Unit(op.label, op, CHECK, functools.partial(negative, ctx, op))
        for op in ctx.scope.operations
    ]


def negative(ctx: SourceContext, op: Operation) -> Steps:
    scope = ctx.scope
    if scope.missing_credentials(op):
        reason = "no credentials (pass --token or set CONTRACTTEST_TOKEN)"
        yield Skipped(op, CHECK, reason)
        yield from units_not_sent(ctx, op, "negative", reason)
        return
    if not scope.may_send(op, expect_rejection=True):
        yield Skipped(op, CHECK, "read-only run")
        yield from units_not_sent(ctx, op, "negative", "read-only run")
        return
    # Every enumerated unit once, then Hypothesis and the probes explore.
    yield from unit_cases(ctx, op, "negative")
    if op.json_body() is not None:
        yield from _invalid_bodies(ctx, op)
        yield from _probes(ctx, op)
        yield from body_boundaries(ctx, op, valid=False)
        yield from _robustness(ctx, op)
    if op.parameters:
        yield from _invalid_params(ctx, op)
        yield from query_boundaries(ctx, op, valid=False)
    res, _role = scope.item_role(op)
    if res is not None:
        yield from _bad_ids(ctx, op, res)


def _bases(ctx: SourceContext, op: Operation) -> list[Any]:
    """Valid bodies to mutate: one per variant for creates, a sample otherwise."""
    res = ctx.scope.resource_of(op)
    if res is not None and res.create is op:
        bases = [ctx.fixtures.body_for(res, tag) for tag in ctx.fixtures.tags(res)]
        return [b for b in bases if b is not None]
    if res is not None and res.update is op and res.create.json_body() is not None:
        prop = discriminator_property(ctx.spec, op)
        out = []
        seen: set[Any] = set()
        for ex in ctx.builder.body_examples(op):
            tag = ex.get(prop) if isinstance(ex, dict) and prop else None
            if tag not in seen and isinstance(ex, dict) and len(ex) > (1 if prop else 0):
                seen.add(tag)
                out.append(ex)
        return out
    body = ctx.builder.sample_body(op)
    return [] if body is NO_BODY else [body]


def _probes(ctx: SourceContext, op: Operation) -> Iterator[Case]:
    """Deterministic mutations: an odd value in place of each member of valid bodies (and for
    each declared member they lack). A mutation is sent when it breaks a rule at a place no
    earlier probe covered; mutations that break exactly one rule are preferred, so each case
    tests one constraint."""
    if op.method == "DELETE" and ctx.scope.read_only:
        return
    target = f"{op.label}:request"
    params = ctx.builder.sample_params(op)
    path, query = params_of(params)
    single: list[tuple[int, Any, Any]] = []
    multi: list[tuple[int, Any, list[Any]]] = []
    for index, base in enumerate(_bases(ctx, op)):
        absent = [
            k
            for k in declared_properties(ctx.spec, target, base)
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
                for f in ctx.generation.findings(target, mutated)
                if pattern(f.pointer).startswith(pattern(where))
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

        return (f.rule, pattern(f.pointer), _pointer.resolve(mutated, f.pointer, 0) is None)

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
            path_params=ctx.builder.item_path(op, mutated, path),
            query=tuple(query),
            body=mutated,
            credential=ctx.scope.credential(),
            violation=violation_of(f),
            description=f"invalid body: {f.rule} at {path_text(f.pointer)}",
            provoked=provoked_for("reject"),
        )


def _invalid_bodies(ctx: SourceContext, op: Operation) -> Steps:
    """Hypothesis-drawn labelled invalid bodies (the generators break one rule each)."""
    base_params = ctx.builder.sample_params(op)
    yield from _labelled(
        ctx,
        op,
        "request",
        2,
        lambda labelled: ctx.builder.invalid_body_case(op, labelled, base_params),
    )


def _invalid_params(ctx: SourceContext, op: Operation) -> Steps:
    """Hypothesis-drawn labelled invalid parameters, judged on the wire."""
    body = ctx.builder.sample_body(op)
    yield from _labelled(
        ctx,
        op,
        "parameters",
        3,
        lambda labelled: ctx.builder.invalid_params_case(op, labelled, body),
    )


def _labelled(
    ctx: SourceContext,
    op: Operation,
    part: str,
    salt: int,
    build: Callable[[Labelled], Case | None],
) -> Steps:
    """The cases of ``max_examples`` labelled invalid values of one part of a request."""
    try:
        strategy = ctx.generation.invalid(f"{op.label}:{part}")
        drawn, note = draws(strategy, ctx.scope.max_examples, ctx.builder.seed_for(op, salt))
    except NoValidPayload as exc:
        yield Skipped(op, CHECK, exc.skip_reason)
        return
    except ContractTestError as exc:
        what = "bodies" if part == "request" else part
        if "no invalid payload exists" in str(exc):
            # Nothing can be broken (every member untyped, optional, open): nothing to reject.
            yield Skipped(op, CHECK, f"no invalid {what}: {exc}")
        else:
            yield Errored(op, CHECK, f"cannot generate invalid {what}: {exc}")
        return
    for labelled in drawn:
        case = build(labelled)
        if case is not None:
            yield case
    if note:
        yield Errored(op, CHECK, note)


def _robustness(ctx: SourceContext, op: Operation) -> Iterator[Case]:
    """Malformed and odd bodies: never a 5xx, and a 4xx where the body breaks the contract."""
    base_params = ctx.builder.sample_params(op)
    path, query = params_of(base_params)
    path = ctx.builder.item_path(op, NO_BODY, path)
    if op.method == "DELETE" and ctx.scope.read_only:
        return
    valid = ctx.builder.sample_body(op)
    media = op.json_body()
    json_type = media.media_type if media is not None else "application/json"
    common = {
        "operation": op,
        "path_params": path,
        "query": tuple(query),
        "credential": ctx.scope.credential(),
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
    root_object = _root_is_object(ctx, op)
    if root_object:
        for value, what in (
            ([], "an array"),
            ("text", "a string"),
            (42, "a number"),
            (None, "null"),
            (True, "a boolean"),
        ):
            if _refused(ctx, op, value):
                yield reject(
                    json.dumps(value).encode(), f"a JSON body that is {what}, not an object"
                )
    if op.request_body_required:
        yield reject(b"", "an empty body with a JSON content type")
    if valid is not NO_BODY:
        text = json.dumps(valid).encode()
        # A media type the operation documents is no wrong one (telegram.org.json takes JSON,
        # form-encoded and multipart bodies alike).
        documented = {mt.split(";", 1)[0].strip().lower() for mt in op.request_body}
        if not documented & {"text/plain", "text/*", "*/*"}:
            yield reject(text, "a valid JSON body sent as text/plain", content_type="text/plain")
        form = "application/x-www-form-urlencoded"
        if not documented & {form, "application/*", "*/*"}:
            yield reject(b"provider=x&name=y", "a form-encoded body", content_type=form)
        for texts, what in (
            (ODD_TEXTS, "NUL, RTL and astral characters"),
            (META_TEXTS, "quotes, wildcards and brackets (SQL, LIKE, regex metacharacters)"),
        ):
            odd = _odd_strings(ctx, op, valid, texts)
            if odd is not None:
                yield Case(
                    kind="robustness",
                    expect="any",
                    body=odd,
                    description=f"a valid body with {what} in its strings",
                    **common,  # type: ignore[arg-type]
                )
    if ctx.scope.loopback and root_object:
        yield reject(b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}', "a 2 MiB body")


def _root_is_object(ctx: SourceContext, op: Operation) -> bool:
    probes: tuple[Any, ...] = ([], "x", 1)
    return all(_refused(ctx, op, probe) for probe in probes)


def _refused(ctx: SourceContext, op: Operation, body: Any) -> bool:
    """Whether the server must refuse ``body``: it breaks the contract, and not only where the
    spec contradicts itself (mailscript's ``oneOf`` branches declare no type and overlap, so
    every branch takes ``[]``: no branch refuses it, whatever plain JSON Schema says)."""
    return bool(ctx.generation.findings(f"{op.label}:request", body))


ODD_TEXTS = ("ct\u0000\u202eé\U0001f600", "é\U0001f600", "é")


def _odd_strings(
    ctx: SourceContext, op: Operation, valid: Any, texts: tuple[str, ...] = ODD_TEXTS
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
    res = ctx.scope.resource_of(op)
    key_member = res.id_param if res is not None and res.create is op else None
    for key, value in valid.items():
        if not isinstance(value, str) or key in ("provider", "type", key_member):
            continue
        for odd in texts:
            candidate = dict(out, **{key: odd})
            if ctx.generation.is_valid(target, candidate):
                out, changed = candidate, True
                break
    return out if changed else None


def _bad_ids(ctx: SourceContext, op: Operation, res: Resource) -> Iterator[Case]:
    assert res.id_param
    params = ctx.builder.sample_params(op)
    path, query = params_of(params)
    body = ctx.builder.sample_body(op)
    for bad in (str(uuid.uuid4()), *BAD_IDS):
        if ctx.ledger.instance(res, bad) is not None:
            continue  # the server minted this very id for a resource of the run: it exists
        p = {**path, res.id_param: bad}
        wire_path, wire_query = ctx.generation.wire_params(op, p, query)
        findings = [
            f
            for f in ctx.generation.wire_findings(op, wire_path, wire_query)
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
                credential=ctx.scope.credential(),
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
                credential=ctx.scope.credential(),
                description=f"id {bad[:40]!r} that names nothing",
                provoked=provoked_for("not-found"),
            )


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
