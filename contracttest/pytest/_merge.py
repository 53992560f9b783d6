"""Contract results across processes: serialise a session's results, merge several into one run.

Every session (the only one, or each pytest-xdist worker) turns what its contract tests recorded into
a JSON text (`dump_runtime`); the process that writes reports merges those texts into one
`RunResult` per spec (`merge`). The non-distributed case goes through the same path, so the merge
is exercised by every run that writes a report. The text is scrubbed of the session's credentials
before it leaves the worker.
"""

from __future__ import annotations

import json
import platform
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest.findings import Finding, Severity
from contracttest.pytest._settings import safe_url

if TYPE_CHECKING:
    from contracttest.pytest._runtime import Endpoint, Runtime
    from contracttest.runner.results import (
        CheckResult,
        Failure,
        RequestSnapshot,
        ResponseSnapshot,
        RunResult,
    )

__all__ = ["FORMAT_VERSION", "dump_runtime", "merge"]

FORMAT_VERSION = 1
MAX_FAILURES_PER_CHECK = 50
_STATUS_RANK = {"skipped": 0, "passed": 1, "advisory": 2, "errored": 3, "failed": 4}


# ------------------------------------------------------------------------------------- records
def finding_to_dict(f: Finding) -> dict[str, Any]:
    return f.to_dict()


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(
        rule=str(d["rule"]),
        severity=Severity.parse(str(d["severity"])),
        pointer=str(d.get("pointer", "")),
        message=str(d.get("message", "")),
        expected=d.get("expected"),
        actual=d.get("actual"),
        schema_pointer=d.get("schema_pointer"),
        suggestion=d.get("suggestion"),
        source=d.get("source"),
        line=d.get("line"),
        column=d.get("column"),
        target=d.get("target"),
        details=tuple(finding_from_dict(x) for x in d.get("details", ())),
    )


def _request_to_dict(r: RequestSnapshot) -> dict[str, Any]:
    return {
        "method": r.method,
        "url": r.url,
        "headers": [list(h) for h in r.headers],
        "body": r.body,
        "body_text": r.body_text,
        "credential": r.credential,
        "curl": r.curl,
    }


def _request_from_dict(d: dict[str, Any]) -> RequestSnapshot:
    from contracttest.runner.results import RequestSnapshot

    return RequestSnapshot(
        method=d["method"],
        url=d["url"],
        headers=tuple((str(k), str(v)) for k, v in d.get("headers", ())),
        body=d.get("body"),
        body_text=d.get("body_text"),
        credential=d.get("credential"),
        curl=d.get("curl", ""),
    )


def _response_to_dict(r: ResponseSnapshot) -> dict[str, Any]:
    return {
        "status": r.status,
        "headers": [list(h) for h in r.headers],
        "body": r.body,
        "body_text": r.body_text,
        "elapsed_ms": r.elapsed_ms,
    }


def _response_from_dict(d: dict[str, Any]) -> ResponseSnapshot:
    from contracttest.runner.results import ResponseSnapshot

    return ResponseSnapshot(
        status=int(d["status"]),
        headers=tuple((str(k), str(v)) for k, v in d.get("headers", ())),
        body=d.get("body"),
        body_text=d.get("body_text"),
        elapsed_ms=float(d.get("elapsed_ms", 0.0)),
    )


def failure_to_dict(f: Failure) -> dict[str, Any]:
    return {
        "check": f.check,
        "operation": f.operation,
        "finding": finding_to_dict(f.finding),
        "request": _request_to_dict(f.request) if f.request is not None else None,
        "response": _response_to_dict(f.response) if f.response is not None else None,
        "case": f.case,
        "payload": f.payload,
        "steps": list(f.steps),
        "level": f.level,
    }


def failure_from_dict(d: dict[str, Any]) -> Failure:
    from contracttest.runner.results import Failure

    return Failure(
        check=d["check"],
        operation=d["operation"],
        finding=finding_from_dict(d["finding"]),
        request=_request_from_dict(d["request"]) if d.get("request") else None,
        response=_response_from_dict(d["response"]) if d.get("response") else None,
        case=d.get("case", ""),
        payload=d.get("payload"),
        steps=tuple(d.get("steps", ())),
        level=d.get("level", "contract"),
    )


def result_to_dict(r: CheckResult) -> dict[str, Any]:
    return {
        "operation": r.operation,
        "check": r.check,
        "status": str(r.status),
        "cases": r.cases,
        "failures": [failure_to_dict(f) for f in r.failures],
        "errors": list(r.errors),
        "reason": r.reason,
    }


def result_from_dict(d: dict[str, Any]) -> CheckResult:
    from contracttest.runner.results import CheckResult, Status

    return CheckResult(
        operation=d["operation"],
        check=d["check"],
        status=Status(d["status"]),
        cases=int(d.get("cases", 0)),
        failures=[failure_from_dict(f) for f in d.get("failures", ())],
        errors=list(d.get("errors", ())),
        reason=d.get("reason"),
    )


# --------------------------------------------------------------------------------- one session
def _versions() -> dict[str, str]:
    import hypothesis
    import pytest

    from contracttest import __version__

    return {
        "contracttest": __version__,
        "python": platform.python_version(),
        "hypothesis": hypothesis.__version__,
        "pytest": pytest.__version__,
    }


def _dump_endpoint(ep: Endpoint, runtime: Runtime) -> dict[str, Any] | None:
    from contracttest.runner.catalog import checks_info

    engine = ep.engine
    results = []
    for _key, slot in sorted(engine.recorder.results.items()):
        r = slot.result
        if r.cases == 0 and not r.errors and str(r.status) == "passed":
            continue
        results.append(result_to_dict(r))
    if not results:
        return None
    used = {r["operation"] for r in results} | ep.operations
    operations = [
        {
            "index": i,
            "operation_id": op.operation_id,
            "method": op.method,
            "path": op.path,
            "label": op.label,
            "summary": op.summary,
        }
        for i, op in enumerate(ep.spec.operations)
        if op.label in used
    ]
    infos = {c.id: c for c in checks_info()}  # in display order
    rank = {cid: i for i, cid in enumerate(infos)}
    checks = sorted({r["check"] for r in results}, key=lambda c: (rank.get(c, len(rank)), c))
    raw_info = ep.spec.raw.get("info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    plan = ep.plan
    return {
        "spec": {
            "source": safe_url(ep.spec_source),
            "overlays": [safe_url(o) for o in ep.overlays],
            # Whether the controller may load it again (to merge the workers' spec findings).
            "reloadable": not ep.key.startswith("object:")
            and all(safe_url(x) == x for x in (ep.spec_source, *ep.overlays)),
            "sha256": ep.spec.sha256,
            "title": str(info.get("title", "")),
            "version": str(info.get("version", "")),
        },
        "base_url": engine.redactor.url(ep.base_url),
        "target": ep.target,
        "seed": runtime.seed,
        "max_examples": runtime.settings.max_examples,
        "allow_writes": runtime.settings.allow_writes,
        "fail_on": runtime.settings.fail_on,
        "read_only": plan.read_only,
        "credentials": len(plan.credentials),
        "started_at": ep.started_at,
        "finished_at": ep.finished_at,
        "duration_s": ep.duration_s,
        "requests": engine.requests,
        "versions": _versions(),
        "operations": operations,
        "checks": checks,
        "check_meta": {
            c: {
                "title": infos[c].title,
                "short": infos[c].short,
                "description": infos[c].description,
            }
            for c in checks
            if c in infos
        },
        "results": results,
        "gaps": {
            op: {str(s): sorted(w) for s, w in g.items()}
            for op, g in engine.spec_notes.gaps.items()
        },
        "spec_findings": [finding_to_dict(f) for f in engine.spec_notes.findings()],
        "notes": list(ep.notes),
    }


def dump_runtime(runtime: Runtime) -> str | None:
    """The session's contract results as JSON text (None when no contract test recorded any)."""
    endpoints = []
    text_parts: list[str] = []
    for ep in runtime.endpoints:
        dumped = _dump_endpoint(ep, runtime)
        if dumped is None:
            continue
        # A last line of defence: no credential of the session leaves the process.
        text_parts.append(ep.engine.redactor.text(json.dumps(dumped, ensure_ascii=False)))
        endpoints.append(dumped)
    if not endpoints:
        return None
    return f'{{"version": {FORMAT_VERSION}, "endpoints": [{", ".join(text_parts)}]}}'


# ------------------------------------------------------------------------------------- merging
@dataclass
class _Group:
    """The parts of one spec's run coming from several sessions."""

    parts: list[dict[str, Any]] = field(default_factory=list)


def _group_key(ep: dict[str, Any]) -> str:
    spec = ep["spec"]
    base = ep["base_url"] if ep["target"] == "live" else "mock"
    return "|".join([spec["sha256"], *spec.get("overlays", ()), base])


def _merge_results(items: Iterable[CheckResult]) -> CheckResult:
    from contracttest.runner.results import CheckResult, Status

    items = list(items)
    first = items[0]
    merged = CheckResult(operation=first.operation, check=first.check)
    merged.status = Status(max((str(r.status) for r in items), key=lambda s: _STATUS_RANK[s]))
    merged.cases = sum(r.cases for r in items)
    seen: dict[tuple[str, str, int | None], int] = {}
    for r in items:
        for f in r.failures:
            sig = (
                f.finding.rule,
                f.finding.pointer,
                f.response.status // 100 if f.response else None,
            )
            size = len(json.dumps(f.payload, default=str))
            idx = seen.get(sig)
            if idx is None:
                if len(merged.failures) < MAX_FAILURES_PER_CHECK:
                    seen[sig] = len(merged.failures)
                    merged.failures.append(f)
            elif size < len(json.dumps(merged.failures[idx].payload, default=str)):
                merged.failures[idx] = f  # keep the smallest payload of each kind of failure
        merged.errors.extend(e for e in r.errors if e not in merged.errors)
    if merged.status is Status.SKIPPED:
        merged.reason = next((r.reason for r in items if r.reason), None)
    return merged


def _spec_findings(parts: list[dict[str, Any]]) -> list[Finding]:
    """The undocumented-error findings of all sessions, recomputed from the merged gaps."""
    gaps: dict[str, dict[int, set[str]]] = {}
    for p in parts:
        for op, per in p.get("gaps", {}).items():
            for status, whys in per.items():
                gaps.setdefault(op, {}).setdefault(int(status), set()).update(whys)
    every = [finding_from_dict(f) for p in parts for f in p.get("spec_findings", ())]
    spec = parts[0]["spec"]
    if len(parts) > 1 and gaps and spec.get("reloadable"):
        try:
            from contracttest.openapi import load_spec
            from contracttest.runner.recorder import SpecNotes

            loaded = load_spec(spec["source"], overlays=list(spec.get("overlays", ())))
            notes = SpecNotes(loaded)
            notes.gaps = gaps
            return notes.findings()
        except Exception:  # the spec is not reachable from here: keep each session's own findings
            pass
    out: dict[tuple[str, str], Finding] = {}
    for f in every:
        key = (f.rule, f.pointer)
        if key not in out or len(f.message) > len(out[key].message):
            out[key] = f
    return sorted(out.values(), key=Finding.sort_key)


def _merge_group(parts: list[dict[str, Any]], notes: list[str]) -> RunResult:
    from contracttest.runner.results import OperationInfo, RunMetadata, RunResult

    first = parts[0]
    ops: dict[str, dict[str, Any]] = {}
    for p in parts:
        for op in p["operations"]:
            ops.setdefault(op["label"], op)
    operations = [
        OperationInfo(o["operation_id"], o["method"], o["path"], o["label"], o.get("summary", ""))
        for o in sorted(ops.values(), key=lambda o: o["index"])
    ]
    order: list[str] = []
    meta: dict[str, dict[str, str]] = {}
    for p in parts:
        order.extend(c for c in p["checks"] if c not in order)
        meta.update(p.get("check_meta", {}))
    from contracttest.runner.catalog import checks_info

    rank = {c.id: i for i, c in enumerate(checks_info())}
    checks = sorted(order, key=lambda c: (rank.get(c, len(rank)), c))
    by_key: dict[tuple[str, str], list[CheckResult]] = {}
    for p in parts:
        for d in p["results"]:
            r = result_from_dict(d)
            by_key.setdefault((r.operation, r.check), []).append(r)
    results = {key: _merge_results(items) for key, items in by_key.items()}
    urls = list(dict.fromkeys(p["base_url"] for p in parts))
    base_url = (
        urls[0] if len(urls) == 1 else f"{urls[0]} (and {len(urls) - 1} more: one mock per worker)"
    )
    started = min(p["started_at"] for p in parts)
    finished = max((p["finished_at"] or p["started_at"]) for p in parts)
    run_notes = [n for p in parts for n in p.get("notes", ())]
    if len(parts) > 1:
        run_notes.append(f"merged from {len(parts)} pytest-xdist workers")
    run_notes.extend(notes)
    metadata = RunMetadata(
        run_id=uuid.uuid4().hex[:12],
        started_at=started,
        finished_at=finished,
        duration_s=max(p["duration_s"] for p in parts),
        spec_source=first["spec"]["source"],
        spec_sha256=first["spec"]["sha256"],
        spec_title=first["spec"]["title"],
        spec_version=first["spec"]["version"],
        overlays=list(first["spec"].get("overlays", ())),
        base_url=base_url,
        target=first["target"],
        seed=int(first["seed"]),
        max_examples=int(first["max_examples"]),
        allow_writes=bool(first["allow_writes"]),
        fail_on=str(first.get("fail_on", "contract")),
        read_only=bool(first["read_only"]),
        credentials=int(first["credentials"]),
        versions=dict(first["versions"]),
        include=[o.label for o in operations],
        requests=sum(int(p["requests"]) for p in parts),
    )
    return RunResult(
        metadata=metadata,
        operations=operations,
        checks=checks,
        results=results,
        spec_findings=_spec_findings(parts),
        notes=list(dict.fromkeys(run_notes)),
        check_meta=meta,
    )


def merge(payloads: Iterable[str], notes: Iterable[str] = ()) -> list[RunResult]:
    """One `RunResult` per spec (and live URL) from the JSON texts of `dump_runtime`.

    Raises:
        ValueError: a text is not a payload of this format.
    """
    groups: dict[str, _Group] = {}
    for text in payloads:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION:
            raise ValueError(f"not a contracttest session payload (version {FORMAT_VERSION})")
        for ep in doc["endpoints"]:
            groups.setdefault(_group_key(ep), _Group()).parts.append(ep)
    extra = list(notes)
    return [_merge_group(g.parts, extra) for g in groups.values()]
