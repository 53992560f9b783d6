"""Rules about unions: discriminators that name missing targets or undeclared properties, tags
that disagree with the mapped schema, and ``oneOf`` branches one payload can match twice."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity, redact, truncate_value
from contracttest.openapi.convert import (
    Direction,
)
from contracttest.openapi.speclint._context import (
    ALL_KINDS,
    DISTINCT,
    LintContext,
    SchemaSite,
    _as_dict,
    _as_list,
    _did_you_mean,
    _enum_values,
    _finding,
    _mapping_ref,
    _node_key,
    _section,
    _Shape,
    kind_of,
)
from contracttest.openapi.speclint._registry import spec_rule

if TYPE_CHECKING:
    pass


def _discriminators(
    ctx: LintContext,
) -> Iterator[tuple[SchemaSite, str, str, list[tuple[str, Any, str]]]]:
    """(site, combinator, property, [(tag, mapping target or None, pointer of the entry)])."""
    for site in ctx.sites:
        node = ctx.keywords(site)
        if node is None:
            continue
        disc = node.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            continue
        comb = next((c for c in ("oneOf", "anyOf") if isinstance(node.get(c), list)), None)
        if comb is None:
            continue
        entries: list[tuple[str, Any, str]] = []
        dptr = _pointer.join(site.pointer, "discriminator")
        mapping = disc.get("mapping")
        named: set[str] = set()
        if isinstance(mapping, dict):
            for tag, target in mapping.items():
                if isinstance(target, str):
                    ref = _mapping_ref(target)
                    entries.append((str(tag), ref, _pointer.join(dptr, "mapping", str(tag))))
                    named.add(ref)
        for i, branch in enumerate(node[comb]):
            bref = branch.get("$ref") if isinstance(branch, dict) else None
            if isinstance(bref, str) and bref not in named:
                entries.append(
                    (bref.rsplit("/", 1)[-1], bref, _pointer.join(site.pointer, comb, i))
                )
        yield site, comb, disc["propertyName"], entries


@spec_rule("discriminator.target-missing")
def discriminator_target_missing(ctx: LintContext) -> Iterator[Finding]:
    """Discriminator mapping values that point at no schema."""
    names = list(_section(ctx, "schemas"))
    for site, _comb, _prop, entries in _discriminators(ctx):
        for tag, ref, ptr in entries:
            if ctx.resolve_ref(ref) is None and ref.startswith("#"):
                name = ref.rsplit("/", 1)[-1]
                yield _finding(
                    "discriminator.target-missing",
                    Severity.ERROR,
                    ptr,
                    f"{site.label}: discriminator tag {tag!r} maps to {ref!r}, "
                    "which does not exist",
                    "point the mapping at an existing component schema"
                    + _did_you_mean(name, names),
                    target=site.component,
                )


@spec_rule("discriminator.property-undeclared")
def discriminator_property_undeclared(ctx: LintContext) -> Iterator[Finding]:
    """Mapped schemas that do not declare the discriminator property."""
    seen: dict[tuple[str, str], list[str]] = {}
    for site, _comb, prop, entries in _discriminators(ctx):
        for _tag, ref, _ptr in entries:
            target = ctx.resolve_ref(ref)
            if target is None:
                continue
            shape = ctx.shape(*target)
            if prop not in shape.properties:
                users = seen.setdefault((target[1], prop), [])
                if site.label not in users:
                    users.append(site.label)
    for (ptr, prop), users in seen.items():
        name = ctx.component_of(ptr) or ptr
        yield _finding(
            "discriminator.property-undeclared",
            Severity.ERROR,
            ptr,
            f"{name} does not declare the discriminator property {prop!r} that "
            f"{', '.join(users)} dispatch{'es' if len(users) == 1 else ''} on; a closed validator "
            "rejects the very tag that selects it",
            f"declare `{prop}` (a string with the tag as its only enum value) in "
            f"{name}'s properties",
            target=ctx.component_of(ptr),
        )


@spec_rule("discriminator.tag-mismatch")
def discriminator_tag_mismatch(ctx: LintContext) -> Iterator[Finding]:
    """Mapped schemas that pin the discriminator property to other values than the tag."""
    for site, _comb, prop, entries in _discriminators(ctx):
        for tag, ref, ptr in entries:
            if "/mapping/" not in ptr:
                continue  # implicit mappings are checked by the translator (mapping-incomplete)
            target = ctx.resolve_ref(ref)
            if target is None:
                continue
            shape = ctx.shape(*target)
            declared = shape.properties.get(prop)
            values = ctx.pinned(declared)
            if declared is None or values is None or tag in values:
                continue
            name = ctx.component_of(target[1]) or target[1]
            pptr = (ctx.deref(*declared) or declared)[1]
            yield _finding(
                "discriminator.tag-mismatch",
                Severity.ERROR,
                ptr,
                f"{site.label}: tag {tag!r} maps to {name}, whose {prop!r} only allows "
                f"{truncate_value(sorted(values, key=repr), 80)}; no payload can carry the tag and "
                "be valid",
                f"rename the mapping key to one of those values, or add {tag!r} to {name}.{prop}",
                schema_pointer=pptr,
                target=name,
            )


@spec_rule("oneOf.ambiguous")
def oneof_ambiguous(ctx: LintContext) -> Iterator[Finding]:
    """``oneOf`` branches one payload can match several of, with no discriminator to choose."""
    for site in ctx.sites:
        node = ctx.keywords(site)
        if node is None or "discriminator" in node:
            continue
        branches = node.get("oneOf")
        if not isinstance(branches, list) or len(branches) < 2:
            continue
        if not all(isinstance(b, (dict, bool)) for b in branches):
            continue  # not schemas: spec.schema-not-object says so
        optr = _pointer.join(site.pointer, "oneOf")
        direction: Direction = site.direction or "request"
        shapes = [ctx.shape(b, _pointer.join(optr, i)) for i, b in enumerate(branches)]
        if _tagged(ctx, shapes):
            continue
        witnessed: list[tuple[int, int, Any]] = []
        possible: list[tuple[int, int]] = []
        for i in range(len(branches)):
            for j in range(i + 1, len(branches)):
                if _distinguished(ctx, shapes[i], shapes[j]):
                    continue
                w = _witness(ctx, branches, optr, i, j, direction, shapes)
                if w is DISTINCT:
                    continue
                if w is _pointer.MISSING:
                    possible.append((i, j))
                else:
                    witnessed.append((i, j, w))
        names = [_branch_name(b, i) for i, b in enumerate(branches)]
        if witnessed:
            i, j, w = witnessed[0]
            more = f" ({len(witnessed) - 1} more overlapping pair(s))" if len(witnessed) > 1 else ""
            yield _finding(
                "oneOf.ambiguous",
                Severity.ERROR,
                optr,
                f"{site.label}: oneOf branches {names[i]} and {names[j]} both accept "
                f"{truncate_value(redact(w), 80)}, so oneOf rejects it{more}",
                "add a discriminator (a required property pinned to a different value per branch), "
                "or use anyOf if several branches may match",
                actual=truncate_value(redact(w), 80),
                target=site.component,
            )
        elif possible:
            pairs = ", ".join(f"{names[i]}/{names[j]}" for i, j in possible[:4])
            yield _finding(
                "oneOf.ambiguous",
                Severity.WARNING,
                optr,
                f"{site.label}: oneOf is possibly ambiguous: nothing required tells {pairs} apart",
                "pin a required property to a different value per branch (a discriminator)",
                target=site.component,
            )


PLAIN_VALIDATORS = (
    "plain JSON Schema validators (jsonschema, ajv without its discriminator option) and the "
    "OpenAPI tools built on them (openapi-core, Schemathesis's response checks, Prism)"
)
"""Who applies ``oneOf`` as JSON Schema says and ignores ``discriminator``."""


@spec_rule("discriminator.oneOf-overlap")
def discriminator_oneof_overlap(ctx: LintContext) -> Iterator[Finding]:
    """Discriminated ``oneOf`` branches that overlap under plain JSON Schema (which ignores the
    discriminator), so tools that apply ``oneOf`` reject valid payloads."""
    for site, comb, prop, entries in _discriminators(ctx):
        if comb != "oneOf":
            continue  # anyOf accepts a payload several branches match
        node = ctx.keywords(site)
        assert node is not None
        optr = _pointer.join(site.pointer, "oneOf")
        direction: Direction = site.direction or "request"
        branches: list[tuple[str, Any, str]] = []  # (tag, branch node, pointer) per mapped branch
        index = {
            b["$ref"]: i
            for i, b in enumerate(node["oneOf"])
            if isinstance(b, dict) and isinstance(b.get("$ref"), str)
        }
        for tag, ref, _ptr in entries:
            i = index.get(ref)
            if i is not None and ctx.resolve_ref(ref) is not None:
                branches.append((tag, node["oneOf"][i], _pointer.join(optr, i)))
        if len(branches) < 2:
            continue
        validators = [ctx.validator(b, p, direction) for _t, b, p in branches]
        if any(v is None for v in validators):
            continue
        names = [b["$ref"].rsplit("/", 1)[-1] for _t, b, _p in branches]
        tagged = _tagged_overlaps(ctx, prop, branches, validators)
        if tagged:
            tag, payload, hits = tagged[0]
            shown = truncate_value(redact(payload), 100)
            others = _listed([names[j] for j in hits[1:]])
            more = (
                f" ({len(tagged)} of the {len(branches)} tags are ambiguous like this)"
                if len(tagged) > 1
                else ""
            )
            yield _finding(
                "discriminator.oneOf-overlap",
                Severity.ERROR,
                optr,
                f"{site.label}: the discriminator {prop!r} picks {names[hits[0]]} for {shown}, "
                f"but under plain JSON Schema, which ignores `discriminator`, {others} "
                f"accept{'s' if len(hits) == 2 else ''} it too, so `oneOf` rejects it as 'valid under more than one'{more}; this breaks "
                f"{PLAIN_VALIDATORS}",
                f"declare `{prop}` in every mapped schema with its tag as the only enum value "
                "(required where the tag is), so each branch rejects the others' tags",
                actual=shown,
                target=site.component,
            )
            continue
        if not _tag_optional(ctx, prop, branches):
            continue
        untagged = _untagged_overlap(ctx, prop, branches, validators)
        if untagged is None:
            continue
        payload, hits = untagged
        shown = truncate_value(redact(payload), 100)
        yield _finding(
            "discriminator.oneOf-overlap",
            Severity.WARNING,
            optr,
            f"{site.label}: no mapped schema requires the discriminator {prop!r}, so a payload may "
            f"leave it out, and then {shown} matches {len(hits)} branches "
            f"({_listed([names[j] for j in hits])}): contracttest and discriminator-aware tools "
            f"read it as anyOf, but `oneOf` rejects it as 'valid under more than one' in "
            f"{PLAIN_VALIDATORS}",
            f"use `anyOf` (keep the discriminator) if a payload may omit {prop!r}, or require "
            f"`{prop}` in every mapped schema",
            actual=shown,
            target=site.component,
        )


def _branch_sample(ctx: LintContext, validator: Any) -> dict[str, Any] | None:
    """A small object the branch accepts (its required members synthesised), or None."""
    sample = _synth(validator.schema)
    return sample if isinstance(sample, dict) else None


def _tagged_overlaps(
    ctx: LintContext,
    prop: str,
    branches: list[tuple[str, Any, str]],
    validators: list[Any],
) -> list[tuple[str, dict[str, Any], list[int]]]:
    """Per tag: a payload its branch accepts, carrying the tag, that other branches accept too."""
    out: list[tuple[str, dict[str, Any], list[int]]] = []
    # A branch that pins the tag property to other values rejects the tag without a validator run
    # (unions of a hundred branches would otherwise cost a hundred squared validations).
    pins: list[frozenset[Any] | None] = []
    for _tag, branch, ptr in branches:
        target = ctx.deref(branch, ptr)
        shape = ctx.shape(*target) if target is not None else None
        pins.append(ctx.pinned(shape.properties.get(prop)) if shape is not None else None)
    for i, (tag, _b, _p) in enumerate(branches):
        base = _branch_sample(ctx, validators[i])
        rivals = [j for j, pin in enumerate(pins) if j != i and (pin is None or tag in pin)]
        if not rivals:
            continue
        for cand in ({**(base or {}), prop: tag}, {prop: tag}):
            try:
                if not validators[i].is_valid(cand):
                    continue
                hits = [j for j in rivals if validators[j].is_valid(cand)]
            except RecursionError:
                break
            if hits:
                out.append((tag, cand, [i, *hits]))
            break
    return out


def _tag_optional(ctx: LintContext, prop: str, branches: list[tuple[str, Any, str]]) -> bool:
    """Whether no mapped schema requires the discriminator property."""
    for _tag, branch, ptr in branches:
        target = ctx.deref(branch, ptr)
        if target is None or prop in ctx.shape(*target).required:
            return False
    return True


def _untagged_overlap(
    ctx: LintContext,
    prop: str,
    branches: list[tuple[str, Any, str]],
    validators: list[Any],
) -> tuple[dict[str, Any], list[int]] | None:
    """A payload without the tag that several branches accept, and which ones."""
    candidates: list[dict[str, Any]] = [{}]
    for v in validators:
        sample = _branch_sample(ctx, v)
        if sample is not None:
            sample.pop(prop, None)
            candidates.append(sample)
    for cand in candidates:
        try:
            hits = [j for j, v in enumerate(validators) if v.is_valid(cand)]
        except RecursionError:
            return None
        if len(hits) > 1:
            return cand, hits
    return None


def _tagged(ctx: LintContext, shapes: list[_Shape]) -> bool:
    """Whether every branch is an object pinning one common required property to its own values."""
    if not all(s.kinds is not None and s.kinds <= {"object"} for s in shapes):
        return False
    common = set.intersection(*(s.required for s in shapes))
    for name in sorted(common):
        pins = [ctx.pinned(s.properties.get(name)) for s in shapes]
        if all(p is not None for p in pins):
            values = [v for p in pins if p is not None for v in p]
            if len(values) == len(set(values)):
                return True
    return False


def _branch_name(branch: Any, i: int) -> str:
    if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
        return f"{i} ({branch['$ref'].rsplit('/', 1)[-1]})"
    return str(i)


def _distinguished(ctx: LintContext, a: _Shape, b: _Shape) -> bool:
    """Whether no payload can satisfy both shapes (a sound, coarse check)."""
    if a.values is not None and b.values is not None and a.values.isdisjoint(b.values):
        return True
    overlap = (a.kinds if a.kinds is not None else ALL_KINDS) & (
        b.kinds if b.kinds is not None else ALL_KINDS
    )
    if not overlap:
        return True
    if overlap != {"object"}:
        return False
    for x, y in ((a, b), (b, a)):
        for name in x.required:
            mine = x.properties.get(name)
            theirs = y.properties.get(name) or y.extra
            if theirs is None:
                if y.closed:
                    return True
                continue
            xv, yv = ctx.pinned(mine), ctx.pinned(theirs)
            if xv is not None and yv is not None and xv.isdisjoint(yv):
                return True
            xk = ctx.shape(*mine).kinds if mine else None
            yk = ctx.shape(*theirs).kinds
            if xv is not None:
                xk = frozenset(kind_of(v) for v in xv) if xk is None else xk
            if xk is not None and yk is not None and not (xk & yk):
                return True
    return False


def _witness(
    ctx: LintContext,
    branches: list[Any],
    optr: str,
    i: int,
    j: int,
    direction: Direction,
    shapes: list[_Shape],
) -> Any:
    """A payload both branches accept (validated on the translated schemas), or MISSING."""
    key = (_node_key(branches[i], ""), _node_key(branches[j], ""), direction)
    if key not in ctx.witnesses:
        ctx.witnesses[key] = _find_witness(ctx, branches, optr, i, j, direction, shapes)
    return ctx.witnesses[key]


def _find_witness(
    ctx: LintContext,
    branches: list[Any],
    optr: str,
    i: int,
    j: int,
    direction: Direction,
    shapes: list[_Shape],
) -> Any:
    vi = ctx.validator(branches[i], _pointer.join(optr, i), direction)
    vj = ctx.validator(branches[j], _pointer.join(optr, j), direction)
    if vi is None or vj is None:
        return _pointer.MISSING
    for finite, other in ((vi, vj), (vj, vi)):
        values = _enum_values(finite.schema)
        if values is not None and len(values) <= 1000:
            # A branch that lists its values overlaps the other exactly where one of them fits.
            try:
                return next(
                    (v for v in values if finite.is_valid(v) and other.is_valid(v)), DISTINCT
                )
            except RecursionError:
                return _pointer.MISSING
    candidates: list[Any] = []
    si, sj = _synth(vi.schema), _synth(vj.schema)
    for cand in (si, sj):
        if cand is not _pointer.MISSING:
            candidates.append(cand)
    if isinstance(si, dict) and isinstance(sj, dict):
        candidates.append({**sj, **si})
    ki, kj = shapes[i].kinds, shapes[j].kinds
    overlap = (ALL_KINDS if ki is None else ki) & (ALL_KINDS if kj is None else kj)
    trivial = {"object": {}, "array": [], "string": "", "integer": 0, "boolean": True, "null": None}
    candidates.extend(v for k, v in trivial.items() if k in overlap)
    for cand in candidates:
        try:
            if vi.is_valid(cand) and vj.is_valid(cand):
                return cand
        except RecursionError:
            return _pointer.MISSING
    return _pointer.MISSING


def _synth(schema: Any, root: Any = None, depth: int = 0) -> Any:
    """A small value the translated ``schema`` likely accepts (the caller checks), or MISSING."""
    root = schema if root is None else root
    if depth > 8 or not isinstance(schema, dict):
        return _pointer.MISSING if schema is False else {}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target = _pointer.resolve(root, ref[1:], None)
        return _synth(target, root, depth + 1) if target is not None else _pointer.MISSING
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return next((v for v in enum if v is not None), enum[0])
    for comb in ("oneOf", "anyOf"):
        for b in _as_list(schema.get(comb)):
            got = _synth(b, root, depth + 1)
            if got is not _pointer.MISSING and got is not None:
                return got
    parts = [_synth(m, root, depth + 1) for m in _as_list(schema.get("allOf"))]
    t = schema.get("type")
    types = (
        [t] if isinstance(t, str) else [x for x in t if x != "null"] if isinstance(t, list) else []
    )
    kind = (
        types[0]
        if types
        else ("object" if "properties" in schema or "required" in schema else None)
    )
    if kind is None:
        return parts[0] if parts else {}
    if kind == "object":
        out: dict[str, Any] = {}
        for p in parts:
            if isinstance(p, dict):
                out.update(p)
        props = _as_dict(schema.get("properties"))
        for name in _as_list(schema.get("required")):
            value = _synth(props.get(name, {}), root, depth + 1)
            if value is _pointer.MISSING:
                return _pointer.MISSING
            out[name] = value
        return out
    if kind == "array":
        n = schema.get("minItems", 0)
        item = _synth(schema.get("items", {}), root, depth + 1) if n else None
        return [] if not n else ([item] * n if item is not _pointer.MISSING else _pointer.MISSING)
    if kind == "string":
        if "pattern" in schema:
            return _pointer.MISSING
        return "a" * int(schema.get("minLength", 0) or 0)
    if kind in ("integer", "number"):
        lo = schema.get("minimum", schema.get("exclusiveMinimum"))
        base = lo if isinstance(lo, (int, float)) and not isinstance(lo, bool) else 0
        value = math.floor(base) + 1 if "exclusiveMinimum" in schema else math.ceil(base)
        return value
    if kind == "boolean":
        return True
    return None


def _listed(names: list[str], most: int = 6) -> str:
    """``A, B and C`` (``A, B, ... and 4 more`` past ``most``)."""
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
