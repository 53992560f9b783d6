"""Phone numbers: E.164 at three strictness levels, Vapi's alphanumeric fallback, Liquid templates.

``syntax`` is the shape E.164 allows (``+``, a country code not starting with 0, 15 digits at
most): what a server can check without number-plan data. ``possible`` and ``valid`` ask Google's
libphonenumber (the ``phonenumbers`` package, imported only when those levels are used) whether
the length fits the country, and whether the number is in an assigned range.

Note: validator.js ``isE164`` (class-validator ``@IsE164``) makes the ``+`` optional; Vapi's
documentation and examples always write it, so ``syntax`` requires it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal, get_args

from contracttest.findings import truncate_value

if TYPE_CHECKING:
    from contracttest.findings import Finding
    from contracttest.validate.rules import RuleContext

__all__ = [
    "ALPHANUMERIC_PATTERN",
    "E164_LEVELS",
    "E164_PATTERN",
    "E164Level",
    "alphanumeric_rule",
    "check_alphanumeric",
    "check_e164",
    "e164_rule",
    "is_template",
]

E164Level = Literal["syntax", "possible", "valid"]
E164_LEVELS: tuple[E164Level, ...] = get_args(E164Level)

E164_PATTERN = re.compile(r"\+[1-9][0-9]{1,14}")
"""``^\\+[1-9]\\d{1,14}$`` with ASCII digits (use ``fullmatch``)."""
ALPHANUMERIC_PATTERN = re.compile(r"\+?[a-zA-Z0-9]+")
"""Vapi's rule when ``numberE164CheckEnabled`` is false: ``/^\\+?[a-zA-Z0-9]+$/`` (use ``fullmatch``)."""

# Liquid output ({{ customer.number }}) or tag ({% ... %}) markup.
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)

_POSSIBLE_REASONS = {
    "TOO_SHORT": "too short",
    "TOO_LONG": "too long",
    "INVALID_LENGTH": "no valid length for that country",
    "INVALID_COUNTRY_CODE": "unknown country code",
    "IS_POSSIBLE_LOCAL_ONLY": "too short: possible only as a local number",
}


def is_template(value: object) -> bool:
    """Whether ``value`` is a Liquid template such as ``{{customer.number}}``.

    Vapi fills templates in before dialling, so a template stands for a number (``callerId``).
    """
    return isinstance(value, str) and _TEMPLATE.search(value) is not None


_DIGITS = frozenset("0123456789")
_ALPHANUMERIC = _DIGITS | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _offending_character(body: str, allowed: frozenset[str]) -> str | None:
    """Why ``body`` (the text after an optional leading '+') holds a character not ``allowed``."""
    for ch in body:
        if ch in allowed:
            continue
        if ch == "+":
            return "'+' is only allowed at the start"
        if ch.isspace():
            return "contains spaces"
        return f"contains {ch!r}"
    return None


def _syntax_reason(number: str) -> str | None:
    if not number:
        return "is empty"
    body = number[1:] if number.startswith("+") else number
    bad = _offending_character(body, _DIGITS)
    if bad is not None:
        return bad
    if not number.startswith("+"):
        return "must start with '+'"
    if not body:
        return "has no digits after '+'"
    if body.startswith("0"):
        return "country code cannot start with 0"
    if len(body) > 15:
        return f"at most 15 digits (has {len(body)})"
    if len(body) < 2:
        return f"at least 2 digits (has {len(body)})"
    return None


def check_e164(number: object, level: E164Level = "syntax") -> str | None:
    """Check an E.164 phone number; None when fine, else a short reason.

    Args:
        number: the value to check (non-strings get a reason too).
        level: ``syntax`` (``^\\+[1-9]\\d{1,14}$``), ``possible`` (plus libphonenumber's length
            check for the country), ``valid`` (plus libphonenumber's number-plan check).

    Returns:
        None, or a reason such as ``"must start with '+'"``, ``"country code cannot start with 0"``,
        ``"at most 15 digits (has 16)"``, ``"contains spaces"``, ``"contains '-'"``,
        ``"not a possible number for country code 44 (too short)"``.

    Raises:
        ValueError: unknown level.

    Example:
        >>> check_e164("+14155550100"), check_e164("4155550100")
        (None, "must start with '+'")
    """
    if level not in E164_LEVELS:
        raise ValueError(f"unknown E.164 level {level!r}; expected one of {', '.join(E164_LEVELS)}")
    if not isinstance(number, str):
        return f"must be a string, not {type(number).__name__}"
    reason = _syntax_reason(number)
    if reason is not None or level == "syntax":
        return reason
    return _plan_reason(number, level)


def _plan_reason(number: str, level: E164Level) -> str | None:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as exc:
        return f"not a possible number ({_parse_error(exc)})"
    code = parsed.country_code or 0
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    # A number that is possible only locally (a NANP number without its area code) is no
    # possible international number, which is what an E.164 string is.
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        name = _validation_result_name(reason)
        return (
            f"not a possible number for country code {code} ({_POSSIBLE_REASONS.get(name, name)})"
        )
    if level == "valid" and not phonenumbers.is_valid_number(parsed):
        region = phonenumbers.region_code_for_country_code(code)
        where = f"country code {code}" + (f" ({region})" if region not in ("ZZ", "001") else "")
        return f"not a valid number for {where}: no assigned number range matches"
    return None


def _parse_error(exc: Any) -> str:
    import phonenumbers

    cls = phonenumbers.NumberParseException
    if exc.error_type == cls.INVALID_COUNTRY_CODE:
        return "unknown country code"
    if exc.error_type in (cls.TOO_SHORT_NSN, cls.TOO_SHORT_AFTER_IDD):
        return "too short"
    if exc.error_type == cls.TOO_LONG:
        return "too long"
    return str(exc._msg)


def _validation_result_name(value: int) -> str:
    import phonenumbers

    for name in (
        "TOO_SHORT",
        "TOO_LONG",
        "INVALID_LENGTH",
        "INVALID_COUNTRY_CODE",
        "IS_POSSIBLE_LOCAL_ONLY",
    ):
        if getattr(phonenumbers.ValidationResult, name) == value:
            return name
    return str(value)


def check_alphanumeric(number: object) -> str | None:
    """Vapi's check when ``numberE164CheckEnabled`` is false: ``/^\\+?[a-zA-Z0-9]+$/``.

    Example:
        >>> check_alphanumeric("+001234567890"), check_alphanumeric("12 34")
        (None, 'contains spaces')
    """
    if not isinstance(number, str):
        return f"must be a string, not {type(number).__name__}"
    if not number:
        return "is empty"
    if number == "+":
        return "has nothing after '+'"
    return _offending_character(number[1:] if number.startswith("+") else number, _ALPHANUMERIC)


def _level(ctx: RuleContext) -> E164Level:
    level = ctx.settings.get("e164_level") or ctx.options.get("level", "syntax")
    if level not in E164_LEVELS:
        from contracttest.errors import UsageError

        raise UsageError(f"rule phone.e164: unknown level {level!r}; expected one of {E164_LEVELS}")
    result: E164Level = level
    return result


def e164_rule(value: Any, ctx: RuleContext) -> Iterator[Finding]:
    """``phone.e164``: the value must be an E.164 number.

    Options: ``level`` (``syntax``/``possible``/``valid``; the engine setting ``e164_level`` wins),
    ``allow_template`` (a Liquid template such as ``{{customer.number}}`` passes).
    """
    if not isinstance(value, str):
        return
    if ctx.options.get("allow_template") and is_template(value):
        return
    level = _level(ctx)
    reason = check_e164(value, level)
    if reason is None:
        return
    yield ctx.finding(
        f"not an E.164 phone number: {reason}",
        expected="E.164 number ('+', country code, up to 15 digits)"
        + ("" if level == "syntax" else f", {level} per libphonenumber"),
        actual=truncate_value(value),
        suggestion=_e164_suggestion(value),
    )


def _e164_suggestion(value: str) -> str | None:
    digits = "".join(ch for ch in value if ch in "0123456789")
    if digits and digits != value.lstrip("+") and E164_PATTERN.fullmatch("+" + digits.lstrip("0")):
        return f"write it as '+{digits.lstrip('0')}' (no spaces, dashes or brackets)"
    if digits == value and E164_PATTERN.fullmatch("+" + digits):
        return f"add the country code after '+', e.g. '+{digits}' if it already starts with one"
    return None


def alphanumeric_rule(value: Any, ctx: RuleContext) -> Iterator[Finding]:
    """``phone.alphanumeric``: with the E.164 check off, Vapi still wants ``/^\\+?[a-zA-Z0-9]+$/``."""
    if not isinstance(value, str):
        return
    reason = check_alphanumeric(value)
    if reason is None:
        return
    yield ctx.finding(
        f"not a valid number with the E.164 check off: {reason}",
        expected="/^\\+?[a-zA-Z0-9]+$/",
        actual=truncate_value(value),
    )


# Registered by contracttest.validate.rules: id -> (function, default severity, description).
RULES = {
    "phone.e164": (
        e164_rule,
        "error",
        "phone number must be E.164 (+, country code, <= 15 digits)",
    ),
    "phone.alphanumeric": (
        alphanumeric_rule,
        "error",
        "with numberE164CheckEnabled false, the number must match /^\\+?[a-zA-Z0-9]+$/",
    ),
}
