"""The mock's answers to bodies a NestJS server refuses before validation (body-parser), compared
with the live reference server: status and the whole error body, word for word.

A client's error handling meets these shapes on Vapi's server; the mock must show them the same:
one string message in ``JSON.parse``'s words (node 20), ``{"statusCode": 413, "message": "request
entity too large"}`` past the limit, body-parser's strict mode for JSON scalars.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _components import NestServer

pytestmark = pytest.mark.network

BODY_LIMIT = 100 * 1024
"""body-parser's default ``limit: '100kb'``."""

MALFORMED = [
    "{",
    '{"a":}',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1} x',
    '{"a":{}}}',
    " ",
    "[",
    "[1,",
    "[1,]",
    "[1 2]",
    '{"a":',
    '{"a"',
    '{"a',
    '{"a": "x',
    '{"a": "b"',
    '{"a": "x"  ',
    '{"a" 1}',
    '{"a": 1 "b": 2}',
    '{"a":1,"b":2',
    '{"a":[1,2',
    '{"a": [1, 2,]}',
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": -Infinity}',
    '{"a": -}',
    '{"a": +1}',
    '{"a": .5}',
    '{"a": 1.}',
    '{"a": 1.e5}',
    '{"a": 1.5.3}',
    '{"a": 1e}',
    '{"a": 1E}',
    '{"a": 1e+}',
    '{"a": 00}',
    '{"a": 01}',
    '{"a": -01}',
    '{"a": tru}',
    '{"a": tru',
    '{"a": nul',
    '{"a": "\\q"}',
    '{"a": "\\u12G4"}',
    '{"a": "\tb"}',
    '{"a": "\U0001f600", x}',
    '{"\U0001f600\U0001f600\U0001f600\U0001f600\U0001f600\U0001f600": x}',
    '{"name": "abcdefghijklmnop", x}',
    '{"n": x, "name": "abcdefghijklmnop"}',
    '{"name": "abcdefghijklmnopqrstuvwxyz", "x": y, "zzzzzzzzzzzzzzzzzzz": 1}',
    # body-parser's strict mode: only an object or an array is a body
    "1",
    "true",
    "null",
    "nul",
    '"abc"',
    '"a very long string that goes past twenty one characters"',
    "   12345678901234567890123",
]


@pytest.fixture(scope="module")
def clients(
    nestjs_server: NestServer, fixed_spec: Any
) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    from contracttest.mock.app import create_app
    from contracttest.transport.asgi import in_process_client

    token = nestjs_server.tokens[0]
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(fixed_spec, tokens=[token], max_body_bytes=BODY_LIMIT)
    with (
        httpx.Client(base_url=nestjs_server.url, headers=headers, timeout=30) as server,
        in_process_client(app, headers=headers) as mock,
    ):
        yield server, mock


def _both(
    clients: tuple[httpx.Client, httpx.Client], data: bytes, content_type: str
) -> tuple[tuple[int, Any], tuple[int, Any]]:
    answers = []
    for client in clients:
        r = client.post("/phone-number", content=data, headers={"content-type": content_type})
        answers.append((r.status_code, r.json()))
    return answers[0], answers[1]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_json_answers_as_the_server_does(
    clients: tuple[httpx.Client, httpx.Client], text: str
) -> None:
    server, mock = _both(clients, text.encode(), "application/json")
    assert server[0] == 400 and isinstance(server[1]["message"], str), server
    assert mock == server


def test_a_body_over_the_limit_answers_as_the_server_does(
    clients: tuple[httpx.Client, httpx.Client],
) -> None:
    data = b'{"name": "' + b"x" * BODY_LIMIT + b'"}'
    server, mock = _both(clients, data, "application/json")
    assert server == (413, {"statusCode": 413, "message": "request entity too large"})
    assert mock == server


def test_another_charset_answers_as_the_server_does(
    clients: tuple[httpx.Client, httpx.Client],
) -> None:
    server, mock = _both(clients, b"{}", "application/json; charset=latin1")
    assert server[0] == 415
    assert mock == server
