"""Contract tests in pytest: generated tests per operation, and assertion helpers.

The plugin itself (options, fixtures, reports) is `contracttest.pytest_plugin`, registered through
the ``pytest11`` entry point. This package is what test modules import::

    import contracttest.pytest as ct

    @ct.parametrize(operations=["POST /phone-number"])
    def test_phone_numbers(case):
        case.call_and_check()

    def test_my_payload():
        ct.assert_valid({"provider": "vapi"}, "CreateVapiPhoneNumberDTO")

Importing it is cheap; the spec model, Hypothesis and the validators load when a test needs them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pytest

__all__ = [
    "NO_BODY",
    "ContractAssertionError",
    "ContractCase",
    "ContractCheckFailed",
    "ContractValidator",
    "assert_invalid",
    "assert_valid",
    "findings_of",
    "parametrize",
]

_LAZY = {
    "ContractCase": "contracttest.pytest.case",
    "ContractAssertionError": "contracttest.pytest.failures",
    "ContractCheckFailed": "contracttest.pytest.failures",
    "ContractValidator": "contracttest.pytest.assertions",
    "NO_BODY": "contracttest.runner.case",
    "assert_invalid": "contracttest.pytest.assertions",
    "assert_valid": "contracttest.pytest.assertions",
    "findings_of": "contracttest.pytest.assertions",
}

if TYPE_CHECKING:
    from contracttest.openapi.model import Spec
    from contracttest.pytest.assertions import (
        ContractValidator,
        assert_invalid,
        assert_valid,
        findings_of,
    )
    from contracttest.pytest.case import ContractCase
    from contracttest.pytest.failures import ContractAssertionError, ContractCheckFailed
    from contracttest.runner.case import NO_BODY


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'contracttest.pytest' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def parametrize(
    spec: Spec | str | os.PathLike[str] | None = None,
    *,
    operations: str | Sequence[str] | None = None,
    checks: str | Sequence[str] | None = None,
    kinds: str | Sequence[str] = ("valid", "invalid"),
    max_examples: int | None = None,
    argname: str = "case",
    overlays: str | Sequence[str] | None = None,
) -> pytest.MarkDecorator:
    """Turn a test function into one test per operation (and kind of case) of a spec.

    Each generated test runs the function once per Hypothesis example with a `ContractCase`
    (``argname``); ``case.call_and_check()`` sends it to the endpoint under test
    (``--contract-base-url``, else the built-in mock) and runs the runner's checks on the answer.
    Same as ``@pytest.mark.contract(...)`` with the same arguments.

    Args:
        spec: a `Spec`, a path (next to the test module, else in the rootdir) or URL; default: the
            session's spec (``--contract-spec``, ini ``contract_spec``, ``[tool.contracttest]``).
        operations: operationIds, ``METHOD /path``, ``/path``, ``tag:X`` or globs; default: all.
        checks: check ids or prefixes (``response``, ``request.invalid-rejected``); default: every
            check that applies to the case.
        kinds: ``valid`` (requests the server must accept), ``invalid`` (requests it must reject
            with 4xx), ``auth`` (missing and wrong credentials: 401/403).
        max_examples: Hypothesis examples per test (default ``--contract-max-examples``).
        argname: the argument that receives the case.
        overlays: OpenAPI Overlays for an explicit ``spec``.

    Returns:
        A pytest mark decorator (usable on functions, classes, or as ``pytestmark``).

    Raises:
        UsageError: an unknown kind or a malformed argument.

    Example:
        >>> @parametrize(operations="PhoneNumberController_create", kinds="invalid")  # doctest: +SKIP
        ... def test_rejects_bad_numbers(case):
        ...     case.call_and_check()
    """
    from contracttest.pytest._collect import parse_options

    kwargs: dict[str, Any] = {
        "spec": spec,
        "operations": operations,
        "checks": checks,
        "kinds": kinds,
        "max_examples": max_examples,
        "argname": argname,
        "overlays": overlays,
    }
    parse_options(**kwargs)  # fail at import time on a typo, not at collection
    mark: pytest.MarkDecorator = pytest.mark.contract(
        **{k: v for k, v in kwargs.items() if v is not None}
    )
    return mark
