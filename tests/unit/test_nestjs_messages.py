"""NestJS/class-validator 400 messages: the mock writes them the framework's way, and any of them
(the framework's or ours) reads back into the field it names.

The NestJS messages below are what the reference server (tests/reference/nestjs: @nestjs/common
12.6.3, class-validator 0.15.1, class-transformer 0.5.1) answered; tests/reference/test_differential.py
checks the same against the live server.
"""

from __future__ import annotations

import pytest

from contracttest.findings import Finding, Severity
from contracttest.mock.errors import NOT_AN_OBJECT, NamedField, finding_message, message_field

NESTJS = [
    ("name must be shorter than or equal to 40 characters", "/name", False),
    ("property customer should not exist", "/customer", False),
    ("fallbackDestination.property x should not exist", "/fallbackDestination/x", False),
    ("property  should not exist", "/", False),  # a member named ""
    ("property a b should not exist", "/a b", False),  # whitelisting names any member
    (
        "hooks.0.filters.0.each value in startsWith must match /^[0-9]+$/ regular expression",
        "/hooks/0/filters/0/startsWith",
        True,
    ),
    ("server.each value in encryptedPaths must be a string", "/server/encryptedPaths", True),
    ("hooks.each value in nested property hooks must be either object or array", "/hooks", True),
    (
        "hooks.0.do.each value in nested property do must be either object or array",
        "/hooks/0/do",
        True,
    ),
    (
        "nested property fallbackDestination must be either object or array",
        "/fallbackDestination",
        False,
    ),
    (
        "fallbackDestination.message.nested property message must be either object or array",
        "/fallbackDestination/message",
        True,
    ),
    (
        "provider must be one of the following values: byo-phone-number, twilio",
        "/provider",
        False,
    ),
    (
        "server.backoffPlan.maxRetries must not be greater than 10",
        "/server/backoffPlan/maxRetries",
        False,
    ),
    ("All tags's elements must be unique", "/tags", False),
    ("credentialId should not be null or undefined", "/credentialId", False),
]


@pytest.mark.parametrize(("message", "pointer", "each"), NESTJS)
def test_reads_the_field_nestjs_names(message: str, pointer: str, each: bool) -> None:
    assert message_field(message) == NamedField(pointer, each)


@pytest.mark.parametrize(
    "message",
    [
        "Validation failed (uuid is expected)",
        "Validation failed (object is expected)",
        "Unexpected end of JSON input",
        "request entity too large",
        "body is not valid JSON: Expecting value at line 1 column 2",
        "Cannot GET /nope",
        "",
    ],
)
def test_messages_about_the_whole_request_name_no_field(message: str) -> None:
    assert message_field(message) is None


def _f(
    rule: str, pointer: str, message: str, expected: str | None, schema_pointer: str | None = None
) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        pointer=pointer,
        message=message,
        expected=expected,
        schema_pointer=schema_pointer,
    )


ITEMS = "/components/schemas/PhoneNumberCallRingingHookFilter/properties/startsWith/items"
SHAPES = [
    # (finding, the message NestJS gives for the same fault)
    (
        _f(
            "schema.additionalProperties",
            "/fallbackDestination/x",
            "property x should not exist",
            None,
        ),
        "fallbackDestination.property x should not exist",
    ),
    (
        _f(
            "schema.pattern",
            "/hooks/0/filters/0/startsWith/1",
            "hooks[0].filters[0].startsWith[1] must match /^[0-9]+$/ regular expression",
            "pattern ^[0-9]+$",
            ITEMS + "/pattern",
        ),
        "hooks.0.filters.0.each value in startsWith must match /^[0-9]+$/ regular expression",
    ),
    (
        _f(
            "schema.type",
            "/hooks/0",
            "hooks[0] must be an object",
            "type object",
            "/components/schemas/CreateVapiPhoneNumberDTO/properties/hooks/items/oneOf",
        ),
        "hooks.each value in nested property hooks must be either object or array",
    ),
    (
        _f(
            "discriminator.unknown",
            "/fallbackDestination/type",
            "fallbackDestination.type must be one of the following values: number, sip (it selects the variant)",
            "one of number, sip",
        ),
        "fallbackDestination.type must be one of the following values: number, sip",
    ),
    (
        _f(
            "discriminator.missing",
            "/provider",
            "provider is required: it selects the variant, one of the following values: a, b",
            "one of a, b",
        ),
        "provider must be one of the following values: a, b",
    ),
    (_f("schema.type", "", "the payload must be an object", "type object"), NOT_AN_OBJECT),
]


@pytest.mark.parametrize(("finding", "nestjs"), SHAPES)
def test_the_mock_words_a_finding_as_nestjs_does(finding: Finding, nestjs: str) -> None:
    assert finding_message(finding) == nestjs


@pytest.mark.parametrize(
    "finding",
    [
        _f(
            "schema.maxLength",
            "/name",
            "name must be shorter than or equal to 40 characters",
            "maxLength 40",
        ),
        _f("schema.required", "/authentication", "x", "required property password"),
        _f(
            "phone.e164",
            "/fallbackDestination/number",
            "not an E.164 phone number: must start with '+'",
            None,
        ),
        _f("phone.alphanumeric", "/number", "contains '-'", None),
        _f("length.maxLength", "/name", "41 characters as the server counts them", "maxLength 40"),
        _f(
            "hooks.filter.prefix", "/hooks/0/filters/0/startsWith/2", "prefix contains spaces", None
        ),
        _f("hooks.on", "/hooks/1/on", "unknown event 'x'", None),
        _f("custom.rule", "/a/b", "something odd", None),
        _f("schema.uniqueItems", "/tags", "all of tags's elements must be unique", None),
    ],
)
def test_every_message_of_the_mock_names_its_finding(finding: Finding) -> None:
    named = message_field(finding_message(finding))
    assert named is not None
    expected = finding.pointer
    if finding.rule == "schema.required":
        expected += "/password"
    if named.each:
        assert expected.rsplit("/", 1)[0] == named.pointer
    else:
        assert named.pointer == expected


def test_length_rules_read_like_max_length() -> None:
    f = _f("length.maxLength", "/name", "41 characters as the server counts them", "maxLength 40")
    assert finding_message(f).startswith("name must be shorter than or equal to 40 characters (")
