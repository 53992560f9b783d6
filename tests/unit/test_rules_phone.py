"""E.164 numbers at three levels, the alphanumeric fallback, templates, and the phone rules."""

from __future__ import annotations

import pytest

from contracttest.errors import UsageError
from contracttest.findings import Severity
from contracttest.validate.rules import RuleContext, run_rule
from contracttest.validate.rules.phone import check_alphanumeric, check_e164, is_template

GOOD = [
    "+14155550123",  # US
    "+12015550123",  # US
    "+442079460958",  # GB
    "+33142685300",  # FR
    "+4930123456",  # DE
    "+819012345678",  # JP
    "+8613800138000",  # CN
    "+5511912345678",  # BR
    "+61412345678",  # AU
    "+919876543210",  # IN
]


@pytest.mark.parametrize("number", GOOD)
@pytest.mark.parametrize("level", ["syntax", "possible", "valid"])
def test_good_numbers(number: str, level: str) -> None:
    assert check_e164(number, level) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("4155550123", "must start with '+'"),
        ("+0441234567", "country code cannot start with 0"),
        ("+1234567890123456", "at most 15 digits (has 16)"),
        ("+1", "at least 2 digits (has 1)"),
        ("+", "has no digits after '+'"),
        ("", "is empty"),
        ("+1 415 555 0123", "contains spaces"),
        ("+1\t4155550123", "contains spaces"),
        ("+1-415-555-0123", "contains '-'"),
        ("+1 (415) 5550123", "contains spaces"),
        ("+1(415)5550123", "contains '('"),
        ("+1.415.555.0123", "contains '.'"),
        ("+1415555012a", "contains 'a'"),
        ("+14155550١٢", "contains '١'"),  # Arabic-Indic digits are not E.164 digits
        ("+1+4155550123", "'+' is only allowed at the start"),
        ("00441234567", "must start with '+'"),
    ],
)
def test_syntax_reasons(number: str, reason: str) -> None:
    assert check_e164(number) == reason


def test_non_strings() -> None:
    assert check_e164(14155550123) == "must be a string, not int"
    assert check_alphanumeric(None) == "must be a string, not NoneType"


def test_levels_differ() -> None:
    # A NANP number without its area code: syntax-ok, possible only locally, not valid.
    assert check_e164("+15550100", "syntax") is None
    assert check_e164("+15550100", "possible") == (
        "not a possible number for country code 1 (too short: possible only as a local number)"
    )
    # Area code 555 is not assigned: possible length, no number plan.
    assert check_e164("+15555550100", "possible") is None
    assert check_e164("+15555550100", "valid") == (
        "not a valid number for country code 1 (US): no assigned number range matches"
    )
    assert (
        check_e164("+1415555", "possible") == "not a possible number for country code 1 (too short)"
    )
    assert check_e164("+999123456", "syntax") is None
    assert check_e164("+999123456", "possible") == "not a possible number (unknown country code)"
    assert check_e164("+442079460958123", "possible") == (
        "not a possible number for country code 44 (too long)"
    )


def test_unknown_level() -> None:
    with pytest.raises(ValueError, match=r"unknown E\.164 level 'strict'"):
        check_e164("+14155550123", "strict")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("+001234567890", None),
        ("1234", None),
        ("abc", None),
        ("+sipTrunk42", None),
        ("", "is empty"),
        ("+", "has nothing after '+'"),
        ("12 34", "contains spaces"),
        ("12-34", "contains '-'"),
        ("1+2", "'+' is only allowed at the start"),
        ("café", "contains 'é'"),
        ("ab_c", "contains '_'"),
    ],
)
def test_alphanumeric(number: str, reason: str | None) -> None:
    assert check_alphanumeric(number) == reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{{customer.number}}", True),
        ("{{ phoneNumber.number }}", True),
        ("{% if x %}+1{% endif %}", True),
        ("+14155550123", False),
        ("{customer.number}", False),
        ("{{unterminated", False),
        (None, False),
    ],
)
def test_is_template(value: object, expected: bool) -> None:
    assert is_template(value) is expected


def test_e164_rule_finding() -> None:
    ctx = RuleContext("phone.e164", pointer="/customer/number", target="CreateCustomerDTO")
    [finding] = run_rule("phone.e164", "4155550123", ctx)
    assert finding.rule == "phone.e164"
    assert finding.severity is Severity.ERROR
    assert finding.pointer == "/customer/number"
    assert finding.target == "CreateCustomerDTO"
    assert finding.message == "not an E.164 phone number: must start with '+'"
    assert finding.actual == '"4155550123"'
    assert finding.suggestion is not None and "+4155550123" in finding.suggestion
    assert run_rule("phone.e164", "+14155550123", ctx) == []
    assert run_rule("phone.e164", 42, ctx) == []  # the schema reports the type


def test_e164_rule_suggests_stripping_punctuation() -> None:
    [finding] = run_rule("phone.e164", "+1 (415) 555-0123", RuleContext("phone.e164"))
    assert finding.suggestion == "write it as '+14155550123' (no spaces, dashes or brackets)"


def test_e164_rule_templates_and_levels() -> None:
    strict = RuleContext("phone.e164", options={"level": "valid"})
    assert run_rule("phone.e164", "+15555550100", strict)
    assert run_rule("phone.e164", "+15555550100", RuleContext("phone.e164")) == []
    # The engine-wide setting wins over the table option.
    loose = RuleContext("phone.e164", options={"level": "valid"}, settings={"e164_level": "syntax"})
    assert run_rule("phone.e164", "+15555550100", loose) == []
    template = RuleContext("phone.e164", options={"allow_template": True})
    assert run_rule("phone.e164", "{{customer.number}}", template) == []
    assert run_rule("phone.e164", "{{customer.number}}", RuleContext("phone.e164"))
    with pytest.raises(UsageError, match="unknown level 'strict'"):
        run_rule("phone.e164", "+1", RuleContext("phone.e164", options={"level": "strict"}))


def test_alphanumeric_rule() -> None:
    ctx = RuleContext("phone.alphanumeric", pointer="/number")
    assert run_rule("phone.alphanumeric", "+001234567890", ctx) == []
    [finding] = run_rule("phone.alphanumeric", "12 34", ctx)
    assert finding.rule == "phone.alphanumeric"
    assert "contains spaces" in finding.message
