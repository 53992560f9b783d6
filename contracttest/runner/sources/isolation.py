"""Org isolation: with two tokens, one org cannot read, list, search, change or delete another's
resources, and list totals count only the caller's own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracttest.runner.fixtures import discriminator_property, resource_id
from contracttest.runner.registry import scenario_check
from contracttest.runner.sources.scenario import (
    VOLATILE,
    Scenario,
    StepGen,
    fetch_all,
    ids,
    limit_param,
    max_limit,
    meta_number,
    mismatches,
    skip_all,
)
from contracttest.runner.verdicts import Errored

if TYPE_CHECKING:
    from contracttest.openapi.resources import Resource
    from contracttest.runner.context import SourceContext

__all__ = ["isolation"]


# ---------------------------------------------------------------------------------- isolation
@scenario_check(
    "auth.isolation",
    title="Orgs are isolated",
    short="isolation",
    description="With two tokens, one org cannot read, list, change or delete another org's "
    "resources.",
    over="resource",
)
def isolation(ctx: SourceContext, res: Resource) -> StepGen:
    scope = ctx.scope
    sc = Scenario(ctx, "auth.isolation")
    if scope.credentials < 2:
        yield from skip_all(ctx, res, sc.check, "needs two tokens (two orgs): pass --token twice")
        return
    if not scope.read_only:
        x = ctx.fixtures.fresh(
            res, ctx.fixtures.tags(res)[0] if ctx.fixtures.tags(res) else None, 0
        )
        if x is None:
            why = ctx.fixtures.why_not(res)
            refused = ctx.fixtures.refused(res)
            if ctx.fixtures.uncreatable(res) is not None or refused is not None:
                # Nothing to address: the create takes no JSON, its answer names no id, or the
                # server refused a valid create (a failure its own checks report).
                yield from skip_all(ctx, res, sc.check, f"no resource to test with: {why}")
            else:
                yield Errored(res.create, sc.check, f"no resource to test with: {why}")
            return
        xid, before = x.id, x.created
    else:
        lop = res.listing or (res.views[0] if res.views else None)
        if lop is None:
            yield from skip_all(ctx, res, sc.check, "read-only run and no list to find a resource")
            return
        _c, _e, items, _m = yield from fetch_all(sc, lop)
        first = next((i for i in items or [] if isinstance(i, dict) and resource_id(res, i)), None)
        if first is None:
            yield from skip_all(
                ctx, res, sc.check, "read-only run and org 1 has no resource to test with"
            )
            return
        x, xid, before = None, str(resource_id(res, first)), first
    path = {res.id_param or "id": xid}
    owner_ids = {i.id for i in ctx.ledger.live(0)} | {xid}

    if res.get is not None and scope.selected(res.get):
        case, ex = yield from sc.step(
            res.get,
            path=path,
            credential=1,
            expect="hidden",
            description="org 2 reads org 1's resource",
        )
        if ex is not None:
            if 200 <= ex.status < 300:
                yield sc.fail(
                    case,
                    ex,
                    "isolation.read",
                    "org 2 can read org 1's resource",
                    expected="403 or 404",
                    actual=str(ex.status),
                )
            elif ex.status in (403, 404):
                yield sc.ok(res.get)
    for lop in (res.listing, *res.views):
        if lop is None or not scope.selected(lop):
            continue
        case, ex, items, meta = yield from fetch_all(sc, lop, credential=1)
        if items is None or ex is None:
            continue
        leaked = [i for i in ids(items, res) if i in owner_ids]
        if leaked:
            yield sc.fail(
                case,
                ex,
                "isolation.list",
                f"org 2's list shows {len(leaked)} resource(s) of org 1",
                expected="only org 2's resources",
                actual=", ".join(leaked[:3]),
            )
            continue
        total = meta_number(meta or {}, "totalItems", "total", "totalCount")
        if (
            isinstance(total, (int, float))
            and not isinstance(total, bool)
            and len(items) < max_limit(ctx, lop, limit_param(lop))
            and total != len(items)
        ):
            yield sc.fail(
                case,
                ex,
                "isolation.count",
                f"org 2's list has {len(items)} item(s) but metadata counts {total}",
                pointer="/metadata/totalItems",
                expected=str(len(items)),
                actual=str(total),
            )
            continue
        name = before.get("name") if isinstance(before, dict) else None
        if isinstance(name, str) and name and any(p.name == "search" for p in lop.parameters):
            scase, sex, sitems, _m = yield from fetch_all(
                sc, lop, credential=1, extra=(("search", name),)
            )
            if sitems is not None and xid in ids(sitems, res):
                yield sc.fail(
                    scase,
                    sex,
                    "isolation.search",
                    "org 2 finds org 1's resource by searching its name",
                    expected="not found",
                    actual="found",
                )
                continue
        yield sc.ok(lop)
    if scope.read_only:
        return
    if res.update is not None and scope.selected(res.update) and res.update.json_body() is not None:
        tag = x.tag if x is not None else None
        prop = discriminator_property(ctx.spec, res.create)
        patch = ctx.builder.patch_body(res, tag, prop, x.sent if x is not None else {})
        if patch is not None:
            # What org 1 reads now is the baseline (a create response may differ from a read).
            baseline = yield from _read(sc, res, path)
            if baseline is not None:
                before = baseline
            case, ex = yield from sc.step(
                res.update,
                path=path,
                body=patch,
                credential=1,
                expect="hidden",
                description="org 2 patches org 1's resource",
            )
            if ex is not None:
                if 200 <= ex.status < 300:
                    yield sc.fail(
                        case,
                        ex,
                        "isolation.update",
                        "org 2 can change org 1's resource",
                        expected="403 or 404",
                        actual=str(ex.status),
                    )
                else:
                    changed = yield from _reread_changed(sc, res, path, before)
                    if changed is not None:
                        yield sc.fail(
                            case,
                            ex,
                            "isolation.update",
                            f"org 2's rejected PATCH still changed org 1's resource at {changed}",
                            expected="unchanged",
                            actual="changed",
                        )
                    else:
                        yield sc.ok(res.update)
    if res.delete is not None and scope.selected(res.delete):
        case, ex = yield from sc.step(
            res.delete,
            path=path,
            credential=1,
            expect="hidden",
            description="org 2 deletes org 1's resource",
        )
        if ex is not None:
            gone = False
            if res.get is not None:
                _gc, gex = yield from sc.step(
                    res.get,
                    path=path,
                    credential=0,
                    expect="any",
                    description="org 1 reads it back",
                )
                gone = gex is not None and gex.status in (404, 410)
            if 200 <= ex.status < 300 or gone:
                yield sc.fail(
                    case,
                    ex,
                    "isolation.delete",
                    "org 2 can delete org 1's resource",
                    expected="403 or 404",
                    actual=str(ex.status) + (" (and it is gone)" if gone else ""),
                )
                if gone and x is not None:
                    ctx.ledger.mark_deleted(x)
            else:
                yield sc.ok(res.delete)
    # The other way round: what org 2 creates, org 1 cannot see.
    y = ctx.fixtures.fresh(res, ctx.fixtures.tags(res)[0] if ctx.fixtures.tags(res) else None, 1)
    # An object the client names (a create body that must carry its id) may carry the same id
    # in both orgs, each in its own namespace: org 1 reading that id reads its own object.
    mine = {i.id for i in ctx.ledger.live(0) if i.resource is res}
    if y is not None and y.id not in mine and res.get is not None and scope.selected(res.get):
        ypath = {res.id_param or "id": y.id}
        case, ex = yield from sc.step(
            res.get,
            path=ypath,
            credential=0,
            expect="hidden",
            description="org 1 reads org 2's resource",
        )
        if ex is not None and 200 <= ex.status < 300:
            yield sc.fail(
                case,
                ex,
                "isolation.read",
                "org 1 can read org 2's resource",
                expected="403 or 404",
                actual=str(ex.status),
            )
        elif ex is not None:
            yield sc.ok(res.get)


def _read(sc: Scenario, res: Resource, path: dict[str, Any]) -> StepGen:
    if res.get is None:
        return None
    _c, ex = yield from sc.step(
        res.get, path=path, credential=0, expect="any", description="org 1 reads its resource"
    )
    got = ex.json() if ex is not None and 200 <= ex.status < 300 else None
    return got if isinstance(got, dict) else None


def _reread_changed(
    sc: Scenario, res: Resource, path: dict[str, Any], before: dict[str, Any]
) -> StepGen:
    if res.get is None:
        return None
    _c, ex = yield from sc.step(
        res.get, path=path, credential=0, expect="any", description="org 1 reads it back"
    )
    # Only a read that succeeds shows the resource (an error body is no changed resource:
    # managedblockchain's 400 for an id its own create minted too long).
    got = ex.json() if ex is not None and 200 <= ex.status < 300 else None
    if not isinstance(got, dict):
        return None
    for p, _want, _have in mismatches({k: v for k, v in before.items() if k not in VOLATILE}, got):
        return _path(p)
    return None


def _path(pointer: str) -> str:
    from contracttest.runner.builder import path_text

    return path_text(pointer)
