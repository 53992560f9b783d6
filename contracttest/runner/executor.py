"""Sending cases: build the request, authenticate it, send it, check the response, journal what it
created. And the fixtures: resources the run creates so item operations have something to act on.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest._signals import deferred_interrupts
from contracttest.errors import ContractTestError, TransportError
from contracttest.runner.case import NO_BODY, Case, provoked_for
from contracttest.runner.http import HttpRequest, HttpResponse, encode_query, render_path

if TYPE_CHECKING:
    from contracttest.mock.resources import Resource
    from contracttest.openapi.model import Operation
    from contracttest.runner.checks import CheckContext
    from contracttest.runner.generation import Generation
    from contracttest.runner.http import HttpClient
    from contracttest.runner.journal import Journal, JournalEntry
    from contracttest.runner.plan import Plan

__all__ = ["Exchange", "Executor", "Fixtures", "Instance"]

MARKER_PREFIX = "ctsecret"
INVALID_TOKEN_PREFIX = "ct-invalid-"
REJECTED = frozenset({"reject", "unauthorized", "not-found", "hidden"})
"""Expectations under which a write may go to a read-only endpoint: the server must refuse it."""


@dataclass(frozen=True)
class Exchange:
    request: HttpRequest
    response: HttpResponse

    @property
    def status(self) -> int:
        return self.response.status

    def json(self) -> Any:
        return self.response.json_or_none()


@dataclass
class Instance:
    """A resource the run created (or found, on a read-only run)."""

    resource: Resource
    id: str
    tag: Any
    credential: int
    sent: dict[str, Any]
    created: dict[str, Any]
    entry: JournalEntry | None = None
    deleted: bool = False
    scope: dict[str, Any] = field(default_factory=dict)
    """Path values of the parents it was created under (``{}`` for a top-level resource)."""


class Executor:
    """Sends cases for one run and keeps track of every resource they create."""

    def __init__(
        self,
        plan: Plan,
        client: HttpClient,
        ctx: CheckContext,
        journal: Journal | None,
    ) -> None:
        self.plan = plan
        self.client = client
        self.ctx = ctx
        self.journal = journal
        self.requests = 0
        self._lock = threading.Lock()
        self.created: list[Instance] = []
        """Every resource a request created, to delete at the end."""
        self.invalid_token = INVALID_TOKEN_PREFIX + secrets.token_hex(12)
        self.scope_for: Callable[[Operation, int], dict[str, Any] | None] | None = None
        """Path values of the parent resources an operation lives under (set by the runner)."""

    # -- requests --------------------------------------------------------------------------
    def build(self, case: Case) -> HttpRequest:
        op = case.operation
        path = render_path(op.path, case.path_params)
        query = encode_query(list(case.query))
        headers: list[tuple[str, str]] = [("accept", "application/json")]
        headers.extend(self.plan.extra_headers)
        cred = case.credential
        auth = self.plan.auth
        value: tuple[str, str] | None = None
        if isinstance(cred, int) and 0 <= cred < len(self.plan.credentials):
            value = self.plan.credentials[cred]
        elif cred == "invalid":
            if auth is not None:
                value = auth.apply(self.invalid_token)
            else:
                value = ("Authorization", f"Bearer {self.invalid_token}")
        if value is not None:
            if auth is not None and auth.location == "query":
                query.append(value)
            elif auth is not None and auth.location == "cookie":
                headers.append(("cookie", f"{value[0]}={value[1]}"))
            else:
                headers.append(value)
        headers.extend(case.headers)
        body = case.body_bytes()
        if body is not None and not any(k.lower() == "content-type" for k, _ in case.headers):
            media = op.json_body()
            ctype = case.content_type or (
                media.media_type if media is not None else "application/json"
            )
            if ctype:
                headers.append(("content-type", ctype))
        return self.client.build(op.method, path, query=query, headers=headers, body=body)

    def send(
        self,
        case: Case,
        *,
        only: Iterable[str] | None = None,
        steps: tuple[str, ...] = (),
        evaluate: bool = True,
    ) -> Exchange | None:
        """Send a case and run the checks on the response; None when it could not be sent (or may
        not be: on a read-only run a write goes out only when the runner expects it rejected)."""
        case = self._in_scope(case)
        if not self.plan.may_send(case.operation, expect_rejection=case.expect in REJECTED):
            return None
        if case.body is not NO_BODY:
            self.ctx.learn_sent(case.body)
        request = self.build(case)
        # A write's answer must reach the journal before Ctrl-C / SIGTERM may stop the run.
        with deferred_interrupts(case.operation.method != "GET"):
            try:
                response = self.client.send(request)
            except TransportError as exc:
                self.ctx.errored(case, str(exc), only=only)
                return None
            with self._lock:
                self.requests += 1
            self._track(case, response)
        if evaluate:
            self.ctx.evaluate(case, request, response, only=only, steps=steps)
        return Exchange(request, response)

    def _in_scope(self, case: Case) -> Case:
        """Address a nested resource under parents that exist (``/kb/{id}/file`` under a real
        knowledge base); without them, a valid request can only be expected to get 404."""
        if self.scope_for is None:
            return case
        cred = case.credential if isinstance(case.credential, int) else 0
        scope = self.scope_for(case.operation, cred)
        if scope:
            v = case.violation
            if v is not None and v.pointer.startswith("/path/"):
                # The parameter the case breaks on purpose (a malformed parent id) stays broken:
                # a real parent there would make the "invalid" request a valid one.
                from contracttest import _pointer

                broken = _pointer.parts(v.pointer)[1]
                scope = {k: val for k, val in scope.items() if k != broken}
            return case.with_(path_params={**case.path_params, **scope})
        if scope is None and case.expect == "success":
            return case.with_(
                expect="not-found",
                provoked=provoked_for("not-found"),
                description=f"{case.description} (under a parent that could not be created)",
            )
        return case

    # -- created resources -----------------------------------------------------------------
    def _track(self, case: Case, response: HttpResponse) -> Instance | None:
        """Journal a resource a create request made, before anything else happens."""
        op = case.operation
        if not 200 <= response.status < 300:
            return None
        res = self.plan.resource_of(op)
        if res is None or res.create is not op:
            return None
        body = response.json_or_none()
        if not isinstance(body, dict):
            return None
        rid = resource_id(res, body)
        if rid is None:
            return None
        credential = case.credential if isinstance(case.credential, int) else 0
        entry = None
        if self.journal is not None and res.delete is not None and res.item is not None:
            scope = dict(case.path_params.items())
            scope[res.id_param or "id"] = rid
            entry = self.journal.record_created(
                base_url=self.plan.base_url,
                operation=op.label,
                resource_id=rid,
                delete_method=res.delete.method,
                delete_path=render_path(res.item, scope),
                credential=credential,
            )
        inst = Instance(
            resource=res,
            id=rid,
            tag=_tag_of(self, res, body),
            credential=credential,
            sent=case.body if isinstance(case.body, dict) else {},
            created=body,
            entry=entry,
            scope=dict(case.path_params),
        )
        with self._lock:
            self.created.append(inst)
        return inst

    def instance(self, res: Resource, rid: str) -> Instance | None:
        with self._lock:
            for inst in reversed(self.created):
                if inst.resource is res and inst.id == rid:
                    return inst
        return None

    def mark_deleted(self, inst: Instance) -> None:
        inst.deleted = True
        if self.journal is not None and inst.entry is not None:
            self.journal.record_deleted(inst.entry)

    def cleanup(self, *, deadline: float | None = None) -> list[str]:
        """Delete every resource the run created and has not deleted; returns problems."""
        problems: list[str] = []
        with self._lock:
            todo = [i for i in self.created if not i.deleted]
        for inst in reversed(todo):
            res = inst.resource
            if res.delete is None or res.item is None:
                continue
            if deadline is not None and time.monotonic() > deadline:
                problems.append("cleanup stopped at the time limit; run `contracttest cleanup`")
                break
            case = Case(
                operation=res.delete,
                kind="cleanup",
                expect="any",
                path_params={**inst.scope, res.id_param or "id": inst.id},
                credential=inst.credential,
                description="cleanup",
            )
            try:
                request = self.build(case)
                response = self.client.send(request)
            except ContractTestError as exc:
                problems.append(f"could not delete {inst.id}: {exc}")
                continue
            with self._lock:
                self.requests += 1
            if 200 <= response.status < 300 or response.status in (404, 410):
                self.mark_deleted(inst)
            else:
                problems.append(
                    f"DELETE {request.path} answered {response.status}; left in the journal"
                )
        return problems


def resource_id(res: Resource, body: dict[str, Any]) -> str | None:
    for key in (res.id_param, "id", "_id", "uuid"):
        if key and isinstance(body.get(key), (str, int)) and not isinstance(body.get(key), bool):
            return str(body[key])
    return None


def _tag_of(ex: Executor, res: Resource, body: dict[str, Any]) -> Any:
    prop = discriminator_property(ex.plan.spec, res.create)
    return body.get(prop) if prop else None


def discriminator_property(spec: Any, op: Operation | None) -> str | None:
    """The discriminator property of an operation's request body (``provider``), if any."""
    if op is None or op.json_body() is None:
        return None
    try:
        tables = spec.target(f"{op.label}:request").variant_tables
    except Exception:  # no usable body schema: no discriminator
        return None
    root = spec.target(f"{op.label}:request").schema()
    for t in tables:
        xd = root.get("x-discriminator") if isinstance(root, dict) else None
        if isinstance(xd, dict) and xd.get("pointer") == t.pointer:
            return str(t.property)
    return str(tables[0].property) if len(tables) == 1 and _root_union(root) else None


def variant_tags(spec: Any, op: Operation, prop: str) -> list[Any]:
    """The discriminator values an operation's request body documents for ``prop``."""
    try:
        tables = spec.target(f"{op.label}:request").variant_tables
    except Exception:  # no usable body schema
        return []
    for t in tables:
        if t.property == prop:
            return list(t.tags)
    return []


def _root_union(root: Any) -> bool:
    return isinstance(root, dict) and any(k in root for k in ("oneOf", "anyOf"))


@dataclass
class Fixtures:
    """Resources created for item operations (one per variant and credential), reused across phases."""

    executor: Executor
    generation: Generation
    seed: int
    _bodies: dict[str, dict[Any, list[dict[str, Any]]]] = field(default_factory=dict)
    _pool: dict[tuple[str, Any, int], Instance] = field(default_factory=dict)
    _failures: dict[tuple[str, Any, int], str] = field(default_factory=dict)
    _n: int = 0

    @property
    def plan(self) -> Plan:
        return self.executor.plan

    def tags(self, res: Resource) -> list[Any]:
        return list(self.bodies(res))

    def bodies(self, res: Resource) -> dict[Any, list[dict[str, Any]]]:
        """Valid create bodies per discriminator value (``None`` when not discriminated)."""
        got = self._bodies.get(res.name)
        if got is not None:
            return got
        from contracttest.runner.generation import draw_examples

        op = res.create
        out: dict[Any, list[dict[str, Any]]] = {}
        if op.json_body() is not None:
            prop = discriminator_property(self.plan.spec, op)
            try:
                strategy = self.generation.valid(f"{op.label}:request")
                examples = draw_examples(strategy, 36, self.seed)
            except Exception as exc:  # generation failure: no fixtures, reported by the caller
                self._failures[(res.name, None, 0)] = f"cannot generate a create body: {exc}"
                examples = []
            for ex in examples:
                if isinstance(ex, dict):
                    out.setdefault(ex.get(prop) if prop else None, []).append(ex)
            if prop and examples:
                # A rare variant may not turn up among the draws: ask for each one by name, so
                # every variant gets fixtures and is tested.
                for tag in variant_tags(self.plan.spec, op, prop):
                    if tag in out:
                        continue
                    try:
                        extra = draw_examples(strategy.filter(_has_tag(prop, tag)), 8, self.seed)
                    except Exception:  # a variant the generator cannot reach
                        extra = []
                    if extra:
                        out[tag] = [b for b in extra if isinstance(b, dict)]
            for tag, items in out.items():
                # Richer bodies first: more fields to compare after the round trip.
                items.sort(key=lambda b: -_richness(b))
                out[tag] = items[:8]
        else:
            self._failures[(res.name, None, 0)] = (
                f"{op.method} {op.path} takes no JSON body (the runner creates resources with JSON)"
            )
        self._bodies[res.name] = out
        return out

    def body_for(
        self, res: Resource, tag: Any = None, *, variant: int = 0
    ) -> dict[str, Any] | None:
        """A valid create body for a variant, with a distinctive name and planted secret markers."""
        bodies = self.bodies(res)
        pool = bodies.get(tag) if tag is not None else next(iter(bodies.values()), None)
        if not pool:
            return None
        base = dict(pool[variant % len(pool)])
        return self.decorate(res, base)

    def decorate(self, res: Resource, body: dict[str, Any]) -> dict[str, Any]:
        """Give a body a unique ``name``, secret markers and a fresh key for a member naming the
        object (``fileId``), where the schema allows (stays valid)."""
        self._n += 1
        target = f"{res.create.label}:request"
        declared = declared_properties(self.plan.spec, target, body)
        candidate = dict(body)
        if "name" in declared and _string_schema(declared["name"]):
            candidate["name"] = f"ct-{self.seed % 10000:04d}-{self._n:03d}"
        for key, schema in declared.items():
            from contracttest.runner.checks import LEAK_KEY

            if LEAK_KEY.search(key) and _string_schema(schema):
                candidate[key] = f"{MARKER_PREFIX}-{secrets.token_hex(8)}"
        id_param = res.id_param
        if id_param and id_param != "id" and id_param in declared:
            fresh = self._fresh_key(res, id_param)
            if fresh is not None:
                candidate[id_param] = fresh
        if candidate != body and self.generation.is_valid(target, candidate):
            return candidate
        if "name" in candidate and candidate.get("name") != body.get("name"):
            only_name = dict(body, name=candidate["name"])
            if self.generation.is_valid(target, only_name):
                return only_name
        return body

    def _fresh_key(self, res: Resource, id_param: str) -> str | None:
        """A new value for a create body's member that names the object (``fileId`` of
        ``POST /kb/{id}/file``, then addressed as ``/kb/{id}/file/{fileId}``): one the item path
        accepts, unique per create (a generated ``"0"`` is no uuid, and two creates would share it);
        None when a uuid does not fit the path parameter."""
        import uuid

        op = res.get or res.delete or res.update
        if op is None:
            return None
        value = str(uuid.uuid4())
        wire_path, wire_query = self.generation.wire_params(op, {id_param: value}, [])
        bad = [
            f
            for f in self.generation.wire_findings(op, wire_path, wire_query)
            if f.pointer == f"/path/{id_param}" or f.pointer.startswith(f"/path/{id_param}/")
        ]
        return None if bad else value

    def get(self, res: Resource, tag: Any = None, credential: int = 0) -> Instance | None:
        """A live instance of ``res`` (of a variant) owned by ``credential``, created on first use."""
        key = (res.name, tag, credential)
        inst = self._pool.get(key)
        if inst is not None and not inst.deleted:
            return inst
        if key in self._failures:
            return None
        inst = self.fresh(res, tag, credential)
        if inst is not None:
            self._pool[key] = inst
        return inst

    def fresh(self, res: Resource, tag: Any = None, credential: int = 0) -> Instance | None:
        """Create a new instance (for DELETE cases and lifecycles)."""
        if self.plan.read_only or (credential >= len(self.plan.credentials) and res.create.secured):
            return None
        body = self.body_for(res, tag)
        if body is None:
            self._failures.setdefault(
                (res.name, tag, credential), "no valid create body could be generated"
            )
            return None
        case = Case(
            operation=res.create,
            kind="fixture",
            expect="success",
            path_params={},
            body=body,
            credential=credential,
            description="create a fixture",
        )
        ex = self.executor.send(case)
        if ex is None or not 200 <= ex.status < 300:
            why = (
                "the request failed"
                if ex is None
                else f"{res.create.method} {res.create.path} answered {ex.status}"
            )
            self._failures[(res.name, tag, credential)] = why
            return None
        body_json = ex.json()
        rid = resource_id(res, body_json) if isinstance(body_json, dict) else None
        if rid is None:
            self._failures[(res.name, tag, credential)] = "the create response has no id"
            return None
        inst = self.executor.instance(res, rid)
        if inst is not None:
            inst.tag = tag if tag is not None else inst.tag
            inst.sent = body
        return inst

    def op_scope(self, op: Operation, credential: int) -> dict[str, Any] | None:
        """Path values naming existing parents of ``op`` ({} when it has none, None when they
        cannot be had)."""
        from contracttest.mock.routing import template_params

        parents = self.plan.resources.parents.get(op.key)
        if not parents:
            return {}
        names = list(template_params(op.path))
        binding = self.plan.resources.binding(op)
        own = binding.resource.id_param if binding is not None else None
        if own in names and binding is not None and binding.role in ("get", "update", "delete"):
            names.remove(own)
        out: dict[str, Any] = {}
        for name, parent in zip(names, parents, strict=False):
            inst = self.get(parent, None, credential)
            if inst is None:
                return None
            out[name] = inst.id
        return out

    def why_not(self, res: Resource, tag: Any = None, credential: int = 0) -> str:
        if self.plan.read_only:
            return "read-only run (pass --allow-writes to create resources)"
        if credential >= len(self.plan.credentials):
            return "needs a credential for that org (--token)"
        return self._failures.get((res.name, tag, credential)) or self._failures.get(
            (res.name, None, 0), "no resource could be created"
        )


def _has_tag(prop: str, tag: Any) -> Callable[[Any], bool]:
    def has(body: Any) -> bool:
        return isinstance(body, dict) and body.get(prop) == tag

    return has


def _richness(body: Any) -> int:
    if isinstance(body, dict):
        return len(body) + sum(_richness(v) for v in body.values()) // 4
    if isinstance(body, list):
        return sum(_richness(v) for v in body) // 4
    return 0


def _string_schema(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("type") != "string":
        return False
    return not any(k in schema for k in ("enum", "const", "format", "pattern", "x-ecma-pattern"))


def declared_properties(
    spec: Any, target: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Properties declared for the variant ``body`` belongs to (or the root object's)."""
    from contracttest.runner.undeclared import declared_members

    return declared_members(spec.target(target).schema(), body if body is not None else {})
