"""The deterministic boundary phase (contracttest.generate.boundary)."""

from __future__ import annotations

import re
from typing import Any

from contracttest.generate.boundary import NO_VALUE, BoundaryReport, minimal
from contracttest.generate.core import generator_for
from contracttest.openapi import Spec, load_spec
from contracttest.strategies import boundary_cases
from contracttest.validate import validate
from contracttest.validate.rules.phone import check_e164


def _spec(schemas: dict[str, Any]) -> Spec:
    doc = {
        "openapi": "3.0.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    return load_spec(doc, cache=False)


def test_minimal_payload_is_first_and_holds_only_required_members(fixed_spec: Spec) -> None:
    cases = list(boundary_cases(fixed_spec, "CreateTwilioPhoneNumberDTO", limit=5))
    first = cases[0]
    assert first.violation is None and first.description == "minimal payload"
    assert set(first.payload) == {"provider", "number", "twilioAccountSid"}


def test_every_limit_and_one_past_it() -> None:
    spec = _spec(
        {
            "S": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 2, "maxLength": 5},
                    "n": {"type": "integer", "minimum": 1, "maximum": 9},
                    "kind": {"type": "string", "enum": ["a", "b"]},
                },
                "required": ["name"],
            }
        }
    )
    cases = list(boundary_cases(spec, "S"))
    valid = [c.payload for c in cases if c.violation is None]
    invalid = {
        (c.violation.rule, c.violation.pointer, repr(c.payload.get(c.violation.pointer[1:])))
        for c in cases
        if c.violation is not None and isinstance(c.payload, dict)
    }
    assert {"name": "aaaaa"} in valid and {"name": "aa"} in valid
    assert any(v.get("n") == 1 for v in valid) and any(v.get("n") == 9 for v in valid)
    assert {v.get("kind") for v in valid} >= {"a", "b"}
    assert ("schema.maxLength", "/name", repr("a" * 6)) in invalid
    assert ("schema.minLength", "/name", repr("a")) in invalid
    assert ("schema.minimum", "/n", "0") in invalid
    assert ("schema.maximum", "/n", "10") in invalid
    assert any(rule == "schema.enum" and ptr == "/kind" for rule, ptr, _ in invalid)


def test_counting_sensitive_strings_follow_the_servers_counting(fixed_spec: Spec) -> None:
    cases = list(boundary_cases(fixed_spec, "CreateVapiPhoneNumberDTO"))
    valid_names = {c.payload.get("name") for c in cases if c.violation is None}
    # Vapi counts with validator.js: 40 letters and a variation selector fit maxLength 40
    assert "a" * 40 + "\ufe0f" in valid_names
    assert "a" * 39 + "\U0001f600" in valid_names
    by_rule = {
        c.violation.rule
        for c in cases
        if c.violation and c.violation.pointer == "/numberDesiredAreaCode"
    }
    # minLength 3: two letters and a variation selector are 3 code points, 2 for validator.js
    assert "length.minLength" in by_rule and "schema.minLength" in by_rule


def test_every_variant_is_reached(fixed_spec: Spec) -> None:
    cases = list(boundary_cases(fixed_spec, "POST /phone-number"))
    providers = {c.payload.get("provider") for c in cases if c.violation is None}
    assert providers >= {"byo-phone-number", "twilio", "vonage", "vapi", "telnyx"}
    kinds = {
        c.payload.get("fallbackDestination", {}).get("type") for c in cases if c.violation is None
    }
    assert kinds >= {"number", "sip"}


def test_semantic_rules_get_their_valid_values_and_violations(fixed_spec: Spec) -> None:
    cases = list(boundary_cases(fixed_spec, "CreateByoPhoneNumberDTO"))
    off = [
        c.payload
        for c in cases
        if c.violation is None and c.payload.get("numberE164CheckEnabled") is False
    ]
    numbers = [p["number"] for p in off if "number" in p]
    assert numbers and all(re.fullmatch(r"\+?[a-zA-Z0-9]+", n) for n in numbers)
    assert any(check_e164(n) is not None for n in numbers)  # and not E.164: the rule is off
    rules = {c.violation.rule for c in cases if c.violation is not None}
    assert {"phone.e164", "hooks.filter.prefix", "hooks.do.shape"} <= rules


def test_cases_agree_with_the_validator(seed_spec: Spec) -> None:
    report = BoundaryReport()
    cases = list(boundary_cases(seed_spec, "ByoPhoneNumber:response", report=report))
    assert report.discarded == []
    assert report.valid + report.invalid == len(cases)
    for case in cases[:150]:
        errors = [
            f
            for f in validate(seed_spec, "ByoPhoneNumber:response", case.payload)
            if f.severity >= 30
        ]
        assert (errors == []) == (case.violation is None)


def test_minimal_gives_up_on_a_filter_it_cannot_satisfy() -> None:
    spec = _spec({"N": {"type": "string", "not": {"const": ""}}})
    root = generator_for(spec).plan("N").root
    assert minimal(root) is NO_VALUE  # type: ignore[arg-type]


def test_a_format_any_string_satisfies_takes_its_length_limits() -> None:
    # chime's `password` members with a minLength got no minimal value, so no boundary cases
    spec = _spec(
        {
            "P": {
                "type": "object",
                "properties": {
                    "pin": {"type": "string", "format": "password", "minLength": 4, "maxLength": 8}
                },
                "required": ["pin"],
            }
        }
    )
    cases = list(boundary_cases(spec, "P"))
    valid = [c.payload for c in cases if c.violation is None]
    assert valid and valid[0] == {"pin": "aaaa"}
    assert not any(validate(spec, "P", v) for v in valid), valid
    assert any(c.violation.rule == "schema.minLength" for c in cases if c.violation is not None)
