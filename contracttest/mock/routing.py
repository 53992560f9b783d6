"""Path-template routing for the mock.

Templates are matched segment by segment on the *raw* path (so ``%2F`` inside an id stays inside that
id), literal segments beat parameters (``/chat/responses`` wins over ``/chat/{id}``), and a trailing
slash is ignored, as Express (under NestJS) does. A path that matches a template but not with the
request's method is "no route", like NestJS's ``Cannot PUT /phone-number``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from contracttest.openapi.resources import template_params, template_segments

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation

__all__ = ["Match", "Route", "Router", "split_path"]


def split_path(raw_path: str) -> list[str]:
    """Percent-decoded segments of a raw request path (one trailing slash ignored)."""
    path = raw_path.split("?", 1)[0]
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    stripped = path.strip("/")
    if not stripped:
        return []
    return [unquote(seg, errors="strict") for seg in path[1:].split("/")]


@dataclass
class Route:
    """One path template and the operations it serves, by upper-case method."""

    template: str
    segments: tuple[str | None, ...]
    params: tuple[str, ...]
    operations: dict[str, Operation] = field(default_factory=dict)

    @property
    def specificity(self) -> tuple[int, ...]:
        # Literal segments first, left to right: ``/a/b/{x}`` beats ``/a/{y}/c``.
        return tuple(0 if s is not None else 1 for s in self.segments)

    def bind(self, segments: list[str]) -> dict[str, str] | None:
        values: dict[str, str] = {}
        names = iter(self.params)
        for want, got in zip(self.segments, segments, strict=True):
            if want is None:
                values[next(names)] = got
            elif want != got:
                return None
        return values


@dataclass(frozen=True)
class Match:
    """A routed request."""

    operation: Operation
    route: Route
    path_params: dict[str, str]


class Router:
    """Find the operation for ``METHOD raw_path``."""

    def __init__(self, operations: list[Operation]) -> None:
        by_template: dict[str, Route] = {}
        for op in operations:
            route = by_template.get(op.path)
            if route is None:
                route = Route(op.path, template_segments(op.path), template_params(op.path))
                by_template[op.path] = route
            route.operations[op.method.upper()] = op
        self.routes = list(by_template.values())
        self._by_length: dict[int, list[Route]] = {}
        for route in sorted(self.routes, key=lambda r: r.specificity):
            self._by_length.setdefault(len(route.segments), []).append(route)

    def match(self, method: str, raw_path: str) -> Match | None:
        """The operation serving the request, or None (NestJS answers 404 for both cases)."""
        try:
            segments = split_path(raw_path)
        except UnicodeDecodeError:
            return None
        method = method.upper()
        lookup = "GET" if method == "HEAD" else method
        for route in self._by_length.get(len(segments), ()):
            op = route.operations.get(lookup)
            if op is None:
                continue
            values = route.bind(segments)
            if values is not None:
                return Match(op, route, values)
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
