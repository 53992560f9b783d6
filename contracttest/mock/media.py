"""Answers in the media type the spec documents when it documents no JSON there.

An answer goes out as JSON wherever the operation documents a JSON media type (or none) for the
status. Where it documents only others, the answer takes the first of them a client can be handed
(`wire_media`): XML (AWS's query protocol answers ``text/xml``, NPR's sponsorship VAST
``application/xml``), then text (``text/plain``), then any other (AEM's ``401:
application/octet-stream``, Azure's image endpoints). `encode` writes the answer's JSON value in it:
XML as one element per member (`render_xml`), text as the text, other types as its bytes.

XML follows OpenAPI's ``xml`` object where the spec writes one (``name``, ``attribute``,
``wrapped``, ``prefix``, ``namespace``), read from the spec's own schema nodes, since the translated
schema keeps no ``xml``: the root element is named after the component the media schema refers to,
an array's items are elements named after its member (or wrapped in one), scalars are text. The
rendering is deterministic: members in the value's order, no whitespace between elements.
"""

from __future__ import annotations

import json
import re
import threading
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from contracttest.openapi.model import JSON_MEDIA

if TYPE_CHECKING:
    from contracttest.mock.responses import SchemaView
    from contracttest.openapi.model import MediaType, Operation, Spec

__all__ = [
    "XML_MEDIA",
    "MediaAnswers",
    "content_type",
    "encode",
    "is_xml",
    "render_xml",
    "wire_media",
]

XML_MEDIA = re.compile(r"^(?:application|text)/(?:[\w.+-]+\+)?xml\b", re.I)
_WILDCARD_SUBTYPE = {"text": "plain", "application": "octet-stream", "image": "png"}
_NAME_START = re.compile(r"[A-Za-z_]")
_NAME_BAD = re.compile(r"[^A-Za-z0-9_.\-]")
_MAX_DEPTH = 64


def content_type(media: str) -> bytes:
    """The Content-Type header value of an answer in ``media`` (text and XML in UTF-8)."""
    text = is_xml(media) or media.startswith("text/")
    return (f"{media}; charset=utf-8" if text else media).encode("latin-1", "replace")


def is_xml(media: str) -> bool:
    return bool(XML_MEDIA.match(media))


def wire_media(op: Operation | None, status: int) -> str | None:
    """The media type ``op`` answers ``status`` in when it documents no JSON body there: the first
    XML type, else the first text type, else the first one documented (a wildcard subtype made
    concrete: ``text/*`` is ``text/plain``); None when the answer is JSON (or nothing is
    documented)."""
    resp = op.response_for(status) if op is not None else None
    if resp is None or not resp.content:
        return None
    if any(JSON_MEDIA.match(mt) for mt in resp.content):
        return None
    types = [mt.split(";", 1)[0].strip().lower() for mt in resp.content]
    chosen = (
        next((t for t in types if is_xml(t)), None)
        or next((t for t in types if t.startswith("text/")), None)
        or types[0]
    )
    kind, _, sub = chosen.partition("/")
    if sub == "*" or not sub:
        return f"{kind}/{_WILDCARD_SUBTYPE.get(kind, 'octet-stream')}"
    return chosen


class MediaAnswers:
    """The answers of one mock in the non-JSON media types its spec documents (built once per
    operation, status and media type)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._parts: dict[tuple[str, str, str], tuple[SchemaView | None, Any, Any]] = {}
        self._lock = threading.Lock()

    def body(self, op: Operation, status: int, media: str, message: str | None = None) -> bytes:
        """The answer to ``op`` with ``status`` in ``media`` (`wire_media`): a minimal instance of
        the schema the spec documents for that media type, encoded. An error answer (``message``)
        is the message itself in text and other types, and in XML the instance with the message in
        the member that carries one, where the schema has it."""
        if message is not None and not is_xml(media):
            return encode(media, message)
        view, value, node = self.parts(op, status, media)
        if message is not None and view is not None:
            from contracttest.mock.error_answers import place_message

            filled = place_message(view, value, message, status)
            value = filled if filled is not None else value
        return encode(media, value, self.spec, node)

    def parts(self, op: Operation, status: int, media: str) -> tuple[SchemaView | None, Any, Any]:
        """(schema view, minimal value, the spec's schema node) of the answer in ``media``; the
        view and value are None when the media type documents no schema."""
        resp = op.response_for(status)
        if resp is None:
            return None, None, None
        declared = next(
            (m for mt, m in resp.content.items() if mt.split(";", 1)[0].strip().lower() == media),
            None,
        ) or next((m for mt, m in resp.content.items() if _covers(mt, media)), None)
        if declared is None or declared.schema_node is None:
            return None, None, None
        key = (op.key, resp.status, declared.media_type)
        with self._lock:
            got = self._parts.get(key)
        if got is None:
            view = self._view(op, resp.status, declared)
            got = (view, view.project(view.root, view.minimal(view.root)), declared.schema_node)
            with self._lock:
                self._parts[key] = got
        return got

    def _view(self, op: Operation, status: str, declared: MediaType) -> SchemaView:
        from contracttest.mock.responses import SchemaView
        from contracttest.openapi.model import Target

        # spec.target() names JSON bodies only; this media type's schema is bundled the same way.
        target = Target(
            self.spec,
            f"{op.label}:response:{status}:{declared.media_type}",
            "response",
            "response",
            declared.pointer,
            operation=op,
            status=status,
            media_type=declared.media_type,
            _node=declared.schema_node,
        )
        return SchemaView(target.schema())


def _covers(declared: str, media: str) -> bool:
    want = declared.split(";", 1)[0].strip().lower()
    return want == "*/*" or (want.endswith("/*") and media.startswith(want[:-1]))


def encode(media: str, value: Any, spec: Spec | None = None, schema: Any = None) -> bytes:
    """``value`` (a JSON value) written in ``media``: XML per ``schema`` (the spec's own schema
    node of the media type, for names and ``xml`` hints), text as the text (a structured value as
    JSON), any other type as the UTF-8 bytes of a string (none for any other value)."""
    if is_xml(media):
        return render_xml(value, spec, schema)
    if value is None or (not isinstance(value, str) and not media.startswith("text/")):
        return b""  # bytes are a string's: a structured value is no file
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text.encode("utf-8", "backslashreplace")


def render_xml(value: Any, spec: Spec | None, schema: Any, name: str | None = None) -> bytes:
    """``value`` as an XML document whose root element is named by ``name``, else by the schema's
    ``xml.name``, else by the component ``schema`` refers to, else ``response``."""
    node, component = _resolve(spec, schema)
    xml = _xml_of(node)
    root = _xml_name(xml)
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
    _element(out, root or name or component or "response", value, spec, node, 0, root=True)
    return "".join(out).encode("utf-8", "xmlcharrefreplace")


def _element(
    out: list[str],
    name: str,
    value: Any,
    spec: Spec | None,
    node: Any,
    depth: int,
    *,
    root: bool = False,
) -> None:
    node, _ = _resolve(spec, node)
    xml = _xml_of(node)
    tag = _qualified(name, xml)
    ns = xml.get("namespace")
    attrs: list[str] = []
    if isinstance(ns, str) and ns:
        prefix = xml.get("prefix")
        attr = f"xmlns:{_safe_name(prefix)}" if isinstance(prefix, str) and prefix else "xmlns"
        attrs.append(f" {attr}={quoteattr(ns)}")
    if isinstance(value, list):
        if root or xml.get("wrapped") is True:
            out.append(f"<{tag}{''.join(attrs)}>")
            _items(out, name, value, spec, node, depth + 1, wrapped=True)
            out.append(f"</{tag}>")
        else:
            _items(out, name, value, spec, node, depth, wrapped=False)
        return
    if isinstance(value, dict) and depth < _MAX_DEPTH:
        props = _properties(node)
        children: list[str] = []
        for key, member in value.items():
            sub, _ = _resolve(spec, props.get(key))
            sub_xml = _xml_of(sub)
            sub_name = _xml_name(sub_xml) or str(key)
            if sub_xml.get("attribute") is True and not isinstance(member, dict | list):
                attrs.append(f" {_qualified(sub_name, sub_xml)}={quoteattr(_text(member))}")
                continue
            _element(children, sub_name, member, spec, sub, depth + 1)
        body = "".join(children)
    else:
        body = escape(_text(value)) if not isinstance(value, dict | list) else ""
    out.append(
        f"<{tag}{''.join(attrs)}/>" if not body else f"<{tag}{''.join(attrs)}>{body}</{tag}>"
    )


def _items(
    out: list[str],
    name: str,
    value: list[Any],
    spec: Spec | None,
    node: Any,
    depth: int,
    *,
    wrapped: bool,
) -> None:
    items, component = _resolve(spec, node.get("items") if isinstance(node, dict) else None)
    xml = _xml_of(items)
    own = _xml_name(xml)
    # Unwrapped, each item repeats the member's element; wrapped, the items are named after
    # their own schema (its xml.name, its component) or the member.
    item_name = own or ((component or name) if wrapped else name)
    for item in value:
        _element(out, item_name, item, spec, items, depth + 1)


def _resolve(spec: Spec | None, node: Any) -> tuple[Any, str | None]:
    """``node`` with its ``$ref``s followed (and a lone ``allOf`` entry merged shallowly), and the
    last component name a ``$ref`` named."""
    component = None
    for _ in range(20):
        if not isinstance(node, dict):
            return {}, component
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and spec is not None:
            if ref.startswith("#/components/schemas/") or ref.startswith("#/definitions/"):
                component = ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            node = spec.resolve(ref[1:], {})
            continue
        parts = node.get("allOf")
        if isinstance(parts, list) and parts:
            merged = {k: v for k, v in node.items() if k != "allOf"}
            for part in parts:
                part, named = _resolve(spec, part)
                component = component or named
                for k, v in (part if isinstance(part, dict) else {}).items():
                    if k == "properties" and isinstance(v, dict):
                        merged["properties"] = {**v, **merged.get("properties", {})}
                    else:
                        merged.setdefault(k, v)
            return merged, component
        return node, component
    return {}, component


def _properties(node: Any) -> dict[str, Any]:
    props = node.get("properties") if isinstance(node, dict) else None
    return props if isinstance(props, dict) else {}


def _xml_of(node: Any) -> dict[str, Any]:
    xml = node.get("xml") if isinstance(node, dict) else None
    return xml if isinstance(xml, dict) else {}


def _xml_name(xml: dict[str, Any]) -> str | None:
    name = xml.get("name")
    return name if isinstance(name, str) and name else None


def _qualified(name: str, xml: dict[str, Any]) -> str:
    prefix = xml.get("prefix")
    safe = _safe_name(name)
    return f"{_safe_name(prefix)}:{safe}" if isinstance(prefix, str) and prefix else safe


def _safe_name(name: str) -> str:
    """``name`` as an XML name: characters a name cannot hold become ``_``."""
    safe = _NAME_BAD.sub("_", name) or "_"
    if not _NAME_START.match(safe) or safe.lower().startswith("xml"):
        safe = f"_{safe}"
    return safe


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
