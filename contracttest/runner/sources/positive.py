"""The positive phase: requests the server must accept, per operation.

Hypothesis-generated valid requests (mostly on resources the run created, some on ids that name
nothing), the generators' valid boundary bodies (each limit reached), query values at their limits,
and one request per discriminated variant of the resource whatever the random draws did.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError
from contracttest.runner.builder import params_of
from contracttest.runner.case import NO_BODY, Case
from contracttest.runner.context import Unit
from contracttest.runner.fixtures import discriminator_property
from contracttest.runner.generation import NoValidPayload, draws
from contracttest.runner.sources.bounds import body_boundaries, query_boundaries
from contracttest.runner.sources.units import unit_cases, units_not_sent
from contracttest.runner.verdicts import Errored, Skipped

if TYPE_CHECKING:
    from collections.abc import Iterator

    from contracttest.openapi.model import Operation
    from contracttest.runner.context import SourceContext, Steps

__all__ = ["PHASE", "units"]

PHASE = "positive"
TITLE = "valid requests"
CHECK = "request.valid-accepted"


def units(ctx: SourceContext) -> list[Unit]:
    return [
        Unit(op.label, op, CHECK, functools.partial(positive, ctx, op))
        for op in ctx.scope.operations
    ]


def positive(ctx: SourceContext, op: Operation) -> Steps:
    from hypothesis import strategies as st

    scope, gen = ctx.scope, ctx.generation
    if not scope.may_send(op):
        reason = "read-only run: writes need --allow-writes or a loopback URL"
        yield Skipped(op, CHECK, reason)
        yield from units_not_sent(ctx, op, "edge", reason)
        return
    if scope.missing_credentials(op):
        reason = "no credentials (pass --token or set CONTRACTTEST_TOKEN)"
        yield Skipped(op, CHECK, reason)
        yield from units_not_sent(ctx, op, "edge", reason)
        return
    res, _role = scope.item_role(op)
    try:
        params = gen.valid(f"{op.label}:parameters") if op.parameters else st.just({})
        body = gen.valid(f"{op.label}:request") if op.json_body() else st.just(NO_BODY)
    except NoValidPayload as exc:
        yield Skipped(op, CHECK, exc.skip_reason)
        yield from units_not_sent(ctx, op, "edge", exc.skip_reason)
        return
    except ContractTestError as exc:
        yield Errored(op, CHECK, f"cannot generate requests: {exc}")
        return
    # Mostly existing resources (the first, simplest draw is one too), some unknown ids.
    known = (
        st.sampled_from((True, True, False))
        if res is not None and op.method != "DELETE"
        else st.just(res is not None)
    )
    strategy = st.fixed_dictionaries({"params": params, "body": body, "known": known})
    try:
        drawn, note = draws(strategy, scope.max_examples, ctx.builder.seed_for(op, 1))
    except ContractTestError as exc:
        yield Errored(op, CHECK, f"cannot generate requests: {exc}")
        return
    for draw in drawn:
        case = ctx.builder.valid_case(op, draw["params"], draw["body"], known=draw["known"])
        if case is not None:
            yield case
    if note:
        yield Errored(op, CHECK, note)
    # Every valid edge once (each enum value, each bound, empty arrays), then the boundary bodies.
    yield from unit_cases(ctx, op, "edge")
    if op.json_body() is not None:
        yield from body_boundaries(ctx, op, valid=True)
    if op.parameters:
        yield from query_boundaries(ctx, op, valid=True)
    yield from _variant_cases(ctx, op)


def _variant_cases(ctx: SourceContext, op: Operation) -> Iterator[Case]:
    """One valid request per discriminated variant of the resource, whatever the random draws
    did: every variant is created, read, patched and deleted at least once."""
    scope, fixtures = ctx.scope, ctx.fixtures
    res = scope.resource_of(op)
    role = scope.role_of(op)
    if res is None or scope.read_only or scope.missing_credentials(op):
        return
    path, query = params_of(ctx.builder.sample_params(op))
    prop = discriminator_property(ctx.spec, res.create)
    for tag in fixtures.tags(res):
        what = f"{prop}={tag!r}" if prop else "a resource"
        if role == "create":
            created = fixtures.body_for(res, tag, variant=2)
            if created is not None:
                yield Case(
                    operation=op,
                    kind="valid",
                    expect="success",
                    path_params=path,
                    query=tuple(query),
                    body=created,
                    credential=scope.credential(),
                    description=f"create {what}",
                )
            continue
        if role not in ("get", "update", "delete") or not res.id_param:
            continue
        inst = fixtures.fresh(res, tag) if role == "delete" else fixtures.get(res, tag)
        if inst is None:
            continue
        body: Any = NO_BODY
        if role == "update":
            body = ctx.builder.patch_body(res, tag, prop, inst.sent)
            if body is None:
                continue
        yield Case(
            operation=op,
            kind="valid",
            expect="success",
            path_params={**path, res.id_param: inst.id},
            query=tuple(query),
            body=body,
            credential=scope.credential(),
            known_resource=True,
            description=f"{op.method} on {what}",
        )
