"""Real-world spec shapes the runner used to get wrong (issue 13, the runner's classes), each on a
small hand-written spec behind a fake transport:

1. an extra *path* parameter cannot differ on the wire: never a negative case;
6. a HEAD answer has no body: it is not judged for the JSON body its GET documents;
7. a path parameter of a parent no operation creates gets a value from its schema;
8. a path key with a URL fragment (``/#X-Amz-Target=...``) is one spec finding, its operation
   skipped, not failed.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from _runner_fake import engine_for

from contracttest.openapi.model import Spec
from contracttest.runner.case import Violation
from contracttest.runner.generation import Labelled
from contracttest.runner.results import Status

OK_JSON = {
    "description": "ok",
    "content": {
        "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}
    },
}


def spec_of(paths: dict[str, Any]) -> Spec:
    return Spec(
        {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths},
        source="<t>",
        sha256="1" * 64,
    )


def json_response(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


def failing(result: Any) -> list[str]:
    return [f"{f.check}: {f.finding.message}" for f in result.failures()]


def errors(result: Any) -> list[str]:
    return [e for r in result.results.values() for e in r.errors]


# ------------------------------------------------------------------------------------- class 1
def test_an_extra_path_parameter_is_never_a_negative_case() -> None:
    spec = spec_of(
        {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        }
                    ],
                    "responses": {"200": OK_JSON, "404": {"description": "no"}},
                }
            }
        }
    )
    engine = engine_for(spec, lambda r: json_response(200, {"id": "x"}))
    op = spec.operation("getThing")
    # the generators' "unknown property" mutation of the path group: on the wire it is the same
    # URL as a valid request
    extra = Labelled(
        {"path": {"id": "00000000-0000-4000-8000-000000000000", "unexpectedProperty": "x"}},
        Violation("schema.additionalProperties", "/path/unexpectedProperty"),
    )
    assert engine.builder.invalid_params_case(op, extra, None) is None
    # and the enumeration has no unit for it
    units = [u for e in engine.builder.coverage(op) for u in e.units]
    assert units and not any(
        u.part == "path" and u.rule == "schema.additionalProperties" for u in units
    )


# ------------------------------------------------------------------------------------- class 6
def test_a_head_answer_is_not_judged_for_a_json_body() -> None:
    spec = spec_of(
        {
            "/things": {
                "get": {"operationId": "listThings", "responses": {"200": OK_JSON}},
                "head": {"operationId": "headThings", "responses": {"200": OK_JSON}},
            }
        }
    )

    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "HEAD":
            return httpx.Response(200, headers={"content-type": "application/json"})
        return json_response(200, {"id": "1"})

    result = engine_for(spec, server, checks=["response", "server"]).run()
    assert result.verdict == "passed", failing(result)
    head = result.result("headThings", "response.schema")
    assert head is not None and head.status is Status.PASSED and head.cases


# ------------------------------------------------------------------------------------- class 7
def test_a_parent_no_operation_creates_gets_a_path_value_from_its_schema() -> None:
    account = {
        "name": "accountId",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    message = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "text": {"type": "string"}},
    }
    body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string", "maxLength": 5}},
                }
            }
        },
    }
    spec = spec_of(
        {
            "/accounts/{accountId}/messages": {
                "parameters": [account],
                "post": {
                    "operationId": "sendMessage",
                    "requestBody": body,
                    "responses": {
                        "201": {
                            "description": "sent",
                            "content": {"application/json": {"schema": message}},
                        },
                        "400": {"description": "bad"},
                    },
                },
                "get": {
                    "operationId": "listMessages",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": message}}
                            },
                        }
                    },
                },
            }
        }
    )
    stored: list[dict[str, Any]] = []

    def server(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) < 1:
            return json_response(400, {"message": ["accountId must be a positive integer"]})
        if request.method == "GET":
            return json_response(200, stored)
        try:
            sent = json.loads(request.content)
        except (ValueError, RecursionError):
            return json_response(400, {"message": ["malformed JSON"]})
        text = sent.get("text") if isinstance(sent, dict) else None
        if (
            not isinstance(sent, dict)
            or set(sent) != {"text"}
            or not isinstance(text, str)
            or len(text) > 5
        ):
            return json_response(
                400, {"message": ["text must be a string of at most 5 characters"]}
            )
        item = {"id": str(len(stored) + 1), "text": text}
        stored.append(item)
        return json_response(201, item)

    result = engine_for(spec, server, checks=["request", "response", "server"]).run()
    assert not [e for e in errors(result) if "no value for path parameter" in e], errors(result)
    sent = result.result("sendMessage", "request.valid-accepted")
    assert sent is not None and sent.cases and sent.status is Status.PASSED, failing(result)


# ------------------------------------------------------------------------------------- class 8
def test_a_path_with_a_fragment_is_one_spec_finding_and_its_operation_is_skipped() -> None:
    target = "/#X-Amz-Target=VoiceID.AssociateFraudster"
    spec = spec_of(
        {
            target: {
                "post": {
                    "operationId": "associateFraudster",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object"}}}
                    },
                    "responses": {"200": OK_JSON},
                }
            },
            "/health": {"get": {"operationId": "health", "responses": {"200": OK_JSON}}},
        }
    )
    sent: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if request.url.path == "/health" and request.method == "GET":
            return json_response(200, {"id": "ok"})
        return json_response(404, {"message": "Not Found"})

    result = engine_for(spec, server).run()
    assert result.verdict == "passed", failing(result)
    found = [f for f in result.spec_findings if f.rule == "spec.unroutable-path"]
    assert len(found) == 1 and "fragment" in found[0].message
    skipped = [r for (op, _c), r in result.results.items() if op == "associateFraudster"]
    assert skipped and all(r.status is Status.SKIPPED for r in skipped)
    assert "/" not in sent  # nothing was sent to what the fragment leaves of the URL
