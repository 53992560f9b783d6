"""Find and cut out what no conforming answer can hold.

A spec can make a value unanswerable: a ``oneOf`` whose branches tell values apart only through
``additionalProperties: false`` accepts a request (request schemas are closed) but rejects every
answer echoing it (response schemas are open, so the value matches several branches). The engine
checks answers only for response schemas that have such an ambiguous union (`has_loose_union`) and
removes the offending member (`without`), see `MockEngine.representable`.
"""

from __future__ import annotations

import copy
from typing import Any

from contracttest import _pointer

__all__ = ["has_loose_union", "without"]

_ALL_TYPES = frozenset({"object", "array", "string", "number", "boolean", "null"})


def _branch_types(root: Any, node: Any) -> frozenset[str]:
    """JSON types a union branch may accept (every type when it does not say)."""
    for _ in range(50):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#"):
            break
        node = _pointer.resolve(root, ref[1:], {})
    if not isinstance(node, dict):
        return _ALL_TYPES
    typ = node.get("type")
    if isinstance(typ, str):
        return frozenset({"number" if typ == "integer" else typ})
    if isinstance(typ, list):
        return frozenset("number" if t == "integer" else str(t) for t in typ)
    if "properties" in node or "required" in node:
        return frozenset({"object"})
    return _ALL_TYPES


def has_loose_union(schema: Any) -> bool:
    """Whether a schema has a ``oneOf``/``anyOf`` without a discriminator in which two branches
    could accept a value of the same JSON type (so a value may match several)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in ("oneOf", "anyOf"):
                branches = node.get(key)
                if not isinstance(branches, list) or "x-discriminator" in node:
                    continue
                seen: set[str] = set()
                for branch in branches:
                    types = _branch_types(schema, branch)
                    if seen & types:
                        return True
                    seen |= types
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def without(body: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    """A copy of ``body`` without the member or element at ``pointer`` (None when absent)."""
    parts = _pointer.parts(pointer)
    if not parts:
        return None
    out: Any = dict(body)
    node = out
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict) and part in node:
            if last:
                del node[part]
                return out  # type: ignore[no-any-return]
            node[part] = child = copy.copy(node[part])
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            if last:
                del node[int(part)]
                return out  # type: ignore[no-any-return]
            node[int(part)] = child = copy.copy(node[int(part)])
        else:
            return None
        node = child
    return None
