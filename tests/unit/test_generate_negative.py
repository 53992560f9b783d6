"""Labelled mutations (contracttest.generate.negative) on the seed spec."""

from __future__ import annotations

from typing import Any

import pytest

from contracttest.findings import Finding, Severity
from contracttest.generate.core import generator_for
from contracttest.generate.negative import (
    DELETE,
    Mutation,
    Violation,
    accepts,
    apply,
    mutations,
)
from contracttest.openapi import Spec
from contracttest.strategies import examples, invalid
from contracttest.validate import validate

BYO = {
    "provider": "byo-phone-number",
    "credentialId": "cred",
    "number": "+14155550100",
    "name": "main line",
    "fallbackDestination": {"type": "number", "number": "+14155550100", "extension": "12"},
    "hooks": [
        {
            "on": "call.ringing",
            "do": [{"type": "say", "exact": "hi"}],
            "filters": [{"type": "startsWith", "key": "number", "startsWith": ["91"]}],
        },
        {"on": "call.ending", "do": {"type": "say", "exact": "bye"}},
    ],
}


def _mutations(spec: Spec, target: str, payload: Any) -> list[Mutation]:
    g = generator_for(spec)
    plan = g.plan(target)
    method = g.validator(spec.target(target)).length_method
    return mutations(plan.root, payload, table=g.semantic.table, length_method=method)  # type: ignore[arg-type]


def _by(found: list[Mutation], rule: str, pointer: str) -> list[Mutation]:
    return [m for m in found if m.rule == rule and m.pointer == pointer]


def test_the_handwritten_payload_is_valid(fixed_spec: Spec) -> None:
    assert validate(fixed_spec, "POST /phone-number", BYO) == []


@pytest.mark.parametrize(
    ("rule", "pointer"),
    [
        ("schema.type", ""),
        ("discriminator.unknown", "/provider"),
        ("discriminator.missing", "/provider"),
        ("schema.required", "/credentialId"),
        ("schema.additionalProperties", "/unexpectedProperty"),
        ("schema.maxLength", "/name"),
        ("schema.minLength", "/fallbackDestination/extension"),
        ("schema.maxLength", "/fallbackDestination/extension"),
        ("discriminator.unknown", "/fallbackDestination/type"),
        ("phone.e164", "/number"),
        ("phone.e164", "/fallbackDestination/number"),
        ("hooks.filter.prefix", "/hooks/0/filters/0/startsWith/0"),
        ("hooks.filter.count", "/hooks/0/filters/0/startsWith"),
        ("hooks.do.shape", "/hooks/0/do"),
        ("hooks.do.shape", "/hooks/1/do"),
        ("hooks.on", "/hooks/1/on"),
    ],
)
def test_each_mutation_class_is_offered_and_confirmed(
    fixed_spec: Spec, rule: str, pointer: str
) -> None:
    found = _by(_mutations(fixed_spec, "POST /phone-number", BYO), rule, pointer)
    assert found, f"no {rule} mutation at {pointer}"
    for m in found:
        findings = validate(fixed_spec, "POST /phone-number", apply(BYO, m))
        assert accepts(findings, m.violation, semantic=m.semantic), (m, findings)


def test_e164_mutations_cover_the_six_ways_to_get_it_wrong(fixed_spec: Spec) -> None:
    found = _by(_mutations(fixed_spec, "POST /phone-number", BYO), "phone.e164", "/number")
    assert {m.value for m in found} >= {
        "14155550100",
        "+04155550100",
        "+1415555010012345",
        "+1 415 555 0100",
        "+1-415-555-0100",
    }


def test_with_the_check_off_numbers_break_the_alphanumeric_rule(fixed_spec: Spec) -> None:
    payload = {**BYO, "numberE164CheckEnabled": False, "number": "1234"}
    assert validate(fixed_spec, "POST /phone-number", payload) == []
    found = _mutations(fixed_spec, "POST /phone-number", payload)
    assert _by(found, "phone.alphanumeric", "/number")
    assert not _by(found, "phone.e164", "/number")
    # the switch itself is not mutated to another type: that would also flip the number's rule
    assert not _by(found, "schema.type", "/numberE164CheckEnabled")


def test_length_probes_count_the_way_the_server_does(fixed_spec: Spec) -> None:
    found = _mutations(fixed_spec, "POST /phone-number", BYO)
    names = {m.value: m.rule for m in found if m.pointer == "/name"}
    assert names.get("a" * 41) == "schema.maxLength"
    # 40 letters and a variation selector: 41 code points but 40 for validator.js, so no violation
    assert "a" * 40 + "\ufe0f" not in names
    extension = {m.value: m.rule for m in found if m.pointer == "/fallbackDestination/extension"}
    # minLength 1: validator.js 13.15.22+ counts a lone variation selector (it follows nothing),
    # so it is not too short; 13.15.21 and earlier counted it 0
    assert "\ufe0f" not in extension


def test_apply_replaces_removes_and_appends() -> None:
    doc = {"a": [1, 2], "b": {"c": 3}}
    assert apply(doc, Mutation("r", "/a/1", DELETE)) == {"a": [1], "b": {"c": 3}}
    assert apply(doc, Mutation("r", "/a/2", 9)) == {"a": [1, 2, 9], "b": {"c": 3}}
    assert apply(doc, Mutation("r", "/b/c", DELETE)) == {"a": [1, 2], "b": {}}
    assert apply(doc, Mutation("r", "", 5)) == 5
    assert doc == {"a": [1, 2], "b": {"c": 3}}


def _finding(rule: str, pointer: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(rule=rule, severity=severity, pointer=pointer, message="m")


def test_accepts_wants_the_label_and_nothing_elsewhere() -> None:
    label = Violation("schema.maxLength", "/a/b")
    assert accepts([_finding("schema.maxLength", "/a/b")], label)
    assert accepts(
        [_finding("schema.maxLength", "/a/b"), _finding("schema.pattern", "/a/b")], label
    )
    assert accepts(
        [_finding("schema.maxLength", "/a/b"), _finding("x.y", "/a/c", Severity.WARNING)], label
    )
    assert not accepts([], label)
    assert not accepts([_finding("schema.pattern", "/a/b")], label)
    assert not accepts([_finding("schema.maxLength", "/a/b"), _finding("schema.type", "/z")], label)
    # siblings only for semantic rules
    sibling = [_finding("schema.maxLength", "/a/b"), _finding("hooks.on", "/a/c")]
    assert not accepts(sibling, label)
    assert accepts(sibling, label, semantic=True)


def test_invalid_rules_filter(fixed_spec: Spec) -> None:
    got = examples(invalid(fixed_spec, "CreateByoPhoneNumberDTO", rules=["phone.*"]), 8, seed=3)
    assert got and all(case.violation.rule.startswith("phone.") for case in got)


def test_invalid_examples_are_reproducible(fixed_spec: Spec) -> None:
    a = examples(invalid(fixed_spec, "POST /phone-number"), 6, seed=11)
    b = examples(invalid(fixed_spec, "POST /phone-number"), 6, seed=11)
    assert [(c.payload, c.violation) for c in a] == [(c.payload, c.violation) for c in b]


def test_invalid_examples_shrink_to_small_readable_payloads(fixed_spec: Spec) -> None:
    from hypothesis import find, settings

    found = find(
        invalid(fixed_spec, "TransferDestinationNumber", rules=["phone.e164"]),
        lambda case: case.violation.pointer == "/number",
        settings=settings(database=None, max_examples=200),
    )
    assert found.payload == {"type": "number", "number": "14155550100"}
    assert found.violation.rule == "phone.e164"


def _open_spec(schemas: dict[str, Any]) -> Spec:
    from contracttest.openapi import load_spec

    doc = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    return load_spec(doc, cache=False)


# Azure's TagsResource (iothub, monitor privateLinkScopes PATCH bodies): no `type` anywhere.
UNTYPED_TAGS = {
    "description": "only the tags of a resource",
    "properties": {"tags": {"additionalProperties": {"type": "string"}}},
}


def test_untyped_objects_are_broken_where_a_type_is_declared() -> None:
    # Without `type`, a string or an array is a valid TagsResource: no schema.type mutation
    # there (it failed the validator's confirmation every time: "could not generate enough
    # examples"). The declared type of each tag value is what a value can break.
    spec = _open_spec({"TagsResource": UNTYPED_TAGS})
    found = _mutations(spec, "TagsResource", {"tags": {"env": "prod"}})
    assert [(m.rule, m.pointer) for m in found] == [("schema.type", "/tags/env")]
    bad = examples(invalid(spec, "TagsResource"), 5, seed=1)
    assert bad and all(b.violation.pointer.startswith("/tags/") for b in bad)
    for b in bad:
        assert [f.rule for f in validate(spec, "TagsResource", b.payload)] == ["schema.type"]


def test_a_schema_no_value_can_break_says_so() -> None:
    from contracttest.errors import SpecError

    spec = _open_spec({"Anything": {"properties": {"note": {"description": "free"}}}})
    with pytest.raises(SpecError, match="no invalid payload exists"):
        invalid(spec, "Anything")


def test_a_oneof_of_untyped_objects_is_broken_by_a_value_every_branch_accepts() -> None:
    # mailscript's POST /actions: oneOf of objects without `type`. A string is no type violation
    # there (each branch accepts it), and mutations inside a branch that no constant tells apart
    # cannot be labelled; every draw was filtered out. A string fits every branch: oneOf breaks.
    spec = _open_spec(
        {
            "Combine": {"properties": {"list": {"type": "array"}}, "required": ["list"]},
            "Sms": {"properties": {"text": {"type": "string"}}, "required": ["text"]},
            "Action": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Combine"},
                    {"$ref": "#/components/schemas/Sms"},
                ]
            },
        }
    )
    bad = examples(invalid(spec, "Action"), 3, seed=1)
    assert bad and {(b.violation.rule, b.violation.pointer) for b in bad} == {("schema.oneOf", "")}
    for b in bad:
        assert [f.rule for f in validate(spec, "Action", b.payload)] == ["schema.oneOf"]
