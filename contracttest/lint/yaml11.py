"""The YAML 1.1 boolean trap.

contracttest reads YAML with 1.2 semantics (`contracttest._io`): a hook's ``on:`` key is the string
``"on"``, as in JSON. Many tools in a team's chain still read YAML 1.1 (PyYAML, Go yaml.v2, yq 3, Ruby
Psych) and turn plain ``on``/``off``/``yes``/``no``/``y``/``n`` into booleans, so the payload they send
has a key ``true`` and the server rejects it. The parse is right here, but the file is still a trap: this
module finds those plain scalars and reports them, keys as ``yaml.bool-key`` and values as
``yaml.bool-value``.

It walks PyYAML's composed node graph (no constructor runs, so no type is resolved) to get each scalar's
style, exact position and JSON pointer; shared alias nodes are visited once.
"""

from __future__ import annotations

import re
from typing import Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity

__all__ = ["YAML11_BOOL", "find_bool_traps"]

# YAML 1.1 bool (yaml.org/type/bool.html) minus what YAML 1.2's core schema also reads as a boolean.
YAML11_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_QUICK = re.compile(r"(?<![\w\"'])(?:y|yes|n|no|on|off)(?![\w\"'])", re.I)


def find_bool_traps(text: str, source: str) -> list[Finding]:
    """Plain YAML scalars that YAML 1.1 readers turn into booleans, as warnings with positions."""
    if not _QUICK.search(text):
        return []
    import yaml

    loader_cls: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader_cls)
    except yaml.YAMLError:
        return []  # the real parser has reported (or accepted) this file already
    if root is None:
        return []
    out: list[Finding] = []
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
                    if _is_trap(key, text):
                        out.append(_finding("yaml.bool-key", key, kptr, source, is_key=True))
                else:
                    kptr = _pointer.join(ptr, "?")
                children.append((value, kptr))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(
                reversed([(item, _pointer.join(ptr, i)) for i, item in enumerate(node.value)])
            )
        elif isinstance(node, yaml.ScalarNode) and _is_trap(node, text):
            out.append(_finding("yaml.bool-value", node, ptr, source, is_key=False))
    out.sort(key=lambda f: (f.line or 0, f.column or 0))
    return out


def _is_trap(node: Any, text: str) -> bool:
    """A plain (unquoted, untagged) scalar spelled like a YAML 1.1 boolean."""
    if node.style not in (None, "") or not YAML11_BOOL.match(node.value):  # libyaml: ""
        return False
    # An explicit tag (`!!str on`) says what is meant; the span then starts with the tag.
    span = text[node.start_mark.index : node.end_mark.index]
    return "!" not in span[: len(span) - len(node.value)]


def _finding(rule: str, node: Any, pointer: str, source: str, *, is_key: bool) -> Finding:
    value = node.value
    as_bool = "true" if value in _TRUE else "false"
    # The node's start mark is that of its anchor when it has one: point at the scalar itself.
    mark = node.end_mark
    if is_key:
        message = (
            f"key {value} is read as the string {value!r} here (YAML 1.2, like JSON), but YAML 1.1 "
            f"tools (PyYAML, Go yaml.v2, yq 3) turn it into the boolean {as_bool}"
        )
        suggestion = f'quote the key: "{value}":'
    else:
        message = (
            f"value {value} is read as the string {value!r} here (YAML 1.2, like JSON), but YAML "
            f"1.1 tools (PyYAML, Go yaml.v2, yq 3) turn it into the boolean {as_bool}"
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
