"""Load test of the mock, side by side with Stoplight Prism mocking the same spec.

16 concurrent keep-alive clients send a mixed create/get/list/patch/delete workload (at least 20,000
requests) to each server over loopback. Each server runs in its own process, so the load generator
(a minimal asyncio HTTP/1.1 client, identical for both) does not share a GIL with it. For our mock the
run then checks that nothing was lost or duplicated: every record a client created and did not delete
is listed exactly once, with the last name the client patched in; nothing else is.

Prism is installed with npm into a cache directory outside the repo (``CONTRACTTEST_PRISM_DIR``
overrides it) and skipped, with the reason printed, when node/npm or the install are unavailable.

Run it with ``python -m benchmarks.bench_mock`` or through the benchmark harness, which calls
``run(report)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
SEED = REPO.parent / "shared" / "seeds" / "vapi-phone-numbers.openapi.yaml"
OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
PRISM_PACKAGE = "@stoplight/prism-cli"
TOKEN = "bench-token"

CLIENTS = 16
REQUESTS = 20_000
REQUEST_TIMEOUT = 10.0
RUN_TIMEOUT = 600.0
MIX = (("create", 30), ("get", 25), ("list", 15), ("patch", 20), ("delete", 10))

BODIES: list[dict[str, Any]] = [
    {"provider": "vapi", "name": "bench"},
    {
        "provider": "twilio",
        "number": "+14155550123",
        "twilioAccountSid": "AC0123",
        "twilioAuthToken": "t0k",
    },
    {"provider": "byo-phone-number", "number": "+14155550124", "credentialId": "cred-1"},
    {"provider": "vonage", "number": "+14155550125", "credentialId": "cred-2"},
    {"provider": "telnyx", "number": "+14155550126", "credentialId": "cred-3"},
]


# ----------------------------------------------------------------------------------------- HTTP client
class Connection:
    """One keep-alive HTTP/1.1 connection; just enough protocol for this benchmark."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Authorization: Bearer {TOKEN}",
            "Accept: application/json",
        ]
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            key = name.strip().lower()
            if key == "content-length":
                length = int(value)
            elif key == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif key == "connection" and value.strip().lower() == "close":
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            payload = b"".join(parts)
        else:
            payload = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


# ----------------------------------------------------------------------------------------- workload
@dataclass
class ClientState:
    alive: dict[str, dict[str, Any]] = field(default_factory=dict)
    """id -> what the client last sent for it (provider, name)."""
    deleted: set[str] = field(default_factory=set)


@dataclass
class Result:
    server: str
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        pct = (
            (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2))
            if lat
            else (lambda q: None)
        )
        return {
            "server": self.server,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else None,
            "status_counts": {str(k): v for k, v in sorted(self.statuses.items())},
            "5xx": sum(v for k, v in self.statuses.items() if k >= 500),
            "unexpected": dict(self.unexpected),
            "errors": self.errors[:10],
            **self.checks,
        }


EXPECTED = {"create": {201}, "get": {200}, "list": {200}, "patch": {200}, "delete": {200}}


async def _client(
    idx: int, host: str, port: int, quota: int, result: Result, state: ClientState, stateful: bool
) -> None:
    rnd = random.Random(idx)
    conn = Connection(host, port)
    ops = [name for name, _ in MIX]
    weights = [float(w) for _, w in MIX]
    serial = 0
    try:
        for _ in range(quota):
            op = rnd.choices(ops, weights)[0]
            ids = list(state.alive)
            if op in ("get", "patch", "delete") and not ids:
                op = "create"
            serial += 1
            if op == "create":
                body = dict(rnd.choice(BODIES))
                body["name"] = f"c{idx}-{serial}"
                args: tuple[str, str, bytes | None] = (
                    "POST",
                    "/phone-number",
                    json.dumps(body).encode(),
                )
            elif op == "get":
                rid = rnd.choice(ids)
                args = ("GET", f"/phone-number/{rid}", None)
            elif op == "list":
                path = rnd.choice(("/phone-number?limit=20", "/v2/phone-number?limit=20&page=2"))
                args = ("GET", path, None)
            elif op == "patch":
                rid = rnd.choice(ids)
                name = f"p{idx}-{serial}"
                patch = {"provider": state.alive[rid]["provider"], "name": name}
                args = ("PATCH", f"/phone-number/{rid}", json.dumps(patch).encode())
            else:
                rid = rnd.choice(ids)
                args = ("DELETE", f"/phone-number/{rid}", None)
            start = time.perf_counter()
            try:
                status, payload = await asyncio.wait_for(conn.request(*args), REQUEST_TIMEOUT)
            except (
                TimeoutError,
                OSError,
                ConnectionError,
                ValueError,
                asyncio.IncompleteReadError,
            ) as exc:
                result.errors.append(f"{args[0]} {args[1]}: {type(exc).__name__}: {exc}")
                await conn.close()
                continue
            result.latencies.append(time.perf_counter() - start)
            result.requests += 1
            result.statuses[status] += 1
            if status not in EXPECTED[op]:
                result.unexpected[f"{op} -> {status}"] += 1
                continue
            if op == "create":
                rid = (
                    json.loads(payload)["id"]
                    if stateful
                    else str(uuid.UUID(int=rnd.getrandbits(128), version=4))
                )
                state.alive[rid] = {"provider": body["provider"], "name": body["name"]}
            elif op == "patch":
                state.alive[rid]["name"] = name
            elif op == "delete":
                del state.alive[rid]
                state.deleted.add(rid)
    finally:
        await conn.close()


async def _drive(
    host: str, port: int, requests: int, result: Result, stateful: bool
) -> list[ClientState]:
    states = [ClientState() for _ in range(CLIENTS)]
    quota = -(-requests // CLIENTS)
    start = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(
            *(_client(i, host, port, quota, result, states[i], stateful) for i in range(CLIENTS))
        ),
        RUN_TIMEOUT,
    )
    result.seconds = time.perf_counter() - start
    return states


async def _verify(host: str, port: int, states: list[ClientState]) -> dict[str, Any]:
    """Every surviving record listed exactly once, with its last patch; deleted ones gone."""
    conn = Connection(host, port)
    seen: Counter[str] = Counter()
    listed: dict[str, dict[str, Any]] = {}
    page = 1
    while True:
        status, payload = await conn.request(
            "GET", f"/v2/phone-number?limit=1000&page={page}&sortOrder=ASC"
        )
        if status != 200:
            raise RuntimeError(f"verification list failed with {status}: {payload[:200]!r}")
        body = json.loads(payload)
        for item in body["results"]:
            seen[item["id"]] += 1
            listed[item["id"]] = item
        if not body["metadata"].get("hasNextPage"):
            break
        page += 1
    expected = {rid: sent for s in states for rid, sent in s.alive.items()}
    deleted = {rid for s in states for rid in s.deleted}
    stale = sum(
        1
        for rid, sent in expected.items()
        if rid in listed and listed[rid].get("name") != sent["name"]
    )
    gone_but_listed = len(deleted & set(listed))
    await conn.close()
    return {
        "records_expected": len(expected),
        "records_listed": len(listed),
        "lost": len(set(expected) - set(listed)),
        "duplicated": sum(c - 1 for c in seen.values() if c > 1),
        "unexpected_records": len(set(listed) - set(expected)),
        "stale_patches": stale,
        "deleted_but_listed": gone_but_listed,
    }


# ----------------------------------------------------------------------------------------- servers
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port} within {timeout} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _spec_source() -> Path:
    return SPEC if SPEC.is_file() else SEED


_OUR_SERVER = """
import sys
from contracttest.openapi import load_spec
from contracttest.mock.app import create_app
from contracttest.mock.server import serve
spec = load_spec(sys.argv[1], overlays=[sys.argv[2]])
serve(create_app(spec, tokens=[sys.argv[4]]), host="127.0.0.1", port=int(sys.argv[3]))
"""


def start_ours(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _OUR_SERVER, str(_spec_source()), str(OVERLAY), str(port), TOKEN],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_port(port, proc, 60)
    except RuntimeError:
        _stop(proc)
        err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
        raise RuntimeError(f"our mock did not start: {err}") from None
    return proc


def prism_binary(log: Callable[[str], None]) -> tuple[Path | None, str]:
    """(path to the prism executable, reason when unavailable)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None, "node/npm not found on PATH"
    base = Path(
        os.environ.get("CONTRACTTEST_PRISM_DIR")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "contracttest"
        / "prism"
    )
    binary = base / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary, ""
    base.mkdir(parents=True, exist_ok=True)
    log(f"installing {PRISM_PACKAGE} into {base} (npm)...")
    try:
        proc = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(base), PRISM_PACKAGE],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"npm install {PRISM_PACKAGE} failed: {exc}"
    if proc.returncode != 0 or not binary.exists():
        return None, f"npm install {PRISM_PACKAGE} failed: {proc.stderr.strip()[-400:]}"
    return binary, ""


def start_prism(binary: Path, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    from contracttest.openapi import load_spec

    spec = load_spec(_spec_source(), overlays=[OVERLAY])
    spec_file = workdir / "spec.json"
    spec_file.write_text(json.dumps(spec.raw))
    proc = subprocess.Popen(
        [
            str(binary),
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--errors",
            "false",
            str(spec_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, proc, 120)
    except RuntimeError:
        _stop(proc)
        raise
    return proc


# ----------------------------------------------------------------------------------------- entry
# Requests a server that enforces the contract must reject (each breaks exactly one thing).
_BYO = {"provider": "byo-phone-number", "number": "+14155550124", "credentialId": "cred-1"}
PROBES: list[tuple[str, str, str, Any]] = [
    (
        "missing required member",
        "POST",
        "/phone-number",
        {"provider": "vonage", "number": "+14155550125"},
    ),
    ("unknown provider", "POST", "/phone-number", {"provider": "carrier-pigeon"}),
    ("name longer than 40", "POST", "/phone-number", {**_BYO, "name": "x" * 41}),
    ("malformed JSON", "POST", "/phone-number", b'{"provider": "vapi"'),
    ("id that is not a uuid", "GET", "/phone-number/not-a-uuid", None),
    ("limit above 1000", "GET", "/phone-number?limit=5000", None),
    ("unknown member (closed DTO)", "POST", "/phone-number", {**_BYO, "unknownField": 1}),
    ("unknown query parameter", "GET", "/phone-number?foo=1", None),
    ("number not E.164 (semantic rule)", "POST", "/phone-number", {**_BYO, "number": "4155550124"}),
    (
        "hook prefix with '+' (semantic rule)",
        "POST",
        "/phone-number",
        {
            **_BYO,
            "hooks": [
                {
                    "on": "call.ringing",
                    "filters": [{"type": "startsWith", "key": "number", "startsWith": ["+1"]}],
                    "do": [{"type": "say", "exact": "hi"}],
                }
            ],
        },
    ),
    (
        "emoji name over 40 as the server counts",
        "POST",
        "/phone-number",
        {**_BYO, "name": "👍🏽" * 20 + "x"},
    ),
    ("discriminator change on PATCH (state)", "PATCH", "", {"provider": "vonage", "name": "x"}),
]


async def _probe(host: str, port: int) -> dict[str, Any]:
    """Which contract-breaking requests the server rejects with a 4xx."""
    conn = Connection(host, port)
    status, payload = await conn.request("POST", "/phone-number", json.dumps(_BYO).encode())
    try:
        existing = json.loads(payload)["id"]
    except (ValueError, KeyError, TypeError):
        existing = str(uuid.uuid4())
    accepted = []
    for name, method, path, body in PROBES:
        raw = (
            body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
        )
        status, _ = await conn.request(method, path or f"/phone-number/{existing}", raw)
        if not 400 <= status < 500:
            accepted.append(f"{name} ({status})")
    await conn.close()
    return {"probes": len(PROBES), "rejected": len(PROBES) - len(accepted), "accepted": accepted}


async def _warm_up(host: str, port: int) -> None:
    """One untimed request of every kind: both servers compile schemas on first use (Prism takes
    seconds per operation), and the load test measures the steady state."""
    conn = Connection(host, port)
    ids = []
    for body in BODIES:
        _status, payload = await asyncio.wait_for(
            conn.request("POST", "/phone-number", json.dumps(body).encode()), 120
        )
        try:
            ids.append((json.loads(payload)["id"], body["provider"]))
        except (ValueError, KeyError, TypeError):
            ids.append((str(uuid.uuid4()), body["provider"]))
    for rid, provider in ids:
        patch = json.dumps({"provider": provider, "name": "warm"}).encode()
        for method, path, raw in (
            ("GET", f"/phone-number/{rid}", None),
            ("PATCH", f"/phone-number/{rid}", patch),
            ("DELETE", f"/phone-number/{rid}", None),
        ):
            await asyncio.wait_for(conn.request(method, path, raw), 120)
    for path in ("/phone-number?limit=20", "/v2/phone-number?limit=20&page=2"):
        await asyncio.wait_for(conn.request("GET", path), 120)
    await conn.close()


def _run_one(name: str, port: int, requests: int, stateful: bool) -> Result:
    result = Result(name)

    async def go() -> None:
        await _warm_up("127.0.0.1", port)
        states = await _drive("127.0.0.1", port, requests, result, stateful)
        if stateful:
            result.checks.update(await _verify("127.0.0.1", port, states))
        result.checks["validation"] = await _probe("127.0.0.1", port)

    asyncio.run(go())
    return result


def run(report: Any = None, *, requests: int = REQUESTS) -> dict[str, Any]:
    """Run the load test against our mock and Prism; returns (and reports) the numbers.

    Args:
        report: the harness's `benchmarks.Report` (or any ``report(name, data)`` callable).
        requests: requests per server (at least 20,000 for the published numbers).
    """

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    out: dict[str, Any] = {"clients": CLIENTS, "requests_per_server": requests, "mix": dict(MIX)}
    port = _free_port()
    proc = start_ours(port)
    try:
        log(f"contracttest mock on 127.0.0.1:{port}: {requests} requests, {CLIENTS} clients")
        ours = _run_one("contracttest-mock", port, requests, stateful=True).summary()
    finally:
        _stop(proc)
    out["contracttest"] = ours

    binary, reason = prism_binary(log)
    if binary is None:
        log(f"Prism skipped: {reason}")
        out["prism"] = {"skipped": reason}
    else:
        port = _free_port()
        with tempfile.TemporaryDirectory(prefix="ct-prism-") as tmp:
            try:
                proc = start_prism(binary, port, Path(tmp))
            except RuntimeError as exc:
                log(f"Prism skipped: {exc}")
                out["prism"] = {"skipped": str(exc)}
            else:
                try:
                    log(f"prism mock on 127.0.0.1:{port}: {requests} requests, {CLIENTS} clients")
                    out["prism"] = _run_one("prism", port, requests, stateful=False).summary()
                finally:
                    _stop(proc)
    if "requests_per_second" in out.get("prism", {}):
        ratio = ours["requests_per_second"] / max(out["prism"]["requests_per_second"], 1e-9)
        out["speedup_vs_prism"] = round(ratio, 2)
    _report(report, out)
    _print_table(out)
    return out


_COLUMNS = (
    "server",
    "req/s",
    "p50 ms",
    "p99 ms",
    "5xx",
    "unexpected status",
    "client errors",
    "lost",
    "duplicated",
    "invalid requests rejected",
)


def _rows(out: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for key in ("contracttest", "prism"):
        r = out.get(key) or {}
        if "requests_per_second" not in r:
            skipped = str(r.get("skipped", ""))[:60]
            rows.append((key, "skipped", "", "", "", skipped, "", "", "", ""))
            continue
        rows.append(
            (
                r["server"],
                str(r["requests_per_second"]),
                str(r["p50_ms"]),
                str(r["p99_ms"]),
                str(r["5xx"]),
                str(sum(r["unexpected"].values())),
                str(len(r["errors"])),
                str(r.get("lost", "n/a (stateless)")),
                str(r.get("duplicated", "n/a (stateless)")),
                f"{r['validation']['rejected']}/{r['validation']['probes']}",
            )
        )
    return rows


def _report(report: Any, out: dict[str, Any]) -> None:
    if report is None:
        return
    note = (
        f"{out['requests_per_server']} requests per server from {out['clients']} concurrent "
        f"keep-alive clients on loopback, mix {out['mix']} (percent). Ours validates every request "
        "with the semantic rules and keeps state; Prism validates against the JSON Schema and "
        "answers the spec's examples."
    )
    if "speedup_vs_prism" in out:
        note += f" Requests per second, ours / Prism: {out['speedup_vs_prism']}x."
    table = getattr(report, "table", None)
    if callable(table):
        table("mock under load: contracttest vs Prism", _COLUMNS, _rows(out), note=note)
        keys = ("records_expected", "records_listed", "lost", "duplicated", "unexpected_records")
        checks = {k: out["contracttest"][k] for k in (*keys, "stale_patches", "deleted_but_listed")}
        report("mock consistency after the run", checks)
        for key in ("contracttest", "prism"):
            probe = (out.get(key) or {}).get("validation")
            if probe and probe["accepted"]:
                report.note(f"{key} accepted: {'; '.join(probe['accepted'])}")
    else:
        report("mock/contracttest", out["contracttest"])
        report("mock/prism", out.get("prism", {}))


def _print_table(out: dict[str, Any]) -> None:
    rows: list[tuple[str, ...]] = [_COLUMNS, *_rows(out)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    if "speedup_vs_prism" in out:
        print(f"contracttest / prism requests per second: {out['speedup_vs_prism']}x")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS
    print(json.dumps(run(requests=n), indent=2))
