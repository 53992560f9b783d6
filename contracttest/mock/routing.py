"""Path-template routing for the mock.

Templates are matched segment by segment on the *raw* path (so ``%2F`` inside an id stays inside that
id), literal segments beat parameters (``/chat/responses`` wins over ``/chat/{id}``), and a trailing
slash is ignored, as Express (under NestJS) does. A path that matches a template but not with the
request's method is "no route", like NestJS's ``Cannot PUT /phone-number``.

Real specs use more than ``/a/{id}`` (corpus class 5): a segment that mixes a parameter with literal
text (Google's ``/v1beta/{name}:query``, ``/files/{id}.json``), parameter values that are empty (the
last segment of ``/providers/{ns}/{type}/{name}`` when ``name`` is ``""``), and values that carry
unencoded slashes (Azure's ``{parentResourcePath}``, sent with ``x-ms-skip-url-encoding``). A mixed
segment is matched with a regex over the decoded segment; when no template matches segment by segment,
templates are tried over the whole path with parameters that may span slashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from contracttest.mock.parsing import param_fits, raw_schema

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec

__all__ = ["Match", "Route", "Router", "split_path"]

_PARAM = re.compile(r"^\{([^{}]+)\}$")
_ANY_PARAM = re.compile(r"\{([^{}]+)\}")


def _params_of(template: str) -> tuple[str, ...]:
    """Parameter names of a template, in order, also those inside mixed segments (``{name}:query``)."""
    return tuple(_ANY_PARAM.findall(template))


def _segment_regex(segment: str) -> re.Pattern[str] | None:
    """A regex over one decoded segment for a segment mixing parameters and text, else None."""
    if _PARAM.match(segment) or not _ANY_PARAM.search(segment):
        return None
    # over one decoded segment: an encoded slash (%2F) is part of the value
    return re.compile(_pattern(segment, ".*?"), re.S)


_MAX_SPLITS = 64


def _splits(segment: str, text: str) -> Iterator[list[str]]:
    """Every way to read ``text`` as the mixed ``segment`` (``{maxLat}.{format}``): the parameters'
    values in order, the first parameter's shortest value first (at most `_MAX_SPLITS`)."""
    pieces = re.split(r"(\{[^{}]+\})", segment)

    def walk(index: int, pos: int) -> Iterator[list[str]]:
        if index == len(pieces):
            if pos == len(text):
                yield []
            return
        piece = pieces[index]
        if not _PARAM.match(piece):
            if text.startswith(piece, pos):
                yield from walk(index + 1, pos + len(piece))
            return
        for end in range(pos, len(text) + 1):
            for rest in walk(index + 1, end):
                yield [text[pos:end], *rest]

    for count, values in enumerate(walk(0, 0)):
        if count >= _MAX_SPLITS:
            return
        yield values


def _pattern(text: str, value: str, spans: frozenset[str] = frozenset()) -> str:
    """``text`` as a regex: literal parts escaped, each ``{p}`` a group matching ``value`` (``.*?``
    for the parameters in ``spans``, whose values may hold slashes)."""
    out, pos, index = [], 0, 0
    for m in _ANY_PARAM.finditer(text):
        out.append(re.escape(text[pos : m.start()]))
        out.append(f"(?P<p{index}>{'.*?' if m.group(1) in spans else value})")
        pos, index = m.end(), index + 1
    out.append(re.escape(text[pos:]))
    return "".join(out)


def _with_key_query(
    op: Operation, values: dict[str, str], query: Mapping[str, str]
) -> dict[str, str]:
    """Path parameters a path key puts in its query part (``/pic?key={APIKEY}``), read from the
    request's query string."""
    extra = {param: query[name] for name, param in op.path_query.items() if name in query}
    return {**values, **extra} if extra else values


def slash_params(operation: Operation, spec: Spec | None) -> frozenset[str]:
    """Path parameters whose values may carry unencoded slashes: marked
    ``x-ms-skip-url-encoding`` (Azure), or with a ``pattern`` that has a slash in it."""
    found = set()
    for p in operation.path_params():
        node = spec.resolve(p.pointer, {}) if spec is not None else {}
        schema = p.schema_node if isinstance(p.schema_node, dict) else {}
        pattern = schema.get("pattern")
        if (isinstance(node, dict) and node.get("x-ms-skip-url-encoding") is True) or (
            isinstance(pattern, str) and "/" in pattern.replace("[^/]", "")
        ):
            found.add(p.name)
    return frozenset(found)


def _route_segments(template: str) -> tuple[str | None, ...]:
    """The segments of a template as `split_path` reads a request path (``None`` marks a
    parameter segment): one trailing slash ignored, an empty segment before it kept, so TomTom's
    ``/map/{v}/wms//`` (GetCapabilities) is not ``/map/{v}/wms/`` (GetMap)."""
    path = template[:-1] if len(template) > 1 and template.endswith("/") else template
    if not path.strip("/"):
        return ()
    return tuple(None if _PARAM.match(seg) else seg for seg in path[1:].split("/"))


def split_path(raw_path: str, *, trailing_slash: bool = False) -> list[str]:
    """Percent-decoded segments of a raw request path (one trailing slash ignored, unless
    ``trailing_slash``: then it ends an empty last segment)."""
    path = raw_path.split("?", 1)[0]
    if len(path) > 1 and path.endswith("/") and not trailing_slash:
        path = path[:-1]
    stripped = path.strip("/")
    if not stripped and not (trailing_slash and len(path) > 1):
        return []
    return [unquote(seg, errors="strict") for seg in path[1:].split("/")]


@dataclass
class Route:
    """One path template and the operations it serves, by upper-case method."""

    template: str
    segments: tuple[str | None, ...]
    params: tuple[str, ...]
    operations: dict[str, Operation] = field(default_factory=dict)
    mixed: tuple[re.Pattern[str] | None, ...] = ()
    """Per segment: the regex of a segment that mixes parameters and text."""
    spans: frozenset[str] = frozenset()
    """Parameters whose values may hold unencoded slashes (`slash_params`)."""
    alternatives: dict[str, list[Operation]] = field(default_factory=dict)
    """Per method, the operations that share this route (path keys that differ by a fragment)."""
    schemas: dict[str, Any] = field(default_factory=dict)
    """Path parameter name -> its schema: where two parameters share a segment
    (``{maxLat}.{format}``), the split whose values fit them wins."""

    def pick(
        self, method: str, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> Operation | None:
        """The operation serving ``method``: among alternatives, the one whose pinned header or
        query value the request carries, else the one whose literal query pairs it carries, else
        the one whose query names it carries, else the plain path key (whose validation then says
        what is missing)."""
        alternatives = self.alternatives.get(method)
        if not alternatives:
            return self.operations.get(method)
        for op in alternatives:
            sel = op.selector()
            if sel is None:
                continue
            location, name, value = sel
            got = headers.get(name.lower()) if location == "header" else query.get(name)
            if got == value:
                return op
        # Flickr's 30 operations on GET /rest, keyed /rest?method=flickr.favorites.getList: the
        # one whose literal pairs the request carries, the most specific first
        literal = [
            op
            for op in alternatives
            if op.literal_query and all(query.get(n) == v for n, v in op.literal_query)
        ]
        if literal:
            return max(literal, key=lambda op: len(op.literal_query))
        # path keys with a query part (weatherbit's /current?city={city} and ?lat={lat}&lon={lon}):
        # the one whose query names the request carries, the most specific first
        keyed = [op for op in alternatives if op.path_query]
        fits = [op for op in keyed if all(name in query for name in op.path_query)]
        if fits:
            return max(fits, key=lambda op: len(op.path_query))
        # Chime's POST /accounts/{id}/users beside /accounts/{id}/users#operation=suspend (a
        # required `operation` pinned to one value): a request without the value is the plain key's
        rest = [op for op in alternatives if not op.path_query and not op.literal_query]
        plain = [op for op in rest if op.selector() is None]
        return (plain or rest or alternatives)[0]

    def __post_init__(self) -> None:
        if not self.mixed:
            self.mixed = tuple(_segment_regex(s) if s is not None else None for s in self.segments)

    @cached_property
    def spanning(self) -> re.Pattern[str] | None:
        """The whole template, the parameters in ``spans`` matching across slashes (built on first
        use, once the router has collected ``spans``)."""
        if not self.spans:
            return None
        path = self.template.rstrip("/") or "/"
        return re.compile(_pattern(path, "[^/]*?", self.spans), re.S)

    @property
    def specificity(self) -> tuple[int, ...]:
        # Literal segments first, then mixed ones, left to right: ``/a/b/{x}`` beats ``/a/{y}/c``.
        return tuple(
            2 if s is None else 0 if r is None else 1
            for s, r in zip(self.segments, self.mixed, strict=True)
        )

    def bind(self, segments: list[str]) -> dict[str, str] | None:
        values: dict[str, str] = {}
        names = iter(self.params)
        for want, regex, got in zip(self.segments, self.mixed, segments, strict=True):
            if want is None:
                values[next(names)] = got
            elif regex is not None:
                m = regex.fullmatch(got)
                if m is None:
                    return None
                found = [m.group(f"p{i}") for i in range(len(m.groups()))]
                keys = [next(names) for _ in found]
                if len(found) > 1:
                    # "1.5.json" as {maxLat}.{format}: not at the first dot but where the most
                    # values fit their schemas, the later split on a tie (a file's extension)
                    schemas = [self.schemas.get(k) for k in keys]
                    scored = (
                        (sum(map(param_fits, split, schemas)), i, split)
                        for i, split in enumerate(_splits(want, got))
                    )
                    found = max(scored, default=(0, 0, found))[2]
                values.update(zip(keys, found, strict=True))
            elif want != got:
                return None
        return values

    def named_for(self, op: Operation, values: dict[str, str]) -> dict[str, str]:
        """``values`` under ``op``'s own parameter names: path keys that are one template with
        other parameter names share this route (trello's ``GET .../members/{filter}`` and ``PUT
        .../members/{idMember}``), and `bind` names the values by the first key's."""
        own = _params_of(op.wire_path)
        if own == self.params or len(own) != len(self.params):
            return values
        names = dict(zip(self.params, own, strict=True))
        return {names.get(k, k): v for k, v in values.items()}

    def bind_spanning(self, decoded_path: str) -> dict[str, str] | None:
        """Bind over the whole decoded path, the ``spans`` parameters' values taking slashes."""
        spanning = self.spanning
        if spanning is None:
            return None
        m = spanning.fullmatch(decoded_path)
        if m is None:
            return None
        return {name: m.group(f"p{i}") for i, name in enumerate(self.params)}


@dataclass(frozen=True)
class Match:
    """A routed request."""

    operation: Operation
    route: Route
    path_params: dict[str, str]


class Router:
    """Find the operation for ``METHOD raw_path``."""

    def __init__(self, operations: list[Operation], spec: Spec | None = None) -> None:
        by_template: dict[str, Route] = {}
        for op in operations:
            template = op.wire_path
            route = by_template.get(op.route_key)
            if route is None:
                route = Route(template, _route_segments(template), _params_of(template))
                by_template[op.route_key] = route
            method = op.method.upper()
            if method in route.operations:
                # Path keys that differ only by a #fragment (AWS's /#X-Amz-Target=...): the
                # operations share the route, told apart by their pinned header or query value.
                route.alternatives.setdefault(method, [route.operations[method]]).append(op)
            else:
                route.operations[method] = op
            route.spans |= slash_params(op, spec)
            if spec is not None:
                for p in op.path_params():
                    route.schemas.setdefault(p.name, raw_schema(spec, p.schema_node))
        self.routes = list(by_template.values())
        self._by_length: dict[int, list[Route]] = {}
        for route in sorted(self.routes, key=lambda r: r.specificity):
            self._by_length.setdefault(len(route.segments), []).append(route)
        # Most literal text first, so that a parameter spans as little as it can.
        self._spanning = sorted(
            (r for r in self.routes if r.spans),
            key=lambda r: (-len(_ANY_PARAM.sub("", r.template)), r.template),
        )

    def match(
        self,
        method: str,
        raw_path: str,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Match | None:
        """The operation serving the request, or None (NestJS answers 404 for both cases).

        ``headers`` (lower-case names) and ``query`` choose among operations that share a method and
        path (`Route.pick`)."""
        headers = headers or {}
        query = query or {}
        try:
            segments = split_path(raw_path)
            exact = split_path(raw_path, trailing_slash=True)
        except UnicodeDecodeError:
            return None
        method = method.upper()
        lookup = "GET" if method == "HEAD" else method
        tries = [segments] if exact == segments else [segments, exact]
        slash = raw_path.split("?", 1)[0].endswith("/")
        for segs in tries:
            found: Match | None = None
            for route in self._by_length.get(len(segs), ()):
                if found is not None and route.segments != found.route.segments:
                    continue  # only the other form of the route found may still win
                op = route.pick(lookup, headers, query)
                if op is None:
                    continue
                values = route.bind(segs)
                if values is None:
                    continue
                values = route.named_for(op, values)
                got = Match(op, route, _with_key_query(op, values, query))
                # a spec that documents both `/x` and `/x/` (VTEX's coupon) means two operations:
                # the request's own form wins; else one trailing slash is ignored
                if (len(route.template) > 1 and route.template.endswith("/")) == slash:
                    return got
                found = found or got
            if found is not None:
                return found
        # Last resort: parameter values with unencoded slashes.
        decoded = "/" + "/".join(segments)
        for route in self._spanning:
            op = route.pick(lookup, headers, query)
            if op is None:
                continue
            values = route.bind_spanning(decoded)
            if values is not None:
                return Match(op, route, _with_key_query(op, route.named_for(op, values), query))
        return None

    def allowed(self, raw_path: str) -> list[str]:
        """Methods some template matching ``raw_path`` serves (for diagnostics)."""
        try:
            segments = split_path(raw_path)
        except UnicodeDecodeError:
            return []
        methods: set[str] = set()
        for route in self._by_length.get(len(segments), ()):
            if route.bind(segments) is not None:
                methods.update(route.operations)
        return sorted(methods)
