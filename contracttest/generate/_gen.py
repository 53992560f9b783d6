"""The generator plan: what the compiler makes of a JSON Schema before any Hypothesis strategy exists.

A `Gen` tree says what values a schema node admits in terms a generator can use directly (bounds,
property sets, variants), after ``allOf`` is merged, ``$ref`` resolved within the recursion bound and
every unsatisfiable part either dropped (optional) or propagated (required) as `Impossible`. The same
tree feeds three consumers: `positive` (Hypothesis strategies), `boundary` (deterministic values at
and past each limit) and `negative` (the mutation sites of a valid payload).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest._types import json_type

if TYPE_CHECKING:
    from contracttest.generate.strings import PatternStrings
    from contracttest.schema.ecma import EcmaPattern

JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


@dataclass(frozen=True)
class Note:
    """A part of the schema generation never exercises, because of a spec defect.

    Kinds: ``left-out`` (an optional subschema no value can satisfy), ``dead-branch`` (a ``oneOf``
    branch every value of which also matches another branch, so under ``oneOf`` none is valid).
    """

    pointer: str
    """Spec pointer of the subschema."""
    reason: str
    kind: str = "left-out"

    def __str__(self) -> str:
        return f"{self.pointer}: {self.reason}"


@dataclass(frozen=True)
class Impossible:
    """A schema node with no value, and why."""

    pointer: str
    reason: str
    cut: bool = False
    """True when only the recursion bound stands in the way (not a spec defect)."""
    notes: frozenset[Note] = frozenset()

    def note(self) -> Note:
        return Note(self.pointer, self.reason)


@dataclass(eq=False)
class Gen:
    """A node of the plan. ``pointer`` is the spec pointer it was compiled from."""

    pointer: str
    notes: frozenset[Note] = field(default=frozenset(), kw_only=True)
    source: str | None = field(default=None, kw_only=True)
    """Definition key the node is the plan of (same key: same schema, whatever the depth)."""
    typed: bool = field(default=True, kw_only=True)
    """The schema declares its ``type``. False when the type is only implied by keywords
    (``properties`` without ``type``): a value of another JSON type is then valid too, so the
    node has no ``schema.type`` violation."""

    def kinds(self) -> frozenset[str]:
        """JSON types this node can produce (``integer`` implies ``number`` values too)."""
        raise NotImplementedError


@dataclass(eq=False)
class AnyGen(Gen):
    """Any JSON value of the given types (a free-form schema)."""

    types: tuple[str, ...] = JSON_TYPES

    def kinds(self) -> frozenset[str]:
        return frozenset(self.types)


@dataclass(eq=False)
class ConstGen(Gen):
    """One of a fixed list of values (``enum``/``const``), each already checked against the node."""

    values: tuple[Any, ...] = ()
    declared: tuple[Any, ...] = ()
    """The enum as the spec wrote it (mutations pick values outside it)."""
    schema_types: tuple[str, ...] = ()

    def kinds(self) -> frozenset[str]:
        return frozenset(json_type(v) for v in self.values)


@dataclass(eq=False)
class NullGen(Gen):
    def kinds(self) -> frozenset[str]:
        return frozenset({"null"})


@dataclass(eq=False)
class BoolGen(Gen):
    def kinds(self) -> frozenset[str]:
        return frozenset({"boolean"})


@dataclass(eq=False)
class NumberGen(Gen):
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    multiple_of: float | None = None

    def kinds(self) -> frozenset[str]:
        return frozenset({"integer"} if self.integer else {"number", "integer"})


@dataclass(eq=False)
class StringGen(Gen):
    min_length: int = 0
    max_length: int | None = None
    pattern: EcmaPattern | None = None
    plan: PatternStrings | None = None
    extra_patterns: tuple[EcmaPattern, ...] = ()
    format: str | None = None

    def kinds(self) -> frozenset[str]:
        return frozenset({"string"})


@dataclass(eq=False)
class ArrayGen(Gen):
    items: Gen | None = None
    """None: items unconstrained (any JSON)."""
    prefix: tuple[Gen, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    empty_only: bool = False
    """True when no item can exist (items unsatisfiable or cut): the array is always empty."""

    def kinds(self) -> frozenset[str]:
        return frozenset({"array"})


@dataclass(eq=False)
class ObjectGen(Gen):
    properties: dict[str, Gen] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    closed: bool = False
    """additionalProperties: false (unknown properties are a violation)."""
    additional: Gen | None = None
    """Schema of extra properties when the object is open with a schema."""
    min_properties: int = 0
    max_properties: int | None = None
    free_form: bool = False
    """Declares no properties at all: generate a small free dictionary."""
    rules: tuple[Any, ...] = ()
    """Semantic rules that tie properties together (`contracttest.generate.semantic`)."""
    component: str | None = None
    """Definition key of the component this object is (for rule tables)."""

    def kinds(self) -> frozenset[str]:
        return frozenset({"object"})


@dataclass(eq=False)
class UnionGen(Gen):
    """``oneOf``/``anyOf`` (or a type list): one branch per value."""

    branches: tuple[Gen, ...] = ()
    keyword: str = "anyOf"
    discriminator: str | None = None
    tags: tuple[Any, ...] = ()
    """Tag of each branch (discriminated unions only)."""
    optional_tag: bool = False
    """The tag may be left out (the seed's PATCH body): a value without it must then satisfy the
    semantic rules of every variant on the members they share, as the validator checks it."""
    exclusive: tuple[Callable[[Any], bool] | None, ...] = ()
    """oneOf without a discriminator: per branch, a check that the value matches no other branch."""
    dropped: tuple[Note, ...] = ()

    def kinds(self) -> frozenset[str]:
        out: frozenset[str] = frozenset()
        for b in self.branches:
            out |= b.kinds()
        return out


@dataclass(eq=False)
class FilterGen(Gen):
    """``inner`` restricted by a check the plan could not express (``not``, leftovers of allOf)."""

    inner: Gen | None = None
    check: Callable[[Any], bool] | None = None
    what: str = ""

    def kinds(self) -> frozenset[str]:
        assert self.inner is not None
        return self.inner.kinds()


@dataclass(eq=False)
class RuleGen(Gen):
    """A node narrowed by semantic rules: valid values come from ``valid``, while mutations (and
    everything that asks what the *schema* allows) look at ``inner``."""

    rules: tuple[str, ...] = ()
    inner: Gen | None = None
    """The schema's own plan for the node."""
    valid: Gen | None = None
    """The narrowed plan valid values are drawn from."""

    def kinds(self) -> frozenset[str]:
        assert self.inner is not None
        return self.inner.kinds()


def declares_type(gen: Gen) -> bool:
    """Whether ``gen``'s schema restricts the JSON type of its values (see `Gen.typed`): a union
    only when every branch does (an untyped branch accepts a value of any other type)."""
    while isinstance(gen, (FilterGen, RuleGen)) and gen.inner is not None:
        gen = gen.inner
    if isinstance(gen, UnionGen):
        return gen.typed and all(declares_type(b) for b in gen.branches)
    return gen.typed


def type_matches(value: Any, types: frozenset[str] | tuple[str, ...]) -> bool:
    t = json_type(value)
    return t in types or (t == "integer" and "number" in types)
