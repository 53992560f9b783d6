"""The YAML 1.1 boolean trap: plain on/off/yes/no/y/n keys and values are reported, with positions."""

from __future__ import annotations

import pytest

from contracttest.findings import Severity
from contracttest.lint.yaml11 import find_bool_traps

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
