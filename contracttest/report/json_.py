"""The JSON report: versioned, sorted, every failing case with its reproduction.

``REPORT_SCHEMA`` is the JSON Schema of the document (tests validate every report against it). The
version follows semver: a new optional member is a minor bump, anything else a major one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.report._atomic import atomic_write
from contracttest.runner.results import STATUSES

if TYPE_CHECKING:
    from contracttest.runner.results import RunResult

__all__ = ["FILENAME", "REPORT_SCHEMA", "SCHEMA_VERSION", "render", "to_document", "write"]

FILENAME = "contracttest-report.json"
SCHEMA_VERSION = "1.1"
SCHEMA_ID = "https://contracttest.dev/schemas/run-report/1.1.json"

_PAIR: dict[str, Any] = {
    "type": "object",
    "required": ["exercised", "enumerated"],
    "properties": {
        "exercised": {"type": "integer", "minimum": 0},
        "enumerated": {"type": "integer", "minimum": 0},
        "percent": {"type": "number", "minimum": 0, "maximum": 100},
    },
}

_FINDING: dict[str, Any] = {
    "type": "object",
    "required": ["rule", "severity", "pointer", "message"],
    "properties": {
        "rule": {"type": "string"},
        "severity": {"enum": ["info", "warning", "error"]},
        "pointer": {"type": "string"},
        "message": {"type": "string"},
        "expected": {"type": "string"},
        "actual": {"type": "string"},
        "schema_pointer": {"type": "string"},
        "suggestion": {"type": "string"},
        "source": {"type": "string"},
        "line": {"type": "integer"},
        "column": {"type": "integer"},
        "target": {"type": "string"},
        "details": {"type": "array", "items": {"$ref": "#/definitions/finding"}},
    },
}

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": SCHEMA_ID,
    "title": "contracttest run report",
    "type": "object",
    "required": [
        "schema_version",
        "tool",
        "run",
        "verdict",
        "exit_code",
        "summary",
        "checks",
        "operations",
        "spec_findings",
    ],
    "definitions": {
        "finding": _FINDING,
        "pair": _PAIR,
        "request": {
            "type": "object",
            "required": ["method", "url", "headers", "curl"],
            "properties": {
                "method": {"type": "string"},
                "url": {"type": "string"},
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "body": {},
                "body_text": {"type": "string"},
                "curl": {"type": "string"},
            },
        },
        "response": {
            "type": "object",
            "required": ["status", "headers", "elapsed_ms"],
            "properties": {
                "status": {"type": "integer"},
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "body": {},
                "body_text": {"type": "string"},
                "elapsed_ms": {"type": "number"},
            },
        },
        "failure": {
            "type": "object",
            "required": ["check", "operation", "case", "finding"],
            "properties": {
                "check": {"type": "string"},
                "operation": {"type": "string"},
                "case": {"type": "string"},
                "finding": {"$ref": "#/definitions/finding"},
                "payload": {},
                "request": {"$ref": "#/definitions/request"},
                "response": {"$ref": "#/definitions/response"},
                "steps": {"type": "array", "items": {"type": "string"}},
                "occurrences": {"type": "integer", "minimum": 2},
                "level": {"enum": ["contract", "advisory"]},
            },
        },
    },
    "properties": {
        "$schema": {"type": "string"},
        "schema_version": {"type": "string", "pattern": r"^1\.\d+$"},
        "tool": {
            "type": "object",
            "required": ["name", "version"],
            "properties": {"name": {"const": "contracttest"}, "version": {"type": "string"}},
        },
        "run": {
            "type": "object",
            "required": [
                "run_id",
                "started_at",
                "duration_s",
                "spec",
                "base_url",
                "target",
                "seed",
                "max_examples",
                "versions",
            ],
            "properties": {
                "run_id": {"type": "string"},
                "started_at": {"type": "string"},
                "finished_at": {"type": ["string", "null"]},
                "duration_s": {"type": "number", "minimum": 0},
                "spec": {
                    "type": "object",
                    "required": ["source", "sha256", "title", "version"],
                    "properties": {
                        "source": {"type": "string"},
                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "title": {"type": "string"},
                        "version": {"type": "string"},
                        "overlays": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "base_url": {"type": "string"},
                "target": {"enum": ["mock", "live"]},
                "seed": {"type": "integer"},
                "max_examples": {"type": "integer", "minimum": 0},
                "allow_writes": {"type": "boolean"},
                "read_only": {"type": "boolean"},
                "credentials": {"type": "integer", "minimum": 0},
                "include": {"type": "array", "items": {"type": "string"}},
                "rate_limit": {"type": ["number", "null"]},
                "timeout": {"type": "number"},
                "interrupted": {"type": "boolean"},
                "aborted": {"type": ["string", "null"]},
                "requests": {"type": "integer", "minimum": 0},
                "versions": {
                    "type": "object",
                    "required": ["contracttest", "python"],
                    "additionalProperties": {"type": "string"},
                },
            },
        },
        "verdict": {"enum": ["passed", "failed", "error"]},
        "exit_code": {"enum": [0, 1, 2]},
        "summary": {
            "type": "object",
            "required": [
                "operations",
                "checks",
                "passed",
                "failed",
                "errored",
                "skipped",
                "failures",
            ],
            "properties": {
                k: {"type": "integer", "minimum": 0}
                for k in (
                    "operations",
                    "checks",
                    *STATUSES,
                    "failures",
                    "advisory_findings",
                )
            },
        },
        "checks": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "description"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                },
            },
        },
        "operations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["operation_id", "method", "path", "status", "checks"],
                "properties": {
                    "operation_id": {"type": "string"},
                    "method": {"type": "string"},
                    "path": {"type": "string"},
                    "status": {"enum": list(STATUSES)},
                    "checks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["check", "status", "cases", "failures"],
                            "properties": {
                                "check": {"type": "string"},
                                "status": {"enum": list(STATUSES)},
                                "cases": {"type": "integer", "minimum": 0},
                                "failures": {
                                    "type": "array",
                                    "items": {"$ref": "#/definitions/failure"},
                                },
                                "errors": {"type": "array", "items": {"type": "string"}},
                                "reason": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
        "spec_findings": {"type": "array", "items": {"$ref": "#/definitions/finding"}},
        "phases": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "seconds", "requests"],
                "properties": {
                    "name": {"type": "string"},
                    "seconds": {"type": "number"},
                    "requests": {"type": "integer"},
                },
            },
        },
        "notes": {"type": "array", "items": {"type": "string"}},
        "coverage": {
            "type": "object",
            "required": ["negative", "edges", "operations"],
            "properties": {
                "negative": {"$ref": "#/definitions/pair"},
                "edges": {"$ref": "#/definitions/pair"},
                "fail_under": {"type": ["number", "null"]},
                "operations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["operation", "negative", "edges", "families"],
                        "properties": {
                            "operation": {"type": "string"},
                            "negative": {"$ref": "#/definitions/pair"},
                            "edges": {"$ref": "#/definitions/pair"},
                            "families": {
                                "type": "object",
                                "additionalProperties": {"$ref": "#/definitions/pair"},
                            },
                            "not_exercised": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["kind", "part", "location", "rule", "way"],
                                    "properties": {
                                        "kind": {"enum": ["negative", "edge"]},
                                        "part": {"type": "string"},
                                        "variant": {"type": "string"},
                                        "location": {"type": "string"},
                                        "rule": {"type": "string"},
                                        "way": {"type": "string"},
                                        "reason": {"type": "string"},
                                    },
                                },
                            },
                            "not_exercised_total": {"type": "integer", "minimum": 0},
                            "places_left_out": {"type": "integer", "minimum": 0},
                        },
                    },
                },
            },
        },
    },
}


def _operation_status(statuses: list[str]) -> str:
    for s in ("failed", "errored", "advisory", "passed"):
        if s in statuses:
            return s
    return "skipped"


def to_document(result: RunResult) -> dict[str, Any]:
    """The report as a JSON-ready dict (already redacted)."""
    from contracttest import __version__

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
