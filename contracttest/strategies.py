"""Hypothesis strategies for the payloads of a spec: valid ones, and invalid ones labelled with the
one rule they break.

Example:
    >>> from contracttest import load_spec
    >>> from contracttest.strategies import valid, invalid
    >>> spec = load_spec("spec/vapi-phone-numbers.yaml")  # doctest: +SKIP
    >>> @given(valid(spec, "POST /phone-number"))  # doctest: +SKIP
    ... def test_server_accepts(payload): ...
    >>> @given(invalid(spec, "CreateTwilioPhoneNumberDTO", rules=["phone.*"]))  # doctest: +SKIP
    ... def test_server_rejects(case):
    ...     assert case.violation.rule.startswith("phone.")

Strategies are built from the spec's translated JSON Schema by contracttest's own compiler
(`contracttest.generate`): discriminated ``oneOf`` draw every variant with its tag pinned, plain
``oneOf`` values match exactly one branch, recursion is bounded (``max_depth``), strings satisfy
pattern, format and length together, and the spec's rule table is honoured (E.164 numbers that
libphonenumber accepts, digit-only ringing prefixes...). A target no value can satisfy raises
`SpecError` naming the defect.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from contracttest.generate.boundary import BoundaryReport, Case
    from contracttest.generate.compiler import Plan
    from contracttest.generate.negative import Invalid
    from contracttest.openapi.model import Spec, Target

__all__ = ["boundary_cases", "examples", "invalid", "plan", "valid"]


def _generator(spec: Spec, opts: dict[str, Any]) -> Any:
    from contracttest.errors import UsageError
    from contracttest.generate.core import GenerationOptions, generator_for

    try:
        options = GenerationOptions(**opts)
    except TypeError as exc:
        names = ", ".join(GenerationOptions.__dataclass_fields__)
        raise UsageError(f"{exc}; options are: {names}") from None
    return generator_for(spec, options)


def valid(spec: Spec, target: str | Target, **opts: Any) -> SearchStrategy[Any]:
    """Strategy of valid payloads of ``target`` (a DTO, a request body, parameters, a response).

    Args:
        spec: the loaded spec (`contracttest.load_spec`).
        target: ``CreateTwilioPhoneNumberDTO``, ``POST /phone-number``,
            ``PhoneNumberController_findOne:response:200``, ``...:parameters``, or a `Target`.
        **opts: `contracttest.generate.GenerationOptions` (``max_depth=2``, ``closed``,
            ``max_optional``, ``rules``...).

    Raises:
        TargetError: the target names nothing in the spec.
        SpecError: no valid payload exists (the message names the unsatisfiable part).
        UsageError: an option is unknown or out of range.
    """
    return _generator(spec, opts).valid(target)  # type: ignore[no-any-return]


def invalid(
    spec: Spec, target: str | Target, rules: Sequence[str] | None = None, **opts: Any
) -> SearchStrategy[Invalid]:
    """Strategy of `Invalid` payloads: a valid payload with exactly one violation.

    Each example carries ``payload`` and ``violation`` (``rule``, ``pointer``); the validator has
    confirmed that it reports exactly that violation, for every shrunk example too.

    Args:
        spec: the loaded spec.
        target: as for `valid`.
        rules: only these rule ids (globs: ``schema.*``, ``phone.*``); None for every rule.
        **opts: as for `valid`.
    """
    return _generator(spec, opts).invalid(target, rules=rules)  # type: ignore[no-any-return]


def boundary_cases(
    spec: Spec,
    target: str | Target,
    *,
    limit: int | None = 2000,
    report: BoundaryReport | None = None,
    **opts: Any,
) -> Iterator[Case]:
    """The deterministic boundary phase: each constraint at its limit (valid) and just past it.

    Yields `Case` records (``payload``, ``violation`` or None), each confirmed by the validator.
    """
    from contracttest.generate.boundary import boundary_cases as cases
    from contracttest.generate.core import resolve_target

    generator = _generator(spec, opts)
    yield from cases(generator, resolve_target(spec, target), limit=limit, report=report)


def plan(spec: Spec, target: str | Target, **opts: Any) -> Plan:
    """The generation plan: ``status`` (full / partial / unsatisfiable) and ``notes`` (why)."""
    return _generator(spec, opts).plan(target)  # type: ignore[no-any-return]


def examples(strategy: SearchStrategy[Any], n: int, seed: int | None = None) -> list[Any]:
    """Draw ``n`` examples outside a test, reproducibly with ``seed``."""
    from contracttest.generate.core import examples as draw

    return draw(strategy, n, seed)
