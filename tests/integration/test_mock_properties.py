"""Properties of the mock under contracttest's own generators (`contracttest.strategies`).

Every valid payload is accepted and answered with a conforming body that echoes it; every labelled
invalid payload (one broken rule each) is rejected with 400 and a message naming the broken field;
valid list parameters give conforming, consistent pages; invalid ones are rejected by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mock_payloads import CREATE_BODIES

from contracttest import _pointer
from contracttest.mock.responses import SECRET_MEMBER
from contracttest.strategies import invalid, valid


@pytest.fixture(scope="module")
def fresh(phone_spec: Any) -> Any:
    """``fresh()``: a client of a brand-new mock (one per generated example)."""
    from contracttest.mock.app import create_app
    from contracttest.transport.asgi import in_process_client

    clients: list[httpx.Client] = []

    def make() -> httpx.Client:
        client = in_process_client(create_app(phone_spec))
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="module")
def conforms(phone_spec: Any) -> Callable[[str, int, Any], None]:
    from contracttest.validate import get_validator

    def check(operation: str, status: int, body: Any) -> None:
        found = list(
            get_validator(phone_spec, f"{operation}:response:{status}").iter_findings(body)
        )
        assert not found, "; ".join(map(str, found))

    return check


def _query(params: dict[str, Any]) -> str:
    def text(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return urlencode([(k, text(v)) for k, v in params.get("query", {}).items()])


def _names_field(messages: list[str], pointer: str) -> bool:
    if not pointer:
        return True  # the payload as a whole (not an object, ...)
    last = _pointer.parts(pointer)[-1]
    name = (
        last
        if not last.isdigit()
        else _pointer.parts(pointer)[-2]
        if pointer.count("/") > 1
        else last
    )
    return any(name in m for m in messages)


@given(data=st.data())
def test_valid_creates_are_accepted_and_echoed(
    data: st.DataObject,
    fresh: Any,
    phone_spec: Any,
    conforms: Callable[..., None],
) -> None:
    client = fresh()
    payload = data.draw(valid(phone_spec, "POST /phone-number"), label="payload")
    r = client.post("/phone-number", json=payload)
    assert r.status_code == 201, r.text
    body = r.json()
    conforms("PhoneNumberController_create", 201, body)
    for key, value in payload.items():
        if isinstance(value, str) and value and SECRET_MEMBER.search(key):
            assert key not in body  # credentials are write-only
        else:
            assert body[key] == value, key
    assert client.get(f"/phone-number/{body['id']}").json() == body


@given(data=st.data())
def test_invalid_creates_are_rejected_naming_the_field(
    data: st.DataObject, fresh: Any, phone_spec: Any
) -> None:
    client = fresh()
    case = data.draw(invalid(phone_spec, "POST /phone-number"), label="case")
    r = client.post("/phone-number", json=case.payload)
    assert r.status_code == 400, (case.violation, r.text)
    messages = r.json()["message"]
    assert _names_field(messages, case.violation.pointer), (case.violation, messages)
    assert client.get("/phone-number").json() == []


@pytest.mark.parametrize("provider", sorted(CREATE_BODIES))
@given(data=st.data())
def test_valid_patches_apply_and_keep_the_variant(
    provider: str,
    data: st.DataObject,
    fresh: Any,
    phone_spec: Any,
    conforms: Callable[..., None],
) -> None:
    client = fresh()
    created = client.post("/phone-number", json=CREATE_BODIES[provider]).json()
    dto = {
        "byo-phone-number": "UpdateByoPhoneNumberDTO",
        "twilio": "UpdateTwilioPhoneNumberDTO",
        "vonage": "UpdateVonagePhoneNumberDTO",
        "vapi": "UpdateVapiPhoneNumberDTO",
        "telnyx": "UpdateTelnyxPhoneNumberDTO",
    }[provider]
    patch = data.draw(valid(phone_spec, dto), label="patch")
    patch["provider"] = provider
    r = client.patch(f"/phone-number/{created['id']}", json=patch)
    # The body is judged alone against the stored variant's DTO: a valid one is always applied.
    assert r.status_code == 200, r.text
    body = r.json()
    conforms("PhoneNumberController_update", 200, body)
    assert body["provider"] == provider and body["id"] == created["id"]
    for key, value in patch.items():
        if not (isinstance(value, str) and value and SECRET_MEMBER.search(key)):
            assert body[key] == value, key


@given(data=st.data())
def test_valid_list_parameters_give_consistent_pages(
    data: st.DataObject,
    fresh: Any,
    phone_spec: Any,
    conforms: Callable[..., None],
) -> None:
    client = fresh()
    for provider in ("vapi", "vonage", "telnyx"):
        client.post("/phone-number", json=CREATE_BODIES[provider])
    total_created = len(client.get("/phone-number?limit=1000").json())
    params = data.draw(
        valid(phone_spec, "PhoneNumberController_findAllPaginated:parameters"), label="params"
    )
    r = client.get(f"/v2/phone-number?{_query(params)}")
    assert r.status_code == 200, r.text
    body = r.json()
    conforms("PhoneNumberController_findAllPaginated", 200, body)
    meta = body["metadata"]
    assert meta["totalItems"] <= total_created
    assert len(body["results"]) <= meta["itemsPerPage"]
    if meta["itemsPerPage"]:
        assert meta["totalPages"] == -(-meta["totalItems"] // meta["itemsPerPage"])
        assert meta["hasNextPage"] is (meta["currentPage"] < meta["totalPages"])


@given(data=st.data())
def test_invalid_list_parameters_are_rejected_by_name(
    data: st.DataObject, fresh: Any, phone_spec: Any
) -> None:
    client = fresh()
    case = data.draw(
        invalid(phone_spec, "PhoneNumberController_findAllPaginated:parameters"), label="case"
    )
    query = case.payload.get("query") if isinstance(case.payload, dict) else None
    if (
        not isinstance(query, dict)
        or set(case.payload) != {"query"}
        or any(isinstance(v, dict | list) or v is None for v in query.values())
    ):
        return  # not expressible in a query string (a nested or null value)
    r = client.get(f"/v2/phone-number?{_query(case.payload)}")
    if r.status_code == 200:
        # A type mutation can vanish on the wire: 5 and "5" are the same query text.
        assert case.violation.rule == "schema.type", (case.violation, r.text)
        return
    assert r.status_code == 400, (case.violation, r.text)
    pointer = case.violation.pointer.removeprefix("/query")
    assert _names_field(r.json()["message"], pointer), (case.violation, r.json())
