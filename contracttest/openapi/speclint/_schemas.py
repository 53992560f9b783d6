"""Rules about single Schema Objects: keywords no value can satisfy, defaults and examples
their own schema rejects, keywords that do not apply to the declared type, patterns, duplicate
enum members."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity, redact, truncate_value
from contracttest.openapi.convert import (
    check_pattern,
    split_js_literal,
)
from contracttest.openapi.speclint._context import (
    KEYWORD_KINDS,
    LintContext,
    SchemaSite,
    _as_list,
    _best,
    _enum_values,
    _error_text,
    _finding,
    _kinds_text,
    _type_text,
    kind_of,
)
from contracttest.openapi.speclint._registry import spec_rule

if TYPE_CHECKING:
    pass


@spec_rule("schema.unsatisfiable")
def unsatisfiable(ctx: LintContext) -> Iterator[Finding]:
    """Subschemas no value can satisfy (type vs enum, empty enum, min > max, ``not: {}``...)."""
    roots: list[tuple[str, str]] = []
    comps = (
        ctx.doc.get("components", {}).get("schemas")
        if isinstance(ctx.doc.get("components"), dict)
        else None
    )
    if isinstance(comps, dict):
        for name, node in comps.items():
            ptr = _pointer.join("/components/schemas", name)
            for cause in ctx.causes(node, ptr):
                roots.append((cause, name))
    for op in ctx.spec.operations:
        media = op.json_body()
        if media is not None:
            for cause in ctx.causes(media.schema_node, media.pointer):
                roots.append((cause, f"the request body of {op.key}"))
    victims: dict[str, list[str]] = {}
    for cause, name in roots:
        victims.setdefault(cause, []).append(name)
    for site in ctx.sites:
        reasons, null_ok = ctx.contradictions(site.node, site.pointer)
        if not reasons:
            continue
        why = "; ".join(reasons)
        hit = victims.get(site.pointer, [])
        if null_ok:
            severity = Severity.WARNING
            msg = f"{site.label}: {why}, so only null satisfies it"
        elif hit:
            shown = ", ".join(hit[:8]) + (f" and {len(hit) - 8} more" if len(hit) > 8 else "")
            severity = Severity.ERROR
            root = site.component is not None and site.pointer == _pointer.join(
                "/components/schemas", site.component
            )
            msg = (
                f"{site.label} can never be satisfied: {why}; "
                f"{'' if root else 'it is required, so '}no valid payload exists for {shown}"
            )
        else:
            severity = Severity.WARNING
            msg = f"{site.label} can never be satisfied: {why}; {_optional_note(ctx, site)}"
        yield _finding(
            "schema.unsatisfiable",
            severity,
            site.pointer,
            msg,
            _unsat_fix(ctx, site.node),
            target=site.component,
        )


def _optional_note(ctx: LintContext, site: SchemaSite) -> str:
    """Why an unsatisfiable subschema does not make its DTO unsatisfiable."""
    toks = _pointer.parts(site.pointer)
    parent = _pointer.resolve(ctx.doc, _pointer.from_parts(toks[:-2]), None)
    if len(toks) >= 2 and toks[-2] == "properties" and isinstance(parent, dict):
        if toks[-1] in _as_list(parent.get("required")):
            return (
                "its object requires it, but nothing requires that object, so only payloads "
                "that include it are rejected"
            )
        return "it is optional, so any payload that sends it is rejected"
    if len(toks) >= 2 and toks[-2] in ("oneOf", "anyOf"):
        return f"it is a dead {toks[-2]} branch; the other branches still accept values"
    if toks and toks[-1] == "items":
        return "so the array can only ever be empty"
    return "the schemas around it still accept other values"


def _unsat_fix(ctx: LintContext, node: Any) -> str:
    values = _enum_values(node)
    declared = ctx.declared_kinds(node)
    if isinstance(node, dict) and values and declared is not None:
        kinds = {kind_of(v) for v in values}
        if node.get("type") == "array" and "array" not in kinds:
            return "move the enum into `items` (an array-level enum lists whole arrays)"
        if not kinds & declared:
            names = {"integer": "integer", "float": "number"}
            types = sorted({names.get(k, k) for k in kinds})
            if len(types) == 1:
                return f"set `type: {types[0]}` to match the enum (or fix the enum)"
            return "make `type` and the enum agree"
        return "relax the keywords that exclude every listed value, or fix the list"
    return "relax or remove the contradicting keywords (an overlay can patch a vendored spec)"


def _value_rule(ctx: LintContext, kind: str, rule: str) -> Iterator[Finding]:
    for vs in ctx.value_sites:
        if vs.kind != kind:
            continue
        if kind == "default" and vs.value is None and ctx.nullable(vs.schema):
            continue
        errors = ctx.value_errors(vs.value, vs.schema, vs.schema_pointer, vs.direction)
        if not errors:
            continue
        err = _best(errors)
        shown = "[REDACTED]" if vs.secret else truncate_value(redact(vs.value), 80)
        yield _finding(
            rule,
            Severity.WARNING if kind == "example" else Severity.ERROR,
            vs.pointer,
            f"the {kind} of {vs.label} violates its own schema: {_error_text(err, vs.secret)}",
            f"fix the {kind} or the schema; the {kind} {shown} should satisfy it",
            actual=shown,
            schema_pointer=vs.schema_pointer,
            target=ctx.component_of(vs.schema_pointer),
        )


@spec_rule("schema.default-invalid")
def default_invalid(ctx: LintContext) -> Iterator[Finding]:
    """``default`` values that violate their own schema."""
    yield from _value_rule(ctx, "default", "schema.default-invalid")


@spec_rule("schema.example-invalid")
def example_invalid(ctx: LintContext) -> Iterator[Finding]:
    """``example``/``examples`` values that violate their schema."""
    yield from _value_rule(ctx, "example", "schema.example-invalid")


_ITEMS_FIX = "use `{0}` for the number of items, or move `{1}` into `items`"
_KEYWORD_FIXES: dict[tuple[str, str], str] = {
    ("maxLength", "array"): _ITEMS_FIX.format("maxItems", "maxLength"),
    ("minLength", "array"): _ITEMS_FIX.format("minItems", "minLength"),
    ("pattern", "array"): "move `pattern` into `items`",
    ("maxItems", "string"): "use `maxLength` for a string",
    ("minItems", "string"): "use `minLength` for a string",
    ("maxLength", "object"): "use `maxProperties` for an object",
    ("minLength", "object"): "use `minProperties` for an object",
}


@spec_rule("schema.keyword-type-mismatch")
def keyword_type_mismatch(ctx: LintContext) -> Iterator[Finding]:
    """Keywords that do not apply to the declared type (validators silently ignore them)."""
    for site in ctx.sites:
        node = ctx.keywords(site)
        kinds = ctx.declared_kinds(node)
        if node is None or kinds is None:
            continue
        for key in node:
            applies = KEYWORD_KINDS.get(key)
            if applies is None or applies & kinds:
                continue
            if key == "required" and not isinstance(node[key], list):
                continue  # `required: true` is a structural error (oas.structure)
            main = next((k for k in ("array", "string", "object") if k in kinds), "")
            fix = _KEYWORD_FIXES.get((key, main))
            if fix is None:
                wanted = _kinds_text(applies)
                fix = f"remove `{key}`, or change `type` if the value is {wanted}"
            yield _finding(
                "schema.keyword-type-mismatch",
                Severity.WARNING,
                _pointer.join(site.pointer, key),
                f"{site.label}: `{key}` only constrains {_kinds_text(applies)}"
                f", but `type` is {_type_text(node)}; it constrains nothing here",
                fix,
                target=site.component,
            )


def _patterns(ctx: LintContext) -> Iterator[tuple[SchemaSite, str]]:
    for site in ctx.sites:
        node = ctx.keywords(site)
        if node is not None and isinstance(node.get("pattern"), str):
            yield site, node["pattern"]


@spec_rule("pattern.untranslatable")
def pattern_untranslatable(ctx: LintContext) -> Iterator[Finding]:
    """ECMA-262 ``pattern``s with no faithful Python translation (they are not checked)."""
    for site, pattern in _patterns(ctx):
        why = check_pattern(*split_js_literal(pattern))
        if why is not None:
            yield _finding(
                "pattern.untranslatable",
                Severity.WARNING,
                _pointer.join(site.pointer, "pattern"),
                f"{site.label}: pattern {pattern!r} cannot be checked faithfully ({why}); "
                "validators ignore it",
                "rewrite the pattern without the unsupported construct",
                target=site.component,
            )


@spec_rule("pattern.delimited")
def pattern_delimited(ctx: LintContext) -> Iterator[Finding]:
    """Patterns written as JavaScript literals (``/body/flags``): other validators read slashes."""
    for site, pattern in _patterns(ctx):
        body, flags = split_js_literal(pattern)
        if body == pattern:
            continue
        flag_note = (
            f"; the {flags!r} flag(s) cannot be written in a JSON Schema pattern" if flags else ""
        )
        yield _finding(
            "pattern.delimited",
            Severity.WARNING,
            _pointer.join(site.pointer, "pattern"),
            f"{site.label}: pattern {pattern!r} is a JavaScript regex literal; JSON Schema "
            f"patterns are bare, so other validators require the slashes literally{flag_note} "
            "(contracttest reads it as the literal)",
            f"write the bare pattern {body!r}",
            target=site.component,
        )


@spec_rule("schema.enum-duplicate")
def enum_duplicate(ctx: LintContext) -> Iterator[Finding]:
    """``enum`` values listed more than once (JSON Schema wants them unique)."""
    for site in ctx.sites:
        node = ctx.keywords(site)
        enum = node.get("enum") if node is not None else None
        if not isinstance(enum, list):
            continue
        seen: set[str] = set()
        dupes: dict[str, Any] = {}
        for value in enum:
            key = json.dumps(value, sort_keys=True, default=str)
            if key in seen:
                dupes.setdefault(key, value)
            seen.add(key)
        if dupes:
            yield _finding(
                "schema.enum-duplicate",
                Severity.WARNING,
                _pointer.join(site.pointer, "enum"),
                f"{site.label}: the enum lists "
                f"{truncate_value(list(dupes.values()), 80)} more than once",
                "remove the repeated values",
                target=site.component,
            )
