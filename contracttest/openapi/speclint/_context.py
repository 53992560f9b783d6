"""What every spec lint rule reads: value kinds, schema and value sites, and the shared
`LintContext` (one walk of the document, caches for ``$ref`` resolution, translated schemas and
validators), plus the helpers that turn a defect into a located `Finding`."""

from __future__ import annotations

import difflib
import functools
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from contracttest import _pointer
from contracttest._types import json_type
from contracttest.errors import ContractTestError, PatternError
from contracttest.findings import Finding, Severity, is_secret_key, redact, truncate_value
from contracttest.openapi.convert import (
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    Direction,
)
from contracttest.openapi.model import HTTP_METHODS, Spec

if TYPE_CHECKING:
    import jsonschema

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
    """The concrete kind of a JSON value: its JSON Schema type (``1.0`` is an integer), with
    ``float`` for a number that is not an integer (so ``integer`` and ``float`` are disjoint kinds)."""
    kind = json_type(value)
    if kind == "number":
        return "float"
    return kind if kind in _JSON_KINDS else "object"


_JSON_KINDS = frozenset({"null", "boolean", "integer", "string", "array", "object"})


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
        self.memo: dict[str, Any] = {}
        """What a rule family computes once and shares between its rules (by a key it owns)."""
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


# ------------------------------------------------------------------------------------- references
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


def _section(ctx: LintContext, name: str) -> dict[str, Any]:
    comps = ctx.doc.get("components")
    got = comps.get(name) if isinstance(comps, dict) else None
    return got if isinstance(got, dict) else {}


def _did_you_mean(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


# Objects whose keys are names, not keywords (a property called `example` is still a schema).
