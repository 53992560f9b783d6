"""Translated JSON Schema -> generator plan (`contracttest.generate._gen`).

The compiler walks a target's standalone schema keyword by keyword (a *property* called ``oneOf`` is
a property). Design points:

* ``$ref``s point into the bundle's ``definitions`` and are compiled once per (definition, depth).
  Depth counts only *recursive* edges, those that stay inside one strongly connected component of the
  reference graph; past ``max_depth`` such a ref is `Impossible` with ``cut=True``, so optional
  recursive properties are left out, arrays of them stay empty and unions take a non-recursive
  branch. A target whose every value needs deeper recursion is retried with a larger bound.
* ``allOf`` is merged keyword by keyword into one node (types intersected, bounds tightened,
  properties and ``required`` united, closed objects intersected); what cannot be merged exactly is
  kept as a check on the result.
* Parent keywords next to a ``oneOf``/``anyOf`` are merged into every branch. Discriminated unions
  (``x-discriminator``) keep one branch per tag; a plain ``oneOf`` whose branches can overlap gets,
  per branch, a check that the value matches no other branch.
* Unsatisfiable nodes (a string enum under ``type: object``, ``minLength > maxLength``, a pattern
  with no match of an allowed length...) become `Impossible` with the reason; optional ones are left
  out and recorded as `Note`s, required ones make their parent impossible.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
from contracttest.errors import PatternError
from contracttest.generate._check import Checker
from contracttest.generate._gen import (
    JSON_TYPES,
    AnyGen,
    ArrayGen,
    BoolGen,
    ConstGen,
    FilterGen,
    Gen,
    Impossible,
    Note,
    NullGen,
    NumberGen,
    ObjectGen,
    StringGen,
    UnionGen,
    type_matches,
)
from contracttest.generate.merge import ANNOTATIONS, merge
from contracttest.generate.relations import (
    ECMA_PATTERN,
    json_equal,
    may_overlap,
    number_or_none,
    separate,
    simple_ok,
    subsumes,
)
from contracttest.openapi.convert import NULL_DISPUTED

if TYPE_CHECKING:
    from contracttest.openapi.model import Spec, Target

__all__ = ["Compiler", "Options", "Plan"]

OBJECT_KEYWORDS = frozenset(
    {
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
    }
)
ARRAY_KEYWORDS = frozenset(
    {"items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains", "prefixItems"}
)
STRING_KEYWORDS = frozenset({"minLength", "maxLength", "pattern", "format", ECMA_PATTERN})
NUMBER_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)
INT_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
SIMPLE_KEYWORDS = frozenset({"type", *STRING_KEYWORDS, *NUMBER_KEYWORDS, "x-spec-pointer"})


@dataclass(frozen=True)
class Options:
    """How plans are made.

    Attributes:
        max_depth: how many times a recursive reference may be followed along one path.
        max_extra_items: how many items random arrays get beyond ``minItems``.
    """

    max_depth: int = 2
    max_extra_items: int = 3

    def __post_init__(self) -> None:
        from contracttest.errors import UsageError

        if not isinstance(self.max_depth, int) or self.max_depth < 0:
            raise UsageError(f"max_depth must be an integer >= 0, got {self.max_depth!r}")
        if not isinstance(self.max_extra_items, int) or self.max_extra_items < 0:
            raise UsageError(
                f"max_extra_items must be an integer >= 0, got {self.max_extra_items!r}"
            )


@dataclass(frozen=True)
class Plan:
    """The plan of one target: its root, or why it has none."""

    target: str
    root: Gen | Impossible
    depth: int
    """The recursion bound the plan was made with (larger than asked when the target needs it)."""

    @property
    def satisfiable(self) -> bool:
        return isinstance(self.root, Gen)

    @property
    def notes(self) -> frozenset[Note]:
        return self.root.notes if isinstance(self.root, Gen) else frozenset()

    @property
    def status(self) -> str:
        """``full``, ``partial`` (some optional part left out) or ``unsatisfiable``."""
        if not isinstance(self.root, Gen):
            return "unsatisfiable"
        return "partial" if any(n.kind == "left-out" for n in self.root.notes) else "full"


@dataclass(frozen=True)
class _Ctx:
    owner: str | None
    """Definition key whose content the node is in (None: the target's own root)."""
    depth: int
    pointer: str

    def child(self, *tokens: str | int) -> _Ctx:
        return replace(self, pointer=_pointer.join(self.pointer, *tokens))


def _constraining(schema: dict[str, Any]) -> bool:
    return any(
        k not in ANNOTATIONS and (not k.startswith("x-") or k == ECMA_PATTERN) for k in schema
    )


def _strip(schema: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in drop}


class Compiler:
    """Plans for every target of one spec in one direction (shared across targets)."""

    def __init__(
        self,
        spec: Spec,
        direction: str = "request",
        closed: bool | None = None,
        options: Options | None = None,
        semantic: Any = None,
    ) -> None:
        self.spec = spec
        self.direction = direction
        self.closed = (direction == "request") if closed is None else closed
        self.options = options or Options()
        self.semantic = semantic
        self.defs: dict[str, Any] = {}
        self.checker = Checker(self.defs, draft2020=spec.dialect == "3.1")
        self._memo: dict[tuple[str, int, int], Gen | Impossible] = {}
        self._scc: dict[str, frozenset[str]] = {}
        self._plans: dict[str, Plan] = {}
        self._bound = self.options.max_depth
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ public
    def plan(self, target: Target) -> Plan:
        """The plan for ``target`` (cached)."""
        with self._lock:
            got = self._plans.get(target.key)
            if got is None:
                got = self._plans[target.key] = self._plan(target)
            return got

    def _plan(self, target: Target) -> Plan:
        schema = target.schema(self.closed)
        for key, value in schema.get("definitions", {}).items():
            self.defs.setdefault(key, value)
        root_key: str | None = None
        if target.kind == "dto":
            name = _pointer.parts(target.pointer)[-1]
            root_key = self.spec.translator.component_key(name)
            if root_key not in self.defs:
                self.defs[root_key] = self.spec.translator.definition(
                    root_key, target.direction, self.closed
                ).schema
        root = {k: v for k, v in schema.items() if k not in ("definitions", "$schema")}
        bound = self.options.max_depth
        while True:
            self._bound = bound
            ctx = _Ctx(None, 0, schema.get("x-spec-pointer", target.pointer))
            gen = self._def(root_key, 0) if root_key else self.node(root, ctx)
            if not (isinstance(gen, Impossible) and gen.cut) or bound >= self.options.max_depth + 6:
                break
            bound += 1
        if isinstance(gen, Impossible) and gen.cut:
            gen = Impossible(gen.pointer, f"no finite value: {gen.reason}")
        self._bound = self.options.max_depth
        return Plan(target.key, gen, bound)

    # ------------------------------------------------------------------ refs and recursion
    def _scc_of(self, key: str) -> frozenset[str]:
        got = self._scc.get(key)
        if got is not None:
            return got
        self._tarjan(key)
        return self._scc.get(key, frozenset())

    def _edges(self, key: str) -> list[str]:
        out: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/definitions/"):
                    out.append(_pointer.unescape(ref[len("#/definitions/") :]))
                for v in node.values():
                    if isinstance(v, (dict, list)):
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(self.defs.get(key))
        return out

    def _tarjan(self, start: str) -> None:
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        counter = 0
        work: list[tuple[str, list[str], int]] = []

        def push(v: str) -> None:
            nonlocal counter
            index[v] = low[v] = counter
            counter += 1
            stack.append(v)
            on_stack.add(v)
            work.append((v, [w for w in self._edges(v) if w in self.defs], 0))

        push(start)
        while work:
            v, edges, i = work[-1]
            if i < len(edges):
                work[-1] = (v, edges, i + 1)
                w = edges[i]
                if w in self._scc and w not in index:
                    continue  # finished in an earlier run: another component
                if w not in index:
                    push(w)
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                members: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    members.append(w)
                    if w == v:
                        break
                comp = frozenset(members)
                self_loop = len(members) > 1 or v in self._edges(v)
                for m in members:
                    self._scc[m] = comp if self_loop else frozenset()

    def _ref(self, ref: Any, ctx: _Ctx) -> Gen | Impossible:
        if not isinstance(ref, str) or not ref.startswith("#/definitions/"):
            return AnyGen(ctx.pointer)
        key = _pointer.unescape(ref[len("#/definitions/") :])
        if key not in self.defs:
            return AnyGen(ctx.pointer)
        depth = self._depth_for(key, ctx)
        if depth is None:
            return Impossible(ctx.pointer, f"recursion bound reached at {key}", cut=True)
        return self._def(key, depth)

    def _depth_for(self, key: str, ctx: _Ctx) -> int | None:
        if ctx.owner is not None and key in self._scc_of(ctx.owner):
            depth = ctx.depth + 1
            return None if depth > self._bound else depth
        return 0

    def _def(self, key: str, depth: int) -> Gen | Impossible:
        mk = (key, depth, self._bound)
        got = self._memo.get(mk)
        if got is not None:
            return got
        content = self.defs[key]
        pointer = (
            content.get("x-spec-pointer") if isinstance(content, dict) else None
        ) or _pointer.join("/definitions", key)
        gen = self.node(content, _Ctx(key, depth, pointer))
        if isinstance(gen, Gen) and self.semantic is not None:
            gen = self.semantic.apply(self, gen, key)
        if isinstance(gen, Gen) and gen.source is None:
            gen.source = key
        self._memo[mk] = gen
        return gen

    # ------------------------------------------------------------------ nodes
    def node(self, schema: Any, ctx: _Ctx) -> Gen | Impossible:
        """The plan for one schema node."""
        if schema is True or (isinstance(schema, dict) and not _constraining(schema)):
            return AnyGen(ctx.pointer)
        if schema is False or not isinstance(schema, dict):
            return Impossible(ctx.pointer, "the schema is `false`: no value is allowed")
        ctx = (
            ctx
            if "x-spec-pointer" not in schema
            else replace(ctx, pointer=schema["x-spec-pointer"])
        )
        if schema.get(NULL_DISPUTED):
            schema = _without_disputed_null(schema)
        if "$ref" in schema:
            rest = _strip(schema, "$ref")
            if not _constraining(rest):
                return self._ref(schema["$ref"], ctx)
            schema = {**rest, "allOf": [{"$ref": schema["$ref"]}, *rest.get("allOf", [])]}
        if "allOf" in schema:
            return self._all_of(schema, ctx)
        if "oneOf" in schema or "anyOf" in schema:
            return self._union(schema, ctx)
        if "not" in schema:
            inner = self.node(_strip(schema, "not"), ctx)
            if isinstance(inner, Impossible):
                return inner
            check = self.checker.predicate(schema["not"])
            return FilterGen(
                ctx.pointer,
                inner=inner,
                check=lambda v: not check(v),
                what="not",
                notes=inner.notes,
            )
        if "if" in schema:
            inner = self.node(_strip(schema, "if", "then", "else"), ctx)
            if isinstance(inner, Impossible):
                return inner
            return FilterGen(
                ctx.pointer,
                inner=inner,
                check=self.checker.predicate(schema),
                what="if/then/else",
                notes=inner.notes,
            )
        return self._typed(schema, ctx)

    # ------------------------------------------------------------------ allOf
    def _all_of(self, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        pieces: list[dict[str, Any]] = []
        owners: list[tuple[str | None, int]] = []
        inlined: list[str] = []

        def flatten(node: Any, owner: str | None, depth: int, level: int) -> Impossible | None:
            if node is True or node == {}:
                return None
            if node is False or not isinstance(node, dict):
                return Impossible(ctx.pointer, "an allOf member is `false`")
            if level > 32:
                return Impossible(ctx.pointer, "allOf nests too deeply", cut=True)
            if "$ref" in node and isinstance(node["$ref"], str):
                ref = node["$ref"]
                key = _pointer.unescape(ref[len("#/definitions/") :])
                if key not in self.defs:
                    return None
                d = self._depth_for(key, _Ctx(owner, depth, ctx.pointer))
                if d is None:
                    return Impossible(ctx.pointer, f"recursion bound reached at {key}", cut=True)
                inlined.append(key)
                bad = flatten(self.defs[key], key, d, level + 1)
                if bad is not None:
                    return bad
                rest = _strip(node, "$ref")
                return flatten(rest, owner, depth, level + 1) if _constraining(rest) else None
            members: list[Any] = node["allOf"] if isinstance(node.get("allOf"), list) else []
            pieces.append(_strip(node, "allOf"))
            owners.append((owner, depth))
            for m in members:
                bad = flatten(m, owner, depth, level + 1)
                if bad is not None:
                    return bad
            return None

        members = schema["allOf"] if isinstance(schema["allOf"], list) else []
        refs = [m for m in members if isinstance(m, dict) and "$ref" in m]
        others = [m for m in members if m not in refs]
        if (
            len(refs) == 1
            and not _constraining(_strip(refs[0], "$ref"))
            and not any(_constraining(m) for m in others if isinstance(m, dict))
            and not _constraining(_strip(schema, "allOf"))
        ):
            # `allOf: [$ref]`, the wrapper @nestjs/swagger puts on every nested DTO: share the plan
            return self._ref(refs[0]["$ref"], ctx)
        bad = flatten(schema, ctx.owner, ctx.depth, 0)
        if bad is not None:
            return bad
        merged, exact = merge(pieces)
        if isinstance(merged, str):
            return Impossible(ctx.pointer, merged)
        home = (ctx.owner, ctx.depth)
        foreign = {o for o in owners if o != home}
        own_constraining = any(
            _constraining(p) for p, o in zip(pieces, owners, strict=True) if o == home
        )
        if len(foreign) == 1 and not own_constraining:
            owner, depth = next(iter(foreign))
            sub_ctx = _Ctx(owner, depth, ctx.pointer)
        else:
            sub_ctx = replace(ctx, depth=max([ctx.depth, *(o[1] for o in owners)]))
        gen = self.node(merged, sub_ctx)
        if isinstance(gen, Gen) and self.semantic is not None and len(inlined) == 1:
            gen = self.semantic.apply(self, gen, inlined[0])
        if exact or isinstance(gen, Impossible):
            return gen
        check = self.checker.predicate(_strip(schema, "x-spec-pointer"))
        return FilterGen(ctx.pointer, inner=gen, check=check, what="allOf", notes=gen.notes)

    # ------------------------------------------------------------------ unions
    def _union(self, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        kw = "oneOf" if "oneOf" in schema else "anyOf"
        branches = schema[kw]
        if not isinstance(branches, list) or not branches:
            return Impossible(ctx.pointer, f"{kw} has no branch")
        rest = _strip(schema, kw, "x-discriminator")
        residual = None
        if kw == "oneOf" and "anyOf" in rest:
            residual = self.checker.predicate({"anyOf": rest.pop("anyOf")})
        xd = schema.get("x-discriminator")
        tag_of: dict[int, Any] = {}
        prop = None
        if isinstance(xd, dict) and isinstance(xd.get("mapping"), dict):
            prop = xd.get("propertyName")
            for tag, idx in xd["mapping"].items():
                if isinstance(idx, int):
                    tag_of.setdefault(idx, tag)
        outer = rest if _constraining(rest) else None
        gens: list[Gen] = []
        tags: list[Any] = []
        raws: list[Any] = []
        cut_raws: list[Any] = []
        notes: set[Note] = set()
        dropped: list[Note] = []
        cut_reasons: list[Impossible] = []
        for i, branch in enumerate(branches):
            sub = branch if outer is None else {"allOf": [outer, branch]}
            g = self.node(sub, ctx.child(kw, i))
            if isinstance(g, Impossible):
                if g.cut:
                    cut_reasons.append(g)
                    cut_raws.append(sub)
                else:
                    what = f"{kw} branch {i}" + (f" ({prop}={tag_of[i]!r})" if i in tag_of else "")
                    n = Note(g.pointer, f"{what}: {g.reason}")
                    dropped.append(n)
                    notes.add(n)
                continue
            gens.append(g)
            tags.append(tag_of.get(i))
            raws.append(sub)
            notes |= g.notes
        if not gens:
            if cut_reasons and len(cut_reasons) + len(dropped) == len(branches) and not dropped:
                return Impossible(ctx.pointer, cut_reasons[0].reason, cut=True)
            why = "; ".join(n.reason for n in dropped) or cut_reasons[0].reason
            return Impossible(ctx.pointer, f"no {kw} branch can be satisfied ({why})")
        exclusive: list[Callable[[Any], bool] | None] = [None] * len(gens)
        if kw == "oneOf" and not tag_of and len(gens) + len(cut_raws) > 1:
            # a branch cut by the recursion bound still exists for validators: stay out of it too
            keep, gens, exclusive, dead = self._exclusivity(gens, raws, cut_raws)
            tags = [tags[i] for i in keep]
            for i, why in dead:
                n = Note(_pointer.join(ctx.pointer, kw, i), why, kind="dead-branch")
                dropped.append(n)
                notes.add(n)
            if not gens:
                return Impossible(ctx.pointer, f"no value matches exactly one {kw} branch ({why})")
        discriminated = bool(tag_of) and all(t is not None for t in tags)
        union = UnionGen(
            ctx.pointer,
            branches=tuple(gens),
            keyword=kw,
            discriminator=prop if discriminated else None,
            optional_tag=discriminated and bool(isinstance(xd, dict) and xd.get("optional")),
            tags=tuple(tags) if discriminated else (),
            exclusive=tuple(exclusive),
            dropped=tuple(dropped),
            notes=frozenset(notes),
        )
        if residual is None:
            return union
        return FilterGen(ctx.pointer, inner=union, check=residual, what="anyOf", notes=union.notes)

    def _exclusivity(
        self, gens: list[Gen], raws: list[Any], cut_raws: list[Any]
    ) -> tuple[list[int], list[Gen], list[Callable[[Any], bool] | None], list[tuple[int, str]]]:
        """Make each plain-oneOf branch produce values that match no other branch.

        Returns the indexes of the branches kept, their (possibly narrowed) plans, a residual check
        per branch (None when the plan is exclusive by construction), and the dead branches: those
        every value of which also matches another branch.
        """
        keep: list[int] = []
        out_gens: list[Gen] = []
        checks: list[Callable[[Any], bool] | None] = []
        dead: list[tuple[int, str]] = []
        cut_checks = [self.checker.predicate(r) for r in cut_raws]
        for i, g in enumerate(gens):
            rivals = [j for j, h in enumerate(gens) if j != i and may_overlap(g, h)]
            if not rivals and not cut_checks:
                keep.append(i)
                out_gens.append(g)
                checks.append(None)
                continue
            others = [self.checker.predicate(raws[j]) for j in rivals] + cut_checks

            def alone(value: Any, others: list[Callable[[Any], bool]] = others) -> bool:
                return not any(check(value) for check in others)

            if isinstance(g, ConstGen):
                values = tuple(v for v in g.values if alone(v))
                if not values:
                    dead.append(
                        (
                            i,
                            f"oneOf branch {i}: each of its values {list(g.values)[:6]!r} also matches another branch",
                        )
                    )
                    continue
                keep.append(i)
                out_gens.append(replace(g, values=values))
                checks.append(None)
                continue
            container = next((gens[j] for j in rivals if subsumes(gens[j], g)), None)
            narrowed = separate(g, [gens[j] for j in rivals])
            if narrowed is None and container is not None:
                j = gens.index(container)
                dead.append((i, f"oneOf branch {i}: every value it allows also matches branch {j}"))
                continue
            keep.append(i)
            out_gens.append(narrowed or g)
            checks.append(alone)
        return keep, out_gens, checks, dead

    # ------------------------------------------------------------------ typed nodes
    def _typed(self, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        if "enum" in schema or "const" in schema:
            return self._enum(schema, ctx)
        declared = schema.get("type")
        if isinstance(declared, str):
            types = [declared]
        elif isinstance(declared, list):
            types = [t for t in declared if t in JSON_TYPES]
        else:
            implied = _implied_types(schema)
            if implied is None:
                return AnyGen(ctx.pointer)
            types = implied
        if not types:
            return Impossible(ctx.pointer, f"type {declared!r} names no JSON type")
        if "number" in types and "integer" in types:
            types.remove("integer")
        gens: list[Gen] = []
        reasons: list[Impossible] = []
        for t in types:
            g = self._one_type(t, schema, ctx)
            if isinstance(g, Impossible):
                reasons.append(g)
            else:
                gens.append(g)
        if not gens:
            if len(reasons) == 1 or all(r.cut for r in reasons):
                return reasons[0]
            return Impossible(ctx.pointer, "; ".join(r.reason for r in reasons))
        if not isinstance(declared, (str, list)):
            for g in gens:
                g.typed = False
        if len(gens) == 1:
            return gens[0]
        notes: frozenset[Note] = frozenset()
        for g in gens:
            notes |= g.notes
        return UnionGen(
            ctx.pointer, branches=tuple(gens), keyword="type", notes=notes, typed=gens[0].typed
        )

    def _one_type(self, t: str, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        if t == "null":
            return NullGen(ctx.pointer)
        if t == "boolean":
            return BoolGen(ctx.pointer)
        if t in ("integer", "number"):
            return self._number(schema, ctx, t == "integer")
        if t == "string":
            return self._string(schema, ctx)
        if t == "array":
            return self._array(schema, ctx)
        return self._object(schema, ctx)

    def _enum(self, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        declared = schema["enum"] if "enum" in schema else [schema["const"]]
        if not isinstance(declared, list) or not declared:
            return Impossible(ctx.pointer, "enum lists no value")
        if "enum" in schema and "const" in schema:
            declared = [v for v in declared if json_equal(v, schema["const"])]
        rest = _strip(schema, "enum", "const", "x-spec-pointer")
        t = rest.get("type")
        types: tuple[str, ...] = (
            (t,) if isinstance(t, str) else tuple(t) if isinstance(t, list) else ()
        )
        values = [v for v in declared if not types or type_matches(v, types)]
        if not values:
            shown = declared if len(declared) <= 6 else [*declared[:6], "..."]
            return Impossible(
                ctx.pointer,
                f"enum {shown!r} has no value of type {types[0] if len(types) == 1 else list(types)!r}",
            )
        if _constraining(_strip(rest, "type")):
            if set(rest) - ANNOTATIONS <= SIMPLE_KEYWORDS:
                values = [v for v in values if simple_ok(v, rest)]
            else:
                check = self.checker.predicate(rest)
                values = [v for v in values if check(v)]
            if not values:
                return Impossible(
                    ctx.pointer,
                    f"no enum value of {declared!r} satisfies the node's other keywords",
                )
        return ConstGen(
            ctx.pointer, values=tuple(values), declared=tuple(declared), schema_types=types
        )

    def _number(self, schema: dict[str, Any], ctx: _Ctx, integer: bool) -> Gen | Impossible:
        lo = number_or_none(schema.get("minimum"))
        hi = number_or_none(schema.get("maximum"))
        xlo = number_or_none(schema.get("exclusiveMinimum"))
        xhi = number_or_none(schema.get("exclusiveMaximum"))
        ex_lo = ex_hi = False
        if xlo is not None and (lo is None or xlo >= lo):
            lo, ex_lo = xlo, True
        if xhi is not None and (hi is None or xhi <= hi):
            hi, ex_hi = xhi, True
        fmt = schema.get("format")
        if integer and fmt in INT_FORMATS:
            flo, fhi = INT_FORMATS[fmt]
            if lo is None or lo < flo:
                lo, ex_lo = flo, False
            if hi is None or hi > fhi:
                hi, ex_hi = fhi, False
        mult = number_or_none(schema.get("multipleOf"))
        if mult is not None and mult <= 0:
            mult = None
        gen = NumberGen(
            ctx.pointer,
            integer=integer,
            minimum=lo,
            maximum=hi,
            exclusive_minimum=ex_lo,
            exclusive_maximum=ex_hi,
            multiple_of=mult,
        )
        why = _number_empty(gen)
        return Impossible(ctx.pointer, why) if why else gen

    def _string(self, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        from contracttest.generate.formats import FORMAT_MIN_LENGTH
        from contracttest.generate.strings import common_match, pattern_strings
        from contracttest.schema.ecma import compile_pattern

        lo = schema.get("minLength", 0)
        hi = schema.get("maxLength")
        lo = lo if isinstance(lo, int) and lo > 0 else 0
        hi = hi if isinstance(hi, int) and hi >= 0 else None
        if hi is not None and lo > hi:
            return Impossible(ctx.pointer, f"minLength {lo} > maxLength {hi}")
        fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
        if fmt and hi is not None and FORMAT_MIN_LENGTH.get(fmt, 0) > hi:
            return Impossible(
                ctx.pointer,
                f"a {fmt} is at least {FORMAT_MIN_LENGTH[fmt]} characters, maxLength is {hi}",
            )
        compiled = []
        for key, flags in (("pattern", "u"), (ECMA_PATTERN, "")):
            found = schema.get(key)
            for p in found if isinstance(found, list) else [found] if found else []:
                try:
                    compiled.append(compile_pattern(p, default_flags=flags))
                except PatternError:
                    continue  # the translator reported it and dropped it from validation too
        plan = None
        if len(compiled) > 1:
            first, witness, proven = common_match(compiled, lo, hi)
            if witness is None:
                shown = " and ".join(repr(p.pattern) for p in compiled)
                return Impossible(
                    ctx.pointer,
                    f"no string matches both {shown}"
                    + ("" if proven else " (none found; treated as unsatisfiable)"),
                )
            compiled = [compiled[first], *compiled[:first], *compiled[first + 1 :]]
        if compiled:
            plan = pattern_strings(compiled[0], lo, hi)
            if not plan.satisfiable:
                span = f"{lo}..{hi}" if hi is not None else f">= {lo}"
                return Impossible(
                    ctx.pointer, f"pattern {compiled[0].pattern!r} has no match of length {span}"
                )
        return StringGen(
            ctx.pointer,
            min_length=lo,
            max_length=hi,
            pattern=compiled[0] if compiled else None,
            plan=plan,
            extra_patterns=tuple(compiled[1:]),
            format=fmt,
        )

    def _array(self, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        lo = schema.get("minItems", 0)
        hi = schema.get("maxItems")
        lo = lo if isinstance(lo, int) and lo > 0 else 0
        hi = hi if isinstance(hi, int) and hi >= 0 else None
        if hi is not None and lo > hi:
            return Impossible(ctx.pointer, f"minItems {lo} > maxItems {hi}")
        notes: set[Note] = set()
        items = schema.get("items")
        prefix: list[Gen] = []
        item_gen: Gen | None = None
        empty_only = False
        if isinstance(items, list):
            for i, sub in enumerate(items):
                g = self.node(sub, ctx.child("items", i))
                if isinstance(g, Impossible):
                    if lo > i:
                        return _wrap(g, ctx, f"item {i}")
                    hi = i
                    break
                prefix.append(g)
            extra = schema.get("additionalItems", True)
            if len(prefix) == len(items) and extra is not False:
                g = self.node(extra, ctx.child("additionalItems"))
                item_gen = g if isinstance(g, Gen) else None
            if item_gen is None:
                hi = len(prefix) if hi is None else min(hi, len(prefix))
                if lo > hi:
                    return Impossible(ctx.pointer, f"minItems {lo} but at most {hi} items fit")
        elif items is not None:
            g = self.node(items, ctx.child("items"))
            if isinstance(g, Impossible):
                if lo > 0:
                    return _wrap(g, ctx, "items")
                empty_only = True
                if not g.cut:
                    notes.add(Note(g.pointer, f"array items: {g.reason}; arrays stay empty"))
            else:
                item_gen = g
                notes |= g.notes
        for g in prefix:
            notes |= g.notes
        gen: Gen = ArrayGen(
            ctx.pointer,
            items=item_gen if items is not None else None,
            prefix=tuple(prefix),
            min_items=lo,
            max_items=0 if empty_only else hi,
            unique=bool(schema.get("uniqueItems")),
            empty_only=empty_only,
            notes=frozenset(notes),
        )
        if "contains" in schema or "prefixItems" in schema:
            gen = FilterGen(
                ctx.pointer,
                inner=gen,
                check=self.checker.predicate(schema),
                what="contains",
                notes=gen.notes,
            )
        return gen

    def _object(self, schema: dict[str, Any], ctx: _Ctx) -> Gen | Impossible:
        props: dict[str, Any] = (
            schema["properties"] if isinstance(schema.get("properties"), dict) else {}
        )
        req_raw: list[Any] = schema["required"] if isinstance(schema.get("required"), list) else []
        required: list[str] = []
        for r in req_raw:
            if isinstance(r, str) and r not in required:
                required.append(r)
        ap = schema.get("additionalProperties", True)
        closed = ap is False
        notes: set[Note] = set()
        compiled: dict[str, Gen] = {}
        for name, sub in props.items():
            g = self.node(sub, ctx.child("properties", name))
            if isinstance(g, Impossible):
                if name in required:
                    return _wrap(g, ctx, f"required property {name!r}")
                if not g.cut:
                    notes.add(Note(g.pointer, f"optional property {name!r} left out: {g.reason}"))
                continue
            compiled[name] = g
            notes |= g.notes
        additional: Gen | None = None
        if isinstance(ap, dict):
            g = self.node(ap, ctx.child("additionalProperties"))
            if isinstance(g, Gen):
                additional = g
            else:
                closed = True
        for r in required:
            if r in compiled:
                continue
            if closed:
                return Impossible(
                    ctx.pointer, f"property {r!r} is required but not allowed (closed object)"
                )
            compiled[r] = additional if additional is not None else AnyGen(ctx.pointer)
        min_p = schema.get("minProperties", 0)
        max_p = schema.get("maxProperties")
        min_p = min_p if isinstance(min_p, int) and min_p > 0 else 0
        max_p = max_p if isinstance(max_p, int) and max_p >= 0 else None
        if max_p is not None and len(required) > max_p:
            return Impossible(
                ctx.pointer, f"{len(required)} required properties but maxProperties {max_p}"
            )
        if closed and min_p > len(compiled):
            return Impossible(
                ctx.pointer, f"minProperties {min_p} but only {len(compiled)} properties allowed"
            )
        gen: Gen = ObjectGen(
            ctx.pointer,
            properties=compiled,
            required=tuple(required),
            closed=closed,
            additional=additional,
            min_properties=min_p,
            max_properties=max_p,
            free_form=not props and not required and not closed,
            notes=frozenset(notes),
        )
        leftover = {
            "patternProperties",
            "propertyNames",
            "dependencies",
            "dependentRequired",
            "dependentSchemas",
        } & set(schema)
        if leftover:
            gen = FilterGen(
                ctx.pointer,
                inner=gen,
                check=self.checker.predicate(schema),
                what=", ".join(sorted(leftover)),
                notes=gen.notes,
            )
        return gen


# ---------------------------------------------------------------------- helpers
def _wrap(g: Impossible, ctx: _Ctx, what: str) -> Impossible:
    if g.cut:
        return Impossible(ctx.pointer, f"{what}: {g.reason}", cut=True)
    return Impossible(g.pointer, g.reason if what in g.reason else f"{what}: {g.reason}")


def _implied_types(schema: dict[str, Any]) -> list[str] | None:
    keys = set(schema)
    if keys & OBJECT_KEYWORDS:
        return ["object"]
    if keys & ARRAY_KEYWORDS:
        return ["array"]
    if keys & STRING_KEYWORDS:
        return ["string"]
    if keys & NUMBER_KEYWORDS:
        return ["number"]
    return None


def _number_empty(g: NumberGen) -> str | None:
    lo, hi = g.minimum, g.maximum
    if lo is None or hi is None:
        return None
    if lo > hi or (lo == hi and (g.exclusive_minimum or g.exclusive_maximum)):
        return f"no number in {'(' if g.exclusive_minimum else '['}{lo}, {hi}{')' if g.exclusive_maximum else ']'}"
    step = g.multiple_of
    if g.integer:
        ilo = math.floor(lo) + 1 if g.exclusive_minimum or lo != math.floor(lo) else int(lo)
        if g.exclusive_minimum and lo != math.floor(lo):
            ilo = math.ceil(lo)
        ihi = math.ceil(hi) - 1 if g.exclusive_maximum or hi != math.ceil(hi) else int(hi)
        if g.exclusive_maximum and hi != math.ceil(hi):
            ihi = math.floor(hi)
        if ilo > ihi:
            return f"no integer between {lo} and {hi}"
        lo, hi = ilo, ihi
    if step is not None:
        k = math.ceil(lo / step)
        if k * step == lo and g.exclusive_minimum and not g.integer:
            k += 1
        if k * step > hi or (k * step == hi and g.exclusive_maximum and not g.integer):
            return f"no multiple of {step} between {lo} and {hi}"
    return None


def _without_disputed_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without the ``null`` only a lenient reading of ``nullable`` allows (`NULL_DISPUTED`):
    valid payloads hold what every reading accepts."""
    out = {k: v for k, v in schema.items() if k != NULL_DISPUTED}
    enum = out.get("enum")
    if isinstance(enum, list) and any(v is not None for v in enum):
        out["enum"] = [v for v in enum if v is not None]
        t = out.get("type")
        if isinstance(t, list) and "null" in t:
            kept = [x for x in t if x != "null"]
            out["type"] = kept[0] if len(kept) == 1 else kept
    branches = out.get("anyOf")
    if isinstance(branches, list):
        kept_branches = [b for b in branches if b != {"type": "null"}]
        if kept_branches and len(kept_branches) < len(branches):
            out["anyOf"] = kept_branches
    return out
