"""String length as servers count it.

JSON Schema counts ``maxLength`` in code points, JavaScript's ``String.length`` in UTF-16 code units,
and NestJS's class-validator ``@MaxLength``/``@MinLength`` call validator.js ``isLength``, which
counts UTF-16 units minus surrogate pairs minus the variation selectors U+FE0E/U+FE0F that follow
another character. The three disagree on emoji: ``"❤️"`` is 2, 2 and 1; ``"😀"`` is 1, 2 and 1;
``"👍🏽"`` is 2, 4 and 2.

validator.js changed that count in 13.15.22 (class-validator 0.15.x requires ``^13.15.22``):

* ``validatorjs`` (13.15.22 and later, checked against 13.15.35): a selector is not counted when it
  follows a character other than a selector, and that character does not excuse a second one:
  ``str.match(/[^\ufe0f\ufe0e][\ufe0f\ufe0e]/g)``. A lone ``"\ufe0f"`` is 1, ``"a\ufe0f\ufe0f"``
  is 2.
* ``validatorjs-legacy`` (13.15.21 and earlier): no selector is counted,
  ``str.match(/(\ufe0f|\ufe0e)/g)``. A lone ``"\ufe0f"`` is 0, ``"a\ufe0f\ufe0f"`` is 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

from contracttest.findings import truncate_value

if TYPE_CHECKING:
    from contracttest.findings import Finding
    from contracttest.validate.rules import RuleContext

__all__ = [
    "LENGTH_METHODS",
    "VALIDATORJS_METHODS",
    "LengthMethod",
    "count",
    "counts",
    "describe_counts",
    "max_length_rule",
    "min_length_rule",
]

LengthMethod = Literal["codepoints", "utf16", "validatorjs", "validatorjs-legacy"]
LENGTH_METHODS: tuple[LengthMethod, ...] = get_args(LengthMethod)

VALIDATORJS_METHODS: frozenset[str] = frozenset({"validatorjs", "validatorjs-legacy"})
"""The methods that count like validator.js: never more than the code points."""

_SELECTORS = frozenset("\ufe0e\ufe0f")
# validator.js isLength: str.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g), and the selectors (above)
_PRESENTATION = re.compile("[\ufe0e\ufe0f]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf16_length(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


def _uncounted_selectors(text: str) -> int:
    """``str.match(/[^\ufe0f\ufe0e][\ufe0f\ufe0e]/g).length`` (validator.js 13.15.22+).

    The regex scans UTF-16 units left to right without overlap: a selector is matched with the unit
    before it when that unit is not a selector and no earlier match took it. An astral character
    ends with a low surrogate, which is not a selector, so it excuses a selector like any other.
    """
    matched = 0
    free = False  # the previous unit exists, is not a selector and is not taken by a match
    for ch in text:
        if ch in _SELECTORS:
            if free:
                matched += 1
            free = False
        else:
            free = True
    return matched


def count(text: str, method: LengthMethod = "codepoints") -> int:
    """The length of ``text`` as ``method`` counts it.

    Args:
        text: the string (may hold lone surrogates, as JSON allows).
        method: ``codepoints`` (JSON Schema, Python ``len``), ``utf16`` (JavaScript
            ``String.length``: astral characters count 2), ``validatorjs`` (class-validator's
            ``MaxLength``/``MinLength`` with validator.js 13.15.22+: UTF-16 length minus surrogate
            pairs minus each U+FE0E/U+FE0F that follows another character) or
            ``validatorjs-legacy`` (validator.js up to 13.15.21: minus every U+FE0E/U+FE0F).

    Raises:
        ValueError: unknown method.

    Example:
        >>> count("❤️", "validatorjs"), count("👍🏽", "utf16"), count("\ufe0f", "validatorjs")
        (1, 4, 1)
    """
    if method == "codepoints":
        return len(text)
    if method == "utf16":
        return _utf16_length(text)
    if method in VALIDATORJS_METHODS:
        if text.isascii():
            return len(text)
        # Exactly validator.js, on the UTF-16 view: an astral code point is one surrogate pair,
        # and a Python str may also hold a high+low pair as two code points.
        pairs = len(_ASTRAL.findall(text)) + len(_SURROGATE_PAIR.findall(text))
        selectors = (
            _uncounted_selectors(text)
            if method == "validatorjs"
            else len(_PRESENTATION.findall(text))
        )
        return _utf16_length(text) - selectors - pairs
    raise ValueError(
        f"unknown length method {method!r}; expected one of {', '.join(LENGTH_METHODS)}"
    )


def counts(text: str) -> dict[str, int]:
    """The length of ``text`` by every method, e.g. ``{"codepoints": 2, "utf16": 2, "validatorjs": 1}``."""
    return {method: count(text, method) for method in LENGTH_METHODS}


def describe_counts(text: str) -> str | None:
    """``"code points 2, UTF-16 units 2, validator.js 1"`` when the methods disagree, else None.

    validator.js before 13.15.22 is named only where it counts otherwise than the current one
    (``"code points 1, UTF-16 units 1, validator.js 1, validator.js < 13.15.22 0"`` for a lone
    variation selector).
    """
    found = counts(text)
    if len(set(found.values())) == 1:
        return None
    text_out = (
        f"code points {found['codepoints']}, UTF-16 units {found['utf16']},"
        f" validator.js {found['validatorjs']}"
    )
    if found["validatorjs-legacy"] != found["validatorjs"]:
        text_out += f", validator.js < 13.15.22 {found['validatorjs-legacy']}"
    return text_out


def _length_findings(
    value: Any, ctx: RuleContext, keyword: Literal["maxLength", "minLength"]
) -> Iterator[Finding]:
    if not isinstance(value, str):
        return
    schema: Mapping[str, Any] = ctx.schema or {}
    limit = ctx.options.get(keyword, schema.get(keyword))
    if not isinstance(limit, int) or isinstance(limit, bool):
        return
    method: LengthMethod = ctx.options.get("method", ctx.length_method)
    length = count(value, method)
    broken = length > limit if keyword == "maxLength" else length < limit
    if not broken:
        return
    bound = "at most" if keyword == "maxLength" else "at least"
    message = f"{length} characters as the server counts them ({method}); {bound} {limit} allowed"
    disagreement = describe_counts(value)
    if disagreement:
        message += f" ({disagreement})"
    yield ctx.finding(message, expected=f"{keyword} {limit}", actual=truncate_value(value))


def max_length_rule(value: Any, ctx: RuleContext) -> Iterator[Finding]:
    """``length.maxLength``: a string longer than ``maxLength`` as the server counts."""
    return _length_findings(value, ctx, "maxLength")


def min_length_rule(value: Any, ctx: RuleContext) -> Iterator[Finding]:
    """``length.minLength``: a string shorter than ``minLength`` as the server counts."""
    return _length_findings(value, ctx, "minLength")


# Registered by contracttest.validate.rules: id -> (function, default severity, description).
RULES = {
    "length.maxLength": (
        max_length_rule,
        "error",
        "string longer than maxLength, counted the way the server counts (length method)",
    ),
    "length.minLength": (
        min_length_rule,
        "error",
        "string shorter than minLength, counted the way the server counts (length method)",
    ),
}
