"""The JSON report's own JSON Schema, as it ships in the package, holds for real reports of
`contracttest run` (a pass against the built-in mock, a failing run against a buggy server, a run
behind a 401 wall), read by an independent validator (jsonschema) from the package's file, and
serves the same file other tools read (the schema's own unit tests, rejections included, are in
tests/unit/test_report_schema_file.py)."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from _runner_support import TOKENS
from buggy_servers import make_app, serve

from contracttest.cli import run as cli
from contracttest.report import json_

pytestmark = pytest.mark.network

REPO = Path(__file__).resolve().parents[2]
SHORT = ["--max-examples", "2", "--max-units", "60", "--seed", "3"]
TWO_OPS = ["--include", "PhoneNumberController_create", "PhoneNumberController_findAll"]


def _shipped_schema() -> dict[str, Any]:
    """The schema file read as another tool would: from the installed package, by its name."""
    major_minor = json_.SCHEMA_VERSION
    text = (
        resources.files("contracttest.report")
        .joinpath(f"schema/run-report-{major_minor}.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def _validate(doc: Any, schema: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, dict[str, Any]]:
    monkeypatch.chdir(REPO)  # pyproject.toml's [tool.contracttest]: spec and overlay
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for env in ("CONTRACTTEST_TOKEN", "CONTRACTTEST_TOKEN_2"):
        monkeypatch.delenv(env, raising=False)
    out, err = io.StringIO(), io.StringIO()
    journal = str(tmp_path / "journal.jsonl")  # not the repository's .contracttest/
    argv = ["run", "--report", "json", "--report-dir", str(tmp_path), "--journal", journal]
    code = cli([*argv, *SHORT, *args], out, err)
    assert code in (0, 1), out.getvalue()[-4000:] + err.getvalue()
    doc: dict[str, Any] = json.loads((tmp_path / json_.FILENAME).read_text(encoding="utf-8"))
    return code, doc


def test_a_passing_run_against_the_mock_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = _shipped_schema()
    code, doc = _run(tmp_path, monkeypatch)
    _validate(doc, schema)
    assert code == 0 and doc["verdict"] == "passed"
    assert doc["schema_version"] == json_.SCHEMA_VERSION
    assert doc["$schema"] == schema["$id"]
    # a capped run sent a fraction of the units it enumerated: the pass is qualified, in the report
    ids = [w["id"] for w in doc["warnings"]]
    assert ids[0] == "coverage-low", ids
    assert all(op["responses"]["success"] for op in doc["operations"])


def test_a_failing_run_against_a_buggy_server_is_valid(
    fixed_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = _shipped_schema()
    with serve(make_app(fixed_spec, TOKENS, "extra-field")) as url:
        code, doc = _run(
            tmp_path,
            monkeypatch,
            "--base-url",
            url,
            "--token",
            TOKENS[0],
            "--token",
            TOKENS[1],
            "--allow-writes",
            "--checks",
            "response.schema,server.no-5xx",
            *TWO_OPS,
        )
    _validate(doc, schema)
    assert code == 1 and doc["verdict"] == "failed"
    failures = [f for op in doc["operations"] for c in op["checks"] for f in c["failures"]]
    assert failures and all("request" in f and "response" in f for f in failures[:5])
    text = json.dumps(doc)
    assert TOKENS[0] not in text and TOKENS[1] not in text


def test_a_run_behind_a_401_wall_says_so_first(
    fixed_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = _shipped_schema()
    wrong = "not-a-token-the-server-knows"
    with serve(make_app(fixed_spec, TOKENS, None)) as url:
        _, doc = _run(tmp_path, monkeypatch, "--base-url", url, "--token", wrong, *TWO_OPS)
    _validate(doc, schema)
    first = doc["warnings"][0]
    assert (first["id"], first["affects_verdict"]) == ("auth-rejected", True)
    assert {i["operation"] for i in first["items"]} == {
        op["operation_id"] for op in doc["operations"]
    }
    assert wrong not in json.dumps(doc)
