"""One `Generator` per spec: compilers, strategy builder and rule table, shared by every target.

`generator_for` caches a generator per (spec, options) so that the strategies of the 981 component
schemas of the full Vapi spec share their plans. Everything is built lazily and under a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contracttest.errors import SpecError, UsageError
from contracttest.generate.compiler import Compiler, Options, Plan
from contracttest.generate.positive import Sizes, StrategyBuilder

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from contracttest.generate.negative import Invalid, Mutation
    from contracttest.openapi.model import Spec, Target

__all__ = ["GenerationOptions", "Generator", "generator_for", "resolve_target"]


@dataclass(frozen=True)
class GenerationOptions:
    """Options of a generator (hashable: generators are cached per options).

    Attributes:
        max_depth: how often a recursive ``$ref`` may be followed along one path (default 2).
        closed: close request objects (unknown properties are a violation); None: requests follow
            the spec's policy (`Spec.closed_objects`) and responses are open, as the validator does.
        max_extra_items: items random arrays get beyond ``minItems``.
        max_optional: optional properties one object gets at most.
        optional_levels: nesting depth below which only required properties are generated.
        rules: apply the spec's rule table (E.164 numbers, hook filters...) to valid payloads.
    """

    max_depth: int = 2
    closed: bool | None = None
    max_extra_items: int = 3
    max_optional: int = 6
    optional_levels: int = 4
    rules: bool = True

    def __post_init__(self) -> None:
        for name in ("max_extra_items", "max_optional", "optional_levels"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise UsageError(f"{name} must be an integer >= 0, got {value!r}")
        Options(max_depth=self.max_depth)  # validates max_depth


def resolve_target(spec: Spec, target: str | Target) -> Target:
    if isinstance(target, str):
        return spec.target(target)
    if getattr(target, "spec", None) is not spec:
        raise UsageError(f"target {target.key!r} belongs to another spec")
    return target


class Generator:
    """Plans and strategies for the targets of one spec."""

    def __init__(self, spec: Spec, options: GenerationOptions | None = None) -> None:
        self.spec = spec
        self.options = options or GenerationOptions()
        self.builder = StrategyBuilder(
            Sizes(
                max_extra_items=self.options.max_extra_items,
                max_optional=self.options.max_optional,
                optional_levels=self.options.optional_levels,
            )
        )
        self._compilers: dict[tuple[str, bool], Compiler] = {}
        self._lock = threading.RLock()
        self._semantic: Any = None

    @property
    def semantic(self) -> Any:
        if self._semantic is None and self.options.rules:
            from contracttest.generate.semantic import Semantic

            self._semantic = Semantic(self.spec)
        return self._semantic

    def closed_for(self, target: Target) -> bool:
        if self.options.closed is not None:
            return self.options.closed and target.direction == "request"
        # The rule tables' policy (Vapi's server rejects unknown properties) registers itself on
        # import: asked before it, the spec would read as open and the plan be built open.
        import contracttest.validate.rules  # noqa: F401

        return target.direction == "request" and self.spec.closed_objects

    def compiler(self, target: Target) -> Compiler:
        key = (target.direction, self.closed_for(target))
        with self._lock:
            got = self._compilers.get(key)
            if got is None:
                got = self._compilers[key] = Compiler(
                    self.spec,
                    target.direction,
                    closed=key[1],
                    options=Options(max_depth=self.options.max_depth),
                    semantic=self.semantic,
                )
            return got

    def plan(self, target: str | Target) -> Plan:
        """The generation plan of ``target`` (its status says whether it is fully generated)."""
        tgt = resolve_target(self.spec, target)
        return self.compiler(tgt).plan(tgt)

    def valid(self, target: str | Target) -> SearchStrategy[Any]:
        """Strategy of valid payloads of ``target``.

        Raises:
            SpecError: no value satisfies the target's schema (the message says why, and where).
        """
        plan = self.plan(target)
        if not isinstance(plan.root, type(plan.root)) or not plan.satisfiable:
            root = plan.root
            raise SpecError(
                f"{plan.target}: no valid payload exists: {getattr(root, 'reason', '')}",
                pointer=getattr(root, "pointer", None),
            )
        with self._lock:
            return self.builder.strategy(plan.root)  # type: ignore[arg-type]

    def validator(self, target: Target) -> Any:
        """The validator that judges this generator's payloads (same closedness)."""
        from contracttest.validate import get_validator

        return get_validator(self.spec, target, allow_unknown=not self.closed_for(target))

    def invalid(
        self, target: str | Target, rules: Sequence[str] | None = None
    ) -> SearchStrategy[Invalid]:
        """Strategy of `Invalid` payloads of ``target``: one labelled violation each.

        Args:
            target: the target.
            rules: only violations of these rule ids (globs such as ``phone.*`` allowed).

        Raises:
            SpecError: the target has no valid payload to start from, or no value of it can be
                broken (every member untyped, optional and open).
        """
        from hypothesis import assume
        from hypothesis import strategies as st

        from contracttest.generate.negative import Invalid, accepts, apply, breakable, mutations

        tgt = resolve_target(self.spec, target)
        plan = self.plan(tgt)
        valid = self.valid(tgt)
        if not rules and not breakable(plan.root):  # type: ignore[arg-type]
            raise SpecError(
                f"{tgt.key}: no invalid payload exists: the schema declares no type, required"
                " member, closed object or constraint that a value could break",
                pointer=getattr(plan.root, "pointer", None),
            )
        validator = self.validator(tgt)
        table = self.semantic.table if self.semantic is not None else None
        method = validator.length_method
        root = plan.root
        key = tgt.key

        @st.composite
        def build(draw: Any) -> Invalid:
            payload = draw(valid)
            found = mutations(root, payload, table=table, length_method=method, rules=rules)  # type: ignore[arg-type]
            assume(found)
            mutation = choose(draw, found)
            bad = apply(payload, mutation)
            ok = accepts(validator.findings(bad), mutation.violation, semantic=mutation.semantic)
            assume(ok)
            return Invalid(key, bad, mutation.violation, mutation.what, payload, mutation.semantic)

        return build()


def choose(draw: Any, found: list[Mutation]) -> Mutation:
    """Draw one mutation: a rule, then a place (shallowest first), then a way to break it there.

    Three small choices rather than one index into the whole list: when shrinking removes part of
    the payload, the mutations it held disappear and every later index would point elsewhere; this
    way the example keeps its rule, and its place while that place exists.
    """
    from hypothesis import strategies as st

    rules = sorted({m.rule for m in found})
    rule = rules[0] if len(rules) == 1 else draw(st.sampled_from(rules))
    here = [m for m in found if m.rule == rule]
    places = sorted({m.pointer for m in here}, key=lambda p: (p.count("/"), p))
    place = places[0] if len(places) == 1 else draw(st.sampled_from(places))
    ways = [m for m in here if m.pointer == place]
    return ways[0] if len(ways) == 1 else draw(st.sampled_from(ways))


_CACHE_LOCK = threading.Lock()
_ATTRIBUTE = "_ct_generators"


def generator_for(spec: Spec, options: GenerationOptions | None = None) -> Generator:
    """The (cached) generator of ``spec`` with ``options``.

    The cache lives on the spec object, so it goes away with the spec (a weak-keyed cache could not
    let go: every generator refers to its spec).
    """
    options = options or GenerationOptions()
    with _CACHE_LOCK:
        per_spec: dict[GenerationOptions, Generator] | None = getattr(spec, _ATTRIBUTE, None)
        if per_spec is None:
            per_spec = {}
            try:
                setattr(spec, _ATTRIBUTE, per_spec)
            except AttributeError:  # a Spec with __slots__: no caching, still correct
                return Generator(spec, options)
        got = per_spec.get(options)
        if got is None:
            got = per_spec[options] = Generator(spec, options)
        return got


def examples(strategy: SearchStrategy[Any], n: int, seed: int | None = None) -> list[Any]:
    """Draw up to ``n`` examples from ``strategy`` outside a test (reproducible with ``seed``).

    Hypothesis's generation phase runs as a test would (simplest example first, then random
    ones), so the same seed gives the same examples. Fewer than ``n`` come back when the strategy
    has fewer distinct values.

    Raises:
        UsageError: ``n`` or ``seed`` is not a non-negative integer.
        ContractTestError: Hypothesis gave up (a filter rejected nearly everything).
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seed_decorator
    from hypothesis.errors import HypothesisException

    from contracttest.errors import ContractTestError

    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise UsageError(f"the number of examples must be an integer >= 0, got {n!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise UsageError(f"the seed must be an integer >= 0, got {seed!r}")
    out: list[Any] = []
    if n == 0:
        return out

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def collect(value: Any) -> None:
        if len(out) < n:
            out.append(value)

    run = seed_decorator(seed)(collect) if seed is not None else collect
    try:
        run()
    except HypothesisException as exc:
        raise ContractTestError(f"generation gave up: {exc}") from exc
    return out
