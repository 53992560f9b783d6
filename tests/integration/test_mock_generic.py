"""The mock on a small non-Vapi spec: nothing in it is hard-coded for Vapi."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from contracttest.openapi.model import Spec
from contracttest.validate._report import blames_spec

PET = {
    "type": "object",
    "required": ["name", "kind"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 20},
        "kind": {"type": "string", "enum": ["cat", "dog"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "secretNote": {"type": "string"},
    },
}
PET_OUT = {
    "type": "object",
    "required": ["petId", "name", "kind", "created", "ownerOrg", "state"],
    "properties": {
        "petId": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["cat", "dog"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "created": {"type": "string", "format": "date-time"},
        "ownerOrg": {"type": "string"},
        "state": {"type": "string", "enum": ["new", "adopted"]},
        "vaccinated": {"type": "boolean", "default": False},
    },
}
TOY = {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}}
TOY_OUT = {
    "type": "object",
    "required": ["id", "label"],
    "properties": {"id": {"type": "string"}, "label": {"type": "string"}},
}


def body(schema: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def answer(schema: Any, status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema}}}}


PET_ID = {
    "name": "petId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
REF_OUT = {"$ref": "#/components/schemas/PetOut"}
DOC = {
    "openapi": "3.1.0",
    "info": {"title": "Pet store", "version": "1"},
    "security": [{"key": []}],
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
        "schemas": {"Pet": PET, "PetOut": PET_OUT, "Toy": TOY, "ToyOut": TOY_OUT},
    },
    "paths": {
        "/pets": {
            "post": {
                "operationId": "createPet",
                "requestBody": body("Pet"),
                "responses": answer(REF_OUT, "201"),
            },
            "get": {
                "operationId": "listPets",
                "parameters": [
                    {"name": "kind", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "default": 2},
                    },
                ],
                "responses": answer({"type": "array", "items": REF_OUT}),
            },
        },
        "/pets/{petId}": {
            "parameters": [PET_ID],
            "get": {"operationId": "getPet", "responses": answer(REF_OUT)},
            "put": {
                "operationId": "putPet",
                "requestBody": body("Pet"),
                "responses": answer(REF_OUT),
            },
            "delete": {"operationId": "deletePet", "responses": {"204": {"description": "gone"}}},
        },
        "/pets/{petId}/toys": {
            "parameters": [PET_ID],
            "post": {
                "operationId": "addToy",
                "requestBody": body("Toy"),
                "responses": answer({"$ref": "#/components/schemas/ToyOut"}, "201"),
            },
            "get": {
                "operationId": "listToys",
                "responses": answer(
                    {"type": "array", "items": {"$ref": "#/components/schemas/ToyOut"}}
                ),
            },
        },
        "/pets/{petId}/toys/{toyId}": {
            "parameters": [
                PET_ID,
                {"name": "toyId", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "delete": {
                "operationId": "removeToy",
                "responses": answer({"$ref": "#/components/schemas/ToyOut"}),
            },
        },
        "/stats": {
            "get": {
                "operationId": "stats",
                "security": [],
                "responses": answer(
                    {
                        "type": "object",
                        "required": ["count", "when", "top"],
                        "properties": {
                            "count": {"type": "integer", "minimum": 5, "multipleOf": 5},
                            "when": {"type": "string", "format": "date-time"},
                            "top": {
                                "type": "array",
                                "minItems": 1,
                                "items": {"$ref": "#/components/schemas/PetOut"},
                            },
                        },
                    }
                ),
            }
        },
    },
}


@pytest.fixture
def pets(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> tuple[Spec, Any, httpx.Client]:
    spec = Spec(DOC, source="<pets>", sha256="0")
    app = make_app(spec, tokens=["k-1", "k-2"], check_responses=True)
    client = make_client(app)
    client.headers["X-Api-Key"] = "k-1"
    return spec, app, client


def test_resources_are_inferred_from_any_spec(pets: tuple[Spec, Any, httpx.Client]) -> None:
    _, app, _ = pets
    names = {r.name: r for r in app.state.engine.resources.resources}
    assert set(names) == {"/pets", "/pets/{petId}/toys"}
    assert names["/pets"].id_param == "petId" and names["/pets"].update.method == "PUT"  # type: ignore[union-attr]
    assert names["/pets/{petId}/toys"].scope_params == ("petId",)


def test_lifecycle_with_put_and_204(
    pets: tuple[Spec, Any, httpx.Client], response_findings: Callable[..., list[Any]]
) -> None:
    spec, _, c = pets
    r = c.post(
        "/pets", json={"name": "Tom", "kind": "cat", "tags": ["grey"], "secretNote": "hidden"}
    )
    assert r.status_code == 201, r.text
    pet = r.json()
    assert not response_findings("createPet", 201, pet, spec)
    assert pet["state"] == "new" and pet["vaccinated"] is False and pet["name"] == "Tom"
    assert "secretNote" not in pet  # the response schema does not document it
    pid = pet["petId"]
    # PUT replaces what the client owns: tags go away, server fields stay.
    r = c.put(f"/pets/{pid}", json={"name": "Thomas", "kind": "cat"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Thomas" and "tags" not in r.json()
    assert r.json()["created"] == pet["created"] and r.json()["petId"] == pid
    r = c.delete(f"/pets/{pid}")
    assert r.status_code == 204 and r.content == b""
    assert c.get(f"/pets/{pid}").status_code == 404


def test_list_default_limit_and_equality_filter(pets: tuple[Spec, Any, httpx.Client]) -> None:
    _, _, c = pets
    for name, kind in [("a", "cat"), ("b", "dog"), ("c", "cat"), ("d", "cat")]:
        assert c.post("/pets", json={"name": name, "kind": kind}).status_code == 201
    assert [p["name"] for p in c.get("/pets").json()] == ["d", "c"]  # schema default limit 2
    assert [p["name"] for p in c.get("/pets?kind=cat&limit=10").json()] == ["d", "c", "a"]
    assert c.get("/pets?limit=0").status_code == 400  # minimum 1


def test_nested_resources_need_their_parent(pets: tuple[Spec, Any, httpx.Client]) -> None:
    _, _, c = pets
    pid = c.post("/pets", json={"name": "Rex", "kind": "dog"}).json()["petId"]
    other = c.post("/pets", json={"name": "Fido", "kind": "dog"}).json()["petId"]
    toy = c.post(f"/pets/{pid}/toys", json={"label": "ball"})
    assert toy.status_code == 201, toy.text
    assert [t["label"] for t in c.get(f"/pets/{pid}/toys").json()] == ["ball"]
    assert c.get(f"/pets/{other}/toys").json() == []  # scoped per pet
    assert c.delete(f"/pets/{other}/toys/{toy.json()['id']}").status_code == 404
    missing = "0b0e5c2a-8a5e-4a53-9d35-2f3f8f0e9e11"
    r = c.post(f"/pets/{missing}/toys", json={"label": "ball"})
    assert r.status_code == 404 and r.json()["message"] == "Pets not found"
    assert c.delete(f"/pets/{pid}/toys/{toy.json()['id']}").status_code == 200
    c.delete(f"/pets/{pid}")
    assert c.get(f"/pets/{pid}/toys").status_code == 404


def test_api_key_auth_and_orgs(
    pets: tuple[Spec, Any, httpx.Client], make_client: Callable[..., httpx.Client]
) -> None:
    _, app, c = pets
    pid = c.post("/pets", json={"name": "Tom", "kind": "cat"}).json()["petId"]
    stranger = make_client(app)
    assert stranger.get("/pets").status_code == 401
    assert stranger.get("/pets", headers={"Authorization": "Bearer k-1"}).status_code == 401
    assert stranger.get(f"/pets/{pid}", headers={"X-Api-Key": "k-2"}).status_code == 404
    assert stranger.get("/stats").status_code == 200  # security: [] opts out


def test_actions_answer_a_conforming_generated_body(
    pets: tuple[Spec, Any, httpx.Client], response_findings: Callable[..., list[Any]]
) -> None:
    spec, _, c = pets
    r = c.get("/stats")
    assert r.status_code == 200
    assert not response_findings("stats", 200, r.json(), spec)
    assert r.json()["count"] == 5 and len(r.json()["top"]) == 1


def test_members_only_the_spec_cannot_answer_are_echoed(
    make_app: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
    response_findings: Callable[..., list[Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Two plan variants that closed request schemas tell apart, but that both accept any plan
    # once the response schema is open: no answer echoing the plan can match exactly one. That is
    # the spec's defect (its oneOf branches overlap), so the mock echoes the plan as a real server
    # would (dropping it broke every round trip of Vapi's smartEndpointingPlan).
    variants = {
        "A": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": ["a", "b"]}, "x": {"type": "string"}},
        },
        "B": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": ["a", "b"]}, "y": {"type": "string"}},
        },
    }
    plan = {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
    thing = {"type": "object", "properties": {"name": {"type": "string"}, "plan": plan}}
    out = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "plan": plan},
    }
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "things", "version": "1"},
        "components": {"schemas": {**variants, "Thing": thing, "ThingOut": out}},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "create",
                    "requestBody": body("Thing"),
                    "responses": answer({"$ref": "#/components/schemas/ThingOut"}, "201"),
                }
            },
            "/things/{id}": {
                "get": {
                    "operationId": "get",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": answer({"$ref": "#/components/schemas/ThingOut"}),
                }
            },
        },
    }
    spec = Spec(doc, source="<things>", sha256="0")
    spec.closed_objects = True  # a server that forbids unknown properties, as Vapi's does
    c = make_client(make_app(spec, check_responses=True))
    caplog.set_level("INFO", logger="contracttest.mock")
    r = c.post("/things", json={"name": "n", "plan": {"kind": "a", "x": "1"}})
    assert r.status_code == 201, r.text  # check_responses: the self-check blames the spec too
    assert r.json()["name"] == "n" and r.json()["plan"] == {"kind": "a", "x": "1"}
    found = response_findings("create", 201, r.json(), spec)
    assert [f.pointer for f in found] == ["/plan"]
    assert all(blames_spec(f) for f in found), found
    assert c.get(f"/things/{r.json()['id']}").json() == r.json()
    assert "cannot hold /plan" not in caplog.text


def test_actions_fall_back_to_the_generators(
    make_app: Callable[..., Any],
    make_client: Callable[..., httpx.Client],
    response_findings: Callable[..., list[Any]],
) -> None:
    # A lookahead the simple builder skips: "aaaa" fits the class but not the lookahead, so the
    # answer comes from contracttest's generators, validated like everything else.
    code = {"type": "string", "pattern": "^(?=.*\\d)[a-z\\d]{4}$"}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "codes", "version": "1"},
        "paths": {
            "/code": {
                "get": {
                    "operationId": "code",
                    "responses": answer(
                        {"type": "object", "required": ["code"], "properties": {"code": code}}
                    ),
                }
            }
        },
    }
    spec = Spec(doc, source="<codes>", sha256="0")
    c = make_client(make_app(spec))
    r = c.get("/code")
    assert r.status_code == 200
    assert not response_findings("code", 200, r.json(), spec)
    assert any(ch.isdigit() for ch in r.json()["code"])
    assert c.get("/code").json() == r.json()  # built once


def test_a_request_is_not_refused_for_the_specs_overlapping_one_of(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    # PeerTube's idOrUUID: oneOf [integer, uuid, short uuid], and a uuid matches both strings
    id_or_uuid = {
        "oneOf": [
            {"type": "integer", "minimum": 1},
            {"type": "string", "format": "uuid", "minLength": 36, "maxLength": 36},
            {"type": "string", "pattern": "^[0-9a-zA-Z-]+$"},
        ]
    }
    param = {"name": "id", "in": "path", "required": True, "schema": id_or_uuid}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "videos", "version": "1"},
        "paths": {
            "/live/{id}": {
                "get": {"operationId": "live", "parameters": [param], "responses": answer(TOY_OUT)}
            }
        },
    }
    c = make_client(make_app(Spec(doc, source="<videos>", sha256="0")))
    assert c.get("/live/9c9de5e8-0a1e-484a-b099-e80766180a6d").status_code == 200
    assert c.get("/live/12").status_code == 200
    r = c.get("/live/a%20b")  # no branch takes it: the client's fault
    assert r.status_code == 400 and "id" in r.text


def test_a_body_is_refused_even_where_the_specs_own_example_fails_the_schema(
    make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    # hubapi.com/crm.json: the body's example breaks its schema. That makes the spec suspect, but
    # valid bodies exist and an array where an object is due is still the client's fault
    body = {
        "type": "object",
        "required": ["title"],
        "properties": {"title": {"type": "string", "maxLength": 8}},
        "example": {"title": "longer than eight"},
    }
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "cards", "version": "1"},
        "paths": {
            "/cards": {
                "post": {
                    "operationId": "createCard",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": body}},
                    },
                    "responses": answer(TOY_OUT, "201"),
                }
            }
        },
    }
    c = make_client(make_app(Spec(doc, source="<cards>", sha256="0")))
    assert c.post("/cards", json={"title": "ok"}).status_code == 201
    assert c.post("/cards", json=[]).status_code == 400
    assert c.post("/cards", json={"title": "longer than eight"}).status_code == 400
