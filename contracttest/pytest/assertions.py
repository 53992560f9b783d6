"""Assertion helpers for a project's own tests: is this payload what the contract allows?

``spec`` defaults to the spec of the running pytest session (``--contract-spec``, ini
``contract_spec``, ``[tool.contracttest]``); outside pytest, to the one ``[tool.contracttest]``
names. Failures raise `ContractAssertionError` showing each finding (rule, pointer, message, spec
location) and the redacted payload.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.findings import Finding, Severity
from contracttest.pytest.failures import ContractAssertionError

if TYPE_CHECKING:
    from contracttest.openapi.model import Spec, Target

__all__ = ["ContractValidator", "assert_invalid", "assert_valid", "findings_of"]

_LOADED: dict[str, Spec] = {}
_LOCK = threading.Lock()


def _load(source: str | os.PathLike[str]) -> Spec:
    key = str(Path(source).resolve()) if "://" not in str(source) else str(source)
    with _LOCK:
        spec = _LOADED.get(key)
    if spec is None:
        from contracttest.openapi import load_spec

        spec = load_spec(source)
        with _LOCK:
            spec = _LOADED.setdefault(key, spec)
    return spec


def _configured_spec() -> Spec:
    from contracttest.pytest._runtime import current

    runtime = current()
    if runtime is not None:
        return runtime.spec()
    from types import SimpleNamespace

    from contracttest.cli import resolve_spec_args
    from contracttest.openapi import load_spec

    source, overlays = resolve_spec_args(SimpleNamespace(spec=None, overlay=None, no_overlay=False))  # type: ignore[arg-type]
    key = "configured:" + "|".join([str(Path(source).resolve()), *overlays])
    with _LOCK:
        spec = _LOADED.get(key)
    if spec is None:
        spec = load_spec(source, overlays=overlays)
        with _LOCK:
            spec = _LOADED.setdefault(key, spec)
    return spec


def resolve_spec(spec: Spec | str | os.PathLike[str] | None) -> Spec:
    """A `Spec` from an explicit spec, a path/URL, or the configured one."""
    from contracttest.openapi.model import Spec as SpecType

    if spec is None:
        return _configured_spec()
    if isinstance(spec, SpecType):
        return spec
    return _load(spec)


def _target_name(target: str | Target) -> str:
    return target if isinstance(target, str) else target.key


def findings_of(
    payload: Any,
    target: str | Target,
    *,
    spec: Spec | str | os.PathLike[str] | None = None,
    min_severity: Severity = Severity.ERROR,
) -> list[Finding]:
    """What the validator finds in ``payload`` against ``target`` (errors by default), sorted."""
    from contracttest.validate import get_validator

    validator = get_validator(resolve_spec(spec), target)
    found = [f for f in validator.iter_findings(payload) if f.severity >= min_severity]
    return sorted(found, key=Finding.sort_key)


def assert_valid(
    payload: Any, target: str | Target, *, spec: Spec | str | os.PathLike[str] | None = None
) -> None:
    """Assert that the contract accepts ``payload`` as ``target``.

    Args:
        payload: the JSON value (already parsed).
        target: a DTO name (``CreateTwilioPhoneNumberDTO``), an operation (``POST /phone-number``,
            an operationId, meaning its request body), ``...:response:201``, ``...:parameters``.
        spec: a `Spec`, a path or URL; default: the session's configured spec.

    Raises:
        ContractAssertionError: the payload breaks the contract (every finding is shown).
        TargetError: ``target`` names nothing in the spec.

    Example:
        >>> assert_valid({"provider": "vapi"}, "CreateVapiPhoneNumberDTO")  # doctest: +SKIP
    """
    __tracebackhide__ = True
    findings = findings_of(payload, target, spec=spec)
    if findings:
        n = len(findings)
        raise ContractAssertionError(
            f"the payload breaks {_target_name(target)}: {n} finding{'s' if n != 1 else ''}",
            target=_target_name(target),
            findings=findings,
            payload=payload,
        )


def _matches(f: Finding, rule: str | None, pointer: str | None) -> bool:
    rule_ok = rule is None or f.rule == rule or f.rule.startswith(rule.rstrip(".") + ".")
    pointer_ok = pointer is None or f.pointer == pointer
    return (rule_ok and pointer_ok) or any(_matches(d, rule, pointer) for d in f.details)


def assert_invalid(
    payload: Any,
    target: str | Target,
    *,
    rule: str | None = None,
    pointer: str | None = None,
    spec: Spec | str | os.PathLike[str] | None = None,
) -> list[Finding]:
    """Assert that the contract rejects ``payload`` as ``target`` (for the expected reason).

    Args:
        payload: the JSON value.
        target: as for `assert_valid`.
        rule: a rule id (``phone.e164``, ``schema.maxLength``) or a prefix (``schema``, ``hooks``)
            one of the findings must have.
        pointer: the JSON pointer (``/number``) that finding must be at.
        spec: as for `assert_valid`.

    Returns:
        The findings that match ``rule`` and ``pointer`` (every finding when neither is given).

    Raises:
        ContractAssertionError: the payload is valid, or is invalid only for other reasons.

    Example:
        >>> assert_invalid({"provider": "byo-phone-number", "number": "12"},  # doctest: +SKIP
        ...                "POST /phone-number", rule="phone.e164")
    """
    __tracebackhide__ = True
    findings = findings_of(payload, target, spec=spec)
    name = _target_name(target)
    wanted = ""
    if rule is not None:
        wanted += f" with {rule}"
    if pointer is not None:
        wanted += f" at {pointer or '/'}"
    if not findings:
        raise ContractAssertionError(
            f"expected the payload to break {name}{wanted}, but it is valid",
            target=name,
            findings=[],
            payload=payload,
        )
    matched = [f for f in findings if _matches(f, rule, pointer)]
    if not matched:
        raise ContractAssertionError(
            f"expected the payload to break {name}{wanted}, but it breaks only other rules:",
            target=name,
            findings=findings,
            payload=payload,
        )
    return matched


class ContractValidator:
    """The ``contract_validator`` fixture: the helpers bound to one spec.

    Example:
        >>> def test_payload(contract_validator):  # doctest: +SKIP
        ...     assert contract_validator({"provider": "vapi"}, "CreateVapiPhoneNumberDTO") == []
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def __call__(self, payload: Any, target: str | Target) -> list[Finding]:
        """The error findings of ``payload`` against ``target`` (empty: valid)."""
        return findings_of(payload, target, spec=self.spec)

    def findings(
        self, payload: Any, target: str | Target, *, min_severity: Severity = Severity.ERROR
    ) -> list[Finding]:
        return findings_of(payload, target, spec=self.spec, min_severity=min_severity)

    def is_valid(self, payload: Any, target: str | Target) -> bool:
        from contracttest.validate import get_validator

        return bool(get_validator(self.spec, target).is_valid(payload))

    def assert_valid(self, payload: Any, target: str | Target) -> None:
        __tracebackhide__ = True
        assert_valid(payload, target, spec=self.spec)

    def assert_invalid(
        self,
        payload: Any,
        target: str | Target,
        *,
        rule: str | None = None,
        pointer: str | None = None,
    ) -> list[Finding]:
        __tracebackhide__ = True
        return assert_invalid(payload, target, rule=rule, pointer=pointer, spec=self.spec)

    def __repr__(self) -> str:
        return f"ContractValidator({self.spec.source!r})"
