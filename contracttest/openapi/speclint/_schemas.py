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
    _as_dict,
    _as_list,
    _best,
    _compiled_pattern,
    _did_you_mean,
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


_SCHEMAS = "/components/schemas/"


@spec_rule("schema.no-finite-value")
def no_finite_value(ctx: LintContext) -> Iterator[Finding]:
    """Recursive schemas only an infinite value could satisfy (a Pet that requires a Pet child)."""
    finite = _Finite(ctx)
    infinite = finite.infinite()
    if not infinite:
        return
    users: dict[str, list[str]] = {}  # an infinite component -> who needs it (components, bodies)
    for name in infinite:
        for dep in finite.needs(name):
            if dep in infinite and dep != name:
                users.setdefault(dep, []).append(name)
    for op in ctx.spec.operations:
        media = op.json_body()
        if media is not None and not finite.holds(media.schema_node, media.pointer):
            for dep in finite.mentions(media.schema_node, media.pointer):
                if dep in infinite:
                    users.setdefault(dep, []).append(f"the request body of {op.key}")
    for name in sorted(infinite):
        cycle = finite.cycle(name, infinite)
        if cycle is None:
            continue  # infinite only because it needs an infinite component: reported there
        ptr = _pointer.join("/components/schemas", name)
        path = " -> ".join(f"{a}.{prop}" for a, prop in cycle) + f" -> {cycle[0][0]}"
        victims = [u for u in users.get(name, []) if u not in {a for a, _p in cycle}]
        shown = ", ".join(victims[:8]) + (
            f" and {len(victims) - 8} more" if len(victims) > 8 else ""
        )
        if 1 < len(victims) <= 8:
            shown = ", ".join(victims[:-1]) + f" or {victims[-1]}"
        yield _finding(
            "schema.no-finite-value",
            Severity.ERROR,
            ptr,
            f"{name} requires itself without end ({path}): every valid {name} must contain "
            f"another one, so no finite payload satisfies it"
            + (f"; no valid payload exists for {shown} either" if victims else ""),
            "make one link of the cycle optional (drop it from `required`), nullable, or an "
            "array that may be empty",
            target=name,
        )


class _Finite:
    """Which component schemas some finite value satisfies: the least fixed point, worked out with
    a worklist (a component is re-read only when a component it needs turns out satisfiable).

    Only references between components take part; everything else is read optimistically (a
    keyword we do not model, a local contradiction `schema.unsatisfiable` reports, an external or
    deeper ``$ref``, counts as satisfiable), so a finding is never a guess.
    """

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        comps = ctx.doc.get("components")
        schemas = comps.get("schemas") if isinstance(comps, dict) else None
        self.schemas: dict[str, Any] = schemas if isinstance(schemas, dict) else {}
        self.sat: set[str] = set()
        self._needs: dict[str, set[str]] = {}

    def infinite(self) -> set[str]:
        users: dict[str, set[str]] = {}
        # A $ref chain that loops or breaks has no schema of its own: spec.ref-cycle and
        # components.missing report it, and translators read it as "anything".
        self.sat = {
            n for n, node in self.schemas.items() if self.ctx.deref(node, _SCHEMAS + n) is None
        }
        todo = list(self.schemas)
        queued = set(todo)
        while todo:
            name = todo.pop()
            queued.discard(name)
            if name in self.sat:
                continue
            ptr = _pointer.join("/components/schemas", name)
            needs: set[str] = set()
            if self._holds(self.schemas[name], ptr, needs, 0):
                self.sat.add(name)
                for user in users.get(name, ()):
                    if user not in self.sat and user not in queued:
                        todo.append(user)
                        queued.add(user)
            else:
                self._needs[name] = needs
                for dep in needs:
                    users.setdefault(dep, set()).add(name)
        # What is left unsatisfied because of a local contradiction is schema.unsatisfiable's.
        return {
            n
            for n in self.schemas
            if n not in self.sat and not self.ctx.causes(self.schemas[n], _SCHEMAS + n)
        }

    def needs(self, name: str) -> set[str]:
        return self._needs.get(name, set())

    def holds(self, node: Any, ptr: str) -> bool:
        return self._holds(node, ptr, set(), 0)

    def mentions(self, node: Any, ptr: str) -> set[str]:
        needs: set[str] = set()
        self._holds(node, ptr, needs, 0)
        return needs

    def cycle(self, name: str, infinite: set[str]) -> list[tuple[str, str]] | None:
        """A shortest path of required links from ``name`` back to itself: [(component, link)]."""
        start = [(name, [])]  # type: list[tuple[str, list[tuple[str, str]]]]
        seen = {name}
        while start:
            nxt: list[tuple[str, list[tuple[str, str]]]] = []
            for cur, path in start:
                for link, dep in self._links(cur):
                    if dep not in infinite:
                        continue
                    step = [*path, (cur, link)]
                    if dep == name:
                        return step
                    if dep not in seen:
                        seen.add(dep)
                        nxt.append((dep, step))
            start = nxt
        return None

    def _links(self, name: str) -> Iterator[tuple[str, str]]:
        """(property path, component) for each component ``name``'s value must contain."""
        for dep in sorted(self.needs(name)):
            yield self._link_name(self.schemas[name], dep), dep

    def _link_name(self, node: Any, dep: str) -> str:
        ref = "#" + _SCHEMAS + _pointer.escape(dep)
        stack: list[tuple[Any, list[str]]] = [(node, [])]
        while stack:
            cur, path = stack.pop()
            if isinstance(cur, dict):
                if cur.get("$ref") == ref:
                    return ".".join(path) or "(itself)"
                for key, value in cur.items():
                    if key == "properties" and isinstance(value, dict):
                        stack.extend((v, [*path, str(k)]) for k, v in value.items())
                    elif key in ("allOf", "oneOf", "anyOf") and isinstance(value, list):
                        stack.extend((v, path) for v in value)
                    elif key in ("items", "additionalProperties") and isinstance(value, dict):
                        stack.append((value, [*path, "[]" if key == "items" else "*"]))
        return "?"

    def _holds(self, node: Any, ptr: str, needs: set[str], depth: int) -> bool:
        """Whether a finite value may satisfy ``node``, given the components known satisfiable;
        the components it waits on go into ``needs``."""
        ctx = self.ctx
        if not isinstance(node, dict) or depth > 64:
            return node is not False
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ctx.dialect == "3.0" and node.get("nullable") is True:
                return True
            if ref.startswith("#" + _SCHEMAS):
                from urllib.parse import unquote

                toks = _pointer.parts(unquote(ref[1:]))
                if len(toks) == 3 and toks[2] in self.schemas:
                    if toks[2] in self.sat:
                        return True
                    needs.add(toks[2])
                    if ctx.dialect == "3.0" or set(node) <= {"$ref", *_ANNOTATION_KEYS}:
                        return False
                    ref_ok = False
                else:
                    ref_ok = True
            else:
                ref_ok = True  # external or deeper refs: optimistic
            if ctx.dialect == "3.0":
                return ref_ok
            if not ref_ok:
                return False
        kinds = ctx.declared_kinds(node)
        if ctx.nullable(node) or (kinds is not None and "null" in kinds):
            return True
        for i, member in enumerate(_as_list(node.get("allOf"))):
            if not self._holds(member, _pointer.join(ptr, "allOf", i), needs, depth + 1):
                return False
        for comb in ("oneOf", "anyOf"):
            branches = _as_list(node.get(comb))
            if branches and not any(
                self._holds(b, _pointer.join(ptr, comb, i), needs, depth + 1)
                for i, b in enumerate(branches)
            ):
                return False
        shape_kinds = ctx.shape(node, ptr).kinds
        if shape_kinds is None:
            return True  # some value of another type satisfies it
        if shape_kinds <= {"object"}:
            props = _as_dict(node.get("properties"))
            extra = node.get("additionalProperties")
            for name in _as_list(node.get("required")):
                if not isinstance(name, str):
                    continue
                if name in props:
                    sub, sptr = props[name], _pointer.join(ptr, "properties", name)
                elif isinstance(extra, dict):
                    sub, sptr = extra, _pointer.join(ptr, "additionalProperties")
                else:
                    continue
                if not self._holds(sub, sptr, needs, depth + 1):
                    return False
            return True
        if shape_kinds <= {"array"}:
            lo, items = node.get("minItems"), node.get("items")
            if isinstance(lo, int) and lo >= 1 and isinstance(items, dict):
                return self._holds(items, _pointer.join(ptr, "items"), needs, depth + 1)
        return True


_ANNOTATION_KEYS = frozenset({"description", "title", "example", "examples", "deprecated"})


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


# A subschema under one of these keywords describes the same instance as its parent.
_SAME_INSTANCE = frozenset({"allOf", "oneOf", "anyOf", "not", "if", "then", "else"})


@spec_rule("schema.required-undeclared")
def required_undeclared(ctx: LintContext) -> Iterator[Finding]:
    """``required`` names a property that ``properties`` does not declare (a typo, or a property
    lost in a refactoring): nothing checks its value, and a closed object can never be satisfied."""
    for site in ctx.sites:
        node = ctx.keywords(site)
        required = node.get("required") if node is not None else None
        if not isinstance(required, list) or not required:
            continue
        declared, patterns, closed = _declared(ctx, site)
        if not declared and not closed:
            continue  # a free-form object: no declared list to hold the name against
        for i, name in enumerate(required):
            if not isinstance(name, str) or name in declared:
                continue
            if any(p is not None and p.search(name) for p in patterns):
                continue
            hint = _did_you_mean(name, sorted(declared))
            if closed:
                severity = Severity.ERROR
                why = (
                    "and `additionalProperties: false` forbids any other property, so no payload "
                    "can satisfy the object"
                )
            else:
                severity = Severity.WARNING
                why = (
                    "so its value is never checked (any type passes) and generators invent one; "
                    "closed-object validators reject the very property the schema requires"
                )
            yield _finding(
                "schema.required-undeclared",
                severity,
                _pointer.join(site.pointer, "required", i),
                f"{site.label}: `required` names {name!r}, which `properties` does not declare, "
                + why,
                f"declare {name!r} in `properties`, or remove it from `required`{hint}",
                target=site.component,
            )


def _declared(ctx: LintContext, site: SchemaSite) -> tuple[set[str], list[Any], bool]:
    """Property names the instance of ``site`` declares (the site with its refs, ``allOf``s and
    branches, and the schemas above it that describe the same instance), the compiled
    ``patternProperties`` that also declare names, and whether the site itself is closed."""
    names: set[str] = set()
    patterns: list[Any] = []

    def add(node: Any, ptr: str) -> None:
        shape = ctx.shape(node, ptr)
        names.update(shape.properties)
        target = ctx.deref(node, ptr)
        if target is not None and isinstance(target[0], dict):
            own, own_ptr = target
            for regex in _as_dict(own.get("patternProperties")):
                patterns.append(_compiled_pattern(regex))
            for comb in ("oneOf", "anyOf"):
                for j, branch in enumerate(_as_list(own.get(comb))):
                    names.update(ctx.shape(branch, _pointer.join(own_ptr, comb, j)).properties)

    add(site.node, site.pointer)
    closed = ctx.shape(site.node, site.pointer).closed
    toks = _pointer.parts(site.pointer)
    while toks:
        if len(toks) >= 2 and toks[-2] in _SAME_INSTANCE and toks[-1].isdigit():
            toks = toks[:-2]
        elif toks[-1] in _SAME_INSTANCE and toks[-1] not in ("allOf", "oneOf", "anyOf"):
            toks = toks[:-1]
        else:
            break
        parent = ctx.site_by_pointer.get(_pointer.from_parts(toks))
        if parent is None:
            break
        add(parent.node, parent.pointer)
    return names, patterns, closed


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
