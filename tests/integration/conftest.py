"""Fixtures for the mock's integration tests: the fixed seed spec, apps, clients, request bodies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from mock_payloads import OVERLAY, SEED, TOKEN_A


@pytest.fixture(scope="session")
def phone_spec() -> Any:
    """The seed Vapi Phone Numbers spec with spec/overlays/vapi-fixes.yaml applied."""
    from contracttest.openapi import load_spec

    return load_spec(SEED, overlays=[OVERLAY])


@pytest.fixture
def make_app(phone_spec: Any) -> Callable[..., Any]:
    """``make_app(**create_app_kwargs)``: a fresh mock of the seed spec."""
    from contracttest.mock.app import create_app

    def make(spec: Any = None, **kwargs: Any) -> Any:
        return create_app(spec or phone_spec, **kwargs)

    return make


@pytest.fixture
def make_client() -> Iterator[Callable[..., httpx.Client]]:
    """``make_client(app, token=None)``: an in-process client (closed at teardown)."""
    from contracttest.transport.asgi import in_process_client

    clients: list[httpx.Client] = []

    def make(app: Any, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = in_process_client(app, headers=headers)
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]) -> httpx.Client:
    """An in-process client of a fresh mock with one token (``TOKEN_A``)."""
    return make_client(make_app(tokens=[TOKEN_A], check_responses=True), TOKEN_A)


@pytest.fixture
def response_findings(phone_spec: Any) -> Callable[[str, int, Any], list[Any]]:
    """``response_findings(operation, status, body)``: validator findings for a response body."""
    from contracttest.validate import get_validator

    def check(operation: str, status: int, body: Any, spec: Any = None) -> list[Any]:
        return list(
            get_validator(spec or phone_spec, f"{operation}:response:{status}").iter_findings(body)
        )

    return check
