"""The runner on the full Vapi spec (../shared/vapi/openapi.json, 3 MB, 69 paths) against its mock:
the run is carried out end to end, every selected operation gets results, reports are written with
the coverage reached, and the run is clean (exit code 0).

Slow (``nox -s realworld``): it reads the full spec and drives the mock of every resource."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from contracttest.cli import run as cli

pytestmark = [pytest.mark.slow, pytest.mark.network]


def test_full_vapi_spec_against_its_mock(vapi_spec_path: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = [
        "--no-overlay",
        "--max-examples",
        "1",
        "--seed",
        "1",
        "--max-time",
        "600",
        "--report",
        "json,html",
    ]
    code = cli(
        ["run", "--spec", str(vapi_spec_path), *args, "--report-dir", str(tmp_path)], out, err
    )
    doc = json.loads((tmp_path / "contracttest-report.json").read_text())
    # The run was carried out: no abort, nothing left undone for lack of time
    assert doc["run"]["aborted"] is None, doc["run"]["aborted"]
    assert not any("time limit" in n for n in doc["notes"]), doc["notes"]
    # Our mock is a correct server: the run is clean (what only the spec is to blame for is a
    # spec finding, not a failure)
    failing = [
        (op["operation_id"], c["check"], f["finding"]["rule"], f["finding"]["message"][:160])
        for op in doc["operations"]
        for c in op["checks"]
        for f in c.get("failures", [])
    ]
    assert code == 0, (failing[:10], err.getvalue()[-2000:])
    # Every operation was exercised, and no check broke for an internal reason
    assert all(op["checks"] for op in doc["operations"]), "an operation got no result"
    internal = [
        (op["operation_id"], c["check"], e)
        for op in doc["operations"]
        for c in op["checks"]
        for e in c.get("errors", [])
        if "cannot generate" not in e
    ]
    assert not internal, internal[:5]
    # What the validator blames on the spec is a spec finding, never a failed check
    blamed = [
        (op["operation_id"], c["check"], f["finding"]["message"])
        for op in doc["operations"]
        for c in op["checks"]
        for f in c.get("failures", [])
        if "spec is at fault" in f["finding"]["message"]
    ]
    assert not blamed, blamed[:5]
    assert (tmp_path / "report.html").stat().st_size > 10_000
    # Coverage is reported: every unit enumerated, a budget's worth (--max-units) exercised,
    # and every other one listed with why (per operation, up to the listing limit)
    cov = doc["coverage"]
    assert cov["negative"]["enumerated"] > 10_000
    assert 0 < cov["negative"]["exercised"] <= 4_000
    reasons = {m["reason"] for op in cov["operations"] for m in op.get("not_exercised", ())}
    assert any("--max-units" in r for r in reasons)
