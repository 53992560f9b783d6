"""Plans from small hand-written specs: allOf, recursion, unions, unsatisfiable parts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

from contracttest.errors import SpecError, UsageError
from contracttest.generate._gen import Impossible, ObjectGen, UnionGen
from contracttest.generate.merge import merge
from contracttest.openapi import Spec, load_spec
from contracttest.strategies import examples, plan, valid
from contracttest.validate import validate
from contracttest.validate._report import blames_spec


def make_spec(schemas: dict[str, Any], **paths: Any) -> Spec:
    doc = {
        "openapi": "3.0.0",
        "info": {"title": "Test", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }
    spec = load_spec(doc, cache=False)
    # Closed request objects (a server that forbids unknown properties): what these tests exercise.
    spec.closed_objects = True
    return spec


def assert_all_valid(spec: Spec, target: str, n: int = 25, **opts: Any) -> list[Any]:
    found = examples(valid(spec, target, **opts), n, seed=1)
    for value in found:
        errors = [f for f in validate(spec, target, value) if f.severity >= 30]
        assert errors == [], (value, errors)
    return found


def test_allof_members_are_merged_and_the_result_is_closed() -> None:
    spec = make_spec(
        {
            "Base": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}},
            "Named": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {
                        "type": "object",
                        "properties": {"name": {"type": "string", "maxLength": 3}},
                        "required": ["name"],
                    },
                ]
            },
        }
    )
    values = assert_all_valid(spec, "Named")
    assert all("name" in v and len(v["name"]) <= 3 for v in values)
    assert any("id" in v for v in values)


def test_merge_intersects_types_and_tightens_bounds() -> None:
    merged, exact = merge(
        [{"type": ["string", "null"], "maxLength": 9}, {"type": "string", "maxLength": 4}]
    )
    assert merged == {"type": ["string"], "maxLength": 4} and exact
    reason, _ = merge([{"type": "string"}, {"type": "integer"}])
    assert isinstance(reason, str) and "disagree on type" in reason


def test_a_members_additional_properties_govern_properties_other_members_declare() -> None:
    merged, _ = merge(
        [{"properties": {"a": {"type": "string"}}}, {"additionalProperties": {"type": "integer"}}]
    )
    assert isinstance(merged, dict)
    assert merged["properties"]["a"] == {"allOf": [{"type": "string"}, {"type": "integer"}]}


def test_recursion_is_bounded_by_max_depth() -> None:
    spec = make_spec(
        {
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
                "required": ["value"],
            }
        }
    )

    def depth(v: Any) -> int:
        return 1 + max((depth(c) for c in v.get("children", [])), default=0)

    for max_depth in (0, 1, 3):
        values = assert_all_valid(spec, "Node", n=30, max_depth=max_depth)
        assert max(depth(v) for v in values) <= max_depth + 1


def test_required_recursion_takes_the_non_recursive_branch() -> None:
    spec = make_spec(
        {
            "Expr": {
                "oneOf": [
                    {"type": "integer"},
                    {
                        "type": "object",
                        "properties": {
                            "left": {"$ref": "#/components/schemas/Expr"},
                            "right": {"$ref": "#/components/schemas/Expr"},
                        },
                        "required": ["left", "right"],
                    },
                ]
            }
        }
    )
    assert_all_valid(spec, "Expr", max_depth=1)


def test_a_schema_that_needs_infinite_recursion_is_unsatisfiable() -> None:
    spec = make_spec(
        {
            "Loop": {
                "type": "object",
                "properties": {"next": {"$ref": "#/components/schemas/Loop"}},
                "required": ["next"],
            }
        }
    )
    got = plan(spec, "Loop")
    assert got.status == "unsatisfiable"
    assert isinstance(got.root, Impossible) and "no finite value" in got.root.reason
    with pytest.raises(SpecError, match="no valid payload exists"):
        valid(spec, "Loop")


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        ({"type": "object", "enum": ["a", "b"]}, "no value of type 'object'"),
        ({"type": "string", "minLength": 5, "maxLength": 2}, "minLength 5 > maxLength 2"),
        ({"type": "string", "format": "uuid", "maxLength": 10}, "a uuid is at least 36"),
        ({"type": "string", "pattern": "^[0-9]{4}$", "maxLength": 3}, "no match of length"),
        ({"type": "integer", "minimum": 1.2, "maximum": 1.8}, "no integer between"),
        ({"type": "array", "minItems": 3, "maxItems": 1}, "minItems 3 > maxItems 1"),
    ],
)
def test_unsatisfiable_nodes_say_why(schema: dict[str, Any], reason: str) -> None:
    spec = make_spec(
        {
            "Bad": {"type": "object", "properties": {"x": schema}, "required": ["x"]},
            "Ok": {"type": "object", "properties": {"x": schema, "y": {"type": "boolean"}}},
        }
    )
    bad = plan(spec, "Bad")
    assert bad.status == "unsatisfiable" and reason in bad.root.reason  # type: ignore[union-attr]
    ok = plan(spec, "Ok")
    assert ok.status == "partial"
    assert [n.kind for n in ok.notes] == ["left-out"] and reason in next(iter(ok.notes)).reason
    values = assert_all_valid(spec, "Ok", n=10)
    assert all("x" not in v for v in values)


def test_discriminated_variants_are_all_reached_with_their_tag() -> None:
    pets = {
        "Cat": {
            "type": "object",
            "properties": {"kind": {"type": "string"}, "meows": {"type": "boolean"}},
            "required": ["kind"],
        },
        "Dog": {
            "type": "object",
            "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
            "required": ["kind"],
        },
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
            },
        },
    }
    spec = make_spec(pets)
    values = assert_all_valid(spec, "Pet", n=40)
    assert {v["kind"] for v in values} == {"cat", "dog"}
    root = plan(spec, "Pet").root
    assert (
        isinstance(root, UnionGen) and root.discriminator == "kind" and root.tags == ("cat", "dog")
    )


def test_plain_oneof_values_match_exactly_one_branch() -> None:
    spec = make_spec(
        {
            "A": {
                "type": "object",
                "properties": {"x": {"type": "string"}, "a": {"type": "integer"}},
                "required": ["x"],
            },
            "B": {
                "type": "object",
                "properties": {"x": {"type": "string"}, "b": {"type": "integer"}},
                "required": ["x"],
            },
            "U": {
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]
            },
        }
    )
    values = assert_all_valid(spec, "U", n=40)
    # {x} alone matches both closed branches: each branch is made to carry its own property
    assert all(("a" in v) != ("b" in v) for v in values)


def test_a_subsumed_oneof_branch_is_reported_dead() -> None:
    spec = make_spec(
        {
            "V": {
                "type": "object",
                "properties": {
                    "voice": {
                        "oneOf": [{"type": "string", "enum": ["alloy", "echo"]}, {"type": "string"}]
                    }
                },
            }
        }
    )
    got = plan(spec, "V")
    assert got.status == "full"
    assert [n.kind for n in got.notes] == ["dead-branch"]
    values = assert_all_valid(spec, "V", n=30)
    assert not any(v.get("voice") in ("alloy", "echo") for v in values)


def test_an_open_oneof_branch_is_told_from_its_subsets_by_a_property_they_refuse() -> None:
    # Vapi's smartEndpointingPlan in responses: every Livekit or Custom plan is also a Vapi plan
    # (objects are open there), and a Vapi plan matches only itself when it carries a property
    # the others declare with a value of a type they refuse
    provider = {"type": "string", "enum": ["vapi", "livekit", "custom"]}
    spec = make_spec(
        {
            "Vapi": {
                "type": "object",
                "properties": {"provider": provider},
                "required": ["provider"],
            },
            "Livekit": {
                "type": "object",
                "properties": {"provider": provider, "waitFunction": {"type": "string"}},
                "required": ["provider"],
            },
            "Custom": {
                "type": "object",
                "properties": {"provider": provider, "server": {"type": "object"}},
                "required": ["provider"],
            },
        },
        **{
            "/plan": {
                "get": {
                    "operationId": "getPlan",
                    "responses": {
                        "200": {
                            "description": "",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "oneOf": [
                                            {"$ref": f"#/components/schemas/{name}"}
                                            for name in ("Vapi", "Livekit", "Custom")
                                        ]
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
    )
    got = plan(spec, "getPlan:response:200")
    assert got.status == "full"
    assert sorted(n.kind for n in got.notes) == ["dead-branch", "dead-branch"]
    values = assert_all_valid(spec, "getPlan:response:200", n=20)
    assert all(v["waitFunction"] is None and v["server"] is None for v in values)


def test_identical_oneof_branches_leave_no_valid_value() -> None:
    spec = make_spec({"X": {"oneOf": [{"type": "string"}, {"type": "string"}]}})
    assert plan(spec, "X").status == "unsatisfiable"


def test_formats_and_patterns_with_lengths() -> None:
    spec = make_spec(
        {
            "F": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "at": {"type": "string", "format": "date-time"},
                    "site": {"type": "string", "format": "uri"},
                    "mail": {"type": "string", "format": "email"},
                    "code": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]+$", "maxLength": 6},
                },
                "required": ["id", "at", "site", "mail", "code"],
            }
        }
    )
    for v in assert_all_valid(spec, "F", n=30):
        assert len(v["code"]) <= 6


def test_options_are_checked() -> None:
    spec = make_spec({"X": {"type": "string"}})
    with pytest.raises(UsageError, match="max_depth"):
        valid(spec, "X", max_depth=-1)
    with pytest.raises(UsageError, match="options are"):
        valid(spec, "X", depth=3)


def test_objects_keep_to_the_optional_budget() -> None:
    props = {f"p{i}": {"type": "integer"} for i in range(30)}
    spec = make_spec({"Wide": {"type": "object", "properties": props}})
    root = plan(spec, "Wide").root
    assert isinstance(root, ObjectGen)

    @settings(max_examples=30, database=None)
    @given(valid(spec, "Wide", max_optional=4))
    def check(value: dict[str, Any]) -> None:
        assert len(value) <= 4

    check()


def test_valid_examples_shrink_to_the_simplest_payload(seed_spec: Spec) -> None:
    from hypothesis import find
    from hypothesis import settings as hsettings

    found = find(
        valid(seed_spec, "POST /phone-number"),
        lambda p: p.get("provider") == "twilio",
        settings=hsettings(database=None, max_examples=300),
    )
    assert found == {"provider": "twilio", "number": "", "twilioAccountSid": ""}


def test_valid_payloads_leave_out_a_null_only_lenient_nullable_allows() -> None:
    # OpenAPI 3.0.3: nullable adds null to `type`; an enum without null, or a $ref, still applies.
    # The validator accepts the null (specs mean it), valid payloads do without it, so a server
    # reading the spec strictly accepts them (corpus: apideck.com, gsmtasks.com).
    spec = make_spec(
        {
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "T": {
                "type": "object",
                "required": ["status", "kind", "note"],
                "properties": {
                    "status": {"type": "string", "enum": ["on", "off"], "nullable": True},
                    "kind": {"$ref": "#/components/schemas/Kind", "nullable": True},
                    "note": {"type": "string", "nullable": True, "maxLength": 3},
                },
            },
        }
    )
    values = assert_all_valid(spec, "T", n=60)
    assert all(v["status"] is not None and v["kind"] is not None for v in values)
    assert any(v["note"] is None for v in values)  # undisputed: nullable with a type
    assert validate(spec, "T", {"status": None, "kind": None, "note": None}) == []


def _azure_inheritance() -> dict[str, Any]:
    """azure.com/datashare's shape: the parent names its subtypes only through their
    ``x-ms-discriminator-value``; each subtype requires members of its own. The tag's enum (behind
    a ``$ref``, as Service Fabric writes it) has a value no subtype carries."""
    return {
        "MappingKind": {"type": "string", "enum": ["Blob", "Folder", "BigBlob", "Swap", "Invalid"]},
        # the tag property comes from an allOf member (securityinsights' AlertRule/AlertRuleKind)
        "MappingTag": {"properties": {"kind": {"$ref": "#/components/schemas/MappingKind"}}},
        "Mapping": {  # no `type: object`, as Service Fabric's RepairImpactDescriptionBase
            "discriminator": {"propertyName": "kind"},
            "allOf": [{"$ref": "#/components/schemas/MappingTag"}],
        },
        "BlobMapping": {
            "x-ms-discriminator-value": "Blob",
            "allOf": [{"$ref": "#/components/schemas/Mapping"}],
            "type": "object",
            "properties": {"container": {"type": "string", "minLength": 1}},
            "required": ["container"],
        },
        "BigBlobMapping": {  # a subtype of a subtype (Service Fabric's events)
            "x-ms-discriminator-value": "BigBlob",
            "allOf": [{"$ref": "#/components/schemas/BlobMapping"}],
            "type": "object",
            "properties": {"size": {"type": "integer"}},
            "required": ["size"],
        },
        "PartitionMapping": {  # no tag of its own: no branch, but its subtype is one
            "allOf": [{"$ref": "#/components/schemas/Mapping"}],
            "properties": {"partition": {"type": "string"}},
            "required": ["partition"],
        },
        "SwapMapping": {
            "x-ms-discriminator-value": "Swap",
            "allOf": [{"$ref": "#/components/schemas/PartitionMapping"}],
        },
        "FolderMapping": {
            "x-ms-discriminator-value": "Folder",
            "allOf": [{"$ref": "#/components/schemas/Mapping"}],
            "type": "object",
            "properties": {"path": {"type": "string", "minLength": 1}},
            "required": ["path"],
        },
    }


@pytest.mark.parametrize("closed", [True, False])
def test_a_reference_to_an_allof_parent_is_one_of_its_subtypes_by_tag(closed: bool) -> None:
    body = {"$ref": "#/components/schemas/Mapping"}
    spec = make_spec(
        _azure_inheritance(),
        **{
            "/mappings/{name}": {
                "put": {
                    "requestBody": {"content": {"application/json": {"schema": body}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    )
    spec.closed_objects = closed
    target = "PUT /mappings/{name}"
    values = assert_all_valid(spec, target, n=40)
    assert {v["kind"] for v in values} == {"Blob", "Folder", "BigBlob", "Swap", "Invalid"}
    own = {
        "Blob": {"container"},
        "BigBlob": {"container", "size"},
        "Folder": {"path"},
        "Swap": {"partition"},
    }
    for v in values:
        assert own.get(v["kind"], set()) <= set(v), v
    # The parent's own keywords alone are no payload a server that dispatches accepts.
    assert [f for f in validate(spec, target, {"kind": "Blob"}) if f.severity >= 30]
    # The tag chooses the subtype: a payload carries it though the parent does not require it.
    assert [f for f in validate(spec, target, {"container": "c"}) if f.severity >= 30]
    # A discriminator names a property: a value that is no object is the payload's fault, though
    # no branch says `type: object` (a string passed every branch, an "overlapping oneOf")
    for wrong in ("x", 3, ["kind"]):
        found = [f for f in validate(spec, target, wrong) if f.severity >= 30]
        assert found and not any(blames_spec(f) for f in found), wrong
    for fine in ({"kind": "Blob", "container": "c"}, {"kind": "Invalid"}):
        assert not [f for f in validate(spec, target, fine) if f.severity >= 30], fine
    # The tags name no component and there is no mapping: validators that follow OpenAPI's
    # implicit mapping refuse them, which spec lint names.
    missing = [f for f in spec.diagnostics if f.rule == "spec.discriminator-target-missing"]
    assert missing and all(
        f.pointer == "/components/schemas/Mapping/discriminator" for f in missing
    )
    # Each subtype is still its own target, with the parent's keywords.
    assert all("container" in v for v in assert_all_valid(spec, "BlobMapping", n=5))
