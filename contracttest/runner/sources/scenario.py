"""What the scenario sources share: a `Scenario` that yields its steps (cases sent by the engine,
judged by the response checks only) and its verdicts with the steps that led to them, list parsing,
round-trip comparison, and the list helpers.

Helpers that send steps are generators used with ``yield from`` (their value is what they return);
helpers that only judge yield verdicts.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from contracttest import _pointer
from contracttest.findings import Finding, Severity, is_secret_key, truncate_value
from contracttest.runner.builder import params_of, path_text
from contracttest.runner.case import NO_BODY, Case, Expect, provoked_for
from contracttest.runner.checks import documented_json, error_text
from contracttest.runner.fixtures import Instance, declared_properties, resource_id
from contracttest.runner.markers import LEAK_KEY
from contracttest.runner.verdicts import Errored, Failed, Passed, Skipped

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.openapi.resources import Resource
    from contracttest.runner.context import SourceContext, Step
    from contracttest.runner.http import Exchange

__all__ = [
    "PageShape",
    "Scenario",
    "fetch_all",
    "list_items",
    "mismatches",
    "page_items",
    "page_shape",
]

StepGen = Generator["Step", "Exchange | None", Any]
"""A helper that yields steps and verdicts (and returns a value to its ``yield from``)."""
IMMUTABLE = ("id", "createdAt", "orgId", "created_at", "org_id")
VOLATILE = frozenset({"updatedAt", "updated_at", "status"})
MAX_PAGES = 10


PAGE_MEMBERS = ("results", "data", "items", "records", "list", "values")
"""Names a list envelope gives its page of items, most likely first."""


# ------------------------------------------------------------------------------------ helpers
def list_items(body: Any) -> tuple[list[Any] | None, dict[str, Any] | None]:
    """The items and the pagination metadata of a list response (a bare array or an envelope),
    read from the body alone (`page_items` reads it with the documented schema)."""
    if isinstance(body, list):
        return body, None
    if not isinstance(body, dict):
        return None, None
    items = None
    for key in PAGE_MEMBERS:
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


@dataclass(frozen=True)
class PageShape:
    """Where the answer a list operation documents holds its items.

    ``kind``: ``array`` (the answer is the array), ``member`` (an object whose member ``member``
    is the array of items; ``required`` says whether the schema requires it) or ``none`` (the
    documented answer is one object with no array of objects: a spec that lists nothing)."""

    kind: Literal["array", "member", "none"]
    member: str | None = None
    required: bool = False
    schema: str | None = None
    """The documented schema's name (``File``), for what a skip says."""


def page_shape(ctx: SourceContext, op: Operation, status: int) -> PageShape | None:
    """How the answer documented for ``status`` holds the page (None: nothing documented, an
    unusual schema, or several arrays of objects none of which is named like a page)."""
    doc = documented_json(op, status)
    if doc is None:
        return None
    try:
        schema = ctx.spec.target(doc[0]).schema()
    except Exception:  # an unusual response schema: read the body alone
        return None
    return _shape_of(schema)


def _shape_of(schema: dict[str, Any]) -> PageShape | None:
    defs = schema.get("definitions", {})

    def deref(node: Any) -> Any:
        for _ in range(16):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        return node

    def is_array(node: Any) -> bool:
        types = node.get("type") if isinstance(node, dict) else None
        return types == "array" or (isinstance(types, list) and "array" in types)

    def of_objects(node: Any) -> bool:
        items = deref(node.get("items"))
        if is_array(items) or not isinstance(items, dict):
            return False
        return items.get("type") in (None, "object")

    def members(node: Any, depth: int) -> tuple[dict[str, Any], set[str], bool]:
        """Properties and required names of an object (through ``allOf``); whether a union
        branch could hold a page."""
        node = deref(node)
        if not isinstance(node, dict) or depth > 4:
            return {}, set(), False
        props = dict(node["properties"]) if isinstance(node.get("properties"), dict) else {}
        required = {str(r) for r in node.get("required") or () if isinstance(r, str)}
        union = False
        for sub in node.get("allOf") or ():
            p, r, u = members(sub, depth + 1)
            props = {**p, **props}
            required |= r
            union = union or u
        for sub in (*(node.get("oneOf") or ()), *(node.get("anyOf") or ())):
            sub = deref(sub)
            p, _r, u = members(sub, depth + 1)
            union = union or u or is_array(sub) or any(page(v) for v in p.values())
        return props, required, union

    def page(node: Any) -> bool:
        """An array of objects, itself or through ``allOf`` (AWS wraps every member:
        ``Accessors: {allOf: [{$ref: AccessorSummaryList}, {}]}``)."""
        node = deref(node)
        if isinstance(node, dict) and not is_array(node):
            wrapped = (deref(sub) for sub in node.get("allOf") or ())
            node = next((sub for sub in wrapped if is_array(sub)), node)
        return is_array(node) and of_objects(node)

    root = deref(schema)
    if not isinstance(root, dict):
        return None
    if is_array(root):
        return PageShape("array")
    props, required, union = members(root, 0)
    pages = [k for k, v in props.items() if page(v)]
    name = str(root.get("x-spec-pointer", "")).rsplit("/", 1)[-1] or None
    if not pages:
        return None if union else PageShape("none", schema=name)
    named = [k for k in PAGE_MEMBERS if k in pages]
    member = named[0] if named else pages[0] if len(pages) == 1 else None
    if member is None:
        return None
    return PageShape("member", member, member in required, name)


def page_items(
    ctx: SourceContext, op: Operation, ex: Exchange
) -> tuple[list[Any] | None, dict[str, Any] | None]:
    """The items and metadata of a list answer, read with the schema the operation documents:
    the array member it names, and none when an optional one is absent (Google's servers leave
    empty repeated fields out: ``{}`` is an empty page of ``ListInstancesResponse``). A required
    member that is missing, or something other than an array in its place, is no page (None)."""
    body = ex.json()
    items, meta = list_items(body)
    shape = page_shape(ctx, op, ex.status) if isinstance(body, dict) else None
    if shape is None or shape.kind != "member" or shape.member is None:
        return items, meta
    assert isinstance(body, dict)
    if shape.member not in body:
        return (None if shape.required else []), meta
    got = body[shape.member]
    return (got if isinstance(got, list) else None), meta


def ids(items: list[Any], res: Resource) -> list[str]:
    """The ids of a page's items, as text: an object's id member, or the item itself where the
    list answers ids (mailscript's ``{"id": ["..."]}``, AWS Security Hub's ARNs)."""
    out = []
    for it in items:
        if isinstance(it, dict):
            rid = resource_id(res, it)
            if rid is not None:
                out.append(rid)
        elif isinstance(it, (str, int)) and not isinstance(it, bool):
            out.append(str(it))
    return out


def instant(value: Any) -> datetime | None:
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


def same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str) and a != b:
        da, db = instant(a), instant(b)
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
    if not same(sent, got):
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


def show(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    return truncate_value(value, 80)


@dataclass
class Scenario:
    """One running scenario: builds its steps, keeps their log, phrases its verdicts."""

    ctx: SourceContext
    check: str
    log: list[str] = field(default_factory=list)
    pinned: dict[str, Any] = field(default_factory=dict)
    """Members of the object the scenario looks for (`pin`): a required query parameter named
    like one takes its value rather than a sample's."""

    def pin(self, obj: Any) -> None:
        """Look for ``obj`` from now on: a list whose query requires one of its members filters by
        the object's own value (dfareporting's remarketing lists require ``advertiserId``; under a
        sample's advertiser the object just made is rightly not listed)."""
        if isinstance(obj, dict):
            self.pinned = {
                k: v
                for k, v in obj.items()
                if isinstance(v, (str, int, float)) and not isinstance(v, bool)
            }

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
    ) -> Generator[Step, Exchange | None, tuple[Case, Exchange | None]]:
        """Send one step (``case, ex = yield from sc.step(...)``); ex is None when it could not be
        sent (then the scenario's check is marked as not finished)."""
        path = dict(path or {})
        builder = self.ctx.builder
        missing = {p.name for p in op.path_params()} - set(path)
        if missing:
            # Path values that name no resource (``/provider/{provider}/...``): a valid sample.
            sample, _q = params_of(builder.sample_params(op))
            path.update({k: v for k, v in sample.items() if k in missing})
        given = {k for k, _ in query}
        needed = {p.name for p in op.parameters if p.location == "query" and p.required} - given
        own = tuple((k, self.pinned[k]) for k in sorted(needed) if k in self.pinned)
        query, needed = (*query, *own), needed - {k for k, _ in own}
        if needed:
            # A required query parameter (``schemaOverride`` on a PATCH) comes from a valid sample:
            # without it a lifecycle step is an invalid request, and its 400 no server's fault.
            _p, sample_q = params_of(builder.sample_params(op))
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
            scenario=self.check,
            steps=tuple(self.log),
        )
        ex = yield case
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
            yield Errored(op, self.check, f"{description or op.key}: the request could not be sent")
        return case, ex

    def ok(self, op: Operation, n: int = 1, check: str | None = None) -> Passed:
        return Passed(op, check or self.check, n)

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
    ) -> Failed:
        target = op or case.operation
        if op is not None and op is not case.operation:
            case = case.with_(operation=op)
        return Failed(
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
            ex,
            tuple(self.log),
        )


def skip_all(ctx: SourceContext, res: Resource, check_id: str, reason: str) -> Iterator[Skipped]:
    for op in res.operations:
        if ctx.scope.selected(op):
            yield Skipped(op, check_id, reason)


def server_fields(ctx: SourceContext, res: Resource, body: dict[str, Any]) -> frozenset[str]:
    """Members of the resource the client does not send (id, timestamps...)."""
    try:
        sent = declared_properties(ctx.spec, f"{res.create.label}:request", body)
    except Exception:  # no request schema: nothing is known to be client-owned
        return frozenset()
    return frozenset(k for k in body if k not in sent)


def said(ex: Exchange) -> str:
    text = error_text(ex.response)
    return f": {truncate_value(text, 160)}" if text else ""


def undeclared_in_response(
    ctx: SourceContext, op: Operation, status: int, sent: Any
) -> frozenset[str]:
    """Pointers of members of ``sent`` that the response of ``op`` does not declare (a create-only
    field, a member the response schema leaves out), or declares of a type the sent value does
    not have (the server answers what its response schema can hold): not returning them as sent
    is no round-trip bug."""
    from contracttest.runner.undeclared import misfit_members, undeclared_members

    doc = documented_json(op, status)
    if doc is None:
        return frozenset()
    try:
        schema = ctx.spec.target(doc[0]).schema()
        if _declares_nothing(schema) and isinstance(sent, dict):
            # ``{"type": "object", "properties": {}}`` (AWS's UpdateActionTargetResponse): the
            # answer promises no member, so it need not echo one.
            return frozenset(_pointer.join("", k) for k in sent)
        return frozenset(undeclared_members(schema, sent)) | frozenset(misfit_members(schema, sent))
    except Exception:  # an unusual response schema: compare everything
        return frozenset()


def _declares_nothing(schema: dict[str, Any]) -> bool:
    """An object schema that says, in so many words, that it has no members (``properties: {}``
    and nothing that could add one)."""
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    return (
        isinstance(props, dict)
        and not props
        and not schema.get("required")
        and not (isinstance(extra, dict) and extra)
        and extra is not True
        and not any(k in schema for k in ("allOf", "oneOf", "anyOf", "$ref", "patternProperties"))
    )


def _server_keys(ctx: SourceContext, op: Operation, sent: dict[str, Any]) -> frozenset[str]:
    """The members of ``sent`` that are the resource's id (named like the item path's parameter,
    ``id``, ``_id`` or ``uuid``, in any letter case: Xero's ``Id``) which the create body may
    carry but need not: the server's to set (googleapis mirror's optional ``id``). One the create
    body must carry names the object, and is compared."""
    res = ctx.scope.resource_of(op)
    if res is None:
        return frozenset()
    names = {k.lower() for k in (res.id_param, "id", "_id", "uuid") if k}
    try:
        required = ctx.spec.target(f"{res.create.label}:request").schema().get("required", [])
    except Exception:  # no JSON create body: nothing it must carry
        required = []
    return frozenset(k for k in sent if k.lower() in names and k not in required)


def compare_sent(
    sc: Scenario, case: Case, ex: Exchange, sent: dict[str, Any], got: dict[str, Any], where: str
) -> Iterator[Failed]:
    ignore = undeclared_in_response(sc.ctx, case.operation, ex.status, sent)
    for p, want, have in mismatches(
        sent, got, skip=_server_keys(sc.ctx, case.operation, sent), ignore=ignore
    ):
        yield sc.fail(
            case,
            ex,
            "stateful.round-trip",
            f"{where} does not return what was sent at {path_text(p)}",
            pointer=p,
            expected=show(want),
            actual=show(have),
        )


def compare_stable(
    sc: Scenario,
    case: Case,
    ex: Exchange,
    before: dict[str, Any],
    after: dict[str, Any],
    where: str,
    since: str,
    *,
    origin: tuple[Operation, int] | None = None,
) -> Iterator[Failed]:
    """Members that never change (``IMMUTABLE``) are the same in ``after`` as in ``before``.

    ``origin`` is the operation and status that answered ``before``: where its schema and the
    one ``after`` was answered under type a member differently (beanstream.com.json: the create
    answer's ``id`` a string, GET's a number), each server writes it as its schema says, and
    ``"44"`` then is the id ``44``. Where both type it alike, any change is the server's."""
    for key in IMMUTABLE:
        if key not in before or key not in after or same(before[key], after[key]):
            continue
        if (
            origin is not None
            and _as_text(before[key]) == _as_text(after[key])
            and _retyped(sc.ctx, origin, before, (case.operation, ex.status), after, key)
        ):
            continue
        yield sc.fail(
            case,
            ex,
            "stateful.unstable",
            f"{where}: {key} differs from {since}",
            pointer=f"/{key}",
            expected=show(before[key]),
            actual=show(after[key]),
        )


def _as_text(value: Any) -> str | None:
    """A scalar as text, the way it reads whether written as a JSON string or a number (``44``,
    ``44.0`` and ``"44"`` alike); None for other values."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _retyped(
    ctx: SourceContext,
    first: tuple[Operation, int],
    a: dict[str, Any],
    second: tuple[Operation, int],
    b: dict[str, Any],
    key: str,
) -> bool:
    """Whether the responses ``a`` and ``b`` (each answered by an operation with a status) are
    documented with member ``key`` of JSON types no value shares (a string and a number)."""
    ta, tb = _member_types(ctx, *first, a, key), _member_types(ctx, *second, b, key)
    return bool(ta) and bool(tb) and not ta & tb


def _member_types(
    ctx: SourceContext, op: Operation, status: int, body: dict[str, Any], key: str
) -> frozenset[str]:
    """The JSON types (integer read as number, null left out) that ``op``'s response for
    ``status`` declares member ``key`` of ``body`` with; empty when undeclared or untyped."""
    node = (response_members(ctx, op, status, body) or {}).get(key)
    kind = node.get("type") if isinstance(node, dict) else None
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return frozenset(
        "number" if k == "integer" else k for k in kinds if isinstance(k, str) and k != "null"
    )


def response_members(
    ctx: SourceContext, op: Operation, status: int, body: dict[str, Any]
) -> dict[str, Any] | None:
    """Member name -> schema that ``op``'s response for ``status`` declares for ``body`` (the
    union branch it belongs to); None when no JSON schema is documented there, or it cannot be
    read."""
    from contracttest.runner.undeclared import declared_members

    doc = documented_json(op, status)
    if doc is None:
        return None
    try:
        return declared_members(ctx.spec.target(doc[0]).schema(), body)
    except Exception:  # an unusual response schema
        return None


def check_tag(
    sc: Scenario,
    case: Case,
    ex: Exchange,
    prop: str | None,
    tag: Any,
    got: dict[str, Any],
    where: str,
    *,
    blame: Operation | None = None,
) -> Iterator[Passed | Failed]:
    """The discriminator a response shows is the one sent (where its schema has a place for
    it: mailscript's ``POST /verifications`` answers ``AddVerificationResponse``, only an ``id``)."""
    if not prop or tag is None or not sc.ctx.scope.enabled("stateful.discriminator"):
        return
    op = blame or case.operation
    if got.get(prop) == tag:
        yield Passed(op, "stateful.discriminator")
        return
    if prop not in got:
        members = response_members(sc.ctx, case.operation, ex.status, got)
        if members is not None and prop not in members:
            return  # the answer's schema does not declare the tag: it promises none
    yield sc.fail(
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
def limit_param(op: Operation) -> str | None:
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


def page_param(op: Operation) -> str | None:
    for p in op.parameters:
        if p.location == "query" and p.name in ("page", "pageNumber", "page_number"):
            return p.name
    return None


def max_limit(ctx: SourceContext, op: Operation, name: str | None) -> int:
    if name is None:
        return 100
    try:
        schema = ctx.builder.param_schema(op, name)
    except Exception:  # unusual parameter schemas: a conservative page size
        return 100
    mx = schema.get("maximum")
    if isinstance(mx, (int, float)) and not isinstance(mx, bool) and mx >= 1:
        return int(min(mx, 1000))
    return 100


def fetch_all(
    sc: Scenario,
    op: Operation,
    *,
    credential: int | None = 0,
    extra: tuple[tuple[str, Any], ...] = (),
) -> Generator[
    Step,
    Exchange | None,
    tuple[Case, Exchange | None, list[Any] | None, dict[str, Any] | None],
]:
    """List everything (``limit`` at its maximum): (case, exchange, items, metadata)."""
    lim = limit_param(op)
    query = extra + (((lim, max_limit(sc.ctx, op, lim)),) if lim else ())
    case, ex = yield from sc.step(
        op, query=query, credential=credential, description=f"list {op.path}"
    )
    if ex is None or not 200 <= ex.status < 300:
        return case, ex, None, None
    items, meta = page_items(sc.ctx, op, ex)
    return case, ex, items, meta


def unpinned_filters(sc: Scenario, res: Resource, op: Operation) -> list[str]:
    """The required query parameters of list ``op`` named like a member of the resource's create
    body that the object looked for does not carry (`Scenario.pin`): the step sends a sample's
    value, and the object may rightly be left out (dfareporting's ``advertiserId``)."""
    required = [
        p.name
        for p in op.parameters
        if p.location == "query" and p.required and p.name not in sc.pinned
    ]
    if not required or res.create is None:
        return []
    from contracttest.runner.fixtures import declared_properties

    try:
        members = declared_properties(sc.ctx.spec, f"{res.create.label}:request")
    except Exception:  # no create body schema to read: nothing says the object carries it
        return []
    return [name for name in required if name in members]


def listed(
    sc: Scenario,
    res: Resource,
    op: Operation,
    rid: str,
    *,
    present: bool,
    tag: Any = None,
    prop: str | None = None,
    blame: Operation | None = None,
) -> StepGen:
    """The list shows (``present``) or no longer shows the resource ``rid``."""
    case, ex, items, _meta = yield from fetch_all(sc, op)
    if ex is None:
        return
    if items is None:
        if not 200 <= ex.status < 300:
            yield sc.fail(
                case,
                ex,
                "stateful.list-failed",
                f"listing answered {ex.status}",
                expected="2xx",
                actual=str(ex.status),
            )
        else:
            shape = page_shape(sc.ctx, op, ex.status)
            if shape is not None and shape.kind == "none":
                # gsmtasks' GET /accounts/{id}/managers/ documents one AccountUser: the spec's
                # defect, not a server that answers what it documents.
                what = f" ({shape.schema})" if shape.schema else ""
                yield Skipped(
                    op,
                    sc.check,
                    f"the spec documents one object{what} as the {ex.status} answer of "
                    f"{op.method} {op.path}, no array of items: a spec defect, no list to look in",
                )
                return
            yield sc.fail(
                case,
                ex,
                "stateful.list-shape",
                "the list response has no array of items",
                expected="an array",
            )
        return
    found = ids(items, res)
    if items and not found:
        # Items without an id member by any name the runner reads (AWS GameSparks lists games
        # by ``Name``, created as ``GameName``): nothing to find the resource by.
        yield Skipped(
            op,
            sc.check,
            f"the items {op.method} {op.path} answers carry no id member to find it by",
        )
        return
    if present and rid not in found:
        unmet = unpinned_filters(sc, res, op)
        if unmet:
            yield Skipped(
                op,
                sc.check,
                f"{op.method} {op.path} requires {', '.join(unmet)}, a member the object made "
                "does not carry: it need not be in a list filtered by a sample value",
            )
            return
        yield sc.fail(
            case,
            ex,
            "stateful.not-listed",
            f"a resource just created is not in {op.method} {op.path}",
            expected=f"an item with id {rid}",
            actual=f"{len(found)} items",
        )
        return
    if not present and rid in found:
        yield sc.fail(
            case,
            ex,
            "stateful.listed-after-delete",
            f"a deleted resource is still listed by {op.method} {op.path}",
            expected=f"no item with id {rid}",
            actual="listed",
            op=blame,
        )
        return
    yield sc.ok(op)
    if present and prop and tag is not None:
        item = next(i for i in items if isinstance(i, dict) and resource_id(res, i) == rid)
        yield from check_tag(sc, case, ex, prop, tag, item, f"the item in {op.path}")


def ensure_population(ctx: SourceContext, res: Resource, n: int) -> list[Instance]:
    """At least ``n`` live resources of org 1 (fixtures across variants, then fresh ones)."""
    out: list[Instance] = []
    tags = ctx.fixtures.tags(res) or [None]
    for tag in tags:
        inst = ctx.fixtures.get(res, tag)
        if inst is not None:
            out.append(inst)
    i = 0
    while len(out) < n and i < n * 2:
        inst = ctx.fixtures.fresh(res, tags[i % len(tags)])
        i += 1
        if inst is not None:
            out.append(inst)
    return out


def meta_number(meta: dict[str, Any], *names: str) -> Any:
    for n in names:
        if n in meta:
            return meta[n]
    return None
