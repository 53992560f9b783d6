"""Spec lint on generated specs of growing size: ours at N and 4N schemas vs openapi-spec-validator.

A spec with many components is where a per-target rebuild of a component list turns quadratic (issue 16:
20k schemas took 24 s, 106k did not finish in 400 s). Each size runs ``contracttest spec lint`` in a
fresh process on a generated OpenAPI 3.0 document (`make_spec`: N object schemas that reference each
other, one operation per 50 schemas) and reports seconds per 1,000 schemas: flat means linear.
openapi-spec-validator validates the same document, as the structural check every peer runs first.

``python -m benchmarks.bench_speclint_scale --schemas 20000`` times one size (``--write FILE`` keeps the
generated spec).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES = (5_000, 20_000)
"""Schema counts the harness measures (``--sizes`` on the command line adds 106k and others)."""
PER_OPERATION = 50

OURS = """
import sys, time
t = time.perf_counter()
from contracttest.openapi import load_spec
from contracttest.openapi.speclint import lint_spec
spec = load_spec(sys.argv[1], cache=False)
findings = lint_spec(spec)
print(time.perf_counter() - t, len(findings))
"""

OSV = """
import json, sys, time
t = time.perf_counter()
from openapi_spec_validator import OpenAPIV30SpecValidator
doc = json.load(open(sys.argv[1]))
errors = list(OpenAPIV30SpecValidator(doc).iter_errors())
print(time.perf_counter() - t, len(errors))
"""


def make_spec(n: int) -> dict[str, Any]:
    """An OpenAPI 3.0 document with ``n`` component schemas and ``n // 50`` operations.

    Schema ``Item<i>`` is an object with a bounded string, an integer, an enum and a ``$ref`` to the
    first schema of its group of 100 (as real specs share a few common components), so what each
    target reaches stays small and the work of a linear lint grows with ``n`` alone; every 50th
    schema is the body and the 201 answer of ``POST /items<k>``.
    """
    schemas: dict[str, Any] = {}
    for i in range(n):
        props: dict[str, Any] = {
            "name": {"type": "string", "maxLength": 40},
            "count": {"type": "integer", "minimum": 0, "maximum": 1000},
            "kind": {"type": "string", "enum": ["a", "b", "c"]},
        }
        if i % 100:
            props["group"] = {"$ref": f"#/components/schemas/Item{i - i % 100}"}
        schemas[f"Item{i}"] = {
            "type": "object",
            "properties": props,
            "required": ["name"],
        }
    paths: dict[str, Any] = {}
    for k in range(0, n, PER_OPERATION):
        ref = {"$ref": f"#/components/schemas/Item{k}"}
        paths[f"/items{k}"] = {
            "post": {
                "operationId": f"createItem{k}",
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": ref}},
                    }
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": f"generated {n} schemas", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _time(code: str, path: Path, timeout: float) -> tuple[float, int] | str:
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "CONTRACTTEST_CACHE_DIR": tempfile.mkdtemp(prefix="ct-bench-")},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"did not finish in {time.perf_counter() - start:.0f} s"
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["failed"])[-1][:200]
    seconds, count = proc.stdout.split()[-2:]
    return float(seconds), int(count)


def measure(
    sizes: tuple[int, ...] = SIZES, *, timeout: float = 600, peer: bool = True
) -> list[tuple[str, ...]]:
    """Rows ``(schemas, ours s, ours s per 1k schemas, findings, osv s, ratio)``."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="ct-speclint-scale-") as tmp:
        for n in sizes:
            path = Path(tmp) / f"spec-{n}.json"
            path.write_text(json.dumps(make_spec(n)), encoding="utf-8")
            ours = _time(OURS, path, timeout)
            osv = _time(OSV, path, timeout) if peer else "not run"
            row = [f"{n:,}"]
            if isinstance(ours, tuple):
                row += [f"{ours[0]:.2f}", f"{ours[0] / n * 1000:.3f}", str(ours[1])]
            else:
                row += [ours, "-", "-"]
            row.append(f"{osv[0]:.2f}" if isinstance(osv, tuple) else osv)
            both = isinstance(ours, tuple) and isinstance(osv, tuple)
            row.append(f"{osv[0] / ours[0]:.1f}x" if both else "-")  # type: ignore[index]
            rows.append(tuple(row))
            print("  ".join(row), file=sys.stderr, flush=True)
    return rows


COLUMNS = (
    "schemas",
    "contracttest spec lint (s)",
    "s per 1k schemas",
    "findings",
    "openapi-spec-validator (s)",
    "speed vs openapi-spec-validator",
)


def run(report: Any = None) -> list[tuple[str, ...]]:
    rows = measure()
    if report is not None and hasattr(report, "table"):
        report.table(
            "spec lint on generated specs (fresh process each; load + lint)",
            COLUMNS,
            rows,
            note="Target: seconds per 1k schemas flat as N grows (linear), never quadratic.",
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--write", type=Path, help="also write the spec of the first size here")
    parser.add_argument(
        "--no-peer", action="store_true", help="time contracttest alone (the peer is quadratic)"
    )
    args = parser.parse_args(argv)
    if args.write:
        args.write.write_text(json.dumps(make_spec(args.sizes[0])), encoding="utf-8")
    print("  ".join(COLUMNS))
    for row in measure(tuple(args.sizes), timeout=args.timeout, peer=not args.no_peer):
        print("  ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
