"""The YAML 1.1 traps: plain scalars that YAML 1.1 tools read differently from YAML 1.2.

contracttest reads YAML with 1.2 semantics (`contracttest._io`): a hook's ``on:`` key is the string
``"on"``, ``0123`` is the integer 123, ``1_000`` is a string, as in JSON. Many tools in a team's chain
still read YAML 1.1 (PyYAML, Go yaml.v2, yq 3, Ruby Psych), so the payload they send differs from the one
checked here, and the server sees something else. The parse is right here, but the file is still a
trap: this module finds those plain scalars and reports them.

* ``yaml.bool-key`` / ``yaml.bool-value``: ``on``/``off``/``yes``/``no``/``y``/``n``, strings in 1.2,
  booleans in 1.1.
* ``yaml.number-value``: numbers the two read differently: leading zeros (``0123`` is 123 in 1.2 and octal
  83 in 1.1; ``+001234567890`` is a number in 1.2 and text in 1.1), ``1_000`` and base-60 ``1:20`` (text
  in 1.2, 1000 and 80 in 1.1), ``0b101``, ``0o17``, ``1e3``. The YAML 1.1 reading is PyYAML's own
  resolver and constructor (an oracle we did not write), the 1.2 reading is the value contracttest
  parsed. ``0x1F`` is 31 to both and is not reported; ``.inf``/``.nan`` never get here (the reader
  refuses them: JSON cannot carry them).

It walks PyYAML's composed node graph (no constructor runs, so no type is resolved) to get each scalar's
style, exact position and JSON pointer; shared alias nodes are visited once. `scan` also returns where
the document has a plain scalar that YAML 1.2 reads as a number, with its source text, so the linter can
tell the user to quote it where the schema wants a string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from contracttest import _pointer
from contracttest.findings import REDACTED, Finding, Severity, is_secret_key

__all__ = ["YAML11_BOOL", "YamlScan", "find_bool_traps", "scan"]

# YAML 1.1 bool (yaml.org/type/bool.html) minus what YAML 1.2's core schema also reads as a boolean.
YAML11_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_QUICK_BOOL = re.compile(r"(?<![\w\"'])(?:y|yes|n|no|on|off)(?![\w\"'])", re.I)
_QUICK_NUMBER = re.compile(r"[0-9]")
_NUMBER_START = frozenset("0123456789+-.")
_YAML11 = "YAML 1.1 tools (PyYAML, Go yaml.v2, yq 3)"

# Why YAML 1.1 reads a scalar differently, by its spelling (first match wins).
_WHY: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[-+]?0b"), "0b is binary in YAML 1.1 and nothing in YAML 1.2"),
    (re.compile(r"^[-+]?0o"), "YAML 1.1 has no 0o prefix"),
    (re.compile(r"^[-+]?0x"), "YAML 1.2 reads hex only without a sign"),
    (re.compile(r"^[-+]?[0-9_]*:"), "YAML 1.1 reads base-60 (sexagesimal) numbers"),
    (re.compile(r"_"), "YAML 1.1 drops underscores in numbers"),
    (re.compile(r"^[-+]?0[0-7]+$"), "a leading 0 makes an integer octal in YAML 1.1"),
    (re.compile(r"^[-+]?0[0-9]+$"), "YAML 1.1 reads leading zeros with an 8 or 9 as text"),
    (re.compile(r"^[^.]*[eE]"), "a YAML 1.1 float needs a dot"),
)


@dataclass
class YamlScan:
    """What `scan` found in one YAML text."""

    findings: list[Finding] = field(default_factory=list)
    """``yaml.bool-key``, ``yaml.bool-value`` and ``yaml.number-value`` warnings, in file order."""
    numbers: dict[str, str] = field(default_factory=dict)
    """Pointer -> source text of every plain scalar the document holds as a number."""


def find_bool_traps(text: str, source: str) -> list[Finding]:
    """Plain YAML scalars that YAML 1.1 readers turn into booleans, as warnings with positions."""
    return [f for f in scan(text, source).findings if f.rule.startswith("yaml.bool-")]


def scan(text: str, source: str, data: Any = _pointer.MISSING) -> YamlScan:
    """The YAML 1.1 traps of ``text`` and its plain numbers.

    Args:
        text: the YAML document.
        source: the file name findings carry.
        data: the document as contracttest parsed it (YAML 1.2); without it only the boolean traps
            are looked for.
    """
    out = YamlScan()
    numbers = data is not _pointer.MISSING and _QUICK_NUMBER.search(text) is not None
    if not numbers and not _QUICK_BOOL.search(text):
        return out
    import yaml

    loader_cls: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader_cls)
    except yaml.YAMLError:
        return out  # the real parser has reported (or accepted) this file already
    if root is None:
        return out
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, ptr = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        # Children are pushed in reverse so the walk follows document order: an anchored node is
        # reported where it is defined, not where an alias repeats it.
        if isinstance(node, yaml.MappingNode):
            children = []
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    kptr = _pointer.join(ptr, key.value)
                    if _is_plain(key, text) and YAML11_BOOL.match(key.value):
                        out.findings.append(_bool_finding("yaml.bool-key", key, kptr, source))
                else:
                    kptr = _pointer.join(ptr, "?")
                children.append((value, kptr))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(
                reversed([(item, _pointer.join(ptr, i)) for i, item in enumerate(node.value)])
            )
        elif isinstance(node, yaml.ScalarNode) and _is_plain(node, text):
            if YAML11_BOOL.match(node.value):
                out.findings.append(_bool_finding("yaml.bool-value", node, ptr, source))
            elif numbers and node.value[:1] in _NUMBER_START:
                _number(node, ptr, source, data, out)
    out.findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return out


def _is_plain(node: Any, text: str) -> bool:
    """A plain (unquoted, untagged) scalar."""
    if node.style not in (None, ""):  # libyaml: ""
        return False
    # An explicit tag (`!!str on`) says what is meant; the span then starts with the tag.
    span = text[node.start_mark.index : node.end_mark.index]
    return "!" not in span[: len(span) - len(node.value)]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _yaml11_value(node: Any) -> Any:
    """What PyYAML (YAML 1.1) makes of a plain scalar: an int, a float, or the string itself."""
    import yaml
    from yaml.constructor import SafeConstructor

    resolver: Any = yaml.resolver.Resolver()
    tag = resolver.resolve(yaml.ScalarNode, node.value, (True, False))
    try:
        if tag == "tag:yaml.org,2002:int":
            return SafeConstructor().construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:float":
            return SafeConstructor().construct_yaml_float(node)
    except (ValueError, OverflowError):  # more digits than int() takes: not a trap we can name
        return _pointer.MISSING
    return node.value if tag == "tag:yaml.org,2002:str" else _pointer.MISSING


def _number(node: Any, ptr: str, source: str, data: Any, out: YamlScan) -> None:
    v12 = _pointer.resolve(data, ptr, _pointer.MISSING)
    if v12 is _pointer.MISSING:
        return  # a merge key moved it: the pointer of the node graph is not the data's
    if _is_number(v12):
        out.numbers[ptr] = node.value
    v11 = _yaml11_value(node)
    if v11 is _pointer.MISSING or not (_is_number(v11) or _is_number(v12)):
        return
    if type(v11) is type(v12) and v11 == v12:
        return
    raw = node.value
    why = next((text for pattern, text in _WHY if pattern.search(raw)), "")
    if any(is_secret_key(str(part)) for part in _pointer.parts(ptr)):
        # a secret's value is never echoed: say what each reading makes of it, not what it is
        message = (
            f"the value ({REDACTED}) is read as {_describe(v12, False)} here (YAML 1.2, like "
            f"JSON), but {_YAML11} read it as {_describe(v11, False)}"
        )
        suggestion = "quote it if text is meant, or write the number as a plain decimal"
    else:
        meant = " or ".join(dict.fromkeys(str(v) for v in (v12, v11) if _is_number(v)))
        message = (
            f"value {raw} is read as {_describe(v12)} here (YAML 1.2, like JSON), but "
            f"{_YAML11} read it as {_describe(v11)}"
        )
        suggestion = (
            f"quote it ({json.dumps(raw)}) if text is meant, or write {meant} "
            "(plain decimal) for the number"
        )
    mark = node.end_mark
    out.findings.append(
        Finding(
            rule="yaml.number-value",
            severity=Severity.WARNING,
            pointer=ptr,
            message=message + (f": {why}" if why else ""),
            suggestion=suggestion,
            source=source,
            line=mark.line + 1,
            column=mark.column - len(raw) + 1,
        )
    )


def _describe(value: Any, show: bool = True) -> str:
    if isinstance(value, str):
        return f"the string {json.dumps(value)}" if show else "a string"
    if isinstance(value, int):
        return f"the integer {value}" if show else "an integer"
    return f"the number {value!r}" if show else "a number"


def _bool_finding(rule: str, node: Any, pointer: str, source: str) -> Finding:
    value = node.value
    as_bool = "true" if value in _TRUE else "false"
    # The node's start mark is that of its anchor when it has one: point at the scalar itself.
    mark = node.end_mark
    if rule == "yaml.bool-key":
        message = (
            f"key {value} is read as the string {value!r} here (YAML 1.2, like JSON), but "
            f"{_YAML11} turn it into the boolean {as_bool}"
        )
        suggestion = f'quote the key: "{value}":'
    else:
        message = (
            f"value {value} is read as the string {value!r} here (YAML 1.2, like JSON), but "
            f"{_YAML11} turn it into the boolean {as_bool}"
        )
        suggestion = f'quote it ("{value}") if a string is meant, or write {as_bool} for a boolean'
    return Finding(
        rule=rule,
        severity=Severity.WARNING,
        pointer=pointer,
        message=message,
        suggestion=suggestion,
        source=source,
        line=mark.line + 1,
        column=mark.column - len(value) + 1,
    )
