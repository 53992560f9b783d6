"""Generator plan -> Hypothesis strategies of valid values.

Strategies are built once per plan node and shared, so the 981 component schemas of the full Vapi spec
reuse each other's work. Everything is built to satisfy its constraints rather than filtered into them;
the only filters left are the ones the plan asks for (``not``, a plain ``oneOf`` branch that must not
match its siblings, leftovers of an ``allOf`` that could not be merged), which reject rarely.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    RuleGen,
    StringGen,
    UnionGen,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["JS_SAFE", "Sizes", "StrategyBuilder", "canonical", "free_json", "object_strategy"]

JS_SAFE = 2**53 - 1
"""Unbounded numbers stay within JavaScript's safe integers: a Node server parses JSON into doubles."""
FREE_KEYS = r"[a-z][a-zA-Z0-9_]{0,11}"


def canonical(value: Any) -> str:
    """A stable text form of a JSON value (for ``uniqueItems``)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def free_json(types: tuple[str, ...] | frozenset[str] = ()) -> SearchStrategy[Any]:
    """Small, readable JSON values of the given types (all types when empty)."""
    from hypothesis import strategies as st

    from contracttest.generate.strings import text

    keys = st.from_regex(FREE_KEYS, fullmatch=True)
    scalars = {
        "null": st.none(),
        "boolean": st.booleans(),
        "integer": st.integers(-1000, 1000),
        "number": st.integers(-1000, 1000),
        "string": text(0, 12),
    }
    base = st.one_of(*scalars.values())
    nested = st.recursive(
        base,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)
        ),
        max_leaves=6,
    )
    wanted = set(types) or {"null", "boolean", "number", "string", "array", "object"}
    parts = [scalars[t] for t in ("string", "number", "integer", "boolean", "null") if t in wanted]
    if "array" in wanted:
        parts.append(st.lists(nested, max_size=3))
    if "object" in wanted:
        parts.append(st.dictionaries(keys, nested, max_size=3))
    return st.one_of(*parts)


@dataclass(frozen=True)
class Sizes:
    """How big random payloads get.

    Attributes:
        max_extra_items: items random arrays get beyond ``minItems`` (near the root).
        max_optional: optional properties one object gets at most.
        optional_levels: below this many levels of nesting, objects get only required properties
            and arrays only ``minItems`` items (payloads of big DTOs stay readable and finite).
    """

    max_extra_items: int = 3
    max_optional: int = 6
    optional_levels: int = 4


class StrategyBuilder:
    """Turns plan nodes into strategies (cached per node and nesting level)."""

    def __init__(self, sizes: Sizes | None = None) -> None:
        self.sizes = sizes or Sizes()
        self._cache: dict[tuple[int, int], tuple[Gen, SearchStrategy[Any]]] = {}

    def strategy(self, gen: Gen, level: int = 0) -> SearchStrategy[Any]:
        level = min(level, self.sizes.optional_levels)
        key = (id(gen), level)
        got = self._cache.get(key)
        if got is not None and got[0] is gen:
            return got[1]
        out = self._build(gen, level)
        self._cache[key] = (gen, out)
        return out

    def _build(self, gen: Gen, level: int) -> SearchStrategy[Any]:
        from hypothesis import strategies as st

        if isinstance(gen, ConstGen):
            values = list(gen.values)
            if any(isinstance(v, (dict, list)) for v in values):
                return st.sampled_from(values).map(copy.deepcopy)
            return st.sampled_from(values)
        if isinstance(gen, NullGen):
            return st.none()
        if isinstance(gen, BoolGen):
            return st.booleans()
        if isinstance(gen, NumberGen):
            return number_strategy(gen)
        if isinstance(gen, StringGen):
            return string_strategy(gen)
        if isinstance(gen, ArrayGen):
            return self._array(gen, level)
        if isinstance(gen, ObjectGen):
            return self._object(gen, level)
        if isinstance(gen, UnionGen):
            parts = []
            for branch, alone in zip(
                gen.branches, gen.exclusive or [None] * len(gen.branches), strict=True
            ):
                s = self.strategy(branch, level)
                if gen.optional_tag:
                    s = untagged_rules(gen, branch, s)
                parts.append(retrying_filter(s, alone) if alone is not None else s)
            return st.one_of(*parts)
        if isinstance(gen, FilterGen):
            assert gen.inner is not None and gen.check is not None
            return retrying_filter(self.strategy(gen.inner, level), gen.check)
        if isinstance(gen, RuleGen):
            assert gen.valid is not None
            return self.strategy(gen.valid, level)
        if isinstance(gen, AnyGen):
            return free_json(gen.types)
        raise TypeError(f"no strategy for {type(gen).__name__}")  # pragma: no cover

    def _array(self, gen: ArrayGen, level: int) -> SearchStrategy[Any]:
        from hypothesis import strategies as st

        if gen.empty_only:
            return st.builds(list)
        item = self.strategy(gen.items, level + 1) if gen.items is not None else free_json()
        extra = self.sizes.max_extra_items if level + 1 < self.sizes.optional_levels else 0
        hi = gen.min_items + extra
        if gen.max_items is not None:
            hi = min(hi, gen.max_items)
        if gen.prefix:
            head = st.tuples(*(self.strategy(p, level + 1) for p in gen.prefix)).map(list)
            n_head = len(gen.prefix)
            if gen.items is None and gen.max_items is not None and gen.max_items <= n_head:
                tail: SearchStrategy[Any] = st.builds(list)
            else:
                tail = st.lists(
                    item, min_size=max(0, gen.min_items - n_head), max_size=max(0, hi - n_head)
                )
            out = st.builds(lambda a, b: a + b, head, tail)
            return out.filter(_unique) if gen.unique else out
        if gen.unique:
            return st.lists(item, min_size=gen.min_items, max_size=hi, unique_by=canonical)
        return st.lists(item, min_size=gen.min_items, max_size=hi)

    def _object(self, gen: ObjectGen, level: int) -> SearchStrategy[Any]:
        from hypothesis import strategies as st

        if gen.free_form:
            value = (
                self.strategy(gen.additional, level + 1)
                if gen.additional is not None
                else free_json()
            )
            lo = gen.min_properties
            hi = max(lo, 3) if gen.max_properties is None else min(max(lo, 3), gen.max_properties)
            return st.dictionaries(
                st.from_regex(FREE_KEYS, fullmatch=True), value, min_size=lo, max_size=hi
            )
        required = [(name, self.strategy(gen.properties[name], level + 1)) for name in gen.required]
        optional = [
            (name, self.strategy(g, level + 1))
            for name, g in gen.properties.items()
            if name not in gen.required
        ]
        budget = self.sizes.max_optional if level + 1 < self.sizes.optional_levels else 0
        need = max(0, gen.min_properties - len(required))
        out = object_strategy(required, optional, max(budget, need))
        for rule in gen.rules:
            out = rule.strategy(self, gen, out, level)
        if need or gen.max_properties is not None:
            lo, most = gen.min_properties, gen.max_properties
            out = out.filter(lambda d: len(d) >= lo and (most is None or len(d) <= most))
        return out


def object_strategy(
    required: list[tuple[str, SearchStrategy[Any]]],
    optional: list[tuple[str, SearchStrategy[Any]]],
    max_optional: int,
) -> SearchStrategy[dict[str, Any]]:
    """Objects with every required property and at most ``max_optional`` optional ones.

    Which optional properties appear is drawn first (shrinking drops them), then the values in
    declaration order, so payloads read like the schema.
    """
    from hypothesis import strategies as st

    if not optional or max_optional == 0:
        return st.fixed_dictionaries(dict(required))
    if len(optional) <= max_optional:
        return st.fixed_dictionaries(dict(required), optional=dict(optional))
    names = [name for name, _ in optional]
    chosen_strategy = st.sets(st.sampled_from(names), max_size=max_optional)

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        out = {name: draw(s) for name, s in required}
        chosen = draw(chosen_strategy)
        for name, s in optional:
            if name in chosen:
                out[name] = draw(s)
        return out

    return build()


def untagged_rules(
    union: UnionGen, branch: Gen, strategy: SearchStrategy[Any]
) -> SearchStrategy[Any]:
    """Values of ``branch`` that, when they leave the optional tag out, also satisfy the semantic
    rules the other variants put on the members they share (the validator applies them all)."""
    from hypothesis import strategies as st

    from contracttest.generate.negative import matches

    rules = [
        (rule, rule.value_strategy(entry), entry)
        for other in union.branches
        if isinstance(other, ObjectGen)
        for rule in other.rules
        if hasattr(rule, "value_strategy")
        for entry in rule.entries
    ]
    if not rules:
        return strategy
    prop = union.discriminator

    @st.composite
    def build(draw: Any) -> Any:
        value = draw(strategy)
        if not isinstance(value, dict) or prop in value:
            return value
        done: set[str] = set()
        for rule, values, entry in rules:
            if rule.name in value and rule.name not in done and entry.applies(value):
                value[rule.name] = draw(values)
                done.add(rule.name)
        return value

    return retrying_filter(build(), lambda v: matches(branch, v))


FILTER_TRIES = 8


def retrying_filter(strategy: SearchStrategy[Any], check: Any) -> SearchStrategy[Any]:
    """``strategy.filter(check)`` with more tries before the example is given up.

    Hypothesis's own filter tries three times; the residual checks of a plain ``oneOf`` branch pass
    most of the time but not always, and nested ones multiply.
    """
    from hypothesis import assume
    from hypothesis import strategies as st

    @st.composite
    def draw_passing(draw: Any) -> Any:
        for _ in range(FILTER_TRIES):
            value = draw(strategy)
            if check(value):
                return value
        assume(False)
        raise AssertionError("unreachable")  # pragma: no cover

    return draw_passing()


def _unique(items: list[Any]) -> bool:
    seen = {canonical(v) for v in items}
    return len(seen) == len(items)


def number_bounds(gen: NumberGen) -> tuple[float, float]:
    """Inclusive bounds of the values generation may pick (safe-integer range by default)."""
    lo = gen.minimum if gen.minimum is not None else -JS_SAFE
    hi = gen.maximum if gen.maximum is not None else JS_SAFE
    return lo, hi


def integer_range(gen: NumberGen) -> tuple[int, int] | None:
    """The inclusive integer range allowed (None when empty)."""
    lo, hi = number_bounds(gen)
    ilo = math.ceil(lo)
    if gen.exclusive_minimum and ilo == lo:
        ilo += 1
    ihi = math.floor(hi)
    if gen.exclusive_maximum and ihi == hi:
        ihi -= 1
    return (int(ilo), int(ihi)) if ilo <= ihi else None


def number_strategy(gen: NumberGen) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    lo, hi = number_bounds(gen)
    rng = integer_range(gen)
    step = gen.multiple_of
    if step is not None:
        klo = math.ceil(lo / step)
        if gen.exclusive_minimum and klo * step <= lo:
            klo += 1
        khi = math.floor(hi / step)
        if gen.exclusive_maximum and khi * step >= hi:
            khi -= 1
        if float(step).is_integer():
            return st.integers(int(klo), int(khi)).map(lambda k: k * int(step))
        return (
            st.integers(int(klo), int(khi))
            .map(lambda k: k * step)
            .filter(lambda v: lo <= v <= hi and float(v / step).is_integer())
        )
    ints = st.integers(*rng) if rng is not None else None
    if gen.integer:
        assert ints is not None
        return ints
    floats = st.floats(
        min_value=lo,
        max_value=hi,
        exclude_min=gen.exclusive_minimum,
        exclude_max=gen.exclusive_maximum,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )
    return floats if ints is None else st.one_of(ints, floats)


def string_strategy(gen: StringGen) -> SearchStrategy[Any]:
    from contracttest.generate.formats import check_format, format_strategy
    from contracttest.generate.strings import text

    lo, hi = gen.min_length, gen.max_length
    if gen.plan is not None:
        out: SearchStrategy[Any] = gen.plan.strategy()
        if gen.format:
            fmt = gen.format
            out = out.filter(lambda s: check_format(fmt, s))
    else:
        fmt_strategy = format_strategy(gen.format) if gen.format else None
        if fmt_strategy is not None:
            out = fmt_strategy
            if lo or hi is not None:
                out = out.filter(lambda s: lo <= len(s) and (hi is None or len(s) <= hi))
        else:
            out = text(lo, hi)
    for p in gen.extra_patterns:
        out = out.filter(p.test)
    return out
