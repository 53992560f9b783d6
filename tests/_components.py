"""Real components the tests drive: the NestJS reference server and a headless Chromium.

A component that is not on this machine is a skip with the reason for a developer, and a test
failure in CI: ``.ci/run`` sets ``CONTRACTTEST_REQUIRE_COMPONENTS=1`` (see `missing`).

The NestJS reference server (``tests/reference/nestjs``) is built outside the repository, under
``$CONTRACTTEST_COMPONENT_CACHE`` (default ``~/.cache/contracttest/components``):

* ``nestjs-deps-<lock hash>/``: ``npm ci`` of ``package.json`` + ``package-lock.json``, once per
  lockfile hash;
* ``nestjs-build-<source hash>/``: the TypeScript build of ``src/`` (``dist/``) against those
  packages, once per hash of the lockfile, the compiler settings and the sources.

Concurrent builders (``pytest -n 2`` workers, a benchmark) take turns through a file lock; a build
that fails leaves nothing behind. `start_nestjs` runs ``node dist/main.js`` on port 0 of 127.0.0.1
and waits for the line the server prints once it listens (its URL and the versions it runs).

Usage outside pytest (standard library only, so ``.ci/run`` can call it before any virtualenv)::

    python3 tests/_components.py build          # npm ci + tsc into the cache; prints the directory
    python3 tests/_components.py serve TOKEN..  # start the server, print its URL, stop on Ctrl-C
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NoReturn

REQUIRE_ENV = "CONTRACTTEST_REQUIRE_COMPONENTS"
CACHE_ENV = "CONTRACTTEST_COMPONENT_CACHE"
NESTJS_APP = Path(__file__).resolve().parent / "reference" / "nestjs"
READY_MARKER = "contracttest-reference-ready "
MIN_NODE = (20, 0)
"""NestJS 12 declares ``engines: {node: ">= 20"}``."""
REFERENCE_TOKENS = ("reference-org1-token-aaaaaaaa", "reference-org2-token-bbbbbbbb")


class ComponentMissing(Exception):
    """A component cannot be provided on this machine; the message says why and what to do."""


def required() -> bool:
    """Whether a missing component fails the test (CI) instead of skipping it."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in ("1", "true", "yes")


def missing(what: str, reason: str) -> NoReturn:
    """Skip the calling test because ``what`` is missing, or fail it when components are required."""
    import pytest

    if required():
        pytest.fail(f"{what} is missing and {REQUIRE_ENV}=1 requires it: {reason}", pytrace=False)
    pytest.skip(f"{what} is missing: {reason}")


# ----------------------------------------------------------------------------------- Chromium
def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) binary on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# ----------------------------------------------------------------------------------- node
def node_binary() -> str:
    """``node`` from PATH, checked against NestJS 12's engines (node >= 20).

    Raises:
        ComponentMissing: no node, or one too old.
    """
    node = shutil.which("node")
    if node is None:
        raise ComponentMissing(
            "no `node` on PATH (NestJS 12 needs node >= 20; .ci/run installs one)"
        )
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise ComponentMissing(f"`{node} --version` failed: {exc}") from exc
    match = re.fullmatch(r"v(\d+)\.(\d+)\.\d+.*", out)
    if match is None or (int(match[1]), int(match[2])) < MIN_NODE:
        raise ComponentMissing(
            f"{node} is {out or 'of unknown version'}; NestJS 12 needs node >= 20"
        )
    return node


def _npm(node: str) -> str:
    npm = shutil.which("npm")
    if npm is None:
        sibling = Path(node).with_name("npm")
        if sibling.exists():
            return str(sibling)
        raise ComponentMissing("no `npm` on PATH (it installs the NestJS packages)")
    return npm


# ----------------------------------------------------------------------------------- building
def cache_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "contracttest" / "components"


def _digest(paths: Sequence[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _sources(app: Path) -> list[Path]:
    return sorted(p for p in (app / "src").rglob("*.ts") if p.is_file())


@dataclass(frozen=True)
class Build:
    """A built reference server: ``directory/dist/main.js`` with ``directory/node_modules``."""

    directory: Path
    node: str
    lock_hash: str


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(cmd: Sequence[str], cwd: Path, what: str, timeout: float) -> None:
    try:
        done = subprocess.run(
            list(cmd), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ComponentMissing(f"{what} did not finish within {timeout:g} s") from exc
    except OSError as exc:
        raise ComponentMissing(f"{what} could not start: {exc}") from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-1500:]
        raise ComponentMissing(f"{what} failed (exit {done.returncode}): {tail}")


def _populate(final: Path, key: str, fill: Callable[[Path], None]) -> None:
    """Fill a fresh temporary directory with ``fill`` and move it to ``final`` once complete; a
    failure leaves nothing behind (``final`` is only ever a complete build)."""
    tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        fill(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (tmp / ".complete").write_text(key + "\n")
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)


def build_nestjs(app: Path = NESTJS_APP, *, log: IO[str] | None = None) -> Build:
    """``npm ci`` (once per lockfile hash) and ``tsc`` (once per source hash) into the cache.

    Raises:
        ComponentMissing: node/npm missing or too old, the registry unreachable, a failed build.
    """
    node = node_binary()
    npm = _npm(node)
    manifest = [app / "package.json", app / "package-lock.json"]
    for path in manifest:
        if not path.is_file():
            raise ComponentMissing(f"{path} is missing")
    lock_hash = _digest(manifest, app)
    build_hash = _digest([*manifest, app / "tsconfig.json", *_sources(app)], app)
    root = cache_root()
    deps = root / f"nestjs-deps-{lock_hash}"
    build = root / f"nestjs-build-{build_hash}"
    with _locked(root / "nestjs.lock"):
        if not (deps / ".complete").exists():
            if log:
                print(f"npm ci for the NestJS reference server into {deps}", file=log, flush=True)

            def install(tmp: Path) -> None:
                for path in manifest:
                    shutil.copy2(path, tmp / path.name)
                npm_ci = [
                    npm,
                    "ci",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--loglevel=error",
                ]
                _run(npm_ci, tmp, "npm ci (tests/reference/nestjs)", timeout=900)

            _populate(deps, lock_hash, install)
        if not (build / ".complete").exists():
            if log:
                print(f"building the NestJS reference server into {build}", file=log, flush=True)

            def compile_app(tmp: Path) -> None:
                for name in ("package.json", "tsconfig.json"):
                    shutil.copy2(app / name, tmp / name)
                shutil.copytree(app / "src", tmp / "src")
                # The packages by relative link, so the cache can move as a whole.
                (tmp / "node_modules").symlink_to(Path("..") / deps.name / "node_modules")
                tsc = deps / "node_modules" / "typescript" / "bin" / "tsc"
                _run(
                    [node, str(tsc), "-p", "tsconfig.json"],
                    tmp,
                    "tsc (tests/reference/nestjs)",
                    300,
                )

            _populate(build, build_hash, compile_app)
    return Build(build, node, lock_hash)


# ----------------------------------------------------------------------------------- serving
@dataclass
class NestServer:
    """A running reference server."""

    url: str
    versions: dict[str, str]
    tokens: tuple[str, ...]
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    """What the server printed after it was ready (warnings, errors), for failure messages."""
    reader: threading.Thread | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout=10)  # it stops at the end of the output
        if self.process.stdout is not None:
            self.process.stdout.close()


def _drain(stream: IO[str], sink: list[str]) -> None:
    for line in stream:
        if len(sink) < 1000:
            sink.append(line.rstrip("\n"))


def start_nestjs(
    tokens: Sequence[str] = REFERENCE_TOKENS, *, build: Build | None = None, timeout: float = 60
) -> NestServer:
    """Build (if needed) and start the reference server on a free port of 127.0.0.1.

    Raises:
        ComponentMissing: it cannot be built or did not come up within ``timeout`` seconds.
    """
    build = build or build_nestjs()
    env = {
        **os.environ,
        "PORT": "0",
        "HOST": "127.0.0.1",
        "REFERENCE_TOKENS": ",".join(tokens),
        "NODE_ENV": "production",
    }
    process = subprocess.Popen(
        [build.node, "dist/main.js"],
        cwd=build.directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert process.stdout is not None
    seen: list[str] = []
    ready: dict[str, object] | None = None
    result: list[dict[str, object]] = []

    def wait_ready() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(READY_MARKER):
                result.append(json.loads(line[len(READY_MARKER) :]))
                return
            seen.append(line.rstrip("\n"))

    waiter = threading.Thread(target=wait_ready, daemon=True)
    waiter.start()
    waiter.join(timeout)
    if result:
        ready = result[0]
    if ready is None:
        process.kill()
        process.wait()
        said = "\n".join(seen[-30:]) or "(no output)"
        raise ComponentMissing(
            f"the NestJS reference server did not come up within {timeout:g} s "
            f"(exit status {process.returncode}); it printed:\n{said}"
        )
    versions = ready.get("versions")
    server = NestServer(
        url=str(ready["url"]),
        versions={str(k): str(v) for k, v in versions.items()}
        if isinstance(versions, dict)
        else {},
        tokens=tuple(tokens),
        process=process,
    )
    server.reader = threading.Thread(
        target=_drain, args=(process.stdout, server.output), daemon=True
    )
    server.reader.start()
    return server


def _main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ("build", "serve"):
        print("usage: python3 tests/_components.py build | serve [TOKEN ...]", file=sys.stderr)
        return 2
    try:
        build = build_nestjs(log=sys.stderr)
        if argv[0] == "build":
            print(build.directory)
            return 0
        server = start_nestjs(tuple(argv[1:]) or REFERENCE_TOKENS, build=build)
    except ComponentMissing as exc:
        print(f"_components: {exc}", file=sys.stderr)
        return 2
    print(
        json.dumps({"url": server.url, "tokens": list(server.tokens), "versions": server.versions})
    )
    sys.stdout.flush()
    # SIGTERM (kill, a supervisor) stops the server too, not only Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        while server.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
