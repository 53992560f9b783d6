"""Org isolation: with two tokens, one org cannot read, list, search, change or delete another's
resources, and list totals count only the caller's own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracttest.runner.executor import (
    discriminator_property,
    resource_id,
)
from contracttest.runner.scenario import (
    VOLATILE,
    Scenario,
    _ids,
    _limit_param,
    _max_limit,
    _meta_number,
    _pointer_text,
    _skip_all,
    fetch_all,
    mismatches,
)
from contracttest.runner.stateful import _patch_body

if TYPE_CHECKING:
    from contracttest.openapi.resources import Resource
    from contracttest.runner.engine import Runner

__all__ = ["isolation"]


# ---------------------------------------------------------------------------------- isolation
def isolation(runner: Runner, res: Resource) -> None:
    plan = runner.plan
    sc = Scenario(runner, "auth.isolation")
    if len(plan.credentials) < 2:
        _skip_all(runner, res, sc.check, "needs two tokens (two orgs): pass --token twice")
        return
    if not plan.read_only:
        x = runner.fixtures.fresh(
            res, runner.fixtures.tags(res)[0] if runner.fixtures.tags(res) else None, 0
        )
        if x is None:
            why = runner.fixtures.why_not(res)
            if res.create.json_body() is None:
                _skip_all(runner, res, sc.check, why)
            else:
                runner.ctx.error(res.create, sc.check, f"no resource to test with: {why}")
            return
        xid, before = x.id, x.created
    else:
        lop = res.listing or (res.views[0] if res.views else None)
        if lop is None:
            _skip_all(runner, res, sc.check, "read-only run and no list to find a resource")
            return
        _c, _e, items, _m = fetch_all(runner, sc, res, lop)
        first = next((i for i in items or [] if isinstance(i, dict) and resource_id(res, i)), None)
        if first is None:
            _skip_all(runner, res, sc.check, "read-only run and org 1 has no resource to test with")
            return
        x, xid, before = None, str(resource_id(res, first)), first
    path = {res.id_param or "id": xid}
    owner_ids = {i.id for i in runner.executor.created if i.credential == 0 and not i.deleted} | {
        xid
    }

    if res.get is not None and plan.selected(res.get):
        case, ex = sc.step(
            res.get,
            path=path,
            credential=1,
            expect="hidden",
            description="org 2 reads org 1's resource",
        )
        if ex is not None:
            if 200 <= ex.status < 300:
                sc.fail(
                    case,
                    ex,
                    "isolation.read",
                    "org 2 can read org 1's resource",
                    expected="403 or 404",
                    actual=str(ex.status),
                )
            elif ex.status in (403, 404):
                sc.ok(res.get)
    for lop in (res.listing, *res.views):
        if lop is None or not plan.selected(lop):
            continue
        case, ex, items, meta = fetch_all(runner, sc, res, lop, credential=1)
        if items is None or ex is None:
            continue
        leaked = [i for i in _ids(items, res) if i in owner_ids]
        if leaked:
            sc.fail(
                case,
                ex,
                "isolation.list",
                f"org 2's list shows {len(leaked)} resource(s) of org 1",
                expected="only org 2's resources",
                actual=", ".join(leaked[:3]),
            )
            continue
        total = _meta_number(meta or {}, "totalItems", "total", "totalCount")
        if (
            isinstance(total, (int, float))
            and not isinstance(total, bool)
            and len(items) < _max_limit(runner, lop, _limit_param(lop))
            and total != len(items)
        ):
            sc.fail(
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
            scase, sex, sitems, _m = fetch_all(
                runner, sc, res, lop, credential=1, extra=(("search", name),)
            )
            if sitems is not None and xid in _ids(sitems, res):
                sc.fail(
                    scase,
                    sex,
                    "isolation.search",
                    "org 2 finds org 1's resource by searching its name",
                    expected="not found",
                    actual="found",
                )
                continue
        sc.ok(lop)
    if plan.read_only:
        return
    if res.update is not None and plan.selected(res.update) and res.update.json_body() is not None:
        tag = x.tag if x is not None else None
        prop = discriminator_property(plan.spec, res.create)
        patch = _patch_body(runner, res, tag, prop, x.sent if x is not None else {})
        if patch is not None:
            # What org 1 reads now is the baseline (a create response may differ from a read).
            baseline = _read(sc, res, path)
            if baseline is not None:
                before = baseline
            case, ex = sc.step(
                res.update,
                path=path,
                body=patch,
                credential=1,
                expect="hidden",
                description="org 2 patches org 1's resource",
            )
            if ex is not None:
                if 200 <= ex.status < 300:
                    sc.fail(
                        case,
                        ex,
                        "isolation.update",
                        "org 2 can change org 1's resource",
                        expected="403 or 404",
                        actual=str(ex.status),
                    )
                else:
                    changed = _reread_changed(runner, sc, res, path, before)
                    if changed is not None:
                        sc.fail(
                            case,
                            ex,
                            "isolation.update",
                            f"org 2's rejected PATCH still changed org 1's resource at {changed}",
                            expected="unchanged",
                            actual="changed",
                        )
                    else:
                        sc.ok(res.update)
    if res.delete is not None and plan.selected(res.delete):
        case, ex = sc.step(
            res.delete,
            path=path,
            credential=1,
            expect="hidden",
            description="org 2 deletes org 1's resource",
        )
        if ex is not None:
            gone = False
            if res.get is not None:
                _gc, gex = sc.step(
                    res.get,
                    path=path,
                    credential=0,
                    expect="any",
                    description="org 1 reads it back",
                )
                gone = gex is not None and gex.status in (404, 410)
            if 200 <= ex.status < 300 or gone:
                sc.fail(
                    case,
                    ex,
                    "isolation.delete",
                    "org 2 can delete org 1's resource",
                    expected="403 or 404",
                    actual=str(ex.status) + (" (and it is gone)" if gone else ""),
                )
                if gone and x is not None:
                    runner.executor.mark_deleted(x)
            else:
                sc.ok(res.delete)
    # The other way round: what org 2 creates, org 1 cannot see.
    y = runner.fixtures.fresh(
        res, runner.fixtures.tags(res)[0] if runner.fixtures.tags(res) else None, 1
    )
    if y is not None and res.get is not None and plan.selected(res.get):
        ypath = {res.id_param or "id": y.id}
        case, ex = sc.step(
            res.get,
            path=ypath,
            credential=0,
            expect="hidden",
            description="org 1 reads org 2's resource",
        )
        if ex is not None and 200 <= ex.status < 300:
            sc.fail(
                case,
                ex,
                "isolation.read",
                "org 1 can read org 2's resource",
                expected="403 or 404",
                actual=str(ex.status),
            )
        elif ex is not None:
            sc.ok(res.get)


def _read(sc: Scenario, res: Resource, path: dict[str, Any]) -> dict[str, Any] | None:
    if res.get is None:
        return None
    _c, ex = sc.step(
        res.get, path=path, credential=0, expect="any", description="org 1 reads its resource"
    )
    got = ex.json() if ex is not None and 200 <= ex.status < 300 else None
    return got if isinstance(got, dict) else None


def _reread_changed(
    runner: Runner, sc: Scenario, res: Resource, path: dict[str, Any], before: dict[str, Any]
) -> str | None:
    if res.get is None:
        return None
    _c, ex = sc.step(
        res.get, path=path, credential=0, expect="any", description="org 1 reads it back"
    )
    got = ex.json() if ex is not None else None
    if not isinstance(got, dict):
        return None
    for p, _want, _have in mismatches({k: v for k, v in before.items() if k not in VOLATILE}, got):
        return _pointer_text(p)
    return None
