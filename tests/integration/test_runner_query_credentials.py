"""An API key sent in the query (trello's ``key`` and ``token``) that the spec also documents as a
required query parameter: the run's credential is that parameter's value, sent once, and a case
that drops or breaks it is no case (the credential puts it back)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from contracttest.cli import run as cli

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
        }
    },
}


def test_a_query_api_key_documented_as_a_parameter_is_sent_once(tmp_path: Path) -> None:
    spec = tmp_path / "boards.json"
    spec.write_text(json.dumps(SPEC))
    out, err = io.StringIO(), io.StringIO()
    args = ["run", "--spec", str(spec), "--max-examples", "3", "--seed", "1"]
    code = cli([*args, "--report", "json", "--report-dir", str(tmp_path / "r")], out, err)
    report = json.loads((tmp_path / "r" / "contracttest-report.json").read_text())
    text = json.dumps(report)
    assert code == 0, out.getvalue()[-3000:]
    assert "key must be a string" not in text
