"""The JSON report: versioned, sorted, every failing case with its reproduction.

Its JSON Schema ships in the package, ``contracttest/report/schema/run-report-<version>.json``
(`SCHEMA_PATH`; `REPORT_SCHEMA` is that file, loaded), so other tools can validate and consume the
report. Compatibility: ``schema_version`` is MAJOR.MINOR. A minor version only adds (an optional
member, a member every new report has, a value where readers already expect unknown ones): a reader
written for 1.x reads every 1.y and ignores members it does not know. Anything else (a member removed,
renamed or retyped, a meaning changed) is a new major version with a new schema file.

1.2 added ``warnings`` (`contracttest.report.run_warnings`) and each operation's ``responses``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.report._atomic import atomic_write

if TYPE_CHECKING:
    from contracttest.runner.results import RunResult

__all__ = [
    "FILENAME",
    "REPORT_SCHEMA",
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "render",
    "to_document",
    "write",
]

FILENAME = "contracttest-report.json"
SCHEMA_VERSION = "1.2"
SCHEMA_ID = f"https://contracttest.dev/schemas/run-report/{SCHEMA_VERSION}.json"
SCHEMA_PATH = Path(__file__).with_name("schema") / f"run-report-{SCHEMA_VERSION}.json"
"""The JSON Schema of the report this version writes (package data)."""
REPORT_SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _operation_status(statuses: list[str]) -> str:
    for s in ("failed", "errored", "advisory", "passed"):
        if s in statuses:
            return s
    return "skipped"


def to_document(result: RunResult) -> dict[str, Any]:
    """The report as a JSON-ready dict (already redacted)."""
    from contracttest import __version__
    from contracttest.report.run_warnings import warnings_of

    m = result.metadata
    counts = result.counts()
    operations = []
    for op in result.operations:
        checks = []
        for cid in result.checks:
            r = result.result(op.label, cid)
            if r is not None:
                checks.append(r.to_dict())
        operations.append(
            {
                "operation_id": op.operation_id,
                "method": op.method,
                "path": op.path,
                "summary": op.summary,
                "status": _operation_status([c["status"] for c in checks]),
                "checks": checks,
                "responses": {
                    expect: {str(status): n for status, n in sorted(tally.items())}
                    for expect, tally in sorted(result.responses.get(op.label, {}).items())
                },
            }
        )
    run = m.to_dict()
    spec = {
        "source": run.pop("spec_source"),
        "sha256": run.pop("spec_sha256"),
        "title": run.pop("spec_title"),
        "version": run.pop("spec_version"),
        "overlays": run.pop("overlays"),
    }
    run["spec"] = spec
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "contracttest", "version": __version__},
        "run": dict(sorted(run.items())),
        "verdict": result.verdict,
        "exit_code": result.exit_code,
        "summary": {
            "operations": len(result.operations),
            "checks": len(result.results),
            "passed": counts["passed"],
            "failed": counts["failed"],
            "errored": counts["errored"],
            "skipped": counts["skipped"],
            "advisory": counts["advisory"],
            "failures": len(result.failures("contract")),
            "advisory_findings": len(result.failures("advisory")),
        },
        "checks": [
            {
                "id": cid,
                "title": result.title_of(cid),
                "description": result.check_meta.get(cid, {}).get("description", ""),
            }
            for cid in result.checks
        ],
        "operations": operations,
        "spec_findings": [
            f.to_dict() for f in sorted(result.spec_findings, key=lambda f: f.sort_key())
        ],
        "phases": [
            {"name": p.name, "seconds": round(p.seconds, 3), "requests": p.requests}
            for p in result.phases
        ],
        "notes": list(result.notes),
        "coverage": coverage_document(result),
        "warnings": [w.to_dict() for w in warnings_of(result)],
    }


def _pair(pair: tuple[int, int] | list[int]) -> dict[str, Any]:
    from contracttest.runner.results import percent

    return {"exercised": pair[0], "enumerated": pair[1], "percent": round(percent(pair), 1)}


def coverage_document(result: RunResult) -> dict[str, Any]:
    """The coverage section: totals, the gate, and per operation the units by rule family and
    those not exercised with why."""
    operations = []
    for cov in result.coverage:
        d = cov.to_dict()
        d["negative"] = _pair(cov.negative)
        d["edges"] = _pair(cov.edges)
        d["families"] = {k: _pair(v) for k, v in sorted(cov.families.items())}
        operations.append(d)
    return {
        "negative": _pair(result.coverage_total("negative")),
        "edges": _pair(result.coverage_total("edges")),
        "fail_under": result.metadata.coverage_fail_under,
        "operations": operations,
    }


def render(result: RunResult) -> str:
    text = json.dumps(to_document(result), indent=2, ensure_ascii=False, default=str) + "\n"
    return result.scrub(text)


def write(result: RunResult, directory: Path) -> Path:
    return atomic_write(directory / FILENAME, render(result))
