"""Stateful checks on resources inferred from the paths: lifecycle, discriminator, pagination,
filters, and isolation between two orgs.

Every request here also goes through the response checks (status, content type, schema, secrets,
5xx). The scenario checks then judge what the responses say about state: what was sent comes back,
a patch sticks and keeps the variant, a deleted resource is gone, ``limit`` and pagination metadata
add up, filters filter, and one org never sees or touches another's resources.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity, is_secret_key, truncate_value
from contracttest.runner.case import NO_BODY, Case, Expect, provoked_for
from contracttest.runner.checks import LEAK_KEY
from contracttest.runner.executor import (
    Exchange,
    Instance,
    declared_properties,
    discriminator_property,
    resource_id,
)
from contracttest.runner.registry import check

if TYPE_CHECKING:
    from contracttest.mock.resources import Resource
    from contracttest.openapi.model import Operation
    from contracttest.runner.engine import Runner

__all__ = ["list_items", "units"]

RESPONSE_CHECKS = (
    "response.status",
    "response.content-type",
    "response.schema",
    "response.no-secrets",
    "server.no-5xx",
)
IMMUTABLE = ("id", "createdAt", "orgId", "created_at", "org_id")
VOLATILE = frozenset({"updatedAt", "updated_at", "status"})
MAX_PAGES = 10

# The scenario checks are registered for their metadata; the scenarios below record their results.
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


# ------------------------------------------------------------------------------------ helpers
def list_items(body: Any) -> tuple[list[Any] | None, dict[str, Any] | None]:
    """The items and the pagination metadata of a list response (a bare array or an envelope)."""
    if isinstance(body, list):
        return body, None
    if not isinstance(body, dict):
        return None, None
    items = None
    for key in ("results", "data", "items", "records", "list", "values"):
        if isinstance(body.get(key), list):
            items = body[key]
            break
    if items is None:
        arrays = [v for v in body.values() if isinstance(v, list)]
        items = arrays[0] if len(arrays) == 1 else None
    meta = None
    for key in ("metadata", "meta", "pagination", "pageInfo", "page_info"):
        if isinstance(body.get(key), dict):
            meta = body[key]
            break
    return items, meta


def _ids(items: list[Any], res: Resource) -> list[str]:
    out = []
    for it in items:
        if isinstance(it, dict):
            rid = resource_id(res, it)
            if rid is not None:
                out.append(rid)
    return out


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        from datetime import UTC

        dt = dt.replace(tzinfo=UTC)
    return dt


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str) and a != b:
        da, db = _instant(a), _instant(b)
        return da is not None and db is not None and da == db
    return bool(a == b)


def mismatches(
    sent: Any, got: Any, pointer: str = "", *, skip: frozenset[str] = frozenset()
) -> list[tuple[str, Any, Any]]:
    """Where ``got`` does not carry what was ``sent`` (extra members in ``got`` are fine)."""
    out: list[tuple[str, Any, Any]] = []
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [(pointer, sent, got)]
        for k, v in sent.items():
            if k in skip or _write_only(k):
                continue
            p = _pointer.join(pointer, k)
            if k not in got:
                # A server may leave out an object holding credentials rather than echo them.
                if v is not None and not _holds_secret(v):
                    out.append((p, v, _MISSING))
                continue
            out.extend(mismatches(v, got[k], p))
        return out
    if isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            return [(pointer, sent, got)]
        for i, (a, b) in enumerate(zip(sent, got, strict=True)):
            out.extend(mismatches(a, b, _pointer.join(pointer, i)))
        return out
    if not _same(sent, got):
        out.append((pointer, sent, got))
    return out


def _write_only(key: Any) -> bool:
    """Credentials a server may keep to itself (tokens, secrets, passwords; not ``credentialId``)."""
    if not isinstance(key, str) or not is_secret_key(key):
        return False
    return bool(LEAK_KEY.search(key)) or not key.lower().endswith(("id", "ids"))


def _holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_write_only(k) or _holds_secret(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


_MISSING = _Missing()


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    return truncate_value(value, 80)


@dataclass
class Scenario:
    """One running scenario: sends steps, keeps their log, records findings."""

    runner: Runner
    check: str
    log: list[str] = field(default_factory=list)

    @property
    def ctx(self) -> Any:
        return self.runner.ctx

    def step(
        self,
        op: Operation,
        *,
        path: dict[str, Any] | None = None,
        query: tuple[tuple[str, Any], ...] = (),
        body: Any = NO_BODY,
        credential: int | None = 0,
        expect: Expect = "success",
        description: str = "",
    ) -> tuple[Case, Exchange | None]:
        case = Case(
            operation=op,
            kind="stateful" if self.check != "auth.isolation" else "isolation",
            expect=expect,
            path_params=path or {},
            query=query,
            body=body,
            credential=credential,
            description=description or f"{self.check} step",
            provoked=provoked_for(expect),
        )
        ex = self.runner.executor.send(case, only=RESPONSE_CHECKS, steps=tuple(self.log))
        status = "error" if ex is None else str(ex.status)
        shown = ex.request.path if ex is not None else op.path
        q = "&".join(f"{k}={v}" for k, v in query)
        who = (
            ""
            if credential in (0, None)
            else f" [org {credential + 1 if isinstance(credential, int) else credential}]"
        )
        self.log.append(f"{op.method} {shown}{'?' + q if q else ''}{who} -> {status}")
        if ex is None:
            self.ctx.error(
                op, self.check, f"{description or op.key}: the request could not be sent"
            )
        return case, ex

    def ok(self, op: Operation, n: int = 1, check: str | None = None) -> None:
        self.ctx.count(op, check or self.check, n)

    def fail(
        self,
        case: Case,
        ex: Exchange | None,
        rule: str,
        message: str,
        *,
        pointer: str = "",
        expected: str | None = None,
        actual: str | None = None,
        check: str | None = None,
        op: Operation | None = None,
    ) -> None:
        target = op or case.operation
        if op is not None and op is not case.operation:
            case = case.with_(operation=op)
        self.ctx.count(target, check or self.check)
        self.ctx.fail(
            check or self.check,
            case,
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                pointer=pointer,
                message=message,
                expected=expected,
                actual=actual,
                target=target.label,
            ),
            request=ex.request if ex is not None else None,
            response=ex.response if ex is not None else None,
            steps=tuple(self.log),
        )


def units(runner: Runner) -> list[tuple[str, Callable[[], None]]]:
    """The stateful phase's units of work, in order."""
    plan = runner.plan
    enabled = set(plan.checks)
    out: list[tuple[str, Callable[[], None]]] = []
    for res in plan.resources.resources:
        ops = [op for op in res.operations if plan.selected(op)]
        if not ops:
            continue
        if enabled & {"stateful.lifecycle", "stateful.discriminator"}:
            out.append((f"{res.name} lifecycle", lambda res=res: lifecycle(runner, res)))
        lists = [op for op in (res.listing, *res.views) if op is not None and plan.selected(op)]
        for op in lists:
            if "stateful.pagination" in enabled:
                out.append(
                    (f"{op.label} pagination", lambda res=res, op=op: pagination(runner, res, op))
                )
            if "stateful.filters" in enabled:
                out.append((f"{op.label} filters", lambda res=res, op=op: filters(runner, res, op)))
        if "auth.isolation" in enabled:
            out.append((f"{res.name} isolation", lambda res=res: isolation(runner, res)))
    return out


def _skip_all(runner: Runner, res: Resource, check_id: str, reason: str) -> None:
    for op in res.operations:
        if runner.plan.selected(op):
            runner.ctx.skip(op, check_id, reason)


def _server_fields(runner: Runner, res: Resource, body: dict[str, Any]) -> frozenset[str]:
    """Members of the resource the client does not send (id, timestamps...)."""
    try:
        sent = declared_properties(runner.plan.spec, f"{res.create.label}:request", body)
    except Exception:  # no request schema: nothing is known to be client-owned
        return frozenset()
    return frozenset(k for k in body if k not in sent)


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
    if not tags:
        reason = runner.fixtures.why_not(res)
        runner.ctx.error(
            res.create, "stateful.lifecycle", f"no valid create body could be generated ({reason})"
        )
        return
    for tag in tags:
        _lifecycle_variant(runner, res, tag)


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
                for p, want, have in mismatches(patch, got):
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


def _said(ex: Exchange) -> str:
    from contracttest.runner.checks import _error_text

    text = _error_text(ex.response)
    return f": {truncate_value(text, 160)}" if text else ""


def _pointer_text(pointer: str) -> str:
    from contracttest.findings import pointer_to_path

    return pointer_to_path(pointer)


def _compare_sent(
    sc: Scenario, case: Case, ex: Exchange, sent: dict[str, Any], got: dict[str, Any], where: str
) -> None:
    for p, want, have in mismatches(sent, got):
        sc.fail(
            case,
            ex,
            "stateful.round-trip",
            f"{where} does not return what was sent at {_pointer_text(p)}",
            pointer=p,
            expected=_show(want),
            actual=_show(have),
        )


def _compare_stable(
    sc: Scenario,
    case: Case,
    ex: Exchange,
    before: dict[str, Any],
    after: dict[str, Any],
    server: frozenset[str],
    where: str,
    since: str,
) -> None:
    for key in IMMUTABLE:
        if key in before and key in after and not _same(before[key], after[key]):
            sc.fail(
                case,
                ex,
                "stateful.unstable",
                f"{where}: {key} differs from {since}",
                pointer=f"/{key}",
                expected=_show(before[key]),
                actual=_show(after[key]),
            )


def _check_tag(
    runner: Runner,
    sc: Scenario,
    case: Case,
    ex: Exchange,
    prop: str | None,
    tag: Any,
    got: dict[str, Any],
    where: str,
    *,
    blame: Operation | None = None,
) -> None:
    if not prop or tag is None or "stateful.discriminator" not in runner.plan.checks:
        return
    op = blame or case.operation
    if got.get(prop) == tag:
        runner.ctx.count(op, "stateful.discriminator")
        return
    sc.fail(
        case,
        ex,
        "stateful.discriminator-mismatch",
        f"{where} has {prop}={got.get(prop, '(missing)')!r}; {tag!r} was sent",
        pointer=f"/{prop}",
        expected=repr(tag),
        actual=repr(got.get(prop)),
        check="stateful.discriminator",
        op=op,
    )


def _minimal_create(runner: Runner, sc: Scenario, res: Resource, body: dict[str, Any]) -> None:
    """Create the variant again without the members that have a default, and check the defaults."""
    target = f"{res.create.label}:request"
    declared = declared_properties(runner.plan.spec, target, body)
    defaulted = [k for k, v in declared.items() if isinstance(v, dict) and "default" in v]
    if not defaulted:
        return
    minimal = {k: v for k, v in body.items() if k not in defaulted}
    if minimal == body:
        minimal = dict(body)
    if not runner.generation.is_valid(target, minimal):
        return
    case, ex = sc.step(res.create, body=minimal, description="create without the defaulted members")
    if ex is None or not 200 <= ex.status < 300:
        return
    created = ex.json()
    if isinstance(created, dict):
        runner.ctx.count(res.create, "stateful.lifecycle")
        _check_defaults(runner, sc, case, ex, res, minimal, created)


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


# ---------------------------------------------------------------------------------- listing
def _limit_param(op: Operation) -> str | None:
    for p in op.parameters:
        if p.location == "query" and p.name in (
            "limit",
            "pageSize",
            "page_size",
            "per_page",
            "perPage",
            "size",
        ):
            return p.name
    return None


def _page_param(op: Operation) -> str | None:
    for p in op.parameters:
        if p.location == "query" and p.name in ("page", "pageNumber", "page_number"):
            return p.name
    return None


def _max_limit(runner: Runner, op: Operation, name: str | None) -> int:
    if name is None:
        return 100
    try:
        schema = runner._param_schema(op, name)
    except Exception:  # unusual parameter schemas: a conservative page size
        return 100
    mx = schema.get("maximum")
    if isinstance(mx, (int, float)) and not isinstance(mx, bool) and mx >= 1:
        return int(min(mx, 1000))
    return 100


def fetch_all(
    runner: Runner,
    sc: Scenario,
    res: Resource,
    op: Operation,
    *,
    credential: int | None = 0,
    extra: tuple[tuple[str, Any], ...] = (),
) -> tuple[Case, Exchange | None, list[Any] | None, dict[str, Any] | None]:
    lim = _limit_param(op)
    query = extra + (((lim, _max_limit(runner, op, lim)),) if lim else ())
    case, ex = sc.step(op, query=query, credential=credential, description=f"list {op.path}")
    if ex is None or not 200 <= ex.status < 300:
        return case, ex, None, None
    items, meta = list_items(ex.json())
    return case, ex, items, meta


def _listed(
    runner: Runner,
    sc: Scenario,
    res: Resource,
    op: Operation,
    rid: str,
    *,
    present: bool,
    tag: Any = None,
    prop: str | None = None,
    blame: Operation | None = None,
) -> None:
    case, ex, items, _meta = fetch_all(runner, sc, res, op)
    if ex is None:
        return
    if items is None:
        if not 200 <= ex.status < 300:
            sc.fail(
                case,
                ex,
                "stateful.list-failed",
                f"listing answered {ex.status}",
                expected="2xx",
                actual=str(ex.status),
            )
        else:
            sc.fail(
                case,
                ex,
                "stateful.list-shape",
                "the list response has no array of items",
                expected="an array",
            )
        return
    ids = _ids(items, res)
    if present and rid not in ids:
        sc.fail(
            case,
            ex,
            "stateful.not-listed",
            f"a resource just created is not in {op.method} {op.path}",
            expected=f"an item with id {rid}",
            actual=f"{len(ids)} items",
        )
        return
    if not present and rid in ids:
        sc.fail(
            case,
            ex,
            "stateful.listed-after-delete",
            f"a deleted resource is still listed by {op.method} {op.path}",
            expected=f"no item with id {rid}",
            actual="listed",
            op=blame,
        )
        return
    sc.ok(op)
    if present and prop and tag is not None:
        item = next(i for i in items if isinstance(i, dict) and resource_id(res, i) == rid)
        _check_tag(runner, sc, case, ex, prop, tag, item, f"the item in {op.path}")


# ---------------------------------------------------------------------------------- pagination
def _ensure_population(runner: Runner, res: Resource, n: int) -> list[Instance]:
    """At least ``n`` live resources of org 1 (fixtures across variants, then fresh ones)."""
    out: list[Instance] = []
    tags = runner.fixtures.tags(res) or [None]
    for tag in tags:
        inst = runner.fixtures.get(res, tag)
        if inst is not None:
            out.append(inst)
    i = 0
    while len(out) < n and i < n * 2:
        inst = runner.fixtures.fresh(res, tags[i % len(tags)])
        i += 1
        if inst is not None:
            out.append(inst)
    return out


def pagination(runner: Runner, res: Resource, op: Operation) -> None:
    sc = Scenario(runner, "stateful.pagination")
    lim = _limit_param(op)
    if lim is None:
        runner.ctx.skip(op, sc.check, "the operation has no limit parameter")
        return
    if op.secured and not runner.plan.credentials:
        runner.ctx.skip(op, sc.check, "no credentials (pass --token)")
        return
    if not runner.plan.read_only:
        _ensure_population(runner, res, 5)
    case, ex, all_items, meta = fetch_all(runner, sc, res, op)
    if ex is None:
        return
    if all_items is None:
        sc.fail(
            case,
            ex,
            "pagination.no-items",
            f"listing answered {ex.status} without an array of items",
            expected="2xx with items",
            actual=str(ex.status),
        )
        return
    cap = _max_limit(runner, op, lim)
    total = len(all_items)
    complete = total < cap
    if len(all_items) > cap:
        sc.fail(
            case,
            ex,
            "pagination.limit-ignored",
            f"{lim}={cap} returned {len(all_items)} items",
            pointer="",
            expected=f"at most {cap}",
            actual=str(len(all_items)),
        )
        return
    sc.ok(op)
    all_ids = _ids(all_items, res)
    if len(set(all_ids)) != len(all_ids):
        sc.fail(
            case,
            ex,
            "pagination.duplicates",
            "the list repeats items",
            expected="each id once",
            actual=f"{len(all_ids) - len(set(all_ids))} duplicate(s)",
        )
    if meta is not None and complete:
        _meta_totals(sc, case, ex, meta, total, cap, 1)
    for n in (1, 2):
        case, ex = sc.step(op, query=((lim, n),), description=f"{lim}={n}")
        if ex is None or not 200 <= ex.status < 300:
            if ex is not None:
                sc.fail(
                    case,
                    ex,
                    "pagination.limit-failed",
                    f"{lim}={n} answered {ex.status}",
                    expected="2xx",
                    actual=str(ex.status),
                )
            continue
        items, _pmeta = list_items(ex.json())
        if items is None:
            continue
        want = min(n, total) if complete else n
        if len(items) > n:
            sc.fail(
                case,
                ex,
                "pagination.limit-ignored",
                f"{lim}={n} returned {len(items)} items",
                expected=f"at most {n}",
                actual=str(len(items)),
            )
        elif len(items) != want:
            sc.fail(
                case,
                ex,
                "pagination.limit-short",
                f"{lim}={n} returned {len(items)} items although {total} exist",
                expected=str(want),
                actual=str(len(items)),
            )
        else:
            sc.ok(op)
    page = _page_param(op)
    if page is not None and meta is not None:
        _pages(
            runner,
            sc,
            res,
            op,
            lim,
            page,
            all_ids if complete else None,
            total if complete else None,
        )


def _meta_number(meta: dict[str, Any], *names: str) -> Any:
    for n in names:
        if n in meta:
            return meta[n]
    return None


def _meta_totals(
    sc: Scenario, case: Case, ex: Exchange, meta: dict[str, Any], total: int, limit: int, page: int
) -> None:
    checks = (
        (("totalItems", "total", "totalCount", "total_items", "count"), total, "total items"),
        (("itemsPerPage", "limit", "pageSize", "perPage", "per_page"), limit, "items per page"),
        (("currentPage", "page", "pageNumber"), page, "current page"),
    )
    for names, want, label in checks:
        got = _meta_number(meta, *names)
        if got is None:
            continue
        if not _same(got, want):
            key = next(n for n in names if n in meta)
            sc.fail(
                case,
                ex,
                "pagination.metadata",
                f"metadata.{key} is {got!r}, but {label} is {want}",
                pointer=f"/metadata/{key}",
                expected=str(want),
                actual=truncate_value(got),
            )
    pages_total = math.ceil(total / limit) if limit > 0 else 0
    tp = _meta_number(meta, "totalPages", "total_pages", "pageCount", "pages")
    if tp is not None and not _same(tp, pages_total):
        sc.fail(
            case,
            ex,
            "pagination.metadata",
            f"metadata.totalPages is {tp!r} for {total} items at {limit} per page",
            pointer="/metadata/totalPages",
            expected=str(pages_total),
            actual=truncate_value(tp),
        )
    hn = _meta_number(meta, "hasNextPage", "has_next_page", "hasMore", "has_more")
    if hn is not None and hn is not (page < pages_total):
        sc.fail(
            case,
            ex,
            "pagination.metadata",
            f"metadata.hasNextPage is {hn!r} on page {page} of {pages_total}",
            pointer="/metadata/hasNextPage",
            expected=str(page < pages_total).lower(),
            actual=truncate_value(hn),
        )


def _pages(
    runner: Runner,
    sc: Scenario,
    res: Resource,
    op: Operation,
    lim: str,
    page_name: str,
    all_ids: list[str] | None,
    total: int | None,
) -> None:
    size = 2
    seen: list[str] = []
    reported_total: Any = None
    page = 1
    last_page = None
    while page <= MAX_PAGES:
        case, ex = sc.step(
            op, query=((lim, size), (page_name, page)), description=f"page {page} of {size}"
        )
        if ex is None:
            return
        if not 200 <= ex.status < 300:
            sc.fail(
                case,
                ex,
                "pagination.page-failed",
                f"page {page} answered {ex.status}",
                expected="2xx",
                actual=str(ex.status),
            )
            return
        items, meta = list_items(ex.json())
        if items is None:
            return
        ids = _ids(items, res)
        t = _meta_number(meta or {}, "totalItems", "total", "totalCount", "total_items")
        if reported_total is None:
            reported_total = t
        elif t is not None and not _same(t, reported_total):
            sc.fail(
                case,
                ex,
                "pagination.metadata",
                f"totalItems changed between pages ({reported_total} then {t})",
                pointer="/metadata/totalItems",
                expected=str(reported_total),
                actual=str(t),
            )
        effective_total = (
            total
            if total is not None
            else (int(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else None)
        )
        if effective_total is not None:
            want = max(0, min(size, effective_total - (page - 1) * size))
            if len(items) != want:
                sc.fail(
                    case,
                    ex,
                    "pagination.page-size",
                    f"page {page} ({lim}={size}) has {len(items)} items; with {effective_total} items it should have {want}",
                    expected=str(want),
                    actual=str(len(items)),
                )
            else:
                sc.ok(op)
            if meta is not None:
                _meta_totals(sc, case, ex, meta, effective_total, size, page)
            last_page = math.ceil(effective_total / size) if size else 0
        dup = [i for i in ids if i in seen]
        if dup:
            sc.fail(
                case,
                ex,
                "pagination.overlap",
                f"page {page} repeats {len(dup)} item(s) of earlier pages",
                expected="no item on two pages",
                actual=", ".join(dup[:3]),
            )
        seen.extend(i for i in ids if i not in seen)
        if not items or (last_page is not None and page >= last_page):
            break
        page += 1
    if all_ids is not None and (last_page is None or last_page <= MAX_PAGES):
        missing = [i for i in all_ids if i not in seen]
        if missing:
            sc.fail(
                case,
                ex,
                "pagination.skipped",
                f"paging through {op.path} never shows {len(missing)} item(s) the full list has",
                expected="every item on some page",
                actual=", ".join(missing[:3]),
            )
    if last_page is not None and last_page < MAX_PAGES:
        beyond = last_page + 1
        case, ex = sc.step(
            op, query=((lim, size), (page_name, beyond)), description=f"page {beyond}, past the end"
        )
        if ex is not None and 200 <= ex.status < 300:
            items, _m = list_items(ex.json())
            if items:
                sc.fail(
                    case,
                    ex,
                    "pagination.past-end",
                    f"page {beyond} is past the last page ({last_page}) but has "
                    f"{len(items)} item(s)",
                    expected="0 items",
                    actual=str(len(items)),
                )
            else:
                sc.ok(op)


# ---------------------------------------------------------------------------------- filters
_RANGE = (
    ("Gt", lambda a, b: a > b),
    ("Ge", lambda a, b: a >= b),
    ("Lt", lambda a, b: a < b),
    ("Le", lambda a, b: a <= b),
)


def filters(runner: Runner, res: Resource, op: Operation) -> None:
    sc = Scenario(runner, "stateful.filters")
    if op.secured and not runner.plan.credentials:
        runner.ctx.skip(op, sc.check, "no credentials (pass --token)")
        return
    names = {p.name for p in op.parameters if p.location == "query"}
    newest: Instance | None = None
    older: list[Instance] = []
    if not runner.plan.read_only:
        older = _ensure_population(runner, res, 2)
        time.sleep(0.02)
        newest = runner.fixtures.fresh(
            res, runner.fixtures.tags(res)[0] if runner.fixtures.tags(res) else None
        )
        if newest is not None:
            older = [i for i in older if i.id != newest.id]
    _case, _ex, items, _meta = fetch_all(runner, sc, res, op)
    if items is None:
        return
    by_id = {resource_id(res, i): i for i in items if isinstance(i, dict)}
    b: Any
    if newest is not None:
        b = by_id.get(newest.id) or newest.created
    else:
        b = next(iter(by_id.values()), None)
    if not isinstance(b, dict):
        runner.ctx.skip(op, sc.check, "no resource to filter on")
        return
    bid = resource_id(res, b)
    a_ids = {i.id for i in older} if not runner.plan.read_only else set()
    tested = False
    for field_name, value in b.items():
        if _instant(value) is None:
            continue
        pivot = _instant(value)
        for suffix, cmp in _RANGE:
            pname = f"{field_name}{suffix}"
            if pname not in names:
                continue
            tested = True
            fcase, fex, fitems, _m = fetch_all(runner, sc, res, op, extra=((pname, value),))
            if fex is None or fitems is None:
                if fex is not None:
                    sc.fail(
                        fcase,
                        fex,
                        "filters.failed",
                        f"{pname} answered {fex.status}",
                        expected="2xx",
                        actual=str(fex.status),
                    )
                continue
            fids = _ids(fitems, res)
            should = cmp(pivot, pivot)
            if should and bid not in fids:
                sc.fail(
                    fcase,
                    fex,
                    "filters.excludes-match",
                    f"{pname}={value} drops the item whose {field_name} is exactly {value}",
                    expected=f"item {bid} included",
                    actual="missing",
                )
                continue
            if not should and bid in fids:
                sc.fail(
                    fcase,
                    fex,
                    "filters.ignored",
                    f"{pname}={value} still returns the item whose {field_name} is {value}",
                    expected=f"item {bid} excluded",
                    actual="included",
                )
                continue
            wrong = [
                i
                for i in fitems
                if isinstance(i, dict)
                and _instant(i.get(field_name)) is not None
                and not cmp(_instant(i.get(field_name)), pivot)
            ]
            if wrong:
                sc.fail(
                    fcase,
                    fex,
                    "filters.ignored",
                    f"{pname}={value} returns {len(wrong)} item(s) outside the range",
                    expected=f"every {field_name} {suffix.lower()} {value}",
                    actual=_show(wrong[0].get(field_name)),
                )
                continue
            if suffix in ("Lt",) and a_ids:
                earlier = [
                    i
                    for i in a_ids
                    if i in by_id
                    and _instant(by_id[i].get(field_name)) is not None
                    and _instant(by_id[i].get(field_name)) < pivot
                ]  # type: ignore[operator]
                missing = [i for i in earlier if i not in fids]
                if missing:
                    sc.fail(
                        fcase,
                        fex,
                        "filters.excludes-match",
                        f"{pname}={value} drops older item(s)",
                        expected="older items included",
                        actual=", ".join(missing[:3]),
                    )
                    continue
            sc.ok(op)
    if "search" in names:
        term = b.get("name") if isinstance(b.get("name"), str) and b.get("name") else None
        if term:
            tested = True
            scase, sex, sitems, _m = fetch_all(runner, sc, res, op, extra=(("search", term),))
            if sitems is not None and sex is not None:
                sids = _ids(sitems, res)
                unrelated = [i for i in sitems if isinstance(i, dict) and not _contains(i, term)]
                if bid not in sids:
                    sc.fail(
                        scase,
                        sex,
                        "filters.search-misses",
                        f"search={term!r} does not find the item named {term!r}",
                        expected=f"item {bid}",
                        actual=f"{len(sids)} items",
                    )
                elif unrelated:
                    sc.fail(
                        scase,
                        sex,
                        "filters.search-ignored",
                        f"search={term!r} returns {len(unrelated)} item(s) that do not contain it",
                        expected="only matching items",
                        actual=f"{len(sitems)} items",
                    )
                else:
                    sc.ok(op)
    for p in op.parameters:
        if p.location != "query" or p.name not in b or p.name in ("limit", "page", "search"):
            continue
        value = b[p.name]
        if not isinstance(value, (str, int, float, bool)) or _instant(value) is not None:
            continue
        tested = True
        ecase, eex, eitems, _m = fetch_all(runner, sc, res, op, extra=((p.name, value),))
        if eitems is None or eex is None:
            continue
        other = [
            i for i in eitems if isinstance(i, dict) and p.name in i and not _same(i[p.name], value)
        ]
        if other:
            sc.fail(
                ecase,
                eex,
                "filters.ignored",
                f"{p.name}={value!r} returns items with another {p.name}",
                expected=f"every {p.name} = {value!r}",
                actual=_show(other[0][p.name]),
            )
        elif bid not in _ids(eitems, res):
            sc.fail(
                ecase,
                eex,
                "filters.excludes-match",
                f"{p.name}={value!r} drops a matching item",
                expected=f"item {bid}",
                actual="missing",
            )
        else:
            sc.ok(op)
    if "sortOrder" in names:
        tested = True
        _sort(runner, sc, res, op)
    if not tested:
        runner.ctx.skip(op, sc.check, "the operation has no filter the runner can exercise")


def _contains(item: dict[str, Any], term: str) -> bool:
    low = term.lower()
    for v in item.values():
        if isinstance(v, str) and low in v.lower():
            return True
        if isinstance(v, dict) and _contains(v, term):
            return True
    return False


def _sort(runner: Runner, sc: Scenario, res: Resource, op: Operation) -> None:
    extra: tuple[tuple[str, Any], ...] = ()
    if any(p.name == "sortBy" for p in op.parameters):
        extra = (("sortBy", "createdAt"),)
    for order in ("ASC", "DESC"):
        case, ex, items, meta = fetch_all(runner, sc, res, op, extra=(("sortOrder", order), *extra))
        if items is None or ex is None:
            continue
        stamps = [_instant(i.get("createdAt")) for i in items if isinstance(i, dict)]
        values = [s for s in stamps if s is not None]
        ordered = sorted(values, reverse=order == "DESC")
        if values != ordered:
            sc.fail(
                case,
                ex,
                "filters.sort-ignored",
                f"sortOrder={order} does not order the items by createdAt",
                expected=f"createdAt {'ascending' if order == 'ASC' else 'descending'}",
                actual="unordered",
            )
            continue
        if meta is not None and "sortOrder" in meta and meta["sortOrder"] != order:
            sc.fail(
                case,
                ex,
                "pagination.metadata",
                f"metadata.sortOrder is {meta['sortOrder']!r} for sortOrder={order}",
                pointer="/metadata/sortOrder",
                expected=order,
                actual=truncate_value(meta["sortOrder"]),
            )
            continue
        sc.ok(op)


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
            runner.ctx.error(
                res.create, sc.check, f"no resource to test with: {runner.fixtures.why_not(res)}"
            )
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


def _iter_ops(res: Resource) -> Iterator[Operation]:
    yield from res.operations
