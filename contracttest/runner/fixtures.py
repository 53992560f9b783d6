"""Resources the run creates: the ledger of everything created (to delete at the end, journaled on a
live endpoint before the run moves on), and fixtures, the resources item operations act on (one per
variant and credential, created on first use and reused across phases).

Fixtures send their create requests through the engine (``send``), so a fixture's request is
checked like any other.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest.openapi.resources import (
    id_member,
    named_by_client,
    template_params,
    wrapper_names,
)
from contracttest.runner.case import Case, provoked_for
from contracttest.runner.generation import NoValidPayload
from contracttest.runner.http import render_path
from contracttest.runner.markers import LEAK_KEY, MARKER_PREFIX
from contracttest.runner.schemes import operation_scheme

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.openapi.resources import Resource
    from contracttest.runner.generation import Generation
    from contracttest.runner.http import Exchange, HttpResponse
    from contracttest.runner.journal import Journal, JournalEntry
    from contracttest.runner.scope import Scope

__all__ = [
    "Fixtures",
    "Instance",
    "Ledger",
    "created_id",
    "declared_properties",
    "discriminator_property",
    "naming_member",
    "resource_id",
    "sent_id",
    "variant_tags",
]


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


class Ledger:
    """Every resource a request of the run created, journaled before the run moves on."""

    def __init__(self, spec: Spec, scope: Scope, base_url: str) -> None:
        self.spec = spec
        self.scope = scope
        self.base_url = base_url
        self.journal: Journal | None = None
        self.created: list[Instance] = []
        self.unnamed: dict[str, int] = {}
        """Resource name -> creates answered 2xx that named no id (PeerTube's ``POST
        /api/v1/abuses`` may answer ``{}``): objects exist whose ids the run does not know."""
        self._lock = threading.Lock()

    def track(self, case: Case, response: HttpResponse) -> Instance | None:
        """Record a resource a create request made (2xx with an id)."""
        op = case.operation
        if not 200 <= response.status < 300:
            return None
        res = self.scope.resource_of(op)
        if res is None or res.create is not op:
            return None
        answer = response.json_or_none()
        body: dict[str, Any] = answer if isinstance(answer, dict) else {}
        # An answer without the id (GameSparks' ``{"Game": {...}}``) of an object the client
        # named: it exists under the name it was given.
        rid = created_id(res, body) or sent_id(self.spec, res, case.body)
        if rid is None:
            with self._lock:
                self.unnamed[res.name] = self.unnamed.get(res.name, 0) + 1
            return None
        credential = case.credential if isinstance(case.credential, int) else 0
        entry = None
        if self.journal is not None and res.delete is not None and res.item is not None:
            path = dict(case.path_params.items())
            path[res.id_param or "id"] = rid
            entry = self.journal.record_created(
                base_url=self.base_url,
                operation=op.label,
                resource_id=rid,
                delete_method=res.delete.method,
                delete_path=render_path(res.item, path),
                credential=credential,
            )
        prop = discriminator_property(self.spec, res.create)
        inst = Instance(
            resource=res,
            id=rid,
            tag=body.get(prop) if prop else None,
            credential=credential,
            sent=case.body if isinstance(case.body, dict) else {},
            created=body,
            entry=entry,
            scope=dict(case.path_params),
        )
        with self._lock:
            self.created.append(inst)
        return inst

    def retire(self, case: Case, response: HttpResponse) -> None:
        """A 2xx DELETE of a resource the run created (a case built on it) retires it."""
        if not case.known_resource or not 200 <= response.status < 300:
            return
        res, role = self.scope.item_role(case.operation)
        if res is None or role != "delete" or not res.id_param:
            return
        inst = self.instance(res, str(case.path_params.get(res.id_param, "")))
        if inst is not None:
            self.mark_deleted(inst)

    def patched(self, case: Case, response: HttpResponse) -> None:
        """A 2xx PATCH of a resource the run created changes what it holds: merge the body into
        what the run knows of it (a later patch is judged against that)."""
        if not case.known_resource or not 200 <= response.status < 300:
            return
        res, role = self.scope.item_role(case.operation)
        if res is None or role != "update" or not res.id_param or not isinstance(case.body, dict):
            return
        inst = self.instance(res, str(case.path_params.get(res.id_param, "")))
        if inst is not None:
            inst.sent = {**inst.sent, **case.body}

    def instance(self, res: Resource, rid: str) -> Instance | None:
        with self._lock:
            for inst in reversed(self.created):
                if inst.resource is res and inst.id == rid:
                    return inst
        return None

    def live(self, credential: int | None = None) -> list[Instance]:
        """Created and not deleted (of one credential, when given)."""
        with self._lock:
            return [
                i
                for i in self.created
                if not i.deleted and (credential is None or i.credential == credential)
            ]

    def mark_deleted(self, inst: Instance) -> None:
        inst.deleted = True
        if self.journal is not None and inst.entry is not None:
            self.journal.record_deleted(inst.entry)

    def restore(self, inst: Instance) -> None:
        """A resource marked deleted is still there (a DELETE that did nothing): clean it up later."""
        inst.deleted = False


def resource_id(res: Resource, body: dict[str, Any]) -> str | None:
    """The id a create response gives the resource: its id member (`openapi.resources.id_member`:
    the one named like the item path's parameter, else ``id``, ``_id`` or ``uuid``, in any letter
    case: AWS answers ``Id``), or the scalar under that name inside it where it is an object."""
    scalars: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, dict) and res.id_param and key.lower() == res.id_param.lower():
            # An id member that is an object holding the id under the same name (Content API's
            # ``{"productId": {"productId": "online:en:US:1"}}``, read back by that inner value)
            value = next((v for k, v in value.items() if k.lower() == key.lower()), None)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            scalars[key] = value
    name = id_member(res, scalars)
    return str(scalars[name]) if name is not None else None


def created_id(res: Resource, answer: dict[str, Any]) -> str | None:
    """The id of what a create made: the answer's own, or its wrapped object's (in a member
    named like an envelope, or the answer's only member: PeerTube's ``{"abuse": {"id": 1}}``;
    an object beside other members, ``{"name": .., "owner": {"id": ..}}``, is not the one made:
    `openapi.resources.wrapper_names`, the rule the mock answers by)."""
    rid = resource_id(res, answer)
    wrappers = [k for k in wrapper_names(list(answer)) if isinstance(answer[k], dict)]
    for key in wrappers if rid is None else ():
        if (rid := resource_id(res, answer[key])) is not None:
            break
    return rid


def naming_member(spec: Any, res: Resource, declared: Any, *, required: bool = False) -> str | None:
    """The create body's member that names the object, if the client names it
    (`openapi.resources.named_by_client`, the rule the mock keys objects by): one named like
    the item path's parameter (``fileId`` of ``/kb/{id}/file/{fileId}``, GameSparks'
    ``GameName`` of ``/game/{GameName}``), or the resource's ``id`` where the create body must
    carry it (AWS MediaPackage's ``POST /channels {"id": ...}``, then ``/channels/{id}``).
    ``declared``: the create body's declared members (or the body itself); ``required``: only
    a member the create body must carry (a server may key the object by an optional one or not:
    anchore's ``registry``)."""
    id_param = res.id_param
    if not id_param or id_param not in declared:
        return None
    if not required and named_by_client(res, id_param, ()):
        return id_param
    try:
        needed = spec.target(f"{res.create.label}:request").schema().get("required") or ()
    except Exception:  # no usable create schema: the server's to set
        return None
    return id_param if id_param in needed else None  # an id the create must carry names it


def sent_id(spec: Any, res: Resource, sent: Any) -> str | None:
    """The id a create request gave the object it had to name (`naming_member`), or None."""
    if not isinstance(sent, dict):
        return None
    key = naming_member(spec, res, sent, required=True)
    value = sent.get(key) if key is not None else None
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        return str(value)
    return None


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


def declared_properties(
    spec: Any, target: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Properties declared for the variant ``body`` belongs to (or the root object's)."""
    from contracttest.runner.undeclared import declared_members

    return declared_members(spec.target(target).schema(), body if body is not None else {})


class Fixtures:
    """Resources created for item operations (one per variant and credential), reused across phases.

    Args:
        spec: the spec.
        scope: what the run covers (resources, credentials, read-only).
        generation: strategies and validators.
        ledger: where created resources are recorded.
        send: how a fixture's create request is sent (the engine's send: checked and tracked).
    """

    def __init__(
        self,
        spec: Spec,
        scope: Scope,
        generation: Generation,
        ledger: Ledger,
        send: Callable[[Case], Exchange | None],
    ) -> None:
        self.spec = spec
        self.scope = scope
        self.generation = generation
        self.ledger = ledger
        self.send = send
        self.seed = scope.seed
        self.param_sample: Callable[[Operation], Any] | None = None
        """One valid set of an operation's parameters (``{"path": .., "query": .., "header": ..}``,
        drawn from their schemas), for what a case leaves out (`address`)."""
        """Security scheme -> (location, name) of the API key parameter it sends."""
        self._bodies: dict[str, dict[Any, list[dict[str, Any]]]] = {}
        self._pool: dict[tuple[str, Any, int], Instance] = {}
        self._failures: dict[tuple[str, Any, int], str] = {}
        self._refused: dict[str, str] = {}
        self._uncreatable: dict[str, str] = {}
        self._n = 0

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
            prop = discriminator_property(self.spec, op)
            try:
                strategy = self.generation.valid(f"{op.label}:request")
                examples = draw_examples(strategy, 36, self.seed)
            except NoValidPayload as exc:  # the spec's defect (a spec finding): a skip
                self._uncreatable[res.name] = exc.skip_reason
                examples = []
            except Exception as exc:  # generation failure: no fixtures, reported by the caller
                self._failures[(res.name, None, 0)] = f"cannot generate a create body: {exc}"
                examples = []
            for ex in examples:
                if isinstance(ex, dict):
                    out.setdefault(ex.get(prop) if prop else None, []).append(ex)
            if examples and not out:
                # circleci.com.json ``POST .../checkout-key`` takes the string "deploy-key"
                kind = type(examples[0]).__name__
                self._uncreatable[res.name] = (
                    f"{op.method} {op.path} takes a JSON {_JSON_KINDS.get(kind, kind)}, not an "
                    "object (the runner creates resources from JSON objects)"
                )
            if prop and examples:
                # A rare variant may not turn up among the draws: ask for each one by name, so
                # every variant gets fixtures and is tested.
                for tag in variant_tags(self.spec, op, prop):
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
            self._uncreatable[res.name] = (
                f"{op.method} {op.path} takes no JSON body (the runner creates resources with JSON)"
            )
        if res.name in self._uncreatable:
            self._failures[(res.name, None, 0)] = self._uncreatable[res.name]
        self._bodies[res.name] = out
        return out

    def uncreatable(self, res: Resource) -> str | None:
        """Why the runner cannot create ``res`` by its design or the spec's defect, not for a fault
        of the server (its create takes no JSON body, a JSON value that is not an object, or one
        the spec allows no value of: a spec finding names that), or None."""
        self.bodies(res)
        return self._uncreatable.get(res.name)

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

    def _body_taking(self, res: Resource, tag: Any, patch: dict[str, Any]) -> dict[str, Any] | None:
        """A decorated create body of the variant that stays valid with ``patch`` merged in."""
        target = f"{res.create.label}:request"
        bodies = self.bodies(res)
        pool = bodies.get(tag) if tag is not None else next(iter(bodies.values()), None)
        for base in pool or []:
            if self.generation.is_valid(target, {**base, **patch}):
                body = self.decorate(res, dict(base))
                if self.generation.is_valid(target, {**body, **patch}):
                    return body
        return None

    def decorate(self, res: Resource, body: dict[str, Any]) -> dict[str, Any]:
        """Give a body a unique ``name``, secret markers and a fresh key for a member naming the
        object (``fileId``), where the schema allows (stays valid)."""
        self._n += 1
        target = f"{res.create.label}:request"
        declared = declared_properties(self.spec, target, body)
        changes: list[dict[str, Any]] = []
        if "name" in declared and _string_schema(declared["name"]):
            changes.append({"name": f"ct-{self.seed % 10000:04d}-{self._n:03d}"})
        for key, schema in declared.items():
            if LEAK_KEY.search(key) and _string_schema(schema):
                changes.append({key: f"{MARKER_PREFIX}-{secrets.token_hex(8)}"})
        naming = naming_member(self.spec, res, declared)
        if naming is not None:
            fresh = self._fresh_key(res, naming)
            if fresh is not None:
                changes.append({naming: fresh})
        candidate = dict(body)
        for change in changes:
            candidate.update(change)
        if candidate == body or self.generation.is_valid(target, candidate):
            return candidate
        # One change breaks a rule (a marker shorter than GameSparks' ``ClientToken`` minLength):
        # keep each of the others that stays valid.
        out = dict(body)
        for change in changes:
            trial = {**out, **change}
            if self.generation.is_valid(target, trial):
                out = trial
        return out

    def renamed(self, res: Resource, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` (another create of the same object, made from one sent before) with a new
        value for the member that names the object: two creates naming one object would be one
        object (content.json's ``returnPolicyId``: the second create replaced the first)."""
        naming = naming_member(self.spec, res, body)
        fresh = self._fresh_key(res, naming) if naming is not None else None
        if naming is None or fresh is None:
            return body
        candidate = {**body, naming: fresh}
        valid = self.generation.is_valid(f"{res.create.label}:request", candidate)
        return candidate if valid else body

    def _fresh_key(self, res: Resource, id_param: str) -> str | None:
        """A new value for a create body's member that names the object (``fileId`` of
        ``POST /kb/{id}/file``, then addressed as ``/kb/{id}/file/{fileId}``): one the item path
        accepts, unique per create (a generated ``"0"`` is no uuid, and two creates would share it);
        None when a uuid does not fit the path parameter."""
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

    def fresh(
        self,
        res: Resource,
        tag: Any = None,
        credential: int = 0,
        *,
        patch: dict[str, Any] | None = None,
    ) -> Instance | None:
        """Create a new instance (for DELETE cases and lifecycles); with ``patch``, one whose
        create body the patch can be merged into without breaking a rule."""
        if self.scope.read_only or (credential >= self.scope.credentials and res.create.secured):
            return None
        body = self.body_for(res, tag) if patch is None else self._body_taking(res, tag, patch)
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
        ex = self.send(case)
        if ex is None or not 200 <= ex.status < 300:
            why = (
                "the request failed"
                if ex is None
                else f"{res.create.method} {res.create.path} answered {ex.status}"
            )
            self._failures[(res.name, tag, credential)] = why
            if ex is not None:
                self._refused.setdefault(res.name, why)
            return None
        body_json = ex.json()
        rid = created_id(res, body_json) if isinstance(body_json, dict) else None
        rid = rid or sent_id(self.spec, res, body)
        if rid is None:
            why = "the create response has no id"
            self._failures[(res.name, tag, credential)] = why
            self._refused.setdefault(res.name, why)
            return None
        inst = self.ledger.instance(res, rid)
        if inst is not None:
            inst.tag = tag if tag is not None else inst.tag
            inst.sent = body
        return inst

    def parents(self, op: Operation, credential: int) -> dict[str, Any] | None:
        """Path values naming existing parents of ``op`` ({} when it has none, None when they
        cannot be had)."""
        parents = self.scope.resources.parents.get(op.key)
        if not parents:
            return {}
        names = list(template_params(op.path))
        binding = self.scope.resources.binding(op)
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

    def address(self, case: Case) -> Case:
        """Address a nested resource under parents that exist (``/kb/{id}/file`` under a real
        knowledge base); without them, a valid request can only be expected to get 404."""
        case = self._fill_params(case)
        cred = case.credential if isinstance(case.credential, int) else 0
        scope = self.parents(case.operation, cred)
        # A resource the run created lives under the parents it was created under (values drawn
        # from the schema where no parent could be created): its item path names those.
        created_under = self._created_under(case)
        if created_under:
            scope = {**(scope or {}), **created_under}
        if case.expect == "success" and scope is not None:
            case = case.with_(may_not_exist=self._names_unknown(case, scope))
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

    def drawn_parents(self, op: Operation, credential: int = 0) -> bool:
        """Whether a request of ``op`` names a parent the run did not create (a path value drawn
        from the parameter's schema, which may name nothing)."""
        names = set(template_params(op.path))
        res, _role = self.scope.item_role(op)
        if res is not None and res.id_param:
            names.discard(res.id_param)
        return bool(names - set(self.parents(op, credential) or {}))

    def _names_unknown(self, case: Case, scope: dict[str, Any]) -> bool:
        """Whether a path value of ``case`` comes from no resource the run created (a parent or
        a key drawn from the parameter's schema: ``/apps/bySafeName/{safeName}``)."""
        names = set(template_params(case.operation.path)) - set(scope)
        res, _role = self.scope.item_role(case.operation)
        if res is not None and res.id_param in names:
            rid = case.path_params.get(res.id_param)
            if case.known_resource or self.ledger.instance(res, str(rid)) is not None:
                names.discard(res.id_param)
        return bool(names)

    def _created_under(self, case: Case) -> dict[str, Any]:
        """The parent path values of the created resource an item case addresses ({} if none)."""
        res, _role = self.scope.item_role(case.operation)
        if res is None or not res.id_param or res.id_param not in case.path_params:
            return {}
        inst = self.ledger.instance(res, str(case.path_params[res.id_param]))
        if inst is None:
            return {}
        names = set(template_params(case.operation.path)) - {res.id_param}
        return {k: v for k, v in inst.scope.items() if k in names}

    def _fill_params(self, case: Case) -> Case:
        """Give the request every parameter a server needs to take it: a value for each path
        segment of the template and for each required query and header parameter the case leaves
        out, from one valid draw of the operation's parameters (``/accounts/{accountId}/messages``
        when no operation creates an account, ``api-version`` on a fixture's create, AWS's pinned
        ``X-Amz-Target``). A part the case breaks on purpose is left as it is, and so are the
        parameters that carry credentials (the case's credential decides those)."""
        op = case.operation
        if self.param_sample is None or not op.parameters:
            return case
        names = template_params(op.path)
        missing_path = [n for n in names if n not in case.path_params]
        broken = _broken_part(case)
        # the parameter that carries the credential the run presents (one scheme of the
        # operation's alternatives: trello's `key`; its `token` is then a parameter like any other)
        scheme = operation_scheme(self.spec, op) if self.scope.credentials else None
        credentials = (
            {(scheme.location, scheme.name.lower() if scheme.location == "header" else scheme.name)}
            if scheme is not None
            else set()
        )
        have_query = {k for k, _ in case.query}
        have_header = {k.lower() for k, _ in case.headers}
        wanted = [
            p
            for p in op.parameters
            if p.required
            and p.location in ("query", "header")
            and p.location != broken
            and (p.location, p.name.lower() if p.location == "header" else p.name)
            not in credentials
            and (
                p.name not in have_query
                if p.location == "query"
                else p.name.lower() not in have_header
            )
        ]
        if not missing_path and not wanted:
            return case
        from contracttest.runner.generation import headers_of, params_of

        draw = self.param_sample(op)
        path, query = params_of(draw)
        headers = dict(headers_of(draw))
        changes: dict[str, Any] = {}
        filled = {n: path[n] for n in missing_path if n in path}
        if filled:
            changes["path_params"] = {**case.path_params, **filled}
        values = dict(query)
        extra_query = [
            (p.name, values[p.name]) for p in wanted if p.location == "query" and p.name in values
        ]
        if extra_query:
            changes["query"] = (*case.query, *extra_query)
        extra_headers = [
            (p.name, headers[p.name])
            for p in wanted
            if p.location == "header" and p.name in headers
        ]
        if extra_headers:
            changes["headers"] = (*case.headers, *extra_headers)
        return case.with_(**changes) if changes else case

    def refused(self, res: Resource) -> str | None:
        """Why the server gave no resource for a valid create (a non-2xx answer, which the
        create's own checks report, or an answer without an id), or None."""
        return self._refused.get(res.name)

    def why_not(self, res: Resource, tag: Any = None, credential: int = 0) -> str:
        if self.scope.read_only:
            return "read-only run (pass --allow-writes to create resources)"
        if credential >= self.scope.credentials:
            return "needs a credential for that org (--token)"
        return self._failures.get((res.name, tag, credential)) or self._failures.get(
            (res.name, None, 0), "no resource could be created"
        )


def _broken_part(case: Case) -> str | None:
    """The request part (``query``, ``header``...) a case breaks on purpose, if any."""
    v = case.violation
    if v is None or not v.pointer.startswith("/"):
        return None
    part = v.pointer.split("/", 2)[1]
    return part if part in ("path", "query", "header", "cookie") else None


_JSON_KINDS = {
    "str": "string",
    "int": "number",
    "float": "number",
    "list": "array",
    "bool": "boolean",
}


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
