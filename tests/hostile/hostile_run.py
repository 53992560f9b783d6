"""Probes of runs, signals, the journal and the mock server: issue 16 items 5 (SIGTERM), 6 (journal and
cleanup) and the server part of 9 (corrupt SQLite, disconnects, large bodies, slowloris, HTTP_PROXY)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from hostile_api import SPEC as LEAKY_SPEC
from hostile_api import LeakyApi
from hostile_kit import (
    Observation,
    Result,
    Workspace,
    clean_env,
    dump,
    lines_of,
    things_spec,
    variants,
    wait_for,
)

TOKEN = "sigterm-TOKEN-abcdef"
GRACE = 10.0
"""Seconds between SIGTERM and SIGKILL that CI runners and ``docker stop`` give."""


# --------------------------------------------------------------------------------------------------
# 5. SIGTERM


def _signal_when(
    proc: subprocess.Popen[bytes], ready: Any, sig: int, sent: dict[str, float], limit: float = 60
) -> None:
    def watch() -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and proc.poll() is None:
            if ready():
                sent["at"] = time.monotonic()
                proc.send_signal(sig)
                return
            time.sleep(0.02)

    threading.Thread(target=watch, daemon=True).start()


def _journal_state(path: Path) -> tuple[set[str], set[str]]:
    created, deleted = set(), set()
    for line in lines_of(path):
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("event") == "created":
            created.add(rec.get("entry"))
        elif rec.get("event") in ("deleted", "gone"):
            deleted.add(rec.get("entry"))
    return created, deleted


@variants(5, {"live-sigterm": signal.SIGTERM, "live-sigint": signal.SIGINT}, fast=("live-sigterm",))
def interrupted_live_run(ws: Workspace, sig: int) -> Observation:
    api = LeakyApi([TOKEN], delay=0.15)
    try:
        spec = ws.write("leaky.json", dump(LEAKY_SPEC))
        sent: dict[str, float] = {}
        result = ws.cli(
            "run",
            "--spec",
            str(spec),
            "--base-url",
            api.url,
            "--token",
            TOKEN,
            "--max-examples",
            "30",
            "--report",
            "json,md",
            "--report-dir",
            "reports",
            "--journal",
            "journal.jsonl",
            timeout=120,
            on_start=lambda p: _signal_when(p, lambda: api.created >= 2, sig, sent),
        )
        obs = Observation(
            result,
            exit=2,
            where="interrupted",
            secrets=[TOKEN],
            scan=[ws.dir / "reports", ws.dir / "journal.jsonl"],
        )
        if "at" not in sent:
            obs.wrong.append("the run ended before it created anything; nothing was interrupted")
            return obs
        after = time.monotonic() - sent["at"]
        if after > GRACE:
            obs.hung.append(f"took {after:.1f} s after the signal (CI gives {GRACE:g} s)")
        if not (ws.dir / "reports" / "report.json").exists() and not list(
            (ws.dir / "reports").glob("*.json")
        ):
            obs.lost.append("no JSON report was written")
        if api.live:
            obs.lost.append(f"{len(api.live)} created things were left on the server")
        created, deleted = _journal_state(ws.dir / "journal.jsonl")
        if created - deleted:
            obs.lost.append(f"{len(created - deleted)} journal entries have no deletion record")
        return obs
    finally:
        api.close()


@variants(5, {"mock-sigterm": "run"})
def interrupted_mock_run(ws: Workspace, _: str) -> Observation:
    spec = ws.write("spec.json", dump(things_spec()))
    sent: dict[str, float] = {}
    start = time.monotonic()
    result = ws.cli(
        "run",
        "--spec",
        str(spec),
        "--max-examples",
        "400",
        "--report",
        "json",
        "--report-dir",
        "reports",
        timeout=120,
        on_start=lambda p: _signal_when(
            p, lambda: time.monotonic() - start > 4, signal.SIGTERM, sent
        ),
    )
    obs = Observation(result, exit=2, where="interrupted", max_seconds=4 + GRACE + 5)
    if not list((ws.dir / "reports").glob("*.json")):
        obs.lost.append("no JSON report was written")
    return obs


@contextmanager
def _mock(
    ws: Workspace, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "contracttest", "mock", "--port", str(port), *args],
        cwd=ws.dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(env, cache=ws.dir / ".ct-cache"),
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> (
        bool
    ):  # answering HTTP, not only listening (the socket is bound before the app runs)
        if proc.poll() is not None:
            return True
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"GET /__probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return s.recv(12).startswith(b"HTTP/1.1")
        except OSError:
            return False

    wait_for(up, 30)
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(GRACE)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _finish(proc: subprocess.Popen[bytes], argv: list[str], t0: float) -> Result:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=GRACE)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return Result(
        argv,
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.monotonic() - t0,
        timed_out,
    )


@variants(5, {"mock-server-sigterm": "mock"})
def mock_server_sigterm(ws: Workspace, _: str) -> Observation:
    spec = ws.write("spec.json", dump(things_spec()))
    t0 = time.monotonic()
    with _mock(ws, "--spec", str(spec)) as (_url, proc):
        result = _finish(proc, ["mock", "--spec", "spec.json"], t0)
    return Observation(result, exit=0)


# --------------------------------------------------------------------------------------------------
# 6. The journal and cleanup


def _live_run(ws: Workspace, api: LeakyApi, journal: str) -> list[str]:
    """``run`` against the leaky API, two examples, no report, journaling into ``journal``."""
    spec = ws.write("leaky.json", dump(LEAKY_SPEC))
    return [
        *("run", "--spec", str(spec), "--base-url", api.url, "--token", TOKEN),
        *("--max-examples", "2", "--report", "none", "--journal", journal),
    ]


def _record(api: LeakyApi, n: int, tid: str) -> dict[str, Any]:
    return {
        "format": 1,
        "event": "created",
        "entry": f"run1:{n}",
        "run": "run1",
        "base_url": api.url,
        "operation": "createThing",
        "resource_id": tid,
        "delete_method": "DELETE",
        "delete_path": f"/things/{tid}",
        "credential": 0,
        "created_at": "2024-01-01T00:00:00Z",
    }


DAMAGE = {
    "torn-last": "torn-last",
    "torn-middle": "torn-middle",
    "foreign-text": "foreign-text",
    "foreign-array": "foreign-array",
    "foreign-fields": "foreign-fields",
    "bad-utf8-line": "bad-utf8-line",
}


@variants(6, DAMAGE, fast=("torn-last", "foreign-fields"))
def cleanup_damaged_journal(ws: Workspace, damage: str) -> Observation:
    api = LeakyApi([TOKEN])
    try:
        ids = [api.add(0, f"t{i}") for i in range(4)]
        lines = [json.dumps(_record(api, i + 1, tid)).encode() for i, tid in enumerate(ids)]
        torn = lines[3][: len(lines[3]) // 2]
        if damage == "torn-last":
            data = b"\n".join(lines[:3]) + b"\n" + torn
            good = ids[:3]
        elif damage == "torn-middle":
            data = lines[0] + b"\n" + torn + lines[1] + b"\n" + lines[2] + b"\n"
            good = [ids[0], ids[2]]
        else:
            bad = {
                "foreign-text": b"hello, I am not a journal record",
                "foreign-array": b"[1, 2, 3]",
                "foreign-fields": b'{"event": "created", "entry": "x:1"}',
                "bad-utf8-line": b'{"event": "created", "note": "\xff\xfe"}',
            }[damage]
            data = lines[0] + b"\n" + bad + b"\n" + lines[1] + b"\n" + lines[2] + b"\n"
            good = ids[:3]
        journal = ws.write("journal.jsonl", data)
        result = ws.cli("cleanup", "--journal", "journal.jsonl", "--token", TOKEN, timeout=60)
        obs = Observation(
            result, exit=1, where=r"journal\.jsonl:\d+", secrets=[TOKEN], scan=[journal]
        )
        left = [t for t in good if t in api.live]
        if left:
            obs.lost.append(f"{len(left)} of {len(good)} recorded things were not deleted")
        kept = journal.read_bytes()
        sidecars = b"".join(p.read_bytes() for p in ws.dir.glob("journal.jsonl?*"))
        if damage == "torn-last" and torn not in kept + sidecars:
            obs.lost.append("the torn line was dropped or written onto")
        if damage == "torn-last" and (torn + b"{" in kept):
            obs.lost.append("a record was appended onto the torn line")
        return obs
    finally:
        api.close()


@variants(
    6,
    {
        "binary": b"\x00\x01\x02" + bytes(range(256)) * 4,
        "utf16": '{"a": 1}\n'.encode("utf-16"),
        "directory": b"",
    },
    fast=("binary",),
)
def cleanup_unreadable_journal(ws: Workspace, data: bytes) -> Observation:
    if data:
        ws.write("journal.jsonl", data)
    else:
        (ws.dir / "journal.jsonl").mkdir()
    result = ws.cli("cleanup", "--journal", "journal.jsonl", "--token", TOKEN, timeout=60)
    return Observation(result, exit=2, where=r"journal\.jsonl", max_seconds=20)


@variants(6, {"binary": "binary", "torn": "torn", "foreign": "foreign"}, fast=("binary",))
def run_refuses_damaged_journal(ws: Workspace, damage: str) -> Observation:
    api = LeakyApi([TOKEN])
    try:
        good = json.dumps(_record(api, 1, api.add(0))).encode()
        data = {
            "binary": bytes(range(256)) * 4,
            "torn": good + b"\n" + good[:40],
            "foreign": good + b"\nnot json at all\n",
        }[damage]
        ws.write("journal.jsonl", data)
        result = ws.cli(*_live_run(ws, api, "journal.jsonl"), timeout=90)
        obs = Observation(result, exit=2, where=r"journal\.jsonl", secrets=[TOKEN], max_seconds=30)
        if api.created:
            obs.wrong.append(f"the run created {api.created} things with a journal it cannot read")
        if ws.dir.joinpath("journal.jsonl").read_bytes() != data:
            obs.lost.append("the damaged journal was written to")
        return obs
    finally:
        api.close()


# --------------------------------------------------------------------------------------------------
# 9. The mock server


def _sqlite_db(ws: Workspace, damage: str) -> Path:
    from contracttest.mock.store import Record, SQLiteStore

    path = ws.dir / "state.db"
    store = SQLiteStore(path)
    for i in range(400):
        store.insert("things", Record(f"id{i}", "org", 0, i, i, {"name": "x" * 200, "i": i}))
    store.close()
    for extra in (ws.dir / "state.db-wal", ws.dir / "state.db-shm"):
        extra.unlink(missing_ok=True)
    raw = bytearray(path.read_bytes())
    page = 4096
    if damage == "page":
        for p in range(2, min(len(raw) // page, 12)):
            raw[p * page + 8 : p * page + 300] = os.urandom(292)
    elif damage == "header":
        raw[0:100] = os.urandom(100)
    elif damage == "truncated":
        raw = raw[: len(raw) // 2 + 123]
    path.write_bytes(bytes(raw))
    return path


@variants(
    9,
    {"sqlite-page": "page", "sqlite-header": "header", "sqlite-truncated": "truncated"},
    fast=("sqlite-page",),
)
def corrupt_sqlite(ws: Workspace, damage: str) -> Observation:
    db = _sqlite_db(ws, damage)
    spec = ws.write("spec.json", dump(things_spec()))
    result = ws.cli("mock", "--spec", str(spec), "--port", "0", "--db", str(db), timeout=20)
    return Observation(result, exit=2, where=r"state\.db", max_seconds=15)


@variants(
    9,
    {"disconnect-mid-body": "body", "disconnect-mid-headers": "headers"},
    fast=("disconnect-mid-body",),
)
def client_disconnect(ws: Workspace, where: str) -> Observation:
    import httpx

    spec = ws.write("spec.json", dump(things_spec()))
    t0 = time.monotonic()
    problems: list[str] = []
    with _mock(ws, "--spec", str(spec)) as (url, proc):
        host, port = url[7:].split(":")
        for _ in range(5):
            with socket.create_connection((host, int(port))) as s:
                if where == "body":
                    s.sendall(
                        b'POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name": '
                    )
                else:
                    s.sendall(b"POST /things HTTP/1.1\r\nHost: x\r\nContent-Le")
                time.sleep(0.1)
        time.sleep(0.3)
        try:
            ok = httpx.post(url + "/things", json={"name": "after"}, timeout=10, trust_env=False)
            if ok.status_code != 201:
                problems.append(f"a request after the disconnects got {ok.status_code}")
        except httpx.HTTPError as exc:
            problems.append(f"the mock stopped answering: {exc}")
        result = _finish(proc, ["mock", "--spec", "spec.json"], t0)
    obs = Observation(result, exit=0)
    obs.lost.extend(problems)
    if "mock failed" in result.output or "Exception" in result.output:
        obs.wrong.append("a client disconnect was logged as a mock failure")
    return obs


@variants(9, {"large-body-event-loop": "large"})
def large_body_blocks_loop(ws: Workspace, _: str) -> Observation:
    import httpx

    closed = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {"name": {"type": "string"}},
    }
    spec = ws.write("spec.json", dump(things_spec(closed)))
    # 10 MB, 800k members the closed schema does not declare: the mock must validate it to say so
    body = "{" + ",".join(f'"p{i}":{i}' for i in range(800_000)) + ',"name":5}'
    t0 = time.monotonic()
    worst = 0.0
    with _mock(ws, "--spec", str(spec), "--max-body", str(32 * 1024 * 1024)) as (url, proc):
        done = threading.Event()
        took: list[float] = []

        def post() -> None:
            start = time.monotonic()
            try:
                httpx.post(
                    url + "/things",
                    content=body,
                    headers={"content-type": "application/json"},
                    timeout=120,
                    trust_env=False,
                )
            finally:
                took.append(time.monotonic() - start)
                done.set()

        threading.Thread(target=post, daemon=True).start()
        with httpx.Client(timeout=60, trust_env=False) as client:
            while not done.is_set():
                s = time.monotonic()
                client.get(url + "/things")
                worst = max(worst, time.monotonic() - s)
                time.sleep(0.05)
        result = _finish(proc, ["mock", "--max-body", "32MiB"], t0)
    obs = Observation(result, exit=0)
    # Parsing (member by member) and validation run in a worker thread; what may remain are single
    # C calls over the whole body (building the 800k-member dict, the Rust validator). The yardstick
    # for "blocked" is how long one json.loads of the body takes on this machine right now: with the
    # work on the loop a GET waits 5-6 times that (12 s here), off the loop under it (1.6 s).
    parse = time.monotonic()
    json.loads(body)
    parse = time.monotonic() - parse
    spent = took[0] if took else 0.0
    if worst > max(1.5, 1.5 * parse + 0.5):
        obs.wrong.append(
            f"a GET waited {worst:.1f} s behind a large body ({spent:.1f} s, of which parsing "
            f"{parse:.1f} s): the event loop is blocked"
        )
    return obs


@variants(9, {"slowloris-headers": "headers", "slowloris-body": "body"}, fast=())
def slowloris(ws: Workspace, how: str) -> Observation:
    import httpx

    spec = ws.write("spec.json", dump(things_spec()))
    t0 = time.monotonic()
    socks: list[socket.socket] = []
    closed = 0
    with _mock(ws, "--spec", str(spec)) as (url, proc):
        host, port = url[7:].split(":")
        for _ in range(60):
            s = socket.create_connection((host, int(port)))
            if how == "headers":
                s.sendall(b"POST /things HTTP/1.1\r\nHost: x\r\n")
            else:
                s.sendall(
                    b"POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
                )
            s.settimeout(0.05)
            socks.append(s)
        deadline = time.monotonic() + 40
        alive = list(socks)
        while alive and time.monotonic() < deadline:
            for s in list(alive):
                try:
                    s.sendall(b"X-a: b\r\n" if how == "headers" else b" ")
                    if s.recv(1) == b"":
                        alive.remove(s)
                except (TimeoutError, BlockingIOError):
                    pass
                except OSError:
                    alive.remove(s)
            time.sleep(1.0)
        closed = len(socks) - len(alive)
        ok = httpx.get(url + "/things", timeout=10, trust_env=False).status_code
        for s in socks:
            s.close()
        result = _finish(proc, ["mock", "--spec", "spec.json"], t0)
    obs = Observation(result, exit=0)
    if closed < len(socks):
        obs.wrong.append(
            f"{len(socks) - closed} of {len(socks)} slow connections were still open after 40 s"
        )
    if ok != 200:
        obs.lost.append(f"a normal request got {ok} during the slow connections")
    return obs


class _Proxy:
    def __init__(self) -> None:
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                outer.hits += 1
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_CONNECT = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@variants(
    9,
    {
        "proxy-mock-run": "mock",
        "proxy-live-run": "live",
        "proxy-spec-url": "spec",
        "proxy-cleanup": "cleanup",
    },
    fast=("proxy-mock-run",),
)
def http_proxy_loopback(ws: Workspace, how: str) -> Observation:
    proxy = _Proxy()
    api = LeakyApi([TOKEN])
    env = dict.fromkeys(
        ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"),
        proxy.url,
    )
    try:
        if how == "mock":
            spec = ws.write("spec.json", dump(things_spec()))
            args, exit_ = (
                ["run", "--spec", str(spec), "--max-examples", "2", "--report", "none"],
                (0, 1),
            )
        elif how == "live":
            args, exit_ = (
                _live_run(ws, api, "j.jsonl"),
                (0, 1),
            )
        elif how == "spec":
            url = ws.serve("spec.json", dump(things_spec()))
            args, exit_ = ["spec", "lint", "--spec", url], 0
        else:
            tid = api.add(0)
            ws.write("j.jsonl", json.dumps(_record(api, 1, tid)) + "\n")
            args, exit_ = ["cleanup", "--journal", "j.jsonl", "--token", TOKEN], 0
        result = ws.cli(*args, env=clean_env(env, cache=ws.dir / ".ct-cache"), timeout=120)
        obs = Observation(result, exit=exit_, secrets=[TOKEN])
        if proxy.hits:
            obs.leaked.append(f"{proxy.hits} loopback requests went through HTTP_PROXY")
        return obs
    finally:
        proxy.close()
        api.close()
