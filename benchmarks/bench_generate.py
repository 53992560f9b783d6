"""Generation side by side: contracttest's generators vs hypothesis-jsonschema and Schemathesis.

For each target, 20 valid (and, where the tool has them, 20 invalid) payloads are generated under a
per-target time budget; every valid payload is then judged by our validator (not timed). A target is
*covered* by a tool when it produced its 20 valid payloads and the validator accepts every one.

Corpora:

* the 36 DTOs of the seed spec with ``spec/overlays/vapi-fixes.yaml``, and its request bodies;
* the 981 component schemas of the full Vapi spec (``../shared/vapi/openapi.json``, or
  ``CONTRACTTEST_VAPI_SPEC``; ``CONTRACTTEST_BENCH_GENERATE_LIMIT`` takes every k-th schema to bound
  the run, ``CONTRACTTEST_BENCH_BUDGET`` sets the per-target time budget, 20 s), and its request
  bodies.

Contestants:

* **ours**: `contracttest.strategies.valid` / ``invalid`` (invalid payloads are confirmed by the
  validator inside the strategy, which is part of the timed cost);
* **hypothesis-jsonschema** ``from_schema`` over the same translated, bundled schema (valid only);
* **Schemathesis** (4.x) positive and negative generation of the request bodies of the same
  operations, from the spec document (overlay applied) through its own engine. It is not a
  dependency: the run uses the interpreter in ``CONTRACTTEST_SCHEMATHESIS_PYTHON`` (a virtualenv
  with schemathesis installed) or an importable schemathesis, else its column is marked missing.
  Its payloads are judged with unknown properties allowed, since it cannot know that Vapi's server
  closes its DTOs.

Targets: more targets covered than either, and at least 2x their valid payloads per second on the
targets both cover. Ratios are reported, not enforced (timings on a shared machine are noisy).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks import Report

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
VAPI_SPEC = Path(
    os.environ.get("CONTRACTTEST_VAPI_SPEC", REPO.parent / "shared" / "vapi" / "openapi.json")
)
N = 20
BUDGET = float(os.environ.get("CONTRACTTEST_BENCH_BUDGET", "20"))
"""Seconds a tool may spend on one target before it counts as failed there."""
TARGET_RATIO = 2.0
SCHEMATHESIS_VENV_PYTHON = (
    Path(
        os.environ.get("CONTRACTTEST_SCHEMATHESIS_DIR")
        or Path.home() / ".cache" / "contracttest" / "bench-schemathesis"
    )
    / "bin"
    / "python"
)
"""The virtualenv bench_runner installs Schemathesis into (outside the repository), used when
``CONTRACTTEST_SCHEMATHESIS_PYTHON`` is not set."""


@dataclass
class Outcome:
    """One tool on one target."""

    valid: int = 0
    invalid: int = 0
    seconds: float = 0.0
    rejected: int = 0
    """Valid-claimed payloads our validator rejects."""
    error: str | None = None
    valid_seconds: float | None = None
    """Time of the valid payloads alone (None: ``seconds``)."""

    @property
    def valid_time(self) -> float:
        return self.seconds if self.valid_seconds is None else self.valid_seconds

    @property
    def covered(self) -> bool:
        """Payloads came (all 20, or every distinct value there is) and the validator took all."""
        return self.error is None and self.valid > 0 and self.rejected == 0


@dataclass
class Tally:
    """A tool on a corpus."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def row(self, tool: str, attempted: int) -> tuple[Any, ...]:
        covered = [o for o in self.outcomes.values() if o.covered]
        broken = sum(1 for o in self.outcomes.values() if o.rejected)
        failed = sum(1 for o in self.outcomes.values() if o.error)
        seconds = sum(o.seconds for o in covered)
        payloads = sum(o.valid + o.invalid for o in covered)
        rate = payloads / seconds if seconds else 0.0
        made = [o for o in self.outcomes.values() if o.valid + o.invalid]
        raw_seconds = sum(o.seconds for o in made)
        raw = sum(o.valid + o.invalid for o in made) / raw_seconds if raw_seconds else 0.0
        claimed = sum(o.valid for o in self.outcomes.values())
        accepted = claimed - sum(o.rejected for o in self.outcomes.values())
        share = f"{100 * accepted / claimed:.1f}%" if claimed else "-"
        return (tool, attempted, len(covered), broken, share, failed, f"{rate:.1f}", f"{raw:.1f}")

    def errors(self) -> list[str]:
        """Distinct failure messages, most frequent first."""
        counts: dict[str, int] = {}
        for o in self.outcomes.values():
            if o.error:
                key = o.error.split(":")[0] if "timed out" not in o.error else o.error
                counts[key] = counts.get(key, 0) + 1
        return [f"{k} ({n})" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def _log(message: str) -> None:
    print(f"[bench_generate] {message}", file=sys.stderr, flush=True)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, str | None]:
    start = time.perf_counter()
    try:
        return fn(), time.perf_counter() - start, None
    except Exception as exc:
        return None, time.perf_counter() - start, f"{type(exc).__name__}: {str(exc)[:160]}"


def _forked(fn: Callable[[], Outcome], budget: float = BUDGET) -> Outcome:
    """Run ``fn`` in a forked child, killed after ``budget`` seconds (a tool that hangs on a schema,
    as hypothesis-jsonschema does on large unions, cannot be interrupted from inside)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            send.send(fn())
        except BaseException as exc:
            send.send(Outcome(error=f"{type(exc).__name__}: {str(exc)[:160]}"))

    process = ctx.Process(target=child)
    start = time.perf_counter()
    process.start()
    ready = receive.poll(budget)
    outcome = receive.recv() if ready else None
    process.join(timeout=1 if ready else 0)
    if process.is_alive():
        process.kill()
        process.join()
    if outcome is None:
        return Outcome(seconds=time.perf_counter() - start, error=f"timed out after {budget:.0f} s")
    return outcome  # type: ignore[no-any-return]


def _judge(spec: Any, target: str, payloads: list[Any], *, allow_unknown: bool = False) -> int:
    from contracttest.validate import get_validator

    v = get_validator(spec, target, allow_unknown=allow_unknown)
    return sum(1 for p in payloads if not v.is_valid(p))


def ours(spec: Any, target: str, invalid: bool = True) -> Outcome:
    from contracttest.strategies import examples
    from contracttest.strategies import invalid as invalid_strategy
    from contracttest.strategies import valid as valid_strategy

    split: list[float] = []

    def run() -> tuple[list[Any], list[Any]]:
        start = time.perf_counter()
        good = examples(valid_strategy(spec, target), N, seed=0)
        split.append(time.perf_counter() - start)
        bad = examples(invalid_strategy(spec, target), N, seed=0) if invalid else []
        return good, bad

    got, seconds, error = _timed(run)
    good, bad = got if got is not None else ([], [])
    valid_seconds = split[0] if split else None
    return Outcome(len(good), len(bad), seconds, _judge(spec, target, good), error, valid_seconds)


def hypothesis_jsonschema(spec: Any, target: str) -> Outcome:
    from hypothesis_jsonschema import from_schema

    from contracttest.strategies import examples

    # a copy: hypothesis-jsonschema rewrites the schema it is given in place, and the bundle is
    # shared with everything else that reads the spec
    schema = copy.deepcopy(spec.target(target).schema())
    spec.target(target)  # resolve before forking

    def run() -> Outcome:
        got, seconds, error = _timed(lambda: examples(from_schema(schema), N, seed=0))
        good = got or []
        return Outcome(len(good), 0, seconds, _judge(spec, target, good), error)

    return _forked(run)


def schemathesis_runs(document: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Run the Schemathesis worker on ``document``: {op: {mode: record}}, or why it could not."""
    python = os.environ.get("CONTRACTTEST_SCHEMATHESIS_PYTHON")
    if not python and SCHEMATHESIS_VENV_PYTHON.exists():
        python = str(SCHEMATHESIS_VENV_PYTHON)
    if not python:
        try:
            import schemathesis  # noqa: F401
        except ImportError:
            return {}, "schemathesis is not installed (set CONTRACTTEST_SCHEMATHESIS_PYTHON)"
        python = sys.executable
    worker = Path(__file__).with_name("_schemathesis_worker.py")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        proc = subprocess.run(
            [python, str(worker), str(path), str(N), str(BUDGET)],
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
    out: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        out.setdefault(record["op"], {})[record["mode"]] = record
    if not out and proc.returncode:
        return {}, f"schemathesis worker failed: {proc.stderr.strip()[-300:]}"
    return out, None


def _body_targets(spec: Any) -> Iterator[tuple[str, str]]:
    for op in spec.operations:
        if op.json_body() is not None:
            yield op.key, f"{op.label}:request"


def _corpus(
    report: Report, name: str, spec: Any, dtos: list[str], document: dict[str, Any]
) -> dict[str, Any]:
    tallies = {"ours": Tally(), "hypothesis-jsonschema": Tally(), "schemathesis": Tally()}
    started = time.perf_counter()
    for i, dto in enumerate(dtos, 1):
        tallies["ours"].outcomes[dto] = ours(spec, dto)
        tallies["hypothesis-jsonschema"].outcomes[dto] = hypothesis_jsonschema(spec, dto)
        if i % 100 == 0:
            _log(f"{name}: {i}/{len(dtos)} schemas in {time.perf_counter() - started:.0f} s")
    bodies = list(_body_targets(spec))
    _log(f"{name}: Schemathesis on {len(bodies)} request bodies")
    st_runs, st_missing = schemathesis_runs(document)
    for key, target in bodies:
        tallies["ours"].outcomes[target] = ours(spec, target)
        tallies["hypothesis-jsonschema"].outcomes[target] = hypothesis_jsonschema(spec, target)
        if st_missing:
            continue
        runs = st_runs.get(key, {})
        pos, neg = runs.get("positive", {}), runs.get("negative", {})
        good = pos.get("bodies", [])
        tallies["schemathesis"].outcomes[target] = Outcome(
            len(good),
            len(neg.get("bodies", [])),
            float(pos.get("seconds", 0.0)) + float(neg.get("seconds", 0.0)),
            _judge(spec, target, good, allow_unknown=True),
            pos.get("error") or neg.get("error") or (None if runs else "not generated"),
            float(pos.get("seconds", 0.0)),
        )
    attempted = {
        "ours": len(dtos) + len(bodies),
        "hypothesis-jsonschema": len(dtos) + len(bodies),
        "schemathesis": len(bodies),
    }
    rows = [
        tallies[t].row(t, attempted[t]) for t in tallies if t != "schemathesis" or not st_missing
    ]
    notes = [f"{t}: {', '.join(v.errors()[:4])}" for t, v in tallies.items() if v.errors()]
    if st_missing:
        notes.append(f"schemathesis: {st_missing}")
    report.table(
        f"{name}: {N} valid (+{N} invalid where the tool makes them) per target",
        (
            "tool",
            "targets",
            "covered",
            "targets with a payload the validator rejects",
            "valid payloads it accepts",
            "failed",
            "payloads/s (covered)",
            "payloads/s (all made)",
        ),
        rows,
        note="; ".join(notes) or None,
    )
    ratios = {}
    for other in ("hypothesis-jsonschema", "schemathesis"):
        both = [
            t
            for t, o in tallies[other].outcomes.items()
            if o.covered and tallies["ours"].outcomes.get(t, Outcome()).covered
        ]
        if not both:
            continue
        ours_rate = sum(tallies["ours"].outcomes[t].valid for t in both) / sum(
            tallies["ours"].outcomes[t].valid_time for t in both
        )
        other_rate = sum(tallies[other].outcomes[t].valid for t in both) / sum(
            tallies[other].outcomes[t].valid_time for t in both
        )
        ratios[other] = (len(both), ours_rate / other_rate if other_rate else float("inf"))
    if ratios:
        report.note(
            f"{name}, valid payloads/s where both cover the target: "
            + "; ".join(f"vs {k} on {n} targets {r:.1f}x" for k, (n, r) in ratios.items())
        )
    failures = [
        f"{t}: {o.error or f'{o.rejected} rejected'}"
        for t, o in tallies["ours"].outcomes.items()
        if not o.covered
    ]
    if failures:
        report.note(f"{name}, not covered by ours: " + "; ".join(failures[:20]))
    return {
        "covered": {t: sum(o.covered for o in v.outcomes.values()) for t, v in tallies.items()},
        "ratios": ratios,
    }


def run(report: Report) -> dict[str, Any]:
    """Both corpora; returns the coverage counts and speed ratios."""
    from contracttest.openapi import load_spec

    results: dict[str, Any] = {}
    fixed = load_spec(SPEC, overlays=[OVERLAY])
    results["seed"] = _corpus(
        report, "seed spec + fixes overlay", fixed, fixed.dto_names, fixed.raw
    )
    if VAPI_SPEC.is_file():
        full = load_spec(VAPI_SPEC)
        names = sorted(full.dto_names)
        step = int(os.environ.get("CONTRACTTEST_BENCH_GENERATE_LIMIT", "1") or "1")
        names = names[:: max(step, 1)]
        results["vapi"] = _corpus(
            report, f"full Vapi spec ({len(names)} schemas)", full, names, full.raw
        )
    else:
        report.note(f"full Vapi spec skipped: not found at {VAPI_SPEC}")
    for corpus, data in results.items():
        for other, (n, ratio) in data["ratios"].items():
            if ratio < TARGET_RATIO:
                report.note(f"BELOW TARGET ({corpus}): {ratio:.1f}x vs {other} on {n} targets")
    return results


if __name__ == "__main__":
    from rich.console import Console

    from benchmarks import Report as _Report

    rep = _Report()
    rep.start("bench_generate", __doc__.split("\n\n")[0] if __doc__ else "")
    run(rep)
    rep.print(Console())
