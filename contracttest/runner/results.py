"""What a run produces: per operation and check a status, every failing case with its reproduction.

Everything here is already redacted: requests and responses are captured as snapshots through a
`Redactor` at the moment a failure is recorded, so no writer (report, console, pytest plugin) can leak a
credential by rendering a result.
"""

from __future__ import annotations

import enum
import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest.exitcodes import ExitCode
from contracttest.findings import Finding, Severity

if TYPE_CHECKING:
    from contracttest.runner.http import HttpRequest, HttpResponse
    from contracttest.runner.redaction import Redactor

__all__ = [
    "CheckResult",
    "Failure",
    "OperationCoverage",
    "OperationInfo",
    "PhaseTiming",
    "RequestSnapshot",
    "ResponseSnapshot",
    "RunMetadata",
    "RunResult",
    "Status",
]

BODY_LIMIT = 16 * 1024
MISSED_LIMIT = 200
"""Units not exercised listed per operation (all are counted)."""
TOKEN_ENV = ("CONTRACTTEST_TOKEN", "CONTRACTTEST_TOKEN_2")


class Status(enum.StrEnum):
    """Outcome of one check on one operation, in display order."""

    PASSED = "passed"
    FAILED = "failed"
    """A failing case broke the contract."""
    ADVISORY = "advisory"
    """Only advisory findings: beyond what the contract says (how helpful a 400 is, an error
    status the spec does not list); they fail the run only with ``--fail-on advisory``."""
    ERRORED = "errored"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
"""Every status, in display order (the one list writers use)."""
FAIL_ON = ("contract", "advisory")
"""What fails a run: ``contract`` failures only (default), or ``advisory`` findings too."""


@dataclass(frozen=True)
class RequestSnapshot:
    """A redacted request, enough to reproduce it."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: Any = None
    """The JSON body (redacted), when it was JSON."""
    body_text: str | None = None
    """The raw body when it was not JSON (malformed on purpose), redacted and cut."""
    credential: int | None = None
    """Which credential authenticated it (0, 1), or None."""
    curl: str = ""

    @classmethod
    def capture(
        cls, request: HttpRequest, redactor: Redactor, *, credential: int | None = None
    ) -> RequestSnapshot:
        headers = tuple(redactor.headers(request.headers))
        body: Any = None
        body_text: str | None = None
        if request.body is not None:
            text = request.body.decode("utf-8", "replace")
            try:
                body = redactor.value(json.loads(text))
            except (ValueError, RecursionError):
                body_text = _cut(redactor.text(text))
            else:
                if not _is_json_media(request.content_type):
                    body_text = _cut(json.dumps(body, ensure_ascii=False))
                    body = None
        url = redactor.url(request.url)
        snap = cls(
            method=request.method,
            url=url,
            headers=headers,
            body=body,
            body_text=body_text,
            credential=credential,
        )
        return cls(**{**snap.__dict__, "curl": snap.to_curl(request.headers)})

    def to_curl(self, raw_headers: Iterable[tuple[str, str]] = ()) -> str:
        """A ``curl`` line; credentials come from environment variables, never inline."""
        parts = ["curl", "-sS", "-X", self.method, shlex.quote(self.url)]
        raw = {k.lower(): v for k, v in raw_headers}
        for name, value in self.headers:
            low = name.lower()
            if low in ("user-agent", "content-length", "accept-encoding", "connection", "host"):
                continue
            if low == "authorization" and self.credential is not None and self.credential < 2:
                scheme = raw.get("authorization", "Bearer x").split(" ", 1)[0]
                env = TOKEN_ENV[self.credential]
                parts += ["-H", f'"Authorization: {scheme} ${{{env}}}"']
                continue
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.body is not None:
            parts += ["--data-raw", shlex.quote(json.dumps(self.body, ensure_ascii=False))]
        elif self.body_text is not None:
            parts += ["--data-raw", shlex.quote(self.body_text)]
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "url": self.url,
            "headers": dict(self.headers),
        }
        if self.body is not None:
            out["body"] = self.body
        if self.body_text is not None:
            out["body_text"] = self.body_text
        out["curl"] = self.curl
        return out


@dataclass(frozen=True)
class ResponseSnapshot:
    """A redacted response."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: Any = None
    body_text: str | None = None
    elapsed_ms: float = 0.0

    @classmethod
    def capture(cls, response: HttpResponse, redactor: Redactor) -> ResponseSnapshot:
        keep = ("content-type", "content-length", "location", "retry-after", "www-authenticate")
        headers = tuple(
            (k, redactor.header(k, v)) for k, v in response.headers if k.lower() in keep
        )
        try:
            body = redactor.value(_trim(response.json()))
            body_text = None
        except ValueError:
            body = None
            body_text = _cut(redactor.text(response.text)) if response.body else None
        return cls(
            status=response.status,
            headers=headers,
            body=body,
            body_text=body_text,
            elapsed_ms=round(response.elapsed * 1000, 1),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status,
            "headers": dict(self.headers),
            "elapsed_ms": self.elapsed_ms,
        }
        if self.body is not None:
            out["body"] = self.body
        if self.body_text is not None:
            out["body_text"] = self.body_text
        return out


@dataclass(frozen=True)
class Failure:
    """One failing case of a check."""

    check: str
    operation: str
    finding: Finding
    request: RequestSnapshot | None = None
    response: ResponseSnapshot | None = None
    case: str = ""
    """What the case was (``valid``, ``invalid: phone.e164 at /number``, ``lifecycle step 4``...)."""
    payload: Any = None
    """The (minimal, redacted) payload that triggered it, when there was one."""
    steps: tuple[str, ...] = ()
    """For stateful checks: the requests leading up to the failing one."""
    occurrences: int = 1
    """How many cases failed the same way (same check, rule, place and status class); this one is
    the smallest of them."""
    level: str = "contract"
    """``contract``: the case broke the contract; ``advisory``: it goes beyond what the contract
    says (reported, counted apart, fails the run only with ``--fail-on advisory``)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.check,
            "operation": self.operation,
            "case": self.case,
            "finding": self.finding.to_dict(),
        }
        if self.payload is not None:
            out["payload"] = self.payload
        if self.request is not None:
            out["request"] = self.request.to_dict()
        if self.response is not None:
            out["response"] = self.response.to_dict()
        if self.steps:
            out["steps"] = list(self.steps)
        if self.occurrences != 1:
            out["occurrences"] = self.occurrences
        if self.level != "contract":
            out["level"] = self.level
        return out

    @property
    def title(self) -> str:
        return f"{self.check} on {self.operation}: {self.finding.message}"


@dataclass
class CheckResult:
    """One check on one operation."""

    operation: str
    check: str
    status: Status = Status.PASSED
    cases: int = 0
    failures: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Why the check could not finish (timeouts, refused connections...)."""
    reason: str | None = None
    """Why it was skipped."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.check,
            "status": str(self.status),
            "cases": self.cases,
            "failures": [f.to_dict() for f in self.failures],
        }
        if self.errors:
            out["errors"] = list(self.errors)
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class OperationCoverage:
    """Coverage units of one operation: exercised / enumerated, per kind and per rule family, and
    the units not exercised with why (listed up to `MISSED_LIMIT`)."""

    operation: str
    negative: list[int] = field(default_factory=lambda: [0, 0])
    """[exercised, enumerated] negative units (a request breaking one rule one way at one place)."""
    edges: list[int] = field(default_factory=lambda: [0, 0])
    """[exercised, enumerated] valid edges (every enum value, each bound, empty arrays...)."""
    families: dict[str, list[int]] = field(default_factory=dict)
    """Rule family (``schema``, ``phone``, ``hooks``, ``discriminator``, ``length``, ``edge``) ->
    [exercised, enumerated]."""
    missed: list[dict[str, Any]] = field(default_factory=list)
    missed_total: int = 0
    left_out: int = 0
    """Places beyond the enumeration's limit: not enumerated, so not in the counts."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "operation": self.operation,
            "negative": {"exercised": self.negative[0], "enumerated": self.negative[1]},
            "edges": {"exercised": self.edges[0], "enumerated": self.edges[1]},
            "families": {
                k: {"exercised": v[0], "enumerated": v[1]} for k, v in sorted(self.families.items())
            },
            "not_exercised": list(self.missed),
        }
        if self.missed_total > len(self.missed):
            out["not_exercised_total"] = self.missed_total
        if self.left_out:
            out["places_left_out"] = self.left_out
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OperationCoverage:
        return cls(
            operation=d["operation"],
            negative=[d["negative"]["exercised"], d["negative"]["enumerated"]],
            edges=[d["edges"]["exercised"], d["edges"]["enumerated"]],
            families={k: [v["exercised"], v["enumerated"]] for k, v in d["families"].items()},
            missed=list(d.get("not_exercised", ())),
            missed_total=int(d.get("not_exercised_total", len(d.get("not_exercised", ())))),
            left_out=int(d.get("places_left_out", 0)),
        )


def percent(pair: list[int] | tuple[int, int]) -> float:
    """Exercised as a percentage of enumerated (100 when nothing was enumerated)."""
    done, total = pair
    return 100.0 if total == 0 else 100.0 * done / total


@dataclass(frozen=True)
class OperationInfo:
    operation_id: str
    method: str
    path: str
    label: str
    summary: str = ""


@dataclass(frozen=True)
class PhaseTiming:
    name: str
    seconds: float
    requests: int


@dataclass
class RunMetadata:
    """Everything needed to tell runs apart and to replay one."""

    run_id: str
    started_at: str
    finished_at: str | None
    duration_s: float
    spec_source: str
    spec_sha256: str
    spec_title: str
    spec_version: str
    overlays: list[str]
    base_url: str
    target: str
    """``mock`` (built-in, started by the run) or ``live``."""
    seed: int
    max_examples: int
    allow_writes: bool
    read_only: bool
    credentials: int
    versions: dict[str, str]
    include: list[str] = field(default_factory=list)
    rate_limit: float | None = None
    timeout: float = 10.0
    interrupted: bool = False
    aborted: str | None = None
    coverage_fail_under: float | None = None
    """``--coverage-fail-under``: the run fails when negative coverage is below this percentage."""
    fail_on: str = "contract"
    """``--fail-on``: ``contract`` (advisory findings are reported only) or ``advisory``."""
    """Why the run stopped before the end (the run could not be carried out)."""
    requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RunResult:
    metadata: RunMetadata
    operations: list[OperationInfo]
    checks: list[str]
    """Check ids in display order."""
    results: dict[tuple[str, str], CheckResult]
    """(operation label, check id) -> result."""
    spec_findings: list[Finding] = field(default_factory=list)
    phases: list[PhaseTiming] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    check_meta: dict[str, dict[str, str]] = field(default_factory=dict)
    """Check id -> ``{"title", "short", "description"}`` (so writers need no registry)."""
    redactor: Redactor | None = field(default=None, repr=False, compare=False)
    """A last line of defence for writers (``scrub``); never serialised."""
    coverage: list[OperationCoverage] = field(default_factory=list)
    """Coverage units per operation (negative units and valid edges)."""
    responses: dict[str, dict[str, dict[int, int]]] = field(default_factory=dict)
    """Operation label -> what its cases expected (``success``, ``reject``, ``unauthorized``...) ->
    status code -> responses: what the server answered (the reports' warnings read it)."""

    def coverage_total(self, kind: str = "negative") -> tuple[int, int]:
        """(exercised, enumerated) over every operation, of ``negative`` units or ``edges``."""
        pairs = [c.negative if kind == "negative" else c.edges for c in self.coverage]
        return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

    @property
    def coverage_short(self) -> bool:
        """Negative coverage is below ``--coverage-fail-under``."""
        gate = self.metadata.coverage_fail_under
        return gate is not None and percent(self.coverage_total()) < gate

    def title_of(self, check: str) -> str:
        return self.check_meta.get(check, {}).get("title", check)

    def short_of(self, check: str) -> str:
        return self.check_meta.get(check, {}).get("short", check.rsplit(".", 1)[-1])

    def scrub(self, text: str) -> str:
        """Remove the run's known secret values from rendered text."""
        return self.redactor.text(text) if self.redactor is not None else text

    def result(self, operation: str, check: str) -> CheckResult | None:
        return self.results.get((operation, check))

    def for_operation(self, operation: str) -> list[CheckResult]:
        return [r for (op, _), r in self.results.items() if op == operation]

    def failures(self, level: str | None = None) -> list[Failure]:
        """Every failing case (of one ``level``, when given), operations and checks in order."""
        out: list[Failure] = []
        for op in self.operations:
            for check in self.checks:
                r = self.results.get((op.label, check))
                if r is not None:
                    out.extend(f for f in r.failures if level is None or f.level == level)
        return out

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for r in self.results.values():
            counts[r.status.value] += 1
        return counts

    @property
    def verdict(self) -> str:
        """``passed``, ``failed`` or ``error`` (the run could not be carried out)."""
        if self.metadata.aborted or self.metadata.interrupted:
            return "error"
        statuses = {r.status for r in self.results.values()}
        if Status.FAILED in statuses or self.coverage_short:
            return "failed"
        if Status.ADVISORY in statuses and self.metadata.fail_on == "advisory":
            return "failed"
        if any(r.status is Status.ERRORED for r in self.results.values()):
            return "error"
        return "passed"

    @property
    def exit_code(self) -> int:
        verdict = self.verdict
        if verdict == "failed":
            return int(ExitCode.FINDINGS)
        if verdict == "error":
            return int(ExitCode.ERROR)
        return int(ExitCode.OK)

    def spec_finding_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.spec_findings:
            out[str(f.severity)] = out.get(str(f.severity), 0) + 1
        return out


LIST_LIMIT = 20
"""Items of a JSON array a response snapshot keeps: a failure shows what was wrong, not a listing of
every resource (a run against a server that keeps what it should refuse saw lists of hundreds, and
redacting each whole list once per failure made the run quadratic)."""


def _trim(value: Any, limit: int = LIST_LIMIT, depth: int = 0) -> Any:
    """``value`` with every array cut to its first ``limit`` items and a note of how many were left
    out; only the kept part is walked. Below 200 levels the value is left as it is (the redactor
    cuts what lies past its own depth cap)."""
    if depth > 200:
        return value
    if isinstance(value, list):
        kept = [_trim(v, limit, depth + 1) for v in value[:limit]]
        if len(value) > limit:
            kept.append(f"[{len(value) - limit} more items not kept in the report]")
        return kept
    if isinstance(value, dict):
        return {k: _trim(v, limit, depth + 1) for k, v in value.items()}
    return value


def _cut(text: str, limit: int = BODY_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_json_media(ct: str | None) -> bool:
    if not ct:
        return False
    mt = ct.split(";", 1)[0].strip().lower()
    return mt == "application/json" or mt.endswith("+json")


def severity_of(status: Status) -> Severity:
    return Severity.ERROR if status in (Status.FAILED, Status.ERRORED) else Severity.INFO
