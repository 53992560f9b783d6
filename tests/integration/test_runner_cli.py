"""``contracttest run`` end to end: exit codes, options, credentials from the environment, reports
and console output that never show a secret."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from _runner_support import TOKENS
from buggy_servers import TWILIO_MARK, make_app, serve

from contracttest.cli import run as cli
from contracttest.runner.markers import MARKER_PREFIX

pytestmark = pytest.mark.network

REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli(args, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    for name in (
        "CONTRACTTEST_TOKEN",
        "CONTRACTTEST_TOKEN_2",
        "VAPI_API_KEY",
        "VAPI_API_KEY_2",
        "GITHUB_STEP_SUMMARY",
    ):
        monkeypatch.delenv(name, raising=False)


def test_unreachable_endpoint_exits_2(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = _run(
        [
            "run",
            "--base-url",
            f"http://127.0.0.1:{port}",
            "--retries",
            "0",
            "--report-dir",
            str(tmp_path),
            "--journal",
            str(tmp_path / "j.jsonl"),
        ]
    )
    assert code == 2
    assert "cannot reach" in out + err
    report = json.loads((tmp_path / "contracttest-report.json").read_text())
    assert report["verdict"] == "error" and report["run"]["aborted"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--include", "PhoneNumberController_fndAll"],
            "did you mean 'PhoneNumberController_findAll'",
        ),
        (["--rate-limit", "fast"], "--rate-limit 'fast'"),
        (["-H", "no colon"], "expected 'Name: value'"),
        (["--report", "pdf"], "unknown report format 'pdf'"),
        (["--checks", "nope"], "no check 'nope'"),
        (["--timeout", "0"], "--timeout must be positive"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, out, err = _run(
        ["run", "--report", "none", *args] if "--report" not in args else ["run", *args]
    )
    assert code == 2, out + err
    assert message in err


def test_tokens_from_the_environment_and_exit_1_with_reports(
    fixed_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("CONTRACTTEST_TOKEN", TOKENS[0])
    monkeypatch.setenv("CONTRACTTEST_TOKEN_2", TOKENS[1])
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    with serve(make_app(fixed_spec, TOKENS, "echo-secret-in-400")) as url:
        code, out, err = _run(
            [
                "-v",
                "run",
                "--base-url",
                url,
                "--max-examples",
                "2",
                "--max-units",
                "200",
                "--seed",
                "3",
                "--report-dir",
                str(tmp_path / "r"),
                "--journal",
                str(tmp_path / "j.jsonl"),
            ]
        )
    assert code == 1, out[-4000:] + err
    assert "response.no-secrets" in out
    assert "FAILED" in out.splitlines()[-5:][0] or any(
        line.startswith("FAILED") for line in out.splitlines()
    )
    # The tokens authenticated the run (valid requests were accepted) ...
    doc = json.loads((tmp_path / "r" / "contracttest-report.json").read_text())
    accepted = [
        c for o in doc["operations"] for c in o["checks"] if c["check"] == "request.valid-accepted"
    ]
    assert accepted and all(c["status"] == "passed" for c in accepted)
    assert doc["run"]["credentials"] == 2
    # ... and no secret shows up anywhere
    texts = [out, err, summary.read_text()] + [p.read_text() for p in (tmp_path / "r").iterdir()]
    for text in texts:
        assert TOKENS[0] not in text and TOKENS[1] not in text
        assert TWILIO_MARK not in text
        assert MARKER_PREFIX + "-" not in text  # the planted twilioAuthToken the 400s quote
    assert summary.read_text().startswith("## contracttest: ❌ FAILED")


def test_vapi_api_key_is_used_for_vapi_specs(
    fixed_spec: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAPI_API_KEY", TOKENS[0])
    with serve(make_app(fixed_spec, TOKENS)) as url:
        code, out, err = _run(
            [
                "run",
                "--base-url",
                url,
                "--max-examples",
                "1",
                "--checks",
                "request.valid-accepted",
                "--include",
                "PhoneNumberController_findAll",
                "--report",
                "json",
                "--report-dir",
                str(tmp_path),
                "--journal",
                str(tmp_path / "j.jsonl"),
            ]
        )
    assert code == 0, out + err
    doc = json.loads((tmp_path / "contracttest-report.json").read_text())
    assert doc["run"]["credentials"] == 1
