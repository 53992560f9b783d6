"""What the full Vapi spec's run against our own mock ran into, each on a small hand-written spec:
the mock is a correct server, so every run here is clean.

* a required query parameter on a PATCH (``schemaOverride``): the lifecycle's PATCH sends it;
* an action with a required query parameter (``force``) and an optional one (``persist``): a
  value of ``persist`` just past its limit keeps ``force``, so the 400 is about ``persist``;
* a list answering ``oneOf: [array, page]`` whose create answer has more members (``url``) than
  the list items declare: the listed items hold only what the item schema declares;
* a create body naming the object (``fileId``, then ``/base/{id}/file/{fileId}``): the mock
  echoes the client's key instead of minting one, and the runner sends one the item path accepts;
* a ``oneOf`` whose open branches overlap (``smartEndpointingPlan``): the mock echoes the plan,
  and the runner reports the overlap as the spec's defect, not a failed check.
"""

from __future__ import annotations

from typing import Any

import pytest
from _runner_support import TOKENS, describe, run_runner

from contracttest.mock.server import running_mock
from contracttest.openapi.model import Spec
from contracttest.runner.results import Status

pytestmark = pytest.mark.network

ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _ok(status: str, ref: str | None = None, schema: Any = None) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}} if schema is not None else _json(ref or "")
    return {status: {"description": "ok", "content": content}}


PLAN = {
    "oneOf": [
        {"$ref": "#/components/schemas/PlainPlan"},
        {"$ref": "#/components/schemas/ServerPlan"},
    ]
}
SCHEMAS: dict[str, Any] = {
    "PlainPlan": {
        "type": "object",
        "required": ["provider"],
        "properties": {"provider": {"type": "string", "enum": ["plain", "server"]}},
    },
    "ServerPlan": {
        "type": "object",
        "required": ["provider"],
        "properties": {
            "provider": {"type": "string", "enum": ["plain", "server"]},
            "server": {"type": "object", "properties": {"url": {"type": "string"}}},
        },
    },
    "CreateOutput": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "maxLength": 40}, "plan": PLAN},
    },
    "UpdateOutput": {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 40}, "plan": PLAN},
    },
    "Output": {
        "type": "object",
        "required": ["id", "name", "createdAt"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "plan": PLAN,
            "createdAt": {"type": "string", "format": "date-time"},
        },
    },
    "CreateBase": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "maxLength": 40}},
    },
    "Base": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}},
    },
    "Attach": {
        "type": "object",
        "required": ["fileId"],
        "properties": {"fileId": {"type": "string"}},
    },
    "Attached": {
        "type": "object",
        "required": ["id", "baseId", "fileId", "createdAt"],
        "properties": {
            "id": {"type": "string"},
            "baseId": {"type": "string"},
            "fileId": {"type": "string"},
            "createdAt": {"type": "string", "format": "date-time"},
        },
    },
    "CreateRun": {
        "type": "object",
        "required": ["iterations"],
        "properties": {"iterations": {"type": "integer", "minimum": 1, "maximum": 10}},
    },
    "Run": {
        "type": "object",
        "required": ["id", "iterations", "createdAt"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "iterations": {"type": "integer"},
            "createdAt": {"type": "string", "format": "date-time"},
        },
    },
    "CreatedRun": {
        "type": "object",
        "required": ["id", "iterations", "createdAt", "url", "itemIds"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "iterations": {"type": "integer"},
            "createdAt": {"type": "string", "format": "date-time"},
            "url": {"type": "string"},
            "itemIds": {"type": "array", "items": {"type": "string"}},
        },
    },
    "RunPage": {
        "type": "object",
        "required": ["results", "metadata"],
        "properties": {
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}},
            "metadata": {
                "type": "object",
                "required": ["totalItems"],
                "properties": {"totalItems": {"type": "number"}},
            },
        },
    },
}
LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "number", "minimum": 0, "maximum": 1000},
}
DOC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "full-spec regressions", "version": "1"},
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": SCHEMAS,
    },
    "paths": {
        "/output": {
            "post": {
                "operationId": "createOutput",
                "requestBody": {"required": True, "content": _json("CreateOutput")},
                "responses": _ok("201", "Output"),
            },
            "get": {
                "operationId": "listOutputs",
                "parameters": [LIMIT],
                "responses": _ok(
                    "200",
                    schema={"type": "array", "items": {"$ref": "#/components/schemas/Output"}},
                ),
            },
        },
        "/output/{id}": {
            "get": {
                "operationId": "getOutput",
                "parameters": [ID],
                "responses": _ok("200", "Output"),
            },
            "patch": {
                "operationId": "updateOutput",
                "parameters": [
                    ID,
                    {
                        "name": "schemaOverride",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {"required": True, "content": _json("UpdateOutput")},
                "responses": _ok("200", "Output"),
            },
            "delete": {
                "operationId": "deleteOutput",
                "parameters": [ID],
                "responses": _ok("200", "Output"),
            },
        },
        "/base": {
            "post": {
                "operationId": "createBase",
                "requestBody": {"required": True, "content": _json("CreateBase")},
                "responses": _ok("201", "Base"),
            },
        },
        "/base/{id}": {
            "get": {"operationId": "getBase", "parameters": [ID], "responses": _ok("200", "Base")},
            "delete": {
                "operationId": "deleteBase",
                "parameters": [ID],
                "responses": _ok("200", "Base"),
            },
        },
        "/base/{id}/file": {
            "post": {
                "operationId": "attachFile",
                "parameters": [ID],
                "requestBody": {"required": True, "content": _json("Attach")},
                "responses": _ok("201", "Attached"),
            },
            "get": {
                "operationId": "listFiles",
                "parameters": [ID],
                "responses": _ok(
                    "200",
                    schema={"type": "array", "items": {"$ref": "#/components/schemas/Attached"}},
                ),
            },
        },
        "/base/{id}/file/{fileId}": {
            "delete": {
                "operationId": "detachFile",
                "parameters": [
                    ID,
                    {
                        "name": "fileId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    },
                ],
                "responses": {"200": {"description": "detached"}},
            }
        },
        "/run": {
            "post": {
                "operationId": "createRun",
                "requestBody": {"required": True, "content": _json("CreateRun")},
                "responses": _ok("201", "CreatedRun"),
            },
            "get": {
                "operationId": "listRuns",
                "parameters": [LIMIT],
                "responses": _ok(
                    "200",
                    schema={
                        "oneOf": [
                            {"type": "array", "items": {"$ref": "#/components/schemas/Run"}},
                            {"$ref": "#/components/schemas/RunPage"},
                        ]
                    },
                ),
            },
        },
        "/run/{id}": {
            "get": {"operationId": "getRun", "parameters": [ID], "responses": _ok("200", "Run")},
        },
        "/run/{id}/generate": {
            "post": {
                "operationId": "generate",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "force",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "persist",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["yes", "no"]},
                    },
                ],
                "responses": {"201": {"description": "done"}},
            }
        },
    },
}


@pytest.fixture(scope="module")
def result() -> Any:
    spec = Spec(DOC, source="<full-spec regressions>", sha256="0")
    with running_mock(spec, tokens=TOKENS) as url:
        return run_runner(spec, url, max_examples=2, seed=1, allow_writes=True, target="mock")


def test_the_mock_gets_a_clean_run(result: Any) -> None:
    assert result.verdict == "passed", describe(result)


def test_a_patch_with_a_required_query_parameter_is_checked(result: Any) -> None:
    # The lifecycle's PATCH carried schemaOverride: it was checked, not skipped or failed.
    lifecycle = result.results[("updateOutput", "stateful.lifecycle")]
    assert lifecycle.status is Status.PASSED and lifecycle.cases > 0, describe(result)


def test_a_query_value_past_its_limit_keeps_the_required_parameters(result: Any) -> None:
    names = result.results[("generate", "request.error-names-field")]
    assert names.status is Status.PASSED and names.cases > 0, describe(result)


def test_the_overlapping_oneof_is_a_spec_finding(result: Any) -> None:
    # The plan came back as sent (the lifecycle passed), and the overlap is the spec's finding.
    found = [
        f.message
        for f in result.spec_findings
        if f.rule == "spec.self-contradiction" and "plan" in f.message and "overlap" in f.message
    ]
    assert found, [(f.rule, f.message) for f in result.spec_findings]
    for op in ("createOutput", "getOutput"):
        assert result.results[(op, "stateful.lifecycle")].status is Status.PASSED, describe(result)


def test_an_attached_file_keeps_the_key_the_client_sent(result: Any) -> None:
    for op in ("attachFile", "detachFile"):
        lifecycle = result.results[(op, "stateful.lifecycle")]
        assert lifecycle.status is Status.PASSED and lifecycle.cases > 0, describe(result)


def test_the_mock_echoes_a_client_named_key() -> None:
    from contracttest.mock.app import create_app
    from contracttest.transport.asgi import in_process_client

    spec = Spec(DOC, source="<full-spec regressions>", sha256="0")
    app = create_app(spec, tokens=["t-1"], check_responses=True)
    with in_process_client(app, headers={"Authorization": "Bearer t-1"}) as c:
        base = c.post("/base", json={"name": "b"}).json()["id"]
        # Any string is a valid fileId in the body (only the path wants a uuid): it comes back as sent.
        r = c.post(f"/base/{base}/file", json={"fileId": "0"})
        assert r.status_code == 201 and r.json()["fileId"] == "0", r.text
        key = "5D3C1A62-0F4B-4A53-9D0A-6B1E0C2B7F11"
        r = c.post(f"/base/{base}/file", json={"fileId": key})
        assert r.status_code == 201 and r.json()["fileId"] == key, r.text
        # Attaching it again replaces the attachment; it is addressed by that key.
        assert c.post(f"/base/{base}/file", json={"fileId": key}).status_code == 201
        assert len(c.get(f"/base/{base}/file").json()) == 2
        assert c.delete(f"/base/{base}/file/{key.lower()}").status_code == 200
        assert c.delete(f"/base/{base}/file/{key}").status_code == 404


def _jobs_doc(created: dict[str, Any]) -> dict[str, Any]:
    job = {"type": "object", "properties": {"id": {"type": "string"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "jobs", "version": "1"},
        "paths": {
            "/jobs": {
                "post": {
                    "operationId": "runJob",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string", "maxLength": 20}},
                                }
                            }
                        },
                    },
                    "responses": _ok("201", schema=created),
                },
                "get": {
                    "operationId": "listJobs",
                    "responses": _ok("200", schema={"type": "array", "items": job}),
                },
            },
            "/jobs/{id}": {
                "get": {
                    "operationId": "getJob",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": _ok("200", schema=job),
                }
            },
        },
    }


def _jobs_server() -> Any:
    """Starts jobs and answers ``{"accepted": true}``: no id, which only some specs promise."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def run(_request: Request) -> JSONResponse:
        return JSONResponse({"accepted": True}, 201)

    async def listing(_request: Request) -> JSONResponse:
        return JSONResponse([])

    async def get(_request: Request) -> JSONResponse:
        return JSONResponse({"message": "not found"}, 404)

    return Starlette(
        routes=[
            Route("/jobs", run, methods=["POST"]),
            Route("/jobs", listing, methods=["GET"]),
            Route("/jobs/{id}", get, methods=["GET"]),
        ]
    )


@pytest.mark.parametrize(
    ("created", "flagged"),
    [
        ({"type": "object"}, False),  # POST /eval/run: the spec promises no id
        ({"type": "object", "properties": {"id": {"type": "string"}}}, True),
    ],
)
def test_a_create_without_an_id_is_flagged_only_where_the_spec_declares_one(
    created: dict[str, Any], flagged: bool
) -> None:
    spec = Spec(_jobs_doc(created), source="<jobs>", sha256="0")
    with running_mock(_jobs_server()) as url:
        result = run_runner(
            spec, url, max_examples=1, checks=["stateful.lifecycle"], allow_writes=True
        )
    rules = {f.finding.rule for f in result.failures()}
    assert ("stateful.no-id" in rules) is flagged, describe(result)
    if not flagged:
        assert result.verdict == "passed", describe(result)


def test_odd_text_never_becomes_an_attachment_key(result: Any) -> None:
    # Odd text (quotes, NUL, emoji) goes to stored text, not to the fileId that addresses the
    # attachment: the path wants a uuid, so such an attachment could never be deleted. (A
    # generated fileId may still be no uuid: the spec allows any string there.)
    odd = ("O%27Brien", "ct%00", "%C3%A9%F0%9F%98%80")
    assert not [n for n in result.notes if any(o in n for o in odd)], result.notes
