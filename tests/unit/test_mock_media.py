"""Answers in the documented non-JSON media types: which one (`wire_media`) and how (`encode`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from contracttest.mock.media import encode, render_xml, wire_media
from contracttest.openapi.model import Spec


def make_spec(responses: dict[str, Any], schemas: dict[str, Any] | None = None) -> Spec:
    return Spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/p": {"get": {"operationId": "op", "responses": responses}}},
            "components": {"schemas": schemas or {}},
        },
        source="<test>",
        sha256="0",
    )


def content(*types: str) -> dict[str, Any]:
    return {"description": "d", "content": {t: {"schema": {"type": "string"}} for t in types}}


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (("application/json", "application/xml"), None),  # JSON wherever JSON is documented
        (("application/vnd.api+json",), None),
        (("text/xml",), "text/xml"),  # AWS's query protocol
        (("text/plain", "application/xml"), "application/xml"),
        (("application/octet-stream", "text/plain"), "text/plain"),
        (("application/octet-stream",), "application/octet-stream"),  # AEM's 401
        (("text/*",), "text/plain"),
        (("image/*",), "image/png"),
    ],
)
def test_the_answer_takes_the_documented_media_type_when_no_json_is(
    types: tuple[str, ...], expected: str | None
) -> None:
    op = make_spec({"200": content(*types)}).operations[0]
    assert wire_media(op, 200) == expected


def test_nothing_documented_is_json() -> None:
    op = make_spec({"200": {"description": "ok"}, "default": content("text/plain")}).operations[0]
    assert wire_media(op, 200) is None
    assert wire_media(op, 500) == "text/plain"  # default documents the other statuses


def test_xml_follows_the_xml_object_and_names_the_root_after_the_component() -> None:
    schemas = {
        "Pet": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "xml": {"attribute": True}},
                "name": {"type": "string", "xml": {"name": "petName"}},
                "tags": {
                    "type": "array",
                    "xml": {"wrapped": True},
                    "items": {"type": "string", "xml": {"name": "tag"}},
                },
                "aliases": {"type": "array", "items": {"type": "string"}},
                "owner": {"$ref": "#/components/schemas/Owner"},
                "ok": {"type": "boolean"},
            },
        },
        "Owner": {"type": "object", "properties": {"a b": {"type": "string"}}},
    }
    spec = make_spec({"200": content("application/xml")}, schemas)
    value = {
        "id": 7,
        "name": "Rex <&>",
        "tags": ["x", "y"],
        "aliases": ["r1", "r2"],
        "owner": {"a b": "Ann"},
        "ok": True,
    }
    out = render_xml(value, spec, {"$ref": "#/components/schemas/Pet"})
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?><Pet id="7">')
    root = ET.fromstring(out)
    assert root.tag == "Pet" and root.get("id") == "7"
    assert root.findtext("petName") == "Rex <&>"
    tags = root.find("tags")
    assert tags is not None and [t.text for t in tags] == ["x", "y"]
    assert [a.text for a in root.findall("aliases")] == ["r1", "r2"]  # unwrapped: repeated
    assert root.findtext("owner/a_b") == "Ann"  # a name XML cannot hold
    assert root.findtext("ok") == "true"
    assert render_xml(value, spec, {"$ref": "#/components/schemas/Pet"}) == out  # deterministic


def test_xml_root_arrays_namespaces_and_empty_objects() -> None:
    schemas = {
        "Item": {
            "type": "object",
            "xml": {"name": "item", "namespace": "urn:x", "prefix": "x"},
            "properties": {"n": {"type": "integer"}},
        }
    }
    spec = make_spec({"200": content("text/xml")}, schemas)
    items = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
    out = render_xml([{"n": 1}, {"n": 2}], spec, items)
    root = ET.fromstring(out)
    assert root.tag == "response" and len(root) == 2
    assert root[0].tag == "{urn:x}item" and root[0].findtext("n") == "1"
    empty = render_xml({}, spec, {"$ref": "#/components/schemas/Item"})
    assert ET.fromstring(empty).tag == "{urn:x}item"


def test_text_and_bytes_carry_the_value() -> None:
    assert encode("text/plain", "limit must be at most 50") == b"limit must be at most 50"
    assert encode("application/octet-stream", "oops") == b"oops"
    assert encode("text/csv", {"a": 1}) == b'{"a":1}'
    assert encode("application/octet-stream", None) == b""
    assert encode("image/png", {}) == b""
