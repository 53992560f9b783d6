"""Coverage units of one request part: every place a constraint applies, every rule there, every way
of breaking it, and the valid edges of each place, enumerated deterministically (no Hypothesis).

A *place* is a node of the generator's plan reached from the request's root: through ``$ref``s,
array items and every branch of every union (`sites`). For each place a valid payload that reaches
it is built (`reach`: the simplest value everywhere else, the branch and member the path asks for),
and the generators' labelled mutations at that place (`contracttest.generate.negative.mutations`)
become units, plus two ways the generators leave to the runner: ``null`` where the schema does not
allow it, and a discriminated payload whose tag is swapped to another variant's. Semantic rules
whose ``when`` depends on a sibling get a payload where the condition holds (the alphanumeric
number needs ``numberE164CheckEnabled: false``). Each unit keeps the one payload that breaks only it
(re-validated: the validator must report exactly its label), or why there is none.

A unit's identity is (operation, part, top-level variant, place, rule, way), where the place is the
schema node the constraint is written at: a component reached through several chains of unions
(``TransferDestinationNumber.number`` as the fallback destination and inside a hook's transfer) is
one place per top-level variant, shown at the first location that reaches it (the JSON pointer with
array items as ``*``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.findings import Finding, Severity
from contracttest.runner.case import CoverageUnit, UnitKind, Violation
from contracttest.runner.generation import violation_of
from contracttest.runner.http import URL_TEXT_LIMIT

if TYPE_CHECKING:
    from contracttest.generate._gen import Gen, UnionGen

__all__ = [
    "MAX_SITES",
    "Enumeration",
    "Planned",
    "Site",
    "reach",
    "sites",
]

MAX_SITES = 3000
"""Places enumerated per request part at most (the full Vapi spec's call bodies have tens of
thousands); the places left out are counted, never silently dropped."""
MAX_DEPTH = 40
OWN_RULES = frozenset({"schema.required", "discriminator.missing", "schema.additionalProperties"})


@dataclass(frozen=True)
class Planned:
    """A unit and the payload that exercises it (or why there is none)."""

    unit: CoverageUnit
    payload: Any = None
    """The whole part to send (a body, or ``{"path": .., "query": .., "header": ..}``)."""
    violation: Violation | None = None
    reason: str | None = None
    """Why the unit cannot be exercised (no payload reaches it, no payload breaks only it)."""


@dataclass(frozen=True)
class Site:
    """A place of the plan: how to reach it and where it sits."""

    steps: tuple[tuple[str, Any], ...]
    """``("p", name)`` a member, ``("i", 0)`` the first array item, ``("b", i)`` a union branch."""
    pointer: str
    pattern: str
    gen: Gen
    """The node as the schema states it (before semantic narrowing)."""
    again: bool = False
    """The schema node was reached before in this variant, through another path: this path only
    needs a probe that the server validates what sits there at all (a nested object a server
    forgets to validate on one of its paths)."""


# ------------------------------------------------------------------------------------ places
def _schema_view(gen: Gen) -> Gen:
    from contracttest.generate._gen import FilterGen, RuleGen

    while isinstance(gen, (FilterGen, RuleGen)) and gen.inner is not None:
        gen = gen.inner
    return gen


def sites(root: Gen, limit: int = MAX_SITES) -> tuple[list[Site], int]:
    """Every place of ``root``'s plan (depth first, members in schema order), and how many more
    there were beyond ``limit``. A schema node reached again within the same top-level variant,
    through another path (another chain of unions: a destination as the fallback and inside a
    hook's transfer), is the same place; the new path is kept as a place of its own only to probe
    that the server validates there at all (``again``), and is not walked further."""
    from contracttest.generate._gen import ArrayGen, ObjectGen, UnionGen

    out: list[Site] = []
    seen: set[tuple[str, int]] = set()
    paths: set[tuple[str, str, int]] = set()
    left_out = 0

    def visit(gen: Gen, steps: tuple[tuple[str, Any], ...], pointer: str, pattern: str) -> None:
        nonlocal left_out
        node = _schema_view(gen)
        variant = _variant_index(steps)
        key = (node.pointer, variant)
        again = key in seen
        if again and (pattern, node.pointer, variant) in paths:
            return
        seen.add(key)
        paths.add((pattern, node.pointer, variant))
        if len(out) >= limit:
            left_out += 1
            return
        out.append(Site(steps, pointer, pattern, node, again))
        if again:
            return
        if len(steps) > MAX_DEPTH:
            return
        if isinstance(node, ObjectGen):
            for name, sub in node.properties.items():
                enc = _pointer.escape(name)
                visit(sub, (*steps, ("p", name)), f"{pointer}/{enc}", f"{pattern}/{enc}")
        elif isinstance(node, ArrayGen) and node.items is not None and not node.empty_only:
            visit(node.items, (*steps, ("i", 0)), f"{pointer}/0", f"{pattern}/*")
        elif isinstance(node, UnionGen):
            for i, branch in enumerate(node.branches):
                visit(branch, (*steps, ("b", i)), pointer, pattern)

    visit(root, (), "", "")
    return out, left_out


def _variant_index(steps: tuple[tuple[str, Any], ...]) -> int:
    """The top-level union branch a path goes through (-1 when it has not chosen one)."""
    return int(steps[0][1]) if steps and steps[0][0] == "b" else -1


# --------------------------------------------------------------------------------- reaching
class _NoLeaf:
    def __repr__(self) -> str:
        return "NO_LEAF"

    def __reduce__(self) -> str:
        return "NO_LEAF"  # copies are the sentinel itself: `is NO_LEAF` holds


NO_LEAF: Any = _NoLeaf()


def reach(gen: Gen, steps: tuple[tuple[str, Any], ...], leaf: Any = NO_LEAF) -> Any:
    """A valid-looking value of ``gen`` that has the member, item and branch ``steps`` name: the
    simplest value everywhere else (`contracttest.generate.boundary.minimal`), and ``leaf`` (or
    the node's simplest value) at the end. `contracttest.generate.boundary.NO_VALUE` when the plan
    has no such value. The validator has the last word."""
    from contracttest.generate._gen import ArrayGen, FilterGen, ObjectGen, RuleGen, UnionGen
    from contracttest.generate.boundary import NO_VALUE, minimal

    if not steps:
        return copy.deepcopy(leaf) if leaf is not NO_LEAF else minimal(gen)
    if isinstance(gen, RuleGen):
        # the narrowed plan (valid values) has the schema's members, branches and items
        target = gen.valid if gen.valid is not None else gen.inner
        return NO_VALUE if target is None else reach(target, steps, leaf)
    if isinstance(gen, FilterGen):
        assert gen.inner is not None
        value = reach(gen.inner, steps, leaf)
        return value if value is NO_VALUE or gen.check is None or gen.check(value) else NO_VALUE
    kind, arg = steps[0]
    rest = steps[1:]
    if kind == "b" and isinstance(gen, UnionGen):
        if not 0 <= arg < len(gen.branches):
            return NO_VALUE
        value = reach(gen.branches[arg], rest, leaf)
        if value is NO_VALUE:
            return NO_VALUE
        value = _tagged(gen, arg, value)
        alone = gen.exclusive[arg] if gen.exclusive else None
        return value if alone is None or alone(value) else NO_VALUE
    if kind == "p" and isinstance(gen, ObjectGen):
        sub = gen.properties.get(arg)
        if sub is None:
            return NO_VALUE
        base = minimal(gen)
        if base is NO_VALUE or not isinstance(base, dict):
            base = {}
            for name in gen.required:
                if name == arg:
                    continue
                v = minimal(gen.properties[name])
                if v is NO_VALUE:
                    return NO_VALUE
                base[name] = v
        value = reach(sub, rest, leaf)
        if value is NO_VALUE:
            return NO_VALUE
        out = {**base, arg: value}
        if not rest and leaf is NO_LEAF:
            # the member's own semantic rule picks its simplest valid value (an E.164 number)
            for rule in gen.rules:
                fix = getattr(rule, "minimal", None)
                if getattr(rule, "name", None) == arg and fix is not None and not fix(out):
                    return NO_VALUE
        return out
    if kind == "i" and isinstance(gen, ArrayGen):
        item_gen = gen.prefix[0] if gen.prefix else gen.items
        if item_gen is None:
            return NO_VALUE
        first = reach(item_gen, rest, leaf)
        if first is NO_VALUE:
            return NO_VALUE
        items = [first]
        while len(items) < gen.min_items:
            extra = minimal(gen.items) if gen.items is not None else None
            if extra is NO_VALUE or (gen.unique and extra in items):
                return NO_VALUE
            items.append(extra)
        return items
    return NO_VALUE


def _tagged(gen: UnionGen, index: int, value: Any) -> Any:
    """A variant's value with its tag written out (an optional tag says which variant it is)."""
    prop = gen.discriminator
    if prop is None or not isinstance(value, dict) or prop in value:
        return value
    return {prop: gen.tags[index], **value}


def pointer_tail(pointer: str, token: str) -> str:
    return token


def pattern_of(pointer: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/*", pointer)


# ---------------------------------------------------------------------------- enumerating
class Enumeration:
    """The coverage units of one part (one target) of an operation.

    Built eagerly and cheaply: places, the payloads that reach them, the mutations there, the valid
    edges (a validity verdict each, on the fast path). A negative unit is confirmed (the mutated
    payload validated in detail: it must break exactly the unit) only when `plan` asks for it, so a
    run that exercises part of a huge spec's units pays only for those.
    """

    MAX_CANDIDATES = 3

    def __init__(
        self,
        operation: str,
        part: str,
        root: Gen,
        validator: Any,
        table: Any,
        *,
        split: Callable[[str], tuple[str, str]] | None = None,
        wire: Callable[[Any], list[Finding]] | None = None,
        blames_spec: Callable[[Finding], bool] | None = None,
        max_sites: int = MAX_SITES,
    ) -> None:
        self.operation = operation
        self.part = part
        self.root = root
        self.validator = validator
        self.table = table
        self.method: str = validator.length_method
        self.split = split
        """Parameters: a pointer -> (part, pointer within it) (``/query/limit`` -> query, /limit)."""
        self.wire = wire
        """Parameters: what the server reads back from the wire form of a payload."""
        self.blames_spec = blames_spec or (lambda f: False)
        self.units: list[CoverageUnit] = []
        self.left_out = 0
        self._candidates: dict[tuple[str, ...], list[tuple[Any, Any]]] = {}
        self._reasons: dict[tuple[str, ...], str] = {}
        self._planned: dict[tuple[str, ...], Planned] = {}
        self._verdicts: dict[str, bool] = {}
        self._walk(max_sites)
        if self.wire is not None:
            # parameters: a mutation the wire erases is no unit at all, so confirm them now
            self.units = [u for u in self.units if self.plan(u) is not None]

    # -- the public side -------------------------------------------------------------------
    def plan(self, unit: CoverageUnit) -> Planned | None:
        """The payload that exercises ``unit`` (or why there is none); None when the unit turns
        out not to exist on the wire (parameters only)."""
        key = unit.key
        if key in self._planned:
            return self._planned[key]
        got: Planned | None
        reason = self._reasons.get(key)
        candidates = self._candidates.get(key, [])
        if unit.kind == "edge":
            got = Planned(unit, candidates[0][0]) if candidates else Planned(unit, reason=reason)
        elif reason is not None and not candidates:
            got = Planned(unit, reason=reason)
        else:
            got = None
            for base, mutation in candidates:
                confirmed = self._confirm(unit, base, mutation)
                if confirmed is None:
                    self._planned[key] = None  # type: ignore[assignment]
                    return None
                if confirmed.reason is None:
                    got = confirmed
                    break
                got = got or confirmed
            if got is None:
                got = Planned(unit, reason=reason or "no payload reaches this place")
        self._planned[key] = got
        return got

    def planned(self) -> list[Planned]:
        """Every unit planned now (confirmed), in order; those the wire erases left out."""
        return [p for u in self.units if (p := self.plan(u)) is not None]

    # -- helpers -----------------------------------------------------------------------------
    def variant_of(self, value: Any) -> str:
        from contracttest.generate._gen import UnionGen
        from contracttest.generate.coverage import branch_label
        from contracttest.generate.negative import pick_branch

        root = _schema_view(self.root)
        if not isinstance(root, UnionGen) or root.discriminator is None:
            return ""
        branch, prop = pick_branch(root, value)
        if branch is None:
            return ""
        index = next(i for i, b in enumerate(root.branches) if b is branch)
        return f"{prop}={branch_label(root, index)}"

    def unit(
        self, variant: str, pointer: str, rule: str, way: str, kind: UnitKind, schema: str
    ) -> CoverageUnit:
        part, within = self.split(pointer) if self.split else (self.part, pointer)
        return CoverageUnit(
            self.operation, part, variant, pattern_of(within), rule, way, kind, schema
        )

    def schema_at(self, value: Any, pointer: str) -> str:
        """The spec pointer of the schema node at ``pointer`` of ``value`` (following the union
        branch ``value`` takes); an undeclared member is its object's ``additionalProperties``."""
        from contracttest.generate._gen import ArrayGen, ObjectGen, UnionGen
        from contracttest.generate.negative import pick_branch

        node: Gen = _schema_view(self.root)
        here = value
        for tok in _pointer.parts(pointer):
            while isinstance(node, UnionGen):
                branch, _prop = pick_branch(node, here)
                if branch is None:
                    return f"{node.pointer}/{tok}"
                node = _schema_view(branch)
            if isinstance(node, ObjectGen):
                sub = node.properties.get(tok)
                if sub is None:
                    return f"{node.pointer}/additionalProperties"
                node = _schema_view(sub)
                here = here.get(tok) if isinstance(here, dict) else None
            elif isinstance(node, ArrayGen) and node.items is not None:
                node = _schema_view(node.items)
                here = (
                    here[int(tok)]
                    if isinstance(here, list) and tok.isdigit() and int(tok) < len(here)
                    else None
                )
            else:
                return f"{node.pointer}/{tok}"
        return node.pointer

    def is_valid(self, value: Any) -> bool:
        text = repr(value)
        got = self._verdicts.get(text)
        if got is None:
            got = self._verdicts[text] = bool(self.validator.is_valid(value))
        return got

    def errors(self, value: Any) -> list[Finding]:
        return [f for f in self.validator.findings(value) if f.severity >= Severity.ERROR]

    def _add(
        self, unit: CoverageUnit, candidate: tuple[Any, Any] | None, reason: str | None
    ) -> None:
        key = unit.key
        if key not in self._candidates and key not in self._reasons:
            self.units.append(unit)
        wire_text = _text_length(candidate[0]) if candidate and self.wire else 0
        if wire_text > URL_TEXT_LIMIT:
            # a parameter this long does not fit in a URL a server reads
            candidate = None
            reason = (
                reason or f"a parameter longer than a URL carries ({URL_TEXT_LIMIT} characters)"
            )
        if candidate is not None:
            got = self._candidates.setdefault(key, [])
            if len(got) < self.MAX_CANDIDATES:
                got.append(candidate)
        elif reason is not None:
            self._reasons.setdefault(key, reason)

    # -- the walk ------------------------------------------------------------------------------
    def _walk(self, max_sites: int) -> None:
        from contracttest.generate.boundary import NO_VALUE

        places, self.left_out = sites(self.root, max_sites)
        for site in places:
            base = reach(self.root, site.steps)
            if base is NO_VALUE:
                continue
            if site.again:
                self.probe(site, base)
                continue
            for value in (base, *self.condition_bases(site, base)):
                self.negatives(site, value)
            self.edges(site)

    def probe(self, site: Site, base: Any) -> None:
        """One unit on a path that reaches an already enumerated schema node again: a required
        member left out (else the first way the node itself breaks), at this path."""
        from contracttest.generate._gen import UnionGen
        from contracttest.generate.negative import mutations

        if isinstance(site.gen, UnionGen):
            return  # its branches are places of their own (reached again, or not)
        found = mutations(
            self.root, base, table=self.table, length_method=self.method, at=site.pointer or None
        )
        own = [
            m
            for m in found
            if m.rule == "schema.required" and m.pointer.rsplit("/", 1)[0] == site.pointer
        ]
        local = [m for m in found if m.pointer == site.pointer and not m.semantic]
        chosen = (own or local)[:1]
        if not chosen or (self.split is not None and not self.wireable(chosen[0])):
            return
        m = chosen[0]
        variant = self.variant_of(base)
        place = f"{site.gen.pointer} at {site.pattern or '/'}"
        unit = self.unit(variant, m.pointer, m.rule, m.what or m.rule, "negative", place)
        if self.is_valid(base):
            self._add(unit, (base, m), None)
        else:
            self._add(unit, None, "no valid payload reaches this place")

    def condition_bases(self, site: Site, base: Any) -> Iterator[Any]:
        """``base`` with a sibling set so that each conditional semantic rule of the place holds
        (``numberE164CheckEnabled: false`` for the alphanumeric rule)."""
        from contracttest.generate._gen import ObjectGen

        if self.table is None or not site.steps or site.steps[-1][0] != "p":
            return
        parent = self._parent_site_gen(site)
        if not isinstance(parent, ObjectGen) or parent.component is None:
            return
        name = site.steps[-1][1]
        parent_pointer = site.pointer.rsplit("/", 1)[0]
        for entry in self.table.entries_for(parent.component, name):
            cond = entry.when
            if cond is None:
                continue
            for wanted in _satisfying(cond):
                value = copy.deepcopy(base)
                holder = _pointer.resolve(value, parent_pointer, None)
                if not isinstance(holder, dict):
                    continue
                if wanted is _ABSENT:
                    holder.pop(cond.property, None)
                else:
                    holder[cond.property] = wanted
                if entry.applies(holder):
                    yield value

    def _parent_site_gen(self, site: Site) -> Gen | None:
        from contracttest.generate._gen import ArrayGen, ObjectGen, UnionGen

        node: Gen | None = _schema_view(self.root)
        for kind, arg in site.steps[:-1]:
            if node is None:
                return None
            if kind == "p" and isinstance(node, ObjectGen):
                node = node.properties.get(arg)
            elif kind == "i" and isinstance(node, ArrayGen):
                node = node.items
            elif kind == "b" and isinstance(node, UnionGen):
                node = node.branches[arg]
            else:
                return None
            node = _schema_view(node) if node is not None else None
        return node

    def negatives(self, site: Site, base: Any) -> None:
        from contracttest.generate.negative import Mutation, mutations

        variant = self.variant_of(base)
        valid = self.is_valid(base)
        found: list[Mutation] = mutations(
            self.root, base, table=self.table, length_method=self.method, at=site.pointer or None
        )
        found += list(self.runner_ways(site, base, found))
        for m in found:
            if self.split is not None and not self.wireable(m):
                continue
            schema = self.schema_at(base, m.pointer)
            unit = self.unit(variant, m.pointer, m.rule, m.what or m.rule, "negative", schema)
            if valid:
                self._add(unit, (base, m), None)
            else:
                self._add(unit, None, "no valid payload reaches this place")

    def _confirm(self, unit: CoverageUnit, base: Any, m: Any) -> Planned | None:
        """The planned case of mutation ``m`` of ``base``: the validator must report exactly its
        label (for the runner's own ways: only findings at that place). None when the mutation
        cannot exist on the wire (a parameter value that reads back as a valid one)."""
        from contracttest.generate.negative import accepts, apply

        bad = apply(base, m)
        errors = self.errors(bad)
        if any(self.blames_spec(f) for f in errors):
            return Planned(unit, reason="the spec contradicts itself here")
        if m.rule in _RUNNER_RULES:
            ok = bool(errors) and all(_within(f.pointer, m.pointer, unit) for f in errors)
            label = errors[0] if errors else None
        else:
            ok = accepts(errors, m.violation, semantic=m.semantic)
            label = next((f for f in errors if f.rule == m.rule and f.pointer == m.pointer), None)
        if not ok or label is None:
            other = ", ".join(sorted({f"{f.rule} at {f.pointer or '/'}" for f in errors})[:3])
            why = (
                f"no payload breaks only this: it also breaks {other}"
                if other
                else "the validator accepts this payload"
            )
            return Planned(unit, reason=why)
        if self.wire is not None:
            wired = self.wire(bad)
            if not wired:
                return None  # the same request as a valid one on the wire: no unit at all
            label = wired[0]
        violation = violation_of(label)
        return Planned(unit, bad, violation)

    def runner_ways(self, site: Site, base: Any, found: list[Any]) -> Iterator[Any]:
        """``null`` where the generators break the type with another value (not on a tag, whose
        wrong values are the union's own), and a swapped discriminator tag."""
        from contracttest.generate._gen import UnionGen
        from contracttest.generate.negative import Mutation

        node = site.gen
        here = _pointer.resolve(base, site.pointer, _ABSENT)
        if here is _ABSENT:
            return
        typed = [m for m in found if m.pointer == site.pointer and m.rule == "schema.type"]
        if typed and all(m.value is not None for m in typed):
            yield Mutation("schema.type", site.pointer, None, "null")
        if isinstance(node, UnionGen) and node.discriminator and isinstance(here, dict):
            prop = node.discriminator
            tag = here.get(prop)
            if tag is None:
                return  # an untagged payload (an optional tag) is of no one variant
            for other in node.tags:
                if other == tag or not isinstance(other, (str, int)):
                    continue
                yield Mutation(
                    "discriminator.swapped",
                    _pointer.join(site.pointer, prop),
                    other,
                    f"{prop} {other!r} on a {tag!r} payload",
                )

    def wireable(self, m: Any) -> bool:
        """Parameter mutations that can exist on the wire: never an extra or missing path
        parameter (the URL would be another one), nor an undeclared query parameter (the
        contract does not say a server must refuse it)."""
        part, _within = self.split(m.pointer) if self.split else (self.part, m.pointer)
        if part == "path" and m.rule in OWN_RULES:
            return False
        if m.rule == "schema.additionalProperties":
            return False
        # the parameter groups themselves (``/query`` as a string) have no wire form
        return bool(m.pointer.count("/") > 1)

    def edges(self, site: Site) -> None:
        """Valid values at the place's limits: every enum value, strings and numbers at each bound
        (as the server counts), empty and maximal arrays. A value that no valid payload can hold
        (a 40-character string where the rule wants an E.164 number) is no edge of the place. An
        edge is a schema node's, whatever the variant: one payload of the first variant that
        reaches it exercises it."""
        from contracttest.generate.boundary import NO_VALUE

        for value, way in self.edge_values(site):
            unit = self.unit("", site.pointer, "edge", way, "edge", site.gen.pointer)
            if unit.key in self._candidates:
                continue
            candidate = reach(self.root, site.steps, value)
            if candidate is NO_VALUE:
                continue
            held = (candidate, *self.condition_bases(site, candidate))
            good = next((c for c in held if self.is_valid(c)), None)
            if good is None:
                continue
            if self.wire is not None and self.wire(good):
                continue  # the value does not survive the wire: no edge of the request
            self._add(unit, (good, None), None)

    def edge_values(self, site: Site) -> Iterator[tuple[Any, str]]:
        from contracttest.generate._gen import ArrayGen, ConstGen, UnionGen
        from contracttest.generate.boundary import NO_VALUE, limit_values, minimal

        node = site.gen
        if isinstance(node, ConstGen):
            for v in node.values:
                yield copy.deepcopy(v), f"enum value {v!r}"
            return
        if isinstance(node, UnionGen):
            return
        yield from limit_values(node, self.method)
        if isinstance(node, ArrayGen) and not node.empty_only and node.min_items == 0:
            yield [], "an empty array"
        if (
            isinstance(node, ArrayGen)
            and node.items is not None
            and node.max_items is None
            and not node.unique
        ):
            item = minimal(node.items)
            if item is not NO_VALUE:
                yield [copy.deepcopy(item) for _ in range(max(node.min_items, 3))], "3 items"


_RUNNER_RULES = frozenset({"discriminator.swapped"})


def _text_length(value: Any) -> int:
    """The length of the longest string in a value."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((_text_length(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_text_length(v) for v in value), default=0)
    return 0


def _within(pointer: str, place: str, unit: CoverageUnit) -> bool:
    """A finding of a runner way is about its place (or, for a swapped tag, its object)."""
    holder = place.rsplit("/", 1)[0] if unit.rule == "discriminator.swapped" else place
    return pointer == holder or pointer.startswith(holder + "/") or holder == ""


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


_ABSENT: Any = _Absent()


def _satisfying(cond: Any) -> list[Any]:
    """Values of ``cond.property`` that may make the condition hold (`_ABSENT`: leave it out,
    so its default stands); the caller keeps those that do."""
    out: list[Any] = []
    if cond.equals is not _pointer.MISSING:
        out.append(cond.equals)
    if cond.not_equals is not _pointer.MISSING:
        if isinstance(cond.not_equals, bool):
            out.append(not cond.not_equals)
        out.append(_ABSENT)
    return out
