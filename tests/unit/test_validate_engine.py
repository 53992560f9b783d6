"""The validation engine: discriminators, best match, closed objects, lengths, blame, caching, paths."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from contracttest.errors import TargetError, UsageError
from contracttest.findings import REDACTED, Severity
from contracttest.validate import Validator, get_validator, validate

TWILIO = {
    "provider": "twilio",
    "number": "+14155550100",
    "twilioAccountSid": "AC123",
    "twilioAuthToken": "super-secret-auth-token-value",
}


def rules_at(findings: list[Any]) -> set[tuple[str, str]]:
    return {(f.rule, f.pointer) for f in findings}


def errors(findings: list[Any]) -> list[Any]:
    return [f for f in findings if f.severity >= Severity.ERROR]


def test_valid_payload_has_no_finding(fixed_spec: Any) -> None:
    assert validate(fixed_spec, "POST /phone-number", TWILIO) == []
    assert get_validator(fixed_spec, "POST /phone-number").is_valid(TWILIO)


def test_unknown_tag_is_one_finding_listing_the_variants(fixed_spec: Any) -> None:
    found = validate(fixed_spec, "POST /phone-number", {"provider": "plivo", "number": "+1"})
    assert rules_at(found) == {("discriminator.unknown", "/provider")}
    (f,) = found
    assert "byo-phone-number, twilio, vonage, vapi, telnyx" in f.message
    assert f.actual == '"plivo"'
    assert f.schema_pointer is not None and f.schema_pointer.endswith("/schema/discriminator")


def test_missing_tag_is_one_finding(fixed_spec: Any) -> None:
    found = validate(fixed_spec, "POST /phone-number", {"number": "+14155550100"})
    assert rules_at(found) == {("discriminator.missing", "/provider")}
    assert found[0].actual is None


def test_selected_branch_errors_only(fixed_spec: Any) -> None:
    # A Twilio body missing its account SID: only the Twilio branch speaks, not all five.
    body = {k: v for k, v in TWILIO.items() if k != "twilioAccountSid"}
    found = validate(fixed_spec, "POST /phone-number", body)
    assert rules_at(found) == {("schema.required", "/twilioAccountSid")}
    assert found[0].schema_pointer == "/components/schemas/CreateTwilioPhoneNumberDTO/required"


def test_untagged_patch_body_is_valid_when_one_variant_takes_it(fixed_spec: Any) -> None:
    # A PATCH body may leave the tag out (the server knows the stored variant). {"number": "abc"}
    # patches a Twilio number fine; only BYO numbers must be E.164, so it is not a finding.
    patch = get_validator(fixed_spec, "PATCH /phone-number/{id}")
    assert patch.is_valid({"number": "abc"})
    assert validate(fixed_spec, "PATCH /phone-number/{id}", {"number": "abc"}) == []
    # Members only a BYO number has select it: then its E.164 rule applies.
    byo_only = {"number": "abc", "numberE164CheckEnabled": True}
    assert not patch.is_valid(byo_only)
    [f] = validate(fixed_spec, "PATCH /phone-number/{id}", byo_only)
    assert (f.rule, f.pointer) == ("phone.e164", "/number")
    # And so does the tag, when it is sent.
    assert not patch.is_valid({"number": "abc", "provider": "byo-phone-number"})


def test_unknown_properties_one_finding_each_in_nestjs_words(fixed_spec: Any) -> None:
    body = {**TWILIO, "nmae": "x", "extra": 1}
    found = validate(fixed_spec, "CreateTwilioPhoneNumberDTO", body)
    assert rules_at(found) == {
        ("schema.additionalProperties", "/nmae"),
        ("schema.additionalProperties", "/extra"),
    }
    assert {f.message for f in found} == {
        "property nmae should not exist",
        "property extra should not exist",
    }


def test_allow_unknown_properties(fixed_spec: Any) -> None:
    body = {**TWILIO, "nmae": "x"}
    assert validate(fixed_spec, "CreateTwilioPhoneNumberDTO", body, allow_unknown=True) == []


def test_responses_stay_open(fixed_spec: Any) -> None:
    item = {
        "provider": "vapi",
        "id": "pn_1",
        "orgId": "org_1",
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
        "somethingNew": True,
    }
    assert validate(fixed_spec, "PhoneNumberController_findOne:response", item) == []


def test_secret_values_never_shown(fixed_spec: Any) -> None:
    body = {**TWILIO, "twilioAuthToken": 12345678}
    found = validate(fixed_spec, "CreateTwilioPhoneNumberDTO", body)
    assert rules_at(found) == {("schema.type", "/twilioAuthToken")}
    assert found[0].actual == REDACTED
    text = " ".join(str(f) for f in validate(fixed_spec, "POST /phone-number", {**body, "x": 1}))
    assert "12345678" not in text
    assert "super-secret" not in text


def test_best_matching_branch_of_a_plain_oneof(fixed_spec: Any) -> None:
    # message is oneOf [string, CustomMessage]: an object is judged as a CustomMessage.
    body = {
        "provider": "vapi",
        "fallbackDestination": {
            "type": "number",
            "number": "+14155550100",
            "message": {"type": "custom-message", "content": "x" * 1001},
        },
    }
    found = validate(fixed_spec, "POST /phone-number", body)
    assert rules_at(found) == {("schema.maxLength", "/fallbackDestination/message/content")}
    assert "is not valid under any" not in found[0].message


def test_no_branch_of_the_right_type_is_one_type_finding(fixed_spec: Any) -> None:
    body = {
        "provider": "vapi",
        "fallbackDestination": {"type": "number", "number": "+14155550100", "message": 5},
    }
    (f,) = validate(fixed_spec, "POST /phone-number", body)
    assert (f.rule, f.pointer) == ("schema.type", "/fallbackDestination/message")
    assert f.message == "fallbackDestination.message must be a string or an object"


def test_format_checks(fixed_spec: Any) -> None:
    page = {
        "results": [],
        "metadata": {"itemsPerPage": 1, "totalItems": 0, "currentPage": 1, "createdAtLe": "now"},
    }
    found = validate(fixed_spec, "PhoneNumberController_findAllPaginated:response", page)
    assert rules_at(found) == {("schema.format", "/metadata/createdAtLe")}
    page["metadata"]["createdAtLe"] = "2026-02-29T00:00:00Z"  # 2026 is not a leap year
    assert not get_validator(
        fixed_spec, "PhoneNumberController_findAllPaginated:response"
    ).is_valid(page)


@pytest.mark.parametrize(
    ("name", "method", "valid"),
    [
        ("❤️" * 20, "validatorjs", True),  # 40 code points, 20 for validator.js
        ("❤️" * 21, "validatorjs", True),  # 42 code points: JSON Schema would reject it
        ("❤️" * 41, "validatorjs", False),
        ("😀" * 40, "validatorjs", True),
        ("😀" * 40, "codepoints", True),
        ("😀" * 40, "utf16", False),  # 80 UTF-16 units
        ("❤️" * 21, "codepoints", False),
    ],
)
def test_length_counting_methods(fixed_spec: Any, name: str, method: str, valid: bool) -> None:
    v = get_validator(fixed_spec, "CreateVapiPhoneNumberDTO", length_method=method)
    body = {"provider": "vapi", "name": name}
    assert v.is_valid(body) is valid
    assert (not errors(v.findings(body))) is valid


def test_server_counting_only_finding_is_a_length_rule(fixed_spec: Any) -> None:
    # "❤️❤️" is 4 code points (JSON Schema accepts minLength 3) but 2 for validator.js.
    (f,) = validate(
        fixed_spec, "CreateVapiPhoneNumberDTO", {"provider": "vapi", "numberDesiredAreaCode": "❤️❤️"}
    )
    assert (f.rule, f.pointer) == ("length.minLength", "/numberDesiredAreaCode")
    assert "validatorjs count: 2" in f.message
    assert "counts disagree" in f.message
    assert f.expected == "minLength 3 (validatorjs count)"


def test_spec_at_fault_without_overlay(seed_spec: Any, fixed_spec: Any) -> None:
    body = {
        "provider": "vapi",
        "server": {
            "url": "https://example.com",
            "backoffPlan": {"type": "fixed", "maxRetries": 1, "baseDelaySeconds": 1},
        },
    }
    assert validate(fixed_spec, "POST /phone-number", body) == []
    (f,) = validate(seed_spec, "POST /phone-number", body)
    assert (f.rule, f.pointer) == ("schema.type", "/server/backoffPlan/type")
    assert "spec is at fault" in f.message
    assert f.schema_pointer == "/components/schemas/BackoffPlan/properties/type/type"
    assert f.suggestion is not None


def test_spec_at_fault_from_its_own_example(seed_spec: Any) -> None:
    body = {
        "provider": "vapi",
        "server": {
            "url": "https://example.com",
            "backoffPlan": {
                "type": "exponential",
                "maxRetries": 1,
                "baseDelaySeconds": 1,
                "excludedStatusCodes": [404],
            },
        },
    }
    found = validate(seed_spec, "POST /phone-number", body)
    by_pointer = {f.pointer: f for f in found}
    f = by_pointer["/server/backoffPlan/excludedStatusCodes/0"]
    assert f.rule == "schema.type"
    assert "spec's own example" in f.message


def test_options_are_checked(fixed_spec: Any) -> None:
    with pytest.raises(UsageError, match=r"E\.164 level"):
        get_validator(fixed_spec, "POST /phone-number", e164_level="strict")
    with pytest.raises(UsageError, match="length method"):
        get_validator(fixed_spec, "POST /phone-number", length_method="bytes")
    with pytest.raises(TargetError):
        get_validator(fixed_spec, "POST /phone-numbers")


def test_validators_are_cached_per_options(fixed_spec: Any) -> None:
    a = get_validator(fixed_spec, "POST /phone-number")
    assert get_validator(fixed_spec, "POST /phone-number") is a
    assert get_validator(fixed_spec, fixed_spec.target("POST /phone-number")) is a
    assert get_validator(fixed_spec, "POST /phone-number", allow_unknown=True) is not a
    assert get_validator(fixed_spec, "POST /phone-number", e164_level="valid") is not a


def test_fast_and_detailed_paths_agree(fixed_spec: Any) -> None:
    target = fixed_spec.target("POST /phone-number")
    fast = Validator(fixed_spec, target)
    slow = Validator(fixed_spec, target, use_fast_path=False)
    assert fast.fast
    assert not slow.fast
    payloads = [
        TWILIO,
        {**TWILIO, "x": 1},
        {"provider": "vapi", "name": "❤️" * 21},
        {"provider": "vapi", "name": "😀" * 41},
        {"provider": "vapi", "numberDesiredAreaCode": "❤️❤️"},
        {
            "provider": "vapi",
            "hooks": [
                {
                    "on": "call.ringing",
                    "filters": [{"type": "startsWith", "key": "number", "startsWith": ["+1"]}],
                    "do": [{"type": "say", "exact": "hi"}],
                }
            ],
        },
        {"provider": "byo-phone-number", "credentialId": "c", "number": "12"},
        [],
        None,
    ]
    for p in payloads:
        assert fast.is_valid(p) == slow.is_valid(p), p
        assert fast.findings(p) == slow.findings(p), p


def test_thread_safe_first_use(fixed_spec: Any) -> None:
    target = fixed_spec.target("PATCH /phone-number/{id}")
    v = Validator(fixed_spec, target)
    body = {"provider": "vonage", "name": "x" * 41}
    results: list[Any] = []

    def work() -> None:
        results.append([f.rule for f in v.findings(body)])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [["schema.maxLength"]] * 8


def test_non_object_payload(fixed_spec: Any) -> None:
    (f,) = validate(fixed_spec, "CreateTwilioPhoneNumberDTO", ["not", "an", "object"])
    assert (f.rule, f.pointer) == ("schema.type", "")
    assert f.message == "the payload must be an object"


@pytest.mark.parametrize(
    ("payload", "pointer", "what"),
    [
        ({"provider": "vapi", "name": b"x"}, "/name", "Python type bytes"),
        ({"provider": "vapi", "hooks": [{1: "x"}]}, "/hooks/0", "key of type int"),
    ],
)
def test_non_json_payload_is_a_usage_error(
    fixed_spec: Any, payload: Any, pointer: str, what: str
) -> None:
    v = get_validator(fixed_spec, "POST /phone-number")
    for method in (v.is_valid, v.findings):
        with pytest.raises(UsageError, match=what) as info:
            method(payload)
        assert info.value.pointer == pointer


def test_lone_surrogates_and_nul_are_strings(fixed_spec: Any) -> None:
    # JSON can carry "\ud800" and "\u0000"; they are just characters to the contract.
    for name in ("\ud800x", "x\x00"):
        assert validate(fixed_spec, "POST /phone-number", {"provider": "vapi", "name": name}) == []


def _mini_spec(version: str) -> Any:
    from contracttest.openapi import load_spec

    nullable = {"nullable": True} if version.startswith("3.0") else {}
    name_type: Any = "string" if version.startswith("3.0") else ["string", "null"]
    return load_spec(
        {
            "openapi": version,
            "info": {"title": "Acme Shop", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "Pet": {
                        "type": "object",
                        "required": ["kind", "name"],
                        "properties": {
                            "kind": {"type": "string", "enum": ["cat", "dog"]},
                            "name": {"type": name_type, "maxLength": 3, **nullable},
                            "tag": {"type": "string", "pattern": "/^[a-z]+$/i"},
                            "born": {"type": "string", "format": "date-time"},
                            # No portable form: ECMA without u counts UTF-16 units here.
                            "code": {"type": "string", "pattern": "^.{1,3}$"},
                        },
                    }
                }
            },
        }
    )


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_other_specs_count_code_points_and_honour_pattern_flags(version: str) -> None:
    spec = _mini_spec(version)
    v = get_validator(spec, "Pet")
    assert v.length_method == "codepoints"  # no rule table matches "Acme Shop"
    assert v.plan.empty
    assert v.is_valid(
        {"kind": "cat", "name": "😀😀😀", "tag": "ABC", "born": "2026-01-01T00:00:00Z"}
    )
    assert v.is_valid({"kind": "cat", "name": None})
    found = v.findings(
        {"kind": "cow", "name": "❤️❤️", "tag": "a1", "born": "2026-13-01T00:00:00Z", "code": "😀😀"}
    )
    assert rules_at(found) == {
        ("schema.enum", "/kind"),
        ("schema.maxLength", "/name"),
        ("schema.pattern", "/tag"),
        ("schema.format", "/born"),
        ("schema.pattern", "/code"),
    }
    code = next(f for f in found if f.pointer == "/code")
    assert code.schema_pointer == "/components/schemas/Pet/properties/code/pattern"
    assert code.expected == "pattern ^.{1,3}$"
    tag = next(f for f in found if f.pointer == "/tag")
    assert tag.expected == "pattern /^[a-z]+$/i"  # as the spec writes it
    assert v.is_valid({"kind": "dog", "name": "Rex", "code": "😀"})  # two UTF-16 units: 1 to 3


def test_parameter_sets(fixed_spec: Any) -> None:
    from contracttest.validate import iter_findings

    target = "PhoneNumberController_findAllPaginated:parameters"
    assert validate(fixed_spec, target, {"query": {"limit": 10, "sortOrder": "ASC"}}) == []
    found = list(iter_findings(fixed_spec, target, {"query": {"limit": 2000, "sortBy": "name"}}))
    assert rules_at(found) == {("schema.maximum", "/query/limit"), ("schema.enum", "/query/sortBy")}
    path_target = "PhoneNumberController_findOne:parameters"
    assert rules_at(validate(fixed_spec, path_target, {"path": {"id": "42"}})) == {
        ("schema.format", "/path/id")
    }


def test_the_unknown_property_policy_set_after_a_validator_was_built_is_honoured() -> None:
    # A run or the mock may build validators before the policy is decided (--closed-objects,
    # the pyproject key): the cached open validator must not serve the closed spec.
    from contracttest.openapi import load_spec
    from contracttest.validate import get_validator

    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}
        },
    }
    spec = load_spec(doc, cache=False)
    extra = {"name": "rex", "owner": "me"}
    assert get_validator(spec, "Pet").findings(extra) == []
    spec.closed_objects = True
    assert [f.rule for f in get_validator(spec, "Pet").findings(extra)] == [
        "schema.additionalProperties"
    ]
