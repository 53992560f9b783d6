"""Building response bodies: projection, server-owned fields, minimal instances, timestamps."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from contracttest.mock.responses import SchemaView, ServerFields, iso_ms, parse_datetime_us
from contracttest.openapi.model import Spec
from contracttest.validate.formats import is_date_time

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "spec" / "vapi-phone-numbers.yaml"
if not SEED.is_file():
    SEED = REPO.parent / "shared" / "seeds" / "vapi-phone-numbers.openapi.yaml"
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.fixture(scope="module")
def spec() -> Spec:
    return Spec(yaml.safe_load(SEED.read_text()), source=str(SEED), sha256="0")


def server(**kw: Any) -> ServerFields:
    now = 1_700_000_000_123_000
    base = {
        "id": str(uuid.uuid4()),
        "id_name": "id",
        "org_id": "org-1",
        "created_us": now,
        "updated_us": now,
    }
    return ServerFields(**{**base, **kw})


def test_iso_ms_and_parse_round_trip() -> None:
    assert iso_ms(1_700_000_000_123_456) == "2023-11-14T22:13:20.123Z"
    assert parse_datetime_us("2023-11-14T22:13:20.123Z") == 1_700_000_000_123_000
    assert parse_datetime_us("2023-11-14T23:13:20.123456+01:00") == 1_700_000_000_123_456
    assert parse_datetime_us("2023-11-14") == 1_699_920_000_000_000
    for bad in ("yesterday", "2023-13-01T00:00:00Z", "2023-02-30", ""):
        assert parse_datetime_us(bad) is None


def test_fill_adds_server_fields_and_defaults(spec: Spec) -> None:
    schema = spec.target("PhoneNumberController_create:response:201").schema()
    view = SchemaView(schema)
    sent = {"provider": "byo-phone-number", "credentialId": "cred-1", "number": "+14155550100"}
    s = server()
    body = view.fill(view.root, sent, s)
    assert body["id"] == s.id and body["orgId"] == "org-1"
    assert ISO_MS.match(body["createdAt"]) and body["createdAt"] == body["updatedAt"]
    assert body["status"] == "active"  # first value of the status enum
    assert body["numberE164CheckEnabled"] is True  # schema default
    assert {k: body[k] for k in sent} == sent
    cls = jsonschema.validators.validator_for(schema)
    assert not list(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(body))


def test_projection_drops_what_the_response_does_not_declare(spec: Spec) -> None:
    view = SchemaView(spec.target("PhoneNumberController_findOne:response").schema())
    stored = {
        "provider": "vonage",
        "number": "+14155550100",
        "credentialId": "c",
        "id": "x",
        "requestOnly": "secret-ish",
        "server": {"url": "https://example.com", "undeclared": 1},
    }
    out = view.project(view.root, stored)
    assert "requestOnly" not in out
    assert out["server"] == {"url": "https://example.com"}
    assert out["number"] == "+14155550100"


def test_branch_for_uses_the_discriminator(spec: Spec) -> None:
    view = SchemaView(spec.target("PhoneNumberController_findOne:response").schema())
    root = view.deref(view.root)
    branch = view.branch_for(root, {"provider": "telnyx"})
    props, required, _ = view.shape(branch, None)
    assert props is not None and "credentialId" in props and "number" in required
    assert view.branch_for(root, {"provider": "nope"}) is None


def test_branch_for_without_discriminator_prefers_the_covering_branch() -> None:
    schema = {
        "oneOf": [
            {
                "type": "object",
                "properties": {"results": {"type": "array"}},
                "required": ["results"],
            },
            {
                "type": "object",
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            },
        ]
    }
    view = SchemaView(schema)
    assert view.branch_for(schema, {"name": "x"}) is schema["oneOf"][1]
    # Undecidable (fits both) in strict mode; best effort otherwise.
    assert view.branch_for(schema, {}) is None
    assert view.branch_for(schema, {}, strict=False) is not None


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "minLength": 5, "maxLength": 8},
        {"type": "integer", "minimum": 3, "maximum": 9},
        {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        {"type": "number", "minimum": 0.5, "multipleOf": 0.25},
        {"type": "integer", "exclusiveMaximum": -2},
        {"type": "array", "minItems": 2, "items": {"type": "boolean"}},
        {
            "type": "object",
            "required": ["a", "id", "when"],
            "properties": {
                "a": {"enum": [None, "x"]},
                "id": {"type": "string"},
                "when": {"type": "string", "format": "date-time"},
            },
        },
        {
            "allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"const": 1}}},
                {"required": ["b"], "properties": {"b": {"type": "string", "format": "uuid"}}},
            ]
        },
        {"oneOf": [{"type": "null"}, {"type": "string", "format": "email"}]},
        {"type": ["null", "string"], "format": "uri"},
        {"type": "object", "minProperties": 2},
        {"default": "d", "type": "string"},
        {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"},
        {"type": "string", "pattern": "^(ab|cd)+\\1$", "minLength": 4},
        {"type": "string", "pattern": "^[^0-9]{2,}$"},
        {"type": "string", "pattern": "^sip:.+@.+$", "maxLength": 40},
        {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string", "pattern": "^\\w+@\\w+\\.com$"}},
        },
    ],
)
def test_minimal_instances_validate(schema: dict[str, Any]) -> None:
    value = SchemaView(schema).minimal(schema)
    cls = jsonschema.validators.validator_for(schema)
    errors = list(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(value))
    assert not errors, (value, [e.message for e in errors])


def test_minimal_names_ids_and_timestamps() -> None:
    schema = {
        "type": "object",
        "required": ["id", "assistantId", "startedAt", "label"],
        "properties": {k: {"type": "string"} for k in ("id", "assistantId", "startedAt", "label")},
    }
    value = SchemaView(schema).minimal(schema)
    uuid.UUID(value["id"])
    uuid.UUID(value["assistantId"])
    assert ISO_MS.match(value["startedAt"])
    assert value["label"] == "a"


def test_minimal_survives_recursion() -> None:
    schema = {
        "$ref": "#/definitions/Node",
        "definitions": {
            "Node": {
                "type": "object",
                "required": ["child"],
                "properties": {"child": {"$ref": "#/definitions/Node"}},
            }
        },
    }
    value = SchemaView(schema).minimal(schema)
    depth = 0
    while isinstance(value, dict) and "child" in value:
        value, depth = value["child"], depth + 1
    assert 10 < depth < 100


@pytest.mark.parametrize("pattern", ["^\\p{L}+$", "(?=x)", "[", "^(?!a)b(?<=c)$"])
def test_unsupported_patterns_give_up_cleanly(pattern: str) -> None:
    from contracttest.mock.patterns import pattern_example

    assert pattern_example(pattern) is None


def test_projection_keeps_credentials_out_of_answers() -> None:
    schema = {
        "type": "object",
        "required": ["apiToken"],
        "properties": {
            "apiToken": {"type": "string", "maxLength": 6},
            "webhookSecret": {"type": "string"},
            "password": {"type": "string"},
            "tokenCount": {"type": "integer"},
            "extra": {"type": "object"},
        },
    }
    view = SchemaView(schema)
    out = view.project(
        schema,
        {
            "apiToken": "abc123",
            "webhookSecret": "s3cr3t",
            "password": "pw",
            "tokenCount": 3,
            "extra": {"refreshToken": "r", "plain": 1},
        },
    )
    # Required secrets are masked, optional ones left out; other members untouched.
    assert out == {"apiToken": "******", "password": "pw", "tokenCount": 3, "extra": {"plain": 1}}


def test_project_makes_a_stored_record_valid_for_the_response_schema() -> None:
    """A record stored from a request (or another operation's answer) is answered in the shape this
    response documents: missing required members filled, wrong types and values off the enum,
    format or pattern replaced, retyped where the text carries over, secrets kept valid."""
    schema = {
        "type": "object",
        "required": ["id", "data", "token"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "data": {
                "type": "object",
                "required": ["id", "notes"],
                "properties": {
                    "id": {"type": "string"},
                    "notes": {
                        "type": "object",
                        "required": ["fromGuest"],
                        "properties": {"fromGuest": {"type": "string"}},
                    },
                },
            },
            "token": {"type": "string", "format": "uuid"},
            "name": {"type": "string"},
            "day": {"type": "string", "enum": ["1", "15"]},
            "ids": {"type": "array", "items": {"type": "integer"}},
            "rows": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
            "code": {"type": "string", "pattern": "^AB[0-9]{2}$", "maxLength": 4},
        },
    }
    record = {
        "id": 42,
        "data": {"notes": {}},
        "token": "not-a-uuid-secret",
        "name": {"first": "x"},
        "day": "31",
        "ids": ["7", "x"],
        "rows": [{"a": 1}],
        "code": "ZZZZZZ",
        "extra": 1,
    }
    body = SchemaView(schema).project(schema, record)
    jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())
    assert body["id"] == "42"  # the same id, in the declared type
    assert body["ids"][0] == 7
    assert body["token"] != "not-a-uuid-secret"
    assert "extra" not in body


def test_project_keeps_values_the_schema_holds() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 5},
            "n": {"type": ["integer", "null"]},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    record = {"name": "abc", "n": None, "tags": ["a", "b"], "more": True}
    assert SchemaView(schema).project(schema, record) == {
        "name": "abc",
        "n": None,
        "tags": ["a", "b"],
    }


def test_project_gives_an_object_the_members_its_min_properties_asks() -> None:
    schema = {
        "type": "object",
        "properties": {
            "criteria": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string"},
            }
        },
    }
    body = SchemaView(schema).project(schema, {"criteria": {}})
    jsonschema.validate(body, schema)
    # mailscript's Criteria declares its members: the answer takes one of them, not a made-up name
    declared = {"from": {"type": "string"}, "hasAttachments": {"type": "boolean"}}
    criteria = {"minProperties": 1, "properties": declared}
    trigger = {"type": "object", "properties": {"criteria": criteria}}
    body = SchemaView(trigger).project(trigger, {"criteria": {}})
    assert body["criteria"] and set(body["criteria"]) <= set(declared)
    jsonschema.validate(body, trigger)


def test_minimal_of_an_all_of_with_a_description_only_part_keeps_the_typed_part() -> None:
    # AWS docdb-elastic: `adminUserName: {allOf: [{$ref: String}, {description: ...}]}` came out `{}`
    schema = {
        "definitions": {"String": {"type": "string"}},
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"allOf": [{"$ref": "#/definitions/String"}, {"description": "the name"}]}
        },
    }
    body = SchemaView(schema).minimal(schema)
    assert isinstance(body["name"], str)


def test_project_cuts_an_untagged_object_to_a_branch_of_a_discriminated_union() -> None:
    # exavault: ResourceResponse.included is `anyOf: [User, Resource]` with an optional `type`
    # tag; a stored folder {name, path, parentResource} carries no tag and none of those members
    from contracttest.runner.undeclared import undeclared_members
    from contracttest.validate import get_validator

    def obj(tag: str, *names: str) -> dict[str, Any]:
        props = {"type": {"type": "string"}, **{n: {"type": "string"} for n in names}}
        return {"type": "object", "properties": props}

    union = {"anyOf": [{"$ref": "#/components/schemas/User"}, {"$ref": "#/components/schemas/Res"}]}
    answer = {
        "type": "object",
        "properties": {
            "data": {"$ref": "#/components/schemas/Res"},
            "included": {
                "type": "array",
                "items": {**union, "discriminator": {"propertyName": "type"}},
            },
        },
    }
    spec = Spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/resources": {
                    "get": {
                        "operationId": "get",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": answer}},
                            }
                        },
                    }
                }
            },
            "components": {"schemas": {"User": obj("User", "email"), "Res": obj("Res", "hash")}},
        },
        source="<test>",
        sha256="0",
    )
    schema = spec.target("get:response:200").schema()
    view = SchemaView(schema)
    stored = {"name": "f", "path": "/f", "parentResource": "/", "hash": "h1"}
    body = view.project(schema, {"included": [stored, {"type": "User", "email": "e", "x": 1}]})
    assert undeclared_members(schema, body) == []
    assert get_validator(spec, "get:response:200").is_valid(body), body
    assert body["included"] == [{"hash": "h1"}, {"type": "User", "email": "e"}]


def test_a_default_the_schema_refuses_is_not_answered() -> None:
    # gsmtasks: `total_duration: {type: object, readOnly: true, default: "4 10:55:34.12"}`
    schema = {
        "type": "object",
        "required": ["total_duration", "state"],
        "properties": {
            "total_duration": {"type": "object", "default": "4 10:55:34.12"},
            "state": {"type": "string", "enum": ["pending", "done"], "default": "pending"},
            "speed": {"type": "integer", "minimum": 1, "default": 0},
        },
    }
    view = SchemaView(schema)
    made = view.fill(view.root, {}, server())
    jsonschema.validate(made, schema)
    assert made["state"] == "pending"  # a default the schema holds is still the answer
    assert "speed" not in made  # optional, and its default is off the schema
    assert view.project(schema, {"total_duration": "1 00:00"})["total_duration"] == {}
    jsonschema.validate(view.minimal(schema), schema)


def test_project_replaces_only_the_member_off_its_format() -> None:
    # vtex Subscriptions: the request takes any string for `plan.validity.end`, the answer wants a
    # date-time; the rest of `plan` (frequency, id) is answered as sent
    validity = {
        "type": "object",
        "properties": {
            "begin": {"type": "string", "format": "date-time"},
            "end": {"type": ["string", "null"], "format": "date-time"},
        },
    }
    frequency = {
        "type": "object",
        "required": ["interval", "periodicity"],
        "properties": {
            "interval": {"type": "integer"},
            "periodicity": {"type": ["string", "null"]},
        },
    }
    plan = {
        "type": "object",
        "properties": {
            "id": {"type": ["string", "null"]},
            "frequency": frequency,
            "validity": validity,
        },
    }
    schema = {
        "type": "object",
        "properties": {"plan": plan, "mail": {"type": "string", "format": "email"}},
    }
    sent = {
        "plan": {
            "id": "store.subscription",
            "frequency": {"interval": 3, "periodicity": None},
            "validity": {"begin": "", "end": "K"},
        },
        "mail": "nobody",
    }
    body = SchemaView(schema).project(schema, sent)
    jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())
    assert all(is_date_time(v) for v in body["plan"]["validity"].values())
    assert body["plan"]["frequency"] == sent["plan"]["frequency"]
    assert body["plan"]["id"] == "store.subscription"
    kept = {"begin": "2024-01-31T12:00:00Z", "end": None}
    assert SchemaView(schema).project(schema, {"plan": {"validity": kept}}) == {
        "plan": {"validity": kept}
    }
