"""The coverage enumeration on the seed spec's create body: deterministic, every way of every
semantic rule, places through unions and arrays, and each unit's payload breaking only it."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from contracttest.generate.boundary import NO_VALUE
from contracttest.generate.core import generator_for
from contracttest.openapi import load_spec
from contracttest.runner.enumeration import Enumeration, reach, sites
from contracttest.validate import get_validator
from contracttest.validate._report import blames_spec

CREATE = "PhoneNumberController_create"


@pytest.fixture(scope="module")
def create(fixed_spec: Any) -> Enumeration:
    target = f"{CREATE}:request"
    gen = generator_for(fixed_spec)
    return Enumeration(
        CREATE,
        "body",
        gen.plan(target).root,
        gen.validator(fixed_spec.target(target)),
        gen.semantic.table,
        blames_spec=blames_spec,
    )


def ways(e: Enumeration, rule: str, variant: str = "provider='byo-phone-number'") -> set[str]:
    return {u.way for u in e.units if u.rule == rule and u.variant == variant}


def test_the_enumeration_is_deterministic(fixed_spec: Any, create: Enumeration) -> None:
    target = f"{CREATE}:request"
    gen = generator_for(fixed_spec)
    again = Enumeration(
        CREATE,
        "body",
        gen.plan(target).root,
        gen.validator(fixed_spec.target(target)),
        gen.semantic.table,
    )
    assert [u.key for u in again.units] == [u.key for u in create.units]


def test_every_way_of_every_semantic_rule_is_a_unit(create: Enumeration) -> None:
    # E.164: no '+', country code 0, more than 15 digits, letters (and spaces, dashes); "too
    # short" needs fewer than 3 characters, which this schema's minLength already forbids
    assert {
        "E.164 with no '+'",
        "E.164 with leading 0",
        "E.164 with 16 digits",
        "E.164 with letters",
    } <= ways(create, "phone.e164")
    # the alphanumeric rule, which only holds with numberE164CheckEnabled: false
    assert ways(create, "phone.alphanumeric") == {
        "number with dashes",
        "number with spaces",
        "number with symbols",
    }
    assert ways(create, "hooks.filter.prefix") == {
        "prefix with '+'",
        "prefix letters",
        "prefix empty",
    }
    assert ways(create, "hooks.filter.count") == {"21 prefixes"}
    assert ways(create, "hooks.filter.reason") == {"an ended reason outside the six"}
    assert ways(create, "hooks.do.shape") == {"ringing do as one object", "ending do as an array"}
    assert ways(create, "hooks.on")


def test_places_reach_through_unions_and_arrays(create: Enumeration) -> None:
    byo = [u for u in create.units if u.variant == "provider='byo-phone-number'"]
    locations = {u.location for u in byo}
    # both branches of the fallback destination, and a hook's transfer destination three unions
    # deep (hooks[] -> do[] -> destination), probed where it is reached again
    assert "/fallbackDestination/number" in locations
    assert "/fallbackDestination/sipUri" in locations
    assert any(loc.startswith("/hooks/*/do/*/destination/") for loc in locations)
    # every variant of the body has its own negative units (an edge is its schema node's)
    assert len({u.variant for u in create.units if u.kind == "negative"}) == 5
    assert {u.variant for u in create.units if u.kind == "edge"} == {""}
    # the runner's own ways: null where the schema does not allow it, and a swapped tag
    assert any(u.way == "null" and u.location == "/name" for u in byo)
    assert any(u.rule == "discriminator.swapped" and u.location == "/provider" for u in byo)


def test_each_units_payload_breaks_only_it(fixed_spec: Any, create: Enumeration) -> None:
    validator = get_validator(fixed_spec, f"{CREATE}:request")
    sample = [u for u in create.units if u.kind == "negative"][::7]
    assert len(sample) > 100
    for unit in sample:
        planned = create.plan(unit)
        assert planned is not None and planned.reason is None, (unit, planned)
        assert planned.violation is not None
        found = [f for f in validator.iter_findings(planned.payload) if f.severity.name == "ERROR"]
        assert found, unit
        if unit.rule not in ("discriminator.swapped", "schema.type"):
            assert any(f.rule == unit.rule for f in found), (unit, [f.rule for f in found])


def test_valid_edges_hold_every_enum_value_and_are_valid(
    fixed_spec: Any, create: Enumeration
) -> None:
    validator = get_validator(fixed_spec, f"{CREATE}:request")
    edges = [u for u in create.units if u.kind == "edge"]
    assert edges
    for unit in edges[::5]:
        planned = create.plan(unit)
        assert planned is not None and validator.is_valid(planned.payload), unit
    enum_values = Counter(u.location for u in edges if u.way.startswith("enum value"))
    assert enum_values["/hooks/*/filters/*/oneOf/*"] == 6  # the six assistant-request reasons


def test_reach_builds_the_simplest_payload_along_a_path(create: Enumeration) -> None:
    places, left_out = sites(create.root)
    assert left_out == 0
    deep = next(p for p in places if p.pattern == "/hooks/*/filters/*/startsWith/*")
    value = reach(create.root, deep.steps)
    assert isinstance(value, dict) and value["hooks"][0]["filters"][0]["startsWith"]


def test_an_array_of_items_with_no_simple_value_never_carries_the_sentinel(tmp_path: Any) -> None:
    # chime.json: Tags (minItems 1) of objects whose members have no simplest value; copying
    # the "no value" sentinel into the array made a payload that could not be sent
    spec_file = tmp_path / "tags.json"
    spec_file.write_text(json.dumps(TAGS_SPEC))
    spec = load_spec(str(spec_file))
    target = "POST /things:request"
    gen = generator_for(spec)
    root = gen.plan(target).root
    places, _ = sites(root)
    for place in places:
        value = reach(root, place.steps)
        if value is not NO_VALUE:  # no value at all is fine; a value holding the sentinel is not
            json.dumps(value)
    e = Enumeration("things", "body", root, gen.validator(spec.target(target)), gen.semantic.table)
    for unit in e.units:
        planned = e.plan(unit)
        if planned is not None and planned.reason is None:
            json.dumps(planned.payload)  # every payload the runner would send is JSON


_TAG_MEMBER = {"allOf": [{"type": "string", "minLength": 1, "format": "password"}, {}]}
TAGS_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["Name"],
                                "properties": {
                                    "Name": {"type": "string", "minLength": 1},
                                    "Tags": {
                                        "type": "array",
                                        "minItems": 1,
                                        "items": {"$ref": "#/components/schemas/Tag"},
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {
        "schemas": {
            "Tag": {
                "type": "object",
                "required": ["Key", "Value"],
                "properties": {"Key": _TAG_MEMBER, "Value": _TAG_MEMBER},
            }
        }
    },
}
