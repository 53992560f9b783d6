"""Strings built from an ECMA pattern and length limits (contracttest.generate.strings)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracttest.generate.strings import (
    Chooser,
    LastChooser,
    common_match,
    pattern_strings,
    text,
)
from contracttest.schema.ecma import compile_pattern
from contracttest.validate.rules.lengths import counts

PATTERNS = [
    "^[a-zA-Z0-9_-]{1,40}$",
    "/^[a-zA-Z0-9][a-zA-Z0-9._-]*(?:\\/[a-zA-Z0-9][a-zA-Z0-9._-]*){0,2}$/",
    "/^\\p{L}[\\p{L}\\d]*(?::[+-]?\\d+)?$/u",
    "^org-[a-z0-9-]+$",
    "^(ab|c)*$",
    "ORG_ROLE",  # unanchored: anything around the literal
    "^\\+?[a-zA-Z0-9]+$",
]


@pytest.mark.parametrize("source", PATTERNS)
@pytest.mark.parametrize(("lo", "hi"), [(0, None), (3, 12), (6, 6), (0, 300)])
def test_built_strings_match_and_fit(source: str, lo: int, hi: int | None) -> None:
    pattern = compile_pattern(source)
    plan = pattern_strings(pattern, lo, hi)
    if not plan.satisfiable:
        # only a fixed literal longer than the limit can be unsatisfiable here
        assert source == "ORG_ROLE" and hi is not None and hi < len("ORG_ROLE")
        return

    @settings(max_examples=25, database=None)
    @given(plan.strategy())
    def check(value: str) -> None:
        assert pattern.test(value), value
        assert lo <= len(value) <= plan.max_len
        # safe alphabet: every way of counting agrees, so the limits hold for all of them
        assert len(set(counts(value).values())) == 1

    check()


def test_lengths_are_exact_for_every_feasible_length() -> None:
    plan = pattern_strings(compile_pattern("^(ab|c)*$"), 0, 9)
    assert plan.lengths == list(range(10))
    for n in plan.lengths:
        for chooser in (Chooser(), LastChooser()):
            value = plan.build_len(n, chooser)
            assert value is not None and len(value) == n and plan.pattern.test(value)


def test_a_fixed_width_pattern_outside_the_limits_is_unsatisfiable() -> None:
    assert not pattern_strings(compile_pattern("^[0-9]{4}$"), 5, 9).satisfiable
    assert pattern_strings(compile_pattern("^[0-9]{4}$"), 4, 4).lengths == [4]


def test_shortest_form_is_simple_and_readable() -> None:
    plan = pattern_strings(compile_pattern("^org-[a-z0-9-]+$"), 0, None)
    assert plan.build_len(plan.lengths[0]) == "org-0"


def test_unicode_property_classes_are_generated_from_their_code_points() -> None:
    pattern = compile_pattern("/^\\p{Lu}{3}$/u")
    plan = pattern_strings(pattern, 0, None)

    @settings(max_examples=30, database=None)
    @given(plan.strategy())
    def check(value: str) -> None:
        assert pattern.test(value), value
        # Python's own Unicode tables as the independent oracle, for the letters they know: the
        # regex package follows newer Unicode versions than this Python (U+A7CB is an uppercase
        # letter in Unicode 16, unassigned in Python 3.11's 14.0).
        assert len(value) == 3
        assert all(ch.isupper() or unicodedata.category(ch) == "Cn" for ch in value), value

    check()


def test_two_patterns_with_disjoint_alphabets_are_proven_unsatisfiable() -> None:
    literal = compile_pattern("ORG_ROLE_OR_CUSTOM_ROLE_PATTERN")
    org = compile_pattern("^org-[a-z0-9-]+$")
    _, witness, proven = common_match([literal, org], 0, None)
    assert witness is None and proven


def test_two_compatible_patterns_have_a_witness() -> None:
    digits = compile_pattern("^[0-9]+$")
    even_length = compile_pattern("^(..)+$")
    index, witness, _ = common_match([digits, even_length], 1, 10)
    assert witness is not None and digits.test(witness) and even_length.test(witness)
    assert index in (0, 1)


@given(st.data())
def test_plain_text_respects_limits_under_every_counting(data: st.DataObject) -> None:
    lo = data.draw(st.integers(0, 5))
    hi = data.draw(st.integers(lo, 12))
    value = data.draw(text(lo, hi))
    assert all(lo <= n <= hi for n in counts(value).values())


def test_a_backreference_inside_a_lookahead_is_planned_without_it_and_checked() -> None:
    # AWS's TenantId: Python's parser cannot read the translation (`(?(1)...)`, `\g<1>`); the
    # generator crashed with "bad escape \g" (corpus: amazonaws.com/chime-sdk-meetings.json).
    from contracttest.generate.core import examples
    from contracttest.generate.strings import pattern_strings
    from contracttest.schema.ecma import compile_pattern

    pattern = compile_pattern(r"^(?!.*?(.)\1{3})[-_!@#$a-zA-Z0-9]*$")
    plan = pattern_strings(pattern, 1, 20)
    assert plan.satisfiable
    values = examples(plan.strategy(), 20, seed=3)
    assert values and all(pattern.test(v) and 1 <= len(v) <= 20 for v in values)


def test_a_huge_max_length_is_planned_in_linear_time_and_memory() -> None:
    # `^.*$` with maxLength 500000 built 500001 masks of 500001 bits (31 GB) and listed their bits
    # one by one (corpus: amazonaws.com/elastic-inference.json).
    from contracttest.generate.strings import pattern_strings
    from contracttest.schema.ecma import compile_pattern

    plan = pattern_strings(compile_pattern("^.*$"), 0, 500_000)
    assert plan.lengths[0] == 0 and plan.lengths[-1] == 500_000 and len(plan.lengths) == 500_001
    assert len(plan.build_len(500_000) or "") == 500_000
    pair = pattern_strings(compile_pattern("^(ab)+$"), 0, 100_000)
    assert pair.lengths[:3] == [2, 4, 6] and pair.lengths[-1] == 100_000


@pytest.mark.parametrize("pattern", ["^[a-z\\s]+$", "^\\S+$", "^[^a-z]+$"])
def test_valid_strings_avoid_characters_regex_dialects_disagree_are_whitespace(
    pattern: str,
) -> None:
    # ECMA's \s holds U+FEFF, Python's holds U+001C-U+001F and U+0085: a value with one of them
    # matches the pattern in one engine and not in the other (the corpus oracle reads patterns with
    # Python's regex module).
    import re as stdlib_re

    from contracttest.generate.core import examples as draw
    from contracttest.generate.strings import pattern_strings
    from contracttest.schema.ecma import compile_pattern

    plan = pattern_strings(compile_pattern(pattern), 1, 40)
    found = draw(plan.strategy(), 60, seed=3)
    assert found
    for value in found:
        assert not set(value) & {"\ufeff", "\x1c", "\x1d", "\x1e", "\x1f", "\x85"}, value
        assert stdlib_re.search(pattern.replace("$", "\\Z"), value), value


@pytest.mark.parametrize("pattern", ["^$|^\\S(.*\\S)?$", "^a$|^b+$"])
def test_alternatives_that_each_end_at_the_end_keep_their_anchor(pattern: str) -> None:
    # Python's parser factors the common ^ of `^$|^\S(.*\S)?$` (AWS CodeStar's description) out
    # of the alternation and leaves each branch its own $: that $ was ignored and free text (a \r,
    # which `.` does not match) appended after the match, so our own validator refused the value.
    from contracttest.generate.core import examples as draw
    from contracttest.generate.strings import pattern_strings
    from contracttest.schema.ecma import compile_pattern

    compiled = compile_pattern(pattern)
    found = draw(pattern_strings(compiled, 0, 300).strategy(), 200, seed=1)
    assert found
    assert [s for s in found if not compiled.test(s)] == []
