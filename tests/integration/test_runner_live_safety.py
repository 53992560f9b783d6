"""Live endpoints are treated with care: without --allow-writes, a non-loopback URL only gets reads
and requests the runner expects to be rejected, and nothing it sends changes the server's data."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from _runner_support import TOKENS, describe, run_runner
from buggy_servers import make_app, serve

from contracttest.runner.http import HttpClient
from contracttest.runner.results import Status

pytestmark = pytest.mark.network

LIVE = "https://api.example.test"


class Forward(httpx.BaseTransport):
    """Sends what the runner addresses to api.example.test to a loopback server instead."""

    def __init__(self, target: str) -> None:
        self.target = httpx.URL(target)
        self.inner = httpx.HTTPTransport()
        self.log: list[tuple[str, str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self.target.scheme, host=self.target.host, port=self.target.port
        )
        response = self.inner.handle_request(request)
        response.read()
        self.log.append((request.method, request.url.path, response.status_code))
        return response

    def close(self) -> None:
        self.inner.close()


def _seed(url: str) -> None:
    for name in ("one", "two", "three"):
        body = {
            "provider": "byo-phone-number",
            "credentialId": "c",
            "number": "+14155550100",
            "name": name,
        }
        resp = httpx.post(
            f"{url}/phone-number", json=body, headers={"Authorization": f"Bearer {TOKENS[0]}"}
        )
        assert resp.status_code == 201


def test_read_only_run_changes_nothing(fixed_spec: Any) -> None:
    app = make_app(fixed_spec, TOKENS)
    with serve(app) as url:
        _seed(url)
        before = copy.deepcopy(app.state.server.records)
        transport = Forward(url)
        client = HttpClient(LIVE, transport=transport)
        # When the runner tests a URL that is not on this machine, without --allow-writes
        result = run_runner(fixed_spec, LIVE, client=client, max_examples=3)
        client.close()
        after = app.state.server.records
    # Then the server's data is exactly as it was
    assert after == before
    assert result.metadata.read_only
    writes = [(m, p, s) for m, p, s in transport.log if m in ("POST", "PATCH", "PUT", "DELETE")]
    reads = [entry for entry in transport.log if entry[0] == "GET"]
    assert reads, "reads are allowed"
    assert writes, "requests expected to be rejected are sent"
    assert all(400 <= s < 500 for _m, _p, s in writes), [w for w in writes if not 400 <= w[2] < 500]
    # And the checks that need writes say why they did not run
    lifecycle = result.result("PhoneNumberController_create", "stateful.lifecycle")
    assert lifecycle is not None and lifecycle.status is Status.SKIPPED
    assert "read-only" in (lifecycle.reason or "")
    assert result.verdict == "passed", describe(result)


def test_allow_writes_runs_the_lifecycle_and_cleans_up(fixed_spec: Any) -> None:
    app = make_app(fixed_spec, TOKENS)
    with serve(app) as url:
        _seed(url)
        before = copy.deepcopy(app.state.server.records)
        transport = Forward(url)
        client = HttpClient(LIVE, transport=transport)
        result = run_runner(
            fixed_spec, LIVE, client=client, allow_writes=True, checks=["stateful.lifecycle"]
        )
        client.close()
        after = app.state.server.records
    assert not result.metadata.read_only
    lifecycle = result.result("PhoneNumberController_create", "stateful.lifecycle")
    assert lifecycle is not None and lifecycle.status is Status.PASSED, describe(result)
    assert any(m == "POST" and s == 201 for m, _p, s in transport.log)
    assert after == before  # what the run created, it deleted; what was there, it left alone
