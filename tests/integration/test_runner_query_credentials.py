"""An API key sent in the query (trello's ``key`` and ``token``) that the spec also documents as a
required query parameter: the run's credential is that parameter's value, sent once, and a case
that drops or breaks it is no case (the credential puts it back)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _runner_support import run_cli_on

pytestmark = pytest.mark.network

SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "boards", "version": "1"},
    "components": {
        "securitySchemes": {
            "api_key": {"type": "apiKey", "in": "query", "name": "key"},
            "api_token": {"type": "apiKey", "in": "query", "name": "token"},
        }
    },
    "paths": {
        "/boards": {
            "post": {
                "security": [{"api_key": []}, {"api_token": []}],
                "parameters": [
                    {"in": "query", "name": "key", "required": True, "schema": {"type": "string"}},
                    {
                        "in": "query",
                        "name": "token",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string", "maxLength": 16}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "the board",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "string"},
                                        "name": {"type": "string"},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/boards/{idBoard}": {
            "get": {
                "security": [{"api_key": []}, {"api_token": []}],
                "parameters": [
                    {
                        "in": "path",
                        "name": "idBoard",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"in": "query", "name": "key", "required": True, "schema": {"type": "string"}},
                    {
                        "in": "query",
                        "name": "token",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"in": "query", "name": "fields", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "the board",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
}


def test_a_query_api_key_documented_as_a_parameter_is_sent_once(tmp_path: Path) -> None:
    code, report, console = run_cli_on(SPEC, tmp_path, "--max-examples", "3", "--seed", "1")
    text = json.dumps(report)
    assert code == 0, console
    assert "key must be a string" not in text
    # the run presents one of the two alternatives (key); the other is a required parameter that
    # every request, the fixtures' creates included, still carries
    assert "token should not be null" not in text
    assert report["summary"]["failed"] == 0
