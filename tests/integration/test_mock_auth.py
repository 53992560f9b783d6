"""Credentials and org isolation in the mock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_payloads import CREATE_BODIES, TOKEN_A, TOKEN_B

OPERATIONS = [
    ("POST", "/phone-number", CREATE_BODIES["vapi"]),
    ("GET", "/phone-number", None),
    ("GET", "/v2/phone-number", None),
    ("GET", "/phone-number/8a5b2c9e-0f7e-4b55-9d6f-1c2b3a4d5e6f", None),
    (
        "PATCH",
        "/phone-number/8a5b2c9e-0f7e-4b55-9d6f-1c2b3a4d5e6f",
        {"provider": "vapi", "name": "x"},
    ),
    ("DELETE", "/phone-number/8a5b2c9e-0f7e-4b55-9d6f-1c2b3a4d5e6f", None),
]


@pytest.fixture
def two_orgs(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> tuple[Any, httpx.Client, httpx.Client, httpx.Client]:
    app = make_app(tokens=[TOKEN_A, TOKEN_B])
    return app, make_client(app, TOKEN_A), make_client(app, TOKEN_B), make_client(app)


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong",
        f"Basic {TOKEN_A}",
        TOKEN_A,
        f"Bearer {TOKEN_A}x",
        f"Bearer {TOKEN_A[:-1]}",
    ],
)
def test_missing_or_wrong_credentials_are_401(
    two_orgs: tuple[Any, httpx.Client, httpx.Client, httpx.Client],
    method: str,
    path: str,
    body: Any,
    authorization: str | None,
) -> None:
    _, _, _, anonymous = two_orgs
    headers = {} if authorization is None else {"Authorization": authorization}
    # Auth comes before validation: even an invalid body gets 401 first.
    r = anonymous.request(method, path, json=body, headers=headers)
    assert r.status_code == 401, r.text
    assert r.json()["statusCode"] == 401 and r.json()["error"] == "Unauthorized"
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert TOKEN_A not in r.text


def test_bearer_scheme_is_case_insensitive(
    two_orgs: tuple[Any, httpx.Client, httpx.Client, httpx.Client],
) -> None:
    _, _, _, anonymous = two_orgs
    r = anonymous.get("/phone-number", headers={"Authorization": f"bearer {TOKEN_A}"})
    assert r.status_code == 200


def test_orgs_never_see_each_other(
    two_orgs: tuple[Any, httpx.Client, httpx.Client, httpx.Client],
) -> None:
    _, a, b, _ = two_orgs
    ra = a.post("/phone-number", json=CREATE_BODIES["twilio"]).json()
    rb = b.post("/phone-number", json=CREATE_BODIES["vonage"]).json()
    assert ra["orgId"] != rb["orgId"]
    # B cannot read, change or delete A's number, and does not see it in lists
    for method, body in (
        ("GET", None),
        ("PATCH", {"provider": "twilio", "name": "stolen"}),
        ("DELETE", None),
    ):
        r = b.request(method, f"/phone-number/{ra['id']}", json=body)
        assert r.status_code == 404, (method, r.text)
    assert [x["id"] for x in b.get("/phone-number").json()] == [rb["id"]]
    assert [x["id"] for x in b.get("/v2/phone-number").json()["results"]] == [rb["id"]]
    assert b.get("/v2/phone-number").json()["metadata"]["totalItems"] == 1
    # A's number is untouched
    assert a.get(f"/phone-number/{ra['id']}").json() == ra


def test_tokens_never_reach_responses_or_logs(
    two_orgs: tuple[Any, httpx.Client, httpx.Client, httpx.Client], caplog: pytest.LogCaptureFixture
) -> None:
    _, a, _, anonymous = two_orgs
    caplog.set_level(logging.DEBUG)
    texts = [
        a.post("/phone-number", json=CREATE_BODIES["vapi"]).text,
        a.get("/phone-number").text,
        a.get("/phone-number/zzz").text,
        anonymous.get(
            "/phone-number", headers={"Authorization": "Bearer " + TOKEN_B + "-guess"}
        ).text,
    ]
    for token in (TOKEN_A, TOKEN_B):
        assert all(token not in t for t in texts)
        assert token not in caplog.text


def test_without_tokens_there_is_no_auth(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    app = make_app()
    c = make_client(app)
    assert c.post("/phone-number", json=CREATE_BODIES["vapi"]).status_code == 201
    other = make_client(app, "any-token")
    assert len(other.get("/phone-number").json()) == 1  # one shared org
