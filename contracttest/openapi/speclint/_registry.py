"""The rule registry: every spec lint rule registers itself here by id."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracttest.findings import Finding

if TYPE_CHECKING:
    from contracttest.openapi.speclint._context import LintContext

RuleFunc = Callable[["LintContext"], Iterable[Finding]]


@dataclass(frozen=True)
class SpecRule:
    """A registered lint rule."""

    id: str
    func: RuleFunc
    summary: str
    opt_in: bool = False
    """Runs only when asked for (the ``security.*`` family, like Spectral's and vacuum's OWASP
    rulesets): it judges the API's design, beyond what the contract must say."""


RULES: dict[str, SpecRule] = {}
"""Every lint rule by id, in registration order."""


def spec_rule(rule_id: str, *, opt_in: bool = False) -> Callable[[RuleFunc], RuleFunc]:
    """Register a lint rule: a function ``(ctx) -> Iterable[Finding]``.

    ``opt_in`` rules run only when `lint_spec` is asked for them (``enable``).

    Example:
        >>> @spec_rule("example.rule")  # doctest: +SKIP
        ... def check(ctx: LintContext) -> Iterator[Finding]:
        ...     yield from ()
    """

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"spec lint rule {rule_id!r} is registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        RULES[rule_id] = SpecRule(rule_id, func, doc[0] if doc else rule_id, opt_in)
        return func

    return register
