"""The mock serving the full Vapi spec (../shared/vapi/openapi.json): every path answers, resources live.

Slow: the spec is 3 MB and every operation's schemas are translated and compiled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from contracttest.mock.responses import SchemaView

pytestmark = pytest.mark.slow

PLACEHOLDER_ID = "3f8c1e2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"


@pytest.fixture(scope="module")
def full_app(vapi_spec: Any) -> Any:
    from contracttest.mock.app import create_app

    return create_app(vapi_spec, check_responses=True)


@pytest.fixture(scope="module")
def full_client(full_app: Any) -> Any:
    from contracttest.transport.asgi import in_process_client

    with in_process_client(full_app) as client:
        yield client


def minimal_body(spec: Any, op: Any) -> Any:
    if op is None or op.json_body() is None:
        return None
    schema = spec.target(f"{op.label}:request").schema()
    return SchemaView(schema).minimal(schema)


def concrete(path: str, op: Any, values: dict[str, str]) -> str:
    enums = {
        p.name: p.schema_node["enum"][0]
        for p in op.parameters
        if p.location == "path" and isinstance(p.schema_node, dict) and p.schema_node.get("enum")
    }
    return re.sub(
        r"\{([^}]+)\}", lambda m: values.get(m[1]) or enums.get(m[1]) or PLACEHOLDER_ID, path
    )


def check_answer(
    r: httpx.Response, op: Any, spec: Any, findings: Callable[..., list[Any]], where: str
) -> None:
    assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:500]}"
    if not r.content:
        return
    body = r.json()
    if str(r.status_code) in op.responses and op.responses[str(r.status_code)].content:
        found = findings(op.label, r.status_code, body, spec)
        assert not found, f"{where}: " + "; ".join(map(str, found[:5]))
    else:
        assert set(body) == {"message", "error", "statusCode"}, f"{where}: {body}"


def test_all_69_paths_answer(
    vapi_spec: Any,
    full_app: Any,
    full_client: httpx.Client,
    response_findings: Callable[..., list[Any]],
) -> None:
    paths = {op.path for op in vapi_spec.operations}
    assert len(paths) == 69
    answered: dict[str, int] = {}
    for op in vapi_spec.operations:
        r = full_client.request(
            op.method, concrete(op.path, op, {}), json=minimal_body(vapi_spec, op)
        )
        check_answer(r, op, vapi_spec, response_findings, op.key)
        answered[op.key] = r.status_code
    assert len(answered) == len(vapi_spec.operations)
    # Creates and lists succeed outright; item operations on a made-up id are 404, not errors.
    assert answered["POST /call"] == 201 and answered["GET /call"] == 200
    assert answered["GET /call/{id}"] == 404


def test_call_is_a_resource(
    vapi_spec: Any,
    full_app: Any,
    full_client: httpx.Client,
    response_findings: Callable[..., list[Any]],
) -> None:
    rmap = full_app.state.engine.resources
    call = next(r for r in rmap.resources if r.name == "/call")
    assert call.item == "/call/{id}" and call.get and call.update and call.delete and call.listing
    c = full_client
    created = c.post("/call", json={"name": "Support call", "customer": {"number": "+14155550100"}})
    assert created.status_code == 201, created.text
    body = created.json()
    assert not response_findings("CallController_create", 201, body, vapi_spec)
    rid = body["id"]
    assert body["name"] == "Support call" and body["customer"] == {"number": "+14155550100"}
    assert c.get(f"/call/{rid}").json() == body
    assert rid in [x["id"] for x in c.get("/call").json()]
    assert [x["id"] for x in c.get("/call", params={"id": rid}).json()] == [rid]
    patched = c.patch(f"/call/{rid}", json={"name": "Renamed call"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Renamed call"
    assert c.get(f"/call/{rid}/call-logs").status_code < 500
    deleted = c.request("DELETE", f"/call/{rid}", json=minimal_body(vapi_spec, call.delete))
    assert deleted.status_code == 200, deleted.text
    assert c.get(f"/call/{rid}").status_code == 404
    # Sub-resources of a deleted call are gone too
    assert c.get(f"/call/{rid}/call-logs").status_code == 404


def test_every_inferred_resource_lives(
    vapi_spec: Any,
    full_app: Any,
    full_client: httpx.Client,
    response_findings: Callable[..., list[Any]],
) -> None:
    rmap = full_app.state.engine.resources
    assert len(rmap.resources) >= 20
    c = full_client
    for res in rmap.resources:
        values: dict[str, str] = {}
        for parent in rmap.parents.get(res.create.key, []):
            made = c.post(
                concrete(parent.collection, parent.create, values),
                json=minimal_body(vapi_spec, parent.create),
            )
            assert made.status_code in (200, 201), (parent.name, made.text)
            values[parent.id_param or "id"] = made.json()["id"]
        collection = concrete(res.collection, res.create, values)
        # Some creates declare a required content-type header even without a body.
        r = c.post(
            collection,
            json=minimal_body(vapi_spec, res.create),
            headers={"content-type": "application/json"},
        )
        check_answer(r, res.create, vapi_spec, response_findings, f"create {res.name}")
        assert r.status_code in (200, 201), (res.name, r.text[:500])
        rid = r.json()["id"]
        values[res.id_param or "id"] = rid
        item = concrete(res.item, res.create, values) if res.item else None
        steps: list[tuple[Any, str, Any]] = []
        if res.get is not None:
            steps.append((res.get, "GET", None))
        if res.update is not None and res.update.json_body() is not None:
            steps.append((res.update, res.update.method, minimal_body(vapi_spec, res.update)))
        if res.delete is not None:
            steps.append((res.delete, "DELETE", minimal_body(vapi_spec, res.delete)))
        for op, method, body in steps:
            assert item is not None
            r = c.request(method, item, json=body)
            check_answer(r, op, vapi_spec, response_findings, f"{method} {res.item}")
            assert r.status_code in (200, 400), (
                op.key,
                r.text[:500],
            )  # 400: a required query param
        if res.delete is not None and res.get is not None:
            assert c.get(item).status_code == 404  # type: ignore[arg-type]
