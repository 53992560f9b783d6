"""Merging the contract results of several sessions (xdist workers) into one run."""

from __future__ import annotations

import json
from typing import Any

from contracttest.findings import Finding, Severity
from contracttest.pytest._merge import (
    FORMAT_VERSION,
    failure_from_dict,
    failure_to_dict,
    merge,
    result_to_dict,
)
from contracttest.runner.results import (
    CheckResult,
    Failure,
    RequestSnapshot,
    ResponseSnapshot,
    Status,
)

CREATE = "PhoneNumberController_create"
LIST = "PhoneNumberController_findAll"


def _failure(payload: Any, pointer: str = "/x", status: int = 201) -> Failure:
    return Failure(
        check="response.schema",
        operation=CREATE,
        finding=Finding(
            rule="schema.additionalProperties",
            severity=Severity.ERROR,
            pointer=pointer,
            message="undeclared",
            details=(Finding("phone.e164", Severity.ERROR, "/n", "inner"),),
        ),
        request=RequestSnapshot(
            "POST",
            "http://127.0.0.1:1/phone-number",
            (("accept", "application/json"),),
            payload,
            credential=0,
            curl="curl -sS -X POST ...",
        ),
        response=ResponseSnapshot(status, (("content-type", "application/json"),), {"x": 1}),
        case="valid request",
        payload=payload,
    )


def _endpoint(results: list[CheckResult], **over: Any) -> dict[str, Any]:
    ep: dict[str, Any] = {
        "spec": {
            "source": "spec.yaml",
            "overlays": [],
            "sha256": "a" * 64,
            "title": "T",
            "version": "1",
        },
        "base_url": "http://127.0.0.1:1111",
        "target": "mock",
        "seed": 3,
        "max_examples": 5,
        "allow_writes": False,
        "read_only": False,
        "credentials": 2,
        "started_at": "2026-01-01T00:00:00Z",
        "finished_at": "2026-01-01T00:00:05Z",
        "duration_s": 5.0,
        "requests": 10,
        "versions": {"contracttest": "0", "python": "3"},
        "operations": [
            {
                "index": 0,
                "operation_id": LIST,
                "method": "GET",
                "path": "/phone-number",
                "label": LIST,
                "summary": "",
            },
            {
                "index": 1,
                "operation_id": CREATE,
                "method": "POST",
                "path": "/phone-number",
                "label": CREATE,
                "summary": "",
            },
        ],
        "checks": sorted({r.check for r in results}),
        "check_meta": {},
        "results": [result_to_dict(r) for r in results],
        "gaps": {},
        "spec_findings": [],
        "notes": [],
    }
    ep.update(over)
    return ep


def _payload(*endpoints: dict[str, Any]) -> str:
    return json.dumps({"version": FORMAT_VERSION, "endpoints": list(endpoints)})


def test_failures_round_trip() -> None:
    f = _failure({"a": 1})
    assert failure_from_dict(json.loads(json.dumps(failure_to_dict(f)))) == f


def test_two_workers_merge_into_one_run() -> None:
    big, small = _failure({"name": "x" * 50}), _failure({"name": "x"})
    other_place = _failure({"b": 1}, pointer="/y")
    w1 = [
        CheckResult(CREATE, "response.schema", Status.FAILED, 4, [big, other_place]),
        CheckResult(LIST, "server.no-5xx", Status.PASSED, 3),
        CheckResult(LIST, "request.valid-accepted", Status.ERRORED, 1, [], ["timed out"]),
    ]
    w2 = [
        CheckResult(CREATE, "response.schema", Status.FAILED, 2, [small]),
        CheckResult(LIST, "server.no-5xx", Status.PASSED, 5),
        CheckResult(LIST, "request.valid-accepted", Status.PASSED, 2, [], ["timed out", "refused"]),
    ]
    [run] = merge(
        [_payload(_endpoint(w1)), _payload(_endpoint(w2, base_url="http://127.0.0.1:2222"))],
        notes=["worker gw2 went down"],
    )
    schema = run.result(CREATE, "response.schema")
    assert schema is not None and schema.status is Status.FAILED and schema.cases == 6
    # one failure per rule and place, the smallest payload of each
    assert [f.payload for f in schema.failures] == [{"name": "x"}, {"b": 1}]
    valid = run.result(LIST, "request.valid-accepted")
    assert valid is not None and valid.status is Status.ERRORED
    assert valid.errors == ["timed out", "refused"]
    five = run.result(LIST, "server.no-5xx")
    assert five is not None and five.cases == 8 and five.status is Status.PASSED
    assert [o.operation_id for o in run.operations] == [LIST, CREATE]  # spec order
    assert run.checks == ["request.valid-accepted", "response.schema", "server.no-5xx"]
    assert run.metadata.requests == 20
    assert run.metadata.base_url.startswith("http://127.0.0.1:1111 (and 1 more")
    assert "merged from 2 pytest-xdist workers" in run.notes
    assert "worker gw2 went down" in run.notes
    assert run.verdict == "failed"


def test_different_specs_stay_apart() -> None:
    r = [CheckResult(LIST, "server.no-5xx", Status.PASSED, 1)]
    other = _endpoint(
        r,
        spec={"source": "b.yaml", "overlays": [], "sha256": "b" * 64, "title": "B", "version": "1"},
    )
    runs = merge([_payload(_endpoint(r), other)])
    assert sorted(run.metadata.spec_source for run in runs) == ["b.yaml", "spec.yaml"]


def test_spec_findings_of_one_session_are_kept() -> None:
    finding = Finding("spec.undocumented-error-responses", Severity.WARNING, "/paths/x", "gap")
    r = [CheckResult(LIST, "server.no-5xx", Status.PASSED, 1)]
    [run] = merge([_payload(_endpoint(r, spec_findings=[finding.to_dict()]))])
    assert run.spec_findings == [finding]
