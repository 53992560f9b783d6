"""The runner's HTTP client: rate limit, retries on 429/503 with backoff and Retry-After, timeouts."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Iterator
from typing import Any

import pytest

from contracttest.errors import TransportError, UsageError
from contracttest.runner.http import (
    HttpClient,
    RateLimiter,
    RetryExhausted,
    is_loopback,
    parse_rate,
    render_path,
    retry_after_seconds,
)

pytestmark = pytest.mark.network


class _Script:
    """A tiny ASGI app answering from a queue of (status, headers, delay) per request."""

    def __init__(self, answers: list[tuple[int, dict[str, str], float]]) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[str, str, float]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        self.seen.append((scope["method"], scope["path"], time.monotonic()))
        status, headers, delay = self.answers.pop(0) if self.answers else (200, {}, 0.0)
        if delay:
            await asyncio.sleep(delay)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (k.encode(), v.encode())
                    for k, v in {"content-type": "application/json", **headers}.items()
                ],
            }
        )
        await send({"type": "http.response.body", "body": b'{"ok": true}'})


@pytest.fixture
def script() -> Iterator[Any]:
    from contracttest.mock.server import running_mock

    holder: dict[str, Any] = {}

    def start(answers: list[tuple[int, dict[str, str], float]]) -> tuple[_Script, str]:
        app = _Script(answers)
        ctx = running_mock(app)
        url = ctx.__enter__()
        holder.setdefault("ctx", []).append(ctx)
        return app, url

    yield start
    for ctx in holder.get("ctx", []):
        ctx.__exit__(None, None, None)


def test_retry_after_is_honoured(script: Any) -> None:
    app, url = script([(429, {"retry-after": "1"}, 0.0), (200, {}, 0.0)])
    sleeps: list[float] = []
    with HttpClient(url, sleep=lambda s: (sleeps.append(s), time.sleep(0))[0]) as client:
        resp = client.send(client.build("GET", "/x"))
    assert resp.status == 200
    assert sleeps == [1.0]
    assert len(app.seen) == 2
    assert client.stats.retries == 1


def test_retry_after_as_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    got = retry_after_seconds(when)
    assert got is not None and 28 <= got <= 31
    assert retry_after_seconds("garbage") is None
    assert retry_after_seconds("2.5") == 2.5


def test_503_backs_off_exponentially_then_gives_up(script: Any) -> None:
    app, url = script([(503, {}, 0.0)] * 5)
    sleeps: list[float] = []
    with (
        HttpClient(url, retries=3, backoff=0.1, sleep=sleeps.append) as client,
        pytest.raises(RetryExhausted, match="still answered 503 after 4 attempts"),
    ):
        client.send(client.build("POST", "/x", body=b"{}"))
    assert len(app.seen) == 4
    assert len(sleeps) == 3
    for got, base in zip(sleeps, (0.1, 0.2, 0.4), strict=True):
        assert base <= got <= base * 1.25  # doubling backoff with up to 25% jitter


def test_too_long_retry_after_is_reported(script: Any) -> None:
    _app, url = script([(429, {"retry-after": "3600"}, 0.0)])
    with (
        HttpClient(url, max_wait=30) as client,
        pytest.raises(RetryExhausted, match="Retry-After 3600 s"),
    ):
        client.send(client.build("GET", "/x"))


def test_slow_requests_time_out(script: Any) -> None:
    _app, url = script([(200, {}, 2.0)] * 3)
    with (
        HttpClient(url, timeout=0.3, retries=0) as client,
        pytest.raises(TransportError, match=r"timed out after 0\.3 s"),
    ):
        client.send(client.build("POST", "/slow", body=b"{}"))


def test_connection_refused_is_a_transport_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        HttpClient(f"http://127.0.0.1:{port}", retries=1, backoff=0.01) as client,
        pytest.raises(TransportError, match="failed"),
    ):
        client.send(client.build("GET", "/"))


def test_rate_limit_spaces_requests(script: Any) -> None:
    app, url = script([])
    with HttpClient(url, rate_limit=20.0) as client:
        start = time.monotonic()
        for _ in range(6):
            client.send(client.build("GET", "/x"))
        elapsed = time.monotonic() - start
    # Sends are spaced 50 ms apart, so six take at least 250 ms whatever the load.
    assert elapsed >= 5 / 20 - 0.01
    # Arrivals can bunch up when one request is slow in transit (a loaded CI machine), so the
    # server side only checks they were spread out; exact spacing is the fake-clock test's job.
    stamps = [t for _m, _p, t in app.seen]
    assert len(stamps) == 6
    assert stamps[-1] - stamps[0] >= 0.15


def test_rate_limiter_with_a_fake_clock() -> None:
    now = [0.0]
    waits: list[float] = []
    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=waits.append)
    for _ in range(3):
        limiter.acquire()
    assert waits == [0.25, 0.5]


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10/s", 10.0),
        ("120/m", 2.0),
        ("3600/h", 1.0),
        ("5", 5.0),
        (" 2.5 / sec ", 2.5),
        (None, None),
    ],
)
def test_parse_rate(text: str | None, rate: float | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["fast", "0/s", "-1/s", "10/day"])
def test_bad_rates_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="rate"):
        parse_rate(text)


def test_base_url_must_be_http() -> None:
    with pytest.raises(UsageError, match="expected an http"):
        HttpClient("ftp://example.com")


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.1.2.3", True),
        ("http://[::1]:80", True),
        ("http://localhost:3000", True),
        ("https://api.vapi.ai", False),
        ("http://10.0.0.5", False),
    ],
)
def test_is_loopback(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_path_values_are_one_segment_each() -> None:
    assert render_path("/a/{id}/b", {"id": "x/../y z"}) == "/a/x%2F..%2Fy%20z/b"
    assert render_path("/a/{n}", {"n": 2.0}) == "/a/2"
    with pytest.raises(UsageError, match="no value for path parameter 'id'"):
        render_path("/a/{id}", {})


def test_a_run_rides_out_429s(fixed_spec: Any) -> None:
    from _runner_support import TOKENS, describe, run_runner
    from buggy_servers import make_app, serve

    # Given a correct server behind a rate limiter that refuses every 4th request with 429
    app = make_app(fixed_spec, TOKENS, throttle_every=4)
    with serve(app) as url:
        client = HttpClient(url, backoff=0.01)
        # When the runner tests it
        result = run_runner(
            fixed_spec, url, client=client, checks=["stateful.lifecycle", "response.schema"]
        )
        client.close()
    # Then the 429s were retried and nothing failed because of them
    assert app.state.throttled > 10
    assert client.stats.retries >= app.state.throttled
    assert result.verdict == "passed", describe(result)


def test_a_run_says_which_check_timed_out(fixed_spec: Any) -> None:
    from _runner_support import TOKENS, run_runner
    from buggy_servers import make_app, serve

    # Given a server whose lists take 3 s
    with serve(make_app(fixed_spec, TOKENS, slow=3.0)) as url:
        client = HttpClient(url, timeout=0.5, retries=0)
        result = run_runner(
            fixed_spec,
            url,
            client=client,
            checks=["stateful.pagination", "request.valid-accepted"],
            include=["PhoneNumberController_findAll"],
        )
        client.close()
    # Then the run could not be carried out, and says which check on which operation and why
    assert result.verdict == "error" and result.exit_code == 2
    errored = [r for r in result.results.values() if r.errors]
    assert errored
    assert all(r.operation == "PhoneNumberController_findAll" for r in errored)
    assert any("timed out after 0.5 s" in e for r in errored for e in r.errors)


def test_the_run_keeps_to_its_rate_limit(fixed_spec: Any) -> None:
    from _runner_support import TOKENS, run_runner
    from buggy_servers import make_app, serve

    with serve(make_app(fixed_spec, TOKENS)) as url:
        start = time.monotonic()
        result = run_runner(
            fixed_spec,
            url,
            rate_limit=40.0,
            max_examples=15,
            checks=["request.valid-accepted"],
            include=["PhoneNumberController_findAll"],
        )
        elapsed = time.monotonic() - start
    n = result.metadata.requests
    assert n > 10
    assert elapsed >= (n - 1) / 40
