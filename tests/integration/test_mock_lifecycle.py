"""The mock's resource lifecycle for every provider: create, get, list, patch, delete."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_payloads import CREATE_BODIES, PROVIDERS

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_full_lifecycle(
    provider: str, client: httpx.Client, response_findings: Callable[..., list[Any]]
) -> None:
    sent = CREATE_BODIES[provider]

    # Given a created phone number
    r = client.post("/phone-number", json=sent)
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/json")
    created = r.json()
    assert not response_findings("PhoneNumberController_create", 201, created)
    # Server-owned fields are filled...
    assert uuid.UUID(created["id"]).version == 4
    uuid.UUID(created["orgId"])
    assert ISO_MS.match(created["createdAt"]) and created["updatedAt"] == created["createdAt"]
    assert created["status"] in ("active", "activating", "blocked")
    # ...what was sent comes back as sent, except credentials, which are write-only.
    for key, value in sent.items():
        if key == "twilioAuthToken":
            assert key not in created
            continue
        assert created[key] == value, key
    if provider == "byo-phone-number":
        assert created["numberE164CheckEnabled"] is True  # schema default
    if provider == "twilio":
        assert created["smsEnabled"] is True  # schema default
    rid = created["id"]

    # When it is read back, it is the same object
    got = client.get(f"/phone-number/{rid}")
    assert got.status_code == 200 and got.json() == created
    assert not response_findings("PhoneNumberController_findOne", 200, got.json())
    # Ids are case-insensitive, like Postgres uuids.
    assert client.get(f"/phone-number/{rid.upper()}").json()["id"] == rid

    # It appears in both lists
    listed = client.get("/phone-number").json()
    assert [x["id"] for x in listed] == [rid]
    assert not response_findings("PhoneNumberController_findAll", 200, listed)
    page = client.get("/v2/phone-number").json()
    assert [x["id"] for x in page["results"]] == [rid]
    assert page["metadata"]["totalItems"] == 1
    assert not response_findings("PhoneNumberController_findAllPaginated", 200, page)

    # A patch is merged, the discriminator stays, updatedAt moves on
    patched = client.patch(f"/phone-number/{rid}", json={"provider": provider, "name": "Renamed"})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert not response_findings("PhoneNumberController_update", 200, body)
    assert body["name"] == "Renamed" and body["provider"] == provider
    assert body["createdAt"] == created["createdAt"] and body["updatedAt"] > created["updatedAt"]
    assert {k: v for k, v in body.items() if k not in ("name", "updatedAt")} == {
        k: v for k, v in created.items() if k not in ("name", "updatedAt")
    }
    assert client.get(f"/phone-number/{rid}").json() == body

    # Delete answers the deleted object; afterwards the id is gone everywhere
    deleted = client.delete(f"/phone-number/{rid}")
    assert deleted.status_code == 200 and deleted.json() == body
    assert not response_findings("PhoneNumberController_remove", 200, deleted.json())
    for method in ("GET", "DELETE"):
        gone = client.request(method, f"/phone-number/{rid}")
        assert gone.status_code == 404
        assert gone.json() == {
            "message": "Phone number not found",
            "error": "Not Found",
            "statusCode": 404,
        }
    gone = client.patch(f"/phone-number/{rid}", json={"provider": provider, "name": "x"})
    assert gone.status_code == 404
    assert client.get("/phone-number").json() == []


def test_credentials_are_write_only(client: httpx.Client) -> None:
    body = {
        **CREATE_BODIES["twilio"],
        "twilioApiKey": "SK123",
        "twilioApiSecret": "api-secret-value",
    }
    rid = client.post("/phone-number", json=body).json()["id"]
    for r in (
        client.get(f"/phone-number/{rid}"),
        client.get("/phone-number"),
        client.get("/v2/phone-number"),
        client.patch(
            f"/phone-number/{rid}", json={"provider": "twilio", "twilioAuthToken": "rotated-secret"}
        ),
    ):
        assert r.status_code == 200
        assert "twilio-secret-token" not in r.text and "api-secret-value" not in r.text
        assert "rotated-secret" not in r.text
    # The key is an identifier, not a credential: it comes back.
    assert client.get(f"/phone-number/{rid}").json()["twilioApiKey"] == "SK123"


def test_discriminator_cannot_change(client: httpx.Client) -> None:
    rid = client.post("/phone-number", json=CREATE_BODIES["vonage"]).json()["id"]
    r = client.patch(f"/phone-number/{rid}", json={"provider": "telnyx", "name": "x"})
    assert r.status_code == 400
    assert r.json()["error"] == "Bad Request"
    # The message names the field, as class-validator's @IsEnum on the stored variant's DTO does.
    assert "provider must be one of the following values: vonage" in r.json()["message"]
    assert client.get(f"/phone-number/{rid}").json()["provider"] == "vonage"


def test_patch_is_validated_against_the_stored_variant(client: httpx.Client) -> None:
    # Given a BYO number: smsEnabled belongs to the Twilio update DTO, not to the BYO one
    rid = client.post("/phone-number", json=CREATE_BODIES["byo-phone-number"]).json()["id"]
    for body in ({"smsEnabled": True}, {"provider": "byo-phone-number", "smsEnabled": True}):
        r = client.patch(f"/phone-number/{rid}", json=body)
        assert r.status_code == 400, r.text
        assert r.json()["message"] == ["property smsEnabled should not exist"]
    # while on a Twilio number the same body is an update
    twilio = client.post("/phone-number", json=CREATE_BODIES["twilio"]).json()["id"]
    r = client.patch(f"/phone-number/{twilio}", json={"smsEnabled": False})
    assert r.status_code == 200, r.text
    assert r.json()["smsEnabled"] is False
    # An id that names nothing is 404 whatever the body (the variant needs the stored object)
    r = client.patch(f"/phone-number/{uuid.uuid4()}", json={"smsEnabled": "no"})
    assert r.status_code == 404, r.text


def test_patch_body_is_judged_alone(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    # No self-check of the answers here: the last one holds a non-E.164 number with the check on,
    # which the rule table's response rule (ByoPhoneNumber.number) flags although the contract
    # allows every step that led to it (the NestJS reference server answers the same object).
    client = make_client(make_app(tokens=["t"]), "t")
    # Given a BYO number that holds a non-E.164 number because the check is off
    body = {**CREATE_BODIES["byo-phone-number"], "numberE164CheckEnabled": False, "number": "1234"}
    r = client.post("/phone-number", json=body)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    # A body that breaks the rule by itself is rejected, naming the field
    r = client.patch(f"/phone-number/{rid}", json={"numberE164CheckEnabled": True, "number": "12a"})
    assert r.status_code == 400, r.text
    assert any(m.startswith("number ") for m in r.json()["message"]), r.text
    assert client.get(f"/phone-number/{rid}").json()["numberE164CheckEnabled"] is False
    # One that is valid alone is applied: the contract (and Vapi's server) judge the body, not the
    # stored number merged with it
    r = client.patch(f"/phone-number/{rid}", json={"numberE164CheckEnabled": True})
    assert r.status_code == 200, r.text
    assert r.json()["numberE164CheckEnabled"] is True and r.json()["number"] == "1234"


def test_head_answers_like_get_without_a_body(client: httpx.Client) -> None:
    client.post("/phone-number", json=CREATE_BODIES["vapi"])
    get = client.get("/phone-number")
    head = client.head("/phone-number")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(get.content))


def test_state_is_per_app(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    one, two = make_client(make_app()), make_client(make_app())
    one.post("/phone-number", json=CREATE_BODIES["vapi"])
    assert len(one.get("/phone-number").json()) == 1
    assert two.get("/phone-number").json() == []
