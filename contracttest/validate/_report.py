"""Turn detailed-path errors into `Finding`s: rule id, payload pointer, message, spec pointer, blame.

Messages name the field and follow the wording of Vapi's NestJS server (class-validator), e.g.
``property X should not exist``, ``name must be shorter than or equal to 40 characters``. They never
contain the offending value: that goes into ``actual``, truncated and with secrets redacted.

``schema_pointer`` is where the broken constraint lives in the spec: the schema path of the error is
walked through the bundled schema (following ``$ref`` and skipping the ``anyOf`` wrappers that
``nullable`` became), starting again from a definition's ``x-spec-pointer`` at each ``$ref``, and the
result is shortened until it names a node that exists in the spec.

When the constraint can accept no value at all (``type: object`` with a string ``enum``), or the spec's
own example for the field fails it, the finding says that the spec is at fault rather than the payload.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from contracttest import _pointer
from contracttest._types import json_type
from contracttest.findings import REDACTED, Finding, Severity, is_secret_key, redact, truncate_value

__all__ = [
    "SPEC_AT_FAULT",
    "SPEC_EXAMPLE_AT_FAULT",
    "blames_spec",
    "field_label",
    "render_actual",
    "spec_contradicts_itself",
    "to_finding",
]

SPEC_AT_FAULT = "fix the spec (an overlay) rather than the payload"
SPEC_EXAMPLE_AT_FAULT = "fix the spec's example or its schema (an overlay), then the payload"
"""The suggestion of a finding whose schema also rejects the spec's own example: the spec is
suspect, but unlike a contradiction, valid values exist and this payload is not one of them."""
"""The suggestion of a finding the spec is to blame for (it contradicts itself), not the payload."""

_ABSENT = object()


def blames_spec(finding: Finding) -> bool:
    """Whether a validation finding is the spec's fault (an ``enum`` its ``type`` excludes,
    overlapping ``oneOf`` branches, an example its schema rejects), not the payload's."""
    return finding.suggestion in (SPEC_AT_FAULT, SPEC_EXAMPLE_AT_FAULT)


def spec_contradicts_itself(finding: Finding) -> bool:
    """Whether no payload could avoid the finding (an ``enum`` its ``type`` excludes, overlapping
    ``oneOf`` branches): what a server built from the spec could not refuse a client for. A schema
    that merely rejects the spec's own example still tells valid payloads from invalid ones."""
    return finding.suggestion == SPEC_AT_FAULT


_TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}
# class-validator's own wording where one type is expected (@IsNumber, @IsInt, @IsBoolean).
_SINGLE_TYPE_WORDS = {
    "number": "a number conforming to the specified constraints",
    "integer": "an integer number",
    "boolean": "a boolean value",
}
_FORMAT_WORDS = {
    "date-time": "an RFC 3339 date-time (2024-01-31T12:00:00Z)",
    "uuid": "a UUID",
    "uri": "an absolute URI",
    "email": "an email address",
}


def field_label(pointer: str) -> str:
    """``/hooks/0/on`` -> ``hooks[0].on``; the root is ``the payload``."""
    if not pointer:
        return "the payload"
    from contracttest.findings import pointer_to_path

    return pointer_to_path(pointer)[1:].lstrip(".")


def _secret_pointer(pointer: str) -> bool:
    return any(is_secret_key(p) for p in _pointer.parts(pointer) if not p.isdigit())


def render_actual(value: Any, pointer: str, limit: int = 120) -> str:
    """The offending value for ``actual``: redacted when it sits under a secret key, truncated."""
    if _secret_pointer(pointer) and value is not None:
        return REDACTED
    return truncate_value(redact(value), limit)


def _short(values: Iterable[Any], limit: int = 200) -> str:
    text = ", ".join(v if isinstance(v, str) else json.dumps(v) for v in values)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def _type_admits(types: list[str], value: Any) -> bool:
    t = json_type(value)
    return t in types or (t == "integer" and "number" in types)


class SchemaWalk:
    """Where an error's schema path leads: the nodes passed and the spec pointer reached."""

    def __init__(self, root: dict[str, Any], spec: Any) -> None:
        self.root = root
        self.spec = spec

    def _deref(self, node: Any) -> Any:
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        return _pointer.resolve(self.root, ref[1:], None)

    def walk(self, schema_path: Iterable[Any]) -> tuple[str | None, list[Any]]:
        """(spec pointer of the keyword, schema nodes passed since the last definition)."""
        node: Any = self.root
        base = self.root.get("x-spec-pointer")
        rel: list[str] = []
        chain: list[Any] = [node]
        skip_index = False
        for seg in schema_path:
            # Draft 7 ignores $ref siblings, so a segment after a $ref node is inside the target.
            hops = 0
            while isinstance(node, dict) and "$ref" in node and str(seg) not in node and hops < 64:
                hops += 1
                target = self._deref(node)
                if not isinstance(target, dict):
                    break
                node = target
                base = node.get("x-spec-pointer", base)
                rel = []
                chain = [node]
            if isinstance(node, list):
                idx = int(seg)
                nxt = node[idx] if 0 <= idx < len(node) else None
            elif isinstance(node, dict):
                nxt = node.get(str(seg))
            else:
                nxt = None
            if skip_index:
                skip_index = False  # the branch index inside a ``nullable`` wrapper
            elif isinstance(node, dict) and seg == "anyOf" and _nullable_pair(nxt):
                skip_index = True
            else:
                # x-ecma-pattern holds the spec's own ``pattern`` (no portable form exists).
                rel.append("pattern" if seg == "x-ecma-pattern" else str(seg))
            if (
                isinstance(nxt, dict)
                and isinstance(nxt.get("x-spec-pointer"), str)
                and seg != "properties"
            ):
                base = nxt["x-spec-pointer"]
                rel = []
                chain = []
            node = nxt
            chain.append(node)
        if not isinstance(base, str):
            return None, chain
        return self.existing(_pointer.join(base, *rel) if rel else base), chain

    def spec_value(self, pointer: str) -> Any:
        """The spec's node at ``pointer`` (None when absent or in another document)."""
        raw = getattr(self.spec, "raw", None)
        if raw is None or "#" in pointer:
            return None
        return _pointer.resolve(raw, pointer, None)

    def existing(self, pointer: str) -> str:
        """The longest prefix of ``pointer`` that names something in the spec."""
        doc, sep, frag = pointer.partition("#")
        if sep and doc:
            return pointer  # a node of another document: keep as it is
        ptr = frag if sep else pointer
        ptr = ptr.split("#", 1)[0]
        raw = getattr(self.spec, "raw", None)
        if raw is None:
            return ptr
        parts = _pointer.parts(ptr)
        while parts and _pointer.resolve(raw, _pointer.from_parts(parts), _ABSENT) is _ABSENT:
            parts.pop()
        return _pointer.from_parts(parts)


def _nullable_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and value[1] == {"type": "null"}


def _contradiction(node: Any) -> str | None:
    """Why the spec itself is at fault at ``node``, or None."""
    if not isinstance(node, dict):
        return None
    if "type" in node and isinstance(node.get("enum"), list) and node["enum"]:
        types = _types(node["type"])
        if not any(_type_admits(types, v) for v in node["enum"]):
            kinds = sorted({json_type(v) for v in node["enum"]})
            return (
                f"the spec declares type {'/'.join(types)} next to an enum of "
                f"{'/'.join(kinds)} values, so no value can satisfy it"
            )
    return None


def _message(err: Any, rule: str, label: str, method: str) -> tuple[str, str | None]:
    """(message, expected) for one error."""
    kw = err.validator
    val = err.validator_value
    info = getattr(err, "ct_info", None) or {}
    if rule == "discriminator.missing":
        allowed = _short(info.get("allowed", []))
        return (
            f"{label} is required: it selects the variant, one of the following values: {allowed}",
            f"one of {allowed}",
        )
    if rule == "discriminator.unknown":
        allowed = _short(info.get("allowed", []))
        return (
            f"{label} must be one of the following values: {allowed} (it selects the variant)",
            f"one of {allowed}",
        )
    if kw == "type":
        types = _types(val)
        if len(types) == 1 and types[0] in _SINGLE_TYPE_WORDS:
            words = _SINGLE_TYPE_WORDS[types[0]]
        else:
            words = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        return f"{label} must be {words}", f"type {'/'.join(types)}"
    if kw == "required":
        return f"{label} is required", f"required property {info.get('missing', '')}"
    if kw == "additionalProperties":
        name = err.path[-1] if err.path else ""
        return f"property {name} should not exist", "no undeclared property"
    if kw == "enum":
        allowed = _short(val)
        return f"{label} must be one of the following values: {allowed}", f"one of {allowed}"
    if kw == "const":
        return f"{label} must be equal to {_short([val])}", f"const {_short([val])}"
    if kw in ("maxLength", "minLength"):
        counts: dict[str, int] = info.get("counts", {})
        used = info.get("method", method)
        n = counts.get(used)
        bound = "shorter" if kw == "maxLength" else "longer"
        text = f"{label} must be {bound} than or equal to {val} characters"
        if n is not None:
            text += f" ({used} count: {n}"
            others = [f"{m} {c}" for m, c in counts.items() if m != used and c != n]
            if others:
                text += f"; the counts disagree: {', '.join(others)}"
            text += ")"
        return text, f"{kw} {val} ({used} count)"
    if kw == "pattern":
        # class-validator's @Matches wording: the pattern as a JavaScript regex literal
        return f"{label} must match /{val}/ regular expression", f"pattern {val}"
    if kw == "format":
        return f"{label} must be {_FORMAT_WORDS.get(val, val)}", f"format {val}"
    if kw == "minimum":
        return f"{label} must not be less than {val}", f"minimum {val}"
    if kw == "maximum":
        return f"{label} must not be greater than {val}", f"maximum {val}"
    if kw == "exclusiveMinimum":
        return f"{label} must be greater than {val}", f"exclusiveMinimum {val}"
    if kw == "exclusiveMaximum":
        return f"{label} must be less than {val}", f"exclusiveMaximum {val}"
    if kw == "multipleOf":
        return f"{label} must be a multiple of {val}", f"multipleOf {val}"
    if kw == "maxItems":
        return f"{label} must contain no more than {val} elements", f"maxItems {val}"
    if kw == "minItems":
        return f"{label} must contain at least {val} elements", f"minItems {val}"
    if kw == "uniqueItems":
        return f"all of {label}'s elements must be unique", "uniqueItems"
    if kw == "maxProperties":
        return f"{label} must have at most {val} properties", f"maxProperties {val}"
    if kw == "minProperties":
        return f"{label} must have at least {val} properties", f"minProperties {val}"
    if kw in ("oneOf", "anyOf"):
        valid = info.get("valid")
        if valid:
            branches = ", ".join(str(i) for i in valid)
            return (
                f"{label} matches more than one alternative (branches {branches}) "
                "but must match exactly one",
                "exactly one oneOf branch",
            )
        return f"{label} matches none of the alternatives", f"{kw} branch"
    if kw == "not":
        return f"{label} must not match the excluded schema", "not"
    if kw is None:
        return f"{label} is not allowed here", "nothing (false schema)"
    if kw in ("dependencies", "dependentRequired"):
        return f"{label} lacks a property that another one requires: {err.message}", kw
    if kw == "contains":
        return f"{label} must contain at least one matching element", "contains"
    if kw == "propertyNames":
        return f"{label} has a property name that is not allowed", "propertyNames"
    return f"{label} fails {kw}", str(kw)


def rule_of(err: Any) -> str:
    rule = getattr(err, "ct_rule", None)
    if rule:
        return str(rule)
    return f"schema.{err.validator}" if err.validator is not None else "schema.false"


def to_finding(
    err: Any,
    *,
    walk: SchemaWalk,
    validator: Any,
    target: str,
    length_method: str,
    server_method: str | None,
) -> Finding:
    """One `Finding` for one detailed-path error."""
    rule = rule_of(err)
    pointer = _pointer.from_parts(err.absolute_path)
    kw = err.validator
    if kw in ("maxLength", "minLength"):
        counts = (getattr(err, "ct_info", None) or {}).get("counts", {})
        limit = err.validator_value
        cp = counts.get("codepoints")
        json_schema_ok = cp is not None and (cp <= limit if kw == "maxLength" else cp >= limit)
        if json_schema_ok and server_method == length_method:
            # JSON Schema (code points) accepts it; only the server's count rejects it.
            rule = f"length.{kw}"
    label = field_label(pointer)
    spec_ptr, chain = walk.walk(err.absolute_schema_path)
    if kw == "pattern" and spec_ptr is not None and spec_ptr.endswith("/pattern"):
        # Name the pattern as the spec writes it, not its portable translation.
        original = walk.spec_value(spec_ptr)
        if isinstance(original, str):
            err.validator_value = original
    message, expected = _message(err, rule, label, length_method)
    info = getattr(err, "ct_info", None) or {}
    if rule.startswith("discriminator.") and isinstance(info.get("pointer"), str):
        spec_ptr = walk.existing(_pointer.join(info["pointer"], "discriminator"))
    suggestion = None
    blame = _contradiction(err.schema) if kw in ("type", "enum", "const") else None
    if blame is None and kw == "oneOf" and info.get("valid"):
        blame = (
            "its oneOf alternatives overlap (the value is valid under more than one), so no "
            "value they share can pass; the spec most likely means anyOf"
        )
    if blame is not None:
        suggestion = SPEC_AT_FAULT
    elif kw not in ("required", "additionalProperties") and not rule.startswith("discriminator."):
        blame = _example_blame(chain, validator)
        suggestion = SPEC_EXAMPLE_AT_FAULT if blame is not None else None
    if blame is not None:
        message += f"; the spec is at fault here: {blame}"
    actual = None
    if kw != "required" and rule != "discriminator.missing":
        actual = render_actual(err.instance, pointer)
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        pointer=pointer,
        message=message,
        expected=expected,
        actual=actual,
        schema_pointer=spec_ptr,
        suggestion=suggestion,
        target=target,
    )


def _example_blame(chain: list[Any], validator: Any) -> str | None:
    for holder in reversed(chain[-3:]):
        if not isinstance(holder, dict) or not isinstance(holder.get("examples"), list):
            continue
        sub = validator.evolve(schema=holder)
        for example in holder["examples"]:
            if not sub.is_valid(example):
                return f"the spec's own example {truncate_value(example, 60)} fails this schema"
        return None
    return None
