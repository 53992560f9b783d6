"""What the stateful checks share: a `Scenario` that sends steps and records findings with the steps
that led to them, list parsing, round-trip comparison, and the list helpers."""

from __future__ import annotations

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
    resource_id,
)

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.openapi.resources import Resource
    from contracttest.runner.engine import Runner

__all__ = ["Scenario", "fetch_all", "list_items", "mismatches"]

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
    sent: Any,
    got: Any,
    pointer: str = "",
    *,
    skip: frozenset[str] = frozenset(),
    ignore: frozenset[str] = frozenset(),
) -> list[tuple[str, Any, Any]]:
    """Where ``got`` does not carry what was ``sent`` (extra members in ``got`` are fine).

    ``skip``: top-level members not to compare; ``ignore``: pointers (into ``sent``) of members
    the response does not declare, which a server has no duty to return."""
    out: list[tuple[str, Any, Any]] = []
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [(pointer, sent, got)]
        for k, v in sent.items():
            if k in skip or _write_only(k):
                continue
            p = _pointer.join(pointer, k)
            if p in ignore:
                continue
            if k not in got:
                # A server may leave out an object holding credentials rather than echo them.
                if v is not None and not _holds_secret(v):
                    out.append((p, v, _MISSING))
                continue
            out.extend(mismatches(v, got[k], p, ignore=ignore))
        return out
    if isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            return [(pointer, sent, got)]
        for i, (a, b) in enumerate(zip(sent, got, strict=True)):
            out.extend(mismatches(a, b, _pointer.join(pointer, i), ignore=ignore))
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
        path = dict(path or {})
        missing = {p.name for p in op.path_params()} - set(path)
        if missing:
            # Path values that name no resource (``/provider/{provider}/...``): a valid sample.
            sample, _q = self.runner.params_of(self.runner.sample_params(op))
            path.update({k: v for k, v in sample.items() if k in missing})
        given = {k for k, _ in query}
        needed = {p.name for p in op.parameters if p.location == "query" and p.required} - given
        if needed:
            # A required query parameter (``schemaOverride`` on a PATCH) comes from a valid sample:
            # without it a lifecycle step is an invalid request, and its 400 no server's fault.
            _p, sample_q = self.runner.params_of(self.runner.sample_params(op))
            query = (*query, *((k, v) for k, v in sample_q if k in needed))
        case = Case(
            operation=op,
            kind="stateful" if self.check != "auth.isolation" else "isolation",
            expect=expect,
            path_params=path,
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


def _said(ex: Exchange) -> str:
    from contracttest.runner.checks import _error_text

    text = _error_text(ex.response)
    return f": {truncate_value(text, 160)}" if text else ""


def _pointer_text(pointer: str) -> str:
    from contracttest.findings import pointer_to_path

    return pointer_to_path(pointer)


def undeclared_in_response(runner: Runner, op: Operation, status: int, sent: Any) -> frozenset[str]:
    """Pointers of members of ``sent`` that the response of ``op`` does not declare (a create-only
    field, a member the response schema leaves out): not returning them is no round-trip bug."""
    from contracttest.runner.checks import documented_json
    from contracttest.runner.undeclared import undeclared_members

    doc = documented_json(op, status)
    if doc is None:
        return frozenset()
    try:
        schema = runner.plan.spec.target(doc[0]).schema()
        return frozenset(undeclared_members(schema, sent))
    except Exception:  # an unusual response schema: compare everything
        return frozenset()


def _compare_sent(
    sc: Scenario, case: Case, ex: Exchange, sent: dict[str, Any], got: dict[str, Any], where: str
) -> None:
    ignore = undeclared_in_response(sc.runner, case.operation, ex.status, sent)
    for p, want, have in mismatches(sent, got, ignore=ignore):
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


def _meta_number(meta: dict[str, Any], *names: str) -> Any:
    for n in names:
        if n in meta:
            return meta[n]
    return None
