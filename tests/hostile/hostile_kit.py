"""The machinery of the hostile suite: run the real CLI in a subprocess, bounded by a timeout, and judge it.

A probe is one hostile input (a spec, a payload, a byte stream, a signal, a damaged file) fed to the
command a user would run. Its `Observation` is judged by `judge` in five columns, the ones of issue 16's
table:

* ``crash/hang``: the command did not finish within its timeout, died of a signal, printed a Python
  traceback or said ``internal error``;
* ``wrong exit``: the exit status is not the one the exit-code table gives (0 clean, 1 findings, 2 could
  not run), or the message does not say where (file:line:col or a JSON pointer);
* ``lost``: something the user relies on went missing (another file's findings, a report, a journal
  line, a resource left on the server);
* ``leaks``: a secret the run sent appears in stdout, stderr, a report or the journal, in any encoding a
  server may echo it in (`encodings`).

``clean`` means none of the four. The suite asserts every probe is clean; ``hostile_table.py`` prints the
table from the records the run leaves when ``CONTRACTTEST_HOSTILE_RECORD`` names a file.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

REPO = Path(__file__).resolve().parents[2]
COLUMNS = ("crash/hang", "wrong exit", "lost", "leaks")
CATEGORIES = {
    1: "1 $ref reads local files",
    2: "2 secrets in outputs",
    3: "3 failing external $ref",
    4: "4 deep nesting",
    5: "5 SIGTERM",
    6: "6 journal / cleanup",
    7: "7 broken refs pass",
    8: "8 stdin",
    9: "9 smaller",
}
RECORD_ENV = "CONTRACTTEST_HOSTILE_RECORD"
FULL_ENV = "CONTRACTTEST_HOSTILE"


# --------------------------------------------------------------------------------------------------
# Running the CLI


@dataclass
class Result:
    argv: list[str]
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr


def clean_env(extra: dict[str, str] | None = None, *, cache: Path | None = None) -> dict[str, str]:
    """The environment of a probe: no proxies, no colour, no tokens from the developer's shell."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy")
        and not k.startswith(("CONTRACTTEST_TOKEN", "VAPI_API_KEY", "PYTEST_", "COV_"))
    }
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = str(REPO)
    env.pop("GITHUB_STEP_SUMMARY", None)
    if cache is not None:
        env["CONTRACTTEST_CACHE_DIR"] = str(cache)
    env.update(extra or {})
    return env


def cli(
    args: Iterable[str],
    *,
    cwd: Path,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Result:
    """``python -m contracttest ARGS`` in ``cwd``, killed (with its children) after ``timeout`` s."""
    argv = [sys.executable, "-m", "contracttest", *args]
    t0 = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env if env is not None else clean_env(cache=cwd / ".ct-cache"),
        start_new_session=True,
    )
    if on_start is not None:
        on_start(proc)
    timed_out = False
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with _suppress():
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    except BrokenPipeError:  # the command stopped reading stdin (it refused it): fine
        out, err = proc.communicate()
    return Result(
        argv=list(args),
        code=proc.returncode,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
        seconds=time.monotonic() - t0,
        timed_out=timed_out,
    )


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], OSError)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Secrets and their encodings


def encodings(secret: str) -> set[str]:
    """Every form in which a server (or a writer) may echo ``secret``: raw, JSON-escaped (both
    ``ensure_ascii`` ways), percent-encoded (path-safe, fully, form-style, lower-case hex), HTML/XML
    escaped, and base64 (standard and URL-safe, with and without padding)."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for q in (quote(secret), quote(secret, safe=""), quote_plus(secret)):
        forms.add(q)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), q))
    forms.add(html.escape(secret))
    forms.add(html.escape(secret, quote=False))
    raw = secret.encode("utf-8")
    for enc in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = enc.decode("ascii")
        forms.add(text)
        forms.add(text.rstrip("="))
    return {f for f in forms if len(f) >= 6}


def basic(user: str, password: str) -> str:
    """The value of an ``Authorization: Basic`` header (its base64 is a secret in itself)."""
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def scan_for_leaks(texts: dict[str, str], secrets: Iterable[str]) -> list[str]:
    """``where: form`` for each encoding of each secret found in one of ``texts``."""
    found: list[str] = []
    for secret in secrets:
        for form in sorted(encodings(secret)):
            for where, text in texts.items():
                if form in text:
                    found.append(f"{where} holds {form!r} (a form of a secret)")
    return found


def read_tree(*paths: Path) -> dict[str, str]:
    """Every file under ``paths`` (files or directories) as text (undecodable bytes replaced)."""
    out: dict[str, str] = {}
    for root in paths:
        if root.is_file():
            out[str(root)] = root.read_bytes().decode("utf-8", "replace")
        elif root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    out[str(p)] = p.read_bytes().decode("utf-8", "replace")
    return out


# --------------------------------------------------------------------------------------------------
# Observations and the verdict


@dataclass
class Observation:
    """What a probe saw, and what it expected."""

    result: Result
    exit: int | tuple[int, ...]
    """The exit status (or statuses) the exit-code table gives for this input."""
    where: str | None = None
    """A regex the output must match: the place of the problem (``file:line:col`` or a pointer)."""
    secrets: list[str] = field(default_factory=list)
    """Every secret value the run was given or sent."""
    scan: list[Path] = field(default_factory=list)
    """Reports, journals and logs to scan for the secrets."""
    lost: list[str] = field(default_factory=list)
    """What the probe found missing (filled by the probe's own checks)."""
    wrong: list[str] = field(default_factory=list)
    """Other ways the answer is wrong (a 'valid' verdict for an unusable input...)."""
    hung: list[str] = field(default_factory=list)
    """Bounds the probe measured itself and saw broken (time after a signal...)."""
    leaked: list[str] = field(default_factory=list)
    """Other ways something left the machine or the redaction (traffic through a proxy...)."""
    max_seconds: float | None = None
    """A bound on the command's duration beyond which it counts as a hang."""
    allow_internal: bool = False


_TRACEBACK = "Traceback (most recent call last)"


def judge(obs: Observation) -> dict[str, list[str]]:
    """The problems of ``obs`` per column (every column empty: clean)."""
    r = obs.result
    out: dict[str, list[str]] = {c: [] for c in COLUMNS}
    if r.timed_out:
        out["crash/hang"].append(f"did not finish (killed after {r.seconds:.0f} s)")
    elif obs.max_seconds is not None and r.seconds > obs.max_seconds:
        out["crash/hang"].append(f"took {r.seconds:.1f} s (bound {obs.max_seconds:g} s)")
    out["crash/hang"].extend(obs.hung)
    if r.code is not None and r.code < 0:
        out["crash/hang"].append(f"killed by signal {-r.code}")
    if _TRACEBACK in r.output:
        out["crash/hang"].append("printed a traceback")
    if "internal error" in r.output and not obs.allow_internal:
        line = next(ln for ln in r.output.splitlines() if "internal error" in ln)
        out["crash/hang"].append(line.strip()[:200])
    expected = obs.exit if isinstance(obs.exit, tuple) else (obs.exit,)
    if not r.timed_out and r.code not in expected:
        out["wrong exit"].append(f"exit {r.code}, expected {' or '.join(map(str, expected))}")
    if obs.where is not None and not r.timed_out and not re.search(obs.where, r.output):
        out["wrong exit"].append(f"the output does not say where (no match for {obs.where!r})")
    out["wrong exit"].extend(obs.wrong)
    out["lost"].extend(obs.lost)
    texts = {"stdout": r.stdout, "stderr": r.stderr, **read_tree(*obs.scan)}
    out["leaks"].extend(scan_for_leaks(texts, obs.secrets))
    out["leaks"].extend(obs.leaked)
    return out


def describe(problems: dict[str, list[str]], obs: Observation) -> str:
    r = obs.result
    lines = [f"$ contracttest {' '.join(r.argv)}  -> exit {r.code} in {r.seconds:.1f} s"]
    for col, items in problems.items():
        for item in items:
            lines.append(f"  [{col}] {item}")
    lines.append("--- stdout (tail) ---")
    lines.append(r.stdout[-1500:])
    lines.append("--- stderr (tail) ---")
    lines.append(r.stderr[-2500:])
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# The registry of probes


@dataclass(frozen=True)
class Probe:
    id: str
    category: int
    fn: Callable[[Workspace], Observation]
    fast: bool


PROBES: list[Probe] = []


def probe(
    category: int, *, fast: bool = False, name: str | None = None
) -> Callable[[Callable[[Workspace], Observation]], Callable[[Workspace], Observation]]:
    def register(fn: Callable[[Workspace], Observation]) -> Callable[[Workspace], Observation]:
        PROBES.append(Probe(f"{category}-{name or fn.__name__}", category, fn, fast))
        return fn

    return register


def variants(
    category: int, cases: dict[str, Any], *, fast: Iterable[str] = ()
) -> Callable[[Callable[[Workspace, Any], Observation]], Callable[[Workspace, Any], Observation]]:
    """Register one probe per case: ``fn(ws, case)``; the names in ``fast`` join the default run."""
    quick = set(fast)

    def register(
        fn: Callable[[Workspace, Any], Observation],
    ) -> Callable[[Workspace, Any], Observation]:
        for key, case in cases.items():
            PROBES.append(
                Probe(
                    f"{category}-{fn.__name__}[{key}]",
                    category,
                    (lambda ws, c=case: fn(ws, c)),
                    key in quick,
                )
            )
        return fn

    return register


def record(probe_: Probe, problems: dict[str, list[str]]) -> None:
    """Append the verdict to ``$CONTRACTTEST_HOSTILE_RECORD`` (one JSON line), for the table."""
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    line = json.dumps({"id": probe_.id, "category": probe_.category, "problems": problems})
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


# --------------------------------------------------------------------------------------------------
# The workspace of a probe: a directory and a local HTTP server


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    """Accept the request and never answer (until the server shuts down)."""


class StaticServer:
    """A threaded HTTP server on 127.0.0.1 answering fixed routes; counts the hits per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.stop = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                outer.hits[path] = outer.hits.get(path, 0) + 1
                route = outer.routes.get(path)
                if route is None:
                    route = Route(404, b"not found")
                if route.hang:
                    outer.stop.wait(120)
                    return
                self.send_response(route.status)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, body: str | bytes, status: int = 200, **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(status, data, headers)
        return self.url + path

    def hang(self, path: str) -> str:
        self.routes[path] = Route(hang=True)
        return self.url + path

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Workspace:
    dir: Path
    http: StaticServer
    prefix: str
    """A path prefix unique to this probe on the shared server."""

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def serve(self, name: str, body: str | bytes, status: int = 200, **headers: str) -> str:
        return self.http.add(f"{self.prefix}/{name}", body, status, **headers)

    def hang(self, name: str) -> str:
        return self.http.hang(f"{self.prefix}/{name}")

    def hits(self, name: str) -> int:
        return self.http.hits.get(f"{self.prefix}/{name}", 0)

    def cli(self, *args: str, **kwargs: Any) -> Result:
        return cli(args, cwd=self.dir, **kwargs)


# --------------------------------------------------------------------------------------------------
# Specs


def things_spec(
    thing: dict[str, Any] | None = None,
    *,
    extra_schemas: dict[str, Any] | None = None,
    version: str = "3.0.3",
) -> dict[str, Any]:
    """A small CRUD spec (``/things``, ``/things/{id}``) whose ``Thing`` schema a probe may replace.

    Requests send a ``Thing``; answers are a ``Thing`` plus a server-made ``id`` (``StoredThing``),
    so the mock and the runner's lifecycle checks have an id to work with whatever ``Thing`` is.
    """
    schema = thing or {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "maxLength": 40}},
    }
    stored = {
        "allOf": [
            {"$ref": "#/components/schemas/Thing"},
            {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string", "readOnly": True}},
            },
        ]
    }
    out_ref = {"$ref": "#/components/schemas/StoredThing"}

    def answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": version,
        "info": {"title": "Things", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {"200": answer("ok", {"type": "array", "items": out_ref})},
                },
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    },
                    "responses": {"201": answer("created", out_ref), "400": {"description": "bad"}},
                },
            },
            "/things/{id}": {
                "parameters": [id_param],
                "get": {
                    "operationId": "getThing",
                    "responses": {"200": answer("ok", out_ref), "404": {"description": "none"}},
                },
                "delete": {
                    "operationId": "deleteThing",
                    "responses": {"204": {"description": "gone"}, "404": {"description": "none"}},
                },
            },
        },
        "components": {
            "schemas": {"Thing": schema, "StoredThing": stored, **(extra_schemas or {})}
        },
    }


def dump(data: Any) -> str:
    return json.dumps(data, indent=1)


def wait_for(predicate: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def lines_of(path: Path) -> Iterator[str]:
    if path.exists():
        yield from path.read_text(encoding="utf-8", errors="replace").splitlines()
