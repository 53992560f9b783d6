"""The lifecycle scenario of a resource inferred from the paths, which judges the discriminator too.

create -> the response and a read return what was sent (plus server fields, defaults applied) ->
it is listed -> patch -> a read reflects the patch and nothing else changed -> a patch naming
another variant does not convert it -> delete -> a read is 404 and the lists no longer show it.
Every step also goes through the response checks (status, content type, schema, secrets, 5xx).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contracttest.runner.checks import documented_json
from contracttest.runner.fixtures import (
    declared_properties,
    discriminator_property,
    resource_id,
    sent_id,
)
from contracttest.runner.registry import scenario_check
from contracttest.runner.sources.scenario import (
    IMMUTABLE,
    VOLATILE,
    Scenario,
    StepGen,
    check_tag,
    compare_sent,
    compare_stable,
    listed,
    mismatches,
    response_members,
    said,
    same,
    server_fields,
    show,
    skip_all,
    undeclared_in_response,
)
from contracttest.runner.verdicts import Errored, Failed, Passed, Skipped

if TYPE_CHECKING:
    from contracttest.openapi.resources import Resource
    from contracttest.runner.case import Case
    from contracttest.runner.context import SourceContext
    from contracttest.runner.http import Exchange

__all__ = ["lifecycle"]

ODD_TEXT = "ct-ñé中😀-"
"""Accents, a CJK character and an emoji beyond the BMP: what lossy columns and encoders break."""


@scenario_check(
    "stateful.discriminator",
    title="Discriminator preserved",
    short="variant",
    description="The discriminator (provider) in every response equals the one sent, and a PATCH "
    "cannot change it.",
    over="resource",
)
@scenario_check(
    "stateful.lifecycle",
    title="Create, read, update, delete round trip",
    short="lifecycle",
    description="create -> get returns what was sent (plus server fields) -> it is listed -> patch "
    "-> get reflects the patch -> delete -> get is 404 and it is no longer listed.",
    over="resource",
)
def lifecycle(ctx: SourceContext, res: Resource) -> StepGen:
    """One lifecycle per variant of ``res`` (the decorator nearest the function registers first)."""
    scope = ctx.scope
    if scope.read_only:
        yield from skip_all(
            ctx, res, "stateful.lifecycle", "read-only run: the lifecycle creates and deletes"
        )
        yield from skip_all(ctx, res, "stateful.discriminator", "read-only run")
        return
    if res.create.secured and not scope.credentials:
        yield from skip_all(ctx, res, "stateful.lifecycle", "no credentials (pass --token)")
        return
    tags = ctx.fixtures.tags(res)
    uncreatable = ctx.fixtures.uncreatable(res)
    if not tags and uncreatable is not None:
        yield from skip_all(ctx, res, "stateful.lifecycle", uncreatable)
        return
    if not tags:
        reason = ctx.fixtures.why_not(res)
        yield Errored(
            res.create, "stateful.lifecycle", f"no valid create body could be generated ({reason})"
        )
        return
    for tag in tags:
        yield from _lifecycle_variant(ctx, res, tag)


def _declares_id(ctx: SourceContext, res: Resource, status: int, body: Any) -> bool:
    """Whether the create response documented for ``status`` declares an id member."""
    if documented_json(res.create, status) is None:
        return False
    props = response_members(ctx, res.create, status, body)
    if props is None:  # an unusual response schema: expect an id, as before
        return True
    return any(k in props for k in (res.id_param, "id", "_id", "uuid") if k)


def _lifecycle_variant(ctx: SourceContext, res: Resource, tag: Any) -> StepGen:
    sc = Scenario(ctx, "stateful.lifecycle")
    prop = discriminator_property(ctx.spec, res.create)
    body = ctx.fixtures.body_for(res, tag, variant=1)
    if body is None:
        return
    what = f" ({prop}={tag})" if prop else ""
    case, ex = yield from sc.step(res.create, body=body, description=f"create{what}")
    if ex is None:
        return
    if ex.status in (404, 410) and ctx.fixtures.drawn_parents(res.create):
        # Under a parent the run could not create, the path names something that may not exist.
        yield from skip_all(
            ctx,
            res,
            "stateful.lifecycle",
            f"no parent to create it under: {res.create.method} {res.create.path} answered "
            f"{ex.status} for path values drawn from the parameters' schemas",
        )
        return
    if not 200 <= ex.status < 300:
        yield sc.fail(
            case,
            ex,
            "stateful.create-failed",
            f"creating a valid resource{what} was answered {ex.status}",
            expected="2xx",
            actual=str(ex.status),
        )
        return
    created = ex.json()
    rid = resource_id(res, created) if isinstance(created, dict) else None
    rid = rid or sent_id(ctx.spec, res, body)  # an object the client named is known by it
    if rid is None and not _declares_id(ctx, res, ex.status, created):
        # An action that makes something (``POST /eval/run``, answered ``{"type": "object"}``):
        # the spec promises no id, so a server that returns none conforms; nothing to follow.
        yield sc.ok(res.create)
        yield from skip_all(
            ctx, res, "stateful.lifecycle", f"the create response{what} declares no id"
        )
        return
    if rid is None:
        yield sc.fail(
            case,
            ex,
            "stateful.no-id",
            f"the create response{what} carries no id",
            expected="an id member",
        )
        return
    inst = ctx.ledger.instance(res, rid)
    yield sc.ok(res.create)
    if isinstance(created, dict):
        yield from compare_sent(sc, case, ex, body, created, "the create response")
        yield from check_tag(sc, case, ex, prop, tag, created, "the create response")
        yield from _check_defaults(sc, case, ex, res, body, created)
    else:
        created = {}  # no object answered (PeerTube's blocklist: 200 without a body): read it
    yield from _minimal_create(sc, res, body)
    yield from _odd_text_round_trip(sc, res, body)
    server = server_fields(ctx, res, created)
    item_path = {res.id_param or "id": rid}
    current = dict(created)

    if res.get is not None:
        gcase, gex = yield from sc.step(res.get, path=item_path, description="read it back")
        if gex is not None:
            got = gex.json()
            if gex.status != 200 and not 200 <= gex.status < 300:
                yield sc.fail(
                    gcase,
                    gex,
                    "stateful.get-after-create",
                    f"reading a resource just created answered {gex.status}",
                    expected="200",
                    actual=str(gex.status),
                )
            elif isinstance(got, dict):
                yield sc.ok(res.get)
                yield from compare_sent(sc, gcase, gex, body, got, "GET after create")
                yield from compare_stable(
                    sc,
                    gcase,
                    gex,
                    created,
                    got,
                    "GET after create",
                    "the create response",
                    origin=(res.create, ex.status),
                )
                yield from check_tag(sc, gcase, gex, prop, tag, got, "GET after create")
                current = got

    sc.pin(current)
    for lop in (res.listing, *res.views):
        if lop is None or not ctx.scope.selected(lop):
            continue
        yield from listed(sc, res, lop, rid, present=True, tag=tag, prop=prop)

    if res.update is not None and ctx.scope.selected(res.update):
        current = yield from _patch_steps(sc, res, rid, tag, prop, current, server, body)

    if res.delete is not None and ctx.scope.selected(res.delete):
        dcase, dex = yield from sc.step(res.delete, path=item_path, description="delete it")
        if dex is None:
            return
        if not 200 <= dex.status < 300:
            yield sc.fail(
                dcase,
                dex,
                "stateful.delete-failed",
                f"deleting an existing resource answered {dex.status}",
                expected="2xx",
                actual=str(dex.status),
            )
            return
        yield sc.ok(res.delete)
        if inst is not None:
            ctx.ledger.mark_deleted(inst)
        if res.get is not None:
            gcase, gex = yield from sc.step(
                res.get, path=item_path, expect="not-found", description="read it after delete"
            )
            if gex is not None:
                if 200 <= gex.status < 300:
                    yield sc.fail(
                        gcase,
                        gex,
                        "stateful.not-deleted",
                        f"the resource is still there after DELETE answered {dex.status}",
                        expected="404",
                        actual=str(gex.status),
                        op=res.delete,
                    )
                    if inst is not None:
                        ctx.ledger.restore(inst)  # still exists: let cleanup retry
                elif gex.status not in (404, 410):
                    yield sc.fail(
                        gcase,
                        gex,
                        "stateful.get-after-delete",
                        f"reading a deleted resource answered {gex.status}",
                        expected="404",
                        actual=str(gex.status),
                    )
                else:
                    yield sc.ok(res.delete)
        for lop in (res.listing, *res.views):
            if lop is not None and ctx.scope.selected(lop):
                yield from listed(sc, res, lop, rid, present=False, blame=res.delete)


def _inside_wrapper(patch: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The object ``answer`` wraps in its only member where the patch's members are that
    object's (managedblockchain's flat ``PATCH .../nodes/{nodeId}`` body beside ``GET``'s
    ``{"Node": {...}}``), else ``answer`` itself: what the patch is compared with."""
    if len(answer) != 1 or any(k in answer for k in patch):
        return answer
    inner = next(iter(answer.values()))
    if isinstance(inner, dict) and any(k in inner for k in patch):
        return inner
    return answer


def _patch_steps(
    sc: Scenario,
    res: Resource,
    rid: str,
    tag: Any,
    prop: str | None,
    current: dict[str, Any],
    server: frozenset[str],
    created_body: dict[str, Any],
) -> StepGen:
    """Patch, read back, and try to convert the variant; returns what the resource is now."""
    assert res.update is not None
    ctx = sc.ctx
    item_path = {res.id_param or "id": rid}
    patch = ctx.builder.patch_body(res, tag, prop, created_body)
    if patch is None:
        yield Skipped(res.update, "stateful.lifecycle", "no valid patch could be generated")
        return current
    pcase, pex = yield from sc.step(res.update, path=item_path, body=patch, description="patch it")
    if pex is None:
        return current
    if not 200 <= pex.status < 300:
        yield sc.fail(
            pcase,
            pex,
            "stateful.patch-failed",
            f"a valid patch was answered {pex.status}{said(pex)}",
            expected="2xx",
            actual=str(pex.status),
        )
        return current
    yield sc.ok(res.update)
    after = pex.json()
    if isinstance(after, dict):
        yield from compare_sent(sc, pcase, pex, patch, after, "the PATCH response")
        yield from check_tag(sc, pcase, pex, prop, tag, after, "the PATCH response")
    if res.get is not None:
        gcase, gex = yield from sc.step(
            res.get, path=item_path, description="read it after the patch"
        )
        if gex is not None and 200 <= gex.status < 300:
            got = gex.json()
            if isinstance(got, dict):
                yield sc.ok(res.get)
                ignore = undeclared_in_response(ctx, res.get, gex.status, patch)
                for p, want, have in mismatches(patch, got, ignore=ignore):
                    yield sc.fail(
                        gcase,
                        gex,
                        "stateful.patch-not-applied",
                        f"GET after PATCH does not reflect the patch at {_path(p)}",
                        pointer=p,
                        expected=show(want),
                        actual=show(have),
                        op=res.update,
                    )
                # Only a PATCH (merge semantics) promises that what it does not name stays: a
                # PUT replaces the resource, and members it leaves out may take their defaults.
                before, read = _inside_wrapper(patch, current), _inside_wrapper(patch, got)
                untouched = (
                    {k: v for k, v in before.items() if k not in patch and k not in VOLATILE}
                    if res.update.method == "PATCH"
                    else {}
                )
                for p, want, have in mismatches(
                    untouched, read, skip=frozenset(server - set(IMMUTABLE))
                ):
                    yield sc.fail(
                        gcase,
                        gex,
                        "stateful.patch-clobbered",
                        f"PATCH changed {_path(p)}, which it did not touch",
                        pointer=p,
                        expected=show(want),
                        actual=show(have),
                        op=res.update,
                    )
                yield from check_tag(
                    sc, gcase, gex, prop, tag, got, "GET after PATCH", blame=res.update
                )
                current = got
        elif gex is not None:
            yield sc.fail(
                gcase,
                gex,
                "stateful.get-after-patch",
                f"reading a patched resource answered {gex.status}",
                expected="200",
                actual=str(gex.status),
            )
    yield from _cross_variant_patch(sc, res, rid, tag, prop)
    return current


def _path(pointer: str) -> str:
    from contracttest.runner.builder import path_text

    return path_text(pointer)


def _cross_variant_patch(
    sc: Scenario, res: Resource, rid: str, tag: Any, prop: str | None
) -> StepGen:
    """A PATCH that names another variant must not turn the resource into it."""
    assert res.update is not None
    ctx = sc.ctx
    if not prop or tag is None:
        return
    others = [t for t in ctx.fixtures.tags(res) if t != tag]
    if not others:
        return
    target = f"{res.update.label}:request"
    body = {prop: others[0]}
    if not ctx.generation.is_valid(target, body):
        return
    item_path = {res.id_param or "id": rid}
    sc2 = Scenario(ctx, "stateful.discriminator", log=list(sc.log))
    pcase, pex = yield from sc2.step(
        res.update,
        path=item_path,
        body=body,
        expect="any",
        description=f"patch with {prop}={others[0]!r} on a {tag!r} resource",
    )
    if pex is None:
        return
    if 200 <= pex.status < 300:
        after = pex.json()
        if isinstance(after, dict) and after.get(prop) not in (tag, None):
            yield sc2.fail(
                pcase,
                pex,
                "stateful.discriminator-changed",
                f"PATCH changed {prop} from {tag!r} to {after.get(prop)!r}",
                pointer=f"/{prop}",
                expected=repr(tag),
                actual=repr(after.get(prop)),
            )
            return
        if res.get is not None:
            gcase, gex = yield from sc2.step(
                res.get, path=item_path, description="read it after the cross-variant patch"
            )
            got = gex.json() if gex is not None else None
            if gex is not None and isinstance(got, dict) and got.get(prop) != tag:
                yield sc2.fail(
                    gcase,
                    gex,
                    "stateful.discriminator-changed",
                    f"after a PATCH with {prop}={others[0]!r}, the resource's {prop} is "
                    f"{got.get(prop)!r}",
                    pointer=f"/{prop}",
                    expected=repr(tag),
                    actual=repr(got.get(prop)),
                    op=res.update,
                )
                return
    yield sc2.ok(res.update)
    sc.log = sc2.log


def _minimal_create(sc: Scenario, res: Resource, body: dict[str, Any]) -> StepGen:
    """Create the variant again without the members that have a default, and check the defaults."""
    ctx = sc.ctx
    target = f"{res.create.label}:request"
    declared = declared_properties(ctx.spec, target, body)
    defaulted = [k for k, v in declared.items() if isinstance(v, dict) and "default" in v]
    if not defaulted:
        return
    prop = discriminator_property(ctx.spec, res.create)
    tag = body.get(prop) if prop else None
    pool = ctx.fixtures.bodies(res).get(tag, [])
    # Leaving a member out can break a rule that depends on it (an alphanumeric number is only
    # valid with the E.164 check off), so the first body whose stripped form stays valid is used.
    minimal = None
    for candidate in (body, *pool, _smallest(ctx, target, body, keep=prop)):
        stripped = {k: v for k, v in candidate.items() if k not in defaulted}
        if ctx.generation.is_valid(target, stripped):
            minimal = ctx.fixtures.decorate(res, stripped)
            break
    if minimal is None:
        return
    case, ex = yield from sc.step(
        res.create, body=minimal, description="create without the defaulted members"
    )
    if ex is None or not 200 <= ex.status < 300:
        return
    created = ex.json()
    if isinstance(created, dict):
        yield Passed(res.create, "stateful.lifecycle")
        yield from _check_defaults(sc, case, ex, res, minimal, created)


def _odd_text(
    ctx: SourceContext, target: str, body: dict[str, Any], key: str
) -> dict[str, Any] | None:
    """``body`` with ``key`` set to the longest valid text starting with `ODD_TEXT`."""
    declared = declared_properties(ctx.spec, target, body)
    schema = declared.get(key)
    if not isinstance(schema, dict) or schema.get("type") != "string":
        return None
    if any(k in schema for k in ("enum", "const", "format", "pattern", "x-ecma-pattern")):
        return None
    top = schema.get("maxLength")
    top = int(top) if isinstance(top, int) and not isinstance(top, bool) else 64
    stem = f"{ODD_TEXT}{uuid.uuid4().hex[:6]}-"
    for n in range(min(top, 256), 0, -1):
        text = (stem + "x" * n)[:n]
        candidate = {**body, key: text}
        if ctx.generation.is_valid(target, candidate):
            return candidate if any(ord(c) > 127 for c in text) else None
    return None


def _odd_text_round_trip(sc: Scenario, res: Resource, body: dict[str, Any]) -> StepGen:
    """Create the variant again with the longest valid name in accents, CJK and an emoji: the
    create response and a read return it unchanged (not cut short, not re-encoded)."""
    ctx = sc.ctx
    target = f"{res.create.label}:request"
    odd = _odd_text(ctx, target, body, "name")
    if odd is None:
        return
    odd = ctx.fixtures.renamed(res, odd)
    case, ex = yield from sc.step(
        res.create, body=odd, description="create with a long non-ASCII name"
    )
    if ex is None or not 200 <= ex.status < 300:
        if ex is not None and ex.status < 500:
            yield sc.fail(
                case,
                ex,
                "stateful.create-failed",
                f"creating a valid resource with a long non-ASCII name was answered {ex.status}"
                f"{said(ex)}",
                expected="2xx",
                actual=str(ex.status),
            )
        return
    created = ex.json()
    if not isinstance(created, dict):
        return
    sent = {"name": odd["name"]}
    yield from compare_sent(sc, case, ex, sent, created, "the create response (non-ASCII name)")
    rid = resource_id(res, created)
    if res.get is None or rid is None:
        return
    gcase, gex = yield from sc.step(
        res.get, path={res.id_param or "id": rid}, description="read the non-ASCII name back"
    )
    if gex is None or not 200 <= gex.status < 300:
        return
    got = gex.json()
    if isinstance(got, dict):
        yield Passed(res.get, "stateful.lifecycle")
        yield from compare_sent(sc, gcase, gex, sent, got, "GET after create (non-ASCII name)")


def _smallest(
    ctx: SourceContext, target: str, body: dict[str, Any], keep: str | None
) -> dict[str, Any]:
    """``body`` without every member whose removal keeps it valid."""
    out = dict(body)
    for key in list(body):
        if key == keep:
            continue
        trial = {k: v for k, v in out.items() if k != key}
        if ctx.generation.is_valid(target, trial):
            out = trial
    return out


def _check_defaults(
    sc: Scenario,
    case: Case,
    ex: Exchange,
    res: Resource,
    sent: dict[str, Any],
    created: dict[str, Any],
) -> Iterator[Failed]:
    declared = declared_properties(sc.ctx.spec, f"{res.create.label}:request", sent)
    for key, schema in declared.items():
        if (
            key in sent
            or key not in created
            or not isinstance(schema, dict)
            or "default" not in schema
        ):
            continue
        if not same(schema["default"], created[key]):
            yield sc.fail(
                case,
                ex,
                "stateful.default-not-applied",
                f"{key} was not sent, so it should take its default {schema['default']!r}",
                pointer=f"/{key}",
                expected=show(schema["default"]),
                actual=show(created[key]),
            )
