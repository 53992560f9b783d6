"""String length as servers count it.

JSON Schema counts ``maxLength`` in code points, JavaScript's ``String.length`` in UTF-16 code units,
and NestJS's class-validator ``@MaxLength``/``@MinLength`` call validator.js ``isLength``, which
counts UTF-16 units minus surrogate pairs minus the variation selectors U+FE0E/U+FE0F. The three
disagree on emoji: ``"❤️"`` is 2, 2 and 1; ``"😀"`` is 1, 2 and 1; ``"👍🏽"`` is 2, 4 and 2.
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
    "LengthMethod",
    "count",
    "counts",
    "describe_counts",
    "max_length_rule",
    "min_length_rule",
]

LengthMethod = Literal["codepoints", "utf16", "validatorjs"]
LENGTH_METHODS: tuple[LengthMethod, ...] = get_args(LengthMethod)

# validator.js isLength: str.match(/(\uFE0F|\uFE0E)/g) and str.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)
_PRESENTATION = re.compile("[\ufe0e\ufe0f]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf16_length(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


def count(text: str, method: LengthMethod = "codepoints") -> int:
    """The length of ``text`` as ``method`` counts it.

    Args:
        text: the string (may hold lone surrogates, as JSON allows).
        method: ``codepoints`` (JSON Schema, Python ``len``), ``utf16`` (JavaScript
            ``String.length``: astral characters count 2), or ``validatorjs`` (class-validator's
            ``MaxLength``/``MinLength``: UTF-16 length minus surrogate pairs minus U+FE0E/U+FE0F).

    Raises:
        ValueError: unknown method.

    Example:
        >>> count("❤️", "validatorjs"), count("👍🏽", "utf16")
        (1, 4)
    """
    if method == "codepoints":
        return len(text)
    if method == "utf16":
        return _utf16_length(text)
    if method == "validatorjs":
        if text.isascii():
            return len(text)
        # Exactly validator.js, on the UTF-16 view: an astral code point is one surrogate pair,
        # and a Python str may also hold a high+low pair as two code points.
        pairs = len(_ASTRAL.findall(text)) + len(_SURROGATE_PAIR.findall(text))
        return _utf16_length(text) - len(_PRESENTATION.findall(text)) - pairs
    raise ValueError(
        f"unknown length method {method!r}; expected one of {', '.join(LENGTH_METHODS)}"
    )


def counts(text: str) -> dict[str, int]:
    """The length of ``text`` by every method, e.g. ``{"codepoints": 2, "utf16": 2, "validatorjs": 1}``."""
    return {method: count(text, method) for method in LENGTH_METHODS}


def describe_counts(text: str) -> str | None:
    """``"code points 2, UTF-16 units 2, validator.js 1"`` when the methods disagree, else None."""
    found = counts(text)
    if len(set(found.values())) == 1:
        return None
    return (
        f"code points {found['codepoints']}, UTF-16 units {found['utf16']},"
        f" validator.js {found['validatorjs']}"
    )


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
