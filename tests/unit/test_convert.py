"""OpenAPI Schema Object -> JSON Schema translation, on tiny specs that isolate one behaviour each."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from contracttest.errors import RefError, SpecError
from contracttest.openapi.model import Spec


def make_spec(schemas: dict[str, Any], version: str = "3.0.3", **extra: Any) -> Spec:
    doc = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": extra.pop("paths", {}),
        "components": {"schemas": schemas},
        **extra,
    }
    spec = Spec(doc, source="<test>", sha256="0")
    # These tests are about the closed translation (a server that forbids unknown properties, as
    # Vapi's does); OpenAPI's default, open, is tested in test_openapi_object_policy.py.
    spec.closed_objects = True
    return spec


def validator(spec: Spec, target: str, closed: bool | None = None) -> jsonschema.Validator:
    schema = spec.target(target).schema(closed=closed)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_nullable_extends_type_and_enum() -> None:
    spec = make_spec(
        {
            "A": {
                "type": "object",
                "properties": {"x": {"type": "string", "enum": ["a"], "nullable": True}},
            }
        }
    )
    v = validator(spec, "A")
    assert v.is_valid({"x": None})
    assert v.is_valid({"x": "a"})
    assert not v.is_valid({"x": "b"})


def test_nullable_without_type_wraps_in_anyof() -> None:
    spec = make_spec(
        {
            "B": {"type": "integer"},
            "A": {
                "type": "object",
                "properties": {
                    "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": True}
                },
            },
        }
    )
    v = validator(spec, "A")
    assert v.is_valid({"b": None})
    assert v.is_valid({"b": 3})
    assert not v.is_valid({"b": "x"})


def test_boolean_exclusive_bounds_become_numeric() -> None:
    spec = make_spec(
        {
            "N": {
                "type": "number",
                "minimum": 0,
                "exclusiveMinimum": True,
                "maximum": 5,
                "exclusiveMaximum": False,
            }
        }
    )
    schema = spec.target("N").schema()
    assert schema["exclusiveMinimum"] == 0
    assert "minimum" not in schema
    assert schema["maximum"] == 5
    v = validator(spec, "N")
    assert not v.is_valid(0)
    assert v.is_valid(5)


def test_read_only_removed_from_requests_write_only_from_responses() -> None:
    spec = make_spec(
        {
            "A": {
                "type": "object",
                "required": ["id", "secret", "name"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "secret": {"type": "string", "writeOnly": True},
                    "name": {"type": "string"},
                },
            }
        }
    )
    req = spec.target("A").schema()
    resp = spec.target("A:response").schema()
    assert set(req["properties"]) == {"secret", "name"}
    assert req["required"] == ["secret", "name"]
    assert set(resp["properties"]) == {"id", "name"}
    assert resp["required"] == ["id", "name"]
    # requests are closed, responses open
    assert req["additionalProperties"] is False
    assert "additionalProperties" not in resp


def test_property_named_like_a_keyword_stays_a_property() -> None:
    spec = make_spec(
        {
            "Filter": {
                "type": "object",
                "required": ["oneOf"],
                "properties": {"oneOf": {"type": "array", "items": {"type": "string"}}},
            }
        }
    )
    v = validator(spec, "Filter")
    assert v.is_valid({"oneOf": ["a"]})
    assert not v.is_valid({"oneOf": "a"})
    assert not v.is_valid({})


def test_recursive_schema_is_finite_and_validates_deeply() -> None:
    spec = make_spec(
        {
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            }
        }
    )
    v = validator(spec, "Node")
    deep: dict[str, Any] = {"value": 1}
    for _ in range(50):
        deep = {"value": 1, "children": [deep]}
    assert v.is_valid(deep)
    deep["children"][0]["children"][0]["value"] = "x"
    assert not v.is_valid(deep)


def test_pure_ref_cycle_is_refused_not_anything_nor_a_recursion_error() -> None:
    # A = B, B = A says nothing: no schema is built from it (validate must not call payloads valid,
    # generate must not print anything-values), and spec lint has the diagnostic.
    spec = make_spec(
        {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    )
    with pytest.raises(RefError, match="cycle A -> B -> A has no schema") as info:
        spec.target("A").schema()
    assert info.value.pointer == "/components/schemas/B"
    assert any(d.rule == "spec.ref-cycle" for d in spec.diagnostics)


@pytest.mark.parametrize(
    ("schema", "valid", "invalid"),
    [
        # allOf [self, X]: the self-reference adds nothing; X still holds
        ({"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]}, "x", 1),
        # anyOf [self, X]: only X can ever match a finite value
        ({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]}, "x", 1),
        ({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "integer"}]}, 1, "x"),
    ],
)
def test_self_reference_in_a_combinator_is_cut_to_what_it_means(
    schema: dict[str, Any], valid: Any, invalid: Any
) -> None:
    spec = make_spec({"A": schema})
    validator = jsonschema.Draft7Validator(spec.target("A").schema())
    assert validator.is_valid(valid)
    assert not validator.is_valid(invalid)
    assert any(d.rule == "spec.ref-cycle" for d in spec.diagnostics)


@pytest.mark.parametrize(
    "schema",
    [
        {"allOf": [{"$ref": "#/components/schemas/A"}]},
        {"not": {"$ref": "#/components/schemas/A"}},
    ],
)
def test_cycles_with_nothing_else_are_refused(schema: dict[str, Any]) -> None:
    with pytest.raises(RefError, match="no schema that ends it"):
        make_spec({"A": schema}).target("A").schema()


@pytest.mark.parametrize(
    "ref", ["#/components/schemas/Nope", "#anchor", "#/info/title", "#/components/schemas/A~2B"]
)
def test_unresolvable_ref_is_a_diagnostic_and_refuses_the_schema(ref: str) -> None:
    spec = make_spec({"A": {"type": "object", "properties": {"b": {"$ref": ref}}}})
    with pytest.raises(SpecError) as info:
        spec.target("A").schema()
    (diag,) = [
        d for d in spec.diagnostics if d.rule in ("spec.ref-unresolvable", "spec.schema-not-object")
    ]
    assert info.value.pointer == diag.pointer
    assert diag.pointer in ("/components/schemas/A/properties/b", "/info/title")


DISC_SCHEMAS: dict[str, Any] = {
    "Cat": {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "meow": {"type": "boolean"}},
    },
    "Dog": {"type": "object", "properties": {"bark": {"type": "boolean"}}},  # tag undeclared
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"},
        },
    },
}


def test_discriminator_variant_table_pins_tags() -> None:
    spec = make_spec(DISC_SCHEMAS)
    target = spec.target("Pet")
    (table,) = target.variant_tables
    assert table.property == "kind"
    assert set(table.variants) == {"cat", "dog"}
    assert table.variants["dog"].component == "Dog"
    v = validator(spec, "Pet")
    assert v.is_valid({"kind": "dog", "bark": True})
    assert v.is_valid({"kind": "cat", "meow": True})
    # the pinned, closed variants are mutually exclusive: a plain oneOf validator agrees
    assert not v.is_valid({"kind": "dog", "meow": True})
    assert not v.is_valid({"kind": "bird"})
    # neither Cat nor Dog requires "kind", so the tag may be left out (see the optional-tag tests)
    assert v.is_valid({"bark": True})


def test_identical_branches_are_told_apart_by_the_tag() -> None:
    """The seed's PATCH body maps to Update*DTO schemas, two of them identical and none with the tag."""
    schemas = {
        "A": {"type": "object", "properties": {"name": {"type": "string"}}},
        "B": {"type": "object", "properties": {"name": {"type": "string"}}},
        "U": {
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
            "discriminator": {"propertyName": "provider", "mapping": {"a": "A", "b": "B"}},
        },
    }
    spec = make_spec(schemas)
    v = validator(spec, "U")
    assert v.is_valid({"provider": "a", "name": "x"})
    assert v.is_valid({"provider": "b", "name": "x"})


def test_implicit_mapping_uses_the_pinned_value_when_the_mapping_forgot_it() -> None:
    schemas = {
        "GhlTool": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string", "enum": ["ghl"]}},
        },
        "CodeTool": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string", "enum": ["code"]}},
        },
        "Tool": {
            "oneOf": [
                {"$ref": "#/components/schemas/GhlTool"},
                {"$ref": "#/components/schemas/CodeTool"},
            ],
            "discriminator": {
                "propertyName": "type",
                "mapping": {"code": "#/components/schemas/CodeTool"},
            },
        },
    }
    spec = make_spec(schemas)
    (table,) = spec.target("Tool").variant_tables
    assert set(table.variants) == {"code", "ghl"}
    assert any(d.rule == "spec.discriminator-mapping-incomplete" for d in spec.diagnostics)


def test_discriminator_inside_items_and_nested_properties() -> None:
    schemas = {
        **DISC_SCHEMAS,
        "Owner": {
            "type": "object",
            "properties": {
                "pets": {"type": "array", "items": DISC_SCHEMAS["Pet"]},
                "best": {
                    "type": "object",
                    "properties": {"pet": {"$ref": "#/components/schemas/Pet"}},
                },
            },
        },
    }
    spec = make_spec(schemas)
    tables = spec.target("Owner").variant_tables
    assert {t.pointer for t in tables} == {
        "/components/schemas/Owner/properties/pets/items",
        "/components/schemas/Pet",
    }
    v = validator(spec, "Owner")
    assert v.is_valid(
        {"pets": [{"kind": "cat"}, {"kind": "dog"}], "best": {"pet": {"kind": "dog"}}}
    )
    assert not v.is_valid({"pets": [{"kind": "cow"}]})


def test_inferred_table_for_oneof_without_discriminator() -> None:
    schemas = {
        "Num": {
            "type": "object",
            "required": ["type", "number"],
            "properties": {
                "type": {"type": "string", "enum": ["number"]},
                "number": {"type": "string"},
            },
        },
        "Sip": {
            "type": "object",
            "required": ["type", "sipUri"],
            "properties": {
                "type": {"type": "string", "enum": ["sip"]},
                "sipUri": {"type": "string"},
            },
        },
        "Dest": {
            "oneOf": [{"$ref": "#/components/schemas/Num"}, {"$ref": "#/components/schemas/Sip"}]
        },
    }
    spec = make_spec(schemas)
    (table,) = spec.target("Dest").variant_tables
    assert table.inferred
    assert table.variants["sip"].branch == 1


def test_closing_merges_allof_so_valid_payloads_still_pass() -> None:
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "Ext": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"extra": {"type": "integer"}}},
            ]
        },
    }
    spec = make_spec(schemas)
    v = validator(spec, "Ext")
    assert v.is_valid({"id": "a", "extra": 1})
    assert not v.is_valid({"id": "a", "extra": 1, "unknown": 1})
    assert not v.is_valid({"extra": 1})
    assert validator(spec, "Ext", closed=False).is_valid({"id": "a", "unknown": 1})


def test_ecma_pattern_becomes_portable_for_every_tool() -> None:
    """``/^\\p{L}+$/u`` is a JS literal Python's re rejects; the bundle holds a form both read alike."""
    spec = make_spec({"S": {"type": "string", "pattern": "/^\\p{L}[\\p{L}\\d]{0,3}$/u"}})
    schema = spec.target("S").schema()
    jsonschema.Draft7Validator.check_schema(schema)  # Python's re accepts it
    v = jsonschema.Draft7Validator(schema)
    assert v.is_valid("café")
    assert v.is_valid("Ωmega"[:4])
    assert not v.is_valid("1abc")  # must start with a letter
    assert not v.is_valid("ab٣")  # ECMA \d is ASCII only: Arabic-Indic digits do not count
    assert not v.is_valid("ab\n")  # ECMA $ does not match before a trailing newline


def test_valid_ecma_pattern_without_portable_form_moves_to_extension_keyword() -> None:
    spec = make_spec(
        {"S": {"type": "string", "pattern": "^.{1,3}$"}}
    )  # no u: JS counts UTF-16 units
    schema = spec.target("S").schema()
    assert "pattern" not in schema
    assert schema["x-ecma-pattern"] == "^.{1,3}$"
    assert any(d.rule == "spec.pattern-not-portable" for d in spec.diagnostics)


def test_invalid_pattern_is_dropped_with_an_error() -> None:
    spec = make_spec({"S": {"type": "string", "pattern": "^(unclosed$"}})
    schema = spec.target("S").schema()
    assert "pattern" not in schema and "x-ecma-pattern" not in schema
    (diag,) = [d for d in spec.diagnostics if d.rule == "spec.pattern-untranslatable"]
    assert diag.pointer == "/components/schemas/S/pattern"


def test_openapi_31_passes_through() -> None:
    spec = make_spec(
        {
            "A": {
                "type": ["string", "null"],
                "const": "x",
                "examples": ["x"],
            }
        },
        version="3.1.0",
    )
    schema = spec.target("A").schema()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    v = validator(spec, "A")
    assert v.is_valid("x")
    assert not v.is_valid("y")


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("CreateTwilioPhoneNumberDTO", "dto"),
        ("POST /phone-number", "request"),
        ("PhoneNumberController_create", "request"),
        ("PhoneNumberController_create:response:201", "response"),
        ("GET /v2/phone-number:response", "response"),
        ("PhoneNumberController_findAll:parameters", "parameters"),
    ],
)
def test_target_forms(seed_spec: Spec, target: str, kind: str) -> None:
    t = seed_spec.target(target)
    assert t.kind == kind
    jsonschema.Draft7Validator.check_schema(t.schema())


def test_allof_that_includes_itself_does_not_recurse_forever() -> None:
    spec = make_spec(
        {
            "Loop": {
                "allOf": [{"$ref": "#/components/schemas/Loop"}],
                "properties": {"a": {"type": "string"}},
            }
        }
    )
    schema = spec.target("Loop").schema()
    assert jsonschema.Draft7Validator(schema).is_valid({"a": "x"})


def test_tag_is_optional_when_no_mapped_schema_requires_it() -> None:
    """A PATCH body may leave the tag out (the server knows the stored variant); a present tag still selects."""
    schemas = {
        "A": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "a": {"type": "integer"}},
        },
        "B": {"type": "object", "properties": {"name": {"type": "string"}}},
        "U": {
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
            "discriminator": {"propertyName": "provider", "mapping": {"a": "A", "b": "B"}},
        },
    }
    spec = make_spec(schemas)
    (table,) = spec.target("U").variant_tables
    assert table.optional and table.keyword == "anyOf"
    v = validator(spec, "U")
    assert v.is_valid({"name": "x"})
    assert v.is_valid({"provider": "a", "a": 1})
    assert not v.is_valid({"provider": "b", "a": 1})  # the tag selects B, which has no 'a'
    assert not v.is_valid({"provider": "c"})


def test_tag_is_required_when_a_mapped_schema_requires_it() -> None:
    spec = make_spec(DISC_SCHEMAS | {"Cat": {**DISC_SCHEMAS["Cat"], "required": ["kind"]}})
    (table,) = spec.target("Pet").variant_tables
    assert not table.optional and table.keyword == "oneOf"
    assert not validator(spec, "Pet").is_valid({"meow": True})


def test_a_bundle_deeper_than_validators_compile_is_refused_at_its_place() -> None:
    # Within the document cap, but `nullable` without a type wraps every level in anyOf.
    node: dict[str, Any] = {"type": "string"}
    for _ in range(110):
        node = {"nullable": True, "properties": {"a": node}}
    spec = make_spec({"Deep": node})
    with pytest.raises(SpecError, match="nests more than 250 levels deep once translated") as info:
        spec.target("Deep").schema()
    assert info.value.pointer == "/components/schemas/Deep"
    assert any(d.rule == "spec.schema-too-deep" for d in spec.diagnostics)


def test_an_allof_discriminator_whose_tags_name_no_schema_is_a_spec_finding() -> None:
    # azure.com/datashare's DataSetMapping: kind's tags ("Blob", ...) have no mapping and name no
    # schema (the subtypes say x-ms-discriminator-value: Blob), so OpenAPI validators that
    # dispatch on the discriminator reject every payload; valid payloads cannot fix that.
    spec = make_spec(
        {
            "Mapping": {
                "type": "object",
                "discriminator": {"propertyName": "kind"},
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "enum": ["Blob", "Folder"]}},
            },
            "Folder": {"allOf": [{"$ref": "#/components/schemas/Mapping"}]},
        }
    )
    spec.target("Mapping").schema()
    found = [d for d in spec.diagnostics if d.rule == "spec.discriminator-target-missing"]
    assert [(d.pointer, "'Blob'" in d.message, "'Folder'" in d.message) for d in found] == [
        ("/components/schemas/Mapping/discriminator", True, False)
    ]
