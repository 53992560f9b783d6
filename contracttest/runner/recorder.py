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
    CheckResult,
    Failure,
    RequestSnapshot,
    ResponseSnapshot,
    Status,
)
from contracttest.runner.verdicts import Errored, Failed, Passed, Skipped, Verdict

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec
    from contracttest.runner.case import Case
    from contracttest.runner.http import HttpRequest, HttpResponse
    from contracttest.runner.redaction import Redactor

__all__ = ["MAX_FAILURES_PER_CHECK", "Recorder", "SpecNotes"]

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
        self.listeners: list[Callable[[Failure], None]] = []
        self._lock = threading.RLock()

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
            slot.result.status = Status.FAILED
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
        return Failure(
            check=check_id,
            operation=op.label,
            finding=finding,
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
                slot.result.status = Status.ERRORED

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


class SpecNotes:
    """What the run learnt about the spec itself: error statuses it does not document, and
    findings the validator blames on the spec (each once)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.gaps: dict[str, dict[int, set[str]]] = {}
        self.faults: dict[tuple[str, str], Finding] = {}
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

    def findings(self) -> list[Finding]:
        """One finding per operation whose provoked error responses are undocumented, and one per
        spec defect a payload ran into."""
        out = list(self.faults.values())
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
