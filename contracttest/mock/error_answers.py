"""Error answers in the error schema the spec documents for the operation and status.

A server answers its errors in its own shape, and a spec that documents that shape (``400:
{$ref: Error}``, ``default: {$ref: ErrorResponse}``, ``4XX``) makes it part of the contract: a mock
that answers every error in NestJS's envelope fails its own spec (corpus class 3: sakari.io, Azure).
So the mock builds the documented body: a minimal instance of the schema, with what was wrong written
into a string member that carries a message (``message``, ``detail``, ``error.message``,
``errors[0].detail``...) and the status into a member that carries one, when the schema allows it;
the result is checked by the validator, and falls back to the plain minimal instance when the message
does not fit.

NestJS's envelope (`contracttest.mock.errors.error_body`) stays where the spec documents no JSON
error body for that status, where the route is unknown, and where the spec's rule table says the
server answers errors that way whatever the spec documents (``error_body: nestjs``: Vapi's).
"""

from __future__ import annotations

import copy
import logging
import threading
from typing import TYPE_CHECKING, Any

from contracttest.errors import TargetError
from contracttest.openapi.model import JSON_MEDIA

if TYPE_CHECKING:
    from contracttest.mock.engine import MockEngine
    from contracttest.mock.parsing import HTTPProblem
    from contracttest.mock.responses import SchemaView
    from contracttest.openapi.model import Operation

__all__ = ["MESSAGE_MEMBERS", "STATUS_MEMBERS", "ErrorAnswers", "place_message"]

log = logging.getLogger("contracttest.mock")

MESSAGE_MEMBERS = (
    "message",
    "detail",
    "error_description",
    "errorMessage",
    "error_message",
    "description",
    "title",
    "reason",
    "msg",
    "error",
)
"""Members that carry what went wrong, in the order they are preferred (at the shallowest depth)."""
CONTAINER_MEMBERS = ("error", "errors", "err", "fault", "problem", "details")
"""Object or array members an error schema nests its message in (``{"error": {"message"}}``)."""
STATUS_MEMBERS = ("statusCode", "status", "status_code", "httpStatus", "code")
"""Members that carry the HTTP status, where the schema types them as an integer."""
_MAX_DEPTH = 4


class ErrorAnswers:
    """The body of each error answer of one mock (documented bodies are built once per status)."""

    def __init__(self, engine: MockEngine, *, nestjs: bool | None = None) -> None:
        self.engine = engine
        self.nestjs = _table_says_nestjs(engine) if nestjs is None else nestjs
        self._bases: dict[tuple[str, str], tuple[str, SchemaView, Any] | None] = {}
        self._lock = threading.Lock()

    def body(self, op: Operation | None, problem: HTTPProblem) -> Any:
        """What to answer ``problem`` with on ``op`` (None: the route is unknown)."""
        if op is None or self.nestjs:
            return problem.body
        documented = self.documented(op, problem.status)
        if documented is None:
            return problem.body
        target, view, base = documented
        text = "; ".join(problem.messages)
        filled = place_message(view, base, text, problem.status)
        if filled is not None and not self.engine.answer_findings(target, filled):
            return filled
        return copy.deepcopy(base)

    def media_type(self, op: Operation | None, status: int) -> str | None:
        """The media type ``op`` documents for ``status`` when it documents no JSON body there
        (``400: text/plain``, AEM's ``401: application/octet-stream``, AWS's ``text/xml`` faults):
        the mock then answers in it (`contracttest.mock.media`); None: JSON."""
        if op is None or self.nestjs:
            return None
        from contracttest.mock.media import wire_media

        return wire_media(op, status)

    def documented(self, op: Operation, status: int) -> tuple[str, SchemaView, Any] | None:
        """(target, schema view, conforming minimal body) of the JSON error body ``op`` documents
        for ``status`` (exact, ``4XX``, then ``default``), or None."""
        resp = op.response_for(status)
        if resp is None or not any(JSON_MEDIA.match(mt) for mt in resp.content):
            return None
        key = (op.key, resp.status)
        with self._lock:
            if key in self._bases:
                return self._bases[key]
        target = f"{op.label}:response:{resp.status}"
        try:
            view = self.engine.view(op, resp.status)
        except TargetError:
            view = None
        got: tuple[str, SchemaView, Any] | None = None
        if view is not None:
            base = self.engine.generate(op, resp.status)
            if not self.engine.answer_findings(target, base):
                got = (target, view, base)
            else:
                log.warning(
                    "%s documents a %s error body no value conforms to; answering NestJS's envelope",
                    op.label,
                    resp.status,
                )
        with self._lock:
            self._bases[key] = got
        return got


def _table_says_nestjs(engine: MockEngine) -> bool:
    from contracttest.validate.rules import load_rule_table

    spec = engine.spec
    return load_rule_table(spec.title, spec.servers).error_body == "nestjs"


def place_message(view: SchemaView, base: Any, text: str, status: int) -> Any | None:
    """``base`` with ``text`` in the member that carries an error message (and ``status`` in the
    one that carries the status, when integer-typed), or None when the schema declares no place."""
    value = copy.deepcopy(base)
    return value if _place(view, view.root, value, text, status, 0) else None


def _string_ish(view: SchemaView, node: Any) -> bool:
    node = view.deref(node)
    if not isinstance(node, dict) or "enum" in node or "const" in node:
        return False
    typ = node.get("type")
    types = typ if isinstance(typ, list) else [typ]
    return "string" in types and not node.get("format")


def _fit(view: SchemaView, node: Any, text: str) -> str:
    node = view.deref(node)
    limit = node.get("maxLength") if isinstance(node, dict) else None
    if isinstance(limit, int) and len(text) > limit:
        return text[: max(limit, 0)]
    return text


def _integer(view: SchemaView, node: Any) -> bool:
    node = view.deref(node)
    if not isinstance(node, dict) or "const" in node:
        return False
    typ = node.get("type")
    return typ in ("integer", "number") or (isinstance(typ, list) and "integer" in typ)


def _place(view: SchemaView, node: Any, value: Any, text: str, status: int, depth: int) -> bool:
    if depth > _MAX_DEPTH or not isinstance(value, dict):
        return False
    props, _, _ = view.shape(node, value)
    if not props:
        return False
    for name in MESSAGE_MEMBERS:
        if name in props and _string_ish(view, props[name]):
            value[name] = _fit(view, props[name], text)
            for sname in STATUS_MEMBERS:
                if sname in props and _integer(view, props[sname]):
                    enum = view.deref(props[sname]).get("enum")
                    if not isinstance(enum, list) or status in enum:
                        value[sname] = status
                    break
            return True
    for name in sorted(props, key=lambda n: (n not in CONTAINER_MEMBERS, n)):
        sub = view.deref(props[name])
        if not isinstance(sub, dict):
            continue
        child = value.get(name)
        if isinstance(child, dict) or (child is None and _objectish(sub)):
            trial = copy.deepcopy(child) if isinstance(child, dict) else {}
            if _place(view, sub, trial, text, status, depth + 1):
                value[name] = trial
                return True
        items = sub.get("items")
        if name in CONTAINER_MEMBERS and (isinstance(child, list) or child is None) and items:
            first = child[0] if isinstance(child, list) and child else None
            trial = copy.deepcopy(first) if isinstance(first, dict) else {}
            if _objectish(view.deref(items)) and _place(
                view, items, trial, text, status, depth + 1
            ):
                rest = child[1:] if isinstance(child, list) else []
                value[name] = [trial, *rest]
                return True
    return False


def _objectish(node: Any) -> bool:
    return isinstance(node, dict) and (
        node.get("type") == "object" or "properties" in node or "allOf" in node
    )
