"""assert_valid / assert_invalid: what they accept, and how a failure reads."""

from __future__ import annotations

from typing import Any

import pytest
from plugin_support import FIXES, SEED, SPEC_ARGS

from contracttest.errors import TargetError
from contracttest.pytest import (
    ContractAssertionError,
    assert_invalid,
    assert_valid,
    findings_of,
)

BYO = {"provider": "byo-phone-number", "number": "+14155550100", "credentialId": "cred-1"}


@pytest.fixture(scope="module")
def spec() -> Any:
    from contracttest.openapi import load_spec

    return load_spec(SEED, overlays=[FIXES])


def test_assert_valid_accepts_a_valid_payload(spec: Any) -> None:
    assert_valid(BYO, "POST /phone-number", spec=spec)
    assert_valid({"provider": "vapi"}, "CreateVapiPhoneNumberDTO", spec=spec)


def test_assert_valid_shows_every_finding(spec: Any) -> None:
    payload = {
        "provider": "twilio",
        "number": "+14155550100",
        "twilioAuthToken": "tw-secret-token-9a8b",
        "name": "x" * 41,
    }
    with pytest.raises(ContractAssertionError) as info:
        assert_valid(payload, "CreateTwilioPhoneNumberDTO", spec=spec)
    err = info.value
    assert err.target == "CreateTwilioPhoneNumberDTO"
    assert set(err.rules) == {"schema.required", "schema.maxLength"}
    text = str(err)
    assert text.startswith("the payload breaks CreateTwilioPhoneNumberDTO: 2 findings")
    assert "schema.required at $.twilioAccountSid (pointer /twilioAccountSid)" in text
    assert "schema.maxLength at $.name (pointer /name)" in text
    assert "spec:     /components/schemas/CreateTwilioPhoneNumberDTO" in text
    # the payload is shown, with its secrets redacted
    assert '"twilioAuthToken": "[REDACTED]"' in text
    assert "tw-secret-token-9a8b" not in text


def test_assert_invalid_returns_the_matching_findings(spec: Any) -> None:
    payload = {**BYO, "number": "4155550100"}
    found = assert_invalid(payload, "POST /phone-number", rule="phone.e164", spec=spec)
    assert [(f.rule, f.pointer) for f in found] == [("phone.e164", "/number")]
    # a prefix of a rule id, and the pointer, narrow it the same way
    assert assert_invalid(payload, "POST /phone-number", rule="phone", pointer="/number", spec=spec)


def test_assert_invalid_fails_on_a_valid_payload(spec: Any) -> None:
    with pytest.raises(ContractAssertionError) as info:
        assert_invalid(BYO, "POST /phone-number", rule="phone.e164", spec=spec)
    assert str(info.value).startswith(
        "expected the payload to break POST /phone-number with phone.e164, but it is valid"
    )
    assert info.value.findings == []


def test_assert_invalid_fails_when_only_other_rules_break(spec: Any) -> None:
    payload = {**BYO, "name": "x" * 41}
    with pytest.raises(ContractAssertionError) as info:
        assert_invalid(payload, "POST /phone-number", rule="phone.e164", spec=spec)
    text = str(info.value)
    assert "with phone.e164, but it breaks only other rules:" in text
    assert "schema.maxLength at $.name" in text
    with pytest.raises(ContractAssertionError):
        assert_invalid(
            payload, "POST /phone-number", rule="schema.maxLength", pointer="/x", spec=spec
        )


def test_spec_by_path_and_unknown_target(spec: Any) -> None:
    assert findings_of({"provider": "vapi"}, "CreateVapiPhoneNumberDTO", spec=SEED) == []
    with pytest.raises(TargetError, match="CreateTwilioPhoneNumberDTO"):
        assert_valid({}, "CreateTwilioPhoneNumberDto", spec=spec)


def test_helpers_use_the_sessions_spec(pytester: pytest.Pytester) -> None:
    # Given a project whose tests use the helpers without naming a spec
    pytester.makepyfile(
        """
        from contracttest.pytest import assert_invalid, assert_valid

        def test_ok():
            assert_valid({"provider": "vapi", "name": "Support"}, "CreateVapiPhoneNumberDTO")
            assert_invalid(
                {"provider": "byo-phone-number", "number": "415", "credentialId": "c"},
                "POST /phone-number",
                rule="phone.e164",
            )

        def test_broken():
            assert_valid(
                {"provider": "byo-phone-number", "number": "415", "credentialId": "c"},
                "POST /phone-number",
            )
        """
    )
    # When pytest runs with the spec configured
    result = pytester.runpytest(*SPEC_ARGS)
    # Then the failure reads as a finding, from the test's own line, without helper frames
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*assert_valid(*",
            "E *ContractAssertionError: the payload breaks POST /phone-number: 1 finding",
            "E *phone.e164 at $.number (pointer /number)",
            "E *not an E.164 phone number*",
            "E *payload: *",
        ]
    )
    out = result.stdout.str()
    assert "assertions.py" not in out
    assert "jsonschema" not in out
