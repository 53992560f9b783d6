"""Stateful checks on resources inferred from the paths: lifecycle, discriminator, pagination,
filters, and isolation between two orgs.

Every request here also goes through the response checks (status, content type, schema, secrets,
5xx). The scenario checks then judge what the responses say about state: what was sent comes back,
a patch sticks and keeps the variant, a deleted resource is gone, ``limit`` and pagination metadata
add up, filters filter, and one org never sees or touches another's resources. Lifecycles live here;
lists in `contracttest.runner.listing`, isolation in `contracttest.runner.isolation`.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from contracttest.runner.case import Case
from contracttest.runner.executor import (
    Exchange,
    declared_properties,
    discriminator_property,
    resource_id,
)
from contracttest.runner.registry import check
from contracttest.runner.scenario import (
    IMMUTABLE,
    VOLATILE,
    Scenario,
    _check_tag,
    _compare_sent,
    _compare_stable,
    _listed,
    _pointer_text,
    _said,
    _same,
    _server_fields,
    _show,
    _skip_all,
    list_items,
    mismatches,
    undeclared_in_response,
)

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.openapi.resources import Resource
    from contracttest.runner.engine import Runner

__all__ = ["list_items", "units"]

for _id, _title, _short, _desc in (
    (
        "stateful.lifecycle",
        "Create, read, update, delete round trip",
        "lifecycle",
        "create -> get returns what was sent (plus server fields) -> it is listed -> patch -> get "
        "reflects the patch -> delete -> get is 404 and it is no longer listed.",
    ),
    (
        "stateful.discriminator",
        "Discriminator preserved",
        "variant",
        "The discriminator (provider) in every response equals the one sent, and a PATCH cannot "
        "change it.",
    ),
    (
        "stateful.pagination",
        "limit and pagination add up",
        "pagination",
        "Lists return min(limit, total) items; pagination metadata (totals, pages, hasNextPage, "
        "current page, items per page) is consistent, and pages neither repeat nor skip items.",
    ),
    (
        "stateful.filters",
        "Filters and sort order are honoured",
        "filters",
        "Date range filters (createdAtGt/Ge/Lt/Le...), search and equality filters only return "
        "matching items and keep matching ones; sortOrder orders the list.",
    ),
    (
        "auth.isolation",
        "Orgs are isolated",
        "isolation",
        "With two tokens, one org cannot read, list, change or delete another org's resources.",
    ),
):
    check(_id, title=_title, short=_short, description=_desc, scope="scenario")(lambda *a: None)


def units(runner: Runner) -> list[tuple[str, Callable[[], None], Operation, str]]:
    """The stateful phase's units of work, in order: (label, work, operation, check)."""
    from contracttest.runner import isolation, listing

    plan = runner.plan
    enabled = set(plan.checks)
    out: list[tuple[str, Callable[[], None], Operation, str]] = []
    for res in plan.resources.resources:
        ops = [op for op in res.operations if plan.selected(op)]
        if not ops:
            continue
        if enabled & {"stateful.lifecycle", "stateful.discriminator"}:
            out.append(
                (
                    f"{res.name} lifecycle",
                    functools.partial(lifecycle, runner, res),
                    res.create,
                    "stateful.lifecycle",
                )
            )
        lists = [op for op in (res.listing, *res.views) if op is not None and plan.selected(op)]
        for op in lists:
            if "stateful.pagination" in enabled:
                out.append(
                    (
                        f"{op.label} pagination",
                        functools.partial(listing.pagination, runner, res, op),
                        op,
                        "stateful.pagination",
                    )
                )
            if "stateful.filters" in enabled:
                out.append(
                    (
                        f"{op.label} filters",
                        functools.partial(listing.filters, runner, res, op),
                        op,
                        "stateful.filters",
                    )
                )
        if "auth.isolation" in enabled:
            out.append(
                (
                    f"{res.name} isolation",
                    functools.partial(isolation.isolation, runner, res),
                    res.create,
                    "auth.isolation",
                )
            )
    return out


# ---------------------------------------------------------------------------------- lifecycle
def lifecycle(runner: Runner, res: Resource) -> None:
    plan = runner.plan
    if plan.read_only:
        _skip_all(
            runner, res, "stateful.lifecycle", "read-only run: the lifecycle creates and deletes"
        )
        _skip_all(runner, res, "stateful.discriminator", "read-only run")
        return
    if res.create.secured and not plan.credentials:
        _skip_all(runner, res, "stateful.lifecycle", "no credentials (pass --token)")
        return
    tags = runner.fixtures.tags(res)
    if not tags and res.create.json_body() is None:
        _skip_all(runner, res, "stateful.lifecycle", runner.fixtures.why_not(res))
        return
    if not tags:
        reason = runner.fixtures.why_not(res)
        runner.ctx.error(
            res.create, "stateful.lifecycle", f"no valid create body could be generated ({reason})"
        )
        return
    for tag in tags:
        _lifecycle_variant(runner, res, tag)


def _declares_id(runner: Runner, res: Resource, status: int, body: Any) -> bool:
    """Whether the create response documented for ``status`` declares an id member."""
    from contracttest.runner.checks import documented_json
    from contracttest.runner.undeclared import declared_members

    doc = documented_json(res.create, status)
    if doc is None:
        return False
    try:
        props = declared_members(runner.plan.spec.target(doc[0]).schema(), body)
    except Exception:  # an unusual response schema: expect an id, as before
        return True
    return any(k in props for k in (res.id_param, "id", "_id", "uuid") if k)


def _lifecycle_variant(runner: Runner, res: Resource, tag: Any) -> None:
    spec = runner.plan.spec
    sc = Scenario(runner, "stateful.lifecycle")
    prop = discriminator_property(spec, res.create)
    body = runner.fixtures.body_for(res, tag, variant=1)
    if body is None:
        return
    what = f" ({prop}={tag})" if prop else ""
    case, ex = sc.step(res.create, body=body, description=f"create{what}")
    if ex is None:
        return
    if not 200 <= ex.status < 300:
        sc.fail(
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
    if rid is None and not _declares_id(runner, res, ex.status, created):
        # An action that makes something (``POST /eval/run``, answered ``{"type": "object"}``):
        # the spec promises no id, so a server that returns none conforms; nothing to follow.
        sc.ok(res.create)
        _skip_all(runner, res, "stateful.lifecycle", f"the create response{what} declares no id")
        return
    if rid is None:
        sc.fail(
            case,
            ex,
            "stateful.no-id",
            f"the create response{what} carries no id",
            expected="an id member",
        )
        return
    assert isinstance(created, dict)
    inst = runner.executor.instance(res, rid)
    sc.ok(res.create)
    _compare_sent(sc, case, ex, body, created, "the create response")
    _check_tag(runner, sc, case, ex, prop, tag, created, "the create response")
    _check_defaults(runner, sc, case, ex, res, body, created)
    _minimal_create(runner, sc, res, body)
    _odd_text_round_trip(runner, sc, res, body)
    server = _server_fields(runner, res, created)
    item_path = {res.id_param or "id": rid}
    current = dict(created)

    if res.get is not None:
        gcase, gex = sc.step(res.get, path=item_path, description="read it back")
        if gex is not None:
            got = gex.json()
            if gex.status != 200 and not 200 <= gex.status < 300:
                sc.fail(
                    gcase,
                    gex,
                    "stateful.get-after-create",
                    f"reading a resource just created answered {gex.status}",
                    expected="200",
                    actual=str(gex.status),
                )
            elif isinstance(got, dict):
                sc.ok(res.get)
                _compare_sent(sc, gcase, gex, body, got, "GET after create")
                _compare_stable(
                    sc, gcase, gex, created, got, server, "GET after create", "the create response"
                )
                _check_tag(runner, sc, gcase, gex, prop, tag, got, "GET after create")
                current = got

    for lop in (res.listing, *res.views):
        if lop is None or not runner.plan.selected(lop):
            continue
        _listed(runner, sc, res, lop, rid, present=True, tag=tag, prop=prop)

    if res.update is not None and runner.plan.selected(res.update):
        current = _patch_steps(runner, sc, res, rid, tag, prop, current, server, body)

    if res.delete is not None and runner.plan.selected(res.delete):
        dcase, dex = sc.step(res.delete, path=item_path, description="delete it")
        if dex is None:
            return
        if not 200 <= dex.status < 300:
            sc.fail(
                dcase,
                dex,
                "stateful.delete-failed",
                f"deleting an existing resource answered {dex.status}",
                expected="2xx",
                actual=str(dex.status),
            )
            return
        sc.ok(res.delete)
        if inst is not None:
            runner.executor.mark_deleted(inst)
        if res.get is not None:
            gcase, gex = sc.step(
                res.get, path=item_path, expect="not-found", description="read it after delete"
            )
            if gex is not None:
                if 200 <= gex.status < 300:
                    sc.fail(
                        gcase,
                        gex,
                        "stateful.not-deleted",
                        f"the resource is still there after DELETE answered {dex.status}",
                        expected="404",
                        actual=str(gex.status),
                        op=res.delete,
                    )
                    if inst is not None:
                        inst.deleted = False  # still exists: let cleanup retry
                elif gex.status not in (404, 410):
                    sc.fail(
                        gcase,
                        gex,
                        "stateful.get-after-delete",
                        f"reading a deleted resource answered {gex.status}",
                        expected="404",
                        actual=str(gex.status),
                    )
                else:
                    sc.ok(res.delete)
        for lop in (res.listing, *res.views):
            if lop is not None and runner.plan.selected(lop):
                _listed(runner, sc, res, lop, rid, present=False, blame=res.delete)


def _patch_steps(
    runner: Runner,
    sc: Scenario,
    res: Resource,
    rid: str,
    tag: Any,
    prop: str | None,
    current: dict[str, Any],
    server: frozenset[str],
    created_body: dict[str, Any],
) -> dict[str, Any]:
    assert res.update is not None
    item_path = {res.id_param or "id": rid}
    patch = _patch_body(runner, res, tag, prop, created_body)
    if patch is None:
        runner.ctx.skip(res.update, "stateful.lifecycle", "no valid patch could be generated")
        return current
    pcase, pex = sc.step(res.update, path=item_path, body=patch, description="patch it")
    if pex is None:
        return current
    if not 200 <= pex.status < 300:
        said = _said(pex)
        sc.fail(
            pcase,
            pex,
            "stateful.patch-failed",
            f"a valid patch was answered {pex.status}{said}",
            expected="2xx",
            actual=str(pex.status),
        )
        return current
    sc.ok(res.update)
    after = pex.json()
    if isinstance(after, dict):
        _compare_sent(sc, pcase, pex, patch, after, "the PATCH response")
        _check_tag(runner, sc, pcase, pex, prop, tag, after, "the PATCH response")
    if res.get is not None:
        gcase, gex = sc.step(res.get, path=item_path, description="read it after the patch")
        if gex is not None and 200 <= gex.status < 300:
            got = gex.json()
            if isinstance(got, dict):
                sc.ok(res.get)
                ignore = undeclared_in_response(runner, res.get, gex.status, patch)
                for p, want, have in mismatches(patch, got, ignore=ignore):
                    sc.fail(
                        gcase,
                        gex,
                        "stateful.patch-not-applied",
                        f"GET after PATCH does not reflect the patch at {_pointer_text(p)}",
                        pointer=p,
                        expected=_show(want),
                        actual=_show(have),
                        op=res.update,
                    )
                untouched = {
                    k: v for k, v in current.items() if k not in patch and k not in VOLATILE
                }
                for p, want, have in mismatches(
                    untouched, got, skip=frozenset(server - set(IMMUTABLE))
                ):
                    sc.fail(
                        gcase,
                        gex,
                        "stateful.patch-clobbered",
                        f"PATCH changed {_pointer_text(p)}, which it did not touch",
                        pointer=p,
                        expected=_show(want),
                        actual=_show(have),
                        op=res.update,
                    )
                _check_tag(
                    runner, sc, gcase, gex, prop, tag, got, "GET after PATCH", blame=res.update
                )
                current = got
        elif gex is not None:
            sc.fail(
                gcase,
                gex,
                "stateful.get-after-patch",
                f"reading a patched resource answered {gex.status}",
                expected="200",
                actual=str(gex.status),
            )
    _cross_variant_patch(runner, sc, res, rid, tag, prop)
    return current


def _patch_body(
    runner: Runner, res: Resource, tag: Any, prop: str | None, created: dict[str, Any]
) -> dict[str, Any] | None:
    """A valid patch of the same variant that changes at least one member (``name`` when it can)."""
    assert res.update is not None
    target = f"{res.update.label}:request"
    if res.update.json_body() is None:
        return None
    gen = runner.generation
    candidates: list[dict[str, Any]] = []
    try:
        examples = runner.examples(target)
    except Exception:  # generation problems leave the patch step out
        examples = []
    for ex in examples:
        if not isinstance(ex, dict):
            continue
        if prop and tag is not None and ex.get(prop) not in (tag, None):
            continue
        if any(k != prop for k in ex):
            candidates.append(ex)
    candidates.sort(key=lambda b: -len(b))
    fresh_name = f"ct-patched-{uuid.uuid4().hex[:8]}"
    declared = declared_properties(runner.plan.spec, target, {prop: tag} if prop else None)
    for cand in candidates[:10]:
        body = dict(cand)
        if prop and tag is not None:
            body[prop] = tag
        if "name" in declared:
            body["name"] = fresh_name
        merged = {**created, **body}
        if gen.is_valid(target, body) and gen.is_valid(f"{res.create.label}:request", merged):
            return body
    simple: dict[str, Any] = {prop: tag} if prop and tag is not None else {}
    if "name" in declared:
        simple["name"] = fresh_name
        if gen.is_valid(target, simple):
            return simple
    return None


def _cross_variant_patch(
    runner: Runner, sc: Scenario, res: Resource, rid: str, tag: Any, prop: str | None
) -> None:
    """A PATCH that names another variant must not turn the resource into it."""
    assert res.update is not None
    if not prop or tag is None:
        return
    others = [t for t in runner.fixtures.tags(res) if t != tag]
    if not others:
        return
    target = f"{res.update.label}:request"
    body = {prop: others[0]}
    if not runner.generation.is_valid(target, body):
        return
    item_path = {res.id_param or "id": rid}
    sc2 = Scenario(runner, "stateful.discriminator", log=list(sc.log))
    pcase, pex = sc2.step(
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
            sc2.fail(
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
            gcase, gex = sc2.step(
                res.get, path=item_path, description="read it after the cross-variant patch"
            )
            got = gex.json() if gex is not None else None
            if gex is not None and isinstance(got, dict) and got.get(prop) != tag:
                sc2.fail(
                    gcase,
                    gex,
                    "stateful.discriminator-changed",
                    f"after a PATCH with {prop}={others[0]!r}, the resource's {prop} is {got.get(prop)!r}",
                    pointer=f"/{prop}",
                    expected=repr(tag),
                    actual=repr(got.get(prop)),
                    op=res.update,
                )
                return
    sc2.ok(res.update)
    sc.log = sc2.log


def _minimal_create(runner: Runner, sc: Scenario, res: Resource, body: dict[str, Any]) -> None:
    """Create the variant again without the members that have a default, and check the defaults."""
    target = f"{res.create.label}:request"
    declared = declared_properties(runner.plan.spec, target, body)
    defaulted = [k for k, v in declared.items() if isinstance(v, dict) and "default" in v]
    if not defaulted:
        return
    prop = discriminator_property(runner.plan.spec, res.create)
    tag = body.get(prop) if prop else None
    pool = runner.fixtures.bodies(res).get(tag, [])
    # Leaving a member out can break a rule that depends on it (an alphanumeric number is only
    # valid with the E.164 check off), so the first body whose stripped form stays valid is used.
    minimal = None
    for candidate in (body, *pool, _smallest(runner, target, body, keep=prop)):
        stripped = {k: v for k, v in candidate.items() if k not in defaulted}
        if runner.generation.is_valid(target, stripped):
            minimal = runner.fixtures.decorate(res, stripped)
            break
    if minimal is None:
        return
    case, ex = sc.step(res.create, body=minimal, description="create without the defaulted members")
    if ex is None or not 200 <= ex.status < 300:
        return
    created = ex.json()
    if isinstance(created, dict):
        runner.ctx.count(res.create, "stateful.lifecycle")
        _check_defaults(runner, sc, case, ex, res, minimal, created)


ODD_TEXT = "ct-ñé中😀-"
"""Accents, a CJK character and an emoji beyond the BMP: what lossy columns and encoders break."""


def _odd_text(runner: Runner, target: str, body: dict[str, Any], key: str) -> dict[str, Any] | None:
    """``body`` with ``key`` set to the longest valid text starting with `ODD_TEXT`."""
    declared = declared_properties(runner.plan.spec, target, body)
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
        if runner.generation.is_valid(target, candidate):
            return candidate if any(ord(c) > 127 for c in text) else None
    return None


def _odd_text_round_trip(runner: Runner, sc: Scenario, res: Resource, body: dict[str, Any]) -> None:
    """Create the variant again with the longest valid name in accents, CJK and an emoji: the
    create response and a read return it unchanged (not cut short, not re-encoded)."""
    target = f"{res.create.label}:request"
    odd = _odd_text(runner, target, body, "name")
    if odd is None:
        return
    case, ex = sc.step(res.create, body=odd, description="create with a long non-ASCII name")
    if ex is None or not 200 <= ex.status < 300:
        if ex is not None and ex.status < 500:
            sc.fail(
                case,
                ex,
                "stateful.create-failed",
                f"creating a valid resource with a long non-ASCII name was answered {ex.status}"
                f"{_said(ex)}",
                expected="2xx",
                actual=str(ex.status),
            )
        return
    created = ex.json()
    if not isinstance(created, dict):
        return
    sent = {"name": odd["name"]}
    _compare_sent(sc, case, ex, sent, created, "the create response (non-ASCII name)")
    rid = resource_id(res, created)
    if res.get is None or rid is None:
        return
    gcase, gex = sc.step(
        res.get, path={res.id_param or "id": rid}, description="read the non-ASCII name back"
    )
    if gex is None or not 200 <= gex.status < 300:
        return
    got = gex.json()
    if isinstance(got, dict):
        runner.ctx.count(res.get, "stateful.lifecycle")
        _compare_sent(sc, gcase, gex, sent, got, "GET after create (non-ASCII name)")


def _smallest(
    runner: Runner, target: str, body: dict[str, Any], keep: str | None
) -> dict[str, Any]:
    """``body`` without every member whose removal keeps it valid."""
    out = dict(body)
    for key in list(body):
        if key == keep:
            continue
        trial = {k: v for k, v in out.items() if k != key}
        if runner.generation.is_valid(target, trial):
            out = trial
    return out


def _check_defaults(
    runner: Runner,
    sc: Scenario,
    case: Case,
    ex: Exchange,
    res: Resource,
    sent: dict[str, Any],
    created: dict[str, Any],
) -> None:
    declared = declared_properties(runner.plan.spec, f"{res.create.label}:request", sent)
    for key, schema in declared.items():
        if (
            key in sent
            or key not in created
            or not isinstance(schema, dict)
            or "default" not in schema
        ):
            continue
        if not _same(schema["default"], created[key]):
            sc.fail(
                case,
                ex,
                "stateful.default-not-applied",
                f"{key} was not sent, so it should take its default {schema['default']!r}",
                pointer=f"/{key}",
                expected=_show(schema["default"]),
                actual=_show(created[key]),
            )
