"""Zero noise against the real framework (issue 12, item 4): ``contracttest run`` against the NestJS
reference server, exactly as a user runs it (the repository's pyproject gives the seed spec and its
fixes overlay; two orgs' tokens; writes allowed), reports no failed check except the framework's
documented departures from the contract, each recognised here by the name
tests/reference/nestjs/README.md gives it.

A failure that no named deviation explains fails the test: either the server broke the contract (a
bug in the reference server, which must then be listed in its README) or the run raised a false
alarm. Every named deviation the run can reach must also be reported (recall): a run that stops
seeing them has lost the checks that find real bugs of the same shape.

The default suite runs one seed with a small Hypothesis budget (the enumerated coverage units,
which reach every deviation, are sent in full); ``nox -s reference`` runs seeds 1-5 at the default
budget.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _components import NestServer

from contracttest import _pointer

pytestmark = pytest.mark.network

REPO = Path(__file__).resolve().parents[2]

# validator.js isISO8601 (what @IsDateString() calls, not strict) takes calendar dates it does not
# check (2024-02-30), bare dates and ISO week dates; RFC 3339 `date-time` takes none of them.
_ISO_8601_SHAPE = re.compile(r"^\d{4}-(\d{2}-\d{2}|W\d{2}(-\d)?)(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
_DATE_QUERY = re.compile(r"^/query/(createdAt|updatedAt)(Gt|Lt|Ge|Le)$")
_ABSENT = object()
_NESTED = re.compile(r"nested (\d+) levels deep")


def _sent(failure: dict[str, Any]) -> tuple[bool, Any]:
    """The value the failing request sent at the finding's pointer."""
    payload = failure.get("payload")
    pointer = failure["finding"].get("pointer") or ""
    if pointer.startswith("/query/"):
        query = (payload or {}).get("query") or {}
        name = pointer.removeprefix("/query/")
        return (name in query, query.get(name))
    value = _pointer.resolve(payload, pointer, _ABSENT)
    return (value is not _ABSENT, value)


def _optional_null(check: str, failure: dict[str, Any]) -> bool:
    """``@IsOptional()`` skips null like undefined: a member sent as null is taken as absent."""
    if check != "request.invalid-rejected":
        return False
    found, value = _sent(failure)
    return found and value is None


def _date_time_queries(check: str, failure: dict[str, Any]) -> bool:
    """``@IsDateString()`` takes ISO 8601 shapes RFC 3339 does not (2024-02-30T10:00:00Z)."""
    if check != "request.invalid-rejected":
        return False
    if not _DATE_QUERY.match(failure["finding"].get("pointer") or ""):
        return False
    found, value = _sent(failure)
    return found and isinstance(value, str) and bool(_ISO_8601_SHAPE.match(value))


def _deep_nesting(check: str, failure: dict[str, Any]) -> bool:
    """class-transformer recurses per level: JSON nested about 2,000 deep is a 500 (RangeError)."""
    match = _NESTED.search(failure.get("case") or "")
    return check == "server.no-5xx" and match is not None and int(match.group(1)) >= 1000


DEVIATIONS: dict[str, Callable[[str, dict[str, Any]], bool]] = {
    "optional-null": _optional_null,
    "date-time queries": _date_time_queries,
    "deep nesting": _deep_nesting,
}
"""The deviations of tests/reference/nestjs/README.md a conformance run can meet, by that name."""


def _readme_names() -> str:
    return (REPO / "tests" / "reference" / "nestjs" / "README.md").read_text(encoding="utf-8")


def _run(server: NestServer, seed: int, tmp: Path, *extra: str) -> dict[str, Any]:
    out = tmp / f"seed-{seed}"
    cmd = [
        sys.executable,
        "-m",
        "contracttest",
        "run",
        "--base-url",
        server.url,
        "--token",
        server.tokens[0],
        "--token",
        server.tokens[1],
        "--allow-writes",
        "--seed",
        str(seed),
        "--report",
        "json",
        "--report-dir",
        str(out),
        "--journal",
        str(out / "journal.jsonl"),
        *extra,
    ]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode in (0, 1), (
        f"run could not finish (exit {proc.returncode}):\n{proc.stderr}"
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    report: dict[str, Any] = json.loads((out / "contracttest-report.json").read_text("utf-8"))
    return report


def _judge(report: dict[str, Any]) -> tuple[Counter[str], list[str]]:
    named: Counter[str] = Counter()
    unexplained: list[str] = []
    for op in report["operations"]:
        for check in op["checks"]:
            for failure in check["failures"]:
                if failure.get("level", "contract") == "advisory":
                    continue
                names = [n for n, test in DEVIATIONS.items() if test(check["check"], failure)]
                if names:
                    named[names[0]] += 1
                else:
                    unexplained.append(
                        f"{op['operation_id']} {check['check']}: {failure['finding']['message']}"
                    )
    return named, unexplained


def _assert_only_named_deviations(report: dict[str, Any]) -> None:
    named, unexplained = _judge(report)
    assert not unexplained, (
        f"{len(unexplained)} failure(s) no named framework deviation explains "
        "(a false alarm, or a reference-server bug its README must list):\n"
        + "\n".join(unexplained[:30])
    )
    missing = [n for n in DEVIATIONS if not named[n]]
    assert not missing, f"the run no longer reports these real deviations: {missing} ({named})"
    # Only the named deviations fail the run; it exits 1 because they are real.
    assert report["exit_code"] == 1
    assert (
        report["coverage"]["negative"]["exercised"] == report["coverage"]["negative"]["enumerated"]
    )


def test_deviations_are_named_in_the_reference_readme() -> None:
    readme = _readme_names()
    for name in DEVIATIONS:
        assert name in readme, f"{name!r} is not a deviation tests/reference/nestjs/README.md lists"


def test_classifiers_recognise_only_their_deviation() -> None:
    null_member = {
        "case": "invalid body: schema.type at $.name (null)",
        "payload": {"provider": "vapi", "name": None},
        "finding": {"pointer": "/name", "expected": "a 4xx rejection (schema.type)"},
    }
    wrong_type = {
        "case": "invalid body: schema.type at $.name",
        "payload": {"provider": "vapi", "name": 3},
        "finding": {"pointer": "/name", "expected": "a 4xx rejection (schema.type)"},
    }
    bad_day = {
        "case": "createdAtGt='2024-02-30T10:00:00Z' (out of range)",
        "payload": {"query": {"createdAtGt": "2024-02-30T10:00:00Z"}},
        "finding": {"pointer": "/query/createdAtGt", "expected": "a 4xx rejection (schema.format)"},
    }
    not_a_date = {
        "case": "createdAtGt='x' (out of range)",
        "payload": {"query": {"createdAtGt": "yesterday"}},
        "finding": {"pointer": "/query/createdAtGt", "expected": "a 4xx rejection (schema.format)"},
    }
    deep = {"case": "JSON nested 3000 levels deep", "payload": None, "finding": {"pointer": ""}}
    shallow_500 = {"case": "valid request", "payload": {}, "finding": {"pointer": ""}}
    ir, five = "request.invalid-rejected", "server.no-5xx"
    assert _optional_null(ir, null_member) and not _optional_null(ir, wrong_type)
    assert _date_time_queries(ir, bad_day) and not _date_time_queries(ir, not_a_date)
    assert _deep_nesting(five, deep) and not _deep_nesting(five, shallow_500)
    assert not _optional_null("request.valid-accepted", null_member)


def test_run_against_nestjs_reports_only_named_deviations(
    nestjs_server: NestServer, tmp_path: Path
) -> None:
    _assert_only_named_deviations(_run(nestjs_server, 1, tmp_path, "--max-examples", "5"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_run_against_nestjs_reports_only_named_deviations_seeds_1_to_5(
    nestjs_server: NestServer, tmp_path: Path, seed: int
) -> None:
    _assert_only_named_deviations(_run(nestjs_server, seed, tmp_path))
