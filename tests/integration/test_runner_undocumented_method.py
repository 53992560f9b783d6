"""The undocumented-method probe on Google's ``{parent}:verb`` paths: where the probe's URL is
also another documented template's (``/v1/{name}``, whose value may be ``x:check``) that serves
the method, a 2xx proves nothing; the probe tries a method no template serves there instead."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from contracttest.cli import run as cli

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
    spec = tmp_path / "consents.json"
    spec.write_text(json.dumps(SPEC))
    out, err = io.StringIO(), io.StringIO()
    args = ["run", "--spec", str(spec), "--max-examples", "2", "--seed", "1"]
    code = cli([*args, "--report", "json", "--report-dir", str(tmp_path / "r")], out, err)
    report = json.loads((tmp_path / "r" / "contracttest-report.json").read_text())
    text = json.dumps(report)
    assert "request.undocumented-method-allowed" not in text, out.getvalue()[-3000:]
    assert code == 0, out.getvalue()[-3000:]
