"""The project's own contract tests of the seed spec, written with the pytest plugin (dogfooding).

The spec and its fixes overlay come from ``[tool.contracttest]`` in pyproject.toml; without
``--contract-base-url`` the tests run against the built-in mock over real HTTP on 127.0.0.1, so they
prove that the mock honours its own contract. The same module checks a live deployment with
``pytest tests/contract --contract-base-url URL --contract-token TOKEN`` (writes need a loopback URL or
``--contract-allow-writes``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import contracttest.pytest as ct
from contracttest.pytest import ContractCase, ContractValidator


# One test per operation and kind of case: valid requests are accepted and answered as documented,
# invalid ones get a 4xx naming the field, missing or wrong credentials get 401/403.
@ct.parametrize(kinds=["valid", "invalid", "auth"], max_examples=10)
def test_phone_numbers_api(case: ContractCase) -> None:
    case.call_and_check()


# Reads, with only the response checks: status, content type, schema, no secrets.
@ct.parametrize(operations="GET *", kinds="valid", checks="response", max_examples=5)
def test_reads_conform(case: ContractCase) -> None:
    response = case.call_and_check()
    assert response.status == 200


@pytest.mark.parametrize(
    ("payload", "target"),
    [
        ({"provider": "vapi", "name": "Support"}, "CreateVapiPhoneNumberDTO"),
        (
            {"provider": "byo-phone-number", "number": "+14155550100", "credentialId": "cred-1"},
            "POST /phone-number",
        ),
        (
            {
                "provider": "twilio",
                "number": "+14155550101",
                "twilioAccountSid": "AC0123456789",
                "twilioAuthToken": "secret",
            },
            "CreateTwilioPhoneNumberDTO",
        ),
        ({"name": "Renamed"}, "PATCH /phone-number/{id}"),
    ],
)
def test_documented_payloads_are_valid(payload: dict[str, Any], target: str) -> None:
    ct.assert_valid(payload, target)


@pytest.mark.parametrize(
    ("payload", "rule", "pointer"),
    [
        (
            {"provider": "byo-phone-number", "number": "4155550100", "credentialId": "c"},
            "phone.e164",
            "/number",
        ),
        ({"provider": "vapi", "name": "x" * 41}, "schema.maxLength", "/name"),
        ({"provider": "fax", "number": "+14155550100"}, "discriminator.unknown", "/provider"),
        ({"provider": "vapi", "color": "blue"}, "schema.additionalProperties", None),
    ],
)
def test_broken_payloads_are_invalid(
    payload: dict[str, Any], rule: str, pointer: str | None
) -> None:
    ct.assert_invalid(payload, "POST /phone-number", rule=rule, pointer=pointer)


def test_lifecycle_through_the_client(
    contract_client: httpx.Client, contract_validator: ContractValidator, contract_base_url: str
) -> None:
    from contracttest.runner.http import is_loopback

    if not is_loopback(contract_base_url):
        pytest.skip("creates and deletes a phone number: run against a loopback endpoint")
    created = contract_client.post("/phone-number", json={"provider": "vapi", "name": "Dogfood"})
    assert created.status_code == 201, created.text
    body = created.json()
    contract_validator.assert_valid(body, "PhoneNumberController_create:response:201")
    item = f"/phone-number/{body['id']}"
    patched = contract_client.patch(item, json={"name": "Dogfood 2"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Dogfood 2" and patched.json()["provider"] == "vapi"
    contract_validator.assert_valid(patched.json(), "PhoneNumberController_update:response:200")
    assert contract_client.delete(item).status_code == 200
    assert contract_client.get(item).status_code == 404
