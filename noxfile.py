"""Development sessions: ``nox`` runs tests, lint and typing; ``nox -s <name>`` runs one.

Sessions: ``tests`` (fast suite, per Python version), ``lint`` (ruff), ``typing`` (mypy),
``realworld`` (slow tests on the full Vapi spec), ``bench`` (benchmarks -> reports/bench.md),
``conformance`` (``contracttest run`` against ``contracttest mock`` -> reports/) and ``hostile``
(every hostile-input probe of tests/hostile, with its table).
Extra arguments after ``--`` go to pytest (``nox -s tests -- -k io -x``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
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
    # the peers we measure against (never project dependencies)
    session.install("check-jsonschema")
    env = {VAPI_SPEC_ENV: str(_vapi_spec())}
    session.run("python", "-m", "benchmarks", "--output", str(REPORTS / "bench.md"), env=env)


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
