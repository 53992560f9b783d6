"""What the mock does with a routed, authenticated request: validate it, then act on the store.

`MockEngine.handle` takes a `MockRequest` (already routed, body already parsed) and returns a status
and a JSON-ready body, or raises `HTTPProblem`. All request validation goes through one method,
`MockEngine.findings`, which asks `contracttest.validate` (the same engine the linter and the runner
use); every generated response body is validated the same way before it is first sent.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.errors import ContractTestError, TargetError
from contracttest.findings import Finding, Severity
from contracttest.mock.errors import MAX_MESSAGES, messages_for
from contracttest.mock.ids import IdMinter, IdShape, id_shape
from contracttest.mock.listing import ListPlan
from contracttest.mock.parsing import HTTPProblem
from contracttest.mock.repair import has_loose_union, without
from contracttest.mock.responses import SchemaView, ServerFields, iso_ms, typed_id
from contracttest.mock.store import Query, Record, Store
from contracttest.openapi.model import JSON_MEDIA
from contracttest.openapi.resources import (
    Resource,
    ResourceMap,
    id_member,
    infer_resources,
    named_by_client,
    wrapper_names,
)

if TYPE_CHECKING:
    from contracttest.mock.routing import Match
    from contracttest.openapi.convert import VariantTable
    from contracttest.openapi.model import Operation, Spec

__all__ = ["MockEngine", "MockRequest", "Reply"]

log = logging.getLogger("contracttest.mock")

_UPDATED_KEYS = ("updatedAt", "updated_at")
_MAX_REPAIRS = 20
_MINT_TRIES = 20


@dataclass
class MockRequest:
    """A routed request whose inputs are JSON values."""

    match: Match
    org: str
    params: dict[str, dict[str, Any]]
    """``{"path": {...}, "query": {...}, "header": {...}}`` holding declared parameters only."""
    body: Any
    body_kind: str | None
    """``json`` (``body`` holds it), ``other`` (a declared non-JSON media type), ``empty-json`` (no
    bytes under a JSON content type: malformed) or None (no body)."""
    validated: bool = False
    """`MockEngine.validate_request` already passed (the app runs it off the event loop for large
    bodies)."""


@dataclass
class Reply:
    status: int
    body: Any
    """JSON-ready value, or None for an empty body."""


def _noun(resource: Resource) -> str:
    last = resource.collection.strip("/").split("/")[-1]
    word = "resource" if not last or last.startswith("{") else last
    return word.replace("-", " ").replace("_", " ").capitalize()


def _now_us() -> int:
    return time.time_ns() // 1_000_000 * 1000


class MockEngine:
    """Spec-driven behaviour of the mock, independent of HTTP plumbing."""

    def __init__(self, spec: Spec, store: Store, *, check_responses: bool = False) -> None:
        self.spec = spec
        self.store = store
        self.check_responses = check_responses
        self.resources: ResourceMap = infer_resources(spec)
        self._validators: dict[tuple[str, bool], Any] = {}
        self._views: dict[str, SchemaView | None] = {}
        self._plans: dict[str, ListPlan] = {}
        self._generated: dict[tuple[str, str], Any] = {}
        self._statuses: dict[str, str] = {}
        self._fill_views: dict[str, list[SchemaView]] = {}
        self._loose: dict[int, bool] = {}
        self._repaired: set[tuple[str, str]] = set()
        self._id_shapes: dict[str, IdShape] = {}
        self._id_places: dict[str, tuple[str | None, str]] = {}
        self._client_named: dict[str, bool] = {}
        self.ids = IdMinter(spec, store.next_seq)
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ validation (the one door)
    def findings(self, target: str, payload: Any, *, response: bool = False) -> list[Finding]:
        """Error findings for ``payload`` against ``target``, from `contracttest.validate`."""
        key = (target, response)
        validator = self._validators.get(key)
        if validator is None:
            from contracttest.validate import get_validator

            validator = get_validator(self.spec, target, allow_unknown=response)
            self._validators[key] = validator
        if validator.is_valid(payload):
            return []
        errors = (f for f in validator.iter_findings(payload) if f.severity >= Severity.ERROR)
        # A huge invalid payload can break a rule a million times; the answer names MAX_MESSAGES.
        return list(itertools.islice(errors, MAX_MESSAGES))

    def client_findings(
        self, target: str, payload: Any, *, response: bool = False
    ) -> list[Finding]:
        """`findings` without those the validator blames on the spec: what a request is refused
        for (PeerTube's ``idOrUUID`` is a ``oneOf`` of a uuid and a short uuid a uuid also
        matches; refusing every uuid blamed the client for the spec), and what an answer is held
        to (`answer_findings`)."""
        from contracttest.validate._report import blames_spec, spec_contradicts_itself

        found = self.findings(target, payload, response=response)
        # a request is refused unless no payload could pass; an answer is held only to what the
        # spec does not put in doubt
        excused = blames_spec if response else spec_contradicts_itself
        return [f for f in found if not excused(f)]

    def reject(self, findings: list[Finding], *, parameter: bool = False) -> HTTPProblem:
        """400 with one message per finding."""
        return HTTPProblem(400, messages_for(findings, parameter=parameter))

    def validate_request(self, req: MockRequest) -> None:
        op = req.match.operation
        problems: list[str] = []
        if op.parameters:
            found = self.client_findings(f"{op.label}:parameters", req.params)
            problems += messages_for(found, parameter=True)
        if req.body_kind == "empty-json":
            problems.append("body is not valid JSON: it is empty (send {} for an empty object)")
        elif req.body_kind is None and op.request_body_required and op.json_body() is not None:
            # No body at all: NestJS validates an empty object, so required members are named.
            problems += messages_for(self.client_findings(f"{op.label}:request", {}))
        elif req.body_kind == "json" and op.json_body() is not None:
            target = self.body_target(req)
            if target is not None:
                problems += messages_for(self.client_findings(target, req.body))
        if problems:
            raise HTTPProblem(400, problems)

    def body_target(self, req: MockRequest) -> str | None:
        """What a request body is judged against: the operation's body schema, or, for an update
        whose body is a discriminated union (``provider``), the stored object's own variant; None
        when there is no stored object (the update answers 404).

        A server that dispatches an update on the stored object's variant must look the object up
        before it can validate the body: Vapi's validates ``{"smsEnabled": true}`` on a BYO number
        against UpdateByoPhoneNumberDTO (``property smsEnabled should not exist``) although the
        Twilio branch of the union takes it, and answers an unknown id 404 whatever the body.
        """
        op = req.match.operation
        whole = f"{op.label}:request"
        binding = self.resources.binding(op)
        if binding is None or binding.role != "update":
            return whole
        table = self.body_variants(op)
        if table is None:
            return whole
        res = binding.resource
        record = self.store.get(self.collection(res, req), req.org, self.item_id(res, req))
        if record is None:
            return None
        tag = record.body.get(table.property)
        variant = table.variants.get(tag) if isinstance(tag, str | int | bool) else None
        if variant is None or variant.component is None:
            return whole  # a variant the union does not map by name: the union judges
        return variant.component

    def body_variants(self, op: Operation) -> VariantTable | None:
        """The variant table a request body's root union dispatches on, if any."""
        view = self.request_view(op)
        root = view.deref(view.root) if view is not None else None
        xd = root.get("x-discriminator") if isinstance(root, dict) else None
        pointer = xd.get("pointer") if isinstance(xd, dict) else None
        return self.spec.translator.tables.get(pointer) if isinstance(pointer, str) else None

    # ------------------------------------------------------------------ schemas
    def view(self, op: Operation | None, status: str | None = None) -> SchemaView | None:
        """The response schema of ``op`` for ``status`` (first 2xx by default), None when no JSON."""
        if op is None:
            return None
        status = status or self.success_status(op)
        key = f"{op.label}:response:{status}"
        if key not in self._views:
            with self._lock:
                try:
                    schema = self.spec.target(key).schema()
                except TargetError:  # no JSON body documented for that status
                    schema = None
                self._views[key] = SchemaView(schema) if schema is not None else None
        return self._views[key]

    def success_status(self, op: Operation) -> str:
        """The documented 2xx to answer with: one with a JSON body first, ``201`` first for POST."""
        got = self._statuses.get(op.key)
        if got is None:
            got = self._statuses[op.key] = _success_status(op)
        return got

    def id_name(self, res: Resource) -> str:
        """The member that carries an object's id (`id_place`)."""
        return self.id_place(res)[1]

    def id_place(self, res: Resource) -> tuple[str | None, str]:
        """Where an object's id sits in its answers: (the wrapper member holding it or None, the id
        member). The member is the item path's parameter name (``petId``) when the responses
        declare it, else the declared ``id`` of any case (xero.com's ``{FolderId}`` is the ``Id`` of
        a Folder), else ``id``. Where the answers declare none of them at the top but inside the
        member they wrap the object in (an envelope name in any case, or the answer's only member,
        as the runner reads a create's id), the id sits there: Open Banking's ``{Data:
        {DomesticPaymentId}, Links, Meta}``, docdb-elastic's ``{cluster: {clusterArn}}``. Minting
        the id without placing it there answered a made-up id the object was never stored under.
        """
        got = self._id_places.get(res.name)
        if got is not None:
            return got
        declared: set[str] = set()
        wrapped: dict[str, set[str]] = {}
        for view in self.fill_views(res):
            props, _, _ = view.shape(view.root, None)
            declared.update(props or {})
            for name, inner in _wrappers(view, props or {}):
                inner_props, _, _ = view.shape(inner, None)
                wrapped.setdefault(name, set()).update(inner_props or {})
        got = (None, "id")
        found = id_member(res, declared)
        if found is not None:
            got = (None, found)
            # an id member that is itself an object holding the id (Google Content's
            # ProductDeliveryTime `productId: {productId: string}`): the id sits inside it
            for view in self.fill_views(res):
                member = _id_member_node(view, view.root, None, found)
                inner_props, _, _ = view.shape(member, None)
                inner = id_member(res, set(inner_props or {}))
                if inner is not None:
                    got = (found, inner)
                    break
        else:
            for name in sorted(wrapped):
                found = id_member(res, wrapped[name])
                if found is not None:
                    got = (name, found)
                    break
        self._id_places[res.name] = got
        return got

    def fill_views(self, res: Resource) -> list[SchemaView]:
        """The distinct response schemas of a resource's operations (what a new object must satisfy)."""
        got = self._fill_views.get(res.name)
        if got is None:
            got, seen = [], set()
            for op in (res.create, res.get, res.update, res.delete):
                view = self.view(op)
                if view is not None:
                    key = json.dumps(view.root, sort_keys=True, default=str)
                    if key not in seen:
                        seen.add(key)
                        got.append(view)
            self._fill_views[res.name] = got
        return got

    @staticmethod
    def status_code(status: str, method: str) -> int:
        if status.isdigit():
            return int(status)
        return 201 if method == "POST" else 200

    def plan(self, op: Operation, resource: Resource) -> ListPlan:
        plan = self._plans.get(op.key)
        if plan is None:
            view = self.view(op)
            plan = ListPlan.build(
                op, view.root if view else None, self.item_props(resource), self.spec.raw
            )
            self._plans[op.key] = plan
        return plan

    def item_props(self, resource: Resource) -> set[str]:
        props: set[str] = set()
        for op in (resource.get, resource.create):
            v = self.view(op)
            if v is not None:
                root = v.deref(v.root)
                branches = root.get("oneOf") or root.get("anyOf") or [root]
                for b in branches:
                    p, _, _ = v.shape(b, None)
                    props.update(p or {})
        return props

    # ------------------------------------------------------------------ dispatch
    def handle(self, req: MockRequest) -> Reply:
        op = req.match.operation
        if not req.validated:
            self.validate_request(req)
        self.check_parents(req)
        binding = self.resources.binding(op)
        if binding is None:
            return self.action(op)
        res, role = binding.resource, binding.role
        if role == "create":
            return self.create(res, req)
        if role == "list":
            return self.list(res, req)
        rid = self.item_id(res, req)
        if role == "get":
            return self.read(res, req, rid)
        if role == "update":
            return self.update(res, req, rid)
        return self.delete(res, req, rid)

    def check_parents(self, req: MockRequest) -> None:
        for parent in self.resources.parents.get(req.match.operation.key, ()):
            rid = self.item_id(parent, req)
            key = self.collection(parent, req)
            if self.store.get(key, req.org, rid) is None:
                raise HTTPProblem(404, f"{_noun(parent)} not found")

    def collection(self, res: Resource, req: MockRequest) -> str:
        """The store collection of ``res`` for ``req``: one per org where clients name the objects
        (each tenant names its own: two AWS accounts may both have a channel ``live-1``; a shared
        key made the second org's create a 409), else one shared by every org."""
        key = res.collection_key(req.match.path_params)
        key = self.store_name(res) + key[len(res.name) :]
        named = self._client_named.get(res.name)
        if named is None:
            member = self.naming_member(res, self.id_name(res), {})
            named = self._client_named[res.name] = member is not None
        return f"{key}\x00{req.org}" if named else key

    def store_name(self, res: Resource) -> str:
        """The store collection name of ``res``: the collection its item path lives under, so
        resources that share an item path share their objects. VTEX Promotions documents both
        ``POST /coupon`` and ``POST /coupon/``, two resources whose items are both read at
        ``/coupon/{couponCode}``: the GET, bound to one of them, answered 404 for what the other's
        create stored."""
        item = next((op.path for op in (res.get, res.update, res.delete) if op is not None), None)
        if item is None or not res.id_param or not item.endswith("/{" + res.id_param + "}"):
            return res.name
        return item[: -len(res.id_param) - 3] or res.name

    def item_id(self, res: Resource, req: MockRequest) -> str:
        raw = req.match.path_params.get(res.id_param or "", "")
        # Ids are uuids we mint in lower case; Postgres compares uuids case-insensitively too.
        return raw.lower() if _looks_like_uuid(raw) else raw

    # ------------------------------------------------------------------ resource operations
    def create(self, res: Resource, req: MockRequest) -> Reply:
        body = dict(req.body) if isinstance(req.body, dict) else {}
        now = _now_us()
        id_name = self.id_name(res)
        key = self.collection(res, req)
        member = self.naming_member(res, id_name, body)
        sent = body.get(member) if member is not None else None
        home, _ = self.id_place(res)
        if isinstance(sent, dict) and home == member:
            sent = sent.get(id_name)  # the id's own object: {productId: {productId: "p1"}}
        named = sent if isinstance(sent, str) and sent and "/" not in sent else None
        if named is not None:
            # The client names the object: ``POST /kb/{id}/file {"fileId": f}`` attaches file f,
            # addressed as ``/kb/{id}/file/{fileId}`` from then on. Its key is echoed, never
            # replaced; attaching the same one again replaces the earlier attachment.
            rid = named.lower() if _looks_like_uuid(named) else named
            if self.store.get(key, req.org, rid) is not None:
                self.store.delete(key, req.org, rid)
        else:
            rid = ""
        refused: set[str] = set()
        for _ in range(_MINT_TRIES):
            if named is None:
                rid = self.mint_id(res, key, req.org, refused)
            record = self.build(res, req, body, rid, id_name, named, now)
            try:
                self.store.insert(key, record)
            except KeyError:  # another org's object has that key
                if named is not None:
                    raise HTTPProblem(409, f"{_noun(res)} {named!r} already exists") from None
                refused.add(rid)
                continue
            return self.answer(res.create, record)
        raise HTTPProblem(409, f"{_noun(res)}: no free id left")

    def naming_member(self, res: Resource, id_name: str, body: dict[str, Any]) -> str | None:
        """The create body's member that names the new object, if the client names it: the id
        member when it is named after the item path (``fileId``), or an ``id`` (``_id``) the create body must
        carry (AWS MediaPackage's channel ``id``, answered as ``Id``). An optional plain ``id``
        stays the server's to set: Google's contacts sent the same one from two orgs, and a shared
        key made the second create a conflict. The body may spell the member as the item path
        does where the answers spell it otherwise (AWS MediaLive sends ``programName`` and answers
        ``ProgramName``): the runner reads the body's name as the id, and so does the mock."""
        if named_by_client(res, id_name, ()):
            if id_name not in body and res.id_param in body:
                return res.id_param
            return id_name
        view = self.request_view(res.create)
        if view is None:
            return None
        _, required, _ = view.shape(view.root, body)
        names = {id_name.lower(), "id"}
        sent = [n for n in sorted(required) if n.lower() in names or n == res.id_param]
        return next((n for n in sent if named_by_client(res, n, required)), None)

    def build(
        self,
        res: Resource,
        req: MockRequest,
        body: dict[str, Any],
        rid: str,
        id_name: str,
        named: str | None,
        now: int,
    ) -> Record:
        """The record a create stores: the body with the server's fields, as the answers hold it."""
        home, _ = self.id_place(res)
        # the id member is the server's to fill wherever the answers hold it (apideck's envelope
        # `{status, data: {id}}` gets the new id), except where it is itself the object holding the
        # id (Google's `productId: {productId}`): that member at the top is no id to overwrite
        server = ServerFields(rid, "" if home == id_name else id_name, req.org, now, now)
        # the id member is an object holding the id, or the client sent the wrapper member too
        nested = home is not None and (home == id_name or isinstance(body.get(home), dict))
        for view in self.fill_views(res):
            body = view.fill(view.root, body, server, minimal=view.minimal)
        if res.listing is not None:
            # What the list's items require too (EVE's contacts: the create answers ids, the list
            # holds contact objects).
            plan = self.plan(res.listing, res)
            if plan.item_schema is not None and plan.view.root:
                body = plan.view.fill(plan.item_schema, body, server, minimal=plan.view.minimal)
        if home is None:
            if named is not None:
                body[id_name] = named
        else:
            # the answers declare the id inside a member: where it is the id's own object, or the
            # client sent that member too, the id goes in it; else the object is stored flat and
            # answered inside the wrapper (`enveloped`)
            value = named if named is not None else typed_id(self.id_member_schema(res), rid)
            if nested:
                held = body.get(home)
                body[home] = {**(held if isinstance(held, dict) else {}), id_name: value}
            else:
                body[id_name] = value
        body = self.conform(res, body, id_name)
        body = self.representable(res, body)
        return Record(server.id, req.org, self.store.next_seq(), now, now, body)

    def conform(self, res: Resource, body: dict[str, Any], id_name: str) -> dict[str, Any]:
        """``body`` with each member the resource's answers cannot hold replaced by the server's
        own value: a request schema may allow what the response schema does not (learnifier's
        ``primaryEmail``: any string in, an email out), and the mock's answers must conform."""
        for op in (res.create, res.get):
            view = self.view(op) if op is not None else None
            if op is None or view is None or not self.answers_object(view):
                continue
            target = f"{op.label}:response:{self.success_status(op)}"
            props, _, _ = view.shape(view.root, body)
            for _ in range(_MAX_REPAIRS):
                found = self.answer_findings(target, view.project(view.root, body))
                names = [_pointer.parts(f.pointer)[0] for f in found if f.pointer]
                repaired = _without_first(view, props, body, names, id_name)
                if repaired is None:
                    break
                body = repaired
        return self.conform_to_list(res, body, id_name)

    def conform_to_list(self, res: Resource, body: dict[str, Any], id_name: str) -> dict[str, Any]:
        """``body`` with each member the resource's list items cannot hold replaced as `conform`
        does: sakari.io's webhook subscribe takes event types its list's items do not (the list
        answered ``eventTypes: ["conversation-started"]`` outside the Webhook enum)."""
        op = res.listing
        if op is None:
            return body
        plan = self.plan(op, res)
        if not plan.lists_items or not isinstance(plan.item_schema, dict):
            return body
        target = f"{op.label}:response:{self.success_status(op)}"
        prefix = [plan.array_member, "0"] if plan.array_member is not None else ["0"]
        view = plan.view
        props, _, _ = view.shape(plan.item_schema, body)
        for _ in range(_MAX_REPAIRS):
            probe = Record("", "", 0, 0, 0, body)
            answer = plan.render([plan.project_item(probe)], 1, Query(org=""), {})
            names = []
            for f in self.answer_findings(target, answer):
                parts = _pointer.parts(f.pointer)
                if len(parts) > len(prefix) and parts[: len(prefix)] == prefix:
                    names.append(parts[len(prefix)])
            repaired = _without_first(view, props, body, names, id_name)
            if repaired is None:
                break
            body = repaired
        return body

    def id_member_schema(self, res: Resource) -> Any:
        """The schema of the id member where the answers declare it (`id_place`), else None."""
        home, id_name = self.id_place(res)
        for view in self.fill_views(res):
            member = _id_member_node(view, view.root, home, id_name)
            if member is not None:
                return view.typed_part(member)
        return None

    def mint_id(self, res: Resource, key: str, org: str, refused: set[str]) -> str:
        """A new id that fits the resource's id parameter (`contracttest.mock.ids`)."""
        shape = self._id_shapes.get(res.name)
        if shape is None:
            # the id member as the create answer or the list's items declare it
            members = []
            home, id_name = self.id_place(res)
            places = [(v, v.root) for v in self.fill_views(res)]
            if res.listing is not None:
                plan = self.plan(res.listing, res)
                if plan.item_schema is not None:
                    places.append((plan.view, plan.item_schema))
            for view, node in places:
                # inside the member the answers hold it in (`id_place`), else at the top (a list's
                # items hold the object itself)
                member = _id_member_node(view, node, home, id_name) if home is not None else None
                if member is None:
                    member = _id_member_node(view, node, None, id_name)
                    member = member if _holds_scalar(view, member) else None
                if member is not None:
                    members.append(view.typed_part(member))
            shape = self._id_shapes[res.name] = id_shape(self.spec, res, members)
        # taken in any org: the collection's keys are shared unless clients name the objects,
        # and asking only this org's made a create retry each id another org holds until it gave
        # up with a 409 (vestorly: 40 members of org 2, then org 1's create)
        return self.ids.mint(res, shape, lambda v: v in refused or self.store.taken(key, v))

    def read(self, res: Resource, req: MockRequest, rid: str) -> Reply:
        record = self.store.get(self.collection(res, req), req.org, rid)
        if record is None:
            raise HTTPProblem(404, f"{_noun(res)} not found")
        return self.answer(req.match.operation, record)

    def delete(self, res: Resource, req: MockRequest, rid: str) -> Reply:
        record = self.store.delete(self.collection(res, req), req.org, rid)
        if record is None:
            raise HTTPProblem(404, f"{_noun(res)} not found")
        return self.answer(req.match.operation, record)

    def update(self, res: Resource, req: MockRequest, rid: str) -> Reply:
        patch = dict(req.body) if isinstance(req.body, dict) else {}
        key = self.collection(res, req)

        def change(old: Record) -> Record:
            merged = self.merge(res, req, old, patch)
            updated = max(_now_us(), old.updated_us + 1000)
            for name in _UPDATED_KEYS:
                if name in merged:
                    merged[name] = iso_ms(updated)
            return replace(old, updated_us=updated, body=self.representable(res, merged))

        record = self.store.update(key, req.org, rid, change)
        if record is None:
            raise HTTPProblem(404, f"{_noun(res)} not found")
        return self.answer(req.match.operation, record)

    def representable(self, res: Resource, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` without the parts no answer of the resource could hold.

        Some specs make a value unanswerable: a ``oneOf`` whose branches all accept it once the
        response schema is open (the full Vapi spec's smart-endpointing plans each list every
        provider). A request passes (closed schemas tell the branches apart) but no answer echoing
        it conforms. Such members are left out of the stored object, logged once; only response
        schemas with undiscriminated unions are checked, so other specs pay nothing.

        A finding the validator blames on the spec (``oneOf`` branches that overlap, so a value
        passes several) is no reason to drop a member: a real server echoes what it stored, and a
        checker reports the overlap as the spec's defect, not the server's. Dropping it broke the
        round trip instead (the full Vapi spec's ``smartEndpointingPlan``, session ``messages``).
        """
        for op in (res.create, res.get, res.update, res.delete):
            view = self.view(op)
            if op is None or view is None or not self.loose(view):
                continue
            target = f"{op.label}:response:{self.success_status(op)}"
            for _ in range(_MAX_REPAIRS):
                found = self.answer_findings(target, view.project(view.root, body))
                pointers = [f.pointer for f in found if f.pointer]
                if not found or not pointers:
                    break
                trial = without(body, pointers[0])
                if trial is None:
                    break
                after = self.answer_findings(target, view.project(view.root, trial))
                if len(after) >= len(found):
                    break  # the member is required, or removing it does not help
                if (op.key, pointers[0]) not in self._repaired:
                    self._repaired.add((op.key, pointers[0]))
                    log.info(
                        "%s: the spec's response schema cannot hold %s (%s); it is left out",
                        op.label,
                        pointers[0],
                        found[0].rule,
                    )
                body = trial
        return body

    def answer_findings(self, target: str, answer: Any) -> list[Finding]:
        """Findings of an answer that are not the spec's own fault (see `representable`): what a
        checker holds against the server, as the runner's ``response.schema`` does."""
        return self.client_findings(target, answer, response=True)

    def _generated_examples(self, target: str, n: int = 10) -> list[Any]:
        try:
            return _draw(self.spec, target, n)
        except ContractTestError as exc:  # unsatisfiable schema, or Hypothesis gave up
            log.warning("no generated example for %s: %s", target, exc)
            return []

    def loose(self, view: SchemaView) -> bool:
        """Whether a response schema has a union that is neither discriminated nor nullable."""
        key = id(view)
        got = self._loose.get(key)
        if got is None:
            got = self._loose[key] = has_loose_union(view.root)
        return got

    def merge(
        self, res: Resource, req: MockRequest, old: Record, patch: dict[str, Any]
    ) -> dict[str, Any]:
        """``old`` with ``patch`` applied, or 400 when the patch changes the stored variant.

        The body was judged alone (`validate_request`), as the contract and a NestJS server judge
        it, never merged with what is stored: after ``{"numberE164CheckEnabled": false, "number":
        "abc"}``, ``{"numberE164CheckEnabled": true}`` is a valid PATCH (Vapi's server answers 200).
        """
        tag = self.discriminator(self.request_view(res.create))
        if tag is not None and tag in patch and tag in old.body and patch[tag] != old.body[tag]:
            # class-validator's @IsEnum on the stored variant's update DTO, naming the field
            raise HTTPProblem(400, [f"{tag} must be one of the following values: {old.body[tag]}"])
        merged = {**old.body, **patch}
        create_view = self.request_view(res.create)
        if create_view is not None and req.match.operation.method == "PUT":
            props, _, _ = create_view.shape(create_view.root, merged, 0)
            if props is not None:
                # PUT replaces what the client owns; server-owned members stay.
                kept = {k: v for k, v in old.body.items() if k not in props}
                merged = {**kept, **patch}
        return merged

    def request_view(self, op: Operation) -> SchemaView | None:
        key = f"{op.label}:request"
        if key not in self._views:
            with self._lock:
                try:
                    self._views[key] = SchemaView(self.spec.target(key).schema())
                except TargetError:  # no JSON request body
                    self._views[key] = None
        return self._views[key]

    @staticmethod
    def discriminator(view: SchemaView | None) -> str | None:
        if view is None:
            return None
        root = view.deref(view.root)
        disc = root.get("x-discriminator") if isinstance(root, dict) else None
        return disc.get("propertyName") if isinstance(disc, dict) else None

    def list(self, res: Resource, req: MockRequest) -> Reply:
        op = req.match.operation
        plan = self.plan(op, res)
        if not plan.lists_items:
            return self.action(op)
        query = plan.query(req.params.get("query", {}), req.org, self.search_default(res))
        records, total = self.store.query(self.collection(res, req), query)
        items = [plan.project_item(r) for r in records]
        status = self.success_status(op)
        return Reply(
            self.status_code(status, op.method),
            plan.render(items, total, query, req.params.get("query", {})),
        )

    def search_default(self, res: Resource) -> tuple[str, ...]:
        return tuple(
            sorted(p for p in self.item_props(res) if p in ("name", "number", "sipUri", "title"))
        )

    def answer(self, op: Operation | None, record: Record) -> Reply:
        assert op is not None
        status = self.success_status(op)
        view = self.view(op, status)
        if view is not None and not self.answers_object(view):
            # The answer is not the object (EVE's create answers an array of ids, its mail send
            # the new id): the id where the schema takes one, else a body built from the schema.
            typed = _typed_scalar(view, record.id)
            body = typed if typed is not None else self.generated(op, status)
            return Reply(self.status_code(status, op.method), body)
        if view is None:
            return Reply(self.status_code(status, op.method), None)
        body = self.enveloped(view, record.body, record.id)
        if body is None:
            body = view.project(view.root, record.body)
        return Reply(self.status_code(status, op.method), body)

    def enveloped(
        self, view: SchemaView, record: dict[str, Any], rid: str = ""
    ) -> dict[str, Any] | None:
        """The record inside the envelope member its answer declares, when the answer wraps it
        (sakari.io's ``{success, data: Template}``, or ``{data: [Template]}`` for a create that
        answers a page), else None: the object is answered as it is."""
        root_props, required, _ = view.shape(view.root, record)
        if not root_props:
            return None
        own = len(set(root_props) & set(record))
        best: tuple[int, str, Any, bool] | None = None
        for name in wrapper_names(list(root_props)):
            sub = view.deref(root_props.get(name))
            if not isinstance(sub, dict):
                continue
            many = sub.get("type") == "array" or "items" in sub
            inner = view.deref(sub.get("items")) if many else sub
            props, _, _ = view.shape(inner, record)
            hits = len(set(props or {}) & set(record))
            if hits > own and (best is None or hits > best[0]):
                best = (hits, name, inner, many)
        if best is None:
            return None
        _, name, inner, many = best
        props = view.shape(inner, record)[0] or {}
        if rid and "id" in props and "id" not in record:
            # the create stored the object under the envelope's schema, where no `id` member sits
            # (apideck's `{status, data: {id}}`): the record's own id is the envelope item's id
            record = {**record, "id": typed_id(view.deref(props["id"]), rid)}
        item = view.project(inner, record)
        body: dict[str, Any] = {name: [item] if many else item}
        for key in sorted(required - set(body)):
            body[key] = view.minimal(root_props.get(key, {}), 1, key)
        return body

    def answers_object(self, view: SchemaView) -> bool:
        """Whether a response schema can hold an object (or says nothing of its type)."""
        return _holds_object(view, view.root, 0)

    def generated(self, op: Operation, status: str) -> Any:
        """`generate`'s body for ``op`` and ``status``, built once."""
        key = (op.key, status)
        if key not in self._generated:
            with self._lock:
                if key not in self._generated:
                    self._generated[key] = self.generate(op, status)
        return self._generated[key]

    # ------------------------------------------------------------------ other operations
    def action(self, op: Operation) -> Reply:
        """A generated body conforming to the operation's success response (built once, validated)."""
        status = self.success_status(op)
        return Reply(self.status_code(status, op.method), self.generated(op, status))

    def generate(self, op: Operation, status: str) -> Any:
        view = self.view(op, status)
        if view is None:
            return None
        target = f"{op.label}:response:{status}"
        value = view.project(view.root, view.minimal(view.root))
        if not self.findings(target, value, response=True):
            return value
        # The simple builder misses what only a real generator gets right (patterns it cannot
        # read, semantic rules): draw from contracttest's generators, validated the same way.
        for drawn in self._generated_examples(target):
            drawn = view.project(view.root, drawn)
            if not self.findings(target, drawn, response=True):
                return drawn
        log.warning(
            "could not build a conformant %s body for %s; answering a best effort", status, op.label
        )
        return value


def _wrappers(view: SchemaView, props: dict[str, Any]) -> list[tuple[str, Any]]:
    """The members of an answer's ``props`` that may wrap its object: an envelope name in any
    letter case (``Data``), or the only member, where it holds an object."""
    out = []
    for name in wrapper_names(list(props)):
        inner = view.deref(props[name])
        inner_props, _, _ = view.shape(inner, None)
        if inner_props:
            out.append((name, inner))
    return out


def _holds_scalar(view: SchemaView, node: Any) -> bool:
    """Whether a member's schema can hold an id (not only an object or an array)."""
    node = view.deref(node)
    if not isinstance(node, dict):
        return False
    typ = node.get("type")
    types = set(typ) if isinstance(typ, list) else {typ} if isinstance(typ, str) else set()
    if types:
        return bool(types - {"object", "array", "null"})
    return "properties" not in node and "items" not in node


def _id_member_node(view: SchemaView, node: Any, home: str | None, id_name: str) -> Any:
    """The schema of member ``id_name`` of object ``node`` (inside its member ``home`` when
    given), dereferenced, or None."""
    props, _, _ = view.shape(node, None)
    if home is not None:
        props, _, _ = view.shape((props or {}).get(home), None)
    member = (props or {}).get(id_name)
    return view.deref(member) if member is not None else None


def _without_first(
    view: SchemaView,
    props: dict[str, Any] | None,
    body: dict[str, Any],
    names: list[str],
    id_name: str,
) -> dict[str, Any] | None:
    """``body`` with the first of ``names`` it holds (never the id) replaced by a minimal value of
    its schema in ``props``, or left out where ``props`` does not declare it; None when none."""
    bad = next((n for n in names if n in body and n != id_name), None)
    if bad is None:
        return None
    sub = (props or {}).get(bad)
    out = dict(body)
    if sub is None:
        del out[bad]
    else:
        out[bad] = view.minimal(sub, 1, bad)
    return out


def _success_status(op: Operation) -> str:
    ok = sorted(s for s in op.responses if s[:1] == "2" and s.isdigit())
    if not ok:
        if "2XX" in op.responses or "2xx" in op.responses:
            return "2XX" if "2XX" in op.responses else "2xx"
        return "default" if "default" in op.responses else "200"

    def rank(status: str) -> tuple[int, int, str]:
        resp = op.responses[status]
        has_json = any(JSON_MEDIA.match(mt) for mt in resp.content)
        preferred = status == ("201" if op.method == "POST" else "200")
        return (0 if has_json else 1, 0 if preferred else 1, status)

    return min(ok, key=rank)


def _draw(spec: Spec, target: str, n: int) -> list[Any]:
    from contracttest.strategies import examples, valid

    return examples(valid(spec, target), n, seed=0)


def _holds_object(view: SchemaView, node: Any, depth: int) -> bool:
    node = view.deref(node)
    if not isinstance(node, dict) or not node or depth > 8:
        return True
    if "properties" in node or "additionalProperties" in node or "required" in node:
        return True
    typ = node.get("type")
    if typ is not None:
        return "object" in typ if isinstance(typ, list) else typ == "object"
    if "items" in node:
        return False
    subs = [*(node.get("allOf") or [])]
    branches = node.get("oneOf") or node.get("anyOf") or []
    if subs:
        return all(_holds_object(view, sub, depth + 1) for sub in subs)
    if branches:
        return any(_holds_object(view, b, depth + 1) for b in branches)
    return True


def _typed_scalar(view: SchemaView, rid: str) -> Any:
    """The id as the scalar a response schema takes (integer or string), or None."""
    root = view.deref(view.root)
    typ = root.get("type") if isinstance(root, dict) else None
    if typ in ("integer", "number") and rid.lstrip("-").isdigit():
        return int(rid)
    if typ == "string" and not ({"enum", "const", "pattern", "format"} & set(root)):
        return rid
    return None


def _looks_like_uuid(text: str) -> bool:
    if len(text) != 36:
        return False
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
