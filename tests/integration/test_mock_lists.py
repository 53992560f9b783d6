"""List operations of the mock: limit, filters, search, sorting, and pagination arithmetic."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_payloads import CREATE_BODIES

N = 23


@pytest.fixture
def filled(client: httpx.Client) -> tuple[httpx.Client, list[dict[str, Any]]]:
    """A mock holding N numbers, created a few milliseconds apart, newest last."""
    created = []
    providers = sorted(CREATE_BODIES)
    for i in range(N):
        body = {**CREATE_BODIES[providers[i % len(providers)]], "name": f"Line {i:02d}"}
        if i == 7:
            body["name"] = "Special HOTLINE"
        r = client.post("/phone-number", json=body)
        assert r.status_code == 201, r.text
        created.append(r.json())
        time.sleep(0.002)
    return client, created


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [x["id"] for x in items]


def test_plain_list_is_newest_first_and_honours_limit(
    filled: tuple[httpx.Client, list[dict[str, Any]]],
) -> None:
    client, created = filled
    newest_first = ids(created)[::-1]
    assert ids(client.get("/phone-number").json()) == newest_first
    assert ids(client.get("/phone-number?limit=5").json()) == newest_first[:5]
    assert client.get("/phone-number?limit=0").json() == []
    assert ids(client.get("/phone-number?limit=2.9").json()) == newest_first[:2]  # number, floored
    assert len(client.get("/phone-number?limit=1000").json()) == N


@pytest.mark.parametrize("limit", [1, 4, 5, 10, 23, 50])
@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_pagination_adds_up(
    filled: tuple[httpx.Client, list[dict[str, Any]]], limit: int, order: str
) -> None:
    client, created = filled
    expected = ids(created) if order == "ASC" else ids(created)[::-1]
    pages = math.ceil(N / limit)
    seen: list[str] = []
    for page in range(1, pages + 2):
        body = client.get(f"/v2/phone-number?limit={limit}&page={page}&sortOrder={order}").json()
        meta = body["metadata"]
        assert meta["itemsPerPage"] == limit
        assert meta["totalItems"] == N
        assert meta["currentPage"] == page
        assert meta["totalPages"] == pages
        assert meta["hasNextPage"] is (page < pages)
        assert meta["sortOrder"] == order
        assert len(body["results"]) == (min(limit, N - (page - 1) * limit) if page <= pages else 0)
        seen += ids(body["results"])
    assert seen == expected  # every item exactly once, in order


def test_pagination_defaults(filled: tuple[httpx.Client, list[dict[str, Any]]]) -> None:
    client, created = filled
    body = client.get("/v2/phone-number").json()
    assert body["metadata"]["itemsPerPage"] == 100  # "Defaults to 100."
    assert body["metadata"]["currentPage"] == 1 and body["metadata"]["sortOrder"] == "DESC"
    assert ids(body["results"]) == ids(created)[::-1]


def test_time_filters(filled: tuple[httpx.Client, list[dict[str, Any]]]) -> None:
    client, created = filled
    pivot = created[10]["createdAt"]
    after = client.get("/phone-number", params={"createdAtGt": pivot}).json()
    from_on = client.get("/phone-number", params={"createdAtGe": pivot}).json()
    before = client.get("/phone-number", params={"createdAtLt": pivot}).json()
    upto = client.get("/phone-number", params={"createdAtLe": pivot}).json()
    at_pivot = {x["id"] for x in created if x["createdAt"] == pivot}
    assert {x["createdAt"] for x in after} == {
        x["createdAt"] for x in created if x["createdAt"] > pivot
    }
    assert {x["id"] for x in from_on} == {x["id"] for x in after} | at_pivot
    assert {x["id"] for x in before} | {x["id"] for x in from_on} == set(ids(created))
    assert {x["id"] for x in upto} == {x["id"] for x in before} | at_pivot
    # Offsets are honoured: the same instant written in another zone selects the same items
    shifted = pivot.replace("Z", "+00:00")
    assert ids(client.get("/phone-number", params={"createdAtGt": shifted}).json()) == ids(after)
    # updatedAt filters follow patches
    target = created[3]["id"]
    client.patch(
        f"/phone-number/{target}", json={"provider": created[3]["provider"], "name": "Touched"}
    )
    latest = created[-1]["updatedAt"]
    touched = client.get("/v2/phone-number", params={"updatedAtGt": latest}).json()
    assert ids(touched["results"]) == [target] and touched["metadata"]["totalItems"] == 1


def test_search_matches_name_number_or_sip_uri(
    filled: tuple[httpx.Client, list[dict[str, Any]]],
) -> None:
    client, _created = filled
    body = client.get("/v2/phone-number", params={"search": "hotline"}).json()
    assert [x["name"] for x in body["results"]] == ["Special HOTLINE"]
    assert body["metadata"]["totalItems"] == 1
    by_number = client.get("/v2/phone-number", params={"search": "5550101"}).json()
    assert {x["number"] for x in by_number["results"]} == {"+14155550101"}
    assert (
        client.get("/v2/phone-number", params={"search": "no-such-thing"}).json()["results"] == []
    )


def test_deleted_items_leave_the_totals(filled: tuple[httpx.Client, list[dict[str, Any]]]) -> None:
    client, created = filled
    for item in created[:5]:
        assert client.delete(f"/phone-number/{item['id']}").status_code == 200
    meta = client.get("/v2/phone-number?limit=5").json()["metadata"]
    assert meta["totalItems"] == N - 5 and meta["totalPages"] == math.ceil((N - 5) / 5)


def test_lists_are_the_same_on_sqlite(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client], tmp_path: Any
) -> None:
    memory = make_client(make_app())
    sqlite = make_client(make_app(db=tmp_path / "m.db"))
    for c in (memory, sqlite):
        for i in range(7):
            c.post("/phone-number", json={**CREATE_BODIES["vapi"], "name": f"n{i}"})
            time.sleep(0.002)
    for query in ("limit=3&page=2", "limit=3&page=3&sortOrder=ASC", "search=n1", "limit=0"):
        a = memory.get(f"/v2/phone-number?{query}").json()
        b = sqlite.get(f"/v2/phone-number?{query}").json()
        assert [x["name"] for x in a["results"]] == [x["name"] for x in b["results"]], query
        assert a["metadata"] == b["metadata"], query
