"""The mock on a real socket under hostile clients: slow senders are cut off, a client leaving is a
non-event."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contracttest.openapi import load_spec

pytestmark = pytest.mark.network

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/things": {
            "get": {"operationId": "list", "responses": {"200": {"description": "ok"}}},
            "post": {
                "operationId": "create",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "created"}},
            },
        }
    },
}


@pytest.fixture
def mock_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from contracttest.mock import server

    monkeypatch.setattr(server, "REQUEST_READ_TIMEOUT", 1.5)
    with server.running_mock(load_spec(SPEC), max_body_bytes=64 * 1024 * 1024) as url:
        yield url


def _connect(url: str) -> socket.socket:
    host, port = url[len("http://") :].split(":")
    return socket.create_connection((host, int(port)), timeout=10)


@pytest.mark.parametrize(
    "start",
    [
        b"",  # connects and says nothing
        b"POST /things HTTP/1.1\r\nHost: x\r\n",  # headers that never end
        b"POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{",  # a body that never comes
    ],
)
def test_a_slow_request_is_cut_off(mock_url: str, start: bytes) -> None:
    sock = _connect(mock_url)
    t0 = time.monotonic()
    sock.sendall(start)
    sock.settimeout(0.5)
    closed = False
    while time.monotonic() - t0 < 8:
        try:
            sock.sendall(b" ")  # trickle: each byte would have reset a naive idle timer
            if sock.recv(1024) == b"":
                closed = True
                break
        except TimeoutError:
            continue
        except OSError:
            closed = True
            break
    sock.close()
    assert closed, "the server kept a request open that never completed"
    assert time.monotonic() - t0 < 6
    assert httpx.get(mock_url + "/things", timeout=5, trust_env=False).status_code == 200


def test_a_client_leaving_mid_body_is_not_a_mock_failure(
    mock_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            sock = _connect(mock_url)
            sock.sendall(
                b"POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b'Content-Length: 500\r\n\r\n{"name": '
            )
            sock.close()
        time.sleep(0.3)
        ok = httpx.post(mock_url + "/things", json={"name": "x"}, timeout=5, trust_env=False)
    assert ok.status_code == 201
    assert not [r for r in caplog.records if r.name.startswith("contracttest")]


# A large body validated off the event loop: tests/hostile (large-body-event-loop, 800k properties:
# a GET waits 1.8 s behind it on the loop, 0.15 s with the offload), too slow for this suite.
