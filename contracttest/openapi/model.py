"""The contract model: operations, DTOs, targets and their standalone JSON Schemas."""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from contracttest import _pointer
from contracttest.errors import RefError, TargetError
from contracttest.findings import Finding, Severity
from contracttest.openapi.convert import Direction, Translator, VariantTable

if TYPE_CHECKING:
    from contracttest._io import Positions

__all__ = [
    "HTTP_METHODS",
    "OBJECT_POLICIES",
    "MediaType",
    "Operation",
    "Parameter",
    "ResponseSpec",
    "Spec",
    "Target",
    "TargetKind",
    "register_object_policy",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAM_LOCATIONS = ("path", "query", "header", "cookie")
IGNORED_HEADER_PARAMS = frozenset({"accept", "content-type", "authorization"})
"""Header parameters OpenAPI says to ignore: the media types and the security scheme set them."""
FRAMING_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "host", "connection", "te", "upgrade", "keep-alive"}
)
"""Header parameters HTTP itself sets: a value drawn from a schema would break the message's framing
(PeerTube documents a required ``Content-Length``), so no client sends them as parameters."""
TargetKind = Literal["dto", "request", "response", "parameters", "schema"]
DTO_PREFIX = "#/components/schemas/"
"""A target that starts with this names a component schema, even one an operationId shares."""
JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json\b|^\*/\*$", re.I)


ObjectPolicy = Callable[["Spec"], bool | None]
"""Says whether the server behind a spec rejects undeclared properties of request objects
(True), ignores them (False), or has no say (None)."""
OBJECT_POLICIES: list[ObjectPolicy] = []
"""The registered policies, asked in order; the last one that has a say wins. The semantic rules
register the rule tables' ``unknown_properties`` (`contracttest.validate.rules`)."""


def register_object_policy(policy: ObjectPolicy) -> None:
    """Add a policy (once) that `Spec.closed_objects` consults."""
    if policy not in OBJECT_POLICIES:
        OBJECT_POLICIES.append(policy)


def literal_query(path: str) -> tuple[tuple[str, str], ...]:
    """The ``name=value`` pairs written literally in a path key's query part, decoded (``{param}``
    values are parameters, not literals)."""
    query = path.split("#", 1)[0].partition("?")[2]
    out = []
    for pair in query.split("&") if query else []:
        name, _, value = pair.partition("=")
        if name and not (value.startswith("{") and value.endswith("}")):
            out.append((unquote(name), unquote(value)))
    return tuple(out)


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    pointer: str
    """Spec pointer of the (resolved) Parameter Object."""
    schema_node: Any
    schema_pointer: str
    style: str | None = None
    explode: bool | None = None


@dataclass(frozen=True)
class MediaType:
    media_type: str
    pointer: str
    """Spec pointer of the Media Type Object's ``schema`` (what targets bundle)."""
    schema_node: Any


@dataclass(frozen=True)
class ResponseSpec:
    status: str
    """``"200"``, ``"4XX"`` or ``"default"``."""
    pointer: str
    description: str
    content: dict[str, MediaType]


@dataclass(frozen=True)
class Operation:
    """One operation of the spec."""

    method: str
    """Upper-case HTTP method."""
    path: str
    operation_id: str
    pointer: str
    parameters: tuple[Parameter, ...]
    request_body: dict[str, MediaType]
    request_body_required: bool
    responses: dict[str, ResponseSpec]
    security: tuple[dict[str, list[str]], ...]
    tags: tuple[str, ...] = ()
    summary: str = ""
    has_explicit_operation_id: bool = True

    @property
    def key(self) -> str:
        """``METHOD /path``."""
        return f"{self.method} {self.path}"

    @property
    def label(self) -> str:
        return self.operation_id or self.key

    @property
    def wire_path(self) -> str:
        """The path template a request travels with: the path key without a ``#fragment``, which
        no client sends (AWS's ``/#X-Amz-Target=...``, Box's ``/files/{file_id}#add_shared_link``),
        and without a ``?query`` part, which travels as the query (``/users/{id}/pic?key={KEY}``)."""
        return self.path.split("#", 1)[0].split("?", 1)[0] or "/"

    @property
    def route_key(self) -> str:
        """`wire_path` with every parameter written ``{}``: the paths a router cannot tell apart."""
        return re.sub(r"\{[^{}]*\}", "{}", self.wire_path)

    @property
    def path_query(self) -> dict[str, str]:
        """The ``?name={param}`` pairs of the path key's query part: query name -> parameter."""
        query = self.path.split("#", 1)[0].partition("?")[2]
        out = {}
        for pair in query.split("&") if query else []:
            name, _, value = pair.partition("=")
            if value.startswith("{") and value.endswith("}") and name:
                out[name] = value[1:-1]
        return out

    @property
    def literal_query(self) -> tuple[tuple[str, str], ...]:
        """The ``name=value`` pairs written literally in the path key's query part (Flickr's
        ``/rest?method=flickr.favorites.getList``), decoded; ``{param}`` values are `path_query`."""
        return literal_query(self.path)

    @property
    def fragment(self) -> str:
        """The ``#fragment`` of the path key (without ``#``), or ``""``."""
        return self.path.partition("#")[2]

    def selector(self) -> tuple[str, str, str] | None:
        """``(location, name, value)`` of a required header or query parameter pinned to one value
        (``enum`` of one, or ``const``): what tells operations that share a wire path apart."""
        for p in self.parameters:
            if not p.required or p.location not in ("header", "query"):
                continue
            node = p.schema_node if isinstance(p.schema_node, dict) else {}
            enum = node.get("enum")
            if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
                return p.location, p.name, enum[0]
            if isinstance(node.get("const"), str):
                return p.location, p.name, node["const"]
        return None

    @property
    def secured(self) -> bool:
        """Whether a request needs credentials (an empty requirement ``{}`` makes auth optional)."""
        return bool(self.security) and all(req for req in self.security)

    def json_body(self) -> MediaType | None:
        for mt, media in self.request_body.items():
            if JSON_MEDIA.match(mt):
                return media
        return None

    def success_statuses(self) -> list[str]:
        return [s for s in self.responses if s.startswith("2") or s == "2XX"]

    def response_for(self, status: int) -> ResponseSpec | None:
        """The Response Object that documents ``status`` (exact, then ``NXX``, then ``default``)."""
        exact = self.responses.get(str(status))
        if exact is not None:
            return exact
        wildcard = self.responses.get(f"{str(status)[0]}XX") or self.responses.get(
            f"{str(status)[0]}xx"
        )
        return wildcard or self.responses.get("default")

    def path_params(self) -> list[Parameter]:
        return [p for p in self.parameters if p.location == "path"]


@dataclass
class Target:
    """Something a payload can be checked against or generated for."""

    spec: Spec = field(repr=False)
    key: str
    kind: TargetKind
    direction: Direction
    pointer: str
    """Spec pointer of the root schema (or of the operation, for parameter sets)."""
    operation: Operation | None = None
    status: str | None = None
    media_type: str | None = None
    _node: Any = field(default=None, repr=False)
    _schemas: dict[bool, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.key

    def schema(self, closed: bool | None = None) -> dict[str, Any]:
        """Standalone JSON Schema (cached). ``closed`` defaults to the spec's policy for requests
        (`Spec.closed_objects`); responses are open."""
        if closed is None:
            closed = self.direction == "request" and self.spec.closed_objects
        got = self._schemas.get(closed)
        if got is None:
            with self.spec._lock:
                got = self._schemas.get(closed)
                if got is None:
                    got = self._build(closed)
                    self._schemas[closed] = got
        return got

    def _build(self, closed: bool) -> dict[str, Any]:
        tr = self.spec.translator
        if self.kind == "parameters":
            assert self.operation is not None
            return self.spec._parameters_schema(self.operation, closed)
        return tr.bundle(self._node, self.pointer, self.direction, closed)

    @property
    def variant_tables(self) -> list[VariantTable]:
        """The variant tables this target's schema dispatches on."""
        found: dict[str, VariantTable] = {}

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                xd = node.get("x-discriminator")
                if isinstance(xd, dict):
                    table = self.spec.translator.tables.get(xd["pointer"])
                    if table is not None:
                        found[table.pointer] = table
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(self.schema())
        return list(found.values())


class Spec:
    """A loaded OpenAPI document: operations, DTOs, targets, diagnostics.

    Build it with `contracttest.openapi.load_spec`.
    """

    def __init__(
        self,
        document: dict[str, Any],
        *,
        source: str,
        sha256: str,
        diagnostics: list[Finding] | None = None,
        positions: Positions | None = None,
        translator: Translator | None = None,
    ) -> None:
        self.raw = document
        self.source = source
        self.sha256 = sha256
        self.openapi_version = str(document.get("openapi", ""))
        self.dialect: Literal["3.0", "3.1"] = (
            "3.1" if self.openapi_version.startswith("3.1") else "3.0"
        )
        self.positions = positions
        self._diagnostics = list(diagnostics or [])
        self.translator = translator or Translator(document, self.dialect)
        self._lock = threading.RLock()
        self._closed_objects: bool | None = None
        self._targets: dict[str, Target] = {}
        self.operations: list[Operation] = []
        self._by_id: dict[str, Operation] = {}
        self._by_key: dict[str, Operation] = {}
        self._build_operations()

    # ------------------------------------------------------------------ info
    @property
    def title(self) -> str:
        info = self.raw.get("info")
        return str(info.get("title", "")) if isinstance(info, dict) else ""

    @property
    def servers(self) -> list[str]:
        servers = self.raw.get("servers")
        if not isinstance(servers, list):
            return []
        return [str(s.get("url")) for s in servers if isinstance(s, dict) and s.get("url")]

    @property
    def closed_objects(self) -> bool:
        """Whether request objects that declare ``properties`` reject any other property.

        OpenAPI's default is open (False). A registered policy (the rule table of a server that
        forbids unknown properties, as Vapi's does) or an explicit setting (``--closed-objects``,
        ``closed-objects`` in ``[tool.contracttest]``, ``spec.closed_objects = True``) closes them.
        Set it before validators and generators are built: they are cached per spec.
        """
        if self._closed_objects is not None:
            return self._closed_objects
        verdicts = [v for policy in OBJECT_POLICIES if (v := policy(self)) is not None]
        value = verdicts[-1] if verdicts else False
        if OBJECT_POLICIES:  # nothing registered yet: ask again next time
            self._closed_objects = value
        return value

    @closed_objects.setter
    def closed_objects(self, value: bool) -> None:
        self._closed_objects = bool(value)

    @property
    def diagnostics(self) -> list[Finding]:
        """Loader and translation diagnostics (translation ones grow as schemas are built)."""
        seen = {(d.rule, d.pointer, d.message) for d in self._diagnostics}
        extra = [
            d for d in self.translator.diagnostics if (d.rule, d.pointer, d.message) not in seen
        ]
        return self.locate([*self._diagnostics, *extra])

    def locate(self, findings: list[Finding]) -> list[Finding]:
        """Add file/line/column from the spec's positions to findings that point into it."""
        if self.positions is None:
            return [f if f.source else f.with_location(self.source, None, None) for f in findings]
        out = []
        for f in findings:
            if f.line is None:
                pos = self._locate(f.pointer)
                f = f.with_location(self.source, *(pos or (None, None)))
            out.append(f)
        return out

    def _locate(self, pointer: str) -> tuple[int, int] | None:
        assert self.positions is not None
        # an external document's pointer ("other.yaml#/x") has no place here; a '#' inside a
        # path key ("/paths/~1#X-Amz-Target=...") is part of the pointer
        ptr = pointer.split("#/", 1)[0] if "#/" in pointer else pointer
        while True:
            try:
                pos = self.positions.locate(ptr)
            except Exception:  # positions are best-effort; never fail a report on them
                pos = None
            if pos is not None or not ptr:
                return pos
            ptr = ptr.rsplit("/", 1)[0]

    @property
    def dto_names(self) -> list[str]:
        return list(self._schemas())

    def _schemas(self) -> dict[str, Any]:
        """``components/schemas`` (a dict lookup: a name test must not copy every name)."""
        comps = self.raw.get("components")
        schemas = comps.get("schemas") if isinstance(comps, dict) else None
        return schemas if isinstance(schemas, dict) else {}

    def resolve(self, pointer: str, default: Any = _pointer.MISSING) -> Any:
        return _pointer.resolve(self.raw, pointer, default)

    # ------------------------------------------------------------------ operations
    def _deref(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow a ``$ref`` to a non-schema object (parameter, request body, response)."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#"):
                uri, ptr = self.translator._split_ref(ref, "")
                return self.translator.lookup(uri, ptr), ptr
            ptr = ref[1:]
            if ptr in seen:
                raise RefError(f"$ref cycle at {ref!r}", pointer=pointer)
            seen.add(ptr)
            try:
                node = _pointer.resolve(self.raw, ptr)
            except KeyError:
                raise RefError(f"$ref {ref!r} points at nothing", pointer=pointer) from None
            pointer = ptr
        return node, pointer

    def _build_operations(self) -> None:
        paths = self.raw.get("paths")
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            ipath = _pointer.join("/paths", path)
            try:
                item, ipath = self._deref(item, ipath)
            except RefError as exc:
                self._diagnostics.append(_diag("spec.ref-unresolvable", ipath, exc.message))
                continue
            if not isinstance(item, dict):
                continue
            shared = self._params(item.get("parameters"), _pointer.join(ipath, "parameters"))
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                self._add_operation(path, method, op, _pointer.join(ipath, method), shared)
        self._diagnostics.extend(self._fragment_findings())

    def _fragment_findings(self) -> list[Finding]:
        """A path key with a ``#fragment`` documents a URL no client sends: the request goes to the
        path without it. Operations that then share a method and path are reachable only where a
        required header or query parameter pinned to one value tells them apart (AWS's
        ``X-Amz-Target``); otherwise the spec documents operations no request can select."""
        groups: dict[tuple[str, str], list[Operation]] = {}
        for op in self.operations:
            groups.setdefault((op.method, op.route_key), []).append(op)
        out: list[Finding] = []
        for (method, _), ops in groups.items():
            keys = sorted({op.wire_path for op in ops})
            if len(keys) > 1 and not any(op.fragment or op.path_query for op in ops):
                # /conversations/{conversation_id}/offer and /conversations/{id}/offer
                for op in ops[1:]:
                    out.append(
                        _diag(
                            "spec.path-ambiguous",
                            _pointer.join("/paths", op.path),
                            f"{method} {op.path} and {method} {ops[0].path} are one template (only "
                            "the parameter names differ, which OpenAPI forbids): a request to it "
                            f"cannot tell {op.label} from {ops[0].label}; its checks cannot run as "
                            "documented",
                        )
                    )
        for op in self.operations:
            if "?" in op.path.split("#", 1)[0]:
                out.append(
                    _diag(
                        "spec.path-query",
                        _pointer.join("/paths", op.path),
                        f"path {op.path!r} carries a query string; a path key holds only the "
                        f"path, so {op.label} is {op.method} {op.wire_path} with "
                        f"{', '.join(op.path_query) or 'that query'} in the query",
                        Severity.WARNING,
                    )
                )
        for (method, _), ops in groups.items():
            wire = ops[0].wire_path
            with_fragment = [op for op in ops if op.fragment]
            if not with_fragment:
                continue
            selectors = [op.selector() for op in ops]
            told_apart = len(ops) == 1 or (
                None not in selectors and len(set(selectors)) == len(selectors)
            )
            for op in with_fragment:
                ptr = _pointer.join("/paths", op.path)
                if told_apart:
                    sel = op.selector()
                    how = f" with {sel[1]}: {sel[2]}" if sel and len(ops) > 1 else ""
                    out.append(
                        _diag(
                            "spec.path-fragment",
                            ptr,
                            f"path {op.path!r} carries a fragment ('#{op.fragment}'), which HTTP "
                            f"never sends: {op.label} is reached as {method} {wire}{how}",
                            Severity.WARNING,
                        )
                    )
                else:
                    others = ", ".join(o.label for o in ops if o is not op)
                    out.append(
                        _diag(
                            "spec.path-fragment",
                            ptr,
                            f"path {op.path!r} carries a fragment ('#{op.fragment}'), which HTTP "
                            f"never sends: {op.label} is {method} {wire}, as {others} is, and no "
                            "required header or query parameter tells them apart, so no request "
                            "can select it; its checks cannot run as documented",
                        )
                    )
        return out

    def _params(self, raw: Any, pointer: str) -> dict[tuple[str, str], Parameter]:
        out: dict[tuple[str, str], Parameter] = {}
        if not isinstance(raw, list):
            return out
        for i, p in enumerate(raw):
            ptr = _pointer.join(pointer, i)
            try:
                p, rptr = self._deref(p, ptr)
            except RefError as exc:
                self._diagnostics.append(_diag("spec.ref-unresolvable", ptr, exc.message))
                continue
            if not isinstance(p, dict) or "name" not in p or "in" not in p:
                continue
            loc = str(p["in"])
            name = str(p["name"])
            if loc == "header" and name.lower() in IGNORED_HEADER_PARAMS | FRAMING_HEADERS:
                # OpenAPI: such a definition SHALL be ignored (media types, credentials); HTTP's
                # framing headers are the transport's to set
                continue
            schema = p.get("schema")
            sptr = _pointer.join(rptr, "schema")
            if schema is None and isinstance(p.get("content"), dict) and p["content"]:
                mt, media = next(iter(p["content"].items()))
                schema = media.get("schema") if isinstance(media, dict) else None
                sptr = _pointer.join(rptr, "content", mt, "schema")
            out[(loc, name if loc != "header" else name.lower())] = Parameter(
                name=name,
                location=loc,
                required=bool(p.get("required")) or loc == "path",
                pointer=rptr,
                schema_node=schema if schema is not None else {},
                schema_pointer=sptr,
                style=p.get("style"),
                explode=p.get("explode"),
            )
        return out

    def _add_operation(
        self,
        path: str,
        method: str,
        op: dict[str, Any],
        pointer: str,
        shared: dict[tuple[str, str], Parameter],
    ) -> None:
        params = dict(shared)
        params.update(self._params(op.get("parameters"), _pointer.join(pointer, "parameters")))
        body: dict[str, MediaType] = {}
        body_required = False
        rb = op.get("requestBody")
        if rb is not None:
            try:
                rb, rbptr = self._deref(rb, _pointer.join(pointer, "requestBody"))
            except RefError as exc:
                self._diagnostics.append(_diag("spec.ref-unresolvable", pointer, exc.message))
                rb, rbptr = None, pointer
            if isinstance(rb, dict):
                body_required = bool(rb.get("required"))
                body = self._content(rb.get("content"), _pointer.join(rbptr, "content"))
        responses: dict[str, ResponseSpec] = {}
        raw_resp = op.get("responses")
        if isinstance(raw_resp, dict):
            for status, resp in raw_resp.items():
                rptr = _pointer.join(pointer, "responses", str(status))
                try:
                    resp, rptr = self._deref(resp, rptr)
                except RefError as exc:
                    self._diagnostics.append(_diag("spec.ref-unresolvable", rptr, exc.message))
                    continue
                if not isinstance(resp, dict):
                    continue
                responses[str(status)] = ResponseSpec(
                    status=str(status),
                    pointer=rptr,
                    description=str(resp.get("description", "")),
                    content=self._content(resp.get("content"), _pointer.join(rptr, "content")),
                )
        security = op.get("security", self.raw.get("security", []))
        sec = (
            tuple(s for s in security if isinstance(s, dict)) if isinstance(security, list) else ()
        )
        op_id = op.get("operationId")
        operation = Operation(
            method=method.upper(),
            path=path,
            operation_id=str(op_id) if op_id else f"{method.upper()} {path}",
            pointer=pointer,
            parameters=tuple(params.values()),
            request_body=body,
            request_body_required=body_required,
            responses=responses,
            security=sec,
            tags=tuple(str(t) for t in op.get("tags", []) if isinstance(t, str)),
            summary=str(op.get("summary", "")),
            has_explicit_operation_id=bool(op_id),
        )
        self.operations.append(operation)
        if op_id:
            self._by_id.setdefault(str(op_id), operation)
        self._by_key[operation.key.upper()] = operation

    def _content(self, content: Any, pointer: str) -> dict[str, MediaType]:
        out: dict[str, MediaType] = {}
        if not isinstance(content, dict):
            return out
        for mt, media in content.items():
            if not isinstance(media, dict):
                continue
            out[mt] = MediaType(
                media_type=mt,
                pointer=_pointer.join(pointer, mt, "schema"),
                schema_node=media.get("schema", {}),
            )
        return out

    def operation(self, key: str) -> Operation:
        """An operation by operationId or ``METHOD /path`` (TargetError with suggestions)."""
        op = self._by_id.get(key) or self._by_key.get(_normalise_key(key))
        if op is not None:
            return op
        raise TargetError(f"no operation {key!r} in the spec{_suggest(key, self._op_choices(key))}")

    def _op_choices(self, key: str) -> list[str]:
        """Names to suggest for a mistyped operation: ``METHOD /path`` forms when that is what was typed."""
        keys = [o.key for o in self.operations]
        return keys if _looks_like_method(key) else [*self._by_id, *keys]

    # ------------------------------------------------------------------ targets
    def target(self, key: str) -> Target:
        """Resolve a target string.

        Forms: ``DtoName`` (request direction), ``DtoName:response``, ``opId`` or ``METHOD /path``
        (request body), ``...:request``, ``...:response`` (first 2xx), ``...:response:201``,
        ``...:parameters``. ``#/components/schemas/Name`` names a DTO even where an operationId
        is spelled the same (see `dto_key`).
        """
        cached = self._targets.get(key)
        if cached is not None:
            return cached
        target = self._make_target(key.strip())
        self._targets[key] = target
        return target

    def _make_target(self, key: str) -> Target:
        base, suffix, status = key, "", None
        m = re.match(
            r"^(?P<base>.+?):(?P<suffix>request|response|parameters)(?::(?P<st>\S+))?$", key
        )
        if m:
            base, suffix, status = m["base"], m["suffix"], m["st"]
        dto = self._dto_name(base, suffix)
        if dto is not None:
            if suffix == "parameters":
                raise TargetError(f"{dto!r} is a DTO, it has no parameters")
            direction: Direction = "response" if suffix == "response" else "request"
            ptr = _pointer.join("/components/schemas", dto)
            return Target(self, key, "dto", direction, ptr, _node={"$ref": "#" + ptr})
        try:
            op = self.operation(base)
        except TargetError:
            choices = (
                self._op_choices(base)
                if _looks_like_method(base)
                else [*self.dto_names, *self._by_id]
            )
            raise TargetError(
                f"no DTO or operation named {base!r}{_suggest(base, choices)}"
            ) from None
        if suffix == "parameters":
            return Target(self, key, "parameters", "request", op.pointer, operation=op)
        if suffix == "response":
            statuses = [status] if status else op.success_statuses() or list(op.responses)
            if not statuses or statuses[0] not in op.responses:
                raise TargetError(
                    f"{op.label} documents no response {status or '2xx'}; it has "
                    f"{', '.join(op.responses) or 'none'}"
                )
            resp = op.responses[statuses[0]]
            media = _pick_json(resp.content)
            if media is None:
                raise TargetError(f"{op.label} response {resp.status} has no JSON body")
            return Target(
                self,
                key,
                "response",
                "response",
                media.pointer,
                operation=op,
                status=resp.status,
                media_type=media.media_type,
                _node=media.schema_node,
            )
        media = op.json_body()
        if media is None:
            raise TargetError(
                f"{op.label} has no JSON request body; try {op.label}:parameters or "
                f"{op.label}:response"
            )
        return Target(
            self,
            key,
            "request",
            "request",
            media.pointer,
            operation=op,
            media_type=media.media_type,
            _node=media.schema_node,
        )

    def _dto_name(self, base: str, suffix: str) -> str | None:
        """The component schema ``base`` names, or None when it names an operation instead.

        ``#/components/schemas/Name`` always names the component. A bare name that is both a
        component and an operationId names the operation when a suffix asks for its parameters or
        responses, or when it has a JSON request body; else the component.
        """
        if base.startswith(DTO_PREFIX):
            name = _pointer.unescape(base[len(DTO_PREFIX) :])
            if name not in self._schemas():
                raise TargetError(f"no DTO {name!r}{_suggest(name, self.dto_names)}")
            return name
        if base not in self._schemas():
            return None
        op = self._by_id.get(base)
        if op is not None and (suffix in ("parameters", "response") or op.json_body() is not None):
            return None
        return base

    def dto_key(self, name: str) -> str:
        """The target string of component schema ``name``: the bare name, or its pointer form
        (``#/components/schemas/Name``) when an operationId takes the bare name."""
        return name if name not in self._by_id else DTO_PREFIX + _pointer.escape(name)

    def schema_target(self, schema: dict[str, Any], name: str) -> Target:
        """A target for a standalone JSON Schema whose ``$ref``s point into this spec (seed 002)."""
        node = {k: v for k, v in schema.items() if k not in ("$id", "$schema")}
        return Target(self, name, "schema", "request", "", _node=node)

    def dto(self, name: str, direction: Direction = "request") -> Target:
        if name not in self._schemas():
            raise TargetError(f"no DTO {name!r}{_suggest(name, self.dto_names)}")
        key = self.dto_key(name)
        return self.target(key if direction == "request" else f"{key}:response")

    def iter_targets(self) -> Iterator[Target]:
        """Every DTO (request direction) and every operation's body, parameters and responses."""
        for name in self.dto_names:
            yield self.dto(name)
        for op in self.operations:
            if op.json_body() is not None:
                yield self.target(f"{op.label}:request")
            if op.parameters:
                yield self.target(f"{op.label}:parameters")
            for status, resp in op.responses.items():
                if _pick_json(resp.content) is not None:
                    yield self.target(f"{op.label}:response:{status}")

    def _parameters_schema(self, op: Operation, closed: bool) -> dict[str, Any]:
        tr = self.translator
        defs: dict[str, Any] = {}
        groups: dict[str, dict[str, Any]] = {}
        for p in op.parameters:
            sub = tr.bundle(p.schema_node, p.schema_pointer, "request", closed)
            for k, v in sub.pop("definitions", {}).items():
                defs.setdefault(k, v)
            sub.pop("$schema", None)
            g = groups.setdefault(p.location, {"type": "object", "properties": {}, "required": []})
            g["properties"][p.name] = sub
            if p.required:
                g["required"].append(p.name)
        required = []
        for loc, g in groups.items():
            if not g["required"]:
                del g["required"]
            else:
                required.append(loc)
            if closed and loc in ("path", "query"):
                g["additionalProperties"] = False
        out: dict[str, Any] = {
            "$schema": "http://json-schema.org/draft-07/schema#"
            if self.dialect == "3.0"
            else "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": groups,
            "x-spec-pointer": op.pointer,
        }
        if required:
            out["required"] = required
        if closed:
            out["additionalProperties"] = False
        if defs:
            out["definitions"] = dict(sorted(defs.items()))
        return out

    def variant_tables(self) -> list[VariantTable]:
        """Every variant table of the spec (translates every schema once)."""
        for _ in self.iter_targets():
            pass
        for t in list(self._targets.values()):
            t.schema()
        return list(self.translator.tables.values())


def _pick_json(content: dict[str, MediaType]) -> MediaType | None:
    for mt, media in content.items():
        if JSON_MEDIA.match(mt):
            return media
    return None


def _looks_like_method(key: str) -> bool:
    head = key.split(None, 1)[0].lower() if key.strip() else ""
    return head in HTTP_METHODS and " " in key.strip()


def _normalise_key(key: str) -> str:
    parts = key.split(None, 1)
    if len(parts) == 2:
        return f"{parts[0].upper()} {parts[1].strip()}".upper()
    return key.upper()


def _suggest(key: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _diag(rule: str, pointer: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(rule=rule, severity=severity, pointer=pointer, message=message)
