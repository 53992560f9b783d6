"""The one owner of a run's results: per operation and check a status, counts, and each kind of
failure once (its smallest case), redacted as it is recorded. And the spec's own notes: error
statuses the server answered that the spec does not document, and payload findings the spec is to
blame for, reported once each as spec findings.

Only the engine writes here (the pytest plugin through its engine too); writers read `RunResult`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity
from contracttest.runner.results import (
    MISSED_LIMIT,
    CheckResult,
    Failure,
    OperationCoverage,
    RequestSnapshot,
    ResponseSnapshot,
    Status,
)
from contracttest.runner.verdicts import (
    Enumerated,
    Errored,
    Failed,
    Passed,
    Skipped,
    Unexercised,
    Verdict,
)

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.runner.case import Case, CoverageUnit
    from contracttest.runner.generation import NoValidPayload
    from contracttest.runner.http import HttpRequest, HttpResponse
    from contracttest.runner.redaction import Redactor

__all__ = ["MAX_FAILURES_PER_CHECK", "Coverage", "Recorder", "SpecNotes"]

MAX_FAILURES_PER_CHECK = 50


@dataclass
class _Slot:
    result: CheckResult
    signatures: dict[tuple[Any, ...], int] = field(default_factory=dict)
    sizes: dict[tuple[Any, ...], int] = field(default_factory=dict)
    counts: dict[tuple[Any, ...], int] = field(default_factory=dict)


def _signature(check_id: str, finding: Finding, status: int | None) -> tuple[Any, ...]:
    pointer = re.sub(r"/\d+(?=/|$)", "/*", finding.pointer)
    return (check_id, finding.rule, pointer, status // 100 if status else None)


def _size(value: Any) -> int:
    try:
        return len(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return 10**9


class Recorder:
    """Results of one run (thread-safe)."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.results: dict[tuple[str, str], _Slot] = {}
        self.coverage = Coverage()
        self.levels: dict[str, str] = {}
        """Check id -> its level (``advisory`` checks' failures are all advisory)."""
        self.listeners: list[Callable[[Failure], None]] = []
        self.responses: dict[str, dict[str, dict[int, int]]] = {}
        """Operation label -> case expectation -> status -> responses (`RunResult.responses`)."""
        self._lock = threading.RLock()

    def answered(self, case: Case, status: int) -> None:
        """Tally the status a case was answered with, under its operation and expectation."""
        with self._lock:
            tally = self.responses.setdefault(case.operation.label, {}).setdefault(case.expect, {})
            tally[status] = tally.get(status, 0) + 1

    def record(self, verdict: Verdict) -> None:
        """Record what a case source concluded."""
        if isinstance(verdict, Passed):
            self.count(verdict.operation, verdict.check, verdict.n)
        elif isinstance(verdict, Failed):
            ex = verdict.exchange
            self.count(verdict.case.operation, verdict.check)
            self.fail(
                verdict.check,
                verdict.case,
                verdict.finding,
                request=ex.request if ex is not None else None,
                response=ex.response if ex is not None else None,
                steps=verdict.steps,
            )
        elif isinstance(verdict, Skipped):
            self.skip(verdict.operation, verdict.check, verdict.reason)
        elif isinstance(verdict, Errored):
            self.error(verdict.operation, verdict.check, verdict.message)
        elif isinstance(verdict, Enumerated):
            self.coverage.enumerate(verdict.units, verdict.left_out)
        elif isinstance(verdict, Unexercised):
            self.coverage.unexercised(verdict.unit, verdict.reason)

    def slot(self, op: Operation, check_id: str) -> _Slot:
        key = (op.label, check_id)
        with self._lock:
            got = self.results.get(key)
            if got is None:
                got = self.results[key] = _Slot(CheckResult(operation=op.label, check=check_id))
            return got

    def count(self, op: Operation, check_id: str, n: int = 1) -> None:
        with self._lock:
            self.slot(op, check_id).result.cases += n

    def fail(
        self,
        check_id: str,
        case: Case,
        finding: Finding,
        *,
        request: HttpRequest | None = None,
        response: HttpResponse | None = None,
        steps: tuple[str, ...] = (),
    ) -> Failure:
        """Record a failing case (the smallest payload is kept for each kind of failure)."""
        op = case.operation
        failure = self.failure(check_id, case, finding, request=request, response=response)
        if steps:
            failure = replace(failure, steps=tuple(self.redactor.text(s) for s in steps))
        sig = _signature(check_id, finding, response.status if response is not None else None)
        size = _size(failure.payload)
        with self._lock:
            slot = self.slot(op, check_id)
            if failure.level == "contract":
                slot.result.status = Status.FAILED
            elif slot.result.status in (Status.PASSED, Status.SKIPPED):
                slot.result.status = Status.ADVISORY
            slot.counts[sig] = slot.counts.get(sig, 0) + 1
            idx = slot.signatures.get(sig)
            if idx is None:
                if len(slot.result.failures) >= MAX_FAILURES_PER_CHECK:
                    return failure
                slot.signatures[sig] = len(slot.result.failures)
                slot.sizes[sig] = size
                slot.result.failures.append(failure)
            elif size < slot.sizes[sig]:
                slot.result.failures[idx] = failure
                slot.sizes[sig] = size
        for listener in self.listeners:
            listener(failure)
        return failure

    def failure(
        self,
        check_id: str,
        case: Case,
        finding: Finding,
        *,
        request: HttpRequest | None = None,
        response: HttpResponse | None = None,
    ) -> Failure:
        """A redacted `Failure` record of a finding on a case (not recorded)."""
        red = self.redactor
        op = case.operation
        finding = replace(
            finding,
            message=red.text(finding.message),
            actual=red.text(finding.actual) if finding.actual is not None else None,
            expected=red.text(finding.expected) if finding.expected is not None else None,
            target=finding.target or op.label,
        )
        advisory = self.levels.get(check_id) == "advisory" or finding.severity < Severity.ERROR
        return Failure(
            check=check_id,
            operation=op.label,
            finding=finding,
            level="advisory" if advisory else "contract",
            request=RequestSnapshot.capture(
                request,
                red,
                credential=case.credential if isinstance(case.credential, int) else None,
            )
            if request is not None
            else None,
            response=ResponseSnapshot.capture(response, red) if response is not None else None,
            case=red.text(case.description or case.kind),
            payload=red.value(case.payload()),
            steps=tuple(red.text(s) for s in case.steps),
        )

    def finalize(self) -> None:
        """Stamp each kept failure with how many cases failed the same way."""
        with self._lock:
            for slot in self.results.values():
                for sig, idx in slot.signatures.items():
                    n = slot.counts.get(sig, 1)
                    if n != 1 and idx < len(slot.result.failures):
                        slot.result.failures[idx] = replace(
                            slot.result.failures[idx], occurrences=n
                        )

    def error(self, op: Operation, check_id: str, message: str) -> None:
        """The check could not finish for this operation (timeout, refused connection...)."""
        text = self.redactor.text(message)
        with self._lock:
            slot = self.slot(op, check_id)
            if text not in slot.result.errors and len(slot.result.errors) < 20:
                slot.result.errors.append(text)
            if slot.result.status is not Status.FAILED:
                slot.result.status = Status.ERRORED  # not finishing outweighs an advisory

    def skip(self, op: Operation, check_id: str, reason: str) -> None:
        with self._lock:
            slot = self.slot(op, check_id)
            if slot.result.cases == 0 and slot.result.status is Status.PASSED:
                slot.result.status = Status.SKIPPED
                slot.result.reason = reason

    def outcome(self, op: Operation, check_id: str) -> CheckResult | None:
        """The result so far of a check on an operation (None when nothing was recorded)."""
        slot = self.results.get((op.label, check_id))
        return slot.result if slot is not None else None


class Coverage:
    """Coverage units: enumerated, exercised, and why the others were not."""

    def __init__(self) -> None:
        self.units: dict[tuple[str, ...], CoverageUnit] = {}
        self.exercised: set[tuple[str, ...]] = set()
        self.reasons: dict[tuple[str, ...], str] = {}
        self.left_out: dict[str, int] = {}
        self._lock = threading.Lock()

    def enumerate(self, units: tuple[CoverageUnit, ...], left_out: int = 0) -> None:
        with self._lock:
            for u in units:
                self.units.setdefault(u.key, u)
                if left_out:
                    self.left_out[u.operation] = max(self.left_out.get(u.operation, 0), left_out)

    def exercise(self, unit: CoverageUnit) -> None:
        with self._lock:
            self.units.setdefault(unit.key, unit)
            self.exercised.add(unit.key)
            self.reasons.pop(unit.key, None)

    def unexercised(self, unit: CoverageUnit, reason: str) -> None:
        with self._lock:
            self.units.setdefault(unit.key, unit)
            if unit.key not in self.exercised:
                self.reasons.setdefault(unit.key, reason)

    def summary(self, operations: list[str]) -> list[OperationCoverage]:
        """Per operation (in ``operations`` order), what was exercised of what was enumerated."""
        by_op: dict[str, OperationCoverage] = {}
        with self._lock:
            for key, unit in self.units.items():
                cov = by_op.get(unit.operation)
                if cov is None:
                    cov = by_op[unit.operation] = OperationCoverage(
                        unit.operation, left_out=self.left_out.get(unit.operation, 0)
                    )
                done = key in self.exercised
                pair = cov.negative if unit.kind == "negative" else cov.edges
                fam = cov.families.setdefault(unit.family, [0, 0])
                pair[1] += 1
                fam[1] += 1
                if done:
                    pair[0] += 1
                    fam[0] += 1
                    continue
                cov.missed_total += 1
                if len(cov.missed) < MISSED_LIMIT:
                    cov.missed.append(
                        {
                            "kind": unit.kind,
                            "part": unit.part,
                            "variant": unit.variant,
                            "location": unit.location,
                            "rule": unit.rule,
                            "way": unit.way,
                            "reason": self.reasons.get(
                                key, "not reached: the run stopped first (time budget)"
                            ),
                        }
                    )
        order = {op: i for i, op in enumerate(operations)}
        return sorted(by_op.values(), key=lambda c: order.get(c.operation, len(order)))


class SpecNotes:
    """What the run learnt about the spec itself: error statuses it does not document, and
    findings the validator blames on the spec (each once)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.gaps: dict[str, dict[int, set[str]]] = {}
        self.faults: dict[tuple[str, str], Finding] = {}
        self.unroutable: dict[str, str] = {}
        """Path key -> why no request can reach its operations."""
        self.secrets: dict[tuple[str, str], set[str]] = {}
        """(schema, member) the spec documents a credential in -> operations that returned one."""
        self.success_gaps: dict[str, set[int]] = {}
        """Operation label -> 2xx statuses it answered valid requests with, documenting no 2xx."""
        self.bodiless_statuses: dict[str, set[int]] = {}
        """Operation label -> statuses it documents a JSON body for that HTTP forbids one."""
        self.impossible: dict[tuple[str, str], set[str]] = {}
        """(schema pointer, why no value satisfies it) -> the targets that needed a value."""
        self._lock = threading.Lock()

    def gap(self, op: Operation, status: int, why: str) -> None:
        """The server answered ``status`` (provoked on purpose, ``why``) and ``op`` documents no error."""
        with self._lock:
            self.gaps.setdefault(op.label, {}).setdefault(status, set()).add(why)

    def fault(self, finding: Finding) -> None:
        """A finding the validator blames on the spec (reported once, as a spec finding)."""
        key = (finding.rule, finding.schema_pointer or finding.message)
        with self._lock:
            if key in self.faults:
                return
            self.faults[key] = Finding(
                rule="spec.self-contradiction",
                severity=Severity.WARNING,
                pointer=finding.schema_pointer or "",
                message=(
                    f"{finding.target or 'a payload'}: {finding.message}; payloads and responses "
                    "that only break this are not counted as failures"
                ),
                expected=finding.expected,
                actual=None,
                suggestion=finding.suggestion,
                target=finding.target,
            )

    def no_payload(self, exc: NoValidPayload) -> None:
        """No value satisfies the schema of ``exc.target``: the cases needing one were skipped."""
        with self._lock:
            self.impossible.setdefault((exc.pointer or "", exc.reason), set()).add(exc.target)

    def no_success(self, op: Operation, status: int) -> None:
        """``op`` documents no success response, and a valid request was answered ``status``."""
        with self._lock:
            self.success_gaps.setdefault(op.label, set()).add(status)

    def bodiless(self, op: Operation, status: int) -> None:
        """``op`` documents a JSON body for ``status`` (204, 205, 304), which HTTP forbids: the
        server answered without one, as it must."""
        with self._lock:
            self.bodiless_statuses.setdefault(op.label, set()).add(status)

    def documented_secret(self, schema: str, member: str, operation: str) -> None:
        """A response carried a credential its schema (at spec pointer ``schema``) documents:
        the contract exposes it."""
        with self._lock:
            self.secrets.setdefault((schema, member), set()).add(operation)

    def findings(self) -> list[Finding]:
        """One finding per operation whose provoked error responses are undocumented, one per
        spec defect a payload ran into, and one per response schema that documents a secret."""
        out = list(self.faults.values())
        for (schema, reason), targets in sorted(self.impossible.items()):
            names = sorted(targets)
            out.append(
                Finding(
                    rule="spec.no-valid-payload",
                    severity=Severity.ERROR,
                    pointer=schema,
                    message=(
                        f"no value satisfies the schema at {schema or '/'}: {reason}; the cases "
                        f"that need one were skipped, not failed ({', '.join(names[:4])}"
                        f"{', ...' if len(names) > 4 else ''})"
                    ),
                    expected="a schema some value satisfies",
                    actual=reason,
                    suggestion="correct the schema so that a value can satisfy it (an overlay can)",
                    target=names[0].rsplit(":", 1)[0],
                )
            )
        for (schema, member), returned in sorted(self.secrets.items()):
            ops = sorted(returned)
            name = _pointer.parts(schema)[-1] if schema.startswith("/components/") else schema
            out.append(
                Finding(
                    rule="spec.documented-secret",
                    severity=Severity.ERROR,
                    pointer=_pointer.join(schema, "properties", member),
                    message=(
                        f"the response schema {name} documents {member!r}, a credential, so a "
                        f"server that returns it conforms; {len(ops)} operation(s) did "
                        f"({', '.join(ops[:4])}{', ...' if len(ops) > 4 else ''}): "
                        "a security defect of the contract, not counted as failures"
                    ),
                    expected="credentials kept out of response schemas (writeOnly)",
                    actual=member,
                    suggestion=f"mark {member} writeOnly, or drop it from {name} (an overlay "
                    "can do either)",
                    target=ops[0],
                )
            )
        for path, why in sorted(self.unroutable.items()):
            labels = [o.label for o in self.spec.operations if o.path == path]
            out.append(
                Finding(
                    rule="spec.unroutable-path",
                    severity=Severity.WARNING,
                    pointer=_pointer.join("/paths", path),
                    message=f"{why}; its {len(labels)} operation(s) were skipped, not failed",
                    expected="a path a request can reach",
                    actual=path,
                    suggestion="name the action in the path itself (an operation per path), or "
                    "document the header it is routed by as a parameter",
                    target=labels[0] if labels else None,
                )
            )
        for op in self.spec.operations:
            answered = sorted(self.success_gaps.get(op.label, ()))
            if answered:
                out.append(
                    Finding(
                        rule="spec.no-success-response",
                        severity=Severity.WARNING,
                        pointer=_pointer.join(op.pointer, "responses"),
                        message=(
                            f"{op.method} {op.path} documents no success response (only "
                            f"{', '.join(op.responses) or 'nothing'}); valid requests were answered "
                            f"{', '.join(map(str, answered))}, not counted as failures"
                        ),
                        expected="a documented 2xx",
                        actual=", ".join(map(str, answered)),
                        suggestion="document the success response (an overlay can)",
                        target=op.label,
                    )
                )
            for status in sorted(self.bodiless_statuses.get(op.label, ())):
                resp = op.response_for(status)
                key = resp.status if resp is not None else str(status)
                out.append(
                    Finding(
                        rule="spec.body-on-bodiless-status",
                        severity=Severity.WARNING,
                        pointer=_pointer.join(op.pointer, "responses", key, "content"),
                        message=(
                            f"{op.method} {op.path} documents a JSON body for {status}, a status "
                            "HTTP forbids a body on; the server answered without one, as HTTP "
                            "says, and was not failed for it"
                        ),
                        expected=f"no content for {status}",
                        actual=f"content for {key}",
                        suggestion=f"drop the content of response {key} (an overlay can), or "
                        "answer 200 with the body",
                        target=op.label,
                    )
                )
        for op in self.spec.operations:
            gaps = self.gaps.get(op.label)
            if not gaps:
                continue
            parts = [f"{s} ({', '.join(sorted(w))})" for s, w in sorted(gaps.items())]
            out.append(
                Finding(
                    rule="spec.undocumented-error-responses",
                    severity=Severity.WARNING,
                    pointer=_pointer.join(op.pointer, "responses"),
                    message=(
                        f"{op.method} {op.path} documents no error response, yet the server answered "
                        f"{'; '.join(parts)} when the runner provoked them; not counted as failures"
                    ),
                    expected="documented error responses",
                    actual=", ".join(str(s) for s in sorted(gaps)),
                    suggestion="document these responses (e.g. with an overlay) so clients can rely on them",
                    target=op.label,
                )
            )
        return self.spec.locate(out)
