"""Loading the full Vapi spec: ours (load + resolve + translate + lint) vs openapi-spec-validator vs Schemathesis.

Each tool runs in a fresh process (cold imports excluded, timed inside the process) three times; the median is
reported. Ours is timed cold (no cache: parse, meta-schema, semantic checks, translation of every DTO in both
directions and of every operation target, then spec lint) and as a cached reload of the unchanged file.
Schemathesis loads the spec and builds every operation (``get_all_operations``) from its own virtualenv
(installed on first use outside the repository, as bench_runner does).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VAPI = Path(
    os.environ.get("CONTRACTTEST_VAPI_SPEC", REPO.parent / "shared" / "vapi" / "openapi.json")
)
RUNS = 3

OURS_COLD = """
import time, sys
t = time.perf_counter()
from contracttest.openapi import load_spec
from contracttest.openapi.speclint import lint_spec
spec = load_spec(sys.argv[1], cache=False)
for name in spec.dto_names:
    spec.dto(name).schema(); spec.dto(name, "response").schema()
for target in spec.iter_targets():
    target.schema()
findings = lint_spec(spec)
print(time.perf_counter() - t, len(findings))
"""

OURS_CACHED = """
import time, sys
from contracttest.openapi import load_spec
load_spec(sys.argv[1])  # warm the cache (same process start cost excluded below)
t = time.perf_counter()
spec = load_spec(sys.argv[1])
print(time.perf_counter() - t, len(spec.diagnostics))
"""

OSV = """
import time, sys, json
t = time.perf_counter()
from openapi_spec_validator import OpenAPIV30SpecValidator
doc = json.load(open(sys.argv[1]))
errors = list(OpenAPIV30SpecValidator(doc).iter_errors())
print(time.perf_counter() - t, len(errors))
"""

SCHEMATHESIS = """
import time, sys
t = time.perf_counter()
import schemathesis
schema = schemathesis.openapi.from_path(sys.argv[1])
ok = 0
for result in schema.get_all_operations():
    ok += 1
print(time.perf_counter() - t, ok)
"""


def _measure(python: str, code: str, env: dict[str, str]) -> tuple[float, int] | str:
    times, counts = [], 0
    for _ in range(RUNS):
        proc = subprocess.run(
            [python, "-c", code, str(VAPI)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, **env},
            cwd=tempfile.gettempdir(),
        )
        if proc.returncode != 0:
            return (proc.stderr.strip().splitlines() or ["failed"])[-1][:200]
        seconds, count = proc.stdout.split()[-2:]
        times.append(float(seconds))
        counts = int(count)
    return statistics.median(times), counts


def run(report: Any = None) -> dict[str, Any]:
    if not VAPI.is_file():
        raise RuntimeError(f"full Vapi spec not found at {VAPI} (set CONTRACTTEST_VAPI_SPEC)")
    cache = tempfile.mkdtemp(prefix="ct-bench-cache-")
    env = {"CONTRACTTEST_CACHE_DIR": cache}
    rows: list[tuple[str, ...]] = []
    results: dict[str, Any] = {}
    measured = {
        "contracttest: load + resolve + translate (1962 DTO bundles, every operation) + lint": _measure(
            sys.executable, OURS_COLD, env
        ),
        "contracttest: cached reload (unchanged file)": _measure(sys.executable, OURS_CACHED, env),
        "openapi-spec-validator: validation alone": _measure(sys.executable, OSV, env),
    }
    try:
        from benchmarks.bench_runner import schemathesis_binary

        st, why = schemathesis_binary()
    except Exception as exc:  # the peer is optional: say why it is missing
        st, why = None, str(exc)
    if st is not None:
        measured["schemathesis: load + build every operation"] = _measure(
            str(st.parent / "python"), SCHEMATHESIS, env
        )
    else:
        measured["schemathesis: load + build every operation"] = f"skipped: {why}"
    osv = measured["openapi-spec-validator: validation alone"]
    for name, got in measured.items():
        if isinstance(got, str):
            rows.append((name, "-", "-", got))
            results[name] = got
            continue
        seconds, count = got
        ratio = f"{osv[0] / seconds:.1f}x" if isinstance(osv, tuple) else "-"
        rows.append((name, f"{seconds:.3f}", ratio, str(count)))
        results[name] = {"seconds": seconds, "count": count}
    if report is not None and hasattr(report, "table"):
        report.table(
            f"Full Vapi spec ({VAPI.stat().st_size // 1024} KiB): median of {RUNS} fresh processes",
            (
                "pipeline",
                "seconds",
                "speed vs openapi-spec-validator",
                "findings / errors / operations",
            ),
            rows,
            note="Targets: our whole pipeline faster than openapi-spec-validator alone; cached reload < 0.2 s.",
        )
    elif report is not None:
        report("bench_spec", results)
    else:
        print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    run()
