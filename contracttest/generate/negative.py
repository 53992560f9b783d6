"""Invalid payloads: a valid payload with exactly one violation, labelled with its rule and pointer.

A valid payload is walked alongside its plan (`contracttest.generate._gen`); every place that can be
broken offers *mutations*, each a replacement (or removal) at one JSON pointer labelled with the rule
the validator reports for it (``schema.type``, ``schema.required``, ``schema.maxLength``,
``discriminator.unknown``, ``phone.e164``, ``hooks.filter.prefix``...). One mutation is drawn and
applied, and the result is validated: the payload is kept only when the validator reports the label,
and every error it reports concerns that one violation (`accepts`). Because the check runs inside the
strategy, it holds for every shrunk example too.

Mutation classes: wrong JSON type, missing required property, unknown property on a closed object,
value outside an ``enum``, unknown or missing discriminator tag, string length one past each limit
(and strings with variation selectors or astral characters that are within a limit under one way of
counting and past it under another), numeric bounds and ``multipleOf``, formats, patterns, array
sizes and uniqueness, and the semantic rules of the spec's rule table (E.164 numbers, the
alphanumeric fallback, ringing prefixes, ending reasons, hook shapes).
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest._types import json_type
from contracttest.generate._gen import (
    JSON_TYPES,
    AnyGen,
    ArrayGen,
    ConstGen,
    FilterGen,
    Gen,
    NumberGen,
    ObjectGen,
    RuleGen,
    StringGen,
    UnionGen,
    declares_type,
    type_matches,
)

if TYPE_CHECKING:
    from contracttest.findings import Finding
    from contracttest.validate.rules import RuleTable

__all__ = [
    "DELETE",
    "Invalid",
    "Mutation",
    "Violation",
    "accepts",
    "apply",
    "mutations",
]

DELETE: Any = object()
"""Replacement meaning "remove the member at the pointer"."""

UNKNOWN_PROPERTY = "unexpectedProperty"
MAX_PROBED_LENGTH = 10_000
"""Longer limits (``maxLength: 100000`` on a prompt) are not probed character by character."""
CHECKED_FORMATS = {
    "uuid": "not-a-uuid",
    "date-time": "not a date-time",
    "date": "not a date",
    "email": "not an email",
    "uri": "not a uri",
    "ipv4": "not an ipv4",
}
# A value of each JSON type, for wrong-type mutations (first one not allowed wins).
_OTHER_TYPES: tuple[tuple[str, Any], ...] = (
    ("integer", 12345),
    ("string", "not-the-right-type"),
    ("boolean", True),
    ("object", {}),
    ("array", []),
    ("null", None),
)
E164_BREAKERS: tuple[tuple[str, str], ...] = (
    ("no '+'", "14155550100"),
    ("leading 0", "+04155550100"),
    ("16 digits", "+1415555010012345"),
    ("letters", "+1415555ABCD"),
    ("too short", "+1"),
    ("spaces", "+1 415 555 0100"),
    ("dashes", "+1-415-555-0100"),
)
ALPHANUMERIC_BREAKERS: tuple[tuple[str, str], ...] = (
    ("dashes", "+1-415-555"),
    ("spaces", "12 34"),
    ("symbols", "abc#1"),
)


@dataclass(frozen=True)
class Violation:
    """The one contract violation an invalid payload carries: the rule id and where."""

    rule: str
    pointer: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "pointer": self.pointer}


@dataclass(frozen=True)
class Invalid:
    """An invalid payload and the one violation it carries."""

    target: str
    payload: Any
    violation: Violation
    description: str = ""
    base: Any = None
    """The valid payload the violation was made in."""
    semantic: bool = False
    """The violation breaks a rule of the rule table (see `accepts`)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON line of ``contracttest generate --invalid``."""
        return {
            "target": self.target,
            "payload": self.payload,
            "violation": self.violation.to_dict(),
        }


@dataclass(frozen=True)
class Mutation:
    """Replace the value at ``pointer`` by ``value`` (`DELETE` removes it); breaks ``rule``."""

    rule: str
    pointer: str
    value: Any
    what: str = ""
    semantic: bool = False
    """A rule of the rule table (its findings may also name siblings of the broken value)."""

    @property
    def violation(self) -> Violation:
        return Violation(self.rule, self.pointer)


def apply(payload: Any, mutation: Mutation) -> Any:
    """A deep copy of ``payload`` with ``mutation`` applied."""
    tokens = _pointer.parts(mutation.pointer)
    if not tokens:
        return copy.deepcopy(mutation.value)
    out = copy.deepcopy(payload)
    node = out
    for tok in tokens[:-1]:
        node = node[int(tok)] if isinstance(node, list) else node[tok]
    last = tokens[-1]
    if mutation.value is DELETE:
        if isinstance(node, list):
            del node[int(last)]
        else:
            del node[last]
    elif isinstance(node, list):
        index = int(last)
        if index == len(node):
            node.append(copy.deepcopy(mutation.value))
        else:
            node[index] = copy.deepcopy(mutation.value)
    else:
        node[last] = copy.deepcopy(mutation.value)
    return out


def accepts(findings: Sequence[Finding], violation: Violation, *, semantic: bool = False) -> bool:
    """Whether the validator's findings are exactly ``violation``.

    The label must be among the errors, and every error must be about the same value: at the same
    pointer (a pattern and a semantic rule may both reject one string), at its parent (a hook
    missing its ``do`` is one the hook rules also reject), or, for a semantic rule, at a sibling of
    it (a ringing hook whose ``do`` is an object also contradicts its ``on``).
    """
    from contracttest.findings import Severity

    errors = [f for f in findings if f.severity >= Severity.ERROR]
    if not any(f.rule == violation.rule and f.pointer == violation.pointer for f in errors):
        return False
    parent = violation.pointer.rsplit("/", 1)[0] if violation.pointer else None
    for f in errors:
        if f.pointer in (violation.pointer, parent):
            continue
        if semantic and f.pointer.rsplit("/", 1)[0] == parent:
            continue
        return False
    return True


# ------------------------------------------------------------------------------------ the walk
@dataclass
class _Walk:
    table: RuleTable | None
    length_method: str
    focus: str | None = None
    """Only mutations at or under this pointer (the walk skips everything else)."""

    def under(self, pointer: str) -> bool:
        f = self.focus
        return f is None or pointer == f or pointer.startswith(f + "/")

    def toward(self, pointer: str) -> bool:
        f = self.focus
        return f is None or self.under(pointer) or pointer == "" or f.startswith(pointer + "/")

    def sites(
        self, gen: Gen, value: Any, pointer: str, tag_prop: str | None = None
    ) -> Iterator[Mutation]:
        """Every mutation of ``value`` (and of what it contains) that the plan ``gen`` allows."""
        while isinstance(gen, (FilterGen, RuleGen)) and gen.inner is not None:
            gen = gen.inner
        if not self.toward(pointer):
            return
        if self.under(pointer):
            yield from local(gen, value, pointer, self.length_method)
        if isinstance(gen, UnionGen):
            branch, prop = pick_branch(gen, value)
            pins = _pins(gen, branch) if branch is not None else None
            if branch is not None and pins is not None:
                pinned = {_pointer.join(pointer, p) for p in pins}
                for m in self.sites(branch, value, pointer, prop):
                    # a value changed in place may fit another branch of a plain union, or be
                    # judged by the one it now fits best: only the union's own mutations are sure
                    if gen.discriminator is None and (m.pointer == pointer or m.pointer in pinned):
                        continue
                    yield m
        elif isinstance(gen, ObjectGen) and isinstance(value, dict):
            yield from self.object_sites(gen, value, pointer, tag_prop)
        elif isinstance(gen, ArrayGen) and isinstance(value, list):
            for i, item in enumerate(value):
                sub = gen.prefix[i] if i < len(gen.prefix) else gen.items
                if sub is not None:
                    yield from self.sites(sub, item, _pointer.join(pointer, i))

    def object_sites(
        self, gen: ObjectGen, value: dict[str, Any], pointer: str, tag_prop: str | None
    ) -> Iterator[Mutation]:
        if self.under(pointer):
            yield from self.own_sites(gen, value, pointer, tag_prop)
        switches = self.switches(gen)
        for name, sub_value in value.items():
            # A member no property declares is judged by additionalProperties' schema (tags).
            sub = gen.properties.get(name, gen.additional)
            if sub is None:
                continue
            ptr = _pointer.join(pointer, name)
            if not self.toward(ptr):
                continue
            if name == tag_prop:
                if self.under(ptr):
                    yield from tag_mutations(sub, sub_value, ptr)
                continue
            if self.table is not None and gen.component is not None:
                for m in semantic_mutations(self.table, gen.component, name, value, sub, ptr):
                    if self.under(m.pointer):
                        yield m
            for m in self.sites(sub, sub_value, ptr):
                # a property that switches a sibling's rule (numberE164CheckEnabled) given a value
                # of the wrong type also switches the rule: two violations, not one
                if not (name in switches and m.pointer == ptr and m.rule == "schema.type"):
                    yield m

    def own_sites(
        self, gen: ObjectGen, value: dict[str, Any], pointer: str, tag_prop: str | None
    ) -> Iterator[Mutation]:
        """Missing required properties and an unknown one."""
        for name in gen.required:
            if name in value:
                rule = "discriminator.missing" if name == tag_prop else "schema.required"
                yield Mutation(rule, _pointer.join(pointer, name), DELETE, f"remove {name}")
        if gen.closed and not gen.free_form:
            extra = UNKNOWN_PROPERTY
            while extra in gen.properties or extra in value:
                extra += "X"
            yield Mutation(
                "schema.additionalProperties", _pointer.join(pointer, extra), "x", f"add {extra}"
            )

    def switches(self, gen: ObjectGen) -> set[str]:
        """Properties of ``gen`` that a rule entry of a sibling reads in its ``when``."""
        if self.table is None or gen.component is None:
            return set()
        out: set[str] = set()
        for name in gen.properties:
            for entry in self.table.entries_for(gen.component, name):
                if entry.when is not None:
                    out.add(entry.when.property)
        return out


def _pins(union: UnionGen, branch: Gen) -> set[str] | None:
    """The properties that tell a plain union's ``branch`` from its rivals of the same JSON type.

    Empty when no rival shares its type; None when some rival is not told apart by a property both
    pin to different constants (``type: {enum: [say]}``): a violation inside such a branch may
    make the value fit the rival, or leave the validator to judge it by whichever branch it now
    resembles most, so its label cannot be predicted and the value is only broken as a whole.
    """
    if union.discriminator is not None:
        return set()
    kinds = branch.kinds()
    own = _unwrap_object(branch)
    pins: set[str] = set()
    typed = declares_type(branch)
    for rival in union.branches:
        # a branch that declares no type accepts values of every other type too
        if rival is branch or (typed and declares_type(rival) and not rival.kinds() & kinds):
            continue
        other = _unwrap_object(rival)
        if own is None or other is None:
            return None
        # a property both pin to constants that differ, required by at least one of them: a value
        # of one either lacks it (the other requires it) or holds a constant the other rejects
        found = [
            name
            for name in set(own.properties) & set(other.properties)
            if (name in own.required or name in other.required)
            and _disjoint_constants(own.properties[name], other.properties[name])
        ]
        if not found:
            return None
        pins.update(found)
    return pins


def _every_branch_untyped_object(gen: Gen) -> bool:
    if not isinstance(gen, UnionGen) or gen.keyword != "oneOf" or len(gen.branches) < 2:
        return False
    return all(
        _unwrap_object(b) is not None and not declares_type(b) and b.kinds() == {"object"}
        for b in gen.branches
    )


def _disjoint_constants(a: Gen, b: Gen) -> bool:
    if not isinstance(a, ConstGen) or not isinstance(b, ConstGen):
        return False
    return not {repr(v) for v in a.values} & {repr(v) for v in b.values}


def _unwrap_object(gen: Gen) -> ObjectGen | None:
    while isinstance(gen, (FilterGen, RuleGen)) and gen.inner is not None:
        gen = gen.inner
    return gen if isinstance(gen, ObjectGen) else None


def tag_mutations(gen: Gen, value: Any, pointer: str) -> Iterator[Mutation]:
    """An unknown discriminator tag."""
    if isinstance(value, str):
        yield Mutation("discriminator.unknown", pointer, value + "-unknown", "unknown tag")


def pick_branch(gen: UnionGen, value: Any) -> tuple[Gen | None, str | None]:
    """The branch of ``gen`` that produced ``value`` (and the discriminator property)."""
    if gen.discriminator is not None and isinstance(value, dict) and gen.discriminator in value:
        tag = value[gen.discriminator]
        for branch, t in zip(gen.branches, gen.tags, strict=True):
            if t == tag:
                return branch, gen.discriminator
        return None, None
    if gen.optional_tag:
        # the optional tag left out (the seed's PATCH body): every variant the value fits judges
        # it, so a violation inside it has no one label
        return None, None
    # no discriminator: the branch it fits, if only one does (a value several anyOf branches take
    # has no one place to break)
    fitting = [b for b in gen.branches if matches(b, value)]
    return (fitting[0] if len(fitting) == 1 else None), gen.discriminator


def matches(gen: Gen, value: Any, depth: int = 0) -> bool:
    """A structural check that ``value`` fits plan ``gen`` (to tell union branches apart)."""
    from contracttest.generate.relations import accepts_value

    if depth > 12:
        return True
    while isinstance(gen, (FilterGen, RuleGen)) and gen.inner is not None:
        if isinstance(gen, FilterGen) and gen.check is not None and not gen.check(value):
            return False
        gen = gen.inner
    if isinstance(gen, UnionGen):
        return any(matches(b, value, depth + 1) for b in gen.branches)
    if isinstance(gen, ObjectGen):
        if not isinstance(value, dict):
            return False
        if any(r not in value for r in gen.required):
            return False
        if gen.closed and any(k not in gen.properties for k in value):
            return False
        return all(
            matches(gen.properties[k], v, depth + 1)
            for k, v in value.items()
            if k in gen.properties
        )
    if isinstance(gen, ArrayGen):
        if not isinstance(value, list):
            return False
        return gen.items is None or all(matches(gen.items, v, depth + 1) for v in value)
    if isinstance(gen, AnyGen):
        return type_matches(value, gen.types)
    return accepts_value(gen, value)


# ---------------------------------------------------------------------- per-node mutations
def local(gen: Gen, value: Any, pointer: str, length_method: str) -> Iterator[Mutation]:
    """Mutations of the value itself (not of what it contains)."""
    kinds = gen.kinds()
    if _every_branch_untyped_object(gen):
        # oneOf of objects that declare no type (mailscript's actions): a string fits every
        # alternative, and a value that fits several breaks oneOf.
        yield Mutation("schema.oneOf", pointer, "x", "a string, which every alternative accepts")
    if declares_type(gen) and (not isinstance(gen, AnyGen) or set(gen.types) != set(JSON_TYPES)):
        for t, other in _OTHER_TYPES:
            if t in kinds or (t == "integer" and "number" in kinds):
                continue
            article = "an" if t[0] in "aeiou" else "a"
            yield Mutation("schema.type", pointer, other, f"{article} {t} instead")
            break
    if isinstance(gen, ConstGen):
        outside = outside_enum(gen)
        if outside is not None:
            yield Mutation("schema.enum", pointer, outside, "a value outside the enum")
    elif isinstance(gen, StringGen) and isinstance(value, str):
        yield from string_mutations(gen, value, pointer, length_method)
    elif isinstance(gen, NumberGen) and isinstance(value, (int, float)):
        yield from number_mutations(gen, pointer)
    elif isinstance(gen, ArrayGen) and isinstance(value, list):
        yield from array_mutations(gen, value, pointer)


def outside_enum(gen: ConstGen) -> Any:
    """A value of the enum's own type that the enum does not list (None when there is none)."""
    declared = list(gen.declared or gen.values)
    strings = [v for v in declared if isinstance(v, str)]
    if strings:
        candidate = strings[0] + "-unknown"
        while candidate in declared:
            candidate += "X"
        return candidate
    numbers = [v for v in declared if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if numbers:
        return max(numbers) + 1
    bools = [v for v in declared if isinstance(v, bool)]
    if bools and len(set(bools)) == 1:
        return not bools[0]
    return None


def string_mutations(
    gen: StringGen, value: str, pointer: str, length_method: str
) -> Iterator[Mutation]:
    from contracttest.validate.rules.lengths import count

    def fits_rest(s: str) -> bool:
        # everything but the length is still fine: the only violation is the length
        return all(p.test(s) for p in (gen.pattern, *gen.extra_patterns) if p is not None)

    for label, text in length_probes(gen):
        server = count(text, length_method)  # type: ignore[arg-type]
        over = gen.max_length is not None and server > gen.max_length
        under = server < gen.min_length
        if not (over or under) or not fits_rest(text):
            continue
        keyword = "maxLength" if over else "minLength"
        limit = gen.max_length if over else gen.min_length
        schema_broken = len(text) > limit if over else len(text) < limit  # type: ignore[operator]
        rule = f"schema.{keyword}" if schema_broken else f"length.{keyword}"
        yield Mutation(rule, pointer, text, label)
    if gen.format in CHECKED_FORMATS:
        bad = CHECKED_FORMATS[gen.format]
        if _within(gen, bad) and fits_rest(bad):
            yield Mutation("schema.format", pointer, bad, f"not a {gen.format}")
    if gen.pattern is not None:
        bad_text = pattern_breaker(gen)
        if bad_text is not None:
            yield Mutation("schema.pattern", pointer, bad_text, "does not match the pattern")


def length_probes(gen: StringGen) -> list[tuple[str, str]]:
    """Strings around the limits: one past each, and the counting-sensitive ones."""
    out: list[tuple[str, str]] = []
    fill = _fill_char(gen)
    if gen.max_length is not None and gen.max_length <= MAX_PROBED_LENGTH:
        n = gen.max_length
        out.append((f"{n + 1} characters", _build(gen, n + 1, fill)))
        # within the limit for validator.js, past it in code points and UTF-16 units
        out.append((f"{n} characters and a variation selector", fill * n + "\ufe0f"))
        # within the limit in code points and for validator.js, past it in UTF-16 units
        if n >= 1:
            out.append((f"{n - 1} characters and an emoji", fill * (n - 1) + "\U0001f600"))
    if 0 < gen.min_length <= MAX_PROBED_LENGTH:
        n = gen.min_length
        out.append((f"{n - 1} characters", _build(gen, n - 1, fill)))
        # at the limit in code points, one short for validator.js
        out.append((f"{n - 1} characters and a variation selector", fill * (n - 1) + "\ufe0f"))
    return out


def _fill_char(gen: StringGen) -> str:
    if gen.plan is not None:
        one = gen.plan.build_len(1)
        if one:
            return one
    return "a"


def _build(gen: StringGen, n: int, fill: str) -> str:
    if gen.plan is not None:
        from contracttest.generate.strings import pattern_strings

        wider = pattern_strings(gen.plan.pattern, n, n)
        built = wider.build_len(n)
        if built is not None:
            return built
    return fill * n


def _within(gen: StringGen, text: str) -> bool:
    return gen.min_length <= len(text) and (gen.max_length is None or len(text) <= gen.max_length)


def pattern_breaker(gen: StringGen) -> str | None:
    """A string within the length limits that the pattern rejects."""
    assert gen.pattern is not None
    lo = gen.min_length
    hi = gen.max_length if gen.max_length is not None else max(lo, 8)
    for n in sorted({max(lo, 1), lo, min(hi, max(lo, 3)), hi}):
        if n < lo or n > hi:
            continue
        for ch in ("!", " ", "#", "~", "a", "0", "Z"):
            text = ch * n
            if not gen.pattern.test(text):
                return text
    return None


def number_mutations(gen: NumberGen, pointer: str) -> Iterator[Mutation]:
    if gen.minimum is not None:
        below = gen.minimum if gen.exclusive_minimum else gen.minimum - 1
        rule = "schema.exclusiveMinimum" if gen.exclusive_minimum else "schema.minimum"
        yield Mutation(rule, pointer, number_or_none(below), f"{below}, below the minimum")
    if gen.maximum is not None:
        above = gen.maximum if gen.exclusive_maximum else gen.maximum + 1
        rule = "schema.exclusiveMaximum" if gen.exclusive_maximum else "schema.maximum"
        yield Mutation(rule, pointer, number_or_none(above), f"{above}, above the maximum")
    if gen.multiple_of is not None:
        base = gen.minimum if gen.minimum is not None else 0
        candidate = base + gen.multiple_of / 2
        if (gen.maximum is None or candidate < gen.maximum) and candidate > base:
            yield Mutation(
                "schema.multipleOf", pointer, number_or_none(candidate), "not a multiple"
            )
    if gen.integer:
        rng_lo = gen.minimum if gen.minimum is not None else 0
        half = rng_lo + 0.5
        if gen.maximum is None or half < gen.maximum:
            yield Mutation("schema.type", pointer, half, "a fraction")


def number_or_none(v: float) -> int | float:
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


def array_mutations(gen: ArrayGen, value: list[Any], pointer: str) -> Iterator[Mutation]:
    if gen.max_items is not None and value:
        extra = value + [value[-1]] * (gen.max_items + 1 - len(value))
        if not gen.unique:
            yield Mutation("schema.maxItems", pointer, extra, f"{gen.max_items + 1} items")
    if gen.min_items > 0 and len(value) >= gen.min_items:
        yield Mutation("schema.minItems", pointer, value[: gen.min_items - 1], "one item short")
    if gen.unique and value and (gen.max_items is None or len(value) < gen.max_items):
        yield Mutation("schema.uniqueItems", pointer, [*value, value[0]], "a duplicate item")


# ---------------------------------------------------------------------------- semantic rules
def semantic_mutations(
    table: RuleTable, component: str, name: str, parent: dict[str, Any], gen: Gen, pointer: str
) -> Iterator[Mutation]:
    """Mutations that break the rule table's rules on property ``name`` (ERROR entries only)."""
    from contracttest.findings import Severity
    from contracttest.validate.rules import get_rule

    for entry in table.entries_for(component, name):
        severity = entry.severity if entry.severity is not None else get_rule(entry.rule).severity
        if severity < Severity.ERROR or not entry.applies(parent):
            continue
        value = parent.get(name)
        if entry.rule == "phone.e164":
            for what, bad in E164_BREAKERS:
                if _fits_string(gen, bad):
                    yield Mutation("phone.e164", pointer, bad, f"E.164 with {what}", True)
        elif entry.rule == "phone.alphanumeric":
            for what, bad in ALPHANUMERIC_BREAKERS:
                if _fits_string(gen, bad):
                    yield Mutation("phone.alphanumeric", pointer, bad, f"number with {what}", True)
        elif entry.rule.startswith("hooks.") and isinstance(value, list):
            yield from hook_mutations(entry.rule, value, pointer)


def _fits_string(gen: Gen, text: str) -> bool:
    while isinstance(gen, (FilterGen, RuleGen)) and gen.inner is not None:
        gen = gen.inner
    if isinstance(gen, StringGen):
        return _within(gen, text)
    return json_type(text) in gen.kinds()


def hook_mutations(rule: str, hooks: list[Any], pointer: str) -> Iterator[Mutation]:
    from contracttest.validate.rules.hooks import ENDING, MAX_PREFIXES, RINGING

    for i, hook in enumerate(hooks):
        if not isinstance(hook, dict):
            continue
        hp = _pointer.join(pointer, i)
        on = hook.get("on")
        if rule == "hooks.do.shape" and isinstance(hook.get("do"), list) and on == RINGING:
            first = hook["do"][0] if hook["do"] else {}
            yield Mutation(rule, _pointer.join(hp, "do"), first, "ringing do as one object", True)
        if rule == "hooks.do.shape" and isinstance(hook.get("do"), dict) and on == ENDING:
            yield Mutation(
                rule, _pointer.join(hp, "do"), [hook["do"]], "ending do as an array", True
            )
        if (
            rule == "hooks.on"
            and on in (RINGING, ENDING)
            and "do" in hook
            and not hook.get("filters")
        ):
            # the wrong event on a hook whose do says which it is (filters would contradict it too)
            other = ENDING if on == RINGING else RINGING
            yield Mutation(
                rule, _pointer.join(hp, "on"), other, f"on {other!r} on the wrong shape", True
            )
        for j, item in enumerate(hook.get("filters") or []):
            if not isinstance(item, dict):
                continue
            fp = _pointer.join(hp, "filters", j)
            prefixes = item.get("startsWith")
            if on == RINGING and isinstance(prefixes, list) and prefixes:
                sp = _pointer.join(fp, "startsWith")
                if rule == "hooks.filter.prefix":
                    for what, bad in (
                        ("with '+'", "+" + prefixes[0].lstrip("+")),
                        ("letters", "12a"),
                        ("empty", ""),
                    ):
                        yield Mutation(rule, _pointer.join(sp, 0), bad, f"prefix {what}", True)
                if rule == "hooks.filter.count":
                    many = [*prefixes, *([prefixes[0]] * (MAX_PREFIXES + 1 - len(prefixes)))]
                    yield Mutation(rule, sp, many, f"{MAX_PREFIXES + 1} prefixes", True)
            reasons = item.get("oneOf")
            if (
                on == ENDING
                and isinstance(reasons, list)
                and reasons
                and rule == "hooks.filter.reason"
            ):
                op = _pointer.join(fp, "oneOf", 0)
                yield Mutation(
                    rule, op, "customer-ended-call", "an ended reason outside the six", True
                )


def breakable(gen: Gen, depth: int = 0) -> bool:
    """Whether some value of the plan ``gen`` has a mutation at all (False: every value that
    could be built from it passes, e.g. an object of untyped, optional, open members).

    Conservative towards True: False is a promise, True means "worth drawing".
    """
    while isinstance(gen, (FilterGen, RuleGen)) and gen.inner is not None:
        if isinstance(gen, RuleGen):
            return True  # a semantic rule (E.164, lengths as the server counts) can be broken
        gen = gen.inner
    if isinstance(gen, ObjectGen) and gen.rules:
        return True
    if depth > 40:
        return True
    if declares_type(gen) and (not isinstance(gen, AnyGen) or set(gen.types) != set(JSON_TYPES)):
        return True
    if isinstance(gen, ConstGen):
        return outside_enum(gen) is not None
    if isinstance(gen, UnionGen):
        # as `_Walk.sites`: a plain union's branch is broken inside only where it is told apart
        return _every_branch_untyped_object(gen) or any(
            breakable(b, depth + 1) for b in gen.branches if _pins(gen, b) is not None
        )
    if isinstance(gen, ObjectGen):
        subs = [*gen.properties.values(), *([gen.additional] if gen.additional else [])]
        return (
            bool(gen.required)
            or (gen.closed and not gen.free_form)
            or any(breakable(sub, depth + 1) for sub in subs)
        )
    if isinstance(gen, ArrayGen):
        subs = [*gen.prefix, *([gen.items] if gen.items is not None else [])]
        return (
            gen.min_items > 0
            or gen.max_items is not None
            or gen.unique
            or any(breakable(sub, depth + 1) for sub in subs)
        )
    return not isinstance(gen, AnyGen)


# ------------------------------------------------------------------------------------- entry
def mutations(
    gen: Gen,
    value: Any,
    *,
    table: RuleTable | None = None,
    length_method: str = "codepoints",
    rules: Sequence[str] | None = None,
    at: str | None = None,
) -> list[Mutation]:
    """Every mutation of ``value`` that its plan allows.

    Args:
        gen: the plan ``value`` was generated from.
        value: a valid value.
        table: the spec's rule table (for the semantic rules' mutations).
        length_method: how the validator counts string lengths.
        rules: only mutations of these rule ids (globs such as ``phone.*``).
        at: only mutations at or under this JSON pointer.
    """
    found = list(_Walk(table, length_method, at or None).sites(gen, value, ""))
    if rules:
        found = [m for m in found if any(fnmatch.fnmatchcase(m.rule, r) for r in rules)]
    seen: set[tuple[str, str, str]] = set()
    out = []
    for m in found:
        key = (m.rule, m.pointer, repr(m.value))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
