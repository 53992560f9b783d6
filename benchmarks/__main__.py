"""``python -m benchmarks [NAME ...]``: run the benchmark modules, print tables, write reports/bench.md.

NAME selects modules whose name contains it (``python -m benchmarks mock`` runs bench_mock.py).
Exit status: 0 all ran, 1 a benchmark failed or none was found, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import pkgutil
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

import benchmarks
from benchmarks import Report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "reports" / "bench.md"
PREFIX = "bench_"


def discover(paths: Sequence[str] | None = None, package: str = "benchmarks") -> list[str]:
    """Module names ``<package>.bench_*`` found on ``paths`` (the package's ``__path__``), sorted."""
    search = list(paths if paths is not None else benchmarks.__path__)
    names = {
        f"{package}.{info.name}"
        for info in pkgutil.iter_modules(search)
        if info.name.startswith(PREFIX) and not info.ispkg
    }
    return sorted(names)


def _machine() -> list[str]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return [
        f"- date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {commit or 'unknown'}",
        f"- python: {platform.python_implementation()} {platform.python_version()}",
        f"- platform: {platform.platform()}",
        f"- cpus: {os.cpu_count()}",
    ]


def run_all(names: Sequence[str], report: Report, console: object) -> int:
    """Run each module's ``run(report)``; returns how many failed."""
    failures = 0
    for name in names:
        module = importlib.import_module(name)
        doc = (module.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        section = report.start(name.rsplit(".", 1)[-1], doc)
        print(f"== {section.module}", flush=True)
        start = time.perf_counter()
        try:
            runner = getattr(module, "run", None)
            if not callable(runner):
                raise TypeError(f"{name} has no run(report) function")
            runner(report)
        except Exception as exc:
            failures += 1
            section.error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        section.seconds = time.perf_counter() - start
        report.print(console)
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="run modules containing NAME")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="markdown report path")
    parser.add_argument("--list", action="store_true", help="list the benchmark modules and exit")
    args = parser.parse_args(argv)

    from rich.console import Console

    console = Console()
    found = discover()
    selected = [n for n in found if not args.names or any(s in n for s in args.names)]
    if args.list:
        for name in found:
            print(name)
        return 0
    if not selected:
        wanted = f" matching {', '.join(args.names)}" if args.names else ""
        print(f"no benchmark modules (benchmarks/{PREFIX}*.py){wanted}", file=sys.stderr)
        return 1
    report = Report()
    failures = run_all(selected, report, console)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report.to_markdown(_machine()), encoding="utf-8")
    print(f"wrote {args.output}")
    if failures:
        print(f"{failures} benchmark module(s) failed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
