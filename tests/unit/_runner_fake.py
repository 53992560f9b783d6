"""A tiny spec and an in-memory server behind a fake transport (``httpx.MockTransport``), for unit
tests of the runner's engine and case sources: no socket, no thread, every request recorded."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from contracttest.openapi.model import Spec
from contracttest.runner.engine import Engine
from contracttest.runner.http import HttpClient
from contracttest.runner.plan import RunConfig, build_plan

TOKENS = ("tok-org-one-aaaaaaaa", "tok-org-two-bbbbbbbb")
BASE = "http://127.0.0.1:9"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

ITEM = {
    "type": "object",
    "required": ["id", "name", "kind"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "maxLength": 10},
        "kind": {"type": "string", "enum": ["a", "b"]},
    },
}
CREATE = {
    "type": "object",
    "required": ["name", "kind"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 10},
        "kind": {"type": "string", "enum": ["a", "b"]},
    },
}
UPDATE = {
    "type": "object",
    "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 10}},
}
ERROR = {"description": "error"}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def items_spec() -> Spec:
    """One resource, ``/items``: create, list (``limit`` 1..50), get, patch, delete; bearer auth."""
    errors = {"400": ERROR, "401": ERROR, "404": ERROR}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "items", "version": "1"},
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/items": {
                "post": {
                    "operationId": "createItem",
                    "requestBody": {"required": True, **_json(CREATE)},
                    "responses": {"201": {"description": "created", **_json(ITEM)}, **errors},
                },
                "get": {
                    "operationId": "listItems",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            **_json({"type": "array", "items": ITEM}),
                        },
                        **errors,
                    },
                },
            },
            "/items/{id}": {
                "parameters": [ID],
                "get": {
                    "operationId": "getItem",
                    "responses": {"200": {"description": "ok", **_json(ITEM)}, **errors},
                },
                "patch": {
                    "operationId": "updateItem",
                    "requestBody": {"required": True, **_json(UPDATE)},
                    "responses": {"200": {"description": "ok", **_json(ITEM)}, **errors},
                },
                "delete": {
                    "operationId": "deleteItem",
                    "responses": {"200": {"description": "ok", **_json(ITEM)}, **errors},
                },
            },
        },
    }
    return Spec(doc, source="<items>", sha256="0" * 64)


class ItemsServer:
    """A correct in-memory implementation of `items_spec` (one store per token), with optional
    defects, that records every request it gets."""

    def __init__(self, bug: str | None = None) -> None:
        self.bug = bug
        self.store: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TOKENS}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        try:
            status, body = self.handle(request)
        except _Problem as p:
            status, body = p.status, {"message": p.messages, "statusCode": p.status}
        return httpx.Response(status, json=body)

    def handle(self, request: httpx.Request) -> tuple[int, Any]:
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        if token not in self.store and self.bug != "no-auth":
            raise _Problem(401, ["Unauthorized"])
        store = self.store.get(token, self.store[TOKENS[0]])
        parts = request.url.path.strip("/").split("/")
        if parts[0] != "items" or len(parts) > 2:
            raise _Problem(404, [f"Cannot {request.method} {request.url.path}"])
        if len(parts) == 1:
            if request.method == "POST":
                body = self.body(request, CREATE)
                item = {"id": str(uuid.uuid4()), **body}
                store[item["id"]] = item
                return 201, item
            if request.method == "GET":
                limit = request.url.params.get("limit")
                n = 100
                if limit is not None:
                    if not limit.isdigit() or not 1 <= int(limit) <= 50:
                        raise _Problem(400, ["limit must be between 1 and 50"])
                    n = int(limit)
                return 200, list(store.values())[:n]
            raise _Problem(404, ["no route"])
        rid = parts[1]
        if not UUID.match(rid):
            raise _Problem(400, ["id must be a UUID"])
        item = store.get(rid)
        if item is None:
            raise _Problem(404, ["not found"])
        if request.method == "GET":
            return 200, item
        if request.method == "PATCH":
            item.update(self.body(request, UPDATE))
            return 200, item
        if request.method == "DELETE":
            del store[rid]
            return 200, item
        raise _Problem(404, ["no route"])

    def body(self, request: httpx.Request, schema: dict[str, Any]) -> dict[str, Any]:
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            raise _Problem(415, ["unsupported media type"])
        try:
            body = json.loads(request.content)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise _Problem(400, ["malformed JSON"]) from None
        if not isinstance(body, dict):
            raise _Problem(400, ["the body must be an object"])
        problems = []
        props = schema["properties"]
        for key in body:
            if key not in props:
                problems.append(f"property {key} should not exist")
        for key in schema.get("required", ()):
            if key not in body:
                problems.append(f"{key} is required")
        for key, rule in props.items():
            if key not in body:
                continue
            value = body[key]
            if not isinstance(value, str):
                problems.append(f"{key} must be a string")
            elif "enum" in rule and value not in rule["enum"]:
                problems.append(f"{key} must be one of {rule['enum']}")
            elif (
                not rule.get("minLength", 0) <= len(value) <= rule.get("maxLength", 10**9)
                and self.bug != "accept-long-name"
            ):
                problems.append(f"{key} must be 1 to 10 characters")
        if problems:
            raise _Problem(400, problems)
        return body


class _Problem(Exception):
    def __init__(self, status: int, messages: list[str]) -> None:
        super().__init__(status)
        self.status = status
        self.messages = messages


def fake_client(handler: Callable[[httpx.Request], httpx.Response]) -> HttpClient:
    return HttpClient(BASE, transport=httpx.MockTransport(handler), retries=0)


def engine_for(
    spec: Spec,
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    checks: list[str] | None = None,
    max_examples: int = 3,
    seed: int = 3,
    tokens: tuple[str, ...] = TOKENS,
    allow_writes: bool = True,
    base_url: str = BASE,
    **config: Any,
) -> Engine:
    """An engine for ``spec`` whose requests go to ``handler`` (as a live endpoint)."""
    cfg = RunConfig(
        spec=spec,
        base_url=base_url,
        tokens=list(tokens),
        max_examples=max_examples,
        seed=seed,
        checks=checks,
        allow_writes=allow_writes,
        **config,
    )
    plan = build_plan(cfg, base_url, "live")
    client = HttpClient(base_url, transport=httpx.MockTransport(handler), retries=0)
    return Engine(plan, client=client)
