"""Worker for bench_generate: Schemathesis's own generation, run under an interpreter that has it.

``python _schemathesis_worker.py SPEC N [BUDGET]`` prints one JSON line per operation with a JSON request body:
``{"op": "METHOD /path", "mode": "positive"|"negative", "seconds": ..., "bodies": [...], "error": ...}``.
Kept apart because Schemathesis is not a dependency of contracttest (and may pin other versions of
Hypothesis); bench_generate runs it with ``CONTRACTTEST_SCHEMATHESIS_PYTHON`` or in-process.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from typing import Any

BUDGET = 20.0
"""Seconds one operation and mode may take before it counts as failed."""


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _collect(strategy: Any, n: int) -> list[Any]:
    from hypothesis import HealthCheck, Phase, given, settings

    bodies: list[Any] = []

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Any) -> None:
        if len(bodies) < n:
            bodies.append(case.body)

    collect()
    return bodies


def generate(spec_path: str, n: int, budget: float = BUDGET) -> None:
    import schemathesis
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_path(spec_path)
    signal.signal(signal.SIGALRM, _alarm)
    for result in schema.get_all_operations():
        try:
            op = result.ok()
        except Exception:
            continue
        if op.body is None or not any("json" in b.media_type for b in op.body):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            bodies: list[Any] = []
            error = None
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, budget)
            try:
                bodies = _collect(op.as_strategy(generation_mode=mode), n)
            except _Timeout:
                error = f"timed out after {budget:.0f} s"
            except Exception as exc:
                error = f"{type(exc).__name__}: {str(exc)[:200]}"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            seconds = time.perf_counter() - start
            record = {
                "op": f"{op.method.upper()} {op.path}",
                "mode": mode.value,
                "seconds": seconds,
                "bodies": bodies,
                "error": error,
            }
            print(json.dumps(record, default=str), flush=True)


if __name__ == "__main__":
    generate(sys.argv[1], int(sys.argv[2]), *(float(a) for a in sys.argv[3:4]))
