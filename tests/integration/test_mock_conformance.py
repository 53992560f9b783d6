"""Every answer the mock sends conforms to the spec, over thousands of generated requests.

A seeded generator mixes valid requests (bodies the runner would send, with varied values), requests
with one thing broken (a field dropped, a wrong type, an unknown member, a bad id, a bad query value,
wrong credentials, framing errors) and plain noise. For each answer: no 5xx; a documented status is
checked against its response schema with the validators; an undocumented one (the spec lists only
2xx) must have NestJS's error shape; no token ever comes back.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_payloads import CREATE_BODIES, TOKEN_A, TOKEN_B

REQUESTS_PER_SEED = 1000
SEEDS = [1, 2, 3]

NAMES = [
    "Front desk",
    "",
    "x" * 40,
    "x" * 41,
    "名前",
    "\U0001f600" * 20,
    "\ud800",
    "a\u0000b",
    None,
    7,
]
NUMBERS = ["+14155550100", "+442071838750", "4155550100", "+1", "abc", "+" + "9" * 20, "", None]
IDS = ["not-a-uuid", "123", "%2F", "x" * 300, str(uuid.uuid4()), str(uuid.uuid4()).upper(), "🙂"]
QUERY_VALUES: dict[str, list[str]] = {
    "limit": ["0", "1", "2.5", "10", "1000", "1001", "-1", "x", "1e2", ""],
    "page": ["1", "2", "0", "3.7", "-2", "y"],
    "sortOrder": ["ASC", "DESC", "asc", ""],
    "sortBy": ["createdAt", "duration", "cost", "name"],
    "search": ["line", "", "x" * 100, "x" * 101, "%"],
    "createdAtGt": ["2024-01-01T00:00:00Z", "2024-01-01", "yesterday", "2024-13-01T00:00:00Z"],
    "createdAtLe": ["2999-01-01T00:00:00.000+02:00", "0"],
    "updatedAtGe": ["2020-02-29T12:00:00Z"],
    "unknown": ["1"],
}


def random_body(rnd: random.Random, provider: str | None = None) -> Any:
    provider = provider or rnd.choice(sorted(CREATE_BODIES))
    body: dict[str, Any] = json.loads(json.dumps(CREATE_BODIES[provider]))
    roll = rnd.random()
    if rnd.random() < 0.5:
        body["name"] = rnd.choice(NAMES)
    if "number" in body and rnd.random() < 0.3:
        body["number"] = rnd.choice(NUMBERS)
    if roll < 0.55:
        return body  # as the runner would send it (some of the values above are invalid)
    if roll < 0.65 and body:
        body.pop(rnd.choice(sorted(body)))
    elif roll < 0.72:
        body[rnd.choice(["foo", "id", "orgId", "createdAt", "status"])] = "x"
    elif roll < 0.8:
        key = rnd.choice(sorted(body))
        body[key] = rnd.choice([1, 2.5, True, None, [], {}, "s", [1, [2]]])
    elif roll < 0.85:
        body["fallbackDestination"] = rnd.choice(
            [
                {"type": "number", "number": "+14155550199"},
                {"type": "sip", "sipUri": "sip:a@b.c"},
                {"type": "x"},
                [],
            ]
        )
    elif roll < 0.9:
        body["hooks"] = rnd.choice(
            [
                [{"on": "call.ringing", "do": [{"type": "say", "exact": "hi"}]}],
                [
                    {
                        "on": "call.ending",
                        "filters": [
                            {
                                "type": "oneOf",
                                "key": "call.endedReason",
                                "oneOf": ["pipeline-error"],
                            }
                        ],
                    }
                ],
                [{"on": "nope"}],
                "hooks",
            ]
        )
    else:
        return rnd.choice([[], [body], "text", 3, None, {"a": {"b": {"c": {}}}}])
    return body


def random_request(rnd: random.Random, known: list[tuple[str, str]]) -> dict[str, Any]:
    """One request: method, path, params, headers, body (json value) or content (bytes)."""
    token = rnd.choices([TOKEN_A, TOKEN_B, None, "wrong"], [45, 35, 10, 10])[0]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kind = rnd.choices(
        ["create", "get", "list", "v2", "patch", "delete", "noise"], [22, 15, 12, 12, 17, 10, 12]
    )[0]
    if kind in ("get", "patch", "delete"):
        rid = rnd.choice(known)[0] if known and rnd.random() < 0.7 else rnd.choice(IDS)
        provider = next((p for i, p in known if i == rid), None)
        req: dict[str, Any] = {"method": kind.upper(), "path": f"/phone-number/{rid}"}
        if kind == "patch":
            patch = {"provider": provider or rnd.choice(sorted(CREATE_BODIES))}
            if rnd.random() < 0.2:
                patch["provider"] = rnd.choice(sorted(CREATE_BODIES))
            if rnd.random() < 0.8:
                patch["name"] = rnd.choice(NAMES)
            if rnd.random() < 0.2:
                patch = random_body(rnd, provider)
            req["json"] = patch
    elif kind == "create":
        req = {"method": "POST", "path": "/phone-number", "json": random_body(rnd)}
    elif kind in ("list", "v2"):
        params = {}
        allowed = ["limit", "createdAtGt", "createdAtLe", "updatedAtGe", "unknown"]
        if kind == "v2":
            allowed += ["page", "sortOrder", "sortBy", "search"]
        for name in rnd.sample(allowed, rnd.randint(0, 3)):
            params[name] = rnd.choice(QUERY_VALUES[name])
        req = {
            "method": "GET",
            "path": "/phone-number" if kind == "list" else "/v2/phone-number",
            "params": params,
        }
    else:
        req = rnd.choice(
            [
                {
                    "method": "POST",
                    "path": "/phone-number",
                    "content": b'{"provider": "vapi"',
                    "ct": "application/json",
                },
                {
                    "method": "POST",
                    "path": "/phone-number",
                    "content": b'{"provider": "vapi"}',
                    "ct": "text/plain",
                },
                {
                    "method": "POST",
                    "path": "/phone-number",
                    "content": b"[" * 5000 + b"]" * 5000,
                    "ct": "application/json",
                },
                {
                    "method": "POST",
                    "path": "/phone-number",
                    "content": b"\xff\xfe",
                    "ct": "application/json",
                },
                {
                    "method": "POST",
                    "path": "/phone-number",
                    "content": b'{"provider":"vapi","name":1e400}',
                    "ct": "application/json",
                },
                {"method": "PUT", "path": "/phone-number"},
                {"method": "GET", "path": "/phone-number/a/b"},
                {"method": "DELETE", "path": "/v2/phone-number"},
                {"method": "GET", "path": "/"},
                {"method": "HEAD", "path": "/phone-number"},
                {"method": "OPTIONS", "path": "/phone-number"},
                {
                    "method": "PATCH",
                    "path": f"/phone-number/{uuid.uuid4()}",
                    "content": b"",
                    "ct": "application/json",
                },
            ]
        )
        req = dict(req)
        if "ct" in req:
            headers["content-type"] = req.pop("ct")
    req["headers"] = headers
    return req


def _documented(app: Any, method: str, path: str) -> Any:
    match = app.state.asgi.router.match(method, path.split("?")[0])
    return match.operation if match else None


@pytest.mark.parametrize("seed", SEEDS)
def test_every_answer_conforms(
    seed: int,
    make_app: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
    response_findings: Callable[..., list[Any]],
) -> None:
    rnd = random.Random(seed)
    app = make_app(tokens=[TOKEN_A, TOKEN_B])
    client = make_client(app)
    known: list[tuple[str, str]] = []
    statuses: dict[int, int] = {}
    checked = 0
    for i in range(REQUESTS_PER_SEED):
        req = random_request(rnd, known)
        if "json" in req:
            # ASCII-escaped so that lone surrogates (valid JSON text) can be sent too.
            req["content"] = json.dumps(req.pop("json")).encode()
            req["headers"]["content-type"] = "application/json"
        kwargs = {k: req[k] for k in ("params", "content", "headers") if k in req}
        r = client.request(req["method"], req["path"], **kwargs)
        where = f"request {i} (seed {seed}): {req['method']} {r.request.url} -> {r.status_code} {r.text[:300]}"
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        assert r.status_code < 500, where
        assert TOKEN_A not in r.text and TOKEN_B not in r.text, where
        if req["method"] == "HEAD":
            assert r.content == b"", where
            continue
        body = r.json()
        op = _documented(app, req["method"], req["path"])
        if op is not None and str(r.status_code) in op.responses:
            found = response_findings(op.label, r.status_code, body)
            assert not found, f"{where}\n" + "\n".join(map(str, found))
            checked += 1
            if req["method"] == "POST" and r.status_code == 201:
                known.append((body["id"], body["provider"]))
            if req["method"] == "DELETE" and r.status_code == 200:
                known = [k for k in known if k[0] != body["id"]]
        else:
            assert set(body) == {"message", "error", "statusCode"}, where
            assert body["statusCode"] == r.status_code, where
            msg = body["message"]
            assert isinstance(msg, str) or (
                isinstance(msg, list) and msg and all(isinstance(m, str) for m in msg)
            ), where
    # The mix really exercised both sides of the contract
    assert checked > REQUESTS_PER_SEED // 4
    for status in (200, 201, 400, 401, 404):
        assert statuses.get(status, 0) > 10, statuses
