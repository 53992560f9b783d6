"""Collection: the ``contract`` marker turns one test function into one test per operation and kind.

The function is parametrized over its case argument (``case`` by default) with an `OperationSlot`
per operation and kind; the plugin's ``pytest_pyfunc_call`` recognises the slot and calls the
function once per Hypothesis example with a real `ContractCase` (`contracttest.pytest._drive`).
Only public pytest APIs are used: ``Metafunc.parametrize`` and the ``pytest_pyfunc_call`` hook.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from contracttest.errors import ContractTestError, UsageError
from contracttest.pytest._settings import KINDS

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.pytest._runtime import Runtime

__all__ = ["ContractOptions", "OperationSlot", "applies", "generate", "parse_options"]

DEFAULT_KINDS = ("valid", "invalid")
_KNOWN = ("spec", "operations", "checks", "kinds", "max_examples", "argname", "overlays")


@dataclass(frozen=True)
class ContractOptions:
    """The arguments of a ``contract`` marker (or of `contracttest.pytest.parametrize`)."""

    spec: Any = None
    operations: tuple[str, ...] = ()
    checks: tuple[str, ...] | None = None
    kinds: tuple[str, ...] = DEFAULT_KINDS
    max_examples: int | None = None
    argname: str = "case"
    overlays: tuple[str, ...] = ()


@dataclass(frozen=True)
class OperationSlot:
    """What one generated test runs: an operation of a spec, a kind of case, the checks."""

    spec_key: str
    operation: str
    kind: str
    checks: tuple[str, ...] | None
    max_examples: int | None
    argname: str

    def __repr__(self) -> str:
        return f"{self.operation}-{self.kind}"


def _names(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise UsageError(f"{what} must be a string or a list of strings, got {value!r}")


def parse_options(*args: Any, **kwargs: Any) -> ContractOptions:
    """Check marker arguments (``spec`` may be positional) and normalise them.

    Raises:
        UsageError: an unknown keyword, a kind that does not exist, a bad type.
    """
    if len(args) > 1:
        raise UsageError(f"contract marker: at most one positional argument (spec), got {args!r}")
    unknown = sorted(set(kwargs) - set(_KNOWN))
    if unknown:
        raise UsageError(
            f"contract marker: unknown argument(s) {', '.join(unknown)}; known: {', '.join(_KNOWN)}"
        )
    if args and "spec" in kwargs:
        raise UsageError("contract marker: spec given twice (positionally and as spec=)")
    spec = args[0] if args else kwargs.get("spec")
    kinds = _names(kwargs.get("kinds", DEFAULT_KINDS), "kinds")
    for kind in kinds:
        if kind not in KINDS:
            raise UsageError(f"contract marker: unknown kind {kind!r}; expected {', '.join(KINDS)}")
    if not kinds:
        raise UsageError("contract marker: kinds is empty")
    checks = kwargs.get("checks")
    max_examples = kwargs.get("max_examples")
    if max_examples is not None and (
        isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1
    ):
        raise UsageError(
            f"contract marker: max_examples must be a positive int, got {max_examples!r}"
        )
    argname = kwargs.get("argname", "case")
    if not isinstance(argname, str) or not argname.isidentifier():
        raise UsageError(f"contract marker: argname must be an identifier, got {argname!r}")
    return ContractOptions(
        spec=spec,
        operations=_names(kwargs.get("operations"), "operations"),
        checks=_names(checks, "checks") if checks is not None else None,
        kinds=tuple(dict.fromkeys(kinds)),
        max_examples=max_examples,
        argname=argname,
        overlays=_names(kwargs.get("overlays"), "overlays"),
    )


def applies(op: Operation, kind: str) -> bool:
    """Whether a kind of case exists for an operation (nothing to break, nothing to authenticate)."""
    if kind == "invalid":
        return op.json_body() is not None or bool(op.parameters)
    if kind == "auth":
        return op.secured
    return True


def generate(metafunc: pytest.Metafunc, runtime: Runtime) -> None:
    """Parametrize a ``contract``-marked test over the operations of its spec."""
    mark = metafunc.definition.get_closest_marker("contract")
    assert mark is not None
    name = metafunc.definition.name
    try:
        opts = parse_options(*mark.args, **mark.kwargs)
        if inspect.iscoroutinefunction(metafunc.function):
            raise UsageError("contract tests must be plain functions, not coroutines")
        if hasattr(metafunc.function, "hypothesis"):
            raise UsageError(
                "contract tests are driven by Hypothesis already; remove @given from the function"
            )
        key = runtime.spec_key(
            opts.spec, overlays=opts.overlays, base=metafunc.definition.path.parent
        )
        spec = runtime.spec(key)
        from contracttest.runner.plan import select_operations

        operations = select_operations(spec, list(opts.operations))
        checks: tuple[str, ...] | None = None
        if opts.checks is not None:
            from contracttest.runner.catalog import resolve_checks

            checks = tuple(resolve_checks(list(opts.checks)))
    except ContractTestError as exc:
        raise pytest.fail.Exception(f"contract test {name}: {exc}", pytrace=False) from None
    if opts.argname not in metafunc.fixturenames:
        pytest.fail(
            f"contract test {name}: the function must take a {opts.argname!r} argument "
            f"(the contract case), e.g. def {metafunc.function.__name__}({opts.argname}): "
            f"{opts.argname}.call_and_check()",
            pytrace=False,
        )
    params = [
        pytest.param(
            OperationSlot(key, op.label, kind, checks, opts.max_examples, opts.argname),
            id=f"{op.label}-{kind}",
        )
        for op in operations
        for kind in opts.kinds
        if applies(op, kind)
    ]
    metafunc.parametrize(opts.argname, params)
