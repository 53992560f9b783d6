"""Error bodies shaped like Vapi's NestJS server.

NestJS answers ``{"message": ..., "error": "<reason phrase>", "statusCode": <code>}``; a failed
``ValidationPipe`` puts one message per broken constraint in a list, each naming the property by its
dotted path (``hooks.0.on must be ...``, ``property foo should not exist``). The wording itself comes
from the validators (`contracttest.validate` words its findings the class-validator way); this module
only rewrites the field label into the dotted form and, for parameters, drops the location group
(``limit must not be greater than 1000``, not ``query.limit ...``). Messages never quote the offending
value, so no secret sent in a bad request comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import pointer_to_path

if TYPE_CHECKING:
    from contracttest.findings import Finding

__all__ = [
    "MAX_MESSAGES",
    "drop_group",
    "error_body",
    "field_path",
    "finding_message",
    "messages_for",
]

MAX_MESSAGES = 100
# Reason phrases as Express/NestJS word them where Python's `HTTPStatus` differs.
_PHRASES = {413: "Payload Too Large", 422: "Unprocessable Entity"}
_ROOT_LABEL = "the payload"


def error_body(status: int, message: str | list[str], error: str | None = None) -> dict[str, Any]:
    """``{"message", "error", "statusCode"}`` for ``status``."""
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


def finding_message(f: Finding, *, parameter: bool = False) -> str:
    """The finding's message with the field named the NestJS way.

    Args:
        f: a validation finding (its ``pointer`` points into the checked payload).
        parameter: the payload was a parameter set (``{"query": {...}}``): drop the group.
    """
    pointer = drop_group(f.pointer) if parameter else f.pointer
    if f.rule == "schema.required" and (f.expected or "").startswith("required property "):
        missing = (f.expected or "")[len("required property ") :].strip()
        last = _pointer.parts(f.pointer)[-1] if f.pointer else None
        if missing and missing != last:
            # The engine pointed at the object; name the missing member itself.
            return f"{field_path(_pointer.join(pointer, missing))} is required"
    if f.rule in ("schema.additionalProperties", "schema.unevaluatedProperties") and pointer:
        return f"property {field_path(pointer)} should not exist"
    old = _validator_label(f.pointer)
    new = field_path(pointer)
    message = f.message
    if message.startswith(old + " "):
        return new + message[len(old) :]
    if f.rule == "phone.e164":
        # class-validator's @IsE164PhoneNumber wording, then the validator's reason.
        return f"{new} must be a valid phone number (E.164): {message}"
    return f"{new}: {message}"


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
