"""``contracttest run`` vs Schemathesis (``st run``, all checks and phases) against the NestJS reference
server (tests/reference/nestjs): the failure kinds each reports on it, and wall time.

The server is a real NestJS 12 + class-validator application that honours the seed spec as far as the
framework lets it (its departures are listed in tests/reference/nestjs/README.md), so every failure
kind a tool reports is either one of those departures or noise. Each tool gets a freshly started
server, the same contract (the seed spec with the fixes overlay; Schemathesis, which reads no
overlays, gets it written out as one JSON document), the same seed and ``--max-examples``; ours gets
both orgs' tokens (its isolation checks need two), Schemathesis the first (it has no use for two).

A failure kind is (operation, check, finding rule) for us and (operation, check code, received status
or first detail line) for Schemathesis. Needs node >= 20 (tests/_components.py builds the server once
per lockfile/source hash); Schemathesis is installed into its own virtualenv as benchmarks/bench_runner.py
does. ``CONTRACTTEST_BENCH_EXAMPLES`` sets max examples (default 10).

Run it with ``python -m benchmarks nestjs`` or ``nox -s bench``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import bench_runner
from benchmarks.bench_runner import OVERLAY, REPO, SEED, SPEC, TOKENS, schemathesis_binary


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _components() -> Any:
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import _components

    return _components


@dataclass
class Outcome:
    seconds: float
    kinds: Counter[tuple[str, ...]] = field(default_factory=Counter)
    examples: dict[tuple[str, ...], str] = field(default_factory=dict)
    requests: int | None = None
    error: str | None = None


def run_ours(url: str, workdir: Path, examples: int) -> Outcome:
    seconds, doc, error = bench_runner.contracttest_report(
        url, workdir, examples, "--allow-writes", timeout=3600
    )
    if doc is None:
        return Outcome(seconds, error=error)
    outcome = Outcome(seconds)
    summary = doc.get("summary") or {}
    outcome.requests = summary.get("requests") if isinstance(summary, dict) else None
    for op in doc["operations"]:
        for check in op["checks"]:
            for failure in check.get("failures", []):
                kind = (op["operation_id"], check["check"], failure["finding"]["rule"])
                outcome.kinds[kind] += 1
                outcome.examples.setdefault(
                    kind, f"{failure['case']}: {failure['finding']['message']}"
                )
    return outcome


def run_schemathesis(st: Path, spec_json: Path, url: str, workdir: Path, examples: int) -> Outcome:
    """`bench_runner.run_schemathesis` (the same command line), its signatures as kinds."""
    got = bench_runner.run_schemathesis(st, spec_json, url, workdir, examples)
    outcome = Outcome(got.seconds, error=got.error)
    for signature in got.signatures:
        outcome.kinds[signature] += 1
        outcome.examples.setdefault(signature, signature[-1])
    return outcome


def _kind_rows(tool: str, outcome: Outcome) -> list[tuple[str, ...]]:
    by_check: dict[tuple[str, ...], list[str]] = {}
    for kind in sorted(outcome.kinds):
        by_check.setdefault(kind[1:], []).append(kind[0].replace("PhoneNumberController_", ""))
    rows = []
    for check, ops in sorted(by_check.items()):
        n = sum(c for k, c in outcome.kinds.items() if k[1:] == check)
        example = next(outcome.examples[k] for k in sorted(outcome.kinds) if k[1:] == check)
        rows.append((tool, " / ".join(check), ", ".join(ops), str(n), example[:140]))
    return rows


def run(report: Any = None) -> dict[str, Any]:
    """Both tools against a fresh NestJS reference server each; returns (and reports) the table."""
    from contracttest.openapi import load_spec

    components = _components()
    examples = int(os.environ.get("CONTRACTTEST_BENCH_EXAMPLES", "10"))
    try:
        build = components.build_nestjs(log=sys.stderr)
    except components.ComponentMissing as exc:
        why = f"the NestJS reference server is not available: {exc}"
        _log(why)
        if report is not None and hasattr(report, "note"):
            report.note(why)
        return {"skipped": why}
    st, st_why = schemathesis_binary()
    if st is None:
        _log(f"Schemathesis skipped: {st_why}")
    outcomes: dict[str, Outcome] = {}
    versions: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="ct-bench-nestjs-") as tmp:
        workdir = Path(tmp)
        spec_json = workdir / "vapi-phone-numbers.fixed.json"
        spec_json.write_text(json.dumps(load_spec(SPEC, overlays=[OVERLAY]).raw))
        for tool in ("contracttest", "schemathesis"):
            if tool == "schemathesis" and st is None:
                continue
            server = components.start_nestjs(TOKENS, build=build)
            versions = server.versions
            try:
                if tool == "contracttest":
                    outcome = run_ours(server.url, workdir, examples)
                else:
                    assert st is not None
                    outcome = run_schemathesis(st, spec_json, server.url, workdir, examples)
            finally:
                server.stop()
            outcomes[tool] = outcome
            _log(
                f"{tool:13} {outcome.seconds:6.1f} s  {len(outcome.kinds)} failure kinds"
                + (f"  ERROR {outcome.error}" if outcome.error else "")
            )
    summary_rows = []
    kind_rows: list[tuple[str, ...]] = []
    for tool, o in outcomes.items():
        checks = {k[1:] for k in o.kinds}
        summary_rows.append(
            (
                tool,
                f"{o.seconds:.1f}",
                str(len(o.kinds)),
                str(len(checks)),
                str(sum(o.kinds.values())),
                o.error or "",
            )
        )
        kind_rows += _kind_rows(tool, o)
    pinned = ", ".join(f"{k} {v}" for k, v in versions.items())
    if report is not None and hasattr(report, "table"):
        report.table(
            f"NestJS reference server: failure kinds and wall time (max examples {examples}, seed {SEED})",
            (
                "tool",
                "wall s",
                "failure kinds (operation x kind)",
                "kinds across operations",
                "failing cases/signatures",
                "error",
            ),
            summary_rows,
            note=f"Server: {pinned}. Every kind is a documented framework deviation or noise "
            "(tests/reference/nestjs/README.md); none is a bug of the server.",
        )
        report.table(
            "NestJS reference server: the failure kinds",
            ("tool", "kind", "operations", "n", "example"),
            kind_rows,
        )
    elif report is not None:
        report("bench_nestjs", {"summary": summary_rows, "kinds": kind_rows})
    return {"summary": summary_rows, "kinds": kind_rows, "versions": versions}


if __name__ == "__main__":
    from rich.console import Console

    from benchmarks import Report

    r = Report()
    r.start("bench_nestjs", __doc__.splitlines()[0] if __doc__ else "")
    run(r)
    r.print(Console())
