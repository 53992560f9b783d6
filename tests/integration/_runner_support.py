"""Helpers for the runner's integration tests: run the runner against a server, summarise results."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from contracttest.cli import run as cli
from contracttest.runner.plan import RunConfig, build_plan
from contracttest.runner.results import RunResult, Status

TOKENS = ("ct-test-org1-token-aaaaaaaaaaaa", "ct-test-org2-token-bbbbbbbbbbbb")


def run_runner(
    spec: Any,
    base_url: str,
    *,
    tokens: Iterable[str] = TOKENS,
    max_examples: int = 2,
    seed: int = 7,
    checks: list[str] | None = None,
    include: Iterable[str] = (),
    allow_writes: bool = False,
    target: str = "live",
    journal: Any = None,
    client: Any = None,
    handlers: Iterable[Any] = (),
    rate_limit: float | None = None,
    max_units: int | None = 300,
) -> RunResult:
    """Run the runner against ``base_url`` and return its result.

    ``max_units`` keeps these runs short (a few hundred coverage units of each kind); the slow
    every-bug test and the default run against the mock send every unit."""
    from contracttest.runner.engine import Engine

    config = RunConfig(
        spec=spec,
        base_url=base_url,
        tokens=list(tokens),
        max_examples=max_examples,
        seed=seed,
        checks=checks,
        include=list(include),
        allow_writes=allow_writes,
        rate_limit=rate_limit,
        max_units=max_units,
    )
    plan = build_plan(config, base_url, target)  # type: ignore[arg-type]
    engine = Engine(plan, list(handlers), client=client)
    if journal is not None:
        engine.attach_journal(journal)
    return engine.run()


def failed_checks(result: RunResult) -> set[str]:
    """Checks with a contract-level failure."""
    return {check for (_op, check), r in result.results.items() if r.status is Status.FAILED}


def advisory_checks(result: RunResult) -> set[str]:
    """Checks with advisory findings only."""
    return {check for (_op, check), r in result.results.items() if r.status is Status.ADVISORY}


def caught(result: RunResult, bug: str) -> set[str]:
    """The checks that report ``bug``: contract failures, advisory findings for a bug the
    contract does not forbid (`buggy_servers.BEYOND_CONTRACT`), and the spec finding for a bug the
    contract itself commits (`buggy_servers.IN_THE_SPEC`)."""
    from buggy_servers import BEYOND_CONTRACT, BUGS, IN_THE_SPEC

    got = failed_checks(result)
    if bug in BEYOND_CONTRACT:
        got |= advisory_checks(result)
    rule = IN_THE_SPEC.get(bug)
    if rule is not None and any(f.rule == rule for f in result.spec_findings):
        got |= BUGS[bug][1]
    return got


def errored_checks(result: RunResult) -> set[str]:
    return {check for (_op, check), r in result.results.items() if r.status is Status.ERRORED}


def describe(result: RunResult, limit: int = 12) -> str:
    """A readable digest of a result for assertion messages."""
    lines = [
        f"verdict {result.verdict}; failed {sorted(failed_checks(result))}; advisory "
        f"{sorted(advisory_checks(result))}; errored {sorted(errored_checks(result))}"
    ]
    for f in result.failures()[:limit]:
        lines.append(f"  {f.check} {f.operation}: {f.finding.rule}: {f.finding.message} [{f.case}]")
    for (op, check), r in result.results.items():
        for e in r.errors[:2]:
            lines.append(f"  error {check} {op}: {e}")
    return "\n".join(lines)


def detect(bug: str) -> tuple[str, set[str], str]:
    """Run the checks meant to catch ``bug`` against a server with it (for process pools).

    Returns (bug, failed checks, digest of the result).
    """
    from pathlib import Path

    from buggy_servers import BUGS, IN_THE_SPEC, make_app, serve

    from contracttest.openapi import load_spec

    repo = Path(__file__).resolve().parents[2]
    spec = load_spec(
        repo / "spec" / "vapi-phone-numbers.yaml",
        overlays=[repo / "spec" / "overlays" / "vapi-fixes.yaml"],
    )
    with serve(make_app(spec, TOKENS, bug)) as url:
        result = run_runner(spec, url, checks=sorted(BUGS[bug][1]), max_units=None)
    failures = [f for f in result.failures() if f.check in BUGS[bug][1]]
    complete = all(f.finding.message and f.finding.rule for f in failures) and any(
        f.request is not None and f.request.curl.startswith("curl ") for f in failures
    )
    if bug in IN_THE_SPEC:
        # the spec's own finding: it names the schema and member, and the operations that did it
        complete = any(
            f.rule == IN_THE_SPEC[bug] and f.message and f.pointer for f in result.spec_findings
        )
    digest = describe(result) + ("" if complete else "\n  (failures lack a finding or a curl line)")
    return bug, caught(result, bug) if complete else set(), digest


def run_cli_on(spec: dict[str, Any], tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """``contracttest run`` on ``spec`` against its built-in mock, as a user types it, with a JSON
    report: (exit code, the report, the console's last 3,000 characters)."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    out, err = io.StringIO(), io.StringIO()
    report_dir = tmp_path / "report"
    argv = ["run", "--spec", str(path), *args, "--report", "json", "--report-dir", str(report_dir)]
    code = cli(argv, out, err)
    report = json.loads((report_dir / "contracttest-report.json").read_text())
    return code, report, (out.getvalue() + err.getvalue())[-3000:]
