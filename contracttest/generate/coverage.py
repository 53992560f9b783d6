"""What generation reaches on a spec: per target, its plan's status, the union variants payloads
actually took, the rules the invalid payloads break, and the parts of the schema left out (why).

Used by ``contracttest generate --all`` and by the real-world tests and benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from contracttest.generate._gen import (
    ArrayGen,
    FilterGen,
    Gen,
    Note,
    ObjectGen,
    RuleGen,
    UnionGen,
)

if TYPE_CHECKING:
    from contracttest.generate.core import Generator
    from contracttest.openapi.model import Target

__all__ = [
    "TargetCoverage",
    "branch_label",
    "cover",
    "cover_target",
    "union_branches",
    "variants_taken",
]


@dataclass
class TargetCoverage:
    """Coverage of one target."""

    target: str
    status: str
    """``full``, ``partial`` or ``unsatisfiable``."""
    reason: str | None = None
    """Why the target is unsatisfiable."""
    notes: list[Note] = field(default_factory=list)
    variants: int = 0
    """Union branches in the plan (discriminated variants and plain oneOf/anyOf branches)."""
    reached: int = 0
    """Of those, the branches some valid payload took."""
    rules: set[str] = field(default_factory=set)
    """Rule ids the invalid payloads break."""
    valid: int = 0
    invalid: int = 0
    discarded: int = 0
    """Boundary invalid cases whose label the validator did not confirm (left out of the output)."""
    disagreements: int = 0
    """Valid payloads the validator rejects (random and boundary): must be 0."""
    error: str | None = None
    """Generation failed (Hypothesis gave up), with the message."""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "status": self.status,
            "reason": self.reason,
            "left_out": [str(n) for n in self.notes if n.kind == "left-out"],
            "dead_branches": [str(n) for n in self.notes if n.kind == "dead-branch"],
            "variants": self.variants,
            "variants_reached": self.reached,
            "rules": sorted(self.rules),
            "valid": self.valid,
            "invalid": self.invalid,
            "discarded": self.discarded,
            "disagreements": self.disagreements,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


def _unwrap(gen: Gen) -> Gen:
    while isinstance(gen, (FilterGen, RuleGen)):
        inner = gen.valid if isinstance(gen, RuleGen) else gen.inner
        if inner is None:
            break
        gen = inner
    return gen


def branch_label(union: UnionGen, index: int) -> str:
    """A name for a union's branch that is the same at every recursion depth (where the plan of
    the union may have lost branches to the bound, shifting the indexes)."""
    if union.tags:
        return repr(union.tags[index])
    return union.branches[index].pointer


def union_branches(root: Gen) -> dict[tuple[str, str], str]:
    """Every union branch reachable in a plan: (union pointer, branch label) -> branch pointer."""
    out: dict[tuple[str, str], str] = {}
    seen: set[int] = set()
    stack = [root]
    while stack:
        gen = _unwrap(stack.pop())
        if id(gen) in seen:
            continue
        seen.add(id(gen))
        if isinstance(gen, UnionGen) and gen.keyword != "type":
            for i, branch in enumerate(gen.branches):
                out[(gen.pointer, branch_label(gen, i))] = branch.pointer
            stack.extend(gen.branches)
        elif isinstance(gen, UnionGen):
            stack.extend(gen.branches)
        elif isinstance(gen, ObjectGen):
            stack.extend(gen.properties.values())
            if gen.additional is not None:
                stack.append(gen.additional)
        elif isinstance(gen, ArrayGen):
            stack.extend(gen.prefix)
            if gen.items is not None:
                stack.append(gen.items)
    return out


def variants_taken(root: Gen, value: Any) -> Iterator[tuple[str, str]]:
    """The (union pointer, branch label) pairs a valid value took."""
    from contracttest.generate.negative import pick_branch

    stack: list[tuple[Gen, Any]] = [(root, value)]
    while stack:
        gen, val = stack.pop()
        gen = _unwrap(gen)
        if isinstance(gen, UnionGen):
            branch, _ = pick_branch(gen, val)
            if branch is None:
                continue
            if gen.keyword != "type":
                yield gen.pointer, branch_label(gen, gen.branches.index(branch))
            stack.append((branch, val))
        elif isinstance(gen, ObjectGen) and isinstance(val, dict):
            for k, v in val.items():
                sub = gen.properties.get(k)
                if sub is not None:
                    stack.append((sub, v))
        elif isinstance(gen, ArrayGen) and isinstance(val, list):
            for i, v in enumerate(val):
                sub = gen.prefix[i] if i < len(gen.prefix) else gen.items
                if sub is not None:
                    stack.append((sub, v))


def cover_target(
    generator: Generator,
    target: Target,
    *,
    n: int = 20,
    seed: int | None = 0,
    boundary: bool = True,
    boundary_limit: int = 500,
) -> TargetCoverage:
    """Generate ``n`` valid and ``n`` invalid payloads (plus the boundary phase) and measure them."""
    from contracttest.errors import ContractTestError
    from contracttest.generate.boundary import BoundaryReport, boundary_cases
    from contracttest.generate.core import examples

    started = time.perf_counter()
    plan = generator.plan(target)
    result = TargetCoverage(target.key, plan.status)
    if not isinstance(plan.root, Gen):
        result.reason = plan.root.reason
        result.seconds = time.perf_counter() - started
        return result
    root = plan.root
    result.notes = sorted(plan.notes, key=lambda n: (n.kind, n.pointer))
    branches = union_branches(root)
    result.variants = len(branches)
    taken: set[tuple[str, str]] = set()
    try:
        valid = examples(generator.valid(target), n, seed)
        invalid = examples(generator.invalid(target), n, seed)
    except ContractTestError as exc:
        result.error = exc.message
        valid, invalid = [], []
    validator = generator.validator(target)
    for value in valid:
        taken.update(variants_taken(root, value))
        if not validator.is_valid(value):
            result.disagreements += 1
    result.valid = len(valid)
    result.invalid = len(invalid)
    result.rules.update(case.violation.rule for case in invalid)
    if boundary:
        report = BoundaryReport()
        for case in boundary_cases(generator, target, limit=boundary_limit, report=report):
            if case.violation is None:
                taken.update(variants_taken(root, case.payload))
        result.valid += report.valid
        result.invalid += report.invalid
        result.rules |= report.rules
        result.discarded = len(report.discarded) - report.rejected
        result.disagreements += report.rejected
    result.reached = len(taken & set(branches))
    result.seconds = time.perf_counter() - started
    return result


def cover(
    generator: Generator, targets: Iterable[Target], **kwargs: Any
) -> Iterator[TargetCoverage]:
    """`cover_target` for each target."""
    for target in targets:
        yield cover_target(generator, target, **kwargs)
