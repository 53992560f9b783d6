"""The fast path's rewritten keywords agree with our semantics (the detailed path) on any string."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from contracttest.validate import _fast, _keywords

pytest.importorskip("jsonschema_rs")

# Emoji, variation selectors, astral characters, ASCII, line terminators, non-ASCII digits.
# (jsonschema-rs refuses lone surrogates; the engine then uses the detailed path, tested below.)
ALPHABET = st.sampled_from(
    [*"aZ09_-+/. \r\n", "\u2764", "\ufe0f", "\ufe0e", "😀", "👍", "🏽", "é", "\u2028", "١"]
)
TEXT = st.lists(ALPHABET, max_size=12).map("".join)

PATTERNS = [
    "^[0-9]+$",
    "^[a-zA-Z0-9_-]{1,5}$",
    "^[A-Z][A-Z0-9_]*$",
    "^\\d{2}-\\d+$",
    "^[^a-z]+$",
    "^(ab|cd)+$",
    "^.$",
    "^.+$",
    "/^[a-z]+$/i",
    "^\\w+$",
    "^\\s*$",
    "^\\p{L}+$",
    "/^\\p{L}+$/u",
]


def _compiled(schema: dict[str, Any], method: str = "codepoints") -> Any:
    validator = _fast.build(schema, method)
    assert validator is not None
    return validator


@pytest.mark.parametrize("pattern", PATTERNS)
@given(text=TEXT)
@example(text="😀")
@example(text="a\n")
def test_pattern_fast_equals_ecma(pattern: str, text: str) -> None:
    fast = _compiled({"pattern": pattern})
    assert fast.is_valid(text) is _keywords.pattern_matches(pattern, text)


def test_linear_patterns_run_natively() -> None:
    assert "anyOf" in _fast._pattern_guard("^[0-9]+$")
    for pattern in ("^.$", "/^[a-z]+$/i", "^(?=a)", "(a)\\1", "^\\p{L}$", "^é$"):
        assert _fast._pattern_guard(pattern) == {"x-ct-pattern": pattern}


@pytest.mark.parametrize("method", ["codepoints", "utf16", "validatorjs"])
@pytest.mark.parametrize("limit", [0, 1, 2, 3, 5])
@given(text=TEXT)
@example(text="\u2764\ufe0f\u2764\ufe0f")
@example(text="😀😀")
def test_lengths_fast_equals_server_count(method: str, limit: int, text: str) -> None:
    n = _keywords.count(text, method)
    assert _compiled({"maxLength": limit}, method).is_valid(text) is (n <= limit)
    assert _compiled({"minLength": limit}, method).is_valid(text) is (n >= limit)
    assert _keywords.too_long(text, limit, method) is (n > limit)
    assert _keywords.too_short(text, limit, method) is (n < limit)


def test_rewrite_is_keyword_aware() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pattern": {"type": "string", "pattern": "^a$"},
            "format": {"format": "uri"},
        },
        "required": ["pattern"],
    }
    out = _fast.rewrite(schema, "codepoints")
    assert set(out["properties"]) == {"pattern", "format"}
    assert "pattern" not in out["properties"]["pattern"]
    assert out["properties"]["format"] == {"format": "uri"}


def test_unchecked_formats_are_dropped() -> None:
    out = _fast.rewrite(
        {"type": "string", "format": "binary", "contentEncoding": "base64"}, "utf16"
    )
    assert out == {"type": "string"}
    fast = _compiled({"format": "hostname"})
    assert fast.is_valid("not a hostname!")  # only date-time, uuid, uri and email are checked


def test_pattern_properties_have_no_fast_path() -> None:
    assert _fast.build({"patternProperties": {"^x-": {"type": "string"}}}, "codepoints") is None


def test_lone_surrogates_fall_back_to_the_detailed_path(fixed_spec: Any) -> None:
    from contracttest.validate import get_validator

    v = get_validator(fixed_spec, "POST /phone-number")
    assert v.fast
    assert not v.is_valid({"provider": "vapi", "name": "\ud800" * 41})
    assert [f.rule for f in v.findings({"provider": "vapi", "name": "\ud800" * 41})] == [
        "schema.maxLength"
    ]
    assert v.is_valid({"provider": "vapi", "name": "\ud83d\ude00"})
