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

# Spec patterns: the translator turns each into a portable ``pattern`` or keeps it as
# ``x-ecma-pattern`` (ARCHITECTURE.md); both must mean what the spec's ECMA text means.
SPEC_PATTERNS = [
    "^[0-9]+$",
    "^[a-zA-Z0-9_-]{1,5}$",
    "^\\d{2}-\\d+$",
    "^(ab|cd)+$",
    "^.+$",
    "^.$",
    "^.{1,3}$",
    "^[^a]$",
    "/^[a-z]+$/i",
    "/^[k-z]+$/i",
    "^\\w+$",
    "^\\s*$",
    "^\\p{L}+$",
    "/^\\p{L}+$/u",
    "/^\\S+@\\S+$/",
]


def _keyword(spec_pattern: str) -> dict[str, str]:
    from contracttest.errors import PatternError
    from contracttest.schema.ecma import to_portable

    try:
        return {"pattern": to_portable(spec_pattern)}
    except PatternError:
        return {"x-ecma-pattern": spec_pattern}


def _compiled(schema: dict[str, Any], method: str = "codepoints") -> Any:
    validator = _fast.build(schema, method)
    assert validator is not None
    return validator


@pytest.mark.parametrize("spec_pattern", SPEC_PATTERNS)
@given(text=TEXT)
@example(text="😀")
@example(text="a\n")
@example(text="\u017f")
def test_patterns_fast_and_detailed_equal_the_spec(spec_pattern: str, text: str) -> None:
    from contracttest.validate._detailed import build

    schema = _keyword(spec_pattern)
    expected = _keywords.pattern_matches(spec_pattern, text)  # the spec's own ECMA semantics
    assert _compiled(schema).is_valid(text) is expected
    detailed = build(schema, dialect="3.0", length_method="codepoints", tables={})
    assert detailed.is_valid(text) is expected


def test_portable_patterns_run_natively() -> None:
    assert _fast.rewrite({"pattern": "^[0-9]+(?!\\n)$"}, "codepoints") == {
        "pattern": "^[0-9]+(?!\\n)$"
    }
    assert _fast.rewrite({"x-ecma-pattern": "^.$"}, "codepoints") == {"x-ct-ecma-pattern": "^.$"}


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
            "pattern": {"type": "string", "x-ecma-pattern": "^a$"},
            "format": {"format": "uri"},
        },
        "required": ["pattern"],
    }
    out = _fast.rewrite(schema, "codepoints")
    assert set(out["properties"]) == {"pattern", "format"}
    assert out["properties"]["pattern"] == {"type": "string", "x-ct-ecma-pattern": "^a$"}
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
