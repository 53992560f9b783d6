"""How plan nodes relate: which values a node admits, whether two may overlap, whether one holds
every value of another, and how to narrow an object branch so it matches no rival.

The compiler uses these to make plain ``oneOf`` branches exclusive by construction (and to find the
dead ones), the generators to tell which branch produced a value. Every answer is conservative: an
unsure "overlaps" or "does not contain" only costs a runtime check, never a wrong payload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from contracttest._types import json_type
from contracttest.errors import PatternError
from contracttest.generate._gen import (
    AnyGen,
    ArrayGen,
    BoolGen,
    ConstGen,
    FilterGen,
    Gen,
    NullGen,
    NumberGen,
    ObjectGen,
    StringGen,
    UnionGen,
)

__all__ = [
    "ECMA_PATTERN",
    "accepts_value",
    "json_equal",
    "may_overlap",
    "number_or_none",
    "separate",
    "simple_ok",
    "subsumes",
]

ECMA_PATTERN = "x-ecma-pattern"
"""Where the translator keeps an ECMA pattern with no portable form (``pattern`` holds portable
ones, which ECMA reads with the ``u`` flag)."""


def number_or_none(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return v


def json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def simple_ok(value: Any, schema: dict[str, Any]) -> bool:
    """Check the simple keywords (type, lengths, pattern, format, bounds) without jsonschema."""
    from contracttest.generate.formats import check_format
    from contracttest.schema.ecma import compile_pattern

    if isinstance(value, str):
        lo, hi = schema.get("minLength"), schema.get("maxLength")
        if isinstance(lo, int) and len(value) < lo:
            return False
        if isinstance(hi, int) and len(value) > hi:
            return False
        for key, flags in (("pattern", "u"), (ECMA_PATTERN, "")):
            p = schema.get(key)
            if isinstance(p, str):
                try:
                    if not compile_pattern(p, default_flags=flags).test(value):
                        return False
                except PatternError:
                    pass
        f = schema.get("format")
        if isinstance(f, str) and not check_format(f, value):
            return False
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        checks: tuple[tuple[str, Callable[[float], bool]], ...] = (
            ("minimum", lambda b: value >= b),
            ("maximum", lambda b: value <= b),
            ("exclusiveMinimum", lambda b: value > b),
            ("exclusiveMaximum", lambda b: value < b),
        )
        for key, ok in checks:
            b = number_or_none(schema.get(key))
            if b is not None and not ok(b):
                return False
        m = number_or_none(schema.get("multipleOf"))
        if m and not float(value / m).is_integer():
            return False
    return True


def may_overlap(a: Gen, b: Gen) -> bool:
    """Whether two union branches might accept a common value (False only when provably not)."""
    ka, kb = _kinds(a), _kinds(b)
    if ("number" in ka and "integer" in kb) or ("integer" in ka and "number" in kb):
        return True
    if not ka & kb:
        return False
    if isinstance(a, ConstGen) and isinstance(b, ConstGen):
        return any(json_equal(x, y) for x in a.values for y in b.values)
    oa, ob = _object_of(a), _object_of(b)
    if oa is not None and ob is not None and ka == kb == {"object"}:
        for name in set(oa.required) & set(ob.required):
            pa, pb = oa.properties.get(name), ob.properties.get(name)
            if (
                isinstance(pa, ConstGen)
                and isinstance(pb, ConstGen)
                and not any(json_equal(x, y) for x in pa.values for y in pb.values)
            ):
                return False
        if oa.closed and ob.closed and oa.required and not set(oa.required) <= set(ob.properties):
            return False
        if oa.closed and ob.closed and ob.required and not set(ob.required) <= set(oa.properties):
            return False
    return True


def separate(a: Gen, rivals: list[Gen]) -> Gen | None:
    """``a`` narrowed so its objects cannot match the rival object branches, or None.

    For each rival B an object of A fails B when it lacks a property B requires (one that is
    optional in A: never generate it), or, B being closed, has a property B does not declare (make
    one required), or, A being open, has a property only B declares with a value of a type B does
    not allow there (add it, required, with that value). Values may still collide (same keys,
    overlapping values): the caller checks.
    """
    obj = a if isinstance(a, ObjectGen) else None
    if obj is None:
        return None
    omitted: set[str] = set()
    forced: set[str] = set()
    added: dict[str, Gen] = {}
    for b in rivals:
        ob = _object_of(b)
        if ob is None:
            continue
        if (
            set(ob.required) & omitted
            or (ob.closed and forced - set(ob.properties))
            or any(_refuses(ob, name, g) for name, g in added.items())
        ):
            continue  # already separated by an earlier choice
        omit = [
            r
            for r in ob.required
            if r not in obj.required and r in obj.properties and r not in forced
        ]
        if omit:
            omitted.add(omit[0])
            continue
        if ob.closed:
            extra = [p for p in obj.properties if p not in ob.properties and p not in omitted]
            if extra:
                forced.add(extra[0])
                continue
        if not obj.closed and obj.additional is None and not obj.free_form:
            wrong = _wrong_property(ob, set(obj.properties) | set(added))
            if wrong is not None:
                added[wrong[0]] = wrong[1]
                continue
        return None
    if not omitted and not forced and not added:
        return None
    if obj.max_properties is not None and len(obj.required) + len(forced) + len(added) > (
        obj.max_properties
    ):
        return None
    props = {k: v for k, v in obj.properties.items() if k not in omitted} | added
    required = (*obj.required, *(p for p in obj.properties if p in forced), *added)
    return replace(obj, properties=props, required=required)


_WRONG_VALUES: tuple[Any, ...] = (None, 0, "", False, [], {})


def _refuses(b: ObjectGen, name: str, const: Gen) -> bool:
    sub = b.properties.get(name)
    return (
        sub is not None
        and isinstance(const, ConstGen)
        and not any(json_type(v) in _kinds(sub) for v in const.values)
    )


def _wrong_property(b: ObjectGen, taken: set[str]) -> tuple[str, Gen] | None:
    """A property ``b`` declares (and is not in ``taken``) with a value of a type ``b`` refuses
    there, as a constant plan: an open object that carries it cannot match ``b``."""
    for name, sub in b.properties.items():
        if name in taken:
            continue
        kinds = _kinds(sub)
        for v in _WRONG_VALUES:
            if json_type(v) not in kinds:
                return name, ConstGen(sub.pointer, values=(v,), declared=(v,))
    return None


def subsumes(b: Gen, a: Gen, depth: int = 0) -> bool:
    """Whether every value of ``a`` is also a value of ``b`` (False when unsure)."""
    if a is b or (a.source is not None and a.source == b.source):
        return True
    if depth > 8:
        return False
    if isinstance(b, AnyGen):
        return _kinds(a) <= _kinds(b)
    if isinstance(a, ConstGen):
        return all(accepts_value(b, v) for v in a.values)
    if isinstance(b, UnionGen) and not any(b.exclusive):
        branches = a.branches if isinstance(a, UnionGen) else (a,)
        return all(any(subsumes(x, y, depth + 1) for x in b.branches) for y in branches)
    if isinstance(a, ArrayGen) and isinstance(b, ArrayGen):
        if b.min_items > a.min_items or (b.unique and not a.unique):
            return False
        if b.max_items is not None and (a.max_items is None or a.max_items > b.max_items):
            return False
        if a.prefix or b.prefix:
            return False
        if a.empty_only or b.items is None:
            return True
        return a.items is not None and subsumes(b.items, a.items, depth + 1)
    if isinstance(b, StringGen) and isinstance(a, StringGen):
        if b.min_length > a.min_length:
            return False
        if b.max_length is not None and (a.max_length is None or a.max_length > b.max_length):
            return False
        same = {p.pattern for p in (a.pattern, *a.extra_patterns) if p is not None}
        if any(p is not None and p.pattern not in same for p in (b.pattern, *b.extra_patterns)):
            return False
        return not b.format or b.format == a.format
    if isinstance(b, (BoolGen, NullGen)):
        return type(a) is type(b) or (isinstance(a, ConstGen) and _kinds(a) <= _kinds(b))
    if isinstance(b, NumberGen) and isinstance(a, NumberGen):
        if (b.integer and not a.integer) or b.multiple_of not in (None, a.multiple_of):
            return False
        if b.minimum is not None and (
            a.minimum is None
            or a.minimum < b.minimum
            or (a.minimum == b.minimum and b.exclusive_minimum and not a.exclusive_minimum)
        ):
            return False
        return b.maximum is None or not (
            a.maximum is None
            or a.maximum > b.maximum
            or (a.maximum == b.maximum and b.exclusive_maximum and not a.exclusive_maximum)
        )
    if isinstance(a, ObjectGen) and isinstance(b, ObjectGen):
        if b.closed and not set(a.properties) <= set(b.properties):
            return False
        if not set(b.required) <= set(a.required):
            return False
        if b.min_properties or b.max_properties is not None or b.rules:
            return False
        for name, sub in a.properties.items():
            if name in b.properties and not subsumes(b.properties[name], sub, depth + 1):
                return False
            if name not in b.properties and b.additional is not None:
                return False
        return True
    return False


def accepts_value(b: Gen, value: Any) -> bool:
    """Whether plan ``b`` admits ``value`` (False when unsure)."""
    if isinstance(b, AnyGen):
        return json_type(value) in b.types or (
            json_type(value) == "integer" and "number" in b.types
        )
    if isinstance(b, ConstGen):
        return any(json_equal(value, v) for v in b.values)
    if isinstance(b, StringGen):
        if not isinstance(value, str):
            return False
        schema: dict[str, Any] = {"minLength": b.min_length}
        if b.max_length is not None:
            schema["maxLength"] = b.max_length
        if b.format:
            schema["format"] = b.format
        ok = simple_ok(value, schema)
        return ok and all(p.test(value) for p in (b.pattern, *b.extra_patterns) if p is not None)
    if isinstance(b, NumberGen):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if b.integer and not float(value).is_integer():
            return False
        lo_ok = b.minimum is None or (
            value > b.minimum if b.exclusive_minimum else value >= b.minimum
        )
        hi_ok = b.maximum is None or (
            value < b.maximum if b.exclusive_maximum else value <= b.maximum
        )
        return (
            lo_ok and hi_ok and (b.multiple_of is None or float(value / b.multiple_of).is_integer())
        )
    if isinstance(b, BoolGen):
        return isinstance(value, bool)
    if isinstance(b, NullGen):
        return value is None
    return False


def _kinds(g: Gen) -> frozenset[str]:
    k = g.kinds()
    return k | {"number"} if "integer" in k else k


def _object_of(g: Gen) -> ObjectGen | None:
    while isinstance(g, FilterGen) and g.inner is not None:
        g = g.inner
    return g if isinstance(g, ObjectGen) else None
