"""`to_portable`: one ``pattern`` that Python's ``re`` and ECMA-262 (``u``) read like the original.

Node.js is the oracle for the original (``new RegExp(body, flags)``) and for the portable form
(``new RegExp(portable, "u")``); Python's ``re.search`` must agree with both, on every string
without lone surrogates (the documented domain).
"""

from __future__ import annotations

import json
import random
import re
import time
import warnings

import jsonschema
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ecma import (
    _FUZZ_FLAGS,
    _FUZZ_SUBJECTS,
    _FUZZ_TOKENS,
    _SWEEP,
    MATCH_TABLE,
    VAPI_CONST,
    VAPI_IDENT,
    VAPI_LETTERS,
    VAPI_NAME_40,
    VAPI_NAME_64,
    VAPI_ORG,
    VAPI_PATH,
    VAPI_PLACEHOLDER,
    VAPI_SPEC,
    _node_verdicts,
    needs_node,
)

from contracttest.errors import PatternError
from contracttest.schema.ecma import compile_pattern, split_delimited, to_portable, translate

VAPI_PATTERNS = [
    VAPI_NAME_40,
    VAPI_NAME_64,
    VAPI_CONST,
    VAPI_IDENT,
    VAPI_PATH,
    VAPI_LETTERS,
    VAPI_ORG,
    VAPI_PLACEHOLDER,
]

# Patterns that must have a portable form. Bare ones are read with no flags, like new RegExp(p).
PORTABLE = [
    *VAPI_PATTERNS,
    "^\\d+$",
    "^\\D+$",
    "^\\w+$",
    "/^\\W$/u",
    "^\\s$",
    "^\\S+@\\S+\\.\\S+$",
    "\\bfoo\\b",
    "\\Bfoo",
    "/\\Bfoo/u",
    "abc$",
    "/abc$/m",
    "/^def/m",
    "/^def$/mu",
    "/^$/m",
    "/^$/mu",
    "/^a?$/m",
    "/(?:^|x)(?:$|y)/mu",
    "/^a.c$/su",
    "/^a.c$/u",
    "^.+$",
    "^.*foo.*$",
    "^[^/]+$",
    "^[^]+$",
    "[]",
    "^[]*$",
    "/^.{1,3}$/u",
    "/^[^a]{2}$/u",
    "^😀$",
    "^\\uD83D\\uDE00$",
    "^a😀b$",
    "/^😀+$/u",
    "/^[😀-😂]$/u",
    "/^\\u{1F600}$/u",
    "/^[^😀]$/u",
    # backreferences
    "^(?<year>\\d{4})-\\k<year>$",
    "^(a)\\1$",
    "^(['\"]).*\\1$",
    "/^(['\"]).*\\1$/u",
    "^\\1(a)$",
    "^(a\\1)$",
    "^(?:(a)b){2}\\1$",
    "^(?:(a)\\1)*$",
    "^(?!(b))\\1a$",
    "^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10$",
    "^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\1 0$",
    # case
    "/^abc$/i",
    "/^k$/i",
    "/^k$/iu",
    "/^s$/iu",
    "/^ß$/iu",
    "/^[a-z]+$/i",
    "/^[a-z]+$/iu",
    "/^[^a-z]$/iu",
    "/^\\w$/iu",
    "/^\\W$/iu",
    "/\\bk/iu",
    "/^σ$/i",
    "/^\\p{Lu}$/iu",
    "/^\\P{Ll}$/iu",
    # properties
    "/^\\p{L}+$/u",
    "/^\\P{L}$/u",
    "/^\\p{Script=Greek}+$/u",
    "/^\\p{sc=Grek}+$/u",
    "/^\\p{Nd}+$/u",
    "/^[\\p{L}\\p{Nd}_-]+$/u",
    "/^\\p{White_Space}$/u",
    "/^\\p{L}$/",  # a literal without u: 'p{L}'
    # sticky, lookarounds
    "/b/y",
    "/a/y",
    "/^a|b/y",
    "^(?=a)a$",
    "(?<=\\$)\\d+",
    "(?<!\\$)\\b\\d+",
    "^(?:(?=a))*a$",
    "^(?:(?=a))+a$",
    "^(?:(?!a))+b$",
    "^(?!.*--)[a-z-]+$",
    # escapes and Annex B
    "^\\cJ$",
    "^\\c$",
    "^\\0$",
    "^\\101$",
    "^\\8$",
    "^a\\/b$",
    "/^a\\/b$/u",
    "^\\-$",
    "^\\a$",
    "^a{,5}$",
    "^a{$",
    "^a]$",
    "^a}$",
    "^\\x41\\u0042$",
    "^\\u{2}$",
    "^[\\d-z]+$",
    "^[\\b]$",
    "^[a-]$",
    "^[\\-a]$",
    "^[&~|^\\[\\]\\\\-]+$",
    "^[ !\"#%',:;<=>@`]+$",
    "^&&~~$",
    "^\\t\\n\\r\\v\\f$",
    "^\\x00$",
    "/^\\u2028$/u",
    "^(?:)*$",
    "^()*$",
    "^(a|)+$",
    "^(?:a*)*b$",
    "^a{2,}?$",
    "^a{0}$",
    "/\\/\\*[\\s\\S]*?\\*\\//",
]

# Patterns that are valid ECMA but have no portable form, and why.
NOT_PORTABLE = [
    ("^.{1,3}$", "counts UTF-16 units"),
    ("^.$", "counts UTF-16 units"),
    ("^..$", "counts UTF-16 units"),
    ("^.+.+$", "middle of an astral character"),
    ("^(?:.+)+$", "repeats a group"),
    ("^\\S+\\S*$", "middle of an astral character"),
    ("^(.+)\\1$", "backreference"),
    ("a(?!b).+", "lookaround"),
    ("^.+(?<=a)", "lookaround"),
    ("^.+\\B", "\\B"),
    ("(?<!x)(?!x)", "between the two UTF-16 halves"),
    ("\\B", "between the two UTF-16 halves"),
    ("/\\B/u", "V8 even with the u flag"),
    ("/(?<!x)(?!x)/u", "V8 even with the u flag"),
    ("/(?<![a-z])(?!\\d)/u", "V8 even with the u flag"),
    ("^\\uD83D\\uDE00+$", "repeats only the low surrogate"),
    ("^😀+$", "repeats only the low surrogate"),
    ("^[😀]$", "half of an astral character"),
    ("^\\uD83D", "half of an astral character"),
    ("^[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]$", "half of an astral character"),
    ("/(a)\\1/i", "i flag"),
    ("^(a)?\\1$", "optional or repeated"),
    ("^(?:(a)|b)\\1$", "alternation"),
    ("^(?:(a)|b\\1)+$", "alternation"),
    ("^(?:(a)x)+\\1$", "optional or repeated"),
    ("(?<=a+)b", "Python's re rejects it"),
    ("(?<=a|bc)d", "Python's re rejects it"),
    ("^(?=(a))*b$", "capture groups quantified"),
]

# Subjects for the table: ASCII edge cases, line terminators, astral characters around text.
SUBJECTS = [
    "",
    "a",
    "A",
    "aa",
    "ab",
    "abc",
    "ABC",
    "b",
    "k",
    "K",
    "\u212a",
    "s",
    "\u017f",
    "ß",
    "ẞ",
    "σ",
    "Σ",
    "ς",
    "é",
    "É",
    "Ω",
    "日本語",
    "1",
    "2024-2024",
    "2024-2025",
    "١٢٣",
    "_",
    "-",
    "--",
    "a-b",
    " ",
    "\n",
    "abc\n",
    "abc\ndef",
    "abc\rdef",
    "abc\u2028def",
    "a\nc",
    "a\u2028c",
    "a\u0085c",
    "\u00a0",
    "\ufeff",
    "\u0085",
    "\t\n\r\x0b\x0c",
    "\x00",
    "\b",
    "\\c",
    "\\",
    "/",
    "a/b",
    "a{,5}",
    "a{",
    "a]",
    "a}",
    "p{L}",
    "u" * 2,
    "k<x>",
    "😀",
    "😀😀",
    "a😀",
    "😀a",
    "a😀b",
    "😀a😀",
    "x😀x",
    "😀@😀.😀",
    "user@example.com",
    "café",
    "Ωmega:+12",
    "abc:-3",
    "my_tool-1",
    "org/repo/model.v1",
    "org-my-team-1",
    "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN",
    "cost $30",
    "$30",
    "a foo.",
    "éfooé",
    "foo",
    "xfoo",
    "'quoted'",
    "'mixed\"",
    "aab",
    "ab" * 2,
    "abcdefghijj",
    "abcdefghija0",
    "a--b",
    "\u2028",
    "/* c */",
    "&&~~",
    "&~|^[]\\-",
    " !\"#%',:;<=>@`",
    "\U0001f601",
    "\U0001f603",
    "αβγ",
    "١٢",
    "A" * 41,
]


def _flags_of(pattern: str) -> tuple[str, str]:
    return split_delimited(pattern)


def _python(portable: str, subject: str) -> bool:
    return re.search(portable, subject) is not None


def _check_agreement(cases: list[tuple[str, str]]) -> list[tuple[str, str, object, object, bool]]:
    """(pattern, subject) pairs -> disagreements between node(original), node(portable), re."""
    portables = {p: to_portable(p) for p, _ in cases}
    queries: list[tuple[str, str, str]] = []
    for pattern, subject in cases:
        queries.append((*_flags_of(pattern), subject))
        queries.append((portables[pattern], "u", subject))
    verdicts = _node_verdicts(queries)
    wrong = []
    for i, (pattern, subject) in enumerate(cases):
        original, portable = verdicts[2 * i], verdicts[2 * i + 1]
        ours = _python(portables[pattern], subject)
        if not (original == portable == ours):
            wrong.append((pattern, subject, original, portable, ours))
    return wrong


@pytest.mark.parametrize("pattern", PORTABLE)
def test_portable_patterns_compile_everywhere_in_python(pattern: str) -> None:
    portable = to_portable(pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        re.compile(portable)
    jsonschema.Draft7Validator.check_schema({"type": "string", "pattern": portable})
    jsonschema.Draft202012Validator.check_schema({"type": "string", "pattern": portable})
    # The regex-module translation (our own validator) agrees with the portable form.
    compiled = compile_pattern(pattern)
    for subject in SUBJECTS:
        assert compiled.test(subject) == _python(portable, subject), (pattern, subject, portable)


@pytest.mark.parametrize(("pattern", "fragment"), NOT_PORTABLE)
def test_refusals_say_why(pattern: str, fragment: str) -> None:
    compile_pattern(pattern)  # valid ECMA that our own validator handles
    with pytest.raises(PatternError) as info:
        to_portable(pattern)
    message = str(info.value)
    assert fragment in message
    assert repr(pattern) in message


@needs_node
def test_table_agrees_with_node() -> None:
    wrong = _check_agreement([(p, s) for p in PORTABLE for s in SUBJECTS])
    assert not wrong, wrong[:20]


@needs_node
def test_refused_patterns_are_valid_in_node() -> None:
    # A refusal is about portability, never about a pattern node would reject.
    verdicts = _node_verdicts([(*_flags_of(p), "") for p, _ in NOT_PORTABLE])
    assert "error" not in verdicts


@needs_node
def test_match_table_of_the_translator_agrees_with_node() -> None:
    # Every pattern of test_ecma's table that has a portable form, on its subjects and ours.
    cases: list[tuple[str, str]] = []
    for pattern in dict.fromkeys(p for p, _, _ in MATCH_TABLE):
        try:
            to_portable(pattern)
        except PatternError:
            continue
        cases.extend((pattern, s) for s in [*SUBJECTS, *(s for p, s, _ in MATCH_TABLE)])
    wrong = _check_agreement([c for c in cases if not _has_lone_surrogate(c[1])])
    assert not wrong, wrong[:20]


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_EVERY_SCALAR = "".join(map(chr, [*range(0xD800), *range(0xE000, 0x110000)]))
_EVERY_BMP_SCALAR = _EVERY_SCALAR[: 0x10000 - 0x800]
_WELL_FORMED_FUZZ_SUBJECTS = [s for s in _FUZZ_SUBJECTS if not _has_lone_surrogate(s)]
_ASTRAL_SUBJECTS = ["😀", "😀😀", "a😀", "😀a", "\U00010428", "\U00010400", "\U0001e900"]


@needs_node
def test_random_patterns_agree_with_node() -> None:
    rng = random.Random(20240602)
    subjects = [*_WELL_FORMED_FUZZ_SUBJECTS, *_ASTRAL_SUBJECTS]
    patterns: list[tuple[str, str]] = []
    while len(patterns) < 1500:
        source = "".join(rng.choice(_FUZZ_TOKENS) for _ in range(rng.randint(1, 5)))
        patterns.append((source, rng.choice(_FUZZ_FLAGS)))
    # Which of them node accepts (the original must be valid ECMA for a portable form to exist).
    valid = _node_verdicts([(src, flags, "") for src, flags in patterns])
    portables: dict[tuple[str, str], str] = {}
    refused = 0
    for (src, flags), verdict in zip(patterns, valid, strict=True):
        literal = f"/{src}/{flags}"
        if split_delimited(literal) != (src, flags):
            continue  # not expressible as a literal (an unescaped '/'...)
        try:
            portables[(src, flags)] = to_portable(literal)
        except PatternError:
            refused += verdict != "error"
            continue
        # Never a portable form for what ES2024 rejects (modifier groups aside: node 20 lacks them).
        assert verdict != "error" or "(?" in src, (src, flags)
    queries: list[tuple[str, str, str]] = []
    cases: list[tuple[str, str, str, str]] = []
    for (src, flags), portable in portables.items():
        for _ in range(6):
            subject = "".join(rng.choice(subjects) for _ in range(rng.randint(0, 3)))
            cases.append((src, flags, portable, subject))
            queries.append((src, flags, subject))
            queries.append((portable, "u", subject))
    verdicts = _node_verdicts(queries)
    wrong = []
    for i, (src, flags, portable, subject) in enumerate(cases):
        original, again = verdicts[2 * i], verdicts[2 * i + 1]
        if original == "error":  # ES2025 modifiers: our translator is the reference
            original = compile_pattern(f"/{src}/{flags}").test(subject)
        ours = _python(portable, subject)
        if not (original == again == ours):
            wrong.append((src, flags, subject, original, again, ours, portable))
    assert not wrong, wrong[:20]
    # The generator must not have drifted into patterns that are (nearly) all refused.
    assert len(portables) > 3 * refused, (len(portables), refused)
    for portable in portables.values():
        jsonschema.Draft7Validator.check_schema({"pattern": portable})


# Token sets aimed at the two analyses: which backreferences are safe, and where a pattern
# without u may split an astral character. Small alphabets, so that matches are frequent.
_FOCUSED = {
    "backreferences": (
        [
            "a",
            "b",
            "(",
            ")",
            "(a)",
            "(b|)",
            "(?:",
            "(?<n>",
            "\\k<n>",
            "\\1",
            "\\2",
            "|",
            "?",
            "*",
            "+",
            "{2}",
            "{0,1}",
            "(?=",
            "(?!",
            "(?<=a)",
            "(?<!b)",
            "^",
            "$",
            "a*",
            "(a*)",
        ],
        ["a", "b", "", "ab", "ba"],
        ["", "u", "y", "m"],
    ),
    "astral": (
        [
            ".",
            ".+",
            ".*",
            "[^a]",
            "[^a]+",
            "\\S+",
            "\\W*",
            "a",
            "b",
            "^",
            "$",
            "(",
            ")",
            "(?:",
            "|",
            "?",
            "*",
            "+",
            "{2}",
            "{1,}",
            "\\b",
            "(?=a)",
            "(?!b)",
            "😀",
            "[a😀]",
        ],
        ["a", "b", "😀", "\U00010428", " ", "\n"],
        ["", "", "m", "s", "i", "y"],
    ),
}


@needs_node
@pytest.mark.parametrize("focus", sorted(_FOCUSED))
def test_focused_random_patterns_agree_with_node(focus: str) -> None:
    tokens, alphabet, flag_choices = _FOCUSED[focus]
    rng = random.Random(f"portable-{focus}")
    patterns = {
        ("".join(rng.choice(tokens) for _ in range(rng.randint(1, 7))), rng.choice(flag_choices))
        for _ in range(900)
    }
    portables: dict[tuple[str, str], str] = {}
    for src, flags in sorted(patterns):
        try:
            portables[(src, flags)] = to_portable(f"/{src}/{flags}")
        except PatternError:
            continue
    cases: list[tuple[str, str, str, str]] = []
    queries: list[tuple[str, str, str]] = []
    for (src, flags), portable in portables.items():
        for _ in range(8):
            subject = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
            cases.append((src, flags, portable, subject))
            queries += [(src, flags, subject), (portable, "u", subject)]
    verdicts = _node_verdicts(queries)
    wrong = [
        (src, flags, subject, verdicts[2 * i], verdicts[2 * i + 1], portable)
        for i, (src, flags, portable, subject) in enumerate(cases)
        if not verdicts[2 * i] == verdicts[2 * i + 1] == _python(portable, subject)
    ]
    assert not wrong, wrong[:20]
    assert len(portables) > 100, len(portables)


_SWEEP_PATTERNS = [
    "/^\\s$/",
    "/^\\S$/u",
    "/^\\w$/",
    "/^\\w$/iu",
    "/^\\W$/iu",
    "/^\\d$/u",
    "/^.$/u",
    "/^.$/su",
    "/^\\b/iu",
    "/^k$/i",
    "/^k$/iu",
    "/^s$/iu",
    "/^ß$/iu",
    "/^[a-z]$/i",
    "/^[a-z]$/iu",
    "/^[^a-z]$/iu",
    "/^σ$/i",
    "/^σ$/iu",
    "/^ω$/iu",
    "/^å$/iu",
    "/^\\p{Lu}$/iu",
    "/^\\P{Ll}$/iu",
    "/^[^\\P{Ll}]$/iu",
    "/^\\p{L}$/u",
    "/^\\p{Script=Greek}$/u",
    "/^\\p{Nd}$/u",
    "/^[\\u0400-\\u04ff]$/i",
    "/^\\p{White_Space}$/u",
    "/^[^\\n]+$/",
    "/^\\S+$/",
]


@needs_node
def test_character_sweeps_agree_with_node() -> None:
    # The characters of test_ecma's sweep, chosen where node's and our Unicode tables agree.
    subjects = [c for c in _SWEEP if not _has_lone_surrogate(c)]
    wrong = _check_agreement([(p, c) for p in _SWEEP_PATTERNS for c in subjects])
    assert not wrong, wrong[:20]


# Single-character patterns whose portable class is compared with the regex-module translation
# over every code point (surrogates aside).
_CLASS_PATTERNS = [
    "/\\p{L}/u",
    "/\\P{L}/u",
    "/\\p{Lu}/iu",
    "/\\P{Ll}/iu",
    "/[^\\P{Ll}]/iu",
    "/\\p{Script=Greek}/u",
    "/\\p{scx=Latn}/u",
    "/\\p{Emoji}/u",
    "/[\\p{L}\\p{N}]/u",
    "/[^\\p{L}\\p{N}]/u",
    "/\\p{Any}/u",
    "/\\P{Any}/u",
    "/\\p{ASCII}/u",
    "/./u",
    "/./su",
    "/\\w/iu",
    "/\\W/iu",
    "/[^a-z]/iu",
    "/[a-zα-ω]/iu",
    "/k/iu",
    "/\\s/u",
    "/\\S/u",
    "/[^\\d]/u",
    "/[\\u{10000}-\\u{10FFFF}]/u",
]
# Without u the class is over UTF-16 units: compared on the BMP (astral: test_astral_classes).
_BMP_CLASS_PATTERNS = ["/[\\u0400-\\u04ff]/i", "/[^a-z]+/i", "/\\W+/i", "/ſ/i", "/[^]+/", "/\\S*/"]


def _runs(pattern: re.Pattern[str] | regex.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("pattern", _CLASS_PATTERNS + _BMP_CLASS_PATTERNS)
def test_classes_match_the_translator_on_every_code_point(pattern: str) -> None:
    body, flags = split_delimited(pattern)
    ours = regex.compile(f"(?:{translate(body, flags)})+", regex.V0)
    if "u" in flags:
        # Python's re needs ~1 s to scan every code point with a 700-range class: scan the
        # BMP, both sides of every boundary the regex module finds, and a sample of the rest.
        edges = {
            i for start, end in _runs(ours, _EVERY_SCALAR) for i in (start - 1, start, end - 1, end)
        }
        picked = sorted(
            {*range(len(_EVERY_BMP_SCALAR)), *range(0, len(_EVERY_SCALAR), 101), *edges}
            - {-1, len(_EVERY_SCALAR)}
        )
        text = "".join(_EVERY_SCALAR[i] for i in picked)
    else:
        text = _EVERY_BMP_SCALAR
    portable = re.compile(f"(?:{to_portable(pattern)})+")
    assert _runs(portable, text) == _runs(ours, text)


def test_astral_classes() -> None:
    # A class without u holding every surrogate unit takes every astral character, else none.
    astral = "".join(map(chr, range(0x10000, 0x110000, 997)))
    assert re.fullmatch(to_portable("[^a]+"), astral)
    assert re.fullmatch(to_portable("[\\s\\S]*"), astral)
    assert not re.search(to_portable("[^\\ud800-\\udfff]"), astral)
    assert not re.search(to_portable("/[\\p{L}]+/"), astral)  # without u: 'p', '{', 'L', '}'


def test_shapes() -> None:
    assert to_portable(VAPI_NAME_40) == "^[\\-0-9A-Z_a-z]{1,40}(?!\\n)$"
    assert to_portable(VAPI_PLACEHOLDER) == "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN"
    assert to_portable("^\\d+$") == "^[0-9]+(?!\\n)$"
    assert to_portable("/a$/m") == "a(?:$|(?=[\\n\\r\\u2028\\u2029]))"
    assert to_portable("/^a/m") == "(?:^|(?<=[\\n\\r\\u2028\\u2029]))a"
    assert to_portable("/a.b/u") == "a[^\\n\\r\\u2028\\u2029]b"
    assert to_portable("/a.b/su") == "a[\\s\\S]b"
    assert to_portable("^.*$") == "^[^\\n\\r\\u2028\\u2029]*(?!\\n)$"
    assert to_portable("[]") == "[^\\s\\S]"
    assert to_portable("(?<n>x)\\k<n>") == "(x)(?:\\1)"
    assert to_portable("\\1(a)") == "(?:)(a)"
    assert to_portable("/k/iu") == "[Kk\\u212a]"
    assert to_portable("/\\u{1F600}/u") == "😀"
    assert to_portable("\\uD83D\\uDE00") == "😀"
    assert to_portable("a\\/b\\-c") == "a/b-c"
    assert to_portable("/y/y") == "^(?:y)"
    # A bare pattern takes default_flags (plus u for a property escape); a literal keeps its own.
    assert to_portable("^\\p{L}$") == to_portable("/^\\p{L}$/u")
    assert to_portable("^a.*$") == to_portable("/^a.*$/")
    assert to_portable("^\\p{Lu}$", default_flags="u") == to_portable("/^\\p{Lu}$/u")
    assert to_portable("/^\\p{L}$/", default_flags="u") == "^p\\{L\\}(?!\\n)$"


def test_letter_class_is_explicit_and_astral_literal() -> None:
    portable = to_portable(VAPI_LETTERS)
    assert "\\p" not in portable and "\\U" not in portable and "\\u{" not in portable
    assert re.search(portable, "𝒜𝒷")  # MATHEMATICAL SCRIPT letters are astral \p{L}
    assert not re.search(portable, "𝟙")  # MATHEMATICAL DOUBLE-STRUCK DIGIT ONE is not \p{L}
    assert re.search(portable, "日本:+3") and not re.search(portable, "日本:")


def test_lone_surrogates_are_outside_the_domain() -> None:
    # Well-formed text has no lone surrogate; the portable classes leave them out (writing
    # \uD800 in a class is unsafe: ECMA with u joins \uD83D\uDE00 into one code point).
    portable = to_portable("/^\\uD800$/u")
    assert compile_pattern("/^\\uD800$/u").test("\ud800")
    assert not re.search(portable, "\ud800")
    assert "\\ud8" not in to_portable("/[\\u0000-\\uFFFF]/u")


def test_invalid_ecma_is_refused_with_the_translator_message() -> None:
    with pytest.raises(PatternError, match="nothing to repeat"):
        to_portable("a**")
    with pytest.raises(PatternError, match="invalid property name"):
        to_portable("/\\p{Greek}/u")
    with pytest.raises(PatternError, match="set operation"):
        to_portable("/[\\w--\\d]/v")


def test_v_flag_without_v_syntax() -> None:
    assert to_portable("/^[\\p{L}\\-]+$/v") == to_portable("/^[\\p{L}\\-]+$/u")
    assert re.search(to_portable("/^[\\&]$/v"), "&")


def test_result_is_cached() -> None:
    assert to_portable(VAPI_LETTERS) is to_portable(VAPI_LETTERS)


_GENERATED = [VAPI_NAME_40, VAPI_PATH, VAPI_LETTERS, VAPI_ORG, "^\\S+@\\S+\\.\\S+$", "/^k$/iu"]


@pytest.mark.parametrize("pattern", _GENERATED)
def test_python_re_generators_generate_matches_of_the_original(pattern: str) -> None:
    # Generators that read a JSON Schema pattern with Python's `re` (Hypothesis's from_regex, which
    # hypothesis-jsonschema and Schemathesis call for a string schema) must produce values the
    # original ECMA pattern accepts.
    compiled = compile_pattern(pattern)

    @settings(max_examples=25, deadline=None)
    @given(st.from_regex(to_portable(pattern)))
    def check(value: str) -> None:
        assert compiled.test(value), (pattern, value)

    check()


@pytest.mark.parametrize("pattern", [VAPI_NAME_40, VAPI_LETTERS, "/^k$/iu"])
@settings(max_examples=50, deadline=None)
@given(st.text())
def test_jsonschema_verdicts_match_the_translator(pattern: str, value: str) -> None:
    validator = jsonschema.Draft7Validator({"type": "string", "pattern": to_portable(pattern)})
    assert validator.is_valid(value) == compile_pattern(pattern).test(value)


def test_jsonschema_rs_agrees() -> None:
    # jsonschema-rs (Rust, fancy-regex) is a third dialect the portable form must satisfy.
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    wrong = []
    for pattern in PORTABLE:
        portable = to_portable(pattern)
        validator = jsonschema_rs.validator_for({"type": "string", "pattern": portable})
        wrong.extend(
            (pattern, subject)
            for subject in SUBJECTS
            if validator.is_valid(subject) != _python(portable, subject)
        )
    assert not wrong, wrong[:20]


def test_repeated_assertions_are_not_repeated() -> None:
    assert to_portable("^(?:(?=a))*a$") == "^(?:)a(?!\\n)$"
    assert to_portable("^(?:(?=a)\\b)+a$").startswith("^(?:(?=a)(?:")
    assert to_portable("^(?:)*$") == "^(?:)(?!\\n)$"
    assert to_portable("^((?=a))*a$") == "^((?=a))*a(?!\\n)$"  # a group number to keep


def test_every_pattern_of_the_full_vapi_spec_is_portable() -> None:
    if not VAPI_SPEC.exists():
        pytest.skip(f"{VAPI_SPEC} is absent")
    patterns: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    patterns.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(VAPI_SPEC.read_text(encoding="utf-8")))
    assert set(VAPI_PATTERNS) <= patterns
    to_portable.cache_clear()
    started = time.perf_counter()
    for pattern in patterns:
        to_portable(pattern)  # every one has a portable form
    # ~0.05 s from a cold process (the \p{L} table is the bulk); the bound only catches a
    # property table rebuilt per pattern.
    assert time.perf_counter() - started < 2.0
