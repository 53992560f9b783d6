"""The hand-written corpora of tests/payloads (format: tests/payloads/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracttest.findings import Severity
from contracttest.validate import Validator, get_validator

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads"
SIDECARS = {"$comment", "$spec", "$expect", "$options", "$payload"}
SPEC_FIXTURES = {"fixed": "fixed_spec", "seed": "seed_spec", "vapi": "vapi_spec"}


def _cases() -> list[Any]:
    out = []
    for path in sorted(PAYLOADS.glob("*/*/*.json")):
        kind = path.parent.parent.name
        doc = json.loads(path.read_text(encoding="utf-8"))
        for spec in doc.get("$spec", ["fixed"]):
            marks = [pytest.mark.slow] if spec == "vapi" else []
            rel = path.relative_to(PAYLOADS).as_posix()
            out.append(pytest.param(kind, path, spec, id=f"{rel}[{spec}]", marks=marks))
    return out


def _split(doc: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    sidecar = {k: v for k, v in doc.items() if k.startswith("$")}
    payload = (
        doc["$payload"]
        if "$payload" in doc
        else {k: v for k, v in doc.items() if not k.startswith("$")}
    )
    return payload, sidecar


def _expected(sidecar: dict[str, Any], spec: str) -> list[dict[str, Any]]:
    expect = sidecar.get("$expect", [])
    if isinstance(expect, dict):
        expect = expect.get(spec, [])
    return list(expect)


def test_corpus_is_well_formed() -> None:
    files = sorted(PAYLOADS.glob("*/*/*.json"))
    assert len(files) > 50
    assert {p.parent.parent.name for p in files} == {"valid", "invalid"}
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(doc, dict), path
        unknown = {k for k in doc if k.startswith("$")} - SIDECARS
        assert not unknown, f"{path}: unknown sidecar member(s) {unknown}"
        assert set(doc.get("$spec", ["fixed"])) <= set(SPEC_FIXTURES), path
        if path.parent.parent.name == "invalid":
            specs = doc.get("$spec", ["fixed"])
            for spec in specs:
                assert _expected(doc, spec), (
                    f"{path}: an invalid case must declare $expect ({spec})"
                )


@pytest.mark.parametrize(("kind", "path", "spec_name"), _cases())
def test_payload(kind: str, path: Path, spec_name: str, request: pytest.FixtureRequest) -> None:
    spec = request.getfixturevalue(SPEC_FIXTURES[spec_name])
    doc = json.loads(path.read_text(encoding="utf-8"))
    payload, sidecar = _split(doc)
    target = path.parent.name.replace("__", ":")
    options = sidecar.get("$options", {})
    validator = get_validator(spec, target, **options)
    found = validator.findings(payload)
    shown = "\n".join(f"  {f}" for f in found) or "  (none)"

    expected = _expected(sidecar, spec_name)
    want = {(e["rule"], e["pointer"], e.get("severity", "error")) for e in expected}
    got = {(f.rule, f.pointer, str(f.severity)) for f in found}
    assert got == want, f"{path.name} on {spec_name}: findings differ\n{shown}"

    has_errors = any(f.severity >= Severity.ERROR for f in found)
    assert has_errors is (kind == "invalid"), shown
    assert validator.is_valid(payload) is not has_errors

    for e in expected:
        (match,) = [f for f in found if (f.rule, f.pointer) == (e["rule"], e["pointer"])]
        if "message" in e:
            assert e["message"] in match.message, str(match)
        if "spec_at_fault" in e:
            assert ("spec is at fault" in match.message) is e["spec_at_fault"], str(match)

    # The detailed path alone (no jsonschema-rs) must reach the same findings.
    detailed = Validator(spec, spec.target(target), use_fast_path=False, **options)
    assert detailed.findings(payload) == found
    assert detailed.is_valid(payload) is not has_errors
