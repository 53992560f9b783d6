"""The payload linter end to end, side by side with check-jsonschema, in one run.

Corpus: 1,000 request payload files for ``POST /phone-number`` of the seed spec (five providers, with
hooks, fallback destinations and servers), written to a temporary directory; one in ten breaks a
schema constraint and one in ten breaks only a semantic rule (an E.164 number, a hook prefix with
``+``) that no JSON Schema validator can see.

* **contracttest lint**, the console script, as a user runs it: ``--target "POST /phone-number"``
  (like check-jsonschema, which is told the schema), and with no target (detection by discriminator),
  start-up, spec cache, validation of every file with the semantic rules, and output included.
* **check-jsonschema** ``--schemafile`` with the equivalent standalone JSON Schema
  (``spec.target("POST /phone-number").schema()``: the same closed, discriminated schema our
  validator uses, Draft 7), given all 1,000 files in one invocation too.
* **start-up**: ``contracttest lint`` on one file (target: under 0.5 s), and check-jsonschema on one
  file for reference.

check-jsonschema is taken from the bench environment (``nox -s bench`` installs it), else from
``CONTRACTTEST_CHECK_JSONSCHEMA``, else installed with pip into a cache venv outside the repo
(never into the project's dependencies); it is skipped, with the reason, when none of that works.

Run it with ``python -m benchmarks.bench_lint`` or through the harness (``run(report)``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
TARGET = "POST /phone-number"
FILES = 1000
RUNS = 3
STARTUP_RUNS = 7
STARTUP_TARGET = 0.5

Report = Callable[..., None]


# ------------------------------------------------------------------------------------------ corpus
def _e164(rng: random.Random) -> str:
    return "+1" + "".join(rng.choice("23456789") for _ in range(3)) + f"{rng.randrange(10**7):07d}"


def _hooks(rng: random.Random) -> list[dict[str, Any]]:
    ringing: dict[str, Any] = {
        "on": "call.ringing",
        "filters": [{"type": "startsWith", "key": "number", "startsWith": ["1", "44", "91"]}],
        "do": [{"type": "say", "exact": "Thanks for calling, please hold."}],
    }
    ending: dict[str, Any] = {
        "on": "call.ending",
        "filters": [
            {"type": "oneOf", "key": "call.endedReason", "oneOf": ["assistant-request-failed"]}
        ],
        "do": {"type": "transfer", "destination": {"type": "number", "number": _e164(rng)}},
    }
    return [ringing, ending][: rng.randint(1, 2)]


def make_payload(i: int, rng: random.Random) -> tuple[dict[str, Any], str]:
    """Payload ``i`` and its kind: ``valid``, ``schema`` (breaks the schema) or ``semantic``."""
    provider = ("twilio", "vonage", "vapi", "telnyx", "byo-phone-number")[i % 5]
    p: dict[str, Any] = {"provider": provider, "name": f"Line {i}"}
    if provider == "twilio":
        p.update(number=_e164(rng), twilioAccountSid=f"AC{i:032x}", twilioAuthToken="t" * 32)
    elif provider in ("vonage", "telnyx"):
        p.update(number=_e164(rng), credentialId=f"cred-{i}")
    elif provider == "vapi":
        p.update(numberDesiredAreaCode=str(rng.randint(200, 999)))
    else:
        p.update(number=_e164(rng), credentialId=f"cred-{i}", numberE164CheckEnabled=True)
    if rng.random() < 0.6:
        p["hooks"] = _hooks(rng)
    if rng.random() < 0.5:
        p["fallbackDestination"] = {
            "type": "number",
            "number": _e164(rng),
            "message": "Transferring you now.",
        }
    if rng.random() < 0.4:
        p["server"] = {"url": f"https://hooks.example.com/{i}", "timeoutSeconds": 20}
    kind = "valid"
    if i % 10 == 3:
        kind = "schema"
        p["name"] = "A name much longer than the forty characters allowed " + str(i)
    elif i % 10 == 7:
        kind = "semantic"
        p["fallbackDestination"] = {"type": "number", "number": "4155550100"}  # no '+': not E.164
    return p, kind


def write_corpus(directory: Path, n: int = FILES, seed: int = 8) -> dict[str, str]:
    """Write ``n`` payload files; returns file name -> kind."""
    rng = random.Random(seed)
    kinds = {}
    for i in range(n):
        payload, kind = make_payload(i, rng)
        name = f"payload-{i:04d}.json"
        (directory / name).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        kinds[name] = kind
    return kinds


# ------------------------------------------------------------------------------------------ tools
def _script(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    if local.is_file():
        return str(local)
    return shutil.which(name)


def check_jsonschema_binary(log: Callable[[str], None]) -> tuple[str | None, str]:
    """The check-jsonschema executable, installing it into a cache venv if needed."""
    env = os.environ.get("CONTRACTTEST_CHECK_JSONSCHEMA")
    if env:
        return (env, "") if Path(env).is_file() else (None, f"{env} does not exist")
    found = _script("check-jsonschema")
    if found:
        return found, ""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "contracttest"
    venv = cache / "bench-check-jsonschema"
    exe = venv / "bin" / "check-jsonschema"
    if exe.is_file():
        return str(exe), ""
    log(f"installing check-jsonschema into {venv} (not into the project)")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "check-jsonschema"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"could not install check-jsonschema: {exc}"
    return (str(exe), "") if exe.is_file() else (None, "check-jsonschema did not install")


def _timed(
    cmd: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None
) -> tuple[list[float], subprocess.CompletedProcess[str]]:
    times = []
    proc: subprocess.CompletedProcess[str] | None = None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, env=env)
        times.append(time.perf_counter() - start)
    assert proc is not None
    return times, proc


def _ours_rejected(stdout: str) -> set[str]:
    doc = json.loads(stdout)
    return {
        Path(f["path"]).name
        for f in doc["files"]
        if any(x["severity"] == "error" for x in f["findings"])
    }


def _cj_rejected(stdout: str) -> set[str]:
    doc = json.loads(stdout)
    return {Path(e["filename"]).name for e in doc.get("errors", [])}


# ------------------------------------------------------------------------------------------ run
def run(report: Report | None = None, *, files: int = FILES, runs: int = RUNS) -> dict[str, Any]:
    """Time both linters on the corpus and the start-up of ours; returns (and reports) the numbers."""

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    ours = _script("contracttest")
    if ours is None:
        raise RuntimeError("the contracttest console script is not installed in this environment")
    spec_args = ["--spec", str(SPEC), "--overlay", str(OVERLAY)]
    out: dict[str, Any] = {"files": files}
    with tempfile.TemporaryDirectory(prefix="ct-bench-lint-") as tmp:
        root = Path(tmp)
        corpus = root / "payloads"
        corpus.mkdir()
        kinds = write_corpus(corpus, files)
        names = sorted(kinds)
        paths = [str(corpus / n) for n in names]
        env = dict(os.environ)
        env.setdefault("CONTRACTTEST_CACHE_DIR", str(root / "cache"))
        # Bytecode caching on, as in any installed environment (pip compiles on install); kept
        # out of the source tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.setdefault("PYTHONPYCACHEPREFIX", str(root / "pycache"))

        # Warm the spec cache (a user's second commit), and export the standalone schema.
        subprocess.run(
            [ours, "lint", *spec_args, "--target", TARGET, paths[0]],
            cwd=root,
            capture_output=True,
            check=False,
            env=env,
        )
        from contracttest.openapi import load_spec

        spec = load_spec(SPEC, overlays=[OVERLAY])
        schema_file = root / "post-phone-number.schema.json"
        schema_file.write_text(json.dumps(spec.target(TARGET).schema()), encoding="utf-8")

        expected_schema = {n for n, k in kinds.items() if k == "schema"}
        expected_semantic = {n for n, k in kinds.items() if k == "semantic"}

        rows = []
        log(f"contracttest lint --target on {files} files")
        t_target, p = _timed(
            [ours, "lint", *spec_args, "--target", TARGET, "--format", "json", *paths],
            root,
            runs,
            env,
        )
        rej = _ours_rejected(p.stdout)
        out["ours_target"] = {
            "best_s": round(min(t_target), 3),
            "median_s": round(statistics.median(t_target), 3),
            "rejected": len(rej),
        }
        out["ours_agrees"] = rej == expected_schema | expected_semantic
        rows.append(
            (
                "contracttest lint --target",
                min(t_target),
                statistics.median(t_target),
                len(rej),
                "schema + semantic rules",
            )
        )

        log(f"contracttest lint (detection) on {files} files")
        t_detect, p = _timed(
            [ours, "lint", *spec_args, "--format", "json", *paths], root, runs, env
        )
        rej_d = _ours_rejected(p.stdout)
        out["ours_detect"] = {
            "best_s": round(min(t_detect), 3),
            "median_s": round(statistics.median(t_detect), 3),
            "rejected": len(rej_d),
        }
        rows.append(
            (
                "contracttest lint (detect target)",
                min(t_detect),
                statistics.median(t_detect),
                len(rej_d),
                "target per file by provider",
            )
        )

        binary, reason = check_jsonschema_binary(log)
        if binary is None:
            log(f"check-jsonschema skipped: {reason}")
            out["check_jsonschema"] = {"skipped": reason}
        else:
            log(f"check-jsonschema on {files} files")
            cmd = [binary, "--schemafile", str(schema_file), "--output-format", "json", *paths]
            t_cj, p = _timed(cmd, root, runs, env)
            rej_cj = _cj_rejected(p.stdout)
            out["check_jsonschema"] = {
                "best_s": round(min(t_cj), 3),
                "median_s": round(statistics.median(t_cj), 3),
                "rejected": len(rej_cj),
            }
            out["check_jsonschema_misses_semantic"] = len(expected_semantic - rej_cj)
            out["speedup_vs_check_jsonschema"] = round(min(t_cj) / min(t_target), 2)
            rows.append(
                (
                    "check-jsonschema --schemafile",
                    min(t_cj),
                    statistics.median(t_cj),
                    len(rej_cj),
                    "schema only",
                )
            )

        log("start-up on one file")
        one = paths[0]
        t_one, p = _timed(
            [ours, "lint", *spec_args, "--target", TARGET, one], root, STARTUP_RUNS, env
        )
        out["startup_ours"] = {
            "best_s": round(min(t_one), 3),
            "median_s": round(statistics.median(t_one), 3),
            "exit": p.returncode,
            "under_target": statistics.median(t_one) < STARTUP_TARGET,
        }
        startup_rows = [("contracttest lint, 1 file", min(t_one), statistics.median(t_one))]
        if binary is not None:
            t_cj1, _ = _timed(
                [binary, "--schemafile", str(schema_file), one], root, STARTUP_RUNS, env
            )
            out["startup_check_jsonschema"] = {
                "best_s": round(min(t_cj1), 3),
                "median_s": round(statistics.median(t_cj1), 3),
            }
            startup_rows.append(("check-jsonschema, 1 file", min(t_cj1), statistics.median(t_cj1)))

    out["expected_rejections"] = {
        "schema": len(expected_schema),
        "semantic_only": len(expected_semantic),
    }
    if report is not None:
        table = getattr(report, "table", None)
        if table is not None:
            table(
                f"lint {files} payload files, end to end (best of {runs})",
                ("tool", "best s", "median s", "files rejected", "checks"),
                [(r[0], round(r[1], 3), round(r[2], 3), r[3], r[4]) for r in rows],
                note=(
                    f"{len(expected_schema)} files break the schema, {len(expected_semantic)} only a "
                    "semantic rule (E.164), which no JSON Schema validator sees."
                ),
            )
            table(
                f"start-up on one file (best/median of {STARTUP_RUNS}, spec cache warm)",
                ("tool", "best s", "median s"),
                [(r[0], round(r[1], 3), round(r[2], 3)) for r in startup_rows],
                note=f"target for contracttest lint: under {STARTUP_TARGET} s",
            )
        else:
            report("lint", out)
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
