"""``contracttest run`` vs Schemathesis (``st run``, all checks and phases) against the same buggy
servers: bugs found and wall time.

The servers are those of ``tests/integration/buggy_servers.py``: a correct Phone Numbers server and
one variant per realistic bug. Each server runs in its own process and is restarted for each tool,
so neither tool sees the other's data. Both get the same contract (the seed spec with the fixes
overlay; Schemathesis, which reads no overlays, gets it written out as one JSON document), the same
seed and the same ``--max-examples``, and the first org's bearer token (we also get the second
org's, which our isolation checks need; Schemathesis has no use for it).

A bug counts as found when the tool reports, on that server, a failure it does not report on the
correct server: Schemathesis flags some of the correct server's answers (undocumented 400/404s,
valid-per-schema requests the server's semantic rules reject), and that noise is its baseline.
Failures are compared as (operation, check) for us and (operation, check code, received status or
first detail line) for Schemathesis.

Schemathesis is installed into a virtualenv outside the repository (``CONTRACTTEST_SCHEMATHESIS_DIR``,
default ``~/.cache/contracttest/bench-schemathesis``), never into the project's environment; the
comparison is skipped, with the reason, when that install fails. ``CONTRACTTEST_BENCH_BUGS`` (comma
list) limits the servers, ``CONTRACTTEST_BENCH_EXAMPLES`` sets max examples (default 10).

Run it with ``python -m benchmarks runner`` or ``nox -s bench``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
SERVERS = REPO / "tests" / "integration" / "buggy_servers.py"
TOKENS = ("bench-org1-token-aaaaaaaaaaaa", "bench-org2-token-bbbbbbbbbbbb")
SEED = 1
SCHEMATHESIS = "schemathesis"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _bugs() -> dict[str, tuple[str, frozenset[str]]]:
    sys.path.insert(0, str(SERVERS.parent))
    try:
        from buggy_servers import BUGS
    finally:
        sys.path.remove(str(SERVERS.parent))
    wanted = [
        b.strip() for b in os.environ.get("CONTRACTTEST_BENCH_BUGS", "").split(",") if b.strip()
    ]
    if wanted:
        unknown = [b for b in wanted if b not in BUGS]
        if unknown:
            raise SystemExit(
                f"CONTRACTTEST_BENCH_BUGS: unknown bug(s) {unknown}; known: {sorted(BUGS)}"
            )
        return {b: BUGS[b] for b in wanted}
    return dict(BUGS)


# ------------------------------------------------------------------------------ servers
class Server:
    """One buggy server in its own process, on a free loopback port."""

    def __init__(self, bug: str | None, workdir: Path) -> None:
        self.ready = workdir / f"ready-{bug or 'correct'}-{time.monotonic_ns()}"
        cmd = [sys.executable, str(SERVERS), "--port", "0", "--ready-file", str(self.ready)]
        for t in TOKENS:
            cmd += ["--token", t]
        if bug:
            cmd += ["--bug", bug]
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while not self.ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the {bug or 'correct'} server did not start")
            time.sleep(0.05)
        time.sleep(0.05)
        self.url = self.ready.read_text().strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------------------ tools
@dataclass
class Outcome:
    seconds: float
    signatures: set[tuple[str, ...]] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)
    error: str | None = None
    coverage: tuple[int, int] = (0, 0)
    """contracttest only: (exercised, enumerated) negative coverage units."""


def contracttest_report(
    url: str, workdir: Path, examples: int, *extra: str, timeout: float = 1800
) -> tuple[float, dict[str, Any] | None, str | None]:
    """``contracttest run`` of the seed spec (with its overlay) against ``url``, both orgs' tokens:
    (wall seconds, the JSON report or None, the error when it could not run)."""
    out = workdir / f"ours-{time.monotonic_ns()}"
    exe = Path(sys.executable).with_name("contracttest")
    cmd = [
        *([str(exe)] if exe.exists() else [sys.executable, "-m", "contracttest"]),
        "-q",
        "run",
        "--spec",
        str(SPEC),
        "--overlay",
        str(OVERLAY),
        "--base-url",
        url,
        *extra,
        "--max-examples",
        str(examples),
        "--seed",
        str(SEED),
        "--report",
        "json",
        "--report-dir",
        str(out),
        "--journal",
        str(out / "journal.jsonl"),
    ]
    env = {**os.environ, "CONTRACTTEST_TOKEN": TOKENS[0], "CONTRACTTEST_TOKEN_2": TOKENS[1]}
    start = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    seconds = time.perf_counter() - start
    report = out / "contracttest-report.json"
    if done.returncode not in (0, 1) or not report.exists():
        return seconds, None, (done.stderr or done.stdout)[-300:]
    doc: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return seconds, doc, None


def run_ours(url: str, workdir: Path, examples: int) -> Outcome:
    seconds, doc, error = contracttest_report(url, workdir, examples)
    if doc is None:
        return Outcome(seconds, error=error)
    outcome = Outcome(seconds)
    for op in doc["operations"]:
        for c in op["checks"]:
            # a contract failure; an advisory finding (beyond the contract) counts too, marked
            if c["status"] in ("failed", "advisory"):
                level = "" if c["status"] == "failed" else " (advisory)"
                outcome.signatures.add((op["operation_id"], c["check"] + level))
                outcome.checks.add(c["check"])
    # what the contract itself commits (a credential its response schema documents) is the
    # spec's finding: it counts as found when the correct server does not cause it
    for f in doc.get("spec_findings", ()):
        if f["rule"] == "spec.documented-secret":
            outcome.signatures.add(("spec", f["rule"] + " " + str(f.get("actual", ""))))
            outcome.checks.add("response.no-secrets")
    cov = doc.get("coverage", {}).get("negative", {})
    outcome.coverage = (cov.get("exercised", 0), cov.get("enumerated", 0))
    return outcome


def schemathesis_binary() -> tuple[Path | None, str]:
    """The ``st`` of the bench's own virtualenv, installed on first use."""
    root = Path(
        os.environ.get("CONTRACTTEST_SCHEMATHESIS_DIR")
        or Path.home() / ".cache" / "contracttest" / "bench-schemathesis"
    )
    st = root / "bin" / "st"
    if st.exists():
        return st, ""
    python = shutil.which("python3") or sys.executable
    _log(f"installing Schemathesis into {root} (outside the repository)")
    try:
        subprocess.run(
            [python, "-m", "venv", str(root)], check=True, capture_output=True, timeout=300
        )
        subprocess.run(
            [str(root / "bin" / "python"), "-m", "pip", "install", "--quiet", SCHEMATHESIS],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        text = detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
        return None, f"could not install Schemathesis: {exc} {text[-300:]}".strip()
    return (st, "") if st.exists() else (None, "Schemathesis installed without an `st` command")


def _st_signatures(junit: Path) -> set[tuple[str, ...]]:
    """(operation, check code, received status or first detail) for each failure in a JUnit file."""
    out: set[tuple[str, ...]] = set()
    root = ET.parse(junit).getroot()
    for tc in root.iter("testcase"):
        name = tc.get("name") or "?"
        for child in tc:
            if child.tag not in ("failure", "error"):
                continue
            text = child.text or child.get("message") or ""
            blocks = re.split(r"\n- (?=[A-Z]{2}\d{3} )", "\n" + text)
            for block in blocks[1:]:
                lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
                code = lines[0].split(" ", 1)[0]
                received = next((ln for ln in lines[1:4] if ln.startswith("Received:")), None)
                detail = received or (lines[1][:80] if len(lines) > 1 else "")
                detail = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>", detail)
                out.add((name, code, detail))
            if child.tag == "error" and len(blocks) == 1:
                out.add((name, "error", (child.get("message") or "")[:80]))
    return out


def run_schemathesis(st: Path, spec_json: Path, url: str, workdir: Path, examples: int) -> Outcome:
    out = workdir / f"st-{time.monotonic_ns()}"
    cmd = [
        str(st),
        "run",
        str(spec_json),
        "--url",
        url,
        "-H",
        f"Authorization: Bearer {TOKENS[0]}",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(examples),
        "--seed",
        str(SEED),
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-dir",
        str(out),
    ]
    start = time.perf_counter()
    # Run it in the scratch directory: Schemathesis leaves working files where it runs.
    done = subprocess.run(
        cmd, cwd=workdir, capture_output=True, text=True, timeout=3600, check=False
    )
    seconds = time.perf_counter() - start
    reports = sorted(out.glob("*.xml"))
    if not reports:
        return Outcome(seconds, error=(done.stderr or done.stdout)[-300:])
    return Outcome(seconds, signatures=_st_signatures(reports[-1]))


# ------------------------------------------------------------------------------ bench
def default_run() -> dict[str, Any]:
    """``contracttest run`` as the README's first command runs it (the seed spec and its overlay
    against the built-in mock, defaults only): wall time, requests and coverage reached."""
    exe = Path(sys.executable).with_name("contracttest")
    with tempfile.TemporaryDirectory(prefix="ct-bench-default-") as tmp:
        cmd = [
            str(exe) if exe.exists() else sys.executable,
            *([] if exe.exists() else ["-m", "contracttest"]),
            "-q",
            "run",
            "--seed",
            str(SEED),
            "--report",
            "json",
            "--report-dir",
            tmp,
        ]
        start = time.perf_counter()
        done = subprocess.run(
            cmd, cwd=REPO, capture_output=True, text=True, timeout=1800, check=False
        )
        seconds = time.perf_counter() - start
        path = Path(tmp) / "contracttest-report.json"
        if not path.exists():
            return {"seconds": round(seconds, 1), "error": (done.stderr or done.stdout)[-300:]}
        doc = json.loads(path.read_text())
    cov = doc["coverage"]
    return {
        "seconds": round(seconds, 1),
        "exit_code": done.returncode,
        "requests": doc["run"]["requests"],
        "negative": f"{cov['negative']['exercised']}/{cov['negative']['enumerated']}",
        "edges": f"{cov['edges']['exercised']}/{cov['edges']['enumerated']}",
    }


def run(report: Any = None) -> dict[str, Any]:
    """Run both tools against every server; returns (and reports) the comparison."""
    from contracttest.openapi import load_spec

    seed_run = default_run()
    _log(f"default run against the mock: {seed_run}")
    if report is not None and hasattr(report, "table"):
        report.table(
            "`contracttest run` with its defaults (seed spec + overlay, built-in mock)",
            ("seconds", "exit code", "requests", "negative coverage", "valid edges"),
            [
                [
                    seed_run.get("seconds"),
                    seed_run.get("exit_code", seed_run.get("error")),
                    seed_run.get("requests", ""),
                    seed_run.get("negative", ""),
                    seed_run.get("edges", ""),
                ]
            ],
            note="Target: every enumerated unit exercised, under 60 s on a 2-core machine.",
        )

    examples = int(os.environ.get("CONTRACTTEST_BENCH_EXAMPLES", "10"))
    bugs = _bugs()
    st, why = schemathesis_binary()
    if st is None:
        _log(f"Schemathesis skipped: {why}")
    results: dict[str, dict[str, Outcome]] = {}
    with tempfile.TemporaryDirectory(prefix="ct-bench-runner-") as tmp:
        workdir = Path(tmp)
        spec_json = workdir / "vapi-phone-numbers.fixed.json"
        spec_json.write_text(json.dumps(load_spec(SPEC, overlays=[OVERLAY]).raw))
        # The correct server twice: its union is the noise baseline (random exploration differs a
        # little from run to run even with one seed, once the server answers differently).
        for bug in [None, None, *bugs]:
            name = bug or (
                "(correct server)" if "(correct server)" not in results else "(correct, again)"
            )
            results[name] = {}
            for tool in ("contracttest", "schemathesis"):
                if tool == "schemathesis" and st is None:
                    continue
                server = Server(bug, workdir)
                try:
                    if tool == "contracttest":
                        outcome = run_ours(server.url, workdir, examples)
                    else:
                        assert st is not None
                        outcome = run_schemathesis(st, spec_json, server.url, workdir, examples)
                finally:
                    server.stop()
                results[name][tool] = outcome
                verdict = ""
                if bug:  # the correct server ran first: its failures are this tool's noise
                    noise = set().union(
                        *(
                            r[tool].signatures
                            for n, r in results.items()
                            if n.startswith("(correct")
                        )
                    )
                    new = outcome.signatures - noise
                    verdict = "  found" if new and outcome.error is None else "  NOT found"
                _log(
                    f"{name:24} {tool:13} {outcome.seconds:6.1f} s  {len(outcome.signatures)} failure kinds"
                    + verdict
                    + (f"  ERROR {outcome.error}" if outcome.error else "")
                )
    again = results.pop("(correct, again)", {})
    baseline = results["(correct server)"]
    for tool, o in again.items():
        baseline[tool].signatures |= o.signatures
    rows = []
    totals = {"contracttest": [0, 0.0], "schemathesis": [0, 0.0]}
    for name, per_tool in results.items():
        row: list[Any] = [name, bugs[name][0] if name in bugs else "no bug: noise baseline"]
        for tool in ("contracttest", "schemathesis"):
            o = per_tool.get(tool)
            if o is None:
                row += ["skipped", ""]
                continue
            totals[tool][1] += o.seconds
            if name == "(correct server)":
                advisory = sum(1 for sig in o.signatures if sig[-1].endswith("(advisory)"))
                text = f"{len(o.signatures) - advisory} failure kinds"
                if tool == "contracttest":
                    text += f", {advisory} advisory; coverage {o.coverage[0]}/{o.coverage[1]}"
                row += [text, f"{o.seconds:.1f}"]
                continue
            new = o.signatures - baseline[tool].signatures
            found = bool(new) and o.error is None
            totals[tool][0] += found
            if tool == "contracttest":
                expected = bugs[name][1] <= o.checks
                detail = ", ".join(sorted({s[1] for s in new})) or "-"
                cell = (
                    ("✓" if found else "✗")
                    + (" (expected check)" if expected else "")
                    + f": {detail}"
                )
            else:
                codes = sorted({f"{s[1]} {s[2]}".strip() for s in new})
                cell = ("✓: " + "; ".join(codes[:3])) if found else "✗"
            row += [cell if not o.error else f"error: {o.error[:60]}", f"{o.seconds:.1f}"]
        rows.append(row)
    n = len(bugs)
    summary: dict[str, Any] = {
        "bugs": n,
        "max_examples": examples,
        "contracttest_found": totals["contracttest"][0],
        "contracttest_seconds": round(totals["contracttest"][1], 1),
        "schemathesis_found": totals["schemathesis"][0] if st is not None else None,
        "schemathesis_seconds": round(totals["schemathesis"][1], 1) if st is not None else None,
        "schemathesis_skipped": why or None,
    }
    if report is not None and hasattr(report, "table"):
        report.table(
            f"Buggy servers: bugs found and wall time (max examples {examples}, seed {SEED})",
            ("server", "bug", "contracttest", "s", "schemathesis (all checks, all phases)", "s"),
            rows,
            note=(
                f"Found: contracttest {totals['contracttest'][0]}/{n} in {totals['contracttest'][1]:.0f} s; "
                + (
                    f"Schemathesis {totals['schemathesis'][0]}/{n} in {totals['schemathesis'][1]:.0f} s."
                    if st is not None
                    else f"Schemathesis skipped ({why})."
                )
                + " A bug is found when the tool reports a failure the correct server does not get."
            ),
        )
    elif report is not None:
        report("bench_runner", summary)
    summary["default_run"] = seed_run
    return {"summary": summary, "rows": rows}


if __name__ == "__main__":
    from rich.console import Console

    from benchmarks import Report

    r = Report()
    r.start("bench_runner", __doc__.splitlines()[0] if __doc__ else "")
    run(r)
    r.print(Console())
