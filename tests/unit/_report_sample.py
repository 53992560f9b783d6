"""A hand-built `RunResult` for the report writer tests: every status, failures carrying secrets."""

from __future__ import annotations

import json
from typing import Any

from contracttest.findings import Finding, Severity
from contracttest.runner.http import HttpRequest, HttpResponse
from contracttest.runner.redaction import Redactor
from contracttest.runner.results import (
    CheckResult,
    Failure,
    OperationCoverage,
    OperationInfo,
    PhaseTiming,
    RequestSnapshot,
    ResponseSnapshot,
    RunMetadata,
    RunResult,
    Status,
)

TOKEN = "sk-live-0123456789abcdef"
TWILIO_SECRET = "twilio-auth-token-value-42"
XSS = "</pre><script>alert('x')</script>"

CHECKS = {
    "response.schema": ("Response body matches its schema", "schema"),
    "server.no-5xx": ("No server errors", "no 5xx"),
    "auth.required": ("Credentials are required", "auth"),
    "stateful.pagination": ("limit and pagination add up", "pagination"),
}


def _failure(redactor: Redactor, n: int, *, payload_size: int = 0) -> Failure:
    body: dict[str, Any] = {
        "provider": "twilio",
        "number": "+14155550100",
        "twilioAuthToken": TWILIO_SECRET,
        "name": XSS,
    }
    if payload_size:
        body["padding"] = "x" * payload_size
    request = HttpRequest(
        method="POST",
        base_url="http://127.0.0.1:9999",
        path="/phone-number",
        query=(("token", TOKEN),),
        headers=(("Authorization", f"Bearer {TOKEN}"), ("content-type", "application/json")),
        body=json.dumps(body).encode(),
    )
    response = HttpResponse(
        status=201,
        headers=(("content-type", "application/json"), ("set-cookie", f"session={TOKEN}")),
        body=json.dumps(
            {"id": f"id-{n}", "twilioAuthToken": TWILIO_SECRET, "note": f"your token is {TOKEN}"}
        ).encode(),
        elapsed=0.012,
    )
    redactor.learn(body)
    return Failure(
        check="response.schema",
        operation="PhoneNumberController_create",
        finding=Finding(
            rule="schema.required",
            severity=Severity.ERROR,
            pointer="/orgId",
            message=f"response 201: orgId is required (case {n})",
            expected="required property 'orgId'",
            actual="missing",
            target="PhoneNumberController_create:response:201",
        ),
        request=RequestSnapshot.capture(request, redactor, credential=0),
        response=ResponseSnapshot.capture(response, redactor),
        case=f"valid request #{n}",
        payload=redactor.value(body),
    )


def sample_coverage() -> list[OperationCoverage]:
    """Coverage of the create: 9 of 10 negative units (one left with its reason), 4 edges."""
    return [
        OperationCoverage(
            "PhoneNumberController_create",
            negative=[9, 10],
            edges=[4, 4],
            families={"schema": [6, 7], "phone": [3, 3], "edge": [4, 4]},
            missed=[
                {
                    "kind": "negative",
                    "part": "body",
                    "variant": "provider='byo-phone-number'",
                    "location": "/number",
                    "rule": "schema.maxLength",
                    "way": "41 characters",
                    "reason": "no payload breaks only this: it also breaks phone.e164 at /number",
                }
            ],
            missed_total=1,
        )
    ]


def sample_result(
    *, failures: int = 2, payload_size: int = 0, gate: float | None = None
) -> RunResult:
    """Two operations, four checks: passed, failed (with failures), errored, skipped."""
    redactor = Redactor([TOKEN])
    ops = [
        OperationInfo(
            "PhoneNumberController_create", "POST", "/phone-number", "PhoneNumberController_create"
        ),
        OperationInfo(
            "PhoneNumberController_findAll", "GET", "/phone-number", "PhoneNumberController_findAll"
        ),
    ]
    create, find_all = ops[0].label, ops[1].label
    results = {
        (create, "response.schema"): CheckResult(
            create,
            "response.schema",
            Status.FAILED,
            cases=40,
            failures=[_failure(redactor, i, payload_size=payload_size) for i in range(failures)],
        ),
        (create, "server.no-5xx"): CheckResult(create, "server.no-5xx", Status.PASSED, cases=40),
        (create, "auth.required"): CheckResult(
            create, "auth.required", Status.ERRORED, cases=1, errors=[f"timed out; token {TOKEN}"]
        ),
        (find_all, "response.schema"): CheckResult(
            find_all, "response.schema", Status.PASSED, cases=12
        ),
        (find_all, "stateful.pagination"): CheckResult(
            find_all, "stateful.pagination", Status.SKIPPED, reason="read-only run"
        ),
    }
    meta = RunMetadata(
        run_id="abc123",
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:00:05Z",
        duration_s=5.0,
        spec_source="spec/vapi-phone-numbers.yaml",
        spec_sha256="0" * 63 + "1",
        spec_title="Vapi Phone Numbers API",
        spec_version="1.0",
        overlays=["spec/overlays/vapi-fixes.yaml"],
        base_url="http://127.0.0.1:9999",
        target="live",
        seed=42,
        max_examples=20,
        allow_writes=False,
        read_only=False,
        credentials=1,
        versions={"contracttest": "0.1.0", "python": "3.11"},
        requests=93,
        coverage_fail_under=gate,
    )
    return RunResult(
        metadata=meta,
        operations=ops,
        checks=list(CHECKS),
        results=results,
        spec_findings=[
            Finding(
                rule="spec.undocumented-error-responses",
                severity=Severity.WARNING,
                pointer="/paths/~1phone-number/post/responses",
                message="POST /phone-number documents no error response",
                target=create,
            )
        ],
        phases=[PhaseTiming("positive", 2.0, 50), PhaseTiming("negative", 3.0, 43)],
        notes=[f"a note that mentions {TOKEN}"],
        check_meta={
            cid: {"title": title, "short": short, "description": f"{title}."}
            for cid, (title, short) in CHECKS.items()
        },
        redactor=redactor,
        coverage=sample_coverage(),
    )


def assert_no_secret(text: str) -> None:
    assert TOKEN not in text
    assert TWILIO_SECRET not in text
