"""Spec lint: one small spec per rule, the seed spec's findings as a fixture, the Vapi fixes overlay,
and (slow) parity with openapi-spec-validator on the full Vapi spec.

Regenerate the seed fixture after a deliberate change to the rules with
``CONTRACTTEST_UPDATE_FIXTURES=1 pytest tests/unit/test_speclint.py -k seed_fixture`` and review the diff.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contracttest import _pointer
from contracttest.findings import Finding, Severity
from contracttest.openapi import Spec, load_spec
from contracttest.openapi.speclint import (
    RULES,
    LintContext,
    lint_spec,
    run_rule,
    spec_rule,
    summarize,
)

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "tests" / "data" / "specs"
FIXTURE = REPO / "tests" / "data" / "speclint" / "seed-findings.json"
SEED = REPO / "spec" / "vapi-phone-numbers.yaml"  # byte for byte the seed (spec/MANIFEST.json)
FIXES = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
VAPI = Path(
    os.environ.get("CONTRACTTEST_VAPI_SPEC", REPO.parent / "shared" / "vapi" / "openapi.json")
)


def make_spec(schemas: dict[str, Any], version: str = "3.0.3", **extra: Any) -> Spec:
    doc = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": extra.pop("paths", {}),
        "components": {"schemas": schemas},
        **extra,
    }
    return Spec(doc, source="<test>", sha256="0")


def body_op(schema: dict[str, Any]) -> dict[str, Any]:
    """A ``paths`` object with one POST whose JSON body is ``schema``."""
    return {
        "/x": {
            "post": {
                "operationId": "post",
                "requestBody": {"content": {"application/json": {"schema": schema}}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    }


def load(path: Path, overlays: tuple[Path, ...] = ()) -> Spec:
    return load_spec(path, overlays=overlays, cache=False)


def spec_file(name: str) -> Spec:
    return load(SPECS / name)


def by_pointer(findings: list[Finding], rule: str | None = None) -> dict[str, Finding]:
    return {f.pointer: f for f in findings if rule is None or f.rule == rule}


# ------------------------------------------------------------------------------------ registry


def test_registry_holds_every_documented_rule() -> None:
    assert {
        "schema.unsatisfiable",
        "schema.default-invalid",
        "schema.example-invalid",
        "schema.keyword-type-mismatch",
        "discriminator.property-undeclared",
        "discriminator.target-missing",
        "discriminator.tag-mismatch",
        "oneOf.ambiguous",
        "components.unused",
        "components.missing",
        "pattern.untranslatable",
    } <= set(RULES)
    assert all(rule.summary and rule.summary != rule.id for rule in RULES.values())


def test_a_rule_id_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="registered twice"):

        @spec_rule("schema.unsatisfiable")
        def again(ctx: LintContext) -> Iterator[Finding]:
            yield from ()


def test_unknown_rule_ids_are_refused() -> None:
    spec = make_spec({})
    with pytest.raises(KeyError, match="no spec lint rule 'nope'"):
        run_rule(spec, "nope")
    with pytest.raises(KeyError, match="nope"):
        lint_spec(spec, rules=["nope"])


# ------------------------------------------------------------------------------------ unsatisfiable


def test_type_contradicting_enum_on_a_required_property_sinks_every_dto_that_needs_it() -> None:
    spec = spec_file("unsatisfiable.yaml")
    got = by_pointer(run_rule(spec, "schema.unsatisfiable"))
    mode = got["/components/schemas/Plan/properties/mode"]
    assert mode.severity is Severity.ERROR
    assert "`type: object` contradicts enum" in mode.message
    assert "it is required" in mode.message
    # Plan requires mode; Holder requires plan; the request body is Holder.
    assert "Plan, Holder, the request body of POST /plans" in mode.message
    assert mode.suggestion == "set `type: string` to match the enum (or fix the enum)"
    assert mode.target == "Plan"
    assert mode.line is not None and mode.source is not None


def test_an_optional_unsatisfiable_property_is_a_warning_that_says_so() -> None:
    got = by_pointer(run_rule(spec_file("unsatisfiable.yaml"), "schema.unsatisfiable"))
    verb = got["/components/schemas/Plan/properties/verb"]
    assert verb.severity is Severity.WARNING
    assert "it is optional" in verb.message


@pytest.mark.parametrize(
    ("prop", "why", "fix"),
    [
        ("name", "`minLength: 5` is above `maxLength: 2`", "relax or remove"),
        ("tags", "`type: array` contradicts enum", "move the enum into `items`"),
        ("count", "no integer lies between 1.2 and 1.8", "relax or remove"),
        ("never", "`not: {}` rejects every value", "relax or remove"),
        (
            "maybe",
            "so only null satisfies it",
            "relax the keywords that exclude every listed value",
        ),
    ],
)
def test_local_contradictions(prop: str, why: str, fix: str) -> None:
    got = by_pointer(run_rule(spec_file("unsatisfiable.yaml"), "schema.unsatisfiable"))
    f = got[f"/components/schemas/Holder/properties/{prop}"]
    assert why in f.message
    assert f.suggestion is not None and f.suggestion.startswith(fix)


@pytest.mark.parametrize(
    ("schema", "why"),
    [
        ({"type": "string", "enum": []}, "`enum` is empty"),
        ({"type": "string", "const": "a", "enum": ["b"]}, '`const` "a" is not in the enum'),
        (
            {"type": "number", "minimum": 3, "maximum": 2},
            "lower bound 3 is above the upper bound 2",
        ),
        ({"type": "number", "minimum": 2, "exclusiveMinimum": True, "maximum": 2}, "lower bound 2"),
        ({"type": "number", "exclusiveMinimum": 2, "maximum": 2}, "lower bound 2"),
        ({"type": "array", "minItems": 3, "maxItems": 1}, "`minItems: 3` is above `maxItems: 1`"),
        (
            {"type": "object", "required": ["a", "b"], "maxProperties": 1},
            "exceed `maxProperties: 1`",
        ),
        ({"type": "string", "enum": ["ab", "cd"], "pattern": "^x"}, "does not match pattern"),
        ({"type": "integer", "enum": [5], "maximum": 3}, "5 is above the maximum 3"),
        ({"type": "string", "allOf": [{"type": "integer"}]}, "allOf member"),
    ],
)
def test_more_contradictions(schema: dict[str, Any], why: str) -> None:
    spec = make_spec({"A": {"type": "object", "properties": {"p": schema}}})
    (f,) = run_rule(spec, "schema.unsatisfiable")
    assert f.pointer == "/components/schemas/A/properties/p"
    assert why in f.message


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "enum": ["a"]},
        {"type": "number", "minimum": 1, "maximum": 1},
        {"type": "integer", "minimum": 1.2, "maximum": 2},
        {"type": "number", "minimum": 1.2, "maximum": 1.8},
        {"minLength": 5, "maxLength": 2},  # no type: any number still satisfies it
        {"type": ["string", "integer"], "minLength": 5, "maxLength": 2},
        {"type": "integer", "enum": [1.0]},  # 1.0 is an integer
        {"type": "string", "nullable": True, "enum": [None, "a"]},
        {"type": "string", "enum": ["ab"], "pattern": "/^A/i"},
        {"not": {"type": "string"}},
    ],
)
def test_satisfiable_schemas_are_not_flagged(schema: dict[str, Any]) -> None:
    spec = make_spec({"A": {"type": "object", "properties": {"p": schema}}})
    assert run_rule(spec, "schema.unsatisfiable") == []


def test_unsatisfiability_follows_items_allof_and_dead_oneof_branches() -> None:
    dead = {"type": "string", "enum": [1]}
    spec = make_spec(
        {
            "Dead": dead,
            "List": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/components/schemas/Dead"},
            },
            "Both": {"allOf": [{"$ref": "#/components/schemas/List"}]},
            "Either": {"oneOf": [{"$ref": "#/components/schemas/Dead"}, {"type": "string"}]},
            "Neither": {"oneOf": [{"$ref": "#/components/schemas/Dead"}, {"not": {}}]},
        }
    )
    got = by_pointer(run_rule(spec, "schema.unsatisfiable"))
    dead_f = got["/components/schemas/Dead"]
    assert dead_f.severity is Severity.ERROR
    assert "no valid payload exists for Dead, List, Both, Neither" in dead_f.message
    assert "Either" not in dead_f.message
    branch = got["/components/schemas/Neither/oneOf/1"]
    assert "Neither" in branch.message


def test_an_unsatisfiable_component_says_so_without_calling_itself_required() -> None:
    (f,) = run_rule(make_spec({"Dead": {"type": "string", "enum": [1]}}), "schema.unsatisfiable")
    assert f.message.endswith("; no valid payload exists for Dead")


def test_request_bodies_behind_a_ref_are_named_too() -> None:
    dead = {"$ref": "#/components/schemas/Dead"}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {"$ref": "#/components/requestBodies/Body"},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {
            "schemas": {"Dead": {"type": "object", "enum": ["x"]}},
            "requestBodies": {"Body": {"content": {"application/json": {"schema": dead}}}},
        },
    }
    (f,) = run_rule(Spec(doc, source="<test>", sha256="0"), "schema.unsatisfiable")
    assert f.message.endswith("no valid payload exists for Dead, the request body of POST /x")


def test_a_dead_oneof_branch_is_only_a_warning() -> None:
    spec = make_spec({"E": {"oneOf": [{"type": "string", "enum": [1]}, {"type": "string"}]}})
    (f,) = run_rule(spec, "schema.unsatisfiable")
    assert f.severity is Severity.WARNING
    assert "dead oneOf branch" in f.message


def test_unsatisfiable_items_leave_the_empty_array() -> None:
    spec = make_spec({"A": {"type": "array", "items": {"not": {}}}})
    (f,) = run_rule(spec, "schema.unsatisfiable")
    assert f.pointer == "/components/schemas/A/items"
    assert f.severity is Severity.WARNING
    assert "the array can only ever be empty" in f.message


def test_recursive_schemas_terminate_and_are_not_claimed_unsatisfiable() -> None:
    spec = make_spec(
        {
            "Node": {
                "type": "object",
                "required": ["next"],
                "properties": {"next": {"$ref": "#/components/schemas/Node"}},
            }
        }
    )
    assert run_rule(spec, "schema.unsatisfiable") == []


# ------------------------------------------------------------------------------------ values


def test_defaults_that_break_their_schema_are_errors() -> None:
    got = by_pointer(run_rule(spec_file("values.yaml"), "schema.default-invalid"))
    assert set(got) == {"/components/schemas/Account/properties/retries/default"}
    f = got["/components/schemas/Account/properties/retries/default"]
    assert f.severity is Severity.ERROR
    assert "'three' is not of type 'integer'" in f.message
    assert f.actual == '"three"'
    assert f.schema_pointer == "/components/schemas/Account/properties/retries"


def test_examples_are_checked_everywhere_they_can_be_written() -> None:
    got = by_pointer(run_rule(spec_file("values.yaml"), "schema.example-invalid"))
    assert set(got) == {
        "/components/schemas/Account/properties/name/example",
        "/components/schemas/Account/properties/planExample/example",
        "/components/schemas/Account/properties/twilioAuthToken/example",
        "/paths/~1accounts/post/parameters/0/example",
        "/paths/~1accounts/post/requestBody/content/application~1json/examples/bad/value",
    }
    assert all(f.severity is Severity.WARNING for f in got.values())
    plan = got["/components/schemas/Account/properties/planExample/example"]
    assert "'enterprise' is not one of ['free', 'pro'] at /tier" in plan.message


def test_secret_examples_are_never_rendered() -> None:
    got = by_pointer(run_rule(spec_file("values.yaml"), "schema.example-invalid"))
    f = got["/components/schemas/Account/properties/twilioAuthToken/example"]
    assert "sk-not-a-number" not in json.dumps(f.to_dict())
    assert f.actual == "[REDACTED]"


def test_secrets_nested_in_an_example_are_never_rendered() -> None:
    spec = make_spec(
        {
            "Creds": {
                "type": "object",
                "properties": {"apiKey": {"type": "string"}, "name": {"type": "string"}},
                "example": {"apiKey": 12345678, "name": "n"},
            }
        }
    )
    (f,) = run_rule(spec, "schema.example-invalid")
    assert "12345678" not in json.dumps(f.to_dict())
    assert "breaks `type` at /apiKey" in f.message


def test_examples_next_to_a_ref_are_checked_against_the_ref_target() -> None:
    plan = {"type": "object", "required": ["tier"], "properties": {"tier": {"enum": ["free"]}}}
    ref = {"$ref": "#/components/schemas/Plan"}
    spec = make_spec(
        {
            "Plan": plan,
            "A": {
                "type": "object",
                "properties": {
                    "good": {**ref, "example": {"tier": "free"}},
                    "bad": {**ref, "example": {"tier": "gold"}},
                    "wrapped": {"allOf": [ref], "example": {"tier": "free", "extra": 1}},
                },
            },
        }
    )
    got = by_pointer(run_rule(spec, "schema.example-invalid"))
    assert set(got) == {"/components/schemas/A/properties/bad/example"}


def test_examples_of_read_only_and_write_only_properties_are_accepted() -> None:
    spec = make_spec(
        {
            "User": {
                "type": "object",
                "required": ["id", "password"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "password": {"type": "string", "writeOnly": True},
                },
                "example": {"id": "u1", "password": "pw"},
            }
        }
    )
    assert run_rule(spec, "schema.example-invalid") == []


def test_null_default_of_a_nullable_schema_and_ecma_flags_are_respected() -> None:
    spec = make_spec(
        {
            "A": {
                "type": "object",
                "properties": {
                    "n": {"type": "string", "nullable": True, "default": None},
                    "code": {"type": "string", "pattern": "/^[a-z]+$/i", "example": "ABC"},
                    "word": {"type": "string", "pattern": "^\\d+$", "example": "١٢"},
                },
            }
        }
    )
    assert run_rule(spec, "schema.default-invalid") == []
    # ECMA \d is ASCII only: Arabic-Indic digits do not match it (Python's \d would say they do).
    (f,) = run_rule(spec, "schema.example-invalid")
    assert f.pointer.endswith("/word/example")


# ------------------------------------------------------------------------------------ keywords


def test_keywords_that_do_not_apply_to_the_declared_type() -> None:
    got = by_pointer(run_rule(spec_file("values.yaml"), "schema.keyword-type-mismatch"))
    assert set(got) == {
        "/components/schemas/Account/properties/prefixes/maxLength",
        "/components/schemas/Account/properties/size/minimum",
    }
    ml = got["/components/schemas/Account/properties/prefixes/maxLength"]
    assert "`maxLength` only constrains a string, but `type` is 'array'" in ml.message
    assert ml.suggestion is not None and "maxItems" in ml.suggestion


@pytest.mark.parametrize(
    ("schema", "keyword"),
    [
        ({"type": "string", "items": {"type": "string"}}, "items"),
        ({"type": "string", "properties": {"a": {}}}, "properties"),
        ({"type": "integer", "required": ["a"]}, "required"),
        ({"type": "object", "maxItems": 3}, "maxItems"),
        ({"type": "boolean", "pattern": "x"}, "pattern"),
    ],
)
def test_more_misplaced_keywords(schema: dict[str, Any], keyword: str) -> None:
    (f,) = run_rule(make_spec({"A": schema}), "schema.keyword-type-mismatch")
    assert f.pointer == f"/components/schemas/A/{keyword}"


@pytest.mark.parametrize(
    "schema",
    [
        {"maxLength": 3},
        {"type": ["string", "array"], "maxLength": 3},
        {"type": "integer", "minimum": 1},
        {"type": "string", "nullable": True, "maxLength": 3},
        {"$ref": "#/components/schemas/B", "type": "string", "items": {}},  # 3.0: siblings ignored
    ],
)
def test_keywords_that_apply_are_not_flagged(schema: dict[str, Any]) -> None:
    spec = make_spec({"A": schema, "B": {"type": "array"}})
    assert run_rule(spec, "schema.keyword-type-mismatch") == []


# ------------------------------------------------------------------------------------ discriminators


def test_discriminator_defects() -> None:
    findings = lint_spec(spec_file("discriminators.yaml"))
    disc = "/paths/~1pets/post/requestBody/content/application~1json/schema/discriminator"
    got = {(f.rule, f.pointer): f for f in findings}
    assert ("discriminator.property-undeclared", "/components/schemas/Dog") in got
    assert (
        "Dog does not declare the discriminator property 'kind'"
        in got[("discriminator.property-undeclared", "/components/schemas/Dog")].message
    )
    fish = got[("discriminator.target-missing", f"{disc}/mapping/fish")]
    assert "'#/components/schemas/Fish', which does not exist" in fish.message
    bird = got[("discriminator.tag-mismatch", f"{disc}/mapping/bird")]
    assert 'only allows ["parrot"]' in bird.message
    assert bird.schema_pointer == "/components/schemas/Bird/properties/kind"
    # the translator's own reports of the same defects are replaced, not repeated
    rules = {f.rule for f in findings}
    assert "spec.discriminator-target-missing" not in rules
    assert "spec.discriminator-tag-outside-enum" not in rules


def test_implicit_and_bare_name_mappings_are_checked_too() -> None:
    branch = {"type": "object", "properties": {"name": {"type": "string"}}}
    spec = make_spec(
        {"A": branch, "B": {"type": "object", "properties": {"t": {"enum": ["B"]}}}},
        paths=body_op(
            {
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                "discriminator": {"propertyName": "t", "mapping": {"b": "B"}},
            }
        ),
    )
    undeclared = run_rule(spec, "discriminator.property-undeclared")
    assert [f.pointer for f in undeclared] == ["/components/schemas/A"]
    (mismatch,) = run_rule(spec, "discriminator.tag-mismatch")
    assert mismatch.pointer.endswith("/discriminator/mapping/b")
    assert run_rule(spec, "discriminator.target-missing") == []


def test_discriminator_property_declared_through_allof_counts() -> None:
    base = {"type": "object", "properties": {"kind": {"type": "string"}}}
    spec = make_spec(
        {"Base": base, "A": {"allOf": [{"$ref": "#/components/schemas/Base"}]}},
        paths=body_op(
            {
                "oneOf": [{"$ref": "#/components/schemas/A"}],
                "discriminator": {"propertyName": "kind"},
            }
        ),
    )
    assert run_rule(spec, "discriminator.property-undeclared") == []


# ------------------------------------------------------------------------------------ oneOf


def _branch_validators(spec: Spec, pointer: str) -> list[jsonschema.Validator]:
    node = spec.resolve(pointer)
    out = []
    for i, branch in enumerate(node):
        schema = spec.translator.bundle(branch, _pointer.join(pointer, i), "request", False)
        out.append(jsonschema.validators.validator_for(schema)(schema))
    return out


def test_ambiguous_oneof_reports_a_witness_both_branches_accept() -> None:
    spec = spec_file("oneof.yaml")
    got = by_pointer(run_rule(spec, "oneOf.ambiguous"))
    base = "/paths/~1things/post/requestBody/content/application~1json/schema/properties"
    assert set(got) == {f"{base}/same/oneOf", f"{base}/voice/oneOf", f"{base}/codes/oneOf"}
    for name, witness in (("same", {}), ("voice", "alloy")):
        f = got[f"{base}/{name}/oneOf"]
        assert f.severity is Severity.ERROR
        assert f.actual == json.dumps(witness)
        validators = _branch_validators(spec, f"{base}/{name}/oneOf")
        assert all(v.is_valid(witness) for v in validators[:2])
    codes = got[f"{base}/codes/oneOf"]
    assert codes.severity is Severity.WARNING
    assert "possibly ambiguous" in codes.message


def test_tagged_typed_and_discriminated_oneofs_are_fine() -> None:
    pinned = {
        "type": "object",
        "required": ["t"],
        "properties": {"t": {"type": "string", "enum": ["x"]}},
    }
    closed = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {}},
        "additionalProperties": False,
    }
    spec = make_spec(
        {
            "Typed": {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
            "Enums": {"oneOf": [{"enum": ["a", "b"]}, {"enum": ["c"]}]},
            "Finite": {"oneOf": [{"enum": ["admin"]}, {"type": "string", "pattern": "^org-"}]},
            "Closed": {"oneOf": [closed, {"type": "object", "required": ["b"]}]},
            "Kinds": {
                "oneOf": [
                    {"type": "object", "required": ["v"], "properties": {"v": {"type": "string"}}},
                    {"type": "object", "properties": {"v": {"type": "integer"}}},
                ]
            },
            "Disc": {
                "oneOf": [{"type": "object"}, {"type": "object"}],
                "discriminator": {"propertyName": "t"},
            },
            "One": {"oneOf": [pinned]},
        }
    )
    assert run_rule(spec, "oneOf.ambiguous") == []


def test_integer_and_number_branches_overlap() -> None:
    spec = make_spec({"N": {"oneOf": [{"type": "integer"}, {"type": "number"}]}})
    (f,) = run_rule(spec, "oneOf.ambiguous")
    assert f.actual == "0"


def test_a_property_named_oneof_is_not_a_combinator() -> None:
    spec = make_spec(
        {
            "Filter": {
                "type": "object",
                "properties": {"oneOf": {"type": "array", "items": {"type": "string"}}},
            }
        }
    )
    assert run_rule(spec, "oneOf.ambiguous") == []


# ------------------------------------------------------------------------------------ components


def test_unused_and_missing_components() -> None:
    findings = lint_spec(spec_file("components.yaml"))
    unused = {f.pointer for f in findings if f.rule == "components.unused"}
    assert unused == {
        "/components/parameters/Offset",
        "/components/responses/NotFound",
        "/components/schemas/Orphan",
        "/components/schemas/OrphanFriend",
        "/components/schemas/Tag",
    }
    assert all(f.severity is Severity.INFO for f in findings if f.rule == "components.unused")
    missing = by_pointer(findings, "components.missing")
    assert set(missing) == {
        "/components/schemas/Item/properties/tag",
        "/paths/~1items/get/responses/404",
    }
    assert "(did you mean 'Tag'?)" in (
        missing["/components/schemas/Item/properties/tag"].suggestion or ""
    )
    assert "(did you mean 'NotFound'?)" in (
        missing["/paths/~1items/get/responses/404"].suggestion or ""
    )
    # the loader's spec.ref-unresolvable at the same place is replaced by components.missing
    assert not [f for f in findings if f.rule == "spec.ref-unresolvable" and f.pointer in missing]


def test_discriminator_mappings_reach_components() -> None:
    spec = make_spec(
        {"A": {"type": "object"}, "B": {"type": "object"}},
        paths=body_op(
            {
                "oneOf": [{"$ref": "#/components/schemas/A"}],
                "discriminator": {"propertyName": "t", "mapping": {"b": "B"}},
            }
        ),
    )
    assert run_rule(spec, "components.unused") == []


def test_subtypes_of_a_used_inheritance_parent_are_used() -> None:
    # Azure's allOf inheritance: a $ref to the parent stands for every component inheriting it
    parent = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}},
        "discriminator": {"propertyName": "kind"},
    }
    inherit = {"allOf": [{"$ref": "#/components/schemas/Parent"}, {"type": "object"}]}
    spec = make_spec(
        {
            "Parent": parent,
            "Child": inherit,
            "Grandchild": {"allOf": [{"$ref": "#/components/schemas/Child"}]},
            "Plain": {"type": "object"},
            "PlainChild": {"allOf": [{"$ref": "#/components/schemas/Plain"}]},
        },
        paths=body_op({"$ref": "#/components/schemas/Parent"}),
    )
    unused = {f.pointer for f in run_rule(spec, "components.unused")}
    # Child and Grandchild inherit the used parent (at any depth, as the translator dispatches);
    # PlainChild inherits a used schema that has no discriminator, so nothing stands for it
    assert unused == {
        "/components/schemas/Plain",
        "/components/schemas/PlainChild",
    }


# ------------------------------------------------------------------------------------ patterns


def test_untranslatable_patterns_replace_the_translator_diagnostic() -> None:
    findings = lint_spec(spec_file("values.yaml"))
    ptr = "/components/schemas/Account/properties/python/pattern"
    got = [f for f in findings if f.pointer == ptr]
    assert {f.rule for f in got} >= {"pattern.untranslatable"}
    assert "spec.pattern-untranslatable" not in {f.rule for f in got}


def test_javascript_literal_patterns_are_flagged() -> None:
    spec = make_spec(
        {
            "A": {"type": "string", "pattern": "/^\\p{L}+$/u"},
            "B": {"type": "string", "pattern": "^[a-z/]+$"},
            "C": {"type": "string", "pattern": "/^a/i"},
        }
    )
    got = by_pointer(run_rule(spec, "pattern.delimited"))
    assert set(got) == {"/components/schemas/A/pattern", "/components/schemas/C/pattern"}
    assert got["/components/schemas/A/pattern"].suggestion == "write the bare pattern '^\\\\p{L}+$'"
    assert "'u' flag(s)" in got["/components/schemas/A/pattern"].message


def test_duplicate_enum_values() -> None:
    spec = make_spec(
        {"A": {"type": "string", "enum": ["a", "b", "a", "c", "b"]}, "B": {"enum": [1, 2]}}
    )
    (f,) = run_rule(spec, "schema.enum-duplicate")
    assert f.pointer == "/components/schemas/A/enum"
    assert '["a", "b"]' in f.message


# ------------------------------------------------------------------------------------ lint_spec


def test_lint_spec_is_sorted_deduplicated_located_and_includes_loader_diagnostics() -> None:
    findings = lint_spec(spec_file("values.yaml"))
    assert findings == sorted(findings, key=Finding.sort_key)
    keys = [(f.rule, f.pointer, f.message) for f in findings]
    assert len(keys) == len(set(keys))
    assert all(f.source and f.source.endswith("values.yaml") and f.line for f in findings)
    # the meta-schema rejects the Python-only group syntax: a loader diagnostic, kept as it is
    assert "oas.structure" in {f.rule for f in findings}


@pytest.mark.parametrize(
    "doc",
    [
        {
            "openapi": "3.0.3",
            "paths": {"/a": {"parameters": "bad", "get": {"responses": {"200": []}}}, "/b": "bad"},
            "components": {
                "schemas": {
                    "A": [],
                    "B": {"properties": [], "required": "x", "enum": "y", "type": "odd"},
                    "C": {"allOf": {}, "oneOf": [1, 2], "items": 3, "not": "x"},
                    "D": {"discriminator": "x", "oneOf": []},
                    "E": {"discriminator": {"propertyName": 3}, "oneOf": [{"$ref": 5}]},
                    "F": {"type": "integer", "minimum": "a", "maximum": True, "enum": [{}, [1]]},
                    "G": {"$ref": "#/components/schemas/H"},
                    "H": {"$ref": "#/components/schemas/G"},
                    "I": {"type": "object", "properties": {"x": True}, "required": ["x", 5]},
                },
                "parameters": {"P": "x"},
                "responses": {"R": []},
            },
        },
        {
            "openapi": "3.1.0",
            "webhooks": {"w": {"post": {"requestBody": {"$ref": "#/components/requestBodies/X"}}}},
            "components": {
                "schemas": {
                    "A": {"type": ["string", "null"], "const": 3, "examples": ["x", 3]},
                    "B": False,
                    "C": {"$ref": "#/components/schemas/A", "minLength": 3, "maxLength": 1},
                    "D": {"type": "array", "prefixItems": [False], "minItems": 1},
                }
            },
        },
    ],
)
def test_malformed_specs_are_reported_not_crashed_on(doc: dict[str, Any]) -> None:
    spec = Spec({"info": {"title": "t", "version": "1"}, **doc}, source="<test>", sha256="0")
    findings = lint_spec(spec)
    assert findings
    assert all(isinstance(f, Finding) for f in findings)


def test_summary_counts() -> None:
    findings = lint_spec(spec_file("discriminators.yaml"))
    summary = summarize(findings)
    assert summary["total"] == len(findings)
    assert summary["error"] + summary["warning"] + summary["info"] == len(findings)
    assert summary["rules"]["discriminator.target-missing"] == 1


def test_rules_filter_leaves_out_loader_diagnostics() -> None:
    findings = lint_spec(spec_file("values.yaml"), rules=["schema.default-invalid"])
    assert {f.rule for f in findings} == {"schema.default-invalid"}


# ------------------------------------------------------------------------------------ seed spec


def _fixture_rows(findings: list[Finding]) -> list[dict[str, str]]:
    rows = [{"rule": f.rule, "pointer": f.pointer, "severity": str(f.severity)} for f in findings]
    return sorted(rows, key=lambda r: (r["pointer"], r["rule"], r["severity"]))


def test_seed_fixture() -> None:
    rows = _fixture_rows(lint_spec(load(SEED)))
    if os.environ.get("CONTRACTTEST_UPDATE_FIXTURES"):
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
        pytest.skip(f"regenerated {FIXTURE}")
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert rows == expected, (
        "spec lint findings on the seed spec changed; if deliberate, regenerate with "
        "CONTRACTTEST_UPDATE_FIXTURES=1 pytest tests/unit/test_speclint.py -k seed_fixture"
    )


def test_seed_findings_name_the_known_defects() -> None:
    findings = lint_spec(load(SEED))
    got = {(f.rule, f.pointer): f for f in findings}
    schemas = "/components/schemas"
    backoff = got[("schema.unsatisfiable", f"{schemas}/BackoffPlan/properties/type")]
    assert backoff.severity is Severity.ERROR and "BackoffPlan" in backoff.message
    sip = got[("schema.unsatisfiable", f"{schemas}/TransferPlan/properties/sipVerb")]
    assert sip.severity is Severity.WARNING and "optional" in sip.message
    assert ("schema.default-invalid", f"{schemas}/TransferPlan/properties/sipVerb/default") in got
    assert (
        "schema.unsatisfiable",
        f"{schemas}/PhoneNumberCallEndingHookFilter/properties/oneOf",
    ) in got
    assert (
        "schema.keyword-type-mismatch",
        f"{schemas}/PhoneNumberCallRingingHookFilter/properties/startsWith/maxLength",
    ) in got
    for provider in ("Byo", "Twilio", "Vonage", "Vapi", "Telnyx"):
        dto = f"{schemas}/Update{provider}PhoneNumberDTO"
        assert ("discriminator.property-undeclared", dto) in got


def test_the_vapi_fixes_overlay_clears_the_defects_it_targets() -> None:
    targeted = {
        ("schema.unsatisfiable", "/components/schemas/BackoffPlan/properties/type"),
        ("schema.example-invalid", "/components/schemas/BackoffPlan/properties/type/example"),
        (
            "schema.example-invalid",
            "/components/schemas/BackoffPlan/properties/excludedStatusCodes/example",
        ),
        ("schema.unsatisfiable", "/components/schemas/TransferPlan/properties/sipVerb"),
        ("schema.default-invalid", "/components/schemas/TransferPlan/properties/sipVerb/default"),
        (
            "schema.keyword-type-mismatch",
            "/components/schemas/PhoneNumberCallRingingHookFilter/properties/startsWith/maxLength",
        ),
        (
            "schema.unsatisfiable",
            "/components/schemas/PhoneNumberCallEndingHookFilter/properties/oneOf",
        ),
        *(
            ("discriminator.property-undeclared", f"/components/schemas/Update{p}PhoneNumberDTO")
            for p in ("Byo", "Twilio", "Vonage", "Vapi", "Telnyx")
        ),
    }
    before = {(f.rule, f.pointer) for f in lint_spec(load(SEED))}
    assert targeted <= before
    fixed = lint_spec(load(SEED, (FIXES,)))
    after = {(f.rule, f.pointer) for f in fixed}
    assert not targeted & after
    assert not [f for f in fixed if f.severity >= Severity.WARNING], [str(f) for f in fixed]


# ------------------------------------------------------------------------------------ full Vapi spec


@pytest.fixture(scope="module")
def vapi_doc() -> dict[str, Any]:
    if not VAPI.is_file():
        pytest.skip(f"full Vapi spec not found at {VAPI} (set CONTRACTTEST_VAPI_SPEC)")
    doc: dict[str, Any] = json.loads(VAPI.read_text(encoding="utf-8"))
    return doc


@pytest.mark.slow
def test_full_spec_load_translate_and_lint_stay_fast(vapi_doc: dict[str, Any]) -> None:
    start = time.process_time()
    spec = load(VAPI)
    findings = lint_spec(spec)
    elapsed = time.process_time() - start
    assert elapsed < 4.0, f"load + translate + lint took {elapsed:.2f}s of CPU (target < 2s)"
    rules = {f.rule for f in findings}
    assert {"schema.unsatisfiable", "oneOf.ambiguous", "schema.example-invalid"} <= rules


def _osv_pointers(doc: dict[str, Any], err: Any, index: dict[int, str]) -> list[str]:
    """Where in the spec an openapi-spec-validator error is (its paths are often relative)."""
    path = list(getattr(err, "absolute_path", []) or [])
    if path and path[0] in ("paths", "components", "info", "servers", "tags"):
        return [_pointer.from_parts(path)]
    found = []
    for obj in (getattr(err, "instance", None), getattr(err, "schema", None)):
        if isinstance(obj, (dict, list)) and id(obj) in index:
            found.append(index[id(obj)])
    message = str(getattr(err, "message", err))
    import re

    m = re.match(r"Path parameter '(.+)' for '(\w+)' operation in '(.+)' was not resolved", message)
    if m:
        found.append(_pointer.join("/paths", m[3], m[2]))
    return found


def _identity_index(doc: Any) -> dict[int, str]:
    index: dict[int, str] = {}

    def walk(node: Any, ptr: str) -> None:
        if isinstance(node, (dict, list)):
            index.setdefault(id(node), ptr)
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for k, v in items:
                walk(v, _pointer.join(ptr, k))

    walk(doc, "")
    return index


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


@pytest.mark.slow
def test_every_openapi_spec_validator_error_has_a_finding_nearby(vapi_doc: dict[str, Any]) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator

    errors = list(OpenAPIV30SpecValidator(vapi_doc).iter_errors())
    assert errors, "openapi-spec-validator found nothing: the parity check would prove nothing"
    findings = lint_spec(load(VAPI))
    pointers = [f.pointer for f in findings]
    index = _identity_index(vapi_doc)
    unmatched = []
    for err in errors:
        message = str(getattr(err, "message", err))
        if type(err).__name__ == "ParameterDuplicateError":
            name = message.split("'")[1]
            if not any(
                f.rule == "oas.duplicate-parameter" and repr(name) in f.message for f in findings
            ):
                unmatched.append(message)
            continue
        where = _osv_pointers(vapi_doc, err, index)
        if not where or not any(_related(w, p) for w in where for p in pointers):
            unmatched.append(f"{where or '?'}: {message[:200]}")
    assert unmatched == [], "\n".join(unmatched)


# ------------------------------------------------------------------------------------ oneOf overlap


def _pets(cat: dict[str, Any], dog: dict[str, Any], comb: str = "oneOf") -> Spec:
    body = {
        comb: [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    return make_spec({"Cat": cat, "Dog": dog}, paths=body_op(body))


CAT = {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["Cat"]}}}
OVERLAP_PTR = "/paths/~1x/post/requestBody/content/application~1json/schema/oneOf"


def test_a_branch_that_does_not_declare_the_tag_overlaps_the_tagged_ones() -> None:
    dog = {"type": "object", "properties": {"name": {"type": "string"}}}
    spec = _pets(CAT, dog)
    (f,) = run_rule(spec, "discriminator.oneOf-overlap")
    assert (f.pointer, f.severity) == (OVERLAP_PTR, Severity.ERROR)
    assert "picks Cat" in f.message and "Dog accepts it too" in f.message
    assert "openapi-core" in f.message and "Prism" in f.message
    # The witness is accepted by both branches: checked with jsonschema on each translated branch.
    witness = json.loads(str(f.actual))
    for name in ("Cat", "Dog"):
        schema = spec.target(name).schema(closed=False)
        assert jsonschema.Draft7Validator(schema).is_valid(witness), name


def test_branches_that_pin_their_tags_do_not_overlap() -> None:
    dog = {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["Dog"]}}}
    assert run_rule(_pets(CAT, dog), "discriminator.oneOf-overlap") == []


def test_an_optional_tag_overlaps_when_payloads_leave_it_out() -> None:
    cat = {"type": "object", "properties": {"kind": {"enum": ["Cat"]}, "name": {"type": "string"}}}
    dog = {"type": "object", "properties": {"kind": {"enum": ["Dog"]}, "name": {"type": "string"}}}
    (f,) = run_rule(_pets(cat, dog), "discriminator.oneOf-overlap")
    assert f.severity is Severity.WARNING
    assert "may leave it out" in f.message and "matches 2 branches (Cat and Dog)" in f.message
    assert f.suggestion is not None and "anyOf" in f.suggestion
    # anyOf says what the server does with an untagged body: no finding
    assert run_rule(_pets(cat, dog, "anyOf"), "discriminator.oneOf-overlap") == []


def test_the_seed_patch_body_overlaps_until_the_overlay_fixes_it() -> None:
    ptr = "/paths/~1phone-number~1{id}/patch/requestBody/content/application~1json/schema/oneOf"
    (f,) = [f for f in lint_spec(load(SEED)) if f.rule == "discriminator.oneOf-overlap"]
    assert (f.pointer, f.severity, f.line) == (ptr, Severity.ERROR, 348)
    assert "UpdateTwilioPhoneNumberDTO" in f.message
    fixed = lint_spec(load(SEED, (FIXES,)))
    assert not [f for f in fixed if f.rule == "discriminator.oneOf-overlap"]


# ------------------------------------------------------------------------------------ required


def _required(schemas: dict[str, Any]) -> dict[str, Finding]:
    return by_pointer(run_rule(make_spec(schemas), "schema.required-undeclared"))


def test_a_required_name_nobody_declares_is_reported_with_the_likely_typo() -> None:
    got = _required(
        {"A": {"type": "object", "properties": {"credentialId": {}}, "required": ["credentialID"]}}
    )
    f = got["/components/schemas/A/required/0"]
    assert f.severity is Severity.WARNING and "'credentialID'" in f.message
    assert f.suggestion is not None and "did you mean 'credentialId'" in f.suggestion


def test_a_required_name_a_closed_object_forbids_is_an_error() -> None:
    closed = {"type": "object", "properties": {"a": {}}, "additionalProperties": False}
    got = _required({"B": {**closed, "required": ["b"]}})
    f = got["/components/schemas/B/required/0"]
    assert f.severity is Severity.ERROR and "no payload can satisfy" in f.message


def test_names_declared_elsewhere_for_the_same_instance_are_fine() -> None:
    base = {"type": "object", "properties": {"id": {}, "a": {}, "b": {}}}
    got = _required(
        {
            "Base": base,
            "Child": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["id"]}]},
            "Either": {**base, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
            "Branches": {"required": ["x"], "oneOf": [{"properties": {"x": {}}}]},
            "Patterned": {
                "type": "object",
                "properties": {"a": {}},
                "patternProperties": {"^x-": {}},
                "required": ["x-trace"],
            },
            "Free": {"type": "object", "required": ["anything"]},
            "Missing": {**base, "oneOf": [{"required": ["a"]}, {"required": ["c"]}]},
        }
    )
    assert list(got) == ["/components/schemas/Missing/oneOf/1/required/0"]


# ------------------------------------------------------------------------------------ no finite value


def _pet(child: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["child"] if required else [],
        "properties": {"name": {"type": "string"}, "child": child},
    }


PET_REF = {"$ref": "#/components/schemas/Pet"}


def test_a_pet_that_requires_a_pet_has_no_finite_value() -> None:
    owner = {"type": "object", "required": ["pet"], "properties": {"pet": PET_REF}}
    spec = make_spec({"Pet": _pet(PET_REF), "Owner": owner}, paths=body_op(PET_REF))
    (f,) = run_rule(spec, "schema.no-finite-value")
    assert (f.pointer, f.severity) == ("/components/schemas/Pet", Severity.ERROR)
    assert "Pet.child -> Pet" in f.message
    assert "Owner or the request body of POST /x" in f.message
    # The generator knows the same: it has no plan for a Pet.
    from contracttest.generate.compiler import Compiler

    assert not Compiler(spec).plan(spec.target("Pet")).satisfiable


def test_mutual_recursion_names_the_cycle() -> None:
    a = {
        "type": "object",
        "required": ["b"],
        "properties": {"b": {"$ref": "#/components/schemas/B"}},
    }
    b = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"$ref": "#/components/schemas/A"}},
    }
    got = by_pointer(run_rule(make_spec({"A": a, "B": b}), "schema.no-finite-value"))
    assert "A.b -> B.a -> A" in got["/components/schemas/A"].message
    assert "B.a -> A.b -> B" in got["/components/schemas/B"].message


@pytest.mark.parametrize(
    "pet",
    [
        _pet(PET_REF, required=False),  # the link is optional
        _pet({**PET_REF, "nullable": True}),  # null ends the chain
        _pet({"type": "array", "items": PET_REF}),  # an empty list ends it
        _pet({"oneOf": [PET_REF, {"type": "string"}]}),  # a base case
        _pet({"allOf": [PET_REF]}, required=False),
    ],
)
def test_recursion_with_a_way_out_is_fine(pet: dict[str, Any]) -> None:
    assert run_rule(make_spec({"Pet": pet}), "schema.no-finite-value") == []


def test_a_non_empty_list_of_itself_has_no_finite_value() -> None:
    pet = _pet({"type": "array", "minItems": 1, "items": PET_REF})
    (f,) = run_rule(make_spec({"Pet": pet}), "schema.no-finite-value")
    assert "Pet.child.[] -> Pet" in f.message


def test_pure_ref_cycles_are_left_to_the_ref_cycle_diagnostic() -> None:
    spec = make_spec(
        {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    )
    assert run_rule(spec, "schema.no-finite-value") == []
    assert "spec.ref-cycle" in {f.rule for f in lint_spec(spec)}


# ------------------------------------------------------------------------------------ broken refs


def test_external_refs_that_cannot_be_resolved_are_reported_where_they_are(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text("Thing: {type: string}\n")
    (tmp_path / "spec.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Ok: {properties: {x: {$ref: 'other.yaml#/Thing'}}}\n"
        "    NoPointer: {properties: {x: {$ref: 'other.yaml#/Nope'}}}\n"
        "    NoFile: {properties: {x: {$ref: 'gone.yaml#/Thing'}}}\n"
    )
    got = by_pointer(run_rule(load(tmp_path / "spec.yaml"), "components.missing"))
    assert sorted(got) == [
        "/components/schemas/NoFile/properties/x",
        "/components/schemas/NoPointer/properties/x",
    ]
    assert "gone.yaml" in got["/components/schemas/NoFile/properties/x"].message
    assert got["/components/schemas/NoPointer/properties/x"].line == 7


# ------------------------------------------------------------------------------------ security


def _secured(responses: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "/things": {
            "post": {
                "operationId": "create",
                "security": [{"bearer": []}],
                "requestBody": {"content": {"application/json": {"schema": schema}}},
                "responses": responses,
            }
        }
    }


THING = {"$ref": "#/components/schemas/Thing"}
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": THING}}}}


def _security(rule: str, thing: dict[str, Any], responses: dict[str, Any] = OK) -> list[Finding]:
    spec = make_spec({"Thing": thing}, paths=_secured(responses, THING))
    return run_rule(spec, rule)


def test_security_rules_are_opt_in() -> None:
    spec = make_spec({"Thing": {"type": "object"}}, paths=_secured(OK, THING))
    assert not [f for f in lint_spec(spec) if f.rule.startswith("security.")]
    enabled = {f.rule for f in lint_spec(spec, enable=["security."])}
    assert "security.auth-responses" in enabled
    assert all(RULES[r].opt_in for r in RULES if r.startswith("security."))


def test_credentials_returned_by_a_response_are_reported() -> None:
    thing = {
        "type": "object",
        "properties": {
            "twilioAuthToken": {"type": "string", "maxLength": 64},
            "password": {"type": "string", "writeOnly": True, "maxLength": 64},
            "credentialId": {"type": "string", "maxLength": 64},
            "nextPageToken": {"type": "string", "maxLength": 64},
        },
    }
    (f,) = _security("security.credential-in-response", thing)
    assert f.pointer == "/components/schemas/Thing/properties/twilioAuthToken"
    assert f.severity is Severity.WARNING and "create response 200" in f.message
    assert f.suggestion is not None and "writeOnly" in f.suggestion


def test_url_fields_the_server_calls_are_ssrf_candidates() -> None:
    thing = {
        "type": "object",
        "properties": {
            "serverUrl": {"type": "string", "maxLength": 2000},
            "link": {"type": "string", "format": "uri", "maxLength": 2000},
            "region": {"type": "string", "enum": ["https://a.example", "https://b.example"]},
            "name": {"type": "string", "maxLength": 40},
            "readonlyUrl": {"type": "string", "readOnly": True},
        },
    }
    got = by_pointer(_security("security.ssrf-url", thing))
    assert sorted(got) == [
        "/components/schemas/Thing/properties/link",
        "/components/schemas/Thing/properties/serverUrl",
    ]
    assert "API7:2023" in got["/components/schemas/Thing/properties/serverUrl"].message


def test_secured_operations_must_document_401_or_403() -> None:
    (f,) = _security("security.auth-responses", {"type": "object"})
    assert f.pointer == "/paths/~1things/post/responses" and "bearer" in f.message
    for status in ("401", "403", "4XX", "default"):
        documented = {**OK, status: {"description": "no"}}
        assert _security("security.auth-responses", {"type": "object"}, documented) == []


def test_unbounded_request_strings_and_arrays_are_reported_per_schema() -> None:
    thing = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 10}},
            "id": {"type": "string", "format": "uuid"},
            "code": {"type": "string", "pattern": "^[0-9]{4}$"},
            "kind": {"type": "string", "enum": ["a"]},
            "note": {"type": "string", "maxLength": 100},
            "server": {"type": "string", "readOnly": True},
        },
    }
    (f,) = _security("security.unbounded-input", thing)
    assert f.pointer == "/components/schemas/Thing"
    assert "1 string has no maxLength (name)" in f.message
    assert "1 array has no maxItems (tags)" in f.message


def test_the_security_family_on_the_seed_names_what_is_true_of_the_api() -> None:
    # Not contract defects (the overlay does not touch them): what Vapi's API itself exposes.
    found = lint_spec(load(SEED, (FIXES,)), enable=["security."])
    creds = {
        f.pointer.rsplit("/", 1)[1] for f in found if f.rule == "security.credential-in-response"
    }
    assert {"twilioAuthToken", "twilioApiSecret"} <= creds and "credentialId" not in creds
    auth = [f for f in found if f.rule == "security.auth-responses"]
    assert len(auth) == len(load(SEED).operations)
    assert all(f.severity is Severity.WARNING for f in found if f.rule.startswith("security."))


# ------------------------------------------------------------------------------------ severities


def test_severity_overrides_raise_lower_and_drop() -> None:
    from contracttest.openapi.speclint import parse_severities

    spec = spec_file("discriminators.yaml")
    overrides = parse_severities(
        {
            "discriminator.": "info",
            "discriminator.tag-mismatch": "warning",
            "discriminator.target-missing": "off",
        }
    )
    got = {f.rule: f.severity for f in lint_spec(spec, severities=overrides)}
    assert got["discriminator.tag-mismatch"] is Severity.WARNING  # the most specific key wins
    assert got["discriminator.property-undeclared"] is Severity.INFO
    assert "discriminator.target-missing" not in got


def test_unknown_rules_and_levels_are_refused_with_the_place() -> None:
    from contracttest.errors import UsageError
    from contracttest.openapi.speclint import parse_severities

    with pytest.raises(UsageError, match=r"did you mean 'security\.ssrf-url'") as bad_rule:
        parse_severities({"security.ssrf-urls": "info"}, source="pyproject.toml", base="/x")
    assert bad_rule.value.pointer == "/x/security.ssrf-urls"
    with pytest.raises(UsageError, match="error, warning, info or off"):
        parse_severities({"security.": "loud"})
    assert parse_severities({"oas.structure": "off", "spec.": "info"}) == {
        "oas.structure": None,
        "spec.": Severity.INFO,
    }
