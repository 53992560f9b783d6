"""Running one generated contract test: Hypothesis draws requests, the test function gets cases.

Cases come from the runner's one case builder (same generators, same fixtures for item operations,
same reading of parameters on the wire, same guards), so a contract test and ``contracttest run``
agree on what is valid and what the server must answer. Everything that draws
examples itself (fixture bodies, sample parameters) is prepared before the Hypothesis run starts, so
no Hypothesis run is nested in another.
"""

from __future__ import annotations

import hashlib
import inspect
import random
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from contracttest.errors import ContractTestError, TransportError

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from contracttest.pytest._collect import OperationSlot
    from contracttest.pytest._runtime import Endpoint, Runtime
    from contracttest.pytest.case import ContractCase
    from contracttest.runner.case import Case

__all__ = ["CaseFactory", "drive", "item_seed"]

UNRELIABLE_NOTE = (
    "Hypothesis could not reproduce this failure on every try: the server's answer depends on "
    "state or timing; the failure above is the first one seen"
)


def item_seed(session_seed: int, nodeid: str) -> int:
    digest = hashlib.sha256(nodeid.encode()).digest()[:4]
    return (session_seed * 7919 + int.from_bytes(digest, "big")) % (2**32)


class CaseFactory:
    """Builds `ContractCase`s of one kind for one operation of an endpoint, with the runner's case
    builder (`contracttest.runner.builder.CaseBuilder`): a contract test's cases are the cases
    ``contracttest run`` sends."""

    def __init__(
        self, endpoint: Endpoint, slot: OperationSlot, *, seed: int, session_seed: int | None = None
    ) -> None:
        self.endpoint = endpoint
        self.engine = endpoint.engine
        self.builder = self.engine.builder
        self.scope = self.engine.scope
        self.gen = self.engine.generation
        self.op = endpoint.spec.operation(slot.operation)
        self.kind = slot.kind
        self.checks = slot.checks
        self.seed = seed
        self.session_seed = session_seed
        """Shown in failure messages (``--contract-seed`` reruns the session's cases)."""
        self.res, self.role = self.scope.item_role(self.op)
        self._missing_id = str(uuid.UUID(int=random.Random(seed).getrandbits(128), version=4))
        """An id that names nothing: the same one for every example, so Hypothesis replays a
        failing example exactly when it shrinks it."""
        self.base_params: dict[str, Any] = {}
        self.base_body: Any = None

    # ------------------------------------------------------------------------------ set-up
    def skip_reason(self) -> str | None:
        op = self.op
        if self.kind == "valid" and not self.scope.may_send(op):
            return (
                f"read-only: {op.method} {op.path} changes data and {self.engine.plan.base_url} "
                "is not a loopback URL; pass --contract-allow-writes to let contract tests write "
                "there"
            )
        if self.kind in ("valid", "invalid") and self.scope.missing_credentials(op):
            return (
                f"{op.method} {op.path} needs credentials: pass --contract-token or set "
                "CONTRACTTEST_TOKEN"
            )
        return None

    def prepare(self) -> None:
        """Draw what cases reuse (sample parameters and body, fixture bodies) outside Hypothesis."""
        from contracttest.runner.case import NO_BODY

        self.base_params = self.builder.sample_params(self.op)
        self.base_body = self.builder.sample_body(self.op) if self.op.json_body() else NO_BODY
        if self.res is not None:
            self.engine.fixtures.bodies(self.res)

    def _make(self, case: Case) -> ContractCase:
        from contracttest.pytest.case import ContractCase

        return ContractCase(self.endpoint, case, checks=self.checks, seed=self.session_seed)

    # ------------------------------------------------------------------------------ strategy
    def strategy(self) -> SearchStrategy[Any]:
        from hypothesis import strategies as st

        from contracttest.runner.case import NO_BODY

        op = self.op
        if self.kind == "valid":
            params = self.gen.valid(f"{op.label}:parameters") if op.parameters else st.just({})
            body = self.gen.valid(f"{op.label}:request") if op.json_body() else st.just(NO_BODY)
            return st.fixed_dictionaries({"params": params, "body": body})
        parts: list[SearchStrategy[Any]] = []
        if op.json_body() is not None:
            parts.append(self.gen.invalid(f"{op.label}:request").map(lambda x: ("body", x)))
        if op.parameters:
            parts.append(self.gen.invalid(f"{op.label}:parameters").map(lambda x: ("params", x)))
        return st.one_of(*parts)

    def build(self, draw: Any) -> ContractCase:
        """The case for one Hypothesis draw; a draw that is no case of this kind is rejected (so
        Hypothesis draws another)."""
        from hypothesis import reject

        case: Case | None
        if self.kind == "valid":
            case = self.builder.valid_case(self.op, draw["params"], draw["body"], known=True)
        else:
            where, labelled = draw
            if where == "body":
                case = self.builder.invalid_body_case(
                    self.op, labelled, self.base_params, missing_id=self._missing_id
                )
            else:
                case = self.builder.invalid_params_case(
                    self.op, labelled, self.base_body, missing_id=self._missing_id
                )
        if case is None:
            reject()
        assert case is not None
        return self._make(case)

    # ----------------------------------------------------------------------------- auth
    def auth_cases(self) -> Iterator[ContractCase]:
        """A request without credentials and one with a wrong token (no Hypothesis needed)."""
        if not self.scope.may_send(self.op, expect_rejection=True):
            return
        for case in self.builder.auth_cases(self.op, missing_id=self._missing_id):
            yield self._make(case)


class _Unreachable(BaseException):
    """The endpoint could not be reached. Not an `Exception`, so Hypothesis stops at once instead
    of shrinking a failure that every input has (each try would wait for the client's retries)."""

    def __init__(self, error: TransportError) -> None:
        super().__init__(str(error))
        self.error = error


def _caller(item: pytest.Function, argname: str) -> Callable[[ContractCase], Any]:
    """Call the test function with its fixtures and ``argname`` set to a case."""
    names = [n for n in inspect.signature(item.obj).parameters if n in item.funcargs]
    base = {n: item.funcargs[n] for n in names}
    fn = item.obj

    def call(case: ContractCase) -> Any:
        try:
            return fn(**{**base, argname: case})
        except TransportError as exc:
            raise _Unreachable(exc) from None

    return call


def _unwrap_flaky(exc: BaseException) -> BaseException | None:
    """The contract failure inside Hypothesis' flaky-failure group, if there is one."""
    from contracttest.pytest.failures import ContractCheckFailed

    if isinstance(exc, ContractCheckFailed):
        return exc
    for inner in getattr(exc, "exceptions", ()) or ():
        found = _unwrap_flaky(inner)
        if found is not None:
            return found
    return None


def drive(item: pytest.Function, slot: OperationSlot, runtime: Runtime) -> None:
    """Run a generated contract test: one call of the test function per Hypothesis example."""
    seed = item_seed(runtime.seed, item.nodeid)
    try:
        endpoint = runtime.endpoint(slot.spec_key)
        factory = CaseFactory(endpoint, slot, seed=seed, session_seed=runtime.seed)
        reason = factory.skip_reason()
        if reason is None:
            factory.prepare()
    except ContractTestError as exc:
        raise pytest.fail.Exception(f"contracttest: {exc}", pytrace=False) from None
    if reason is not None:
        pytest.skip(reason)
    call = _caller(item, slot.argname)
    try:
        if slot.kind == "auth":
            for case in factory.auth_cases():
                call(case)
            return
        _explore(
            factory,
            call,
            max_examples=slot.max_examples or runtime.settings.max_examples,
            seed=seed,
        )
    except _Unreachable as stop:
        raise pytest.fail.Exception(
            f"contracttest: the endpoint could not be reached: {stop.error}", pytrace=False
        ) from None


def _explore(
    factory: CaseFactory, call: Callable[[ContractCase], Any], *, max_examples: int, seed: int
) -> None:
    import warnings

    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hseed
    from hypothesis.errors import Flaky, HypothesisWarning, Unsatisfiable

    try:
        strategy = factory.strategy()
    except ContractTestError as exc:
        raise pytest.fail.Exception(
            f"contracttest: cannot generate {factory.kind} cases for {factory.op.label}: {exc}",
            pytrace=False,
        ) from None

    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        report_multiple_bugs=False,
    )
    @hseed(seed)
    @given(strategy)
    def run(draw: Any) -> None:
        call(factory.build(draw))

    with warnings.catch_warnings():
        # Hypothesis renders a strategy's repr for its own reporting; ours are large on purpose.
        warnings.filterwarnings(
            "ignore", message=".*overly large repr.*", category=HypothesisWarning
        )
        try:
            run()
        except Unsatisfiable as exc:
            raise pytest.fail.Exception(
                f"contracttest: could not generate {factory.kind} cases for {factory.op.label}: "
                f"every generated request was discarded ({exc})",
                pytrace=False,
            ) from None
        except Flaky as exc:
            inner = _unwrap_flaky(exc)
            if inner is None:
                raise
            inner.add_note(UNRELIABLE_NOTE)
            raise inner from None
