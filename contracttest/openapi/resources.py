"""Infer stateful resources from a spec's paths (nothing here knows about Vapi).

A *resource* is a collection path with a ``POST`` (create) and usually a ``GET`` (list), plus an item
path that is the collection path and one more parameter segment (``/phone-number/{id}``) with any of
``GET``/``PATCH``/``PUT``/``DELETE``; a path with only a ``GET`` that answers the list's own schema
(payrun.io's ``/Employers/{EffectiveDate}``) is a view of the list, not its item. The update is the item's ``PATCH``, else its ``PUT``, else its
``POST`` (Twilio updates with ``POST /v2/Credentials/{Sid}``): a ``POST`` on an item path never
makes that path a collection of its own. Parameters of the collection path scope the resource: the files of
``/v2/knowledge-base/{id}/file`` are kept per knowledge base. Besides its own list, a resource may have
*views*: a ``GET`` on the collection path with a version prefix (``/v2/phone-number``) that nothing else
claims. Any other operation whose path starts with a resource's item path (``/call/{id}/call-logs``)
has that resource as a *parent*: it answers 404 while the parent does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from contracttest.openapi.model import JSON_MEDIA

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec

__all__ = [
    "ENVELOPES",
    "ID_NAMES",
    "Binding",
    "Resource",
    "ResourceMap",
    "Role",
    "id_member",
    "infer_resources",
    "named_by_client",
    "template_params",
    "template_segments",
    "wrapper_names",
]

Role = Literal["create", "list", "get", "update", "delete"]
_VERSION_PREFIX = re.compile(r"^/v\d+(?=/)")
_PARAM = re.compile(r"^\{([^{}]+)\}$")
_ANY_PARAM = re.compile(r"\{([^{}]+)\}")


def template_segments(template: str) -> tuple[str | None, ...]:
    """``/a/{id}/b`` -> ``("a", None, "b")`` (``None`` marks a parameter segment)."""
    out: list[str | None] = []
    for seg in template.strip("/").split("/") if template.strip("/") else []:
        out.append(None if _PARAM.match(seg) else seg)
    return tuple(out)


def template_params(template: str) -> tuple[str, ...]:
    """Parameter names of a template, in order, also those inside mixed segments
    (``/v1beta/{name}:query``, ``/files/{id}.json``)."""
    return tuple(_ANY_PARAM.findall(template))


@dataclass
class Resource:
    """One inferred resource."""

    name: str
    """The collection path template, e.g. ``/phone-number``."""
    collection: str
    item: str | None
    id_param: str | None
    scope_params: tuple[str, ...]
    create: Operation
    listing: Operation | None = None
    get: Operation | None = None
    update: Operation | None = None
    delete: Operation | None = None
    views: list[Operation] = field(default_factory=list)

    def collection_key(self, path_params: dict[str, str]) -> str:
        """Storage key of the collection a request addresses (resource plus scope values)."""
        if not self.scope_params:
            return self.name
        scope = "\x1f".join(path_params.get(p, "") for p in self.scope_params)
        return f"{self.name}\x1e{scope}"

    @property
    def operations(self) -> list[Operation]:
        ops = [self.create, self.listing, self.get, self.update, self.delete, *self.views]
        return [op for op in ops if op is not None]


ID_NAMES = ("id", "_id", "uuid")
"""Members that carry an object's id where none is named after its item path's parameter (Mongo's
``_id``), matched in any letter case (AWS answers ``Id``)."""

ENVELOPES = ("data", "result", "item", "resource", "value", "items", "results")
"""Members (in any letter case) an answer may wrap its object in: ``{"success": true, "data": {...}}``,
Open Banking's ``{"Data": {...}, "Links": ..}``."""


def id_member(res: Resource, declared: Iterable[str]) -> str | None:
    """Which of the ``declared`` members carries the id of ``res``: the one named like the item
    path's parameter (``petId``), else ``id``, else one equal in any letter case to the parameter
    name or to one of `ID_NAMES` (xero's ``FolderId`` answered as ``FolderID``, AWS's ``Id``).
    The mock stores and answers an object's id there; the runner reads a created id there."""
    names = list(declared)
    if res.id_param and res.id_param != "id" and res.id_param in names:
        return res.id_param
    if "id" in names:
        return "id"
    for want in filter(None, [(res.id_param or "").lower(), *ID_NAMES]):
        found = sorted(n for n in names if n.lower() == want)
        if found:
            return found[0]
    return None


def wrapper_names(members: Collection[str]) -> list[str]:
    """The members of an answer that may wrap the object it is about: an `ENVELOPES` name in any
    letter case, or the answer's only member (PeerTube's ``{"abuse": {"id": 1}}``). An object
    beside other members (``{"name": .., "owner": {"id": ..}}``) is not the one answered. The
    caller keeps those that hold an object."""
    names = [n for n in members if n.lower() in ENVELOPES]
    if len(members) == 1:
        names = names or list(members)
    return names


def named_by_client(res: Resource, member: str, required: Collection[str]) -> bool:
    """Whether the client names a new object by the create body's ``member`` (its id member):
    always where the member is named after the item path's parameter (``fileId`` of
    ``/kb/{id}/file/{fileId}``), and an `ID_NAMES` member only where the create body must carry
    it (AWS MediaPackage's ``POST /channels {"id": ...}``, Vapi-like ``_id``). An optional
    plain ``id`` stays the server's: two orgs sending the same one must not collide."""
    if member.lower() not in ID_NAMES and member.lower() == (res.id_param or "").lower():
        return True
    return member in required


@dataclass(frozen=True)
class Binding:
    """The part an operation plays for a resource."""

    resource: Resource
    role: Role


@dataclass
class ResourceMap:
    """Resources of a spec and, per operation key, its binding and its parents."""

    resources: list[Resource]
    bindings: dict[str, Binding]
    parents: dict[str, list[Resource]]
    """Operation key -> resources whose item path prefixes the operation's path, outermost first."""

    def binding(self, op: Operation) -> Binding | None:
        return self.bindings.get(op.key)


def _strip_version(path: str) -> str:
    return _VERSION_PREFIX.sub("", path, count=1)


def infer_resources(spec: Spec) -> ResourceMap:
    """Group the spec's operations into resources."""
    by_path: dict[str, dict[str, Operation]] = {}
    for op in spec.operations:
        by_path.setdefault(op.path, {})[op.method.upper()] = op

    # Each collection with a create, and its item path. A POST on such an item path updates the
    # item (Twilio: POST /v2/Credentials/{Sid}); it is no create of a collection of its own.
    items_of = {
        path: _item_path(path, by_path) for path, methods in by_path.items() if "POST" in methods
    }
    item_paths = {item for item, _ in items_of.values() if item is not None}

    resources: list[Resource] = []
    bindings: dict[str, Binding] = {}
    for path, (item_path, id_param) in items_of.items():
        methods = by_path[path]
        create = methods["POST"]
        if path in item_paths:
            continue
        res = Resource(
            name=path,
            collection=path,
            item=item_path,
            id_param=id_param,
            scope_params=template_params(path),
            create=create,
            listing=methods.get("GET"),
        )
        if item_path is not None:
            item_ops = by_path[item_path]
            res.get = item_ops.get("GET")
            res.update = item_ops.get("PATCH") or item_ops.get("PUT") or item_ops.get("POST")
            res.delete = item_ops.get("DELETE")
        if res.item is None and res.listing is None:
            # A lone POST (``/analytics``, ``/chat/responses``) is an action, not a resource.
            continue
        resources.append(res)
        roles: tuple[tuple[Role, Operation | None], ...] = (
            ("create", res.create),
            ("list", res.listing),
            ("get", res.get),
            ("update", res.update),
            ("delete", res.delete),
        )
        for role, maybe in roles:
            if maybe is not None:
                bindings[maybe.key] = Binding(res, role)

    # Versioned list views: GET /v2/x when /x is a resource and /v2/x is not one itself.
    by_collection = {r.collection: r for r in resources}
    for path, methods in by_path.items():
        get = methods.get("GET")
        if get is None or get.key in bindings or "POST" in methods:
            continue
        base = _strip_version(path)
        owner = by_collection.get(base) if base != path else None
        if owner is not None and template_params(path) == owner.scope_params:
            owner.views.append(get)
            bindings[get.key] = Binding(owner, "list")

    parents: dict[str, list[Resource]] = {}
    items = [(template_segments(r.item), r) for r in resources if r.item is not None]
    for op in spec.operations:
        segs = template_segments(op.path)
        found = []
        for item_segs, res in items:
            n = len(item_segs)
            if (
                n > len(segs)
                or segs[:n] != item_segs
                or op.path.split("/")[: n + 1] != (res.item or "").split("/")
            ):
                continue
            binding = bindings.get(op.key)
            if binding is not None and binding.resource is res:
                continue
            found.append(res)
        if found:
            parents[op.key] = sorted(found, key=lambda r: len(template_segments(r.item or "")))
    return ResourceMap(resources, bindings, parents)


def _item_path(
    collection: str, by_path: dict[str, dict[str, Operation]]
) -> tuple[str | None, str | None]:
    """The item path of a collection (``/x/{id}``) and its id parameter, if the spec has one."""
    candidates = []
    prefix = collection.rstrip("/") + "/"
    for path, methods in by_path.items():
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        m = re.fullmatch(r"\{([^{}/]+)\}", rest)
        if m and any(k in methods for k in ("GET", "PATCH", "PUT", "DELETE")):
            if _list_view(methods, by_path[collection]):
                continue
            candidates.append((path, m.group(1)))
    if not candidates:
        return None, None
    # Deterministic even for odd specs with two item templates: prefer the one with most methods.
    candidates.sort(key=lambda c: (-len(by_path[c[0]]), c[0]))
    return candidates[0]


def _list_view(methods: dict[str, Operation], collection: dict[str, Operation]) -> bool:
    """Whether a read-only ``/x/{p}`` answers what the list ``GET /x`` answers: a view of the list
    (payrun.io's ``GET /Employers/{EffectiveDate}``, the employers as of a date), not one item."""
    if set(methods) != {"GET"} or "GET" not in collection:
        return False
    mine, theirs = _answer_schema(methods["GET"]), _answer_schema(collection["GET"])
    return mine is not None and mine == theirs


def _answer_schema(op: Operation) -> Any:
    """The schema node (as written: a ``$ref`` compares by name) of the JSON 200 answer, if any."""
    response = op.responses.get("200")
    if response is None:
        return None
    for media in response.content.values():
        if media.schema_node and JSON_MEDIA.match(media.media_type):
            return media.schema_node
    return None
