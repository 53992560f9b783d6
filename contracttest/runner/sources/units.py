"""Coverage units as cases: the enumerated units of an operation (`contracttest.runner.enumeration`)
sent once each, as a request that breaks only that unit (negative units, in the negative phase) or
holds a valid value at one of its limits (valid edges, in the positive phase). What is not sent
says why: no payload reaches it, none breaks only it, the run's unit budget is spent.

Within an operation's share of the budget, units go out breadth first: the first way of breaking
each place, then the second, so a partial run still touches every place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracttest.runner.verdicts import Enumerated, Unexercised

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.runner.case import CoverageUnit, UnitKind
    from contracttest.runner.context import SourceContext, Steps
    from contracttest.runner.enumeration import Enumeration

__all__ = ["breadth_first", "unit_cases", "units_not_sent"]


def _mine(
    ctx: SourceContext, op: Operation, kind: UnitKind
) -> list[tuple[Enumeration, CoverageUnit]]:
    return [(e, u) for e in ctx.builder.coverage(op) for u in e.units if u.kind == kind]


def breadth_first(
    units: list[tuple[Enumeration, CoverageUnit]],
) -> list[tuple[Enumeration, CoverageUnit]]:
    """The first unit of each place, then the second of each, and so on (stable)."""
    by_place: dict[tuple[str, ...], list[tuple[Enumeration, CoverageUnit]]] = {}
    for item in units:
        u = item[1]
        by_place.setdefault((u.part, u.variant, u.schema or u.location), []).append(item)
    out: list[tuple[Enumeration, CoverageUnit]] = []
    rank = 0
    while len(out) < len(units):
        for group in by_place.values():
            if rank < len(group):
                out.append(group[rank])
        rank += 1
    return out


def unit_cases(ctx: SourceContext, op: Operation, kind: UnitKind) -> Steps:
    """Enumerate the units of one kind, then one case per unit within the operation's share."""
    mine = _mine(ctx, op, kind)
    if not mine:
        return
    left_out = sum(e.left_out for e in ctx.builder.coverage(op))
    yield Enumerated(tuple(u for _e, u in mine), left_out)
    share = ctx.builder.unit_share(op, kind)
    for i, (enum, unit) in enumerate(breadth_first(mine)):
        if i >= share:
            yield Unexercised(unit, "the run's unit budget was spent (--max-units)")
            continue
        if ctx.budget.exceeded():
            return  # the rest stays "not reached: time budget"
        planned = enum.plan(unit)
        if planned is None:
            continue  # it cannot exist on the wire after all
        if planned.reason is not None:
            yield Unexercised(unit, planned.reason)
            continue
        case = ctx.builder.unit_case(op, planned)
        if isinstance(case, str):
            yield Unexercised(unit, case)
            continue
        yield case


def units_not_sent(ctx: SourceContext, op: Operation, kind: UnitKind, reason: str) -> Steps:
    """The units of an operation a phase skips, each with the phase's reason."""
    mine = _mine(ctx, op, kind)
    if not mine:
        return
    left_out = sum(e.left_out for e in ctx.builder.coverage(op))
    yield Enumerated(tuple(u for _e, u in mine), left_out)
    for _enum, unit in mine:
        yield Unexercised(unit, reason)
