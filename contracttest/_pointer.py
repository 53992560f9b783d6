"""RFC 6901 JSON pointers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["MISSING", "escape", "join", "parts", "resolve", "unescape"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def escape(token: str | int) -> str:
    token = str(token)
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def unescape(token: str) -> str:
    if "~" in token:
        return token.replace("~1", "/").replace("~0", "~")
    return token


def join(pointer: str, *tokens: str | int) -> str:
    """``join("/a", "b/c", 0)`` -> ``/a/b~1c/0``."""
    if len(tokens) == 1:  # the common case, without a generator
        return pointer + "/" + escape(tokens[0])
    return pointer + "".join("/" + escape(t) for t in tokens)


def parts(pointer: str) -> list[str]:
    """``/a/b~1c`` -> ``["a", "b/c"]``; ``""`` -> ``[]``."""
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    if "~" not in pointer:
        return pointer[1:].split("/")
    return [unescape(p) for p in pointer[1:].split("/")]


def from_parts(tokens: Iterable[str | int]) -> str:
    return "".join("/" + escape(t) for t in tokens)


def resolve(document: Any, pointer: str, default: Any = MISSING) -> Any:
    """The value at ``pointer`` in ``document``; ``default`` (or KeyError) when absent."""
    node = document
    for token in parts(pointer):
        if isinstance(node, dict):
            if token not in node:
                break
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                break
            node = node[int(token)]
        else:
            break
    else:
        return node
    if default is MISSING:
        raise KeyError(pointer)
    return default
