"""Real-world spec shapes the runner used to get wrong (issue 13, the runner's classes), each on a
small hand-written spec behind a fake transport:

1. an extra *path* parameter cannot differ on the wire: never a negative case;
6. a HEAD answer has no body: it is not judged for the JSON body its GET documents;
7. a path parameter of a parent no operation creates gets a value from its schema;
8. a path key with a URL fragment goes to the path without it, with the header that selects it
   (``/#X-Amz-Target=...``); where nothing selects it, one spec finding and the operation
   skipped, not failed.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
from _runner_fake import TOKENS, engine_for

from contracttest.openapi.model import Spec
from contracttest.runner.case import Violation
from contracttest.runner.generation import Labelled
from contracttest.runner.http import URL_TEXT_LIMIT
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
def _amz(operation_id: str, target: str | None = None) -> dict[str, Any]:
    params = []
    if target is not None:
        params = [
            {
                "name": "X-Amz-Target",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "enum": [target]},
            }
        ]
    return {
        "post": {
            "operationId": operation_id,
            "parameters": params,
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": OK_JSON},
        }
    }


def test_a_fragment_no_parameter_tells_apart_is_one_spec_finding_and_its_operations_skipped() -> (
    None
):
    spec = spec_of(
        {
            "/#Action=One": _amz("one"),
            "/#Action=Two": _amz("two"),
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
    assert len(found) == 2 and all("fragment" in f.message for f in found)
    skipped = [r for (op, _c), r in result.results.items() if op in ("one", "two")]
    assert skipped and all(r.status is Status.SKIPPED for r in skipped)
    assert "/" not in sent  # nothing was sent to what the fragment leaves of the URL


def test_a_fragment_a_pinned_header_tells_apart_is_tested_with_that_header() -> None:
    """AWS's ``POST /#X-Amz-Target=Svc.Op``: the request goes to ``POST /`` and the required
    header pinned to one value selects the operation, so it is sent (before, every such
    operation was skipped; then every valid request lacked the header and was refused)."""
    spec = spec_of(
        {
            "/#X-Amz-Target=Svc.One": _amz("Svc_One", "Svc.One"),
            "/#X-Amz-Target=Svc.Two": _amz("Svc_Two", "Svc.Two"),
        }
    )
    targets: list[str | None] = []

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/":
            return json_response(404, {"message": "Not Found"})
        if request.method != "POST":
            return httpx.Response(405, headers={"Allow": "POST"})
        target = request.headers.get("x-amz-target")
        targets.append(target)
        if target not in ("Svc.One", "Svc.Two"):
            return json_response(400, {"message": "X-Amz-Target is required"})
        if len(request.content) > 1 << 20:
            return json_response(413, {"message": "request entity too large"})
        if request.headers.get("content-type") != "application/json":
            return json_response(415, {"message": "expected application/json"})
        try:
            body = json.loads(request.content)
        except (ValueError, RecursionError):  # malformed or deeply nested on purpose
            body = None
        if not isinstance(body, dict):
            return json_response(400, {"message": "the body must be an object"})
        return json_response(200, {"id": target})

    result = engine_for(spec, server).run()
    assert result.verdict == "passed", failing(result)
    for label in ("Svc_One", "Svc_Two"):
        got = result.result(label, "request.valid-accepted")
        assert got is not None and got.cases and got.status is Status.PASSED, failing(result)
    assert "Svc.One" in targets and "Svc.Two" in targets
    assert not [f for f in result.spec_findings if f.rule == "spec.unroutable-path"]


# ----------------------------------------------------------------- required headers and query
def test_required_query_and_header_parameters_go_with_every_request_that_needs_them() -> None:
    """Azure's required ``api-version`` query and eBay's ``X-EBAY-C-MARKETPLACE-ID`` header: a
    fixture's create, a valid request, a negative case of the body all carry them (before, only
    the generated valid requests had the query and no case had the header, so a server that
    requires them refused every "valid" request). Header parameters OpenAPI says to ignore
    (``Content-Type``, ``Authorization``) and HTTP's framing (``Content-Length``) are no
    parameters: no case sets or breaks them. And a 204 the
    spec gives a JSON body (HTTP forbids one) is a spec finding, not a response.schema failure."""
    version = {
        "name": "api-version",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "enum": ["2024-01-01"]},
    }
    tenant = {
        "name": "X-Tenant",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "pattern": "^[a-z]{1,8}$"},
    }
    ignored = [
        {"name": "Content-Type", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}},
        # PeerTube documents a required Content-Length: HTTP's framing is the transport's to set
        {"name": "Content-Length", "in": "header", "required": True, "schema": {"type": "integer"}},
    ]
    thing = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    spec = spec_of(
        {
            "/things": {
                "parameters": [version, tenant, *ignored],
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string", "maxLength": 10}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {"application/json": {"schema": thing}},
                        },
                        "400": {"description": "bad"},
                    },
                },
            },
            "/things/{id}": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    version,
                    tenant,
                ],
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": thing}},
                        },
                        "400": {"description": "bad"},
                        "404": {"description": "none"},
                    },
                },
                "delete": {
                    "operationId": "deleteThing",
                    "responses": {
                        "204": {
                            "description": "gone",
                            "content": {"application/json": {"schema": thing}},
                        },
                        "400": {"description": "bad"},
                        "404": {"description": "none"},
                    },
                },
            },
        }
    )
    stored: dict[str, dict[str, Any]] = {}
    refused: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if parts[0] != "things" or len(parts) > 2:
            return json_response(404, {"message": "Not Found"})
        allowed = ("POST",) if len(parts) == 1 else ("GET", "DELETE")
        if request.method not in allowed:
            return httpx.Response(405, headers={"Allow": ", ".join(allowed)})
        if request.headers.get("content-length", str(len(request.content))) != str(
            len(request.content)
        ):
            refused.append(f"{request.method} {request.url.path}: Content-Length")
            return json_response(400, {"message": "Content-Length does not frame the body"})
        if request.url.params.get_list("api-version") != ["2024-01-01"]:
            refused.append(f"{request.method} {request.url.path}: api-version")
            return json_response(400, {"message": "api-version is required"})
        if not re.fullmatch(r"[a-z]{1,8}", request.headers.get("x-tenant", "")):
            refused.append(f"{request.method} {request.url.path}: X-Tenant")
            return json_response(400, {"message": "X-Tenant is required"})
        if len(parts) == 2:
            if parts[1] not in stored:
                return json_response(404, {"message": "not found"})
            if request.method == "DELETE":
                del stored[parts[1]]
                return httpx.Response(204)
            return json_response(200, stored[parts[1]])
        if len(request.content) > 1 << 20:
            return json_response(413, {"message": "request entity too large"})
        if request.headers.get("content-type") != "application/json":
            return json_response(415, {"message": "expected application/json"})
        try:
            sent = json.loads(request.content)
        except (ValueError, RecursionError):
            sent = None
        name = sent.get("name") if isinstance(sent, dict) else None
        if not isinstance(name, str) or len(name) > 10:
            return json_response(400, {"message": "name must be a string of at most 10"})
        item = {"id": str(uuid.uuid4()), "name": name}
        stored[item["id"]] = item
        return json_response(201, item)

    result = engine_for(spec, server, checks=["request", "response", "server"]).run()
    assert result.verdict == "passed", failing(result)
    for label in ("createThing", "getThing", "deleteThing"):
        got = result.result(label, "request.valid-accepted")
        assert got is not None and got.cases and got.status is Status.PASSED, (label, refused)
    assert not [e for e in errors(result) if "api-version" in e or "X-Tenant" in e]
    bodiless = [f for f in result.spec_findings if f.rule == "spec.body-on-bodiless-status"]
    assert len(bodiless) == 1 and "204" in bodiless[0].message


# ------------------------------------------------------------------------ URL-sized parameters
def test_query_limits_beyond_what_a_url_carries_are_not_sent() -> None:
    """AWS documents ``maxLength`` 2147483647 and 65535 on query strings (redshift, chime):
    a boundary value that long was built in memory (MemoryError) or refused by the HTTP client
    (``InvalidURL: query too long``) and the run died. Such a limit cannot be tested through a
    URL: no value past a few KiB is sent, the run finishes."""
    text = {"type": "string", "maxLength": 100_000}
    spec = spec_of(
        {
            "/search": {
                "get": {
                    "operationId": "search",
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": text},
                        {"name": "marker", "in": "query", "schema": text},
                    ],
                    "responses": {"200": OK_JSON, "400": {"description": "bad"}},
                }
            }
        }
    )
    longest: list[int] = []

    def server(request: httpx.Request) -> httpx.Response:
        longest.append(max((len(v) for _, v in request.url.params.multi_items()), default=0))
        if request.method != "GET":
            return httpx.Response(405, headers={"Allow": "GET"})
        if len(request.url.params.get_list("q")) != 1:
            return json_response(400, {"message": "q is required"})
        return json_response(200, {"id": "found"})

    result = engine_for(spec, server, checks=["request", "response", "server"]).run()
    assert result.exit_code == 0, (failing(result), errors(result))
    assert longest and max(longest) <= URL_TEXT_LIMIT


# ------------------------------------------------------------- parents drawn from the schema
def test_a_created_resource_is_addressed_under_the_parents_it_was_created_under() -> None:
    """``/teams/{teamName}/jobs/{jobId}`` where nothing creates a team (azure.com/
    cognitiveservices-ContentModerator.json): the job is created under a team name drawn from
    the schema, and every later request on it must name that team, not another draw (the
    server answered 404 to "a valid request on an existing resource")."""
    team = {"name": "teamName", "in": "path", "required": True, "schema": {"type": "string"}}
    job = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    ok = {"description": "ok", "content": {"application/json": {"schema": job}}}
    spec = spec_of(
        {
            "/teams/{teamName}/jobs": {
                "parameters": [team],
                "post": {
                    "operationId": "createJob",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string", "maxLength": 8}},
                                }
                            }
                        },
                    },
                    "responses": {"201": ok, "400": {"description": "bad"}},
                },
            },
            "/teams/{teamName}/jobs/{jobId}": {
                "parameters": [
                    team,
                    {"name": "jobId", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                "get": {
                    "operationId": "getJob",
                    "responses": {"200": ok, "404": {"description": "none"}},
                },
            },
        }
    )
    jobs: dict[tuple[str, str], dict[str, Any]] = {}

    def server(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if len(parts) not in (3, 4) or parts[0] != "teams" or parts[2] != "jobs":
            return json_response(404, {"message": "Not Found"})
        allowed = "POST" if len(parts) == 3 else "GET"
        if request.method != allowed:
            return httpx.Response(405, headers={"Allow": allowed})
        if len(parts) == 4:
            got = jobs.get((parts[1], parts[3]))
            return json_response(200, got) if got else json_response(404, {"message": "no job"})
        if len(request.content) > 1 << 20:
            return json_response(413, {"message": "request entity too large"})
        if request.headers.get("content-type") != "application/json":
            return json_response(415, {"message": "expected application/json"})
        try:
            sent = json.loads(request.content)
        except (ValueError, RecursionError):
            sent = None
        name = sent.get("name") if isinstance(sent, dict) else None
        if not isinstance(name, str) or len(name) > 8:
            return json_response(400, {"message": "name must be a string of at most 8"})
        item = {"id": str(uuid.uuid4()), "name": name}
        jobs[(parts[1], item["id"])] = item
        return json_response(201, item)

    result = engine_for(spec, server, checks=["request", "response", "server"]).run()
    assert result.verdict == "passed", failing(result)
    got = result.result("getJob", "request.valid-accepted")
    assert got is not None and got.cases and got.status is Status.PASSED, failing(result)


# ------------------------------------------------------- keys that may name nothing; no 2xx
def test_a_lookup_by_a_drawn_key_may_answer_404_and_a_spec_without_success_is_a_finding() -> None:
    """openchannel.io/market.json: ``GET /apps/bySafeName/{safeName}`` with a name drawn from
    the schema names no app, and 404 is the right answer, not a refused valid request; ``DELETE
    /permission/apps/{appId}`` documents only 400 and 404, so its 200 is the spec's gap (one
    spec finding), not a server that answered an undocumented status."""
    name = {"name": "safeName", "in": "path", "required": True, "schema": {"type": "string"}}
    spec = spec_of(
        {
            "/apps/bySafeName/{safeName}": {
                "get": {
                    "operationId": "getBySafeName",
                    "parameters": [name],
                    "responses": {"200": OK_JSON, "404": {"description": "none"}},
                }
            },
            "/permission/{safeName}": {
                "delete": {
                    "operationId": "dropPermission",
                    "parameters": [name],
                    "responses": {"400": {"description": "bad"}, "404": {"description": "none"}},
                }
            },
        }
    )

    def server(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if parts[:2] == ["apps", "bySafeName"] and len(parts) == 3:
            if request.method != "GET":
                return httpx.Response(405, headers={"Allow": "GET"})
            return json_response(404, {"message": "Apps not found"})
        if parts[0] == "permission" and len(parts) == 2:
            if request.method != "DELETE":
                return httpx.Response(405, headers={"Allow": "DELETE"})
            return json_response(200, {"id": parts[1]})
        return json_response(404, {"message": "Not Found"})

    result = engine_for(spec, server, checks=["request", "response", "server"]).run()
    assert result.verdict == "passed", failing(result)
    got = result.result("getBySafeName", "request.valid-accepted")
    assert got is not None and got.cases and got.status is Status.PASSED
    gaps = [f for f in result.spec_findings if f.rule == "spec.no-success-response"]
    assert len(gaps) == 1 and "DELETE /permission/{safeName}" in gaps[0].message


def test_isolation_without_a_resource_to_address_is_skipped_with_the_reason() -> None:
    """A create whose answer names no id (reverb.com.json ``POST /listings``, postmarkapp
    ``POST /domains``) leaves the isolation check nothing to address: it is skipped with that
    reason, not "could not finish" (which counts as the run not carried out)."""
    created = {
        "description": "made",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    spec = spec_of(
        {
            "/notes": {
                "post": {
                    "operationId": "createNote",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": {"201": created},
                }
            },
            "/notes/{id}": {
                "get": {
                    "operationId": "getNote",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": OK_JSON, "404": {"description": "none"}},
                }
            },
        }
    )

    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/notes":
            return json_response(201, {"queued": True})
        return json_response(404, {"message": "Not Found"})

    result = engine_for(spec, server, checks=["auth.isolation"]).run()
    assert not errors(result), errors(result)
    got = result.result("createNote", "auth.isolation")
    assert got is not None and got.status is Status.SKIPPED


def test_a_query_value_is_judged_on_its_own_not_on_headers_the_case_gets_later() -> None:
    """walmart.com/order.json: required ``WM_*`` headers and a required ``createdStartDate``
    query. A boundary value of the query was judged without the headers, found "invalid"
    (header is required) and sent as a negative case, so every valid boundary value went out as
    an invalid one; the headers are added to every request on the way out."""
    from contracttest.runner.generation import Generation

    spec = spec_of(
        {
            "/orders": {
                "get": {
                    "operationId": "listOrders",
                    "parameters": [
                        {
                            "name": "createdStartDate",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 10},
                        },
                        {
                            "name": "WM_SVC.NAME",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {"200": OK_JSON},
                }
            }
        }
    )
    gen = Generation(spec)
    op = spec.operations[0]
    assert gen.wire_findings(op, {}, [("createdStartDate", "x" * 10)]) == []
    past = gen.wire_findings(op, {}, [("createdStartDate", "x" * 11)])
    assert [f.pointer for f in past] == ["/query/createdStartDate"]
    missing = gen.wire_findings(op, {}, [("createdStartDate", "x")], headers={})
    assert [f.pointer for f in missing] == ["/header/WM_SVC.NAME"]


def test_each_operation_gets_the_token_the_way_its_own_security_scheme_takes_it() -> None:
    """cdcgov.local/prime-data-hub.json: some operations take an API key header, others OAuth2
    (a bearer token); the run presented every token the first way it met, and 13 valid
    requests were answered 401."""
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "x-functions-key"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {"tokenUrl": "https://example.com/t", "scopes": {}}
                    },
                },
            }
        },
        "paths": {
            "/reports": {
                "get": {
                    "operationId": "reports",
                    "security": [{"key": []}],
                    "responses": {"200": OK_JSON, "401": {"description": "no"}},
                }
            },
            "/settings": {
                "get": {
                    "operationId": "settings",
                    "security": [{"oauth": []}],
                    "responses": {"200": OK_JSON, "401": {"description": "no"}},
                }
            },
        },
    }
    spec = Spec(doc, source="<t>", sha256="2" * 64)
    token = TOKENS[0]

    def server(request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            return httpx.Response(405, headers={"Allow": "GET"})
        if request.url.path == "/reports":
            ok = request.headers.get("x-functions-key") == token
        elif request.url.path == "/settings":
            ok = request.headers.get("authorization") == f"Bearer {token}"
        else:
            return json_response(404, {"message": "Not Found"})
        return json_response(200, {"id": "x"}) if ok else json_response(401, {"message": "no"})

    result = engine_for(spec, server, checks=["request", "response", "server"]).run()
    assert result.verdict == "passed", failing(result)
    for label in ("reports", "settings"):
        got = result.result(label, "request.valid-accepted")
        assert got is not None and got.cases and got.status is Status.PASSED, label


# ------------------------------------------------------------------ documented non-JSON media types
def test_an_answer_in_a_documented_non_json_media_type_is_not_judged_as_json() -> None:
    # The 200 documents XML beside JSON (AWS query protocol, NPR); the 400 documents only
    # `*/*` (anything); the server picks XML and text: neither is a schema failure.
    ok = {
        "description": "ok",
        "content": {
            "application/json": OK_JSON["content"]["application/json"],
            "application/xml": {"schema": {"type": "object"}},
        },
    }
    spec = spec_of(
        {
            "/ads": {
                "get": {
                    "operationId": "listAds",
                    "responses": {"200": ok, "400": {"description": "bad", "content": {"*/*": {}}}},
                }
            }
        }
    )

    def xml(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/xml"}, text="<ads/>")

    result = engine_for(spec, xml, checks=["response"]).run()
    assert result.verdict == "passed", failing(result)
    schema = result.result("listAds", "response.schema")
    assert schema is not None and schema.status is Status.PASSED and schema.cases

    # the same XML body under a JSON Content-Type is still caught
    def lying(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/json"}, text="<ads/>")

    result = engine_for(spec, lying, checks=["response"]).run()
    assert any("response.schema" in f and "not JSON" in f for f in failing(result)), failing(result)

    # and an undocumented media type is the content-type check's failure
    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/html"}, text="<p>ads</p>")

    result = engine_for(spec, html, checks=["response"]).run()
    assert any(f.startswith("response.content-type") for f in failing(result)), failing(result)


EMPLOYEE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "canApprove"],
    "properties": {"name": {"type": "string"}, "number": {"type": "integer"}},
}


def test_a_schema_no_value_satisfies_is_one_spec_finding_and_its_cases_skipped() -> None:
    """e-conomic.com.json ``Employee``: closed (``additionalProperties: false``) and requiring
    ``canApprove``, which it never declares, so no body of ``POST``/``PUT /employees`` is valid.
    The spec is at fault: one spec finding names the schema and why, and every check that needs
    such a body is skipped with that reason; none "could not finish" (which made the run exit 2)."""
    ref = {"$ref": "#/components/schemas/Employee"}
    body = {"required": True, "content": {"application/json": {"schema": ref}}}
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
    paths = {
        "/employees": {
            "post": {
                "operationId": "createEmployee",
                "requestBody": body,
                "responses": {"201": OK_JSON, "400": {"description": "bad"}},
            },
            "put": {
                "operationId": "updateEmployee",
                "requestBody": body,
                "responses": {"200": OK_JSON, "400": {"description": "bad"}},
            },
        },
        "/employees/{number}": {
            "get": {
                "operationId": "getEmployee",
                "parameters": [number],
                "responses": {"200": OK_JSON, "404": {"description": "none"}},
            }
        },
    }
    doc = spec_of(paths).raw
    spec = Spec(
        {**doc, "components": {"schemas": {"Employee": EMPLOYEE}}}, source="<t>", sha256="1" * 64
    )
    sent: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return json_response(404, {"message": "Not Found"})

    result = engine_for(spec, server).run()
    assert not errors(result), errors(result)
    assert result.exit_code != 2 and result.verdict != "error"
    found = [f for f in result.spec_findings if f.rule == "spec.no-valid-payload"]
    assert len(found) == 1, [f.rule for f in result.spec_findings]
    assert found[0].pointer == "/components/schemas/Employee" and "canApprove" in found[0].message
    for op in ("createEmployee", "updateEmployee"):
        got = result.result(op, "request.valid-accepted")
        assert got is not None and got.status is Status.SKIPPED and "canApprove" in got.reason
    assert not any(s.startswith(("POST", "PUT")) for s in sent if s.endswith("/employees"))


def test_a_parameter_a_path_key_puts_in_its_query_travels_in_the_query() -> None:
    """learnifier.com.json ``GET /users/{userid}/pic?key={APIKEY}``: ``APIKEY`` is documented
    ``in: path`` but the key puts it in the query, as ``key``. Without it the server answered 400
    "APIKEY should not be null", and the unknown-id probe failed for it."""
    spec = spec_of(
        {
            "/users/{userid}/pic?key={APIKEY}": {
                "get": {
                    "operationId": "userPic",
                    "parameters": [
                        {
                            "name": "userid",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "APIKEY",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": OK_JSON,
                        "400": {"description": "bad"},
                        "404": {"description": "none"},
                    },
                }
            }
        }
    )
    keys: list[str | None] = []

    def server(request: httpx.Request) -> httpx.Response:
        key = request.url.params.get("key")
        if request.url.path.startswith("/users/"):
            keys.append(key)
        if key is None:
            return json_response(400, {"message": "APIKEY should not be null or undefined"})
        return json_response(404, {"message": "no such user"})

    result = engine_for(spec, server, checks=["request.unknown-id", "request.valid-accepted"]).run()
    assert keys and None not in keys
    assert failing(result) == []


def test_an_id_drawn_after_creates_that_named_no_id_is_not_called_unused() -> None:
    """cpy.re/peertube.json ``POST /api/v1/abuses`` may answer ``{}`` (its schema leaves
    ``abuse.id`` optional): the objects exist, numbered 1, 2..., and the run does not know their
    ids. An id drawn for ``PUT /api/v1/abuses/{abuseId}`` may name one of them, so a 204 is no
    "returned a resource for an id that does not exist"."""
    abuse_id = {
        "name": "abuseId",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 1},
    }
    report = {"type": "object", "properties": {"reason": {"type": "string", "minLength": 2}}}
    answer = {
        "type": "object",
        "properties": {"abuse": {"type": "object", "properties": {"id": {"type": "integer"}}}},
    }
    spec = spec_of(
        {
            "/abuses": {
                "post": {
                    "operationId": "report",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": report}},
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": answer}},
                        },
                        "400": {"description": "bad"},
                    },
                }
            },
            "/abuses/{abuseId}": {
                "put": {
                    "operationId": "updateAbuse",
                    "parameters": [abuse_id],
                    "requestBody": {"content": {"application/json": {"schema": report}}},
                    "responses": {
                        "204": {"description": "done"},
                        "400": {"description": "bad"},
                        "404": {"description": "none"},
                    },
                }
            },
        }
    )
    made: list[int] = []

    def server(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        try:
            body = json.loads(request.content or b"{}")
        except (ValueError, RecursionError):
            return json_response(400, {"message": "malformed JSON"})
        reason = body.get("reason", "ok") if isinstance(body, dict) else None
        if not isinstance(reason, str) or len(reason) < 2:
            return json_response(400, {"message": "reason must be a string of 2 or more"})
        if parts == ["abuses"] and request.method == "POST":
            made.append(len(made) + 1)
            return json_response(200, {})
        if len(parts) == 2 and request.method == "PUT":
            known = parts[1].isdigit() and int(parts[1]) in made
            return httpx.Response(204) if known else json_response(404, {"message": "no"})
        return json_response(404, {"message": "Not Found"})

    result = engine_for(spec, server, checks=["request.unknown-id", "request.valid-accepted"]).run()
    assert made
    assert failing(result) == []


def test_a_body_only_overlapping_oneof_branches_speak_against_is_no_negative_case() -> None:
    """mailscript.com.json ``POST /actions``: a ``oneOf`` of object schemas that declare no
    ``type``, so every branch takes ``"x"`` or ``[]``. Plain JSON Schema calls such a value
    invalid (it matches more than one branch), but that is the spec contradicting itself (a spec
    finding), not a value the server must refuse: the boundary and robustness cases built on it
    failed "answered 201 to an invalid request". Values no branch takes are still refused."""
    thing = {
        "oneOf": [
            {"required": ["a"], "properties": {"a": {"type": "string", "maxLength": 3}}},
            {"required": ["b"], "properties": {"b": {"type": "integer", "maximum": 5}}},
        ]
    }
    spec = spec_of(
        {
            "/things": {
                "post": {
                    "operationId": "addThing",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": thing}},
                    },
                    "responses": {"201": OK_JSON, "400": {"description": "bad"}},
                }
            }
        }
    )
    refused: list[Any] = []

    def server(request: httpx.Request) -> httpx.Response:
        if not request.headers.get("content-type", "").startswith("application/json"):
            return json_response(415, {"message": "JSON only"})
        try:
            body = json.loads(request.content)
        except (ValueError, RecursionError):
            return json_response(400, {"message": "malformed JSON"})
        if isinstance(body, dict):
            a, b = body.get("a"), body.get("b")
            ok_a = isinstance(a, str) and len(a) <= 3
            ok_b = isinstance(b, int) and not isinstance(b, bool) and b <= 5
            if not (ok_a or ok_b):
                refused.append(body)
                return json_response(400, {"message": "a must be at most 3 characters"})
        return json_response(201, {"id": "t-1"})

    result = engine_for(spec, server, checks=["request.invalid-rejected"]).run()
    assert failing(result) == []
    assert refused  # the bodies no branch takes were sent, and refused
    assert any(f.rule == "spec.self-contradiction" for f in result.spec_findings)
