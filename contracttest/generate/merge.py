"""``allOf`` members merged into one schema node, keyword by keyword."""

from __future__ import annotations

from typing import Any

from contracttest.generate.relations import ECMA_PATTERN, json_equal

__all__ = ["ANNOTATIONS", "merge"]

ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "example",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$comment",
        "definitions",
        "$defs",
        "contentMediaType",
        "contentEncoding",
    }
)
"""Keywords that constrain nothing."""


def merge(pieces: list[dict[str, Any]]) -> tuple[dict[str, Any] | str, bool]:
    """Merge allOf members into one schema.

    Returns:
        (merged schema, exact) where ``exact`` is False when some keyword could only be kept
        from one member (the caller then checks the result against the whole allOf); or
        (reason, False) when the members contradict each other.
    """
    out: dict[str, Any] = {}
    exact = True
    closed_sets: list[set[str]] = []
    # A member's additionalProperties governs every property *it* does not declare, including the
    # ones other members declare.
    open_rules: list[tuple[set[str], dict[str, Any]]] = []
    for p in pieces:
        if "patternProperties" in p:
            exact = False
        ap = p.get("additionalProperties")
        if ap is False:
            closed_sets.append(set(p.get("properties", {})))
        elif isinstance(ap, dict) and ap:
            open_rules.append((set(p.get("properties", {})), ap))
        for key, value in p.items():
            if key in ANNOTATIONS or key in ("x-discriminator",):
                if key not in out:
                    out[key] = value
                continue
            if key == "x-spec-pointer":
                out.setdefault(key, value)
                continue
            if key == ECMA_PATTERN and key in out:
                cur = out[key]
                out[key] = [*(cur if isinstance(cur, list) else [cur]), value]
                continue
            if key not in out:
                out[key] = value
                continue
            cur = out[key]
            if key == "type":
                a = {cur} if isinstance(cur, str) else set(cur)
                b = {value} if isinstance(value, str) else set(value)
                both = (a & b) | (
                    {"integer"}
                    if ("number" in a and "integer" in b) or ("integer" in a and "number" in b)
                    else set()
                )
                if not both:
                    return f"allOf members disagree on type: {sorted(a)} vs {sorted(b)}", False
                out[key] = sorted(both)
            elif key == "enum":
                out[key] = [v for v in cur if any(json_equal(v, w) for w in value)]
                if not out[key]:
                    return "allOf members' enums have no value in common", False
            elif key == "const":
                if not json_equal(cur, value):
                    return f"allOf members pin different constants {cur!r} and {value!r}", False
            elif key in ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"):
                out[key] = max(cur, value)
            elif key in ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"):
                out[key] = min(cur, value)
            elif key == "required":
                out[key] = [*cur, *(r for r in value if r not in cur)]
            elif key == "uniqueItems":
                out[key] = bool(cur) or bool(value)
            elif key in ("pattern", ECMA_PATTERN):
                out[key] = [*(cur if isinstance(cur, list) else [cur]), value]
            elif key == "properties":
                merged = dict(cur)
                for name, sub in value.items():
                    merged[name] = {"allOf": [merged[name], sub]} if name in merged else sub
                out[key] = merged
            elif key == "items" and isinstance(cur, dict) and isinstance(value, dict):
                out[key] = {"allOf": [cur, value]}
            elif key == "additionalProperties":
                if cur is False or value is False:
                    out[key] = False
                elif cur is True:
                    out[key] = value
                elif value is not True:
                    out[key] = {"allOf": [cur, value]}
            elif key in ("oneOf", "anyOf"):
                if same_json(cur, value):
                    continue
                out.setdefault("allOf", []).append({key: value})
                exact = False
            elif not same_json(cur, value):
                exact = False  # kept the first; the whole allOf is checked on the result
    if "allOf" in out:
        # two different unions: generate from the first, check the rest
        out.pop("allOf")
    if open_rules and isinstance(out.get("properties"), dict):
        props = dict(out["properties"])
        for declared, ap in open_rules:
            for name in props:
                if name not in declared:
                    props[name] = {"allOf": [props[name], ap]}
        out["properties"] = props
    if closed_sets:
        allowed = set.intersection(*closed_sets)
        props = out.get("properties", {})
        out["properties"] = {k: v for k, v in props.items() if k in allowed}
        out["additionalProperties"] = False
        missing = [r for r in out.get("required", []) if r not in allowed]
        if missing:
            return f"required {missing!r} not allowed by a closed allOf member", False
    return out, exact


def same_json(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and a == b)
