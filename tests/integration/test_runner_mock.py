"""``contracttest run`` with no options: the seed spec (and its fixes overlay, from pyproject.toml)
against the built-in mock passes every check, exercises every coverage unit it enumerates, and
writes every report. (How long it takes is measured by ``nox -s bench``, not asserted here.)"""

from __future__ import annotations

import io
import json
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
    code = cli(["run", "--report-dir", str(tmp_path)], out, err)
    # Then every check passes
    assert code == 0, out.getvalue()[-6000:] + err.getvalue()
    doc = json.loads((tmp_path / json_.FILENAME).read_text())
    jsonschema.validate(doc, json_.REPORT_SCHEMA)
    assert doc["verdict"] == "passed"
    assert doc["run"]["target"] == "mock"
    assert doc["run"]["spec"]["overlays"], "the configured overlay was applied"
    ran = {c["check"] for op in doc["operations"] for c in op["checks"] if c["status"] == "passed"}
    # every check ran against the mock, but the Location check: the mock sends no Location
    assert ran == {c["id"] for c in doc["checks"]} - {"stateful.location"}
    location = [
        c for op in doc["operations"] for c in op["checks"] if c["check"] == "stateful.location"
    ]
    assert location and all("no Location" in c.get("reason", "") for c in location)
    for name in ("junit.xml", "report.html", "report.md"):
        assert (tmp_path / name).stat().st_size > 1000
    assert "PASSED" in out.getvalue()
    # ... and every enumerated coverage unit was exercised: each rule broken each way at each
    # place, once, and every valid edge
    cov = doc["coverage"]
    assert cov["negative"]["enumerated"] > 2000
    assert cov["negative"]["exercised"] == cov["negative"]["enumerated"], [
        m for op in cov["operations"] for m in op.get("not_exercised", ())
    ][:10]
    assert cov["edges"]["exercised"] == cov["edges"]["enumerated"]
    families = {f for op in cov["operations"] for f in op["families"]}
    assert {"schema", "phone", "hooks", "length", "discriminator", "edge"} <= families
    assert "negative coverage " in out.getvalue()


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
    from contracttest.runner.catalog import checks_info

    assert lines[0].split(":", 1)[1].startswith(f" 1 operations x {len(checks_info())} checks")
    assert not list(tmp_path.iterdir())
