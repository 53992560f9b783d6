"""Every error class the mock answers: 400 (naming the field), 404, 413, 415, and never a 500."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_payloads import CREATE_BODIES

JSON = {"content-type": "application/json"}


def bad_request(r: httpx.Response) -> list[str]:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error"] == "Bad Request" and body["statusCode"] == 400
    assert isinstance(body["message"], list) and body["message"]
    assert all(isinstance(m, str) and m for m in body["message"])
    return list(body["message"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CREATE_BODIES["byo-phone-number"], "number": "4155550101"}, "number"),  # not E.164
        ({**CREATE_BODIES["vonage"], "name": "x" * 41}, "name"),  # maxLength 40
        ({**CREATE_BODIES["vonage"], "unknownField": 1}, "unknownField"),  # closed DTO
        ({"provider": "vonage", "number": "+14155550102"}, "credentialId"),  # required
        ({"provider": "carrier-pigeon"}, "provider"),  # unknown variant
        ({"number": "+14155550102"}, "provider"),  # no discriminator
        ({**CREATE_BODIES["vapi"], "numberDesiredAreaCode": "4155"}, "numberDesiredAreaCode"),
        (
            {
                **CREATE_BODIES["byo-phone-number"],
                "fallbackDestination": {"type": "number", "number": "12"},
            },
            "fallbackDestination.number",
        ),
        ({**CREATE_BODIES["vonage"], "hooks": [{"on": "call.ringing"}]}, "hooks.0"),
        ({**CREATE_BODIES["vonage"], "name": 5}, "name"),
    ],
)
def test_invalid_bodies_name_the_field(
    client: httpx.Client, body: dict[str, Any], field: str
) -> None:
    messages = bad_request(client.post("/phone-number", json=body))
    assert any(field in m for m in messages), messages
    # Nothing was stored
    assert client.get("/phone-number").json() == []


def test_secrets_in_a_bad_request_are_not_echoed(client: httpx.Client) -> None:
    body = {**CREATE_BODIES["twilio"], "name": "x" * 50, "twilioAuthToken": "very-secret-value-123"}
    r = client.post("/phone-number", json=body)
    assert r.status_code == 400
    assert "very-secret-value-123" not in r.text


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b'{"provider": "vapi",', JSON, 400),  # malformed JSON
        (b"[]", JSON, 400),  # not an object
        (b'"vapi"', JSON, 400),
        (b"42", JSON, 400),
        (b"null", JSON, 400),
        (b'{"provider": NaN}', JSON, 400),
        (b'{"provider": "vapi", "name": 1e999}', JSON, 400),
        (b'{"provider": "\xff"}', JSON, 400),  # not UTF-8
        (b"[" * 200_000 + b"]" * 200_000, JSON, 400),  # absurd nesting (and 400 kB, under the cap)
        (b'{"a":' * 100 + b"1" + b"}" * 100, JSON, 400),  # deep but parseable
        (b'{"provider": "vapi"}', {"content-type": "text/plain"}, 415),
        (b'{"provider": "vapi"}', {"content-type": "application/x-www-form-urlencoded"}, 415),
        (b'{"provider": "vapi"}', {}, 415),  # a body without a content type
        (b'{"provider": "vapi"}', {"content-type": "application/json; charset=latin-1"}, 415),
        (b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}', JSON, 413),  # over the 1 MiB cap
    ],
)
def test_malformed_requests_are_4xx(
    client: httpx.Client, content: bytes, headers: dict[str, str], status: int
) -> None:
    r = client.post("/phone-number", content=content, headers=headers)
    assert r.status_code == status, r.text[:300]
    body = r.json()
    assert body["statusCode"] == status and body["message"]
    # NestJS's envelope; body-parser's 413 and its 415 for a charset come without "error"
    # (@nestjs/platform-express 12.6.3)
    assert ("error" in body) is not (status == 413 or "charset" in headers.get("content-type", ""))


def test_empty_bodies(client: httpx.Client) -> None:
    rid = client.post("/phone-number", json=CREATE_BODIES["vapi"]).json()["id"]
    # {} is a valid (empty) patch, and so is no body at all (NestJS validates {} then)...
    assert client.patch(f"/phone-number/{rid}", json={}).status_code == 200
    assert client.patch(f"/phone-number/{rid}").status_code == 200
    # ...but no bytes announced as JSON is malformed JSON.
    messages = bad_request(client.patch(f"/phone-number/{rid}", content=b"", headers=JSON))
    assert any("not valid JSON" in m for m in messages)
    # A create without a body names what is missing.
    assert any("provider" in m for m in bad_request(client.post("/phone-number")))


def test_body_cap_is_configurable(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    c = make_client(make_app(max_body_bytes=100))
    r = c.post("/phone-number", json={**CREATE_BODIES["vapi"], "name": "x" * 30})
    assert r.status_code == 201
    r = c.post(
        "/phone-number",
        json={**CREATE_BODIES["vapi"], "server": {"url": "https://e.com/" + "x" * 200}},
    )
    assert r.status_code == 413 and set(r.json()) == {"statusCode", "message"}


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("GET", "/phone-number/not-a-uuid", "id"),
        ("DELETE", "/phone-number/123", "id"),
        ("GET", "/phone-number?limit=abc", "limit"),
        ("GET", "/phone-number?limit=5000", "limit"),
        ("GET", "/phone-number?limit=-1", "limit"),
        ("GET", "/phone-number?createdAtGt=yesterday", "createdAtGt"),
        ("GET", "/phone-number?unknownParam=1", "unknownParam"),
        ("GET", "/v2/phone-number?page=0", "page"),
        ("GET", "/v2/phone-number?sortOrder=UP", "sortOrder"),
        ("GET", "/v2/phone-number?search=" + "x" * 101, "search"),
        ("GET", "/phone-number?limit=1&limit=2", "limit"),
    ],
)
def test_invalid_parameters_name_the_parameter(
    client: httpx.Client, method: str, path: str, field: str
) -> None:
    messages = bad_request(client.request(method, path))
    assert any(m.startswith(field) or f"property {field} " in m for m in messages), messages


def test_patch_with_an_invalid_id_names_the_id(client: httpx.Client) -> None:
    # A PATCH body is judged against the stored number's variant, which only a stored number has:
    # the malformed id is the problem to name (NestJS's ParseUUIDPipe answers before the body too).
    messages = bad_request(
        client.patch("/phone-number/xyz", json={"provider": "vapi", "name": "x" * 50})
    )
    assert any(m.startswith("id") for m in messages)
    assert not any(m.startswith("name") for m in messages)


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/nope", "Cannot GET /nope"),
        ("PUT", "/phone-number", "Cannot PUT /phone-number"),
        ("POST", "/phone-number/" + str(uuid.UUID(int=1)), "Cannot POST"),
        ("OPTIONS", "/phone-number", "Cannot OPTIONS /phone-number"),
        ("GET", "/phone-number/a/b", "Cannot GET"),
        ("GET", "/phone-number/" + str(uuid.UUID(int=2)), "Phone number not found"),
    ],
)
def test_not_found(client: httpx.Client, method: str, path: str, message: str) -> None:
    r = client.request(method, path)
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "Not Found" and body["statusCode"] == 404 and message in body["message"]


def test_trailing_slash_and_query_on_collection(client: httpx.Client) -> None:
    assert client.post("/phone-number/", json=CREATE_BODIES["vapi"]).status_code == 201
    assert len(client.get("/phone-number/?limit=5").json()) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"provider": "vapi", "name": "\ud800"},  # lone surrogate, valid JSON text
        {"provider": "vapi", "name": "名前"},
        {"provider": "vapi", "name": ""},
    ],
)
def test_odd_but_valid_strings_round_trip(client: httpx.Client, payload: dict[str, Any]) -> None:
    r = client.post("/phone-number", content=json.dumps(payload).encode(), headers=JSON)
    assert r.status_code == 201, r.text
    assert json.loads(r.content)["name"] == payload["name"]
