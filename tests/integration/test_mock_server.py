"""The mock as a real HTTP server on 127.0.0.1: lifecycle, restart with --db, concurrency, the CLI."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from mock_payloads import CREATE_BODIES, OVERLAY, REPO, SEED, TOKEN_A, TOKEN_B

from contracttest.mock import running_mock

pytestmark = pytest.mark.network

AUTH_A = {"Authorization": f"Bearer {TOKEN_A}"}


def port_is_closed(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, int(port))) != 0


def test_lifecycle_over_http(phone_spec: Any, response_findings: Any) -> None:
    with running_mock(phone_spec, tokens=[TOKEN_A]) as url:
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, headers=AUTH_A) as c:
            for provider, sent in CREATE_BODIES.items():
                r = c.post("/phone-number", json=sent)
                assert r.status_code == 201, r.text
                assert not response_findings("PhoneNumberController_create", 201, r.json())
                rid = r.json()["id"]
                got = c.get(f"/phone-number/{rid}").json()
                assert {k: got[k] for k in sent if k != "twilioAuthToken"} == {
                    k: v for k, v in sent.items() if k != "twilioAuthToken"
                }
                assert rid in [x["id"] for x in c.get("/v2/phone-number").json()["results"]]
                patched = c.patch(f"/phone-number/{rid}", json={"provider": provider, "name": "x"})
                assert patched.json()["name"] == "x" and patched.json()["provider"] == provider
                assert c.delete(f"/phone-number/{rid}").status_code == 200
                assert c.get(f"/phone-number/{rid}").status_code == 404
            assert c.get("/phone-number", headers={"Authorization": "Bearer no"}).status_code == 401
            r = c.post("/phone-number", content=b"{", headers={"content-type": "application/json"})
            assert r.status_code == 400
    # Leaving the context shuts the server down
    assert port_is_closed(url)


def test_sequential_requests_do_not_stall(phone_spec: Any) -> None:
    # Regression: a listening socket created without IPPROTO_TCP kept Nagle on (asyncio only sets
    # TCP_NODELAY on sockets that say TCP), and every response waited ~40 ms for a delayed ACK.
    import time

    with running_mock(phone_spec) as url, httpx.Client(base_url=url) as c:
        c.get("/phone-number")
        timings = []
        for _ in range(15):
            start = time.perf_counter()
            assert c.get("/phone-number/00000000-0000-4000-8000-000000000000").status_code == 404
            timings.append(time.perf_counter() - start)
    timings.sort()
    assert timings[len(timings) // 2] < 0.02, timings


def test_state_survives_a_restart_with_db(phone_spec: Any, tmp_path: Path) -> None:
    db = tmp_path / "mock.db"
    with (
        running_mock(phone_spec, tokens=[TOKEN_A, TOKEN_B], db=db) as url,
        httpx.Client(base_url=url) as c,
    ):
        a = c.post("/phone-number", json=CREATE_BODIES["vonage"], headers=AUTH_A).json()
        gone = c.post("/phone-number", json=CREATE_BODIES["vapi"], headers=AUTH_A).json()
        c.delete(f"/phone-number/{gone['id']}", headers=AUTH_A)
        c.patch(
            f"/phone-number/{a['id']}", json={"provider": "vonage", "name": "kept"}, headers=AUTH_A
        )
    with (
        running_mock(phone_spec, tokens=[TOKEN_A, TOKEN_B], db=db) as url,
        httpx.Client(base_url=url) as c,
    ):
        got = c.get(f"/phone-number/{a['id']}", headers=AUTH_A)
        assert got.status_code == 200
        assert (
            got.json()["name"] == "kept" and got.json()["orgId"] == a["orgId"]
        )  # same org after restart
        assert c.get(f"/phone-number/{gone['id']}", headers=AUTH_A).status_code == 404
        assert (
            c.get(
                f"/phone-number/{a['id']}", headers={"Authorization": f"Bearer {TOKEN_B}"}
            ).status_code
            == 404
        )
        assert [x["id"] for x in c.get("/phone-number", headers=AUTH_A).json()] == [a["id"]]


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_concurrent_requests_lose_and_duplicate_nothing(
    phone_spec: Any, tmp_path: Path, storage: str
) -> None:
    db = tmp_path / "c.db" if storage == "sqlite" else None
    workers, per_worker = 16, 8

    async def run(url: str) -> tuple[list[str], str]:
        async with httpx.AsyncClient(
            base_url=url, headers=AUTH_A, limits=httpx.Limits(max_connections=32)
        ) as c:
            target = (await c.post("/phone-number", json=CREATE_BODIES["vapi"])).json()["id"]

            async def worker(k: int) -> list[str]:
                made = []
                for i in range(per_worker):
                    r = await c.post(
                        "/phone-number", json={**CREATE_BODIES["vapi"], "name": f"w{k}-{i}"}
                    )
                    assert r.status_code == 201, r.text
                    made.append(r.json()["id"])
                    # Every worker patches the same record: each patch must be applied whole.
                    r = await c.patch(
                        f"/phone-number/{target}", json={"provider": "vapi", "name": f"w{k}-{i}"}
                    )
                    assert r.status_code == 200, r.text
                return made

            made = [
                rid
                for batch in await asyncio.gather(*(worker(k) for k in range(workers)))
                for rid in batch
            ]
            return made, target

    with running_mock(phone_spec, tokens=[TOKEN_A], db=db) as url:
        made, target = asyncio.run(run(url))
        with httpx.Client(base_url=url, headers=AUTH_A) as c:
            listed = c.get("/v2/phone-number?limit=1000").json()
            final = c.get(f"/phone-number/{target}").json()
    listed_ids = [x["id"] for x in listed["results"]]
    assert len(made) == len(set(made)) == workers * per_worker
    assert sorted(listed_ids) == sorted([*made, target])
    assert listed["metadata"]["totalItems"] == workers * per_worker + 1
    assert re.fullmatch(r"w\d+-\d+", final["name"])


def test_running_mock_refuses_options_for_a_ready_app(phone_spec: Any) -> None:
    from contracttest.errors import UsageError
    from contracttest.mock.app import create_app

    with pytest.raises(UsageError), running_mock(create_app(phone_spec), tokens=["x"]):
        pass


def test_busy_port_is_a_usage_error(phone_spec: Any) -> None:
    from contracttest.errors import UsageError

    with running_mock(phone_spec) as url:
        port = int(url.rsplit(":", 1)[1])
        with pytest.raises(UsageError, match="cannot listen"), running_mock(phone_spec, port=port):
            pass


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from contracttest.cli import main; main()", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_cli_serves_until_interrupted(tmp_path: Path) -> None:
    proc = _cli(
        "mock",
        "--spec",
        str(SEED),
        "--overlay",
        str(OVERLAY),
        "--port",
        "0",
        "--db",
        str(tmp_path / "x.db"),
        env={"CONTRACTTEST_MOCK_TOKENS": f"{TOKEN_A},{TOKEN_B}"},
    )
    try:
        assert proc.stdout is not None
        url = None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            m = re.search(r"Listening on (http://\S+)", line)
            if m:
                url = m.group(1)
                break
        assert url, "".join(lines) + (proc.stderr.read() if proc.stderr else "")
        r = httpx.post(url + "/phone-number", json=CREATE_BODIES["vapi"], headers=AUTH_A)
        assert r.status_code == 201
        assert httpx.get(url + "/phone-number").status_code == 401
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    text = "".join(lines) + out + err
    assert "2 token(s)" in text
    assert TOKEN_A not in text and TOKEN_B not in text


def test_cli_reports_a_busy_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        proc = _cli("mock", "--spec", str(SEED), "--overlay", str(OVERLAY), "--port", str(port))
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "cannot listen" in err
