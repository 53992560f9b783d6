"""Where the spec contradicts itself (overlapping ``oneOf`` branches), what the validator blames on
the spec is a spec finding, reported once, and never a failed check: not in the response checks,
and not as an "invalid" request the server was supposed to refuse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _runner_support import describe, run_runner

from contracttest.openapi import load_spec

pytestmark = pytest.mark.network

SPEC = """
openapi: 3.0.3
info: {title: overlapping, version: '1'}
paths:
  /voices:
    get:
      operationId: getVoice
      responses:
        '200':
          description: the voice
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Voice'}
    post:
      operationId: setVoice
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Voice'}
      responses:
        '200':
          description: the voice
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Voice'}
components:
  schemas:
    Voice:
      type: object
      required: [voice]
      properties:
        voice:
          oneOf:
            - {type: string, enum: [alloy, echo]}
            - {type: string, maxLength: 20}
"""


CHECKS = [
    "request.valid-accepted",
    "request.invalid-rejected",
    "request.error-names-field",
    "response.status",
    "response.content-type",
    "response.schema",
    "server.no-5xx",
]


def _app() -> Any:
    """A server that does what the spec means (``anyOf``): any voice up to 20 characters."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def get(_request: Request) -> JSONResponse:
        return JSONResponse({"voice": "alloy"})

    async def post(request: Request) -> JSONResponse:
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return JSONResponse({"message": "unsupported media type"}, 415)
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):
            return JSONResponse({"message": "bad JSON"}, 400)
        voice = body.get("voice") if isinstance(body, dict) else None
        if not isinstance(body, dict):
            return JSONResponse({"message": ["the body must be an object"]}, 400)
        unknown = sorted(set(body) - {"voice"})
        if unknown:
            return JSONResponse(
                {"message": [f"property {k} should not exist" for k in unknown]}, 400
            )
        if not isinstance(voice, str) or len(voice) > 20:
            return JSONResponse({"message": ["voice must be a string of at most 20"]}, 400)
        return JSONResponse({"voice": voice})

    return Starlette(
        routes=[
            Route("/voices", get, methods=["GET"]),
            Route("/voices", post, methods=["POST"]),
        ]
    )


def test_spec_contradictions_are_spec_findings_not_failures(tmp_path: Path) -> None:
    # Given a spec whose oneOf branches overlap ("alloy" is valid under both, so under neither)
    path = tmp_path / "overlapping.yaml"
    path.write_text(SPEC)
    spec = load_spec(path)
    from buggy_servers import serve

    # When the runner checks a server that answers and accepts "alloy"
    with serve(_app()) as url:
        result = run_runner(spec, url, tokens=(), max_examples=20, checks=CHECKS)
    # Then no check fails because of it...
    assert result.verdict == "passed", describe(result)
    # ...and the contradiction is reported once, as a spec finding
    faults = [f for f in result.spec_findings if f.rule == "spec.self-contradiction"]
    assert faults, [f.rule for f in result.spec_findings]
    assert len({f.pointer for f in faults}) == len(faults)
    assert any("oneOf" in f.message for f in faults)
