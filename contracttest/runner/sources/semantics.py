"""HTTP-semantics oracles: what a server does with state when it answers, beyond what one response
shows (EvoMaster's HTTP faults, which black-box tools rarely check).

* ``stateful.rejected-writes``: a create the server refuses leaves no resource behind, and a PATCH
  it refuses changes nothing (both read back);
* ``stateful.idempotent-patch``: the same PATCH twice leaves the same state as once;
* ``stateful.location``: a ``Location`` header on a create names the resource it made (a failure
  where the spec documents the header, advisory where the server only sends one);
* ``request.undocumented-method``: a method the spec does not give a path is refused (404 or 405),
  and a 405 says which methods are allowed (RFC 9110 requires ``Allow``).
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from contracttest.findings import Severity
from contracttest.openapi.resources import template_params
from contracttest.runner.case import NO_BODY, Case
from contracttest.runner.fixtures import discriminator_property, resource_id
from contracttest.runner.http import render_path
from contracttest.runner.registry import scenario_check
from contracttest.runner.sources.scenario import (
    VOLATILE,
    Scenario,
    StepGen,
    fetch_all,
    ids,
    mismatches,
    skip_all,
)
from contracttest.runner.verdicts import Errored, Failed, Passed, Skipped

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.openapi.resources import Resource
    from contracttest.runner.context import SourceContext
    from contracttest.runner.http import Exchange

__all__ = ["idempotent_patch", "location", "rejected_writes", "undocumented_methods"]

PROBED_METHODS = ("PUT", "PATCH", "DELETE", "POST", "GET")
MAX_REJECTED_CREATES = 3


def _state(got: Any) -> Any:
    """A resource as read back, without what changes by itself (timestamps, status)."""
    if not isinstance(got, dict):
        return got
    return {k: v for k, v in got.items() if k not in VOLATILE}


def _writable(ctx: SourceContext, res: Resource, check: str) -> StepGen:
    """Whether the scenario may create and change resources (else it says why, skipped)."""
    if ctx.scope.read_only:
        yield from skip_all(ctx, res, check, "read-only run: the scenario writes")
        return False
    if res.create.secured and not ctx.scope.credentials:
        yield from skip_all(ctx, res, check, "no credentials (pass --token)")
        return False
    return True


# --------------------------------------------------------------------------- rejected writes
@scenario_check(
    "stateful.rejected-writes",
    title="Rejected writes change nothing",
    short="rejected",
    description="A create the server refuses (4xx) leaves no resource behind, and a PATCH it "
    "refuses leaves the resource as it was (both read back).",
    over="resource",
)
def rejected_writes(ctx: SourceContext, res: Resource) -> StepGen:
    sc = Scenario(ctx, "stateful.rejected-writes")
    if not (yield from _writable(ctx, res, sc.check)):
        return
    lop = res.listing or (res.views[0] if res.views else None)
    judged = False
    if lop is not None and ctx.scope.selected(res.create):
        judged = (yield from _rejected_creates(sc, res, lop)) or judged
    if res.update is not None and res.get is not None and ctx.scope.selected(res.update):
        judged = (yield from _rejected_patch(sc, res)) or judged
    if not judged:
        yield Skipped(res.create, sc.check, "no refused write to read back")


def _invalid_bodies(ctx: SourceContext, op: Operation, limit: int) -> list[tuple[Any, str]]:
    """Up to ``limit`` bodies that break one rule each (of different rule families first)."""
    out: list[tuple[Any, str]] = []
    families: set[str] = set()
    for enum in ctx.builder.coverage(op):
        if enum.part != "body":
            continue
        for unit in enum.units:
            if unit.kind != "negative" or unit.family in families:
                continue
            planned = enum.plan(unit)
            if planned is None or planned.reason is not None:
                continue
            families.add(unit.family)
            out.append((planned.payload, unit.describe()))
            if len(out) >= limit:
                return out
    return out


def _rejected_creates(sc: Scenario, res: Resource, lop: Operation) -> StepGen:
    ctx = sc.ctx
    bodies = _invalid_bodies(ctx, res.create, MAX_REJECTED_CREATES)
    judged = False
    for body, what in bodies:
        _c, before_ex, before, _m = yield from fetch_all(sc, lop)
        if before is None or before_ex is None:
            return judged
        case, ex = yield from sc.step(
            res.create, body=body, expect="any", description=f"create refused: {what}"
        )
        if ex is None or not 400 <= ex.status < 500:
            continue  # accepted or crashed: the negative phase and server.no-5xx say so
        judged = True
        _lc, lex, after, _m = yield from fetch_all(sc, lop)
        if after is None or lex is None:
            continue
        new = [i for i in ids(after, res) if i not in set(ids(before, res))]
        if new:
            yield sc.fail(
                case,
                ex,
                "stateful.rejected-create-persisted",
                f"the server answered {ex.status} to a create ({what}), yet "
                f"{lop.method} {lop.path} now lists {len(new)} new resource(s)",
                expected="no new resource",
                actual=", ".join(new[:3]),
            )
            # what it made nonetheless must go: delete it now
            for rid in new:
                inst = ctx.ledger.instance(res, rid)
                if inst is None and res.delete is not None:
                    yield from sc.step(
                        res.delete,
                        path={res.id_param or "id": rid},
                        expect="any",
                        description="delete what the refused create made",
                    )
        else:
            yield sc.ok(res.create)
    return judged


def _rejected_patch(sc: Scenario, res: Resource) -> StepGen:
    """A PATCH that changes ``name`` (a valid change) and breaks one other rule: refused, the
    resource keeps its old name."""
    ctx = sc.ctx
    assert res.update is not None and res.get is not None
    inst = ctx.fixtures.get(res, ctx.fixtures.tags(res)[0] if ctx.fixtures.tags(res) else None)
    if inst is None:
        return False
    prop = discriminator_property(ctx.spec, res.create)
    target = f"{res.update.label}:request"
    fresh = f"ct-refused-{uuid.uuid4().hex[:6]}"
    chosen = None
    for enum in ctx.builder.coverage(res.update):
        if enum.part != "body":
            continue
        for unit in enum.units:
            if unit.kind != "negative" or unit.location in ("/name", "", f"/{prop}"):
                continue
            planned = enum.plan(unit)
            if planned is None or planned.reason is not None:
                continue
            body = planned.payload
            if not isinstance(body, dict) or (prop and body.get(prop, inst.tag) != inst.tag):
                continue
            candidate = {**body, "name": fresh}
            if prop and inst.tag is not None:
                candidate[prop] = inst.tag
            found = ctx.generation.findings(target, candidate)
            if found and all(not f.pointer.startswith("/name") for f in found):
                chosen = (candidate, unit.describe())
                break
        if chosen:
            break
    if chosen is None:
        return False
    body, what = chosen
    path = {res.id_param or "id": inst.id}
    _g, before_ex = yield from sc.step(res.get, path=path, description="read it before")
    before = before_ex.json() if before_ex is not None else None
    if not isinstance(before, dict):
        return False
    case, ex = yield from sc.step(
        res.update, path=path, body=body, expect="any", description=f"patch refused: {what}"
    )
    if ex is None or not 400 <= ex.status < 500:
        return False
    _gc, gex = yield from sc.step(res.get, path=path, description="read it after")
    after = gex.json() if gex is not None else None
    if not isinstance(after, dict):
        return False
    changed = mismatches(_state(before), after)
    if changed:
        p, want, have = changed[0]
        yield sc.fail(
            case,
            ex,
            "stateful.rejected-patch-applied",
            f"the server answered {ex.status} to a PATCH ({what}), yet the resource changed at "
            f"{p or '/'}",
            pointer=p,
            expected=repr(want)[:80],
            actual=repr(have)[:80],
            op=res.update,
        )
    else:
        yield sc.ok(res.update)
    return True


# ------------------------------------------------------------------------- idempotent patch
@scenario_check(
    "stateful.idempotent-patch",
    title="The same PATCH twice is the same as once",
    short="idempotent",
    description="Sending one PATCH twice leaves the resource as sending it once did (a merge "
    "patch sets members; it does not append to them).",
    over="resource",
)
def idempotent_patch(ctx: SourceContext, res: Resource) -> StepGen:
    sc = Scenario(ctx, "stateful.idempotent-patch")
    if res.update is None or res.update.json_body() is None or not ctx.scope.selected(res.update):
        return
    if not (yield from _writable(ctx, res, sc.check)):
        return
    prop = discriminator_property(ctx.spec, res.create)
    tags = ctx.fixtures.tags(res) or [None]
    inst = None
    body = None
    for tag in tags:
        inst = ctx.fixtures.fresh(res, tag)
        if inst is None:
            continue
        body = _patch_with_array(ctx, res, inst.tag, prop, inst.sent) or ctx.builder.patch_body(
            res, inst.tag, prop, inst.sent
        )
        if body is not None:
            break
    if inst is None or body is None:
        yield Skipped(res.update, sc.check, "no resource and valid patch to send twice")
        return
    path = {res.id_param or "id": inst.id}
    _c1, ex1 = yield from sc.step(res.update, path=path, body=body, description="patch once")
    if ex1 is None or not 200 <= ex1.status < 300:
        return  # the lifecycle judges a refused valid patch
    once = yield from _read(sc, res, path, ex1)
    case, ex2 = yield from sc.step(res.update, path=path, body=body, description="the same again")
    if ex2 is None or not 200 <= ex2.status < 300:
        if ex2 is not None:
            yield sc.fail(
                case,
                ex2,
                "stateful.patch-not-idempotent",
                f"the same PATCH sent again was answered {ex2.status}",
                expected="2xx",
                actual=str(ex2.status),
            )
        return
    twice = yield from _read(sc, res, path, ex2)
    if not isinstance(once, dict) or not isinstance(twice, dict):
        return
    diff = mismatches(_state(once), twice)
    if diff:
        p, want, have = diff[0]
        yield sc.fail(
            case,
            ex2,
            "stateful.patch-not-idempotent",
            f"the same PATCH twice left {p or '/'} different from once",
            pointer=p,
            expected=repr(want)[:80],
            actual=repr(have)[:80],
        )
    else:
        yield sc.ok(res.update)


def _read(sc: Scenario, res: Resource, path: dict[str, Any], ex: Exchange) -> StepGen:
    """The resource after a write: read back when the spec can, else what the write answered."""
    if res.get is None:
        return ex.json()
    _c, gex = yield from sc.step(res.get, path=path, description="read it back")
    return gex.json() if gex is not None and 200 <= gex.status < 300 else None


def _patch_with_array(
    ctx: SourceContext, res: Resource, tag: Any, prop: str | None, created: dict[str, Any]
) -> dict[str, Any] | None:
    """A valid patch that sets a non-empty array member (where appending would show)."""
    assert res.update is not None
    target = f"{res.update.label}:request"
    for ex in ctx.builder.examples(target):
        if not isinstance(ex, dict):
            continue
        arrays = {k: v for k, v in ex.items() if isinstance(v, list) and v}
        if not arrays:
            continue
        body = dict(arrays)
        if prop and tag is not None:
            body[prop] = tag
        if ctx.generation.is_valid(target, body) and ctx.generation.is_valid(
            f"{res.create.label}:request", {**created, **body}
        ):
            return body
    return None


# ---------------------------------------------------------------------------------- location
@scenario_check(
    "stateful.location",
    title="Location names the created resource",
    short="location",
    description="A Location header on a create's answer names the resource it made, which can be "
    "read there (a failure where the spec documents the header; advisory otherwise).",
    over="resource",
)
def location(ctx: SourceContext, res: Resource) -> StepGen:
    sc = Scenario(ctx, "stateful.location")
    if not (yield from _writable(ctx, res, sc.check)):
        return
    tags = ctx.fixtures.tags(res)
    body = ctx.fixtures.body_for(res, tags[0] if tags else None)
    if body is None:
        yield Skipped(res.create, sc.check, ctx.fixtures.why_not(res))
        return
    case, ex = yield from sc.step(res.create, body=body, description="create")
    if ex is None or not 200 <= ex.status < 300:
        return
    documented = _documents_location(res.create, ex.status)
    where = ex.response.header("location")
    created = ex.json()
    rid = resource_id(res, created) if isinstance(created, dict) else None
    if where is None:
        if documented:
            yield _fail(sc, case, ex, True, "the create's answer has no Location header", "none")
        else:
            yield Skipped(res.create, sc.check, "the server sends no Location header")
        return
    named = _id_in(res, where)
    if named is None or (rid is not None and named != rid):
        yield _fail(
            sc,
            case,
            ex,
            documented,
            f"Location {where!r} does not name the resource just created"
            + (f" ({rid})" if rid else ""),
            where,
        )
        return
    if res.get is None:
        yield sc.ok(res.create)
        return
    gcase, gex = yield from sc.step(
        res.get, path={res.id_param or "id": named}, description="read it at its Location"
    )
    if gex is not None and not 200 <= gex.status < 300:
        yield _fail(
            sc, gcase, gex, documented, f"reading the Location answered {gex.status}", where
        )
        return
    yield sc.ok(res.create)


def _documents_location(op: Operation, status: int) -> bool:
    resp = op.response_for(status)
    if resp is None:
        return False
    return any(str(h).lower() == "location" for h in getattr(resp, "headers", {}) or {})


def _id_in(res: Resource, location: str) -> str | None:
    """The id a Location names on the resource's item path (absolute URL or path)."""
    if res.item is None or not res.id_param:
        return None
    from urllib.parse import unquote, urlsplit

    path = urlsplit(location).path or location
    pattern = "^(?:.*)" + re.sub(r"\\\{[^{}/]+\\\}", "([^/]+)", re.escape(res.item)) + "/?$"
    m = re.match(pattern, path)
    if m is None:
        return None
    names = list(template_params(res.item))
    return unquote(m.group(names.index(res.id_param) + 1))


def _fail(
    sc: Scenario, case: Case, ex: Exchange, contract: bool, message: str, actual: str
) -> Failed:
    failed = sc.fail(
        case,
        ex,
        "stateful.location-wrong",
        message + ("" if contract else " (the spec does not document Location: advisory)"),
        expected="the created resource's address",
        actual=actual[:120],
    )
    if contract:
        return failed
    from dataclasses import replace

    return replace(failed, finding=replace(failed.finding, severity=Severity.WARNING))


# -------------------------------------------------------------------------- undocumented methods
@scenario_check(
    "request.undocumented-method",
    title="Undocumented methods are refused",
    short="methods",
    description="A method the spec does not give a path is refused with 404 or 405, not carried "
    "out; a 405 lists the allowed methods in Allow (RFC 9110), the documented ones among them.",
    over="path",
)
def undocumented_methods(ctx: SourceContext, path: str, ops: list[Operation]) -> StepGen:
    sc = Scenario(ctx, "request.undocumented-method")
    documented = {op.method.upper() for op in ctx.spec.operations if op.path == path}
    missing = [m for m in PROBED_METHODS if m not in documented]
    if not missing:
        yield Skipped(ops[0], sc.check, "every probed method is documented")
        return
    method = missing[0]
    op = ops[0]
    if ctx.scope.read_only and method != "GET":
        yield Skipped(op, sc.check, "read-only run: an undocumented write is not probed")
        return
    values = _path_values(ctx, op)
    if values is None:
        yield Skipped(op, sc.check, "no resource to address the path with")
        return
    # the first undocumented method no other documented template serves at this very URL
    url = render_path(op.wire_path, values)
    methods = [method] if ctx.scope.read_only else missing
    tried = [(m, ctx.scope.documented_at(m, url)) for m in methods]
    usable = [m for m, other in tried if other is None]
    if not usable:
        m, other = tried[0]
        assert other is not None
        yield Skipped(
            op,
            sc.check,
            f"{m} {path} is documented after all: its URL is also {other.method.upper()} "
            f"{other.path}'s",
        )
        return
    method = usable[0]
    body: Any = NO_BODY
    if method in ("PUT", "PATCH", "POST"):
        body = ctx.builder.sample_body(op) if op.json_body() is not None else {}
    case = Case(
        operation=op,
        kind="probe",
        expect="any",
        path_params=values,
        body=body,
        credential=ctx.scope.credential(),
        description=f"{method} {path}, which the spec does not document",
        method=method,
        scenario=sc.check,
    )
    ex = yield case
    if ex is None:
        yield Errored(op, sc.check, f"{method} {path}: the request could not be sent")
        return
    status = ex.status
    if 200 <= status < 300:
        yield sc.fail(
            case,
            ex,
            "request.undocumented-method-allowed",
            f"{method} {path} is not in the spec (documented: {', '.join(sorted(documented))}), "
            f"yet the server answered {status}",
            expected="404 or 405",
            actual=str(status),
        )
        return
    if status == 405:
        allow = ex.response.header("allow")
        listed = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
        lacking = sorted(documented - listed - {"HEAD", "OPTIONS"})
        if allow is None or lacking:
            yield sc.fail(
                case,
                ex,
                "request.405-without-allow",
                f"405 to {method} {path} "
                + (
                    "has no Allow header"
                    if allow is None
                    else f"leaves {', '.join(lacking)} out of Allow"
                ),
                expected=f"Allow: {', '.join(sorted(documented))}",
                actual=allow or "no Allow",
            )
            return
    yield Passed(op, sc.check)


def _path_values(ctx: SourceContext, op: Operation) -> dict[str, Any] | None:
    """Path values for ``op``'s path: a resource the run created for the item's id, samples for
    the rest."""
    from contracttest.runner.builder import params_of

    values, _q = params_of(ctx.builder.sample_params(op))
    res, _role = ctx.scope.item_role(op)
    if res is not None and res.id_param:
        inst = None if ctx.scope.read_only else ctx.fixtures.fresh(res)
        values = {**values, res.id_param: inst.id if inst is not None else str(uuid.uuid4())}
    missing = {p.name for p in op.path_params()} - set(values)
    return None if missing else values
