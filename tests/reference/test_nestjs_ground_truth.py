"""The reference server's framework behaviour, asserted against the live server: every departure from
the contract that tests/reference/nestjs/README.md lists, by name, with the answer NestJS gives; and
validator.js's own ``isLength`` (the installed package) against contracttest's count.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _components import NestServer, build_nestjs

from contracttest.validate.rules.lengths import count

pytestmark = pytest.mark.network

TWILIO = {"provider": "twilio", "number": "+14155550100", "twilioAccountSid": "AC1"}


@pytest.fixture(scope="module")
def client(nestjs_server: NestServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=nestjs_server.url,
        headers={"Authorization": f"Bearer {nestjs_server.tokens[0]}"},
        timeout=30,
    ) as c:
        yield c


@pytest.fixture(scope="module")
def twilio_id(client: httpx.Client) -> str:
    r = client.post("/phone-number", json=TWILIO)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _json(client: httpx.Client, method: str, path: str, raw: bytes, **headers: str) -> Any:
    return client.request(
        method, path, content=raw, headers={"content-type": "application/json", **headers}
    )


def test_versions_are_the_pinned_ones(nestjs_server: NestServer) -> None:
    # The README names these; a lockfile change that moves them must update it.
    assert nestjs_server.versions["@nestjs/core"] == "12.6.3"
    assert nestjs_server.versions["class-validator"] == "0.15.1"
    assert nestjs_server.versions["class-transformer"] == "0.5.1"
    assert nestjs_server.versions["validator"] == "13.15.35"


# ----------------------------------------------------------------------------- README deviations
def test_empty_patch_body_is_an_empty_update(client: httpx.Client, twilio_id: str) -> None:
    r = _json(client, "PATCH", f"/phone-number/{twilio_id}", b"")
    assert r.status_code == 200 and r.json()["id"] == twilio_id


def test_body_over_100kb_is_413_before_validation(client: httpx.Client) -> None:
    big = json.dumps({**TWILIO, "server": {"headers": {"x": "a" * 110_000}}}).encode()
    r = _json(client, "POST", "/phone-number", big)
    assert r.status_code == 413
    assert r.json() == {"statusCode": 413, "message": "request entity too large"}


def test_unknown_route_is_cannot_get(client: httpx.Client) -> None:
    r = client.get("/phone-numbers")
    assert r.status_code == 404
    assert r.json() == {
        "message": "Cannot GET /phone-numbers",
        "error": "Not Found",
        "statusCode": 404,
    }


def test_null_optional_member_is_taken_as_absent(client: httpx.Client) -> None:
    r = client.post("/phone-number", json={**TWILIO, "name": None, "fallbackDestination": None})
    assert r.status_code == 201 and "name" not in r.json()


def test_prototype_keys_are_stripped_not_refused(client: httpx.Client) -> None:
    for key in ("__proto__", "constructor", "prototype", "toString", "hasOwnProperty"):
        raw = json.dumps({**TWILIO, key: {"polluted": True}}).encode()
        r = _json(client, "POST", "/phone-number", raw)
        assert r.status_code == 201, (key, r.text)
        assert key not in r.json(), key


def test_invalid_utf8_is_decoded_with_replacement_characters(client: httpx.Client) -> None:
    r = _json(client, "POST", "/phone-number", b'{"provider":"vapi","name":"\xff\xfe"}')
    assert r.status_code == 201 and r.json()["name"] == "\ufffd\ufffd"


def test_array_body_is_validated_as_an_object_of_its_indexes(
    client: httpx.Client, twilio_id: str
) -> None:
    r = client.post("/phone-number", json=[1])
    assert r.status_code == 400
    assert set(r.json()["message"]) == {
        "property 0 should not exist",
        "provider must be one of the following values: byo-phone-number, twilio, vonage, vapi, telnyx",
    }
    r = client.patch(f"/phone-number/{twilio_id}", json=[])
    assert r.json()["message"] == ["Validation failed (object is expected)"]


def test_null_in_a_discriminated_array_is_a_500(client: httpx.Client) -> None:
    # class-transformer 0.5.1 reads the tag of every element: TypeError on null.
    r = client.post("/phone-number", json={**TWILIO, "hooks": [None]})
    assert r.status_code == 500
    assert r.json() == {"statusCode": 500, "message": "Internal server error"}


def test_json_nested_2000_deep_is_a_500(client: httpx.Client) -> None:
    # class-transformer 0.5.1 recurses per level: RangeError (call stack) past ~2000 arrays.
    r = _json(client, "POST", "/phone-number", b"[" * 3000 + b"]" * 3000)
    assert r.status_code == 500


def test_parse_uuid_pipe_takes_rfc_9562_versions_only(client: httpx.Client) -> None:
    version_0 = "3f2504e0-4f89-01d3-9a0c-0305e82c3301"  # 8-4-4-4-12 hex: the uuid format's
    r = client.get(f"/phone-number/{version_0}")
    assert r.status_code == 400 and r.json()["message"] == "Validation failed (uuid is expected)"
    for unknown in ("00000000-0000-0000-0000-000000000000", "3f2504e0-4f89-71d3-9a0c-0305e82c3301"):
        assert client.get(f"/phone-number/{unknown}").status_code == 404


def test_date_query_values_are_iso_8601_not_rfc_3339(client: httpx.Client) -> None:
    for value in ("2024-02-30T10:00:00Z", "2024-01-31", "2024-W05"):
        r = client.get("/phone-number", params={"createdAtGt": value})
        assert r.status_code == 200, (value, r.text)
    assert client.get("/phone-number", params={"createdAtGt": "yesterday"}).status_code == 400


def test_unknown_query_parameters_are_refused(client: httpx.Client) -> None:
    r = client.get("/phone-number", params={"cursor": "abc"})
    assert r.status_code == 400 and r.json()["message"] == ["property cursor should not exist"]


def test_other_content_types_are_validated_as_an_empty_body(client: httpx.Client) -> None:
    r = client.post(
        "/phone-number", content=json.dumps(TWILIO), headers={"content-type": "text/plain"}
    )
    assert r.status_code == 400  # no 415: the body was never read
    assert r.json()["message"] == [
        "provider must be one of the following values: byo-phone-number, twilio, vonage, vapi, telnyx"
    ]


def test_patch_validates_against_the_stored_provider(client: httpx.Client, twilio_id: str) -> None:
    r = client.patch(f"/phone-number/{twilio_id}", json={"credentialId": "c"})
    assert r.json()["message"] == ["property credentialId should not exist"]
    r = client.patch(f"/phone-number/{twilio_id}", json={"provider": "vonage"})
    assert r.json()["message"] == ["provider must be one of the following values: twilio"]
    unknown = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    assert client.patch(f"/phone-number/{unknown}", json={"x": 1}).status_code == 404  # 404 first


def test_the_body_is_parsed_before_the_guard(nestjs_server: NestServer) -> None:
    r = httpx.post(
        nestjs_server.url + "/phone-number",
        content=b"{",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400  # not 401: body-parser runs before NestJS's guards
    assert httpx.get(nestjs_server.url + "/phone-number").json() == {
        "message": "Unauthorized",
        "statusCode": 401,
    }


# ----------------------------------------------------------------------------- validator.js
TEXTS = [
    "",
    "a",
    "\ufe0f",
    "\ufe0f\ufe0f\ufe0f",
    "\ufe0fa",
    "a\ufe0f\ufe0f",
    "a\ufe0e\ufe0f",
    "\u2764\ufe0f" * 3,
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001f44d\U0001f3fd",
    "\U0001f600\ufe0f\ufe0f",
    "\ud83d",
    "\ude00\ud83d",
    "\ud83d\ude00",
    "\ud83d\ufe0f",
    "e\u0301",
    "\u6f22\u5b57",
]


def _selector_heavy(n: int) -> list[str]:
    import random

    rng = random.Random(20260412)
    alphabet = ["a", "\ufe0e", "\ufe0f", "\U0001f600", "\ud83d", "\ude00", "\u200d", "\u00e9", "1"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def test_count_is_validator_js_is_length_as_installed() -> None:
    from _components import ComponentMissing, missing

    try:
        build = build_nestjs()
    except ComponentMissing as exc:
        missing("the NestJS reference server", str(exc))
    texts = TEXTS + _selector_heavy(2000)
    # The installed validator.js (see test_versions_are_the_pinned_ones), not a copy of its code:
    # the largest n for which isLength(str, {max: n}) fails, plus one, is its count.
    script = r"""
    const isLength = require('validator/lib/isLength').default ?? require('validator/lib/isLength');
    const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const counts = texts.map((t) => { let n = 0; while (!isLength(t, { min: 0, max: n })) n++; return n; });
    process.stdout.write(JSON.stringify(counts));
    """
    done = subprocess.run(
        [build.node, "-e", script],
        input=json.dumps(texts).encode(),
        cwd=build.directory,
        capture_output=True,
        timeout=120,
        check=True,
    )
    for text, expected in zip(texts, json.loads(done.stdout), strict=True):
        assert count(text, "validatorjs") == expected, ascii(text)
