"""The mock answers in the media type the spec documents for the status when it documents no JSON
there (corpus: AWS's query protocol in text/xml, NPR's VAST in application/xml, AEM's
application/octet-stream 401, Azure's octet-stream 400s)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import httpx

from contracttest.openapi.model import Spec

TOKEN = "media-token"
STR = {"type": "string"}


def _spec() -> Spec:
    octet = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    xml_error = {"application/xml": {"schema": {"$ref": "#/components/schemas/Fault"}}}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "media", "version": "1"},
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Report": {
                    "type": "object",
                    "required": ["Name", "Lines"],
                    "properties": {
                        "Name": STR,
                        "Lines": {"type": "array", "items": STR, "xml": {"wrapped": True}},
                    },
                },
                "Fault": {"type": "object", "properties": {"message": STR}},
            },
        },
        "paths": {
            "/": {
                "get": {
                    "operationId": "describe",
                    "parameters": [
                        {"name": "Action", "in": "query", "required": True, "schema": STR}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "text/xml": {"schema": {"$ref": "#/components/schemas/Report"}}
                            },
                        },
                        "400": {"description": "bad", "content": xml_error},
                        "401": {"description": "no", "content": octet},
                    },
                }
            },
            "/thumbnail": {
                "post": {
                    "operationId": "thumbnail",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["url"],
                                    "properties": {"url": STR},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {"description": "ok", "content": {"image/*": {}}},
                        "400": {"description": "bad", "content": octet},
                        "401": {"description": "no", "content": {"text/plain": {}}},
                    },
                }
            },
        },
    }
    return Spec(doc, source="<media>", sha256="0")


def test_answers_and_errors_in_the_documented_media_type(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    app = make_app(_spec(), tokens=[TOKEN], check_responses=True)
    c = make_client(app, TOKEN)
    r = c.get("/", params={"Action": "Describe"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(r.content)
    assert root.tag == "Report" and root.find("Name") is not None and root.find("Lines") is not None
    # a documented XML fault carries the message where its schema has one
    r = c.get("/")
    assert r.status_code == 400 and r.headers["content-type"] == "application/xml; charset=utf-8"
    assert "Action" in (ET.fromstring(r.content).findtext("message") or "")
    # octet-stream and text errors are the message itself
    r = make_client(app).get("/", params={"Action": "Describe"})
    assert r.status_code == 401 and r.headers["content-type"] == "application/octet-stream"
    assert b"credentials" in r.content
    r = c.post("/thumbnail", json={})
    assert r.status_code == 400 and r.headers["content-type"] == "application/octet-stream"
    assert b"url" in r.content
    r = make_client(app).post("/thumbnail", json={"url": "u"})
    assert r.status_code == 401 and r.headers["content-type"] == "text/plain; charset=utf-8"
    # a success documented as image/* without a schema: that media type, no body to invent
    r = c.post("/thumbnail", json={"url": "u"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content == b""
