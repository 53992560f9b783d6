"""``contracttest run`` with no options: the seed spec (and its fixes overlay, from pyproject.toml)
against the built-in mock passes every check, in under a minute, and writes every report."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import jsonschema
import pytest

from contracttest.cli import run as cli
from contracttest.report import json_

pytestmark = pytest.mark.network

REPO = Path(__file__).resolve().parents[2]


def test_default_run_against_the_mock_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the repository's pyproject.toml ([tool.contracttest] spec and overlay)
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out, err = io.StringIO(), io.StringIO()
    # When `contracttest run` runs with its defaults (only the report directory moved)
    start = time.monotonic()
    code = cli(["run", "--report-dir", str(tmp_path)], out, err)
    elapsed = time.monotonic() - start
    # Then every check passes, within the time budget
    assert code == 0, out.getvalue()[-6000:] + err.getvalue()
    assert elapsed < 60, f"the default run took {elapsed:.1f} s"
    doc = json.loads((tmp_path / json_.FILENAME).read_text())
    jsonschema.validate(doc, json_.REPORT_SCHEMA)
    assert doc["verdict"] == "passed"
    assert doc["run"]["target"] == "mock"
    assert doc["run"]["spec"]["overlays"], "the configured overlay was applied"
    ran = {c["check"] for op in doc["operations"] for c in op["checks"] if c["status"] == "passed"}
    assert ran == {c["id"] for c in doc["checks"]}, "every check ran against the mock"
    for name in ("junit.xml", "report.html", "report.md"):
        assert (tmp_path / name).stat().st_size > 1000
    assert "PASSED" in out.getvalue()


def test_quiet_prints_only_the_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out, err = io.StringIO(), io.StringIO()
    code = cli(
        [
            "-q",
            "run",
            "--max-examples",
            "2",
            "--include",
            "PhoneNumberController_findAll",
            "--report",
            "none",
        ],
        out,
        err,
    )
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, out.getvalue()
    verdict = lines[0].split(":", 1)[0]
    assert (verdict, code) in (("PASSED", 0), ("FAILED", 1)), out.getvalue() + err.getvalue()
    assert lines[0].split(":", 1)[1].startswith(" 1 operations x 15 checks")
    assert not list(tmp_path.iterdir())
