"""The YAML 1.1 traps: plain on/off/yes/no/y/n keys and values, and numbers YAML 1.1 reads differently
(0123, +00..., 1_000, 1:20), are reported with positions; a number where a string is wanted says to quote it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contracttest.findings import Finding, Severity
from contracttest.lint.yaml11 import find_bool_traps, scan

HOOK = """\
provider: byo-phone-number
hooks:
  - on: call.ringing
    do:
      - type: say
        exact: hello
smsEnabled: yes
"""


def test_plain_on_key_and_yes_value_are_reported_where_they_are() -> None:
    found = find_bool_traps(HOOK, "hook.yaml")
    assert [(f.rule, f.pointer, f.line, f.column) for f in found] == [
        ("yaml.bool-key", "/hooks/0/on", 3, 5),
        ("yaml.bool-value", "/smsEnabled", 7, 13),
    ]
    key = found[0]
    assert key.severity is Severity.WARNING
    assert key.source == "hook.yaml"
    assert "boolean true" in key.message
    assert key.suggestion == 'quote the key: "on":'
    assert "boolean true" in found[1].message


@pytest.mark.parametrize(
    "text",
    [
        '"on": call.ringing\n',
        "'on': call.ringing\n",
        "!!str on: call.ringing\n",
        "key: !!str no\n",
        "online: true\nnone: 1\n",  # words that merely start like a trap
        "name: 'yes'\n",
        "flag: true\n",  # a boolean in YAML 1.2 too: no trap
        "{}\n",
    ],
)
def test_quoted_tagged_and_unrelated_scalars_are_fine(text: str) -> None:
    assert find_bool_traps(text, "x.yaml") == []


@pytest.mark.parametrize("word", ["on", "On", "ON", "off", "yes", "No", "y", "N"])
def test_every_spelling_of_the_yaml11_booleans(word: str) -> None:
    (finding,) = find_bool_traps(f"{word}: 1\n", "x.yaml")
    assert finding.rule == "yaml.bool-key"
    assert finding.pointer == f"/{word}"
    assert (finding.line, finding.column) == (1, 1)


def test_anchored_scalars_point_at_the_scalar_not_the_anchor() -> None:
    (finding,) = find_bool_traps("a: &x off\n", "x.yaml")
    assert finding.rule == "yaml.bool-value"
    assert (finding.line, finding.column) == (1, 7)
    assert "boolean false" in finding.message


def test_shared_alias_nodes_are_reported_once() -> None:
    text = "base: &b\n  on: call.ending\nfirst: *b\nsecond: *b\n"
    found = find_bool_traps(text, "x.yaml")
    assert [f.pointer for f in found] == ["/base/on"]


def test_flow_style_and_nested_sequences() -> None:
    found = find_bool_traps('{hooks: [{on: call.ending, x: [no, "no"]}]}\n', "x.yaml")
    assert [(f.rule, f.pointer) for f in found] == [
        ("yaml.bool-key", "/hooks/0/on"),
        ("yaml.bool-value", "/hooks/0/x/0"),
    ]


def test_broken_yaml_is_left_to_the_parser() -> None:
    assert find_bool_traps("on: [unclosed\n", "x.yaml") == []


# ------------------------------------------------------------------------------------ numbers


def _numbers(text: str) -> list[Finding]:
    from contracttest._io import parse_document

    doc = parse_document(text, "x.yaml")
    return [f for f in scan(text, "x.yaml", doc.data).findings if f.rule == "yaml.number-value"]


@pytest.mark.parametrize(
    ("scalar", "here", "there"),
    [
        ("+001234567890", "the integer 1234567890", 'the string "+001234567890"'),
        ("0123", "the integer 123", "the integer 83"),
        ("-017", "the integer -17", "the integer -15"),
        ("1_000", 'the string "1_000"', "the integer 1000"),
        ("1:20", 'the string "1:20"', "the integer 80"),
        ("0b101", 'the string "0b101"', "the integer 5"),
        ("0o17", "the integer 15", 'the string "0o17"'),
        ("1e3", "the number 1000.0", 'the string "1e3"'),
        ("-0x1F", 'the string "-0x1F"', "the integer -31"),
    ],
)
def test_numbers_yaml11_reads_differently_are_reported(scalar: str, here: str, there: str) -> None:
    (finding,) = _numbers(f"number: {scalar}\n")
    assert finding.severity is Severity.WARNING
    assert (finding.pointer, finding.line, finding.column) == ("/number", 1, 9)
    assert f"read as {here} here (YAML 1.2" in finding.message
    assert f"read it as {there}" in finding.message
    assert finding.suggestion is not None and f'quote it ("{scalar}")' in finding.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "n: 0x1F\n",  # 31 to both readers
        "n: 123\n",
        "n: -7\n",
        "n: 0\n",
        "n: 1.5\n",
        "n: 1.0e+3\n",  # a YAML 1.1 float has a dot and a signed exponent
        "n: '0123'\n",
        'n: "+001234567890"\n',
        "n: !!str 0123\n",
        "n: 2024-01-01\n",  # a date is not a number trap
        "n: +41\n",
        "0123: x\n",  # keys keep their text in both payload readings
    ],
)
def test_numbers_both_readers_agree_on_are_fine(text: str) -> None:
    assert _numbers(text) == []


def test_number_traps_in_sequences_anchors_and_flow_style() -> None:
    text = "a: &x 010\nb: *x\nc: [1, 1_0, '1_0']\nd: {e: 1:30}\n"
    found = _numbers(text)
    assert [(f.pointer, f.line, f.column) for f in found] == [
        ("/a", 1, 7),
        ("/c/1", 3, 8),
        ("/d/e", 4, 8),
    ]


def test_a_secret_number_is_not_echoed() -> None:
    (finding,) = _numbers("twilioAuthToken: 0123456\n")
    assert "0123456" not in str(finding) and "123456" not in str(finding)
    assert "[REDACTED]" in finding.message


def test_plain_numbers_are_listed_with_their_source_text() -> None:
    from contracttest._io import parse_document

    text = "a: +001\nb: '2'\nc: [0x1F, x]\nd: 1.50\n"
    got = scan(text, "x.yaml", parse_document(text, "x.yaml").data).numbers
    assert got == {"/a": "+001", "/c/0": "0x1F", "/d": "1.50"}


# ------------------------------------------------------------------------------------ in the linter


def test_a_number_where_a_string_is_wanted_says_to_quote_it(
    fixed_spec: Any, tmp_path: Path
) -> None:
    from contracttest.lint import Linter

    path = tmp_path / "byo.yaml"
    path.write_text("provider: byo-phone-number\ncredentialId: c1\nnumber: +001234567890\n")
    result = Linter(fixed_spec, target="POST /phone-number").lint_file(path)
    by_rule = {f.rule: f for f in result.findings}
    assert set(by_rule) == {"schema.type", "yaml.number-value"}
    wrong = by_rule["schema.type"]
    assert (wrong.pointer, wrong.line, wrong.column) == ("/number", 3, 9)
    assert 'quote it ("+001234567890")' in wrong.message
    assert "YAML reads it as a number" in wrong.message
    trap = by_rule["yaml.number-value"]
    assert 'the string "+001234567890"' in trap.message


def test_json_numbers_keep_their_spelling_in_the_hint(fixed_spec: Any, tmp_path: Path) -> None:
    from contracttest.lint import Linter

    path = tmp_path / "byo.json"
    path.write_text('{"provider": "byo-phone-number", "credentialId": "c", "name": 1.50}')
    result = Linter(fixed_spec, target="POST /phone-number").lint_file(path)
    (wrong,) = result.findings
    assert wrong.rule == "schema.type"
    assert 'quote it ("1.50")' in wrong.message


def test_numbers_where_numbers_belong_get_no_hint(fixed_spec: Any, tmp_path: Path) -> None:
    from contracttest.lint import Linter

    path = tmp_path / "byo.yaml"
    path.write_text("provider: byo-phone-number\ncredentialId: c1\nname: true\n")
    (wrong,) = Linter(fixed_spec, target="POST /phone-number").lint_file(path).findings
    assert wrong.rule == "schema.type" and "quote" not in wrong.message


def test_infinity_has_no_json_form_and_the_file_says_to_quote_it(
    fixed_spec: Any, tmp_path: Path
) -> None:
    from contracttest.lint import Linter

    path = tmp_path / "byo.yaml"
    path.write_text("provider: byo-phone-number\ncredentialId: c1\nname: .inf\n")
    (finding,) = Linter(fixed_spec, target="POST /phone-number").lint_file(path).findings
    assert (finding.rule, finding.line, finding.column) == ("file.syntax", 3, 7)
    assert "quote it" in finding.message
