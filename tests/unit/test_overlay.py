"""OpenAPI Overlay 1.0: apply_overlay / apply_overlays, and the Vapi fixes overlay on the seed spec."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracttest.errors import OverlayError
from contracttest.findings import Severity
from contracttest.openapi.overlay import apply_overlay, apply_overlays

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "overlays"
SEED_SPEC = (
    Path(__file__).resolve().parents[2] / "spec" / "vapi-phone-numbers.yaml"
)  # the seed, copied
VAPI_FIXES = ROOT / "spec" / "overlays" / "vapi-fixes.yaml"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


# ---------------------------------------------------------------------------------------------
# update


def test_update_merges_objects_recursively_and_replaces_scalars() -> None:
    doc = {"a": {"b": {"c": 1, "d": "x"}, "e": True}}
    out, findings = apply_overlay(
        doc, overlay({"target": "$.a", "update": {"b": {"c": 2, "f": None}, "g": [1]}})
    )
    assert out == {"a": {"b": {"c": 2, "d": "x", "f": None}, "e": True, "g": [1]}}
    assert findings == []


def test_update_appends_arrays_inside_the_merged_object() -> None:
    doc = {"s": {"required": ["a"], "enum": [1, 2]}}
    out, _ = apply_overlay(doc, overlay({"target": "$.s", "update": {"required": ["b", "c"]}}))
    assert out["s"]["required"] == ["a", "b", "c"]
    assert out["s"]["enum"] == [1, 2]


def test_update_replaces_member_of_another_type() -> None:
    doc = {"s": {"items": {"type": "object"}, "x": [1], "y": "str"}}
    out, _ = apply_overlay(
        doc, overlay({"target": "$.s", "update": {"items": [1], "x": {"k": 1}, "y": {"z": 1}}})
    )
    assert out["s"] == {"items": [1], "x": {"k": 1}, "y": {"z": 1}}


def test_update_on_an_array_target_appends_the_update_as_one_entry() -> None:
    doc = {"tags": ["a"], "params": [{"name": "x"}]}
    out, _ = apply_overlay(
        doc,
        overlay(
            {"target": "$.tags", "update": "b"},
            {"target": "$.params", "update": {"name": "y"}},
            {"target": "$.tags", "update": ["c", "d"]},
        ),
    )
    assert out["tags"] == ["a", "b", ["c", "d"]]
    assert out["params"] == [{"name": "x"}, {"name": "y"}]


def test_update_applies_to_every_match_with_independent_copies() -> None:
    doc: dict[str, Any] = {"paths": {"/a": {"get": {}}, "/b": {"get": {}}}}
    out, _ = apply_overlay(
        doc, overlay({"target": "$.paths[*].get", "update": {"tags": ["t"], "x": {"y": 1}}})
    )
    assert out["paths"]["/a"]["get"] == {"tags": ["t"], "x": {"y": 1}}
    assert out["paths"]["/b"]["get"] == {"tags": ["t"], "x": {"y": 1}}
    out["paths"]["/a"]["get"]["x"]["y"] = 2
    out["paths"]["/a"]["get"]["tags"].append("u")
    assert out["paths"]["/b"]["get"] == {"tags": ["t"], "x": {"y": 1}}


def test_a_node_selected_twice_is_updated_once() -> None:
    doc: dict[str, Any] = {"l": [{"tags": []}]}
    out, _ = apply_overlay(doc, overlay({"target": "$.l[0,0,-1]", "update": {"tags": ["x"]}}))
    assert out["l"] == [{"tags": ["x"]}]


def test_update_of_the_root() -> None:
    out, _ = apply_overlay({"a": 1}, overlay({"target": "$", "update": {"b": 2}}))
    assert out == {"a": 1, "b": 2}


# ---------------------------------------------------------------------------------------------
# remove


def test_remove_object_member() -> None:
    doc = {"s": {"maxLength": 20, "type": "array"}}
    out, _ = apply_overlay(doc, overlay({"target": "$.s.maxLength", "remove": True}))
    assert out == {"s": {"type": "array"}}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("$.l[0]", ["b", "c", "d", "e"]),
        ("$.l[0,2]", ["b", "d", "e"]),
        ("$.l[2,0]", ["b", "d", "e"]),
        ("$.l[1:4]", ["a", "e"]),
        ("$.l[0,0]", ["b", "c", "d", "e"]),
        ("$.l[-1]", ["a", "b", "c", "d"]),
        ("$.l[*]", []),
        ("$.l[?@=='b' || @=='e']", ["a", "c", "d"]),
    ],
)
def test_remove_array_elements_from_the_highest_index_down(
    target: str, expected: list[str]
) -> None:
    out, findings = apply_overlay({"l": list("abcde")}, overlay({"target": target, "remove": True}))
    assert out["l"] == expected
    assert findings == []


def test_remove_nested_matches_of_one_target() -> None:
    # `$..[?@.x]` selects an object and an object inside it; both go, in any order.
    doc = {"a": {"x": 1, "b": {"x": 2}}, "c": [{"x": 3}, {"y": 4}, {"x": 5, "z": [{"x": 6}]}]}
    out, _ = apply_overlay(doc, overlay({"target": "$..[?@.x]", "remove": True}))
    assert out == {"c": [{"y": 4}]}


def test_remove_the_root_is_an_error() -> None:
    with pytest.raises(OverlayError) as info:
        apply_overlay({"a": 1}, overlay({"target": "$", "remove": True}), source="o.yaml")
    assert info.value.pointer == "/actions/0/target"
    assert "root" in info.value.message


# ---------------------------------------------------------------------------------------------
# selection, ordering, findings


def test_actions_apply_in_order_on_the_previous_result() -> None:
    doc: dict[str, Any] = {"a": {}}
    out, findings = apply_overlay(
        doc,
        overlay(
            {"target": "$.a", "update": {"b": {"c": 1}}},
            {"target": "$.a.b", "update": {"d": 2}},
            {"target": "$.a.b.c", "remove": True},
            {"target": "$.a.b.c", "remove": True},
        ),
    )
    assert out == {"a": {"b": {"d": 2}}}
    assert [f.pointer for f in findings] == ["/actions/3"]


def test_filter_on_operation_id_and_keys_with_special_characters() -> None:
    spec = load(SEED_SPEC)
    out, findings = apply_overlay(
        spec,
        overlay(
            {
                "target": "$.paths[*][?@.operationId=='PhoneNumberController_update']",
                "update": {"x-patched": True},
            },
            {"target": "$.paths['/phone-number/{id}'].delete", "update": {"deprecated": True}},
        ),
    )
    assert findings == []
    item = out["paths"]["/phone-number/{id}"]
    assert item["patch"]["x-patched"] is True
    assert item["delete"]["deprecated"] is True
    tagged = [
        (path, method)
        for path, ops in out["paths"].items()
        for method, op in ops.items()
        if op.get("x-patched")
    ]
    assert tagged == [("/phone-number/{id}", "patch")]


def test_recursive_filter_finds_object_types_with_enums_in_the_seed() -> None:
    spec = load(SEED_SPEC)
    out, _ = apply_overlay(
        spec,
        overlay({"target": "$..[?@.type=='object' && @.enum]", "update": {"x-hit": True}}),
    )
    schemas = out["components"]["schemas"]
    hits = sorted(
        f"{name}.{prop}"
        for name, schema in schemas.items()
        for prop, sub in schema.get("properties", {}).items()
        if sub.get("x-hit")
    )
    assert hits == ["BackoffPlan.type", "TransferPlan.sipVerb"]


def test_no_match_is_a_warning_finding() -> None:
    doc = {"a": 1}
    out, findings = apply_overlay(
        doc,
        overlay({"target": "$.a", "remove": True}, {"target": "$.missing[*]", "update": {}}),
        source="fix.yaml",
    )
    assert out == {}
    [finding] = findings
    assert finding.rule == "overlay.no-match"
    assert finding.severity is Severity.WARNING
    assert finding.pointer == "/actions/1"
    assert finding.source == "fix.yaml"
    assert "$.missing[*]" in finding.message


def test_the_input_document_is_not_mutated() -> None:
    doc = load(DATA / "petstore.yaml")
    before = copy.deepcopy(doc)
    apply_overlay(doc, load(DATA / "petstore-overlay.yaml"))
    assert doc == before


def test_yaml_aliases_become_independent_copies() -> None:
    doc = yaml.safe_load("a: &shared {type: object}\nb: *shared\n")
    assert doc["a"] is doc["b"]
    out, _ = apply_overlay(doc, overlay({"target": "$.a", "update": {"type": "string"}}))
    assert out == {"a": {"type": "string"}, "b": {"type": "object"}}


def test_petstore_fixture_gives_the_hand_written_result() -> None:
    out, findings = apply_overlay(
        load(DATA / "petstore.yaml"),
        load(DATA / "petstore-overlay.yaml"),
        source="petstore-overlay.yaml",
    )
    assert out == load(DATA / "petstore-expected.yaml")
    assert [(f.rule, f.pointer) for f in findings] == [("overlay.no-match", "/actions/6")]


def test_apply_overlays_chains_and_tags_findings_with_their_source() -> None:
    doc: dict[str, Any] = {"a": {}}
    first = overlay({"target": "$.a", "update": {"b": 1}}, {"target": "$.nothing", "remove": True})
    second = overlay({"target": "$.a.b", "remove": True}, {"target": "$.a.b", "remove": True})
    out, findings = apply_overlays(doc, [(first, "one.yaml"), (second, "two.yaml")])
    assert out == {"a": {}}
    assert doc == {"a": {}}
    assert [(f.source, f.pointer) for f in findings] == [
        ("one.yaml", "/actions/1"),
        ("two.yaml", "/actions/1"),
    ]


def test_apply_overlays_checks_every_overlay_before_applying() -> None:
    good = overlay({"target": "$.a", "update": {"b": 1}})
    bad = overlay({"target": "$.a["})
    with pytest.raises(OverlayError) as info:
        apply_overlays({"a": {}}, [(good, "good.yaml"), (bad, "bad.yaml")])
    assert info.value.source == "bad.yaml"


class FakePositions:
    """Stands in for _io's positions: a pointer -> (line, column) table."""

    def __init__(self, table: dict[str, tuple[int, int]]) -> None:
        self.table = table

    def locate(self, pointer: str) -> tuple[int, int] | None:
        return self.table.get(pointer)


def test_positions_put_line_and_column_on_errors_and_findings() -> None:
    positions = FakePositions({"/actions/0": (7, 3), "/actions/1/target": (12, 13)})
    _, findings = apply_overlay(
        {}, overlay({"target": "$.x", "remove": True}), source="o.yaml", positions=positions
    )
    assert (findings[0].line, findings[0].column) == (7, 3)
    assert str(findings[0]).startswith("o.yaml:7:3: warning: overlay.no-match")

    bad = overlay({"target": "$.x", "remove": True}, {"target": "x", "remove": True})
    with pytest.raises(OverlayError) as info:
        apply_overlay({}, bad, source="o.yaml", positions=positions)
    assert (info.value.line, info.value.column) == (12, 13)
    assert str(info.value).startswith("o.yaml:12:13 at /actions/1/target: invalid JSONPath 'x'")


# ---------------------------------------------------------------------------------------------
# malformed overlays


def _with(**changes: Any) -> dict[str, Any]:
    base = overlay({"target": "$.a", "update": {}})
    for key, value in changes.items():
        if value is _DROP:
            del base[key]
        else:
            base[key] = value
    return base


_DROP = object()


@pytest.mark.parametrize(
    ("document", "pointer", "fragment"),
    [
        pytest.param(["not", "a", "mapping"], "", "must be an object", id="not-a-mapping"),
        pytest.param(_with(overlay=_DROP), "", "missing required field 'overlay'", id="no-version"),
        pytest.param(_with(overlay="1.1.0"), "/overlay", "expected a string 1.0.x", id="v1.1"),
        pytest.param(_with(overlay="2.0.0"), "/overlay", "'2.0.0'", id="v2"),
        pytest.param(_with(overlay="1.0"), "/overlay", "1.0.x", id="two-part"),
        pytest.param(_with(overlay=1.0), "/overlay", "quote it", id="float"),
        pytest.param(_with(info=_DROP), "", "missing required field 'info'", id="no-info"),
        pytest.param(_with(info="t"), "/info", "'info' must be an object", id="info-string"),
        pytest.param(_with(info={"version": "1"}), "/info", "'info.title'", id="no-title"),
        pytest.param(_with(info={"title": "t"}), "/info", "'info.version'", id="no-info-version"),
        pytest.param(
            _with(info={"title": "t", "version": 1}), "/info/version", "string", id="num-version"
        ),
        pytest.param(
            _with(info={"title": "t", "version": "1", "owner": "me"}),
            "/info/owner",
            "unknown field 'owner'",
            id="info-unknown",
        ),
        pytest.param(_with(extends=3), "/extends", "URL string", id="extends-number"),
        pytest.param(_with(actions=_DROP), "", "missing required field 'actions'", id="no-actions"),
        pytest.param(_with(actions={"target": "$"}), "/actions", "array", id="actions-object"),
        pytest.param(_with(actions=[]), "/actions", "at least one", id="actions-empty"),
        pytest.param(_with(action="x"), "/action", "unknown field 'action'", id="top-unknown"),
    ],
)
def test_malformed_overlay_documents(document: Any, pointer: str, fragment: str) -> None:
    with pytest.raises(OverlayError) as info:
        apply_overlay({"a": {}}, document, source="bad.yaml")
    assert info.value.source == "bad.yaml"
    assert info.value.pointer == pointer
    assert fragment in info.value.message
    assert str(info.value).startswith("bad.yaml at ")


@pytest.mark.parametrize(
    ("action", "pointer", "fragment"),
    [
        pytest.param("$.a", "/actions/1", "must be an object", id="action-string"),
        pytest.param({"update": {}}, "/actions/1", "has no 'target'", id="no-target"),
        pytest.param({"target": 5, "remove": True}, "/actions/1/target", "string", id="target-num"),
        pytest.param(
            {"target": "$.a", "update": {}, "remove": True},
            "/actions/1",
            "both 'update' and 'remove: true'",
            id="update-and-remove",
        ),
        pytest.param({"target": "$.a"}, "/actions/1", "does nothing", id="neither"),
        pytest.param(
            {"target": "$.a", "remove": False}, "/actions/1", "does nothing", id="remove-false"
        ),
        pytest.param(
            {"target": "$.a", "remove": "yes"}, "/actions/1/remove", "boolean", id="remove-string"
        ),
        pytest.param(
            {"target": "$.a", "udpate": {}}, "/actions/1/udpate", "unknown field", id="typo"
        ),
        pytest.param(
            {"target": "$.a", "remove": True, "description": 1},
            "/actions/1/description",
            "string",
            id="description-number",
        ),
        pytest.param(
            {"target": "$.paths[", "remove": True},
            "/actions/1/target",
            "invalid JSONPath '$.paths['",
            id="unclosed-bracket",
        ),
        pytest.param(
            {"target": "paths.a", "remove": True},
            "/actions/1/target",
            "starting with $",
            id="no-root",
        ),
        pytest.param(
            {"target": "$.a | $.b", "remove": True},
            "/actions/1/target",
            "invalid JSONPath",
            id="non-rfc-union",
        ),
        pytest.param(
            {"target": "$[?@.a ==]", "remove": True},
            "/actions/1/target",
            "invalid JSONPath",
            id="bad-filter",
        ),
    ],
)
def test_malformed_actions_name_the_action(action: Any, pointer: str, fragment: str) -> None:
    document = overlay({"target": "$.a", "update": {"b": 1}}, action)
    with pytest.raises(OverlayError) as info:
        apply_overlay({"a": {}}, document, source="bad.yaml")
    assert info.value.pointer == pointer
    assert fragment in info.value.message


def test_extensions_are_allowed_everywhere() -> None:
    document = overlay({"target": "$.a", "update": {"b": 1}, "x-why": "because"})
    document["x-top"] = 1
    document["info"]["x-team"] = "core"
    out, _ = apply_overlay({"a": {}}, document)
    assert out == {"a": {"b": 1}}


def test_unquoted_version_from_a_yaml_file() -> None:
    with pytest.raises(OverlayError) as info:
        apply_overlay({"info": {}}, load(DATA / "version-unquoted.yaml"), source="v.yaml")
    assert info.value.pointer == "/overlay"
    assert "1.0" in info.value.message and "quote it" in info.value.message


@pytest.mark.parametrize(
    ("target", "update", "pointer", "fragment"),
    [
        ("$.a.s", {"x": 1}, "/actions/0/target", "selects a string at $['a']['s']"),
        ("$.a.n", {"x": 1}, "/actions/0/target", "selects a number"),
        ("$.a.z", {"x": 1}, "/actions/0/target", "selects a null"),
        ("$.a", "text", "/actions/0/update", "'update' must be an object"),
        ("$.a", ["x"], "/actions/0/update", "got array"),
    ],
)
def test_updates_that_cannot_be_applied(
    target: str, update: Any, pointer: str, fragment: str
) -> None:
    doc = {"a": {"s": "str", "n": 1, "z": None}}
    with pytest.raises(OverlayError) as info:
        apply_overlay(doc, overlay({"target": target, "update": update}), source="o.yaml")
    assert info.value.pointer == pointer
    assert fragment in info.value.message


# ---------------------------------------------------------------------------------------------
# The Vapi fixes overlay on the seed spec

OPENAPI_ONLY = frozenset({"nullable", "discriminator", "example", "xml", "externalDocs"})
SCHEMA_MAP_KEYS = ("properties", "patternProperties", "definitions")
SCHEMA_LIST_KEYS = ("allOf", "oneOf", "anyOf")
SCHEMA_KEYS = ("items", "additionalProperties", "not")


def to_draft7(schema: Any) -> Any:
    """An OpenAPI 3.0 Schema Object as Draft 7: OpenAPI-only keywords dropped, names kept."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in OPENAPI_ONLY:
            continue
        if key in SCHEMA_MAP_KEYS and isinstance(value, dict):
            out[key] = {name: to_draft7(sub) for name, sub in value.items()}
        elif key in SCHEMA_LIST_KEYS and isinstance(value, list):
            out[key] = [to_draft7(sub) for sub in value]
        elif key in SCHEMA_KEYS:
            out[key] = to_draft7(value)
        else:
            out[key] = value
    return out


def iter_subschemas(schema: Any, pointer: str) -> Any:
    """(pointer, schema) for a schema and every schema nested in it (not property names)."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for key in SCHEMA_MAP_KEYS:
        for name, sub in (schema.get(key) or {}).items():
            yield from iter_subschemas(sub, f"{pointer}/{key}/{name}")
    for key in SCHEMA_LIST_KEYS:
        for i, sub in enumerate(schema.get(key) or []):
            yield from iter_subschemas(sub, f"{pointer}/{key}/{i}")
    for key in SCHEMA_KEYS:
        if isinstance(schema.get(key), dict):
            yield from iter_subschemas(schema[key], f"{pointer}/{key}")


def self_contradictions(spec: dict[str, Any]) -> list[str]:
    """Pointers of component subschemas whose own example, default or enum values they reject."""
    from jsonschema import Draft7Validator

    bad: list[str] = []
    for name, component in spec["components"]["schemas"].items():
        for pointer, sub in iter_subschemas(component, f"/components/schemas/{name}"):
            if "$ref" in sub:
                continue
            check = Draft7Validator(to_draft7(sub))
            values = [sub[k] for k in ("example", "default") if k in sub]
            values += list(sub.get("enum", []))
            if any(not check.is_valid(v) for v in values):
                bad.append(pointer)
    return bad


TYPE_KEYWORDS = {
    "array": {"maxLength", "minLength", "pattern", "minimum", "maximum", "properties"},
    "string": {"maxItems", "minItems", "items", "minimum", "maximum", "properties"},
    "number": {"maxLength", "minLength", "pattern", "maxItems", "items", "properties"},
    "boolean": {"maxLength", "pattern", "maxItems", "items", "minimum", "properties"},
    "object": {"maxLength", "pattern", "maxItems", "items", "minimum"},
}


def misplaced_keywords(spec: dict[str, Any]) -> list[str]:
    """Pointers of keywords that do not apply to the type their schema declares."""
    bad: list[str] = []
    for name, component in spec["components"]["schemas"].items():
        for pointer, sub in iter_subschemas(component, f"/components/schemas/{name}"):
            wrong = TYPE_KEYWORDS.get(sub.get("type", ""), set())
            bad += [f"{pointer}/{key}" for key in sorted(wrong & set(sub))]
    return bad


def undeclared_discriminator_tags(spec: dict[str, Any]) -> list[str]:
    """Schemas named by a discriminator mapping that do not declare the tag property."""
    schemas = spec["components"]["schemas"]
    missing: set[str] = set()
    for _pointer, sub in iter_subschemas({"allOf": _all_operation_schemas(spec)}, ""):
        disc = sub.get("discriminator")
        if not disc:
            continue
        for ref in disc.get("mapping", {}).values():
            name = ref.rsplit("/", 1)[-1]
            if disc["propertyName"] not in schemas[name].get("properties", {}):
                missing.add(name)
    return sorted(missing)


def _all_operation_schemas(spec: dict[str, Any]) -> list[Any]:
    found = []
    for item in spec["paths"].values():
        for op in item.values():
            body = op.get("requestBody", {}).get("content", {})
            found += [media["schema"] for media in body.values()]
            for response in op.get("responses", {}).values():
                found += [media["schema"] for media in response.get("content", {}).values()]
    return found


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return load(SEED_SPEC)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def patched(seed: dict[str, Any]) -> dict[str, Any]:
    out, findings = apply_overlay(seed, load(VAPI_FIXES), source=str(VAPI_FIXES))
    assert [f for f in findings if f.rule == "overlay.no-match"] == []
    assert findings == []
    return out


def test_every_vapi_fix_action_matches_the_seed(seed: dict[str, Any]) -> None:
    fixes = load(VAPI_FIXES)
    for index, action in enumerate(fixes["actions"]):
        single = dict(fixes, actions=[action])
        _, findings = apply_overlay(seed, single)
        assert findings == [], f"action {index} ({action['target']}) selects nothing"


def test_seed_defects_are_found_by_the_checks(seed: dict[str, Any]) -> None:
    # The checks below would pass vacuously if they could not see the defects: show they do.
    assert sorted(self_contradictions(seed)) == [
        "/components/schemas/BackoffPlan/properties/excludedStatusCodes",
        "/components/schemas/BackoffPlan/properties/type",
        "/components/schemas/PhoneNumberCallEndingHookFilter/properties/oneOf",
        "/components/schemas/TransferPlan/properties/sipVerb",
    ]
    assert misplaced_keywords(seed) == [
        "/components/schemas/PhoneNumberCallRingingHookFilter/properties/startsWith/maxLength"
    ]
    assert undeclared_discriminator_tags(seed) == [
        "UpdateByoPhoneNumberDTO",
        "UpdateTelnyxPhoneNumberDTO",
        "UpdateTwilioPhoneNumberDTO",
        "UpdateVapiPhoneNumberDTO",
        "UpdateVonagePhoneNumberDTO",
    ]


def test_patched_spec_has_no_self_contradiction(patched: dict[str, Any]) -> None:
    assert self_contradictions(patched) == []
    assert misplaced_keywords(patched) == []
    assert undeclared_discriminator_tags(patched) == []


def test_each_vapi_fix_took_effect(seed: dict[str, Any], patched: dict[str, Any]) -> None:
    schemas = patched["components"]["schemas"]

    backoff = schemas["BackoffPlan"]["properties"]
    assert backoff["type"]["type"] == "string"
    assert backoff["type"]["enum"] == ["fixed", "exponential"]
    assert backoff["excludedStatusCodes"]["items"] == {"type": "number"}

    sip_verb = schemas["TransferPlan"]["properties"]["sipVerb"]
    assert (sip_verb["type"], sip_verb["enum"], sip_verb["default"]) == (
        "string",
        ["refer", "bye", "dial"],
        "refer",
    )

    starts_with = schemas["PhoneNumberCallRingingHookFilter"]["properties"]["startsWith"]
    assert "maxLength" not in starts_with
    assert starts_with["maxItems"] == 20
    assert starts_with["items"] == {"type": "string", "maxLength": 20, "pattern": "^[0-9]+$"}

    one_of = schemas["PhoneNumberCallEndingHookFilter"]["properties"]["oneOf"]
    reasons = seed["components"]["schemas"]["PhoneNumberCallEndingHookFilter"]["properties"][
        "oneOf"
    ]["enum"]
    assert "enum" not in one_of
    assert one_of["type"] == "array"
    assert one_of["items"] == {"type": "string", "enum": reasons}
    assert len(reasons) == 6

    for provider, dto in [
        ("byo-phone-number", "UpdateByoPhoneNumberDTO"),
        ("twilio", "UpdateTwilioPhoneNumberDTO"),
        ("vonage", "UpdateVonagePhoneNumberDTO"),
        ("vapi", "UpdateVapiPhoneNumberDTO"),
        ("telnyx", "UpdateTelnyxPhoneNumberDTO"),
    ]:
        prop = schemas[dto]["properties"]["provider"]
        assert (prop["type"], prop["enum"]) == ("string", [provider])
        assert "provider" not in schemas[dto].get("required", [])
    patch = patched["paths"]["/phone-number/{id}"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "provider"

    assert schemas["PaginationMeta"]["properties"]["nextCursor"]["type"] == "string"


def test_only_the_fixed_schemas_changed(seed: dict[str, Any], patched: dict[str, Any]) -> None:
    changed = sorted(
        name
        for name, schema in patched["components"]["schemas"].items()
        if seed["components"]["schemas"][name] != schema
    )
    assert changed == [
        "BackoffPlan",
        "PaginationMeta",
        "PhoneNumberCallEndingHookFilter",
        "PhoneNumberCallRingingHookFilter",
        "TransferPlan",
        "UpdateByoPhoneNumberDTO",
        "UpdateTelnyxPhoneNumberDTO",
        "UpdateTwilioPhoneNumberDTO",
        "UpdateVapiPhoneNumberDTO",
        "UpdateVonagePhoneNumberDTO",
    ]
    assert len(patched["components"]["schemas"]) == 36
    # and one path: the PATCH body is anyOf the update DTOs (its tag is optional), same branches
    body = ("/phone-number/{id}", "patch", "requestBody", "content", "application/json", "schema")
    before, after = seed["paths"], patched["paths"]
    for key in body:
        before, after = before[key], after[key]
    assert after["anyOf"] == before["oneOf"] and "oneOf" not in after
    assert {k: v for k, v in after.items() if k != "anyOf"} == {
        k: v for k, v in before.items() if k != "oneOf"
    }
    patched_paths = json.loads(json.dumps(patched["paths"]))
    reverted = patched_paths
    for key in body[:-1]:
        reverted = reverted[key]
    reverted["schema"] = seed["paths"]["/phone-number/{id}"]["patch"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    assert patched_paths == seed["paths"]


def test_patched_components_are_valid_draft7(patched: dict[str, Any]) -> None:
    from jsonschema import Draft7Validator

    for name, component in patched["components"]["schemas"].items():
        try:
            Draft7Validator.check_schema(to_draft7(component))
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{name}: {exc}")


def test_patched_hook_filters_accept_and_reject_what_the_server_does(
    patched: dict[str, Any],
) -> None:
    from jsonschema import Draft7Validator

    schemas = patched["components"]["schemas"]
    ringing = Draft7Validator(to_draft7(schemas["PhoneNumberCallRingingHookFilter"]))
    ok = {"type": "startsWith", "key": "number", "startsWith": ["91", "86", "7"]}
    assert ringing.is_valid(ok)
    assert not ringing.is_valid(dict(ok, startsWith=["+91"]))
    assert not ringing.is_valid(dict(ok, startsWith=["1" * 21]))
    assert not ringing.is_valid(dict(ok, startsWith=[str(i) for i in range(21)]))
    assert ringing.is_valid(dict(ok, startsWith=[str(i) for i in range(20)]))

    ending = Draft7Validator(to_draft7(schemas["PhoneNumberCallEndingHookFilter"]))
    filt = {"type": "oneOf", "key": "call.endedReason", "oneOf": ["assistant-request-failed"]}
    assert ending.is_valid(filt)
    assert not ending.is_valid(dict(filt, oneOf=["customer-ended-call"]))

    backoff = Draft7Validator(to_draft7(schemas["BackoffPlan"]))
    plan = {"type": "exponential", "maxRetries": 3, "baseDelaySeconds": 1}
    assert backoff.is_valid(dict(plan, excludedStatusCodes=[400, 401]))
    assert not backoff.is_valid(dict(plan, type="linear"))
    assert not backoff.is_valid(dict(plan, excludedStatusCodes=["400"]))


FULL_VAPI_SPEC = Path(
    os.environ.get(
        "CONTRACTTEST_VAPI_SPEC",
        Path(__file__).resolve().parents[3] / "shared" / "vapi" / "openapi.json",
    )
)


def test_vapi_fixes_on_the_current_full_vapi_spec() -> None:
    # The full spec already declares `provider` on the Update DTOs: those five actions must report
    # no-match instead of appending a second copy of the provider to the existing enum.
    import json

    if not FULL_VAPI_SPEC.is_file():
        pytest.skip(f"full Vapi spec not found at {FULL_VAPI_SPEC} (set CONTRACTTEST_VAPI_SPEC)")
    full = json.loads(FULL_VAPI_SPEC.read_text(encoding="utf-8"))
    fixes = load(VAPI_FIXES)
    out, findings = apply_overlay(full, fixes, source="vapi-fixes.yaml")
    provider_actions = [
        f"/actions/{i}"
        for i, action in enumerate(fixes["actions"])
        if "provider" in (action.get("update") or {})
    ]
    assert len(provider_actions) == 5
    assert [(f.rule, f.pointer) for f in findings] == [
        ("overlay.no-match", pointer) for pointer in provider_actions
    ]
    schemas = out["components"]["schemas"]
    assert schemas["UpdateVapiPhoneNumberDTO"]["properties"]["provider"]["enum"] == ["vapi"]
    assert schemas["BackoffPlan"]["properties"]["type"]["type"] == "string"
    assert schemas["TransferPlan"]["properties"]["sipVerb"]["type"] == "string"
    starts_with = schemas["PhoneNumberCallRingingHookFilter"]["properties"]["startsWith"]
    assert "maxLength" not in starts_with


def test_patched_seed_enums_have_no_duplicates(patched: dict[str, Any]) -> None:
    for name, component in patched["components"]["schemas"].items():
        for pointer, sub in iter_subschemas(component, name):
            enum = sub.get("enum", [])
            assert len(enum) == len({json_key(v) for v in enum}), pointer


def json_key(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True)
