"""The rule registry (user rules) and rule tables (which rule applies where, per spec)."""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracttest.errors import SourceError, UsageError
from contracttest.findings import Finding, Severity
from contracttest.validate.rules import (
    RuleContext,
    builtin_tables,
    get_rule,
    load_rule_table,
    read_rule_table,
    register_rule,
    registered_rules,
    rule,
    run_rule,
    unregister_rule,
)

REPO = Path(__file__).resolve().parents[2]
SEED_SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
SHARED_SEED = REPO.parent / "shared" / "seeds" / "vapi-phone-numbers.openapi.yaml"
VAPI_SPEC = Path(
    os.environ.get("CONTRACTTEST_VAPI_SPEC", REPO.parent / "shared" / "vapi" / "openapi.json")
)
VAPI_TABLE = REPO / "contracttest" / "data" / "rules" / "vapi.yaml"

BUILTIN_IDS = {
    "phone.e164",
    "phone.alphanumeric",
    "length.maxLength",
    "length.minLength",
    "hooks.filter.prefix",
    "hooks.filter.count",
    "hooks.filter.reason",
    "hooks.on",
    "hooks.do.shape",
    "hooks.do.multiple",
}


@pytest.fixture
def user_rule() -> Iterator[str]:
    @rule("acme.upper", severity="warning", description="SKUs are upper case")
    def upper(value: Any, ctx: RuleContext) -> Iterator[Finding]:
        if isinstance(value, str) and value != value.upper():
            prefix = ctx.options.get("prefix", "")
            yield ctx.finding(f"{prefix}must be upper case", actual=repr(value))

    yield "acme.upper"
    if "acme.upper" in registered_rules():
        unregister_rule("acme.upper")


def test_builtin_rules_are_registered() -> None:
    assert registered_rules().keys() >= BUILTIN_IDS
    assert get_rule("hooks.do.multiple").severity is Severity.WARNING
    assert get_rule("phone.e164").severity is Severity.ERROR
    assert all(registered_rules()[r].description for r in BUILTIN_IDS)


def test_user_rule_runs_through_a_context(user_rule: str) -> None:
    registered = get_rule(user_rule)
    assert (registered.severity, registered.description) == (
        Severity.WARNING,
        "SKUs are upper case",
    )
    parent = {"sku": "ab-1", "name": "x"}
    ctx = RuleContext(
        user_rule,
        pointer="/items/0/sku",
        parent=parent,
        property_name="sku",
        options={"prefix": "SKU "},
        severity=Severity.WARNING,
        target="CreateOrderDTO",
        schema_pointer="#/components/schemas/Item/properties/sku",
    )
    [finding] = run_rule(user_rule, "ab-1", ctx)
    assert finding == Finding(
        rule="acme.upper",
        severity=Severity.WARNING,
        pointer="/items/0/sku",
        message="SKU must be upper case",
        actual="'ab-1'",
        schema_pointer="#/components/schemas/Item/properties/sku",
        target="CreateOrderDTO",
    )
    assert run_rule(user_rule, "AB-1", ctx) == []
    assert ctx.sibling("name") == "x" and ctx.sibling("nope", 0) == 0
    # Without a context: the rule's id and default severity.
    assert run_rule(user_rule, "x")[0].severity is Severity.WARNING


def test_registration_errors(user_rule: str) -> None:
    with pytest.raises(UsageError, match="already registered"):
        register_rule(user_rule, lambda value, ctx: [])
    replaced = register_rule(user_rule, lambda value, ctx: [], replace=True)
    assert get_rule(user_rule) is replaced
    with pytest.raises(UsageError, match="invalid rule id 'Nodot'"):
        register_rule("Nodot", lambda value, ctx: [])
    with pytest.raises(UsageError, match="unknown severity 'fatal'"):
        register_rule("acme.other", lambda value, ctx: [], severity="fatal")
    with pytest.raises(UsageError, match="is not callable"):
        register_rule("acme.other", "nope")  # type: ignore[arg-type]
    assert "acme.other" not in registered_rules()


def test_unknown_rule_suggests_close_ids() -> None:
    with pytest.raises(UsageError, match=r"did you mean 'phone\.e164'"):
        get_rule("phone.e165")
    with pytest.raises(UsageError, match="unknown rule id"):
        unregister_rule("acme.never")


# -- tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "servers", "applies"),
    [
        ("Vapi Phone Numbers API", ["https://api.vapi.ai"], True),
        ("Vapi API", ["https://api.vapi.ai"], True),
        ("My fork", ["https://api.vapi.ai/v2"], True),  # the server is enough
        ("VAPI API", [], True),  # the title is enough
        ("Swagger Petstore", ["https://petstore3.swagger.io/api/v3"], False),
        ("Vapid Ideas", [], False),  # a word boundary, not a substring
    ],
)
def test_vapi_table_matching(title: str, servers: list[str], applies: bool) -> None:
    table = load_rule_table(title, servers)
    assert bool(table.entries) is applies
    assert table.length_method == ("validatorjs" if applies else None)


def test_vapi_table_entries() -> None:
    table = load_rule_table("Vapi Phone Numbers API", ["https://api.vapi.ai"])
    assert table.rule_ids == BUILTIN_IDS

    def ids(component: str, prop: str | None = None) -> list[str]:
        return [e.rule for e in table.entries_for(component, prop)]

    assert ids("TransferDestinationNumber", "number") == [
        "length.maxLength",
        "length.minLength",
        "phone.e164",
        "phone.alphanumeric",
    ]
    assert ids("CreateTwilioPhoneNumberDTO", "hooks")[-6:] == [
        "hooks.on",
        "hooks.do.shape",
        "hooks.do.multiple",
        "hooks.filter.prefix",
        "hooks.filter.count",
        "hooks.filter.reason",
    ]
    assert "hooks.on" in ids("ByoPhoneNumber", "hooks")
    assert "hooks.on" not in ids("CreateAssistantDTO", "hooks")  # assistant hooks differ
    assert ids("CreateByoPhoneNumberDTO") == []  # no object-level rules
    [caller_id] = [
        e for e in table.entries_for("TransferDestinationSip", "callerId") if e.rule == "phone.e164"
    ]
    assert caller_id.severity is Severity.WARNING
    assert caller_id.options == {"allow_template": True}
    assert caller_id.source == "contracttest/data/rules/vapi.yaml" and caller_id.line


def _run(table_entries: Any, value: Any, parent: dict[str, Any]) -> list[str]:
    return [
        f.rule
        for entry in table_entries
        for f in entry.run(
            value,
            pointer="/number",
            parent=parent,
            length_method="validatorjs",
            schema={"minLength": 3, "maxLength": 40},
        )
    ]


@pytest.mark.parametrize(
    ("parent", "rules"),
    [
        ({"number": "1234"}, ["phone.e164"]),  # absent: the spec default (true)
        ({"number": "1234", "numberE164CheckEnabled": True}, ["phone.e164"]),
        ({"number": "1234", "numberE164CheckEnabled": False}, []),
        ({"number": "12 34", "numberE164CheckEnabled": False}, ["phone.alphanumeric"]),
        ({"number": "+14155550123"}, []),
    ],
)
def test_byo_number_depends_on_numberE164CheckEnabled(
    parent: dict[str, Any], rules: list[str]
) -> None:
    table = load_rule_table("Vapi API", [])
    entries = table.entries_for("CreateByoPhoneNumberDTO", "number")
    assert _run(entries, parent["number"], parent) == rules


def test_caller_id_allows_templates() -> None:
    table = load_rule_table("Vapi API", [])
    entries = table.entries_for("TransferDestinationNumber", "callerId")
    assert _run(entries, "{{customer.number}}", {}) == []
    [finding] = [f for e in entries for f in e.run("415 555", pointer="/callerId", parent={})]
    assert (finding.rule, finding.severity) == ("phone.e164", Severity.WARNING)


def _spec_components(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schemas: dict[str, Any] = data["components"]["schemas"]
    return schemas


def test_table_keys_name_real_schema_properties() -> None:
    specs = [p for p in (SEED_SPEC, SHARED_SEED, VAPI_SPEC) if p.exists()]
    if not specs:
        pytest.skip("neither the seed spec nor the full Vapi spec is available")
    components: dict[str, Any] = {}
    for path in specs:
        components.update(_spec_components(path))
    table = read_rule_table(VAPI_TABLE)
    for key in {e.key for e in table.entries}:
        component, _, prop = key.partition(".")
        hits = [
            name
            for name, schema in components.items()
            if fnmatch.fnmatchcase(name, component)
            and fnmatch.filter(schema.get("properties", {}), prop)
        ]
        assert hits, f"{key} names no property of any component"


def test_hook_globs_cover_every_phone_number_hooks_property() -> None:
    if not VAPI_SPEC.exists():
        pytest.skip(f"{VAPI_SPEC} is absent")
    table = read_rule_table(VAPI_TABLE)
    for name, schema in _spec_components(VAPI_SPEC).items():
        if "hooks" not in schema.get("properties", {}):
            continue
        items = json.dumps(schema["properties"]["hooks"].get("items", {}))
        is_phone_hooks = "PhoneNumberHookCallRinging" in items
        has_rules = any(e.rule == "hooks.on" for e in table.entries_for(name, "hooks"))
        assert is_phone_hooks == has_rules, name


# -- table files -------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_rule_id_names_file_and_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rules:\n"
        "  Customer.number:\n"
        "    - phone.e164\n"
        "    - rule: phone.e165\n"
        "      severity: warning\n",
    )
    with pytest.raises(UsageError) as info:
        read_rule_table(path)
    error = info.value
    assert error.source == str(path)
    assert error.line == 4
    assert error.pointer == "/rules/Customer.number/1/rule"
    text = str(error)
    assert f"{path}:4" in text
    assert "entry Customer.number/1" in text
    assert "unknown rule id 'phone.e165'" in text and "did you mean 'phone.e164'" in text


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        ("- a\n- b\n", "must be a mapping with 'rules'", 1),
        ("rule: {}\n", "unknown key(s) 'rule'", 1),
        ("rules: [phone.e164]\n", "'rules' must map", 1),
        ("rules:\n  'A B': phone.e164\n", "invalid key 'A B'", 2),
        ("rules:\n  A.b: 7\n", "expected a rule id or a mapping", 2),
        ("rules:\n  A.b: {rule: phone.e164, colour: red}\n", "unknown key(s) 'colour'", 2),
        ("rules:\n  A.b: {rule: phone.e164, severity: fatal}\n", "unknown severity 'fatal'", 2),
        ("rules:\n  A.b: {rule: phone.e164, options: [1]}\n", "'options' must be a mapping", 2),
        (
            "rules:\n  A.b:\n    rule: phone.e164\n    when: {equals: false}\n",
            "needs 'property'",
            4,
        ),
        (
            "rules:\n  A.b:\n    rule: phone.e164\n    when: {property: x}\n",
            "exactly one of 'equals' or 'not_equals'",
            4,
        ),
        ("length: {method: graphemes}\n", "'length.method' must be one of", 1),
        ("match: {title: '('}\n", "not a valid regex", 1),
        ("match: {servers: [1]}\n", "'match.servers' must be a list of strings", 1),
        ("match: {host: x}\n", "unknown key(s) in 'match'", 1),
    ],
)
def test_malformed_tables(tmp_path: Path, text: str, fragment: str, line: int) -> None:
    with pytest.raises(UsageError) as info:
        read_rule_table(write(tmp_path, text))
    assert fragment in str(info.value)
    assert info.value.line == line


def test_yaml_syntax_error_has_a_position(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        read_rule_table(write(tmp_path, "rules:\n  A.b: [unclosed\n"))
    assert info.value.line is not None and info.value.column is not None


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read rule table"):
        read_rule_table(tmp_path / "nope.yaml")


def test_user_table_with_a_user_rule(tmp_path: Path, user_rule: str) -> None:
    path = write(
        tmp_path,
        "name: acme\n"
        "length: {method: utf16}\n"
        "rules:\n"
        "  Item.sku: {rule: acme.upper, options: {prefix: 'SKU '}}\n"
        "  'Item*':\n"
        "    rule: acme.upper\n"
        "    note: object level, for illustration\n",
    )
    # No `match`: a user table applies to every spec, after the built-in ones.
    table = load_rule_table("Vapi API", [], tables=[path])
    assert table.length_method == "utf16"
    assert table.sources[-1] == str(path)
    [entry] = table.entries_for("Item", "sku")[-1:]
    assert entry.rule == "acme.upper" and entry.severity is None
    [finding] = entry.run("ab", pointer="/sku")
    assert (finding.message, finding.severity) == ("SKU must be upper case", Severity.WARNING)
    assert [e.note for e in table.entries_for("ItemList")] == ["object level, for illustration"]
    only_user = load_rule_table("Petstore", [], tables=[path], builtin=False)
    assert only_user.name == "acme" and only_user.rule_ids == {"acme.upper"}


def test_builtin_tables_parse() -> None:
    names = [t.name for t in builtin_tables()]
    assert "vapi" in names


def test_tables_and_entries_are_hashable() -> None:
    table = load_rule_table("Vapi API", [])
    assert len({table, *table.entries}) == len(table.entries) + 1
