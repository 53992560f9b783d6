"""Error bodies shaped like Vapi's NestJS server, and their messages read back into JSON pointers.

NestJS answers ``{"message": ..., "error": "<reason phrase>", "statusCode": <code>}``. A failed
``ValidationPipe`` puts one message per broken constraint in a list, shaped the way class-validator
and NestJS shape them (checked against @nestjs/common 12.6.3 and class-validator 0.15.1 by
``tests/reference``): ``<property> <constraint>``, with the parent path in front for nested members
(``hooks.0.on must be one of the following values: call.ringing, call.ending``), and three forms of
their own: whitelisting (``fallbackDestination.property x should not exist``), a constraint on each
element of an array (``hooks.0.filters.0.each value in startsWith must match /^[0-9]+$/ regular
expression``) and an element that is not an object where one is nested (``hooks.each value in nested
property hooks must be either object or array``). Parameter findings name the parameter without its
location group (``limit must not be greater than 1000``). A non-object body answers NestJS's own
``Validation failed (object is expected)``.

The wording of a constraint comes from the validators (`contracttest.validate` words its findings the
class-validator way); a rule class-validator has no decorator for (E.164, hook filters) keeps the
validator's reason after a class-validator-shaped head. Messages never quote the offending value, so
no secret sent in a bad request comes back.

`message_field` reads any such message (NestJS's or ours) back into the field it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, NamedTuple

from contracttest import _pointer
from contracttest.findings import pointer_to_path

if TYPE_CHECKING:
    from contracttest.findings import Finding

__all__ = [
    "MAX_MESSAGES",
    "NamedField",
    "drop_group",
    "error_body",
    "field_path",
    "finding_message",
    "message_field",
    "messages_for",
]

MAX_MESSAGES = 100
# Reason phrases as Express/NestJS word them where Python's `HTTPStatus` differs.
_PHRASES = {413: "Payload Too Large", 422: "Unprocessable Entity"}
# Statuses NestJS answers without an "error" member: body-parser's 413 reaches the client as
# {"statusCode": 413, "message": "request entity too large"} (@nestjs/platform-express 12.6.3).
_NO_ERROR_MEMBER = frozenset({413})
_ROOT_LABEL = "the payload"
NOT_AN_OBJECT = "Validation failed (object is expected)"
"""NestJS's ValidationPipe on a body that is not an object (an array, a primitive)."""


def error_body(status: int, message: str | list[str], error: str | None = None) -> dict[str, Any]:
    """``{"message", "error", "statusCode"}`` for ``status`` (no ``error`` where NestJS has none, or
    where ``error`` is ``""``: body-parser's 415 for a charset reads ``{"statusCode": 415, "message":
    "unsupported charset \\"LATIN1\\""}``)."""
    if error == "" or (error is None and status in _NO_ERROR_MEMBER):
        return {"statusCode": status, "message": message}
    if error is None and status in _PHRASES:
        error = _PHRASES[status]
    if error is None:
        try:
            error = HTTPStatus(status).phrase
        except ValueError:
            error = "Error"
    return {"message": message, "error": error, "statusCode": status}


def field_path(pointer: str) -> str:
    """``/hooks/0/on`` -> ``hooks.0.on`` (class-validator's property path); the root -> ``the payload``."""
    if not pointer:
        return _ROOT_LABEL
    return ".".join(_pointer.parts(pointer))


def drop_group(pointer: str) -> str:
    """``/query/limit`` -> ``/limit``; ``/query`` -> ``""`` (parameter findings name the parameter)."""
    parts = pointer.split("/", 2)
    return "/" + parts[2] if len(parts) == 3 else ""


def _validator_label(pointer: str) -> str:
    # The label the validators put at the start of a message (`contracttest.validate._report`).
    if not pointer:
        return _ROOT_LABEL
    return pointer_to_path(pointer)[1:].lstrip(".")


_ELEMENT_KEYWORDS = frozenset(
    {"type", "enum", "const", "pattern", "format", "maxLength", "minLength", "minimum", "maximum"}
)
_LENGTH = re.compile(r"(maxLength|minLength) (\d+)")


def _head(parts: list[str]) -> str:
    """The parent path class-validator puts in front of a nested member's message (with the dot)."""
    return "".join(p + "." for p in parts)


def _element_of_array(f: Finding, parts: list[str]) -> bool:
    """Whether ``f`` is about one element of an array of plain values (class-validator's ``each``)."""
    if len(parts) < 2 or not parts[-1].isdigit():
        return False
    if f.rule.startswith("hooks.filter."):
        return True  # prefixes and ended reasons are strings in an array
    sp = _pointer.parts(f.schema_pointer) if f.schema_pointer else []
    return len(sp) >= 2 and sp[-2] == "items" and sp[-1] in _ELEMENT_KEYWORDS


def _constraint(f: Finding, old: str) -> str:
    """The constraint part of ``f``'s message: what follows the field in a class-validator message."""
    message = f.message
    if f.rule.startswith("discriminator.") and (f.expected or "").startswith("one of "):
        # class-transformer falls back to the base class, whose @IsEnum names the tags
        return f"must be one of the following values: {(f.expected or '')[len('one of ') :]}"
    if message.startswith(old + " "):
        return message[len(old) + 1 :]
    if f.rule in ("length.maxLength", "length.minLength"):
        m = _LENGTH.search(f.expected or "")
        if m is not None:
            bound = "shorter" if m[1] == "maxLength" else "longer"
            return f"must be {bound} than or equal to {m[2]} characters ({message})"
    if f.rule == "phone.e164":
        return f"must be a valid phone number (E.164): {message}"
    return f"must be valid ({f.rule}): {message}"


def finding_message(f: Finding, *, parameter: bool = False) -> str:
    """The finding's message shaped as NestJS/class-validator shape it (see the module docstring).

    Args:
        f: a validation finding (its ``pointer`` points into the checked payload).
        parameter: the payload was a parameter set (``{"query": {...}}``): drop the group.
    """
    pointer = drop_group(f.pointer) if parameter else f.pointer
    parts = _pointer.parts(pointer)
    if f.rule == "schema.required" and (f.expected or "").startswith("required property "):
        missing = (f.expected or "")[len("required property ") :].strip()
        last = _pointer.parts(f.pointer)[-1] if f.pointer else None
        if missing and missing != last:
            parts = [*parts, missing]  # the engine pointed at the object: name the member
        if parts:
            # class-validator's @IsDefined() wording
            return f"{_head(parts[:-1])}{parts[-1]} should not be null or undefined"
    if f.rule in ("schema.additionalProperties", "schema.unevaluatedProperties") and parts:
        return f"{_head(parts[:-1])}property {parts[-1]} should not exist"
    if f.rule == "schema.uniqueItems" and parts:
        return f"{_head(parts[:-1])}All {parts[-1]}'s elements must be unique"  # @ArrayUnique
    if not parts:
        if f.rule == "schema.type" and (f.expected or "") == "type object":
            return NOT_AN_OBJECT
        return f"{_ROOT_LABEL} {_constraint(f, _validator_label(f.pointer))}"
    constraint = _constraint(f, _validator_label(f.pointer))
    if _element_of_array(f, parts):
        return f"{_head(parts[:-2])}each value in {parts[-2]} {constraint}"
    if (
        f.rule == "schema.type"
        and len(parts) >= 2
        and parts[-1].isdigit()
        and (f.expected or "") == "type object"
    ):
        # An element of an array of nested objects that is not an object: NestJS names the array
        # twice (``hooks.each value in nested property hooks ...``).
        return (
            f"{_head(parts[:-1])}each value in nested property {parts[-2]} "
            "must be either object or array"
        )
    return f"{_head(parts[:-1])}{parts[-1]} {constraint}"


def messages_for(findings: Iterable[Finding], *, parameter: bool = False) -> list[str]:
    """One message per finding (duplicates dropped, at most `MAX_MESSAGES`)."""
    out: list[str] = []
    seen: set[str] = set()
    for f in findings:
        text = finding_message(f, parameter=parameter)
        if text not in seen:
            seen.add(text)
            out.append(text)
            if len(out) >= MAX_MESSAGES:
                break
    return out


class NamedField(NamedTuple):
    """The field a message names: ``pointer``, and whether it is about each element of it."""

    pointer: str
    each: bool = False


_VERBS = ("must ", "should ")


def message_field(message: str) -> NamedField | None:
    """The field a NestJS/class-validator 400 message names, or None when it names none.

    ``"hooks.0.filters.0.each value in startsWith must match /^[0-9]+$/ regular expression"`` ->
    ``NamedField("/hooks/0/filters/0/startsWith", each=True)``;
    ``"fallbackDestination.property x should not exist"`` -> ``/fallbackDestination/x``;
    ``"name must be a string"`` -> ``/name``. Messages about the request as a whole
    (``"Validation failed (uuid is expected)"``, body-parser's ``"Unexpected token ..."``) give None.
    """
    head, sep, rest = message.partition(" ")
    if not sep or not head:
        return None
    *parents, last = head.split(".")
    if any(not p for p in parents):
        return None
    if last == "property":  # whitelisting: the name may hold anything, even spaces
        m = re.fullmatch(r"(?P<name>.*) should not exist", rest, re.DOTALL)
        return NamedField(_pointer.from_parts([*parents, m["name"]])) if m else None
    if last == "All":  # @ArrayUnique: "All tags's elements must be unique"
        m = re.fullmatch(r"(?P<name>\S+)'s elements must be unique", rest)
        return NamedField(_pointer.from_parts([*parents, m["name"]])) if m else None
    if last == "each" and rest.startswith("value in "):
        rest = rest[len("value in ") :]
        nested = rest.startswith("nested property ")
        if nested:
            rest = rest[len("nested property ") :]
        name = rest.split(" ", 1)[0]
        if nested and parents and parents[-1] == name:
            # NestJS names the array twice here (``hooks.each value in nested property hooks``)
            return NamedField(_pointer.from_parts(parents), each=True)
        return NamedField(_pointer.from_parts([*parents, name]), each=True) if name else None
    if last == "nested" and rest.startswith("property "):
        name = rest[len("property ") :].split(" ", 1)[0]
        if parents and parents[-1] == name:
            # @ValidateNested() met an array: class-validator names it again for its elements
            return NamedField(_pointer.from_parts(parents), each=True)
        return NamedField(_pointer.from_parts([*parents, name])) if name else None
    if not last or not rest.startswith(_VERBS):
        return None
    return NamedField(_pointer.from_parts([*parents, last]))
