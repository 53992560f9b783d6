"""The deterministic boundary phase: every constraint at its limit, and just past it.

Before any random example, `boundary_cases` walks a target's plan and builds, without Hypothesis:

* the *minimal* valid payload (required properties only, the simplest value of each);
* for each constrained node once, valid payloads with that node at each of its limits (a string of
  exactly ``maxLength``/``minLength`` characters, a number at ``minimum``/``maximum``, every ``enum``
  value, every union variant, an array of ``maxItems``), including the strings that are within a
  limit only the way the server counts (``"a" * 40 + "\\ufe0f"`` for ``maxLength: 40`` and
  validator.js counting);
* from each of those, the labelled invalid payloads whose violation sits at that node (one past each
  limit, wrong type, outside the enum...), via `contracttest.generate.negative`.

Every case is checked by the validator: valid ones must pass, invalid ones must fail with exactly
their label (`negative.accepts`). Cases that do not are counted in `BoundaryReport.discarded`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest import _pointer
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
from contracttest.generate.negative import Violation

if TYPE_CHECKING:
    from contracttest.generate.core import Generator
    from contracttest.openapi.model import Target
    from contracttest.validate.rules import RuleTable

__all__ = ["BoundaryReport", "Case", "boundary_cases", "minimal"]


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"

    def __reduce__(self) -> str:
        return "NO_VALUE"  # copies (and pickles) are the sentinel itself: `is NO_VALUE` holds


NO_VALUE: Any = _NoValue()
"""`minimal` found no value (a filter the simplest candidates do not pass)."""

MAX_ARRAY_AT_LIMIT = 50
MAX_ENUM_VALUES = 12
"""Long enums (185 language codes) contribute their first values and the last one."""
MAX_STRING_AT_LIMIT = 100_000


@dataclass(frozen=True)
class Case:
    """One boundary case: a payload, and the violation it carries (None: it is valid)."""

    target: str
    payload: Any
    violation: Violation | None
    description: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON line of ``contracttest generate`` for this case."""
        return {
            "target": self.target,
            "payload": self.payload,
            "violation": self.violation.to_dict() if self.violation else None,
        }


@dataclass
class BoundaryReport:
    """What a boundary run produced: cases kept and discarded, and the constraints exercised."""

    valid: int = 0
    invalid: int = 0
    discarded: list[tuple[str, str]] = field(default_factory=list)
    """(description, why) of each case the validator did not confirm."""
    rejected: int = 0
    """Valid cases the validator rejects: generator and validator disagree (a bug in one)."""
    rules: set[str] = field(default_factory=set)
    """Rule ids the invalid cases break."""


# ---------------------------------------------------------------------------- minimal values
def minimal(gen: Gen, depth: int = 0) -> Any:
    """The simplest valid value of ``gen`` (`NO_VALUE` when the simple candidates fail a check)."""
    if depth > 64:
        return NO_VALUE
    if isinstance(gen, RuleGen):
        assert gen.valid is not None
        return minimal(gen.valid, depth + 1)
    if isinstance(gen, FilterGen):
        assert gen.inner is not None and gen.check is not None
        value = minimal(gen.inner, depth + 1)
        return value if value is not NO_VALUE and gen.check(value) else NO_VALUE
    if isinstance(gen, UnionGen):
        for branch, alone in _branches(gen):
            value = minimal(branch, depth + 1)
            if value is not NO_VALUE and (alone is None or alone(value)):
                return value
        return NO_VALUE
    if isinstance(gen, ObjectGen):
        return _minimal_object(gen, depth)
    if isinstance(gen, ArrayGen):
        if gen.empty_only:
            return []
        items = [minimal(p, depth + 1) for p in gen.prefix[: max(gen.min_items, 0)]]
        missing = gen.min_items - len(items)
        if missing > 0:
            if gen.items is None:
                items += [None] * missing
            else:
                item = minimal(gen.items, depth + 1)
                items += [copy.deepcopy(item) for _ in range(missing)]
        if any(v is NO_VALUE for v in items):
            return NO_VALUE
        if gen.unique and len({repr(v) for v in items}) != len(items):
            return NO_VALUE
        return items
    return minimal_leaf(gen)


def _branches(gen: UnionGen) -> list[tuple[Gen, Any]]:
    checks = gen.exclusive or (None,) * len(gen.branches)
    return list(zip(gen.branches, checks, strict=True))


def _minimal_object(gen: ObjectGen, depth: int) -> Any:
    if gen.free_form:
        out: dict[str, Any] = {}
        for i in range(gen.min_properties):
            value = minimal(gen.additional, depth + 1) if gen.additional is not None else None
            out[f"key{i}"] = value
        return out
    out = {}
    for name in gen.required:
        value = minimal(gen.properties[name], depth + 1)
        if value is NO_VALUE:
            return NO_VALUE
        out[name] = value
    for name, sub in gen.properties.items():
        if len(out) >= gen.min_properties:
            break
        if name not in out:
            value = minimal(sub, depth + 1)
            if value is not NO_VALUE:
                out[name] = value
    for rule in gen.rules:
        fixed = getattr(rule, "minimal", None)
        if fixed is not None and not fixed(out):
            return NO_VALUE
    return out


def minimal_leaf(gen: Gen) -> Any:
    from contracttest.generate.formats import check_format, sample
    from contracttest.generate.positive import integer_range

    if isinstance(gen, ConstGen):
        return copy.deepcopy(gen.values[0])
    if isinstance(gen, BoolGen):
        return False
    if isinstance(gen, NullGen):
        return None
    if isinstance(gen, AnyGen):
        zeros: dict[str, Any] = {
            "null": None,
            "boolean": False,
            "integer": 0,
            "number": 0,
            "string": "",
            "array": [],
            "object": {},
        }
        return next((zeros[t] for t in ("null", *gen.types) if t in gen.types), None)
    if isinstance(gen, NumberGen):
        return _number_near(gen, 0, integer_range)
    if isinstance(gen, StringGen):
        return (
            string_of_length(gen, None)
            if gen.plan or not gen.format
            else _format_value(gen, sample, check_format)
        )
    return NO_VALUE


def _format_value(gen: StringGen, sample: Any, check: Any) -> Any:
    assert gen.format is not None
    value = sample(gen.format)
    if gen.min_length <= len(value) and (gen.max_length is None or len(value) <= gen.max_length):
        return value
    # a format every string satisfies samples as "" (``password``): longer, it is any string the
    # format's own check accepts (chime's passwords with a minLength lost their boundary cases)
    if not check(gen.format, "a" * gen.min_length):
        return NO_VALUE
    return "a" * gen.min_length


def string_of_length(gen: StringGen, n: int | None) -> Any:
    """A string of ``gen`` with ``n`` characters (None: the shortest); `NO_VALUE` if there is none."""
    from contracttest.generate.formats import check_format

    if gen.plan is not None:
        lengths = gen.plan.lengths
        if not lengths:
            return NO_VALUE
        target = lengths[0] if n is None else n
        value = gen.plan.build_len(target)
        if value is None:
            from contracttest.generate.strings import LastChooser

            value = gen.plan.build_len(target, LastChooser())
    else:
        target = gen.min_length if n is None else n
        value = "a" * target
    if value is None:
        return NO_VALUE
    if gen.format and not check_format(gen.format, value):
        return NO_VALUE
    if not all(p.test(value) for p in gen.extra_patterns):
        return NO_VALUE
    return value


def _number_near(gen: NumberGen, near: float, integer_range: Any) -> Any:
    lo = gen.minimum if gen.minimum is not None else -math.inf
    hi = gen.maximum if gen.maximum is not None else math.inf
    if gen.multiple_of is not None:
        step = gen.multiple_of
        k = round(near / step)
        for cand in (
            k,
            k + 1,
            k - 1,
            math.ceil(lo / step) if lo > -math.inf else k,
            math.floor(hi / step) if hi < math.inf else k,
        ):
            v = cand * step
            if _inside(gen, v):
                return _tidy(v)
        return NO_VALUE
    rng = integer_range(gen) if (gen.minimum is not None or gen.maximum is not None) else (-1, 1)
    if rng is not None:
        ilo, ihi = rng
        return min(max(int(near), ilo), ihi)
    if gen.integer:
        return NO_VALUE
    return (lo + hi) / 2


def _inside(gen: NumberGen, v: float) -> bool:
    if gen.minimum is not None and (
        v < gen.minimum or (gen.exclusive_minimum and v == gen.minimum)
    ):
        return False
    if gen.maximum is not None and (
        v > gen.maximum or (gen.exclusive_maximum and v == gen.maximum)
    ):
        return False
    return not gen.integer or float(v).is_integer()


def _tidy(v: float) -> int | float:
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


# ---------------------------------------------------------------------------- limit values
def limit_values(gen: Gen, length_method: str) -> Iterator[tuple[Any, str]]:
    """Valid values of ``gen`` at its limits, with a description."""
    from contracttest.validate.rules.lengths import count

    if isinstance(gen, ConstGen):
        values = gen.values
        if len(values) > MAX_ENUM_VALUES:
            values = (*values[: MAX_ENUM_VALUES - 1], values[-1])
        for item in values:
            yield copy.deepcopy(item), f"enum value {item!r}"
    elif isinstance(gen, BoolGen):
        yield True, "true"
    elif isinstance(gen, NumberGen):
        for bound, exclusive, side in (
            (gen.minimum, gen.exclusive_minimum, "minimum"),
            (gen.maximum, gen.exclusive_maximum, "maximum"),
        ):
            if bound is None:
                continue
            v: float = bound
            if exclusive:
                v = (
                    (bound + 1 if side == "minimum" else bound - 1)
                    if gen.integer
                    else (math.nextafter(bound, math.inf if side == "minimum" else -math.inf))
                )
            if _inside(gen, v):
                yield _tidy(v), f"at the {side} ({_tidy(v)})"
    elif isinstance(gen, StringGen):
        for n, side in ((gen.min_length, "minLength"), (gen.max_length, "maxLength")):
            if n is None or n > MAX_STRING_AT_LIMIT or (side == "minLength" and n == 0):
                continue
            value = string_of_length(gen, n)
            if value is not NO_VALUE:
                yield value, f"{n} characters, at {side}"
        if gen.pattern is None and not gen.format:
            from contracttest.generate.negative import length_probes

            for what, text in length_probes(gen):
                server = count(text, length_method)  # type: ignore[arg-type]
                if gen.min_length <= server and (
                    gen.max_length is None or server <= gen.max_length
                ):
                    yield text, f"{what}: within the limit as the server counts"
    elif isinstance(gen, ArrayGen) and gen.items is not None and not gen.empty_only:
        n = gen.max_items
        if n is not None and 0 < n <= MAX_ARRAY_AT_LIMIT and not gen.unique:
            item = minimal(gen.items)
            if item is not NO_VALUE:
                yield [copy.deepcopy(item) for _ in range(n)], f"{n} items, at maxItems"


@dataclass
class _Walk:
    length_method: str
    table: RuleTable | None
    variants_only: bool = False
    """First pass: only the union variants (so a case limit never starves them)."""
    seen: set[tuple[str, str]] = field(default_factory=set)

    def values(self, gen: Gen, pointer: str, depth: int = 0) -> Iterator[tuple[Any, str, str]]:
        """(valid value of ``gen``, pointer of the limit inside it, description), once per node."""
        if depth > 48:
            return
        if isinstance(gen, RuleGen):
            assert gen.valid is not None
            yield from self.values(gen.valid, pointer, depth + 1)
            return
        if isinstance(gen, FilterGen):
            assert gen.inner is not None and gen.check is not None
            check = gen.check
            for v, p, w in self.values(gen.inner, pointer, depth + 1):
                if check(v):
                    yield v, p, w
            return
        # containers are visited at each recursion depth they have a plan for (deeper plans may
        # have lost members to the bound, so the first one met may not hold them all); leaves once
        container = isinstance(gen, (UnionGen, ObjectGen, ArrayGen))
        key = (gen.pointer, str(id(gen)) if container else type(gen).__name__)
        if key in self.seen:
            return
        self.seen.add(key)
        base = minimal(gen)
        if base is NO_VALUE:
            return
        if not self.variants_only:
            for value, what in limit_values(gen, self.length_method):
                yield value, pointer, what
        if isinstance(gen, UnionGen):
            for i, (branch, alone) in enumerate(_branches(gen)):
                first = _tagged(gen, i, minimal(branch))
                if first is not NO_VALUE and (alone is None or alone(first)):
                    tag = f" {gen.discriminator}={gen.tags[i]!r}" if gen.discriminator else ""
                    yield first, pointer, f"variant {i}{tag}"
                for v, p, w in self.values(branch, pointer, depth + 1):
                    tagged = _tagged(gen, i, v)
                    if alone is None or alone(tagged):
                        yield tagged, p, w
        elif isinstance(gen, ObjectGen) and isinstance(base, dict):
            yield from self.object_values(gen, base, pointer, depth)
        elif isinstance(gen, ArrayGen) and isinstance(base, list) and gen.items is not None:
            if gen.max_items == 0 or gen.empty_only:
                return
            rest = base[1:] if base else []
            for v, p, w in self.values(gen.items, _pointer.join(pointer, 0), depth + 1):
                yield [v, *rest], p, w

    def object_values(
        self, gen: ObjectGen, base: dict[str, Any], pointer: str, depth: int
    ) -> Iterator[tuple[Any, str, str]]:
        ruled = {getattr(r, "name", None): r for r in gen.rules}
        for name, sub in gen.properties.items():
            ptr = _pointer.join(pointer, name)
            rule = ruled.get(name)
            if rule is not None and not self.variants_only:
                for value, what in rule.examples(base):
                    yield value, ptr, what
                continue
            for v, p, w in self.values(sub, ptr, depth + 1):
                candidate = {**base, name: v}
                if all(_rule_ok(r, candidate) for r in gen.rules):
                    yield candidate, p, w


def _tagged(gen: UnionGen, index: int, value: Any) -> Any:
    """A variant's value with its tag written out (an optional tag says which variant it is)."""
    prop = gen.discriminator
    if prop is None or not isinstance(value, dict) or prop in value:
        return value
    return {prop: gen.tags[index], **value}


def _rule_ok(rule: Any, value: dict[str, Any]) -> bool:
    check = getattr(rule, "holds", None)
    return True if check is None else bool(check(value))


# ---------------------------------------------------------------------------------- the phase
def boundary_cases(
    generator: Generator,
    target: Target,
    *,
    limit: int | None = 2000,
    variants_limit: int | None = None,
    report: BoundaryReport | None = None,
) -> Iterator[Case]:
    """The boundary phase of ``target``: valid cases at each limit and invalid ones past it.

    Three passes: the minimal payload (with every violation it can carry), one valid payload per
    union variant (every variant is reached), then each constraint at its limits (with the
    violations just past them).

    Args:
        generator: the spec's generator (`contracttest.generate.core.generator_for`).
        target: the target.
        limit: stop the limits pass after this many cases (None: all of them).
        variants_limit: the same for the variants pass (None, the default: every variant).
        report: filled with counts and the cases the validator did not confirm.

    Yields:
        `Case` records, the minimal valid payload first; each checked by the validator.
    """
    plan = generator.plan(target)
    if not isinstance(plan.root, Gen):
        return
    report = report if report is not None else BoundaryReport()
    table = generator.semantic.table if generator.semantic is not None else None
    run = _Run(generator, target, plan.root, table, report)
    base = minimal(plan.root)
    if base is NO_VALUE:
        return
    yield from run.emit([(base, "", "minimal payload")], None, deep=True)
    method = run.method
    yield from run.emit(
        _Walk(method, table, variants_only=True).values(plan.root, ""), variants_limit, deep=False
    )
    yield from run.emit(_Walk(method, table).values(plan.root, ""), limit, deep=True)


class _Run:
    def __init__(
        self,
        generator: Generator,
        target: Target,
        root: Gen,
        table: RuleTable | None,
        report: BoundaryReport,
    ) -> None:
        self.target = target
        self.root = root
        self.table = table
        self.report = report
        self.validator = generator.validator(target)
        self.method: str = self.validator.length_method
        self.verdicts: dict[str, bool] = {}
        """Valid cases seen (by their text) and the validator's verdict on each."""
        self.seen_invalid: set[tuple[str, str, str]] = set()

    def emit(
        self, sources: Iterable[tuple[Any, str, str]], limit: int | None, *, deep: bool
    ) -> Iterator[Case]:
        from contracttest.generate.negative import accepts, apply, mutations

        emitted = 0
        for value, site, what in sources:
            if limit is not None and emitted >= limit:
                return
            text = repr(value)
            verdict = self.verdicts.get(text)
            if verdict is None:
                verdict = self.verdicts[text] = self.validator.is_valid(value)
                if not verdict:
                    self.report.rejected += 1
                    self.report.discarded.append((what, "the validator rejects this valid case"))
                else:
                    self.report.valid += 1
                    emitted += 1
                    yield Case(self.target.key, value, None, what)
            if not verdict or not deep:
                continue
            found = mutations(
                self.root, value, table=self.table, length_method=self.method, at=site or None
            )
            for m in found:
                key = (m.rule, m.pointer, repr(m.value))
                if key in self.seen_invalid:
                    continue
                self.seen_invalid.add(key)
                bad = apply(value, m)
                if not accepts(self.validator.findings(bad), m.violation, semantic=m.semantic):
                    self.report.discarded.append(
                        (f"{m.what} at {m.pointer or '/'}", "label not confirmed")
                    )
                    continue
                self.report.invalid += 1
                self.report.rules.add(m.rule)
                emitted += 1
                yield Case(self.target.key, bad, m.violation, f"{m.what} ({what})")


def _chain(*parts: Iterable[tuple[Any, str, str]]) -> Iterator[tuple[Any, str, str]]:
    for part in parts:
        yield from part
