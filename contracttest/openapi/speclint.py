"""Spec lint: contract defects that make a spec lie about the API it describes.

A spec can be valid OpenAPI and still promise things the API cannot do: a property typed ``object``
whose enum only holds strings, a ``default`` its own schema rejects, a discriminator naming a
property the mapped DTO does not declare. Each rule is one small generator function registered
with `spec_rule`; it reads the raw document through a shared `LintContext` (one walk, caches for
``$ref`` resolution, translated schemas and validators) and yields `Finding`s that point into
the spec.

Two kinds of reasoning, on purpose:

* Local rules (unsatisfiable keywords, keywords that do not apply to the declared type) read the
  raw Schema Objects, so they can name the exact keyword that lies and say how to fix it.
* Value rules (``default``/``example`` validity, ``oneOf`` witnesses) validate against the
  *translated* schema (`Translator.bundle`, open objects), the JSON Schema every other layer uses,
  so a lint verdict never disagrees with the validator's. Objects stay open here because
  OpenAPI's own semantics are open: closing request objects is contracttest's policy, not the
  spec's.

Loader diagnostics (``oas.*`` structure errors, ``spec.*`` translation warnings) are part of the
report; where a lint rule reports the same defect at the same place, its finding replaces the
diagnostic.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from contracttest import _pointer
from contracttest.errors import ContractTestError, PatternError
from contracttest.findings import Finding, Severity, is_secret_key, redact, truncate_value
from contracttest.openapi.convert import (
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    Direction,
    check_pattern,
    split_js_literal,
)
from contracttest.openapi.model import HTTP_METHODS, Spec

if TYPE_CHECKING:
    import jsonschema

__all__ = [
    "RULES",
    "LintContext",
    "SchemaSite",
    "SpecRule",
    "lint_spec",
    "run_rule",
    "spec_rule",
    "summarize",
]

RuleFunc = Callable[["LintContext"], Iterable[Finding]]


@dataclass(frozen=True)
class SpecRule:
    """A registered lint rule."""

    id: str
    func: RuleFunc
    summary: str


RULES: dict[str, SpecRule] = {}
"""Every lint rule by id, in registration order."""


def spec_rule(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a lint rule: a function ``(ctx) -> Iterable[Finding]``.

    Example:
        >>> @spec_rule("example.rule")  # doctest: +SKIP
        ... def check(ctx: LintContext) -> Iterator[Finding]:
        ...     yield from ()
    """

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"spec lint rule {rule_id!r} is registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        RULES[rule_id] = SpecRule(rule_id, func, doc[0] if doc else rule_id)
        return func

    return register


# Loader diagnostics a lint rule reports better: diagnostic rule -> lint rule at the same pointer.
_SUPERSEDED = {
    "spec.pattern-untranslatable": "pattern.untranslatable",
    "spec.discriminator-target-missing": "discriminator.target-missing",
    "spec.ref-unresolvable": "components.missing",
}

# ------------------------------------------------------------------------------------- value kinds
# JSON Schema types as sets of concrete kinds: "number" is integer + float (1.0 is an integer).
ALL_KINDS = frozenset({"null", "boolean", "object", "array", "string", "integer", "float"})
_TYPE_KINDS: dict[str, frozenset[str]] = {
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
    "object": frozenset({"object"}),
    "array": frozenset({"array"}),
    "string": frozenset({"string"}),
    "integer": frozenset({"integer"}),
    "number": frozenset({"integer", "float"}),
}
_NUMERIC = frozenset({"integer", "float"})
_KIND_NAMES = {
    "null": "null",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "float": "a number",
}

# Which kinds each type-specific keyword constrains.
KEYWORD_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("minLength", "maxLength", "pattern"), frozenset({"string"})),
    **dict.fromkeys(
        ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"), _NUMERIC
    ),
    **dict.fromkeys(
        (
            "items",
            "minItems",
            "maxItems",
            "uniqueItems",
            "prefixItems",
            "contains",
            "minContains",
            "maxContains",
            "additionalItems",
        ),
        frozenset({"array"}),
    ),
    **dict.fromkeys(
        (
            "properties",
            "additionalProperties",
            "required",
            "minProperties",
            "maxProperties",
            "patternProperties",
            "propertyNames",
            "dependentRequired",
            "dependentSchemas",
        ),
        frozenset({"object"}),
    ),
}
# Keywords that only annotate: a `not` holding nothing else rejects every value.
_ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


def kind_of(value: Any) -> str:
    """The concrete kind of a JSON value (``1.0`` is an integer, as in JSON Schema)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_text(node: dict[str, Any]) -> str:
    t = node.get("type")
    return repr(t) if isinstance(t, str) else truncate_value(t, 60)


def _kinds_text(kinds: Iterable[str]) -> str:
    kinds = set(kinds)
    if kinds >= _NUMERIC:
        kinds.discard("integer")
    names = [_KIND_NAMES[k] for k in sorted(kinds)]
    return " or ".join(names) if names else "nothing"


# ------------------------------------------------------------------------------------- sites
@dataclass(frozen=True)
class SchemaSite:
    """One Schema Object of the spec, where it is and what it belongs to."""

    pointer: str
    node: Any
    label: str
    """Human name: ``BackoffPlan.type``, ``BackoffPlan.codes[]``, ``PATCH /x request``."""
    component: str | None
    """The ``components/schemas`` entry the site lives in, if any."""
    direction: Direction | None
    """Request or response when the site sits in an operation, else None."""
    property_name: str | None = None
    """The property this site is the schema of, if it is one."""


@dataclass(frozen=True)
class ValueSite:
    """A ``default``/``example``/``examples`` value and the schema it must satisfy."""

    pointer: str
    """Where the value is."""
    value: Any
    kind: str
    """``default`` or ``example``."""
    schema: Any
    schema_pointer: str
    label: str
    direction: Direction | None
    secret: bool


@dataclass
class _Shape:
    """What a schema (refs and allOf followed) says about the values it accepts, coarsely."""

    kinds: frozenset[str] | None
    properties: dict[str, tuple[Any, str]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    closed: bool = False
    extra: tuple[Any, str] | None = None
    """``additionalProperties`` schema (refs and pointer) when it is one."""
    values: frozenset[Any] | None = None
    """The only values allowed (enum/const, null for nullable), when listed and hashable."""


_EMPTY: frozenset[str] = frozenset()
DISTINCT: Any = object()
"""`_witness` verdict: the two branches provably accept no common value."""


class LintContext:
    """Everything the rules share about one spec: sites, ref resolution, translated schemas."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.doc = spec.raw
        self.dialect = spec.dialect
        self.sites: list[SchemaSite] = []
        self.value_sites: list[ValueSite] = []
        self.site_by_pointer: dict[str, SchemaSite] = {}
        self._causes: dict[str, frozenset[str]] = {}
        self._local: dict[str, tuple[list[str], bool]] = {}
        self._shapes: dict[str, _Shape] = {}
        self._validators: dict[tuple[str, str], Any] = {}
        self._pins: dict[str, frozenset[Any] | None] = {}
        self.witnesses: dict[tuple[str, str, str], Any] = {}
        self._collect()

    # ---------------------------------------------------------------- walking
    def _collect(self) -> None:
        comps = self.doc.get("components")
        comps = comps if isinstance(comps, dict) else {}
        schemas = comps.get("schemas")
        if isinstance(schemas, dict):
            for name, node in schemas.items():
                self._walk(node, _pointer.join("/components/schemas", name), name, name, None)
        for section, direction in (("parameters", "request"), ("headers", "response")):
            group = comps.get(section)
            if isinstance(group, dict):
                for name, obj in group.items():
                    ptr = _pointer.join("/components", section, name)
                    self._parameter(obj, ptr, f"{section} {name}", cast(Direction, direction))
        for section, direction in (("requestBodies", "request"), ("responses", "response")):
            group = comps.get(section)
            if isinstance(group, dict):
                for name, obj in group.items():
                    ptr = _pointer.join("/components", section, name)
                    self._body(obj, ptr, f"{section} {name}", cast(Direction, direction))
        for key in ("paths", "webhooks"):
            items = self.doc.get(key)
            if isinstance(items, dict):
                for path, item in items.items():
                    self._path_item(item, _pointer.join(f"/{key}", path), path, 0)
        self.site_by_pointer = {s.pointer: s for s in self.sites}

    def _path_item(self, item: Any, ptr: str, path: str, depth: int) -> None:
        if not isinstance(item, dict) or depth > 3:
            return
        for i, param in enumerate(_as_list(item.get("parameters"))):
            self._parameter(
                param, _pointer.join(ptr, "parameters", i), f"{path} parameter", "request"
            )
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            optr = _pointer.join(ptr, method)
            label = f"{method.upper()} {path}"
            for i, param in enumerate(_as_list(op.get("parameters"))):
                self._parameter(param, _pointer.join(optr, "parameters", i), label, "request")
            body = op.get("requestBody")
            if body is not None:
                bptr = _pointer.join(optr, "requestBody")
                self._body(body, bptr, f"{label} request", "request")
            responses = op.get("responses")
            if isinstance(responses, dict):
                for status, resp in responses.items():
                    rptr = _pointer.join(optr, "responses", str(status))
                    self._body(resp, rptr, f"{label} response {status}", "response")
            callbacks = op.get("callbacks")
            if isinstance(callbacks, dict):
                for cname, cb in callbacks.items():
                    if isinstance(cb, dict):
                        for expr, citem in cb.items():
                            cptr = _pointer.join(optr, "callbacks", cname, expr)
                            self._path_item(citem, cptr, expr, depth + 1)

    def _parameter(self, obj: Any, ptr: str, label: str, direction: Direction) -> None:
        if not isinstance(obj, dict) or "$ref" in obj:
            return
        name = obj.get("name")
        plabel = f"{label} parameter {name}" if isinstance(name, str) else label
        secret = isinstance(name, str) and is_secret_key(name)
        if "schema" in obj:
            sptr = _pointer.join(ptr, "schema")
            self._walk(obj["schema"], sptr, None, plabel, direction)
            self._examples(obj, ptr, obj["schema"], sptr, plabel, direction, secret)
        self._content(obj.get("content"), ptr, plabel, direction)

    def _body(self, obj: Any, ptr: str, label: str, direction: Direction) -> list[SchemaSite]:
        """A Request Body or Response Object; returns the root sites of its content schemas."""
        if isinstance(obj, dict) and isinstance(obj.get("$ref"), str):
            return []  # walked where it is defined (components)
        if not isinstance(obj, dict):
            return []
        roots = self._content(obj.get("content"), ptr, label, direction)
        headers = obj.get("headers")
        if isinstance(headers, dict):
            for name, header in headers.items():
                hptr = _pointer.join(ptr, "headers", name)
                self._parameter(header, hptr, f"{label} header {name}", direction)
        return roots

    def _content(
        self, content: Any, ptr: str, label: str, direction: Direction
    ) -> list[SchemaSite]:
        roots: list[SchemaSite] = []
        if not isinstance(content, dict):
            return roots
        for media_type, media in content.items():
            if not isinstance(media, dict) or "schema" not in media:
                continue
            mptr = _pointer.join(ptr, "content", media_type)
            sptr = _pointer.join(mptr, "schema")
            roots.append(self._walk(media["schema"], sptr, None, label, direction))
            self._examples(media, mptr, media["schema"], sptr, label, direction, False)
        return roots

    def _examples(
        self,
        obj: dict[str, Any],
        ptr: str,
        schema: Any,
        sptr: str,
        label: str,
        direction: Direction,
        secret: bool,
    ) -> None:
        """Parameter and Media Type ``example`` / ``examples`` (a map of Example Objects)."""
        add = self._value_adder(schema, sptr, label, direction, secret)
        if "example" in obj:
            add(_pointer.join(ptr, "example"), obj["example"], "example")
        examples = obj.get("examples")
        if isinstance(examples, dict):
            for name, ex in examples.items():
                if isinstance(ex, dict) and "$ref" in ex:
                    target = self.resolve_ref(ex["$ref"])
                    ex = target[0] if target else None
                if isinstance(ex, dict) and "value" in ex:
                    add(_pointer.join(ptr, "examples", name, "value"), ex["value"], "example")

    def _value_adder(
        self, schema: Any, sptr: str, label: str, direction: Direction | None, secret: bool
    ) -> Callable[[str, Any, str], None]:
        """``add(pointer, value, kind)`` recording a value that ``schema`` must accept."""

        def add(at: str, value: Any, kind: str) -> None:
            self.value_sites.append(
                ValueSite(at, value, kind, schema, sptr, label, direction, secret)
            )

        return add

    def _walk(
        self,
        node: Any,
        ptr: str,
        component: str | None,
        label: str,
        direction: Direction | None,
        prop: str | None = None,
        depth: int = 0,
    ) -> SchemaSite:
        site = SchemaSite(ptr, node, label, component, direction, prop)
        self.sites.append(site)
        if not isinstance(node, dict) or depth > 64:
            return site
        add = self._value_adder(node, ptr, label, direction, is_secret_key(prop or ""))
        for key in ("default", "example"):
            if key in node:
                add(_pointer.join(ptr, key), node[key], key)
        examples = node.get("examples")
        if isinstance(examples, list):  # 3.1 (3.0 specs use it too, against the meta-schema)
            for i, value in enumerate(examples):
                add(_pointer.join(ptr, "examples", i), value, "example")
        if isinstance(node.get("$ref"), str) and self.dialect == "3.0":
            return site  # OAS 3.0: siblings of $ref are ignored
        for key, value in node.items():
            kp = _pointer.join(ptr, key)
            if key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
                for name, sub in value.items():
                    sub_label = (
                        f"{label}.{name}" if key == "properties" else f"{label}.{key}[{name}]"
                    )
                    self._walk(
                        sub,
                        _pointer.join(kp, name),
                        component,
                        sub_label,
                        direction,
                        name if key == "properties" else None,
                        depth + 1,
                    )
            elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
                for i, sub in enumerate(value):
                    self._walk(
                        sub,
                        _pointer.join(kp, i),
                        component,
                        f"{label}.{key}[{i}]",
                        direction,
                        None,
                        depth + 1,
                    )
            elif key in SCHEMA_KEYWORDS:
                if key == "items" and isinstance(value, list):
                    for i, sub in enumerate(value):
                        self._walk(
                            sub,
                            _pointer.join(kp, i),
                            component,
                            f"{label}[{i}]",
                            direction,
                            None,
                            depth + 1,
                        )
                elif isinstance(value, (dict, bool)):
                    sub_label = f"{label}[]" if key == "items" else f"{label}.{key}"
                    self._walk(value, kp, component, sub_label, direction, None, depth + 1)
        return site

    # ---------------------------------------------------------------- refs
    def resolve_ref(self, ref: str) -> tuple[Any, str] | None:
        """A local ``$ref`` -> (node, pointer); None when external or pointing at nothing."""
        if not ref.startswith("#"):
            return None
        from urllib.parse import unquote

        ptr = unquote(ref[1:])
        if ptr and not ptr.startswith("/"):
            return None
        try:
            return _pointer.resolve(self.doc, ptr), ptr
        except (KeyError, ValueError):
            return None

    def deref(self, node: Any, ptr: str) -> tuple[Any, str] | None:
        """Follow a chain of ``$ref`` from ``node``; None when it breaks or loops."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            got = self.resolve_ref(node["$ref"])
            if got is None or got[1] in seen:
                return None
            node, ptr = got
            seen.add(ptr)
        return node, ptr

    def component_of(self, pointer: str) -> str | None:
        toks = _pointer.parts(pointer.split("#", 1)[0])
        if len(toks) >= 3 and toks[:2] == ["components", "schemas"]:
            return toks[2]
        return None

    # ---------------------------------------------------------------- kinds
    def declared_kinds(self, node: Any) -> frozenset[str] | None:
        """Kinds ``type`` allows (``nullable`` adds null in 3.0); None when no ``type``."""
        if not isinstance(node, dict):
            return None
        t = node.get("type")
        names = [t] if isinstance(t, str) else t if isinstance(t, list) else None
        if names is None:
            return None
        kinds: set[str] = set()
        for name in names:
            if not isinstance(name, str) or name not in _TYPE_KINDS:
                return None  # a structural error, reported as oas.structure
            kinds |= _TYPE_KINDS[name]
        if self.nullable(node):
            kinds.add("null")
        return frozenset(kinds)

    def nullable(self, node: Any) -> bool:
        return self.dialect == "3.0" and isinstance(node, dict) and node.get("nullable") is True

    # ---------------------------------------------------------------- unsatisfiability
    def contradictions(self, node: Any, ptr: str) -> tuple[list[str], bool]:
        """Why ``node`` alone (refs not followed) rejects every value, and whether null survives.

        Returns (reasons, null_ok): no reasons means some value may satisfy it.
        """
        got = self._local.get(ptr)
        if got is None:
            got = self._local[ptr] = self._contradictions(node)
        return got

    def _contradictions(self, node: Any) -> tuple[list[str], bool]:
        if node is False:
            return ["the schema is `false`"], False
        if not isinstance(node, dict) or (
            isinstance(node.get("$ref"), str) and self.dialect == "3.0"
        ):
            return [], True
        reasons: list[str] = []
        declared = self.declared_kinds(node)
        # The translator keeps null valid for a nullable schema whatever its other keywords say.
        nullable = self.nullable(node)
        alive = set(declared if declared is not None else ALL_KINDS)
        for member in _as_list(node.get("allOf")):
            target = self.deref(member, "")
            mk = self.declared_kinds(target[0]) if target else None
            if mk is None:
                continue
            left = alive & (mk | ({"null"} if nullable else set()))
            if alive - {"null"} and not left - {"null"}:
                reasons.append(
                    f"allOf member {truncate_value(member, 60)} only allows {_kinds_text(mk)}, "
                    f"which contradicts {_kinds_text(alive)}"
                )
            alive = left
        values = _enum_values(node)
        enum = node.get("enum")
        if "const" in node and isinstance(enum, list) and node["const"] not in enum:
            reasons.append(f"`const` {truncate_value(node['const'])} is not in the enum")
            return reasons, nullable
        if values is not None:
            if not values:
                return ["`enum` is empty, so no value can be chosen"], nullable
            if any(kind_of(v) in alive and not self._violations(v, node) for v in values):
                return [], True
            word = "const" if "const" in node else "enum"
            shown = truncate_value(node.get(word), 80)
            if not {kind_of(v) for v in values} & alive:
                if declared is not None:
                    reasons.append(
                        f"`type: {node.get('type')}` contradicts {word} {shown}: no {word} value "
                        f"is {_kinds_text(alive)}"
                    )
                elif not reasons:
                    reasons.append(f"{word} {shown} holds no value of the allowed types")
            else:
                why = next(self._violations(v, node) for v in values if kind_of(v) in alive)
                reasons.append(f"no {word} value satisfies the schema's other keywords ({why})")
            return reasons, nullable
        reasons.extend(self._bound_conflicts(node, alive))
        not_ = node.get("not")
        if not_ is True or (isinstance(not_, dict) and set(not_) <= _ANNOTATIONS):
            reasons.append("`not: {}` rejects every value")
            alive.clear()
        if alive - {"null"} or not reasons:
            return [], True
        return reasons, nullable or "null" in alive

    def _bound_conflicts(self, node: dict[str, Any], alive: set[str]) -> list[str]:
        """Range keywords that leave no value of a kind; the kind is removed from ``alive``."""
        out: list[str] = []

        def num(key: str) -> float | None:
            v = node.get(key)
            return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

        for kinds, lo_key, hi_key in (
            (frozenset({"string"}), "minLength", "maxLength"),
            (frozenset({"array"}), "minItems", "maxItems"),
            (frozenset({"object"}), "minProperties", "maxProperties"),
        ):
            lo, hi = num(lo_key), num(hi_key)
            if kinds & alive and lo is not None and hi is not None and lo > hi:
                out.append(f"`{lo_key}: {node[lo_key]}` is above `{hi_key}: {node[hi_key]}`")
                alive -= kinds
        req = node.get("required")
        hi = num("maxProperties")
        if "object" in alive and isinstance(req, list) and hi is not None and len(set(req)) > hi:
            out.append(
                f"{len(set(req))} required properties exceed "
                f"`maxProperties: {node['maxProperties']}`"
            )
            alive.discard("object")
        if alive & _NUMERIC:
            lo_b, lo_x = self._bound(node, "minimum", "exclusiveMinimum", max)
            hi_b, hi_x = self._bound(node, "maximum", "exclusiveMaximum", min)
            if lo_b is not None and hi_b is not None:
                if lo_b > hi_b or (lo_b == hi_b and (lo_x or hi_x)):
                    out.append(f"the lower bound {lo_b:g} is above the upper bound {hi_b:g}")
                    alive -= _NUMERIC
                elif "integer" in alive:
                    first = math.floor(lo_b) + 1 if lo_x and lo_b.is_integer() else math.ceil(lo_b)
                    last = math.ceil(hi_b) - 1 if hi_x and hi_b.is_integer() else math.floor(hi_b)
                    if first > last:
                        alive.discard("integer")
                        if "float" not in alive:
                            out.append(f"no integer lies between {lo_b:g} and {hi_b:g}")
        return out

    def _bound(
        self, node: dict[str, Any], plain: str, exclusive: str, pick: Callable[..., Any]
    ) -> tuple[float | None, bool]:
        cands: list[tuple[float, bool]] = []
        v, x = node.get(plain), node.get(exclusive)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            cands.append((float(v), x is True))
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            cands.append((float(x), True))
        if not cands:
            return None, False
        best = pick(c[0] for c in cands)
        return best, any(c[1] for c in cands if c[0] == best)

    def _violations(self, value: Any, node: dict[str, Any]) -> str:
        """The first local keyword of ``node`` that ``value`` breaks ("" when none)."""
        kind = kind_of(value)
        if kind == "string":
            lo, hi = node.get("minLength"), node.get("maxLength")
            if isinstance(lo, int) and len(value) < lo:
                return f"{truncate_value(value, 40)} is shorter than minLength {lo}"
            if isinstance(hi, int) and len(value) > hi:
                return f"{truncate_value(value, 40)} is longer than maxLength {hi}"
            pattern = node.get("pattern")
            if isinstance(pattern, str):
                compiled = _compiled_pattern(pattern)
                if compiled is not None and compiled.search(value) is None:
                    return f"{truncate_value(value, 40)} does not match pattern {pattern!r}"
        elif kind in _NUMERIC:
            lo_b, lo_x = self._bound(node, "minimum", "exclusiveMinimum", max)
            hi_b, hi_x = self._bound(node, "maximum", "exclusiveMaximum", min)
            if lo_b is not None and (value < lo_b or (lo_x and value == lo_b)):
                return f"{value} is below the minimum {lo_b:g}"
            if hi_b is not None and (value > hi_b or (hi_x and value == hi_b)):
                return f"{value} is above the maximum {hi_b:g}"
        return ""

    def causes(self, node: Any, ptr: str, _stack: set[str] | None = None) -> frozenset[str]:
        """Pointers of the local contradictions that make ``node`` unsatisfiable (empty: maybe sat).

        Follows refs, ``allOf``, all-unsatisfiable ``oneOf``/``anyOf``, required properties of
        object-only schemas and non-empty arrays of unsatisfiable items. Recursion assumes
        satisfiable, so it never claims unsatisfiability it has not proven.
        """
        got = self._causes.get(ptr)
        if got is not None:
            return got
        stack = _stack if _stack is not None else set()
        if ptr in stack:
            return _EMPTY
        stack.add(ptr)
        try:
            result = self._compute_causes(node, ptr, stack)
        finally:
            stack.discard(ptr)
        self._causes[ptr] = result
        return result

    def _compute_causes(self, node: Any, ptr: str, stack: set[str]) -> frozenset[str]:
        if node is False:
            return frozenset({ptr})
        if not isinstance(node, dict):
            return _EMPTY
        if isinstance(node.get("$ref"), str) and self.dialect == "3.0":
            if node.get("nullable") is True:
                return _EMPTY
            target = self.resolve_ref(node["$ref"])
            return self.causes(target[0], target[1], stack) if target else _EMPTY
        reasons, null_ok = self.contradictions(node, ptr)
        if reasons:
            return _EMPTY if null_ok else frozenset({ptr})
        kinds = self.declared_kinds(node)
        if self.nullable(node) or (kinds is not None and "null" in kinds):
            return _EMPTY  # null satisfies it
        if isinstance(node.get("$ref"), str):
            target = self.resolve_ref(node["$ref"])
            if target and (c := self.causes(target[0], target[1], stack)):
                return c
        for i, member in enumerate(_as_list(node.get("allOf"))):
            if c := self.causes(member, _pointer.join(ptr, "allOf", i), stack):
                return c
        for comb in ("oneOf", "anyOf"):
            branches = _as_list(node.get(comb))
            if branches:
                found = [
                    self.causes(b, _pointer.join(ptr, comb, i), stack)
                    for i, b in enumerate(branches)
                ]
                if all(found):
                    return frozenset().union(*found)
        if kinds is not None and kinds <= {"object"}:
            props = _as_dict(node.get("properties"))
            for name in _as_list(node.get("required")):
                if isinstance(name, str) and name in props:
                    sub = _pointer.join(ptr, "properties", name)
                    if c := self.causes(props[name], sub, stack):
                        return c
        lo, items = node.get("minItems"), node.get("items")
        forced = isinstance(lo, int) and lo >= 1 and isinstance(items, (dict, bool))
        if kinds is not None and kinds <= {"array"} and forced:
            return self.causes(items, _pointer.join(ptr, "items"), stack)
        return _EMPTY

    # ---------------------------------------------------------------- shapes
    def shape(self, node: Any, ptr: str, depth: int = 0) -> _Shape:
        """Refs and ``allOf`` merged: kinds, properties, required, closed."""
        got = self._shapes.get(ptr)
        if got is not None:
            return got
        target = self.deref(node, ptr)
        if target is None or not isinstance(target[0], dict) or depth > 16:
            return _Shape(None)
        node, ptr = target
        kinds = self.declared_kinds(node)
        values = _enum_values(node)
        if values is not None:
            vk = frozenset(kind_of(v) for v in values) | (
                {"null"} if self.nullable(node) else frozenset()
            )
            kinds = vk if kinds is None else kinds & vk
        shape = _Shape(kinds)
        if values is not None:
            try:
                shape.values = frozenset(values) | ({None} if self.nullable(node) else frozenset())
            except TypeError:  # unhashable enum members
                shape.values = None
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            shape.extra = (extra, _pointer.join(ptr, "additionalProperties"))
        props = node.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                shape.properties[name] = (sub, _pointer.join(ptr, "properties", name))
        shape.required.update(r for r in _as_list(node.get("required")) if isinstance(r, str))
        shape.closed = node.get("additionalProperties") is False
        for i, member in enumerate(_as_list(node.get("allOf"))):
            sub = self.shape(member, _pointer.join(ptr, "allOf", i), depth + 1)
            if sub.kinds is not None:
                shape.kinds = sub.kinds if shape.kinds is None else shape.kinds & sub.kinds
            for name, val in sub.properties.items():
                shape.properties.setdefault(name, val)
            shape.required |= sub.required
            shape.closed = shape.closed or sub.closed
            shape.extra = shape.extra or sub.extra
        self._shapes[ptr] = shape
        return shape

    def pinned(self, prop: tuple[Any, str] | None) -> frozenset[Any] | None:
        """The values a property schema allows when it lists them (enum/const), else None."""
        if prop is None:
            return None
        if prop[1] in self._pins:
            return self._pins[prop[1]]
        self._pins[prop[1]] = got = self._pinned(prop)
        return got

    def _pinned(self, prop: tuple[Any, str]) -> frozenset[Any] | None:
        target = self.deref(*prop)
        if target is None:
            return None
        values = _enum_values(target[0])
        if values is None:
            return None
        try:
            return frozenset(values)
        except TypeError:  # unhashable enum members (objects): not a usable pin
            return None

    # ---------------------------------------------------------------- translated schemas
    def validator(self, node: Any, ptr: str, direction: Direction) -> Any:
        """A jsonschema validator for the translated (open) schema of ``node``; ECMA patterns.

        None when the node cannot be translated (`lint_spec` reports that once, per target).
        """
        # Equal nodes translate equally (the Vapi spec repeats property schemas across DTOs).
        key = (_node_key(node, ptr), direction)
        if key in self._validators:
            return self._validators[key]
        try:
            schema = self.spec.translator.bundle(node, ptr, direction, False)
        except (ContractTestError, RecursionError):
            got = None
        else:
            got = _validator_class(schema.get("$schema", ""))(schema)
        self._validators[key] = got
        return got

    def value_errors(
        self, value: Any, node: Any, ptr: str, direction: Direction | None
    ) -> list[Any]:
        """Errors of ``value`` against ``node`` in both directions (none when either accepts it)."""
        errors: list[Any] = []
        for d in [direction] if direction else ["response", "request"]:
            v = self.validator(node, ptr, cast(Direction, d))
            if v is None:
                return []
            try:
                errs = list(v.iter_errors(value))
            except RecursionError:
                return []
            if not errs:
                return []
            errors = errors or errs
        return errors

    def keywords(self, site: SchemaSite) -> dict[str, Any] | None:
        """The site's keywords, or None when it has none of its own (3.0 ``$ref`` siblings)."""
        node = site.node
        if not isinstance(node, dict):
            return None
        if isinstance(node.get("$ref"), str) and self.dialect == "3.0":
            return None
        return node

    @functools.cached_property
    def refs(self) -> list[tuple[str, str]]:
        """Every ``$ref`` of the document (see `_iter_refs`)."""
        return _iter_refs(self.doc)

    def label(self, pointer: str) -> str:
        site = self.site_by_pointer.get(pointer)
        return site.label if site else pointer


# ------------------------------------------------------------------------------------- helpers
def _node_key(node: Any, ptr: str) -> str:
    try:
        return json.dumps(node, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return ptr


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _enum_values(node: Any) -> list[Any] | None:
    if not isinstance(node, dict):
        return None
    if "const" in node:
        return [node["const"]]
    enum = node.get("enum")
    return list(enum) if isinstance(enum, list) else None


@functools.lru_cache(maxsize=1024)
def _compiled_pattern(pattern: str) -> Any:
    """An ECMA pattern compiled as the validators do (None when it cannot be)."""
    try:
        from contracttest.schema.ecma import compile_pattern
    except ImportError:  # pragma: no cover - ships with the package
        return None
    for flags in ("u", ""):
        try:
            return compile_pattern(pattern, default_flags=flags)
        except PatternError:
            continue
    return None


@functools.lru_cache(maxsize=4)
def _validator_class(meta: str) -> Any:
    import jsonschema
    from jsonschema.exceptions import ValidationError

    base = jsonschema.validators.validator_for(
        {"$schema": meta}, default=jsonschema.Draft7Validator
    )

    def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "string"):
            return
        compiled = _compiled_pattern(patrn)
        if compiled is not None and compiled.search(instance) is None:
            yield ValidationError(f"{instance!r} does not match {patrn!r}")

    return jsonschema.validators.extend(base, {"pattern": pattern})  # type: ignore[no-untyped-call]


def _error_text(err: jsonschema.ValidationError, secret: bool) -> str:
    where = _pointer.from_parts(err.absolute_path)
    at = f" at {where}" if where else ""
    hidden = any(isinstance(p, str) and is_secret_key(p) for p in err.absolute_path)
    if secret or hidden or redact(err.instance) != err.instance:
        return f"breaks `{err.validator}`{at}"
    message = " ".join(str(err.message).split())
    if len(message) > 160:
        message = message[:159] + "…"
    return f"{message}{at}"


def _best(errors: list[Any]) -> Any:
    from jsonschema.exceptions import best_match

    return best_match(errors)


def _finding(
    rule: str,
    severity: Severity,
    pointer: str,
    message: str,
    suggestion: str | None = None,
    **extra: Any,
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        pointer=pointer,
        message=message,
        suggestion=suggestion,
        **extra,
    )


# ------------------------------------------------------------------------------------- rules
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


def _section(ctx: LintContext, name: str) -> dict[str, Any]:
    comps = ctx.doc.get("components")
    got = comps.get(name) if isinstance(comps, dict) else None
    return got if isinstance(got, dict) else {}


def _did_you_mean(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


# Objects whose keys are names, not keywords (a property called `example` is still a schema).
_NAME_MAPS = SCHEMA_MAP_KEYWORDS | {
    "paths",
    "webhooks",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "content",
    "encoding",
    "mapping",
    "variables",
    "examples",
}
_DATA_KEYS = frozenset({"example", "default", "enum", "const", "value"})


def _iter_refs(doc: Any) -> list[tuple[str, str]]:
    """Every ``$ref`` of a document: (pointer of the object holding it, ref).

    Discriminator mapping values come as ``mapping:<ref>`` at the mapping entry. Example values,
    defaults, enums and ``x-`` extensions are data, not references, and are skipped.
    """
    out: list[tuple[str, str]] = []
    path: list[str | int] = []

    def walk(node: Any, names: bool) -> None:
        if isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, (dict, list)):
                    path.append(i)
                    walk(v, False)
                    path.pop()
            return
        if not isinstance(node, dict):
            return
        if not names:
            ref = node.get("$ref")
            if isinstance(ref, str):
                out.append((_pointer.from_parts(path), ref))
        for key, value in node.items():
            if not isinstance(value, (dict, list)):
                continue
            if not names:
                if key in _DATA_KEYS or key.startswith("x-"):
                    continue
                if key == "examples" and isinstance(value, list):
                    continue
                if key == "discriminator" and isinstance(value, dict):
                    mapping = value.get("mapping")
                    if isinstance(mapping, dict):
                        for tag, target in mapping.items():
                            if isinstance(target, str):
                                ptr = _pointer.from_parts([*path, key, "mapping", str(tag)])
                                out.append((ptr, "mapping:" + _mapping_ref(target)))
                    continue
            path.append(key)
            walk(value, not names and key in _NAME_MAPS)
            path.pop()

    walk(doc, False)
    return out


def _mapping_ref(target: str) -> str:
    """A discriminator mapping value as a ``$ref`` (a bare name means a component schema)."""
    if "#" in target or "/" in target or "." in target:
        return target
    return "#/components/schemas/" + target


_UNUSED_SECTIONS = (
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "pathItems",
)


def _component_ptr(ref: str) -> str | None:
    if not ref.startswith("#/components/"):
        return None
    from urllib.parse import unquote

    toks = _pointer.parts(unquote(ref[1:]))
    return _pointer.from_parts(toks[:3]) if len(toks) >= 3 else None


@spec_rule("components.unused")
def components_unused(ctx: LintContext) -> Iterator[Finding]:
    """Components no operation reaches, directly or through other components."""
    edges: dict[str, set[str]] = {}
    roots: set[str] = set()
    for ptr, ref in ctx.refs:
        target = _component_ptr(ref.removeprefix("mapping:"))
        if target is None:
            continue
        toks = _pointer.parts(ptr)
        owner = (
            _pointer.from_parts(toks[:3]) if len(toks) >= 3 and toks[0] == "components" else None
        )
        if owner is None:
            if ptr.startswith(("/paths/", "/webhooks/")):
                roots.add(target)
        else:
            edges.setdefault(owner, set()).add(target)
    reached: set[str] = set()
    todo = list(roots)
    while todo:
        cur = todo.pop()
        if cur in reached:
            continue
        reached.add(cur)
        todo.extend(edges.get(cur, ()))
    for section in _UNUSED_SECTIONS:
        for name in _section(ctx, section):
            ptr = _pointer.join("/components", section, name)
            if ptr not in reached:
                yield _finding(
                    "components.unused",
                    Severity.INFO,
                    ptr,
                    f"components/{section}/{name} is not used by any operation",
                    "remove it, or reference it where it is meant to be used",
                    target=name if section == "schemas" else None,
                )


@spec_rule("components.missing")
def components_missing(ctx: LintContext) -> Iterator[Finding]:
    """``$ref``s to components (or any local pointer) that do not exist."""
    for ptr, ref in ctx.refs:
        if ref.startswith("mapping:") or not ref.startswith("#"):
            # mappings: discriminator.target-missing; external refs: the translator loads them
            continue
        if ctx.resolve_ref(ref) is not None:
            continue
        toks = _pointer.parts(ref[1:]) if ref[1:].startswith("/") else []
        hint = ""
        if len(toks) == 3 and toks[0] == "components":
            hint = _did_you_mean(toks[2], list(_section(ctx, toks[1])))
        yield _finding(
            "components.missing",
            Severity.ERROR,
            ptr,
            f"$ref {ref!r} points at nothing",
            f"define the component, or fix the reference{hint}",
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


# ------------------------------------------------------------------------------------- driver
def _translate_all(spec: Spec) -> list[Finding]:
    """Build every target's schema once, so translation diagnostics are complete."""
    out: list[Finding] = []
    for target in spec.iter_targets():
        try:
            target.schema()
        except ContractTestError as exc:
            why, ptr = exc.message, exc.pointer or target.pointer
        except RecursionError:
            why, ptr = "translation recursed without end (a $ref/allOf cycle)", target.pointer
        else:
            continue
        out.append(
            _finding(
                "spec.translation-failed",
                Severity.ERROR,
                ptr,
                f"{target.key}: {why}; checks against it are skipped",
                "break the cycle, or report the spec to the contracttest maintainers",
            )
        )
    return out


def run_rule(spec: Spec, rule_id: str, ctx: LintContext | None = None) -> list[Finding]:
    """The findings of one rule, sorted (no loader diagnostics); for tests and tools."""
    if rule_id not in RULES:
        raise KeyError(f"no spec lint rule {rule_id!r}; known: {', '.join(RULES)}")
    ctx = ctx or LintContext(spec)
    return sorted(spec.locate(list(RULES[rule_id].func(ctx))), key=Finding.sort_key)


def lint_spec(spec: Spec, *, rules: Collection[str] | None = None) -> list[Finding]:
    """Every contract defect of ``spec``: lint rules plus the loader's diagnostics.

    Args:
        spec: a loaded spec (`contracttest.openapi.load_spec`).
        rules: only these rule ids (loader diagnostics are then left out); default all.

    Returns:
        Findings sorted by file position, deduplicated, each located (file, line, column).

    Example:
        >>> from contracttest.openapi import load_spec  # doctest: +SKIP
        >>> for f in lint_spec(load_spec("spec/vapi-phone-numbers.yaml")):  # doctest: +SKIP
        ...     print(f)
    """
    if rules is not None:
        unknown = sorted(set(rules) - set(RULES))
        if unknown:
            raise KeyError(f"no spec lint rule {', '.join(map(repr, unknown))}")
    found = _translate_all(spec)
    ctx = LintContext(spec)
    for rule in RULES.values():
        if rules is None or rule.id in rules:
            found.extend(rule.func(ctx))
    if rules is None:
        by_rule_ptr = {(f.rule, f.pointer) for f in found}
        tag_ptrs = {f.schema_pointer for f in found if f.rule == "discriminator.tag-mismatch"}
        for diag in spec.diagnostics:
            better = _SUPERSEDED.get(diag.rule)
            if better is not None and (better, diag.pointer) in by_rule_ptr:
                continue
            if diag.rule == "spec.discriminator-tag-outside-enum" and diag.pointer in tag_ptrs:
                continue
            found.append(diag)
    unique: dict[tuple[str, str, str], Finding] = {}
    for f in found:
        unique.setdefault((f.rule, f.pointer, f.message), f)
    return sorted(spec.locate(list(unique.values())), key=Finding.sort_key)


def summarize(findings: Iterable[Finding]) -> dict[str, Any]:
    """Counts for reports: ``{"total", "error", "warning", "info", "rules": {rule: n}}``."""
    out: dict[str, Any] = {"total": 0, "error": 0, "warning": 0, "info": 0, "rules": {}}
    for f in findings:
        out["total"] += 1
        out[str(f.severity)] += 1
        out["rules"][f.rule] = out["rules"].get(f.rule, 0) + 1
    out["rules"] = dict(sorted(out["rules"].items()))
    return out
