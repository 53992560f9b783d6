"""The stateful phase: every selected scenario check, once per inferred resource (or per list
operation of one, or per path), in registry order. Scenarios that serve several checks run once."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from contracttest.runner.catalog import checks_info
from contracttest.runner.context import Unit

if TYPE_CHECKING:
    from contracttest.runner.context import SourceContext

__all__ = ["PHASE", "units"]

PHASE = "stateful"
TITLE = "stateful & isolation"


def units(ctx: SourceContext) -> list[Unit]:
    scope = ctx.scope
    scenarios: list[tuple[str, Any, str | None]] = []
    for info in checks_info():
        if info.scope != "scenario" or PHASE not in info.phases or not scope.enabled(info.id):
            continue
        if all(fn is not info.fn for _id, fn, _over in scenarios):
            scenarios.append((info.id, info.fn, info.over))
    out: list[Unit] = []
    paths: dict[str, list[Any]] = {}
    for op in scope.operations:
        paths.setdefault(op.path, []).append(op)
    for check_id, fn, over in scenarios:
        if over == "path":
            for path, ops in paths.items():
                label = f"{path} {fn.__name__}"
                out.append(Unit(label, ops[0], check_id, functools.partial(fn, ctx, path, ops)))
    for res in scope.resources.resources:
        if not any(scope.selected(op) for op in res.operations):
            continue
        lists = [op for op in (res.listing, *res.views) if op is not None and scope.selected(op)]
        for check_id, fn, over in scenarios:
            if over == "path":
                continue
            if over == "resource":
                label = f"{res.name} {fn.__name__}"
                out.append(Unit(label, res.create, check_id, functools.partial(fn, ctx, res)))
                continue
            for op in lists:
                label = f"{op.label} {fn.__name__}"
                out.append(Unit(label, op, check_id, functools.partial(fn, ctx, res, op)))
    return out
