"""Shared keyword semantics of both validation paths: patterns, length counting, discriminator lookup.

The fast path (jsonschema-rs) and the detailed path (python-jsonschema) must reach the same verdict on
every payload, so whatever either of them cannot do natively the way we mean it lives here once:
ECMA-262 ``pattern`` matching (`contracttest.schema.ecma`), ``maxLength``/``minLength`` counted the
server's way, and the lookup of a discriminator tag in a translated ``x-discriminator``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from contracttest.errors import PatternError
from contracttest.validate.rules.lengths import LENGTH_METHODS, VALIDATORJS_METHODS, LengthMethod
from contracttest.validate.rules.lengths import count as _server_count

__all__ = [
    "LENGTH_METHODS",
    "PATTERN_TIMEOUT",
    "PORTABLE_FLAGS",
    "VALIDATORJS_METHODS",
    "count",
    "length_counts",
    "matcher",
    "pattern_matches",
    "select_branch",
    "too_long",
    "too_short",
]

PATTERN_TIMEOUT = 1.0
"""Seconds one ``pattern`` match may take before it counts as a failure (catastrophic backtracking)."""


_QUANTIFIED_GROUP = re.compile(r"\)(?:[*+]|\{[0-9]*,)")
_BACKREFERENCE = re.compile(r"\\[1-9]|\\k<")


def _may_backtrack(source: str) -> bool:
    """Whether a pattern can backtrack catastrophically: a repeated group, or a backreference.

    Patterns without either (``^[0-9]+$``, ``^[a-z_-]{1,40}$``) match in time linear in the subject,
    so they skip the timeout, which costs more than the match itself.
    """
    return bool(_QUANTIFIED_GROUP.search(source) or _BACKREFERENCE.search(source))


@functools.lru_cache(maxsize=4096)
def matcher(pattern: str, default_flags: str = "") -> Callable[[str], bool]:
    """A compiled ``test(text) -> bool`` for an ECMA-262 pattern (``/body/flags`` honoured).

    Translated schemas hold two kinds (ARCHITECTURE.md, "Patterns in translated schemas"): a
    ``pattern`` is *portable* and is read with the ``u`` flag (``default_flags="u"``); an
    ``x-ecma-pattern`` is the spec's own text, read like ``new RegExp(p)`` (no default flags).

    A pattern that cannot be compiled never matches (the translator already reported it as a spec
    diagnostic and normally drops it); a match that runs past `PATTERN_TIMEOUT` does not match either.
    """
    from contracttest.schema.ecma import compile_pattern

    try:
        compiled = compile_pattern(pattern, default_flags=default_flags)
    except PatternError:
        return lambda text: False
    if not _may_backtrack(compiled.source):
        search = compiled.search
        return lambda text: search(text) is not None

    def guarded(text: str) -> bool:
        try:
            return compiled.search(text, timeout=PATTERN_TIMEOUT) is not None
        except TimeoutError:
            return False

    return guarded


def pattern_matches(pattern: str, text: str, default_flags: str = "") -> bool:
    """Whether ``text`` matches the ECMA-262 ``pattern`` (see `matcher`)."""
    return matcher(pattern, default_flags)(text)


PORTABLE_FLAGS = "u"
"""How a translated schema's ``pattern`` is read (it is portable: ECMA with ``u`` and ``re`` agree)."""


def count(text: str, method: str) -> int:
    """Length of ``text`` counted by ``method`` (one of `LENGTH_METHODS`)."""
    if method == "codepoints":
        return len(text)
    lm: LengthMethod = method  # type: ignore[assignment]
    return _server_count(text, lm)


def length_counts(text: str) -> dict[str, int]:
    """Every count of ``text``: ``{"codepoints": .., "utf16": .., "validatorjs": .., ...}``."""
    return {m: count(text, m) for m in LENGTH_METHODS}


def too_long(text: str, limit: int, method: str) -> bool:
    """``maxLength`` under ``method``; counts only when the cheap bounds cannot decide."""
    n = len(text)
    if n > limit:
        if method not in VALIDATORJS_METHODS or text.isascii():
            return True  # UTF-16 never counts fewer than the code points
        return count(text, method) > limit
    if method != "utf16" or text.isascii():
        return False  # validator.js never counts more than the code points
    return count(text, method) > limit


def too_short(text: str, limit: int, method: str) -> bool:
    """``minLength`` under ``method``; counts only when the cheap bounds cannot decide."""
    n = len(text)
    if n < limit:
        if method != "utf16" or text.isascii():
            return True
        return count(text, method) < limit
    if method not in VALIDATORJS_METHODS or text.isascii():
        return False
    return count(text, method) < limit


def select_branch(xd: Mapping[str, Any], tags: Mapping[Any, int] | None, value: Any) -> int | None:
    """The branch index a discriminator tag selects, or None when no branch is named by it.

    ``xd`` is a translated ``x-discriminator`` (its ``mapping`` keys are ``str(tag)``); ``tags`` maps
    the typed tags of its variant table to branch indices, for tags that are not strings.
    """
    mapping = xd.get("mapping")
    if not isinstance(mapping, Mapping):
        return None
    if isinstance(value, str):
        idx = mapping.get(value)
        return idx if isinstance(idx, int) else None
    if value is None or isinstance(value, (dict, list)) or not tags:
        return None
    for tag, idx in tags.items():
        if isinstance(tag, str) or isinstance(tag, bool) != isinstance(value, bool):
            continue
        if tag == value:
            return idx
    return None
