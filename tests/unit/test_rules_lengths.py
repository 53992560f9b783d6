"""String length as servers count it: code points, UTF-16 units, validator.js isLength."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from contracttest.validate.rules import RuleContext, run_rule
from contracttest.validate.rules.lengths import count, counts, describe_counts

# (text, code points, UTF-16 units, validator.js 13.15.22+, validator.js before 13.15.22)
TABLE: list[tuple[str, int, int, int, int]] = [
    ("", 0, 0, 0, 0),
    ("hello", 5, 5, 5, 5),
    ("café", 4, 4, 4, 4),  # precomposed é
    ("cafe\u0301", 5, 5, 5, 5),  # e + COMBINING ACUTE: no one merges graphemes
    ("😀", 1, 2, 1, 1),  # astral: one surrogate pair
    ("😀😀x", 3, 5, 3, 3),
    ("❤️", 2, 2, 1, 1),  # U+2764 + VARIATION SELECTOR-16
    ("❤︎", 2, 2, 1, 1),  # U+2764 + VARIATION SELECTOR-15
    ("👍🏽", 2, 4, 2, 2),  # thumbs up + skin tone modifier: two astral code points
    ("👨‍👩‍👧", 5, 8, 5, 5),  # ZWJ sequence: 3 astral + 2 ZWJ
    ("🏳️‍🌈", 4, 6, 3, 3),  # flag + VS16 + ZWJ + rainbow: the selector follows a low surrogate
    ("日本語", 3, 3, 3, 3),
    ("\ud83d", 1, 1, 1, 1),  # lone high surrogate (JSON allows it)
    ("\ude00", 1, 1, 1, 1),  # lone low surrogate
    ("\ud83d\ude00", 2, 2, 1, 1),  # a surrogate pair held as two code points: JS sees one pair
    ("\ude00\ud83d", 2, 2, 2, 2),  # reversed: no pair
    ("\ufe0f", 1, 1, 1, 0),  # a lone selector follows nothing: 13.15.22 counts it
    ("\ufe0f\ufe0f", 2, 2, 2, 0),
    ("\ufe0fa", 2, 2, 2, 1),  # a leading selector counts
    ("a\ufe0f\ufe0f", 3, 3, 2, 1),  # one character excuses one selector
    ("a\ufe0e\ufe0f", 3, 3, 2, 1),
    ("a\ufe0fb\ufe0f", 4, 4, 2, 2),
    ("𝔘𝔫𝔦𝔠𝔬𝔡𝔢", 7, 14, 7, 7),
]


@pytest.mark.parametrize(("text", "codepoints", "utf16", "validatorjs", "legacy"), TABLE)
def test_counts(text: str, codepoints: int, utf16: int, validatorjs: int, legacy: int) -> None:
    assert count(text, "codepoints") == codepoints
    assert count(text, "utf16") == utf16
    assert count(text, "validatorjs") == validatorjs
    assert count(text, "validatorjs-legacy") == legacy
    assert counts(text) == {
        "codepoints": codepoints,
        "utf16": utf16,
        "validatorjs": validatorjs,
        "validatorjs-legacy": legacy,
    }


def test_default_method_is_codepoints() -> None:
    assert count("😀") == 1


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown length method 'graphemes'"):
        count("a", "graphemes")  # type: ignore[arg-type]


def test_describe_counts() -> None:
    assert describe_counts("plain") is None
    assert describe_counts("❤️") == "code points 2, UTF-16 units 2, validator.js 1"
    # the count that changed in validator.js 13.15.22 is named with its version
    assert describe_counts("\ufe0f\ufe0f") == (
        "code points 2, UTF-16 units 2, validator.js 2, validator.js < 13.15.22 0"
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_agrees_with_validatorjs_code_in_node() -> None:
    # validator.js src/lib/isLength.js, the lines that count: 13.15.22+ and before. (The installed
    # package itself is compared in tests/reference/test_nestjs_ground_truth.py.)
    script = r"""
    const texts = JSON.parse(require("fs").readFileSync(0, "utf8"));
    process.stdout.write(JSON.stringify(texts.map((str) => {
      const current = str.match(/[^\uFE0F\uFE0E][\uFE0F\uFE0E]/g) || [];
      const legacy = str.match(/(\uFE0F|\uFE0E)/g) || [];
      const surrogatePairs = str.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || [];
      const base = str.length - surrogatePairs.length;
      return [str.length, base - current.length, base - legacy.length];
    })));
    """
    texts = [row[0] for row in TABLE]
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(texts).encode(), capture_output=True, check=True
    )
    for text, js in zip(texts, json.loads(done.stdout), strict=True):
        ours = [count(text, m) for m in ("utf16", "validatorjs", "validatorjs-legacy")]
        assert ours == js, text


def _ctx(rule_id: str, method: str = "validatorjs", **schema: int) -> RuleContext:
    return RuleContext(rule_id, pointer="/name", schema=schema, length_method=method)  # type: ignore[arg-type]


def test_max_length_rule_counts_like_the_server() -> None:
    hearts = "❤️" * 40  # 80 code points, 40 for validator.js
    assert run_rule("length.maxLength", hearts, _ctx("length.maxLength", maxLength=40)) == []
    [finding] = run_rule(
        "length.maxLength", hearts, _ctx("length.maxLength", "codepoints", maxLength=40)
    )
    assert finding.rule == "length.maxLength"
    assert finding.pointer == "/name"
    assert finding.expected == "maxLength 40"
    assert "80 characters" in finding.message
    assert "validator.js 40" in finding.message  # the counts disagree, so they are shown


def test_max_length_rule_over_the_limit() -> None:
    [finding] = run_rule("length.maxLength", "😀" * 41, _ctx("length.maxLength", maxLength=40))
    assert "41 characters" in finding.message and "at most 40" in finding.message


def test_min_length_rule() -> None:
    # "❤️" is 2 code points, but class-validator counts 1 and rejects it under MinLength(2).
    [finding] = run_rule("length.minLength", "❤️", _ctx("length.minLength", minLength=2))
    assert finding.expected == "minLength 2"
    assert (
        run_rule("length.minLength", "❤️", _ctx("length.minLength", "codepoints", minLength=2)) == []
    )


def test_length_rules_ignore_other_values() -> None:
    assert run_rule("length.maxLength", 12345, _ctx("length.maxLength", maxLength=2)) == []
    assert run_rule("length.maxLength", "abc", _ctx("length.maxLength")) == []  # no limit
    assert run_rule("length.maxLength", "abc", _ctx("length.maxLength", maxLength=True)) == []


def test_options_override_schema_and_method() -> None:
    ctx = RuleContext(
        "length.maxLength",
        schema={"maxLength": 10},
        options={"maxLength": 1, "method": "utf16"},
        length_method="codepoints",
    )
    [finding] = run_rule("length.maxLength", "😀", ctx)
    assert "2 characters" in finding.message and "(utf16)" in finding.message
