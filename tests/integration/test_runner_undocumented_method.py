"""The undocumented-method probe on Google's ``{parent}:verb`` paths: where the probe's URL is
also another documented template's (``/v1/{name}``, whose value may be ``x:check``) that serves
the method, a 2xx proves nothing; the probe tries a method no template serves there instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _runner_support import run_cli_on

pytestmark = pytest.mark.network

_OK: dict[str, Any] = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
_NAME = [{"in": "path", "name": "name", "required": True, "schema": {"type": "string"}}]
_STORE = [{"in": "path", "name": "store", "required": True, "schema": {"type": "string"}}]
SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "consents", "version": "1"},
    "paths": {
        "/v1/{name}": {
            "get": {"parameters": _NAME, "responses": _OK},
            "put": {"parameters": _NAME, "responses": _OK},
        },
        "/v1/{store}:check": {"post": {"parameters": _STORE, "responses": _OK}},
    },
}


def test_a_probe_url_another_template_documents_is_not_a_failure(tmp_path: Path) -> None:
    code, report, console = run_cli_on(SPEC, tmp_path, "--max-examples", "2", "--seed", "1")
    text = json.dumps(report)
    assert "request.undocumented-method-allowed" not in text, console
    assert code == 0, console
