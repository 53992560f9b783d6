"""`ContractCase`: one generated request a contract test receives, with ways to send and check it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from contracttest.findings import redact

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.pytest._runtime import Endpoint
    from contracttest.runner.case import Case, Violation
    from contracttest.runner.http import HttpRequest, HttpResponse

__all__ = ["ContractCase"]


class ContractCase:
    """A request generated for an operation, and what the contract says the server must do with it.

    Change ``body``, ``path_params``, ``query`` or ``headers`` before calling to send something else
    (the expectation stays the generated one). ``body`` is ``NO_BODY`` (falsy) when the request has
    none.

    Attributes:
        operation: the `contracttest.openapi.Operation`.
        kind: ``valid``, ``invalid`` or ``auth``.
        expect: ``success`` (a documented 2xx), ``reject`` (4xx), ``not-found``, ``unauthorized`` or
            ``any`` (only the response checks apply).
        violation: for invalid cases, the rule and pointer the request breaks.
        response: the last response `call` got, or None.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        case: Case,
        *,
        checks: tuple[str, ...] | None = None,
        seed: int | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._case = case
        self._checks = checks
        self._seed = seed
        self.operation: Operation = case.operation
        self.kind: str = case.kind
        self.expect: str = case.expect
        self.violation: Violation | None = case.violation
        self.description: str = case.description
        self.body: Any = case.body
        self.path_params: dict[str, Any] = dict(case.path_params)
        self.query: dict[str, Any] = dict(case.query)
        self.headers: dict[str, str] = dict(case.headers)
        self.request: HttpRequest | None = None
        self.response: HttpResponse | None = None

    # ------------------------------------------------------------------------------ building
    def as_runner_case(self) -> Case:
        """The runner's `Case` for the current field values."""
        return self._case.with_(
            path_params=dict(self.path_params),
            query=tuple(self.query.items()),
            headers=tuple(self.headers.items()),
            body=self.body,
        )

    @property
    def method(self) -> str:
        return self.operation.method

    @property
    def path(self) -> str:
        return self.operation.path

    # ------------------------------------------------------------------------------- sending
    def call(self) -> HttpResponse:
        """Send the request to the endpoint under test; returns the response (no checks run).

        Raises:
            TransportError: the request could not be sent (refused, timed out...).
        """
        __tracebackhide__ = True
        ep = self._endpoint
        _sent, exchange = ep.engine.exchange(self.as_runner_case())
        if exchange is None:
            from contracttest.errors import TransportError

            raise TransportError(
                f"{self.method} {self.path} may not be sent to a read-only endpoint"
            ) from None
        ep.operations.add(self.operation.label)
        self.request, self.response = exchange.request, exchange.response
        return exchange.response

    def check(
        self, response: HttpResponse | None = None, *, checks: Iterable[str] | None = None
    ) -> None:
        """Run the runner's checks on the last exchange and raise when any fails.

        The outcome is recorded for the session's contract report either way.

        Args:
            response: the response to judge (default: the last one `call` got).
            checks: check ids or prefixes (``response``, ``request.valid-accepted``); default: those
                the test was generated with, else every check that applies to the case.

        Raises:
            ContractCheckFailed: a check failed (rule ids, pointers, payload, curl reproduction).
        """
        __tracebackhide__ = True
        from contracttest.pytest.failures import ContractCheckFailed

        if response is None:
            response = self.response
        if response is None or self.request is None:
            from contracttest.errors import UsageError

            raise UsageError("nothing to check: call() the case first")
        only = self._resolve(checks)
        engine = self._endpoint.engine
        case = self.as_runner_case()
        outcome = engine.judge(case, self.request, response, only=only)
        failures = [
            engine.recorder.failure(
                check_id, case, finding, request=self.request, response=response
            )
            for check_id, findings in outcome.items()
            for finding in findings
        ]
        if engine.plan.config.fail_on != "advisory":
            # advisory findings (beyond the contract) are in the session's report, not raised
            failures = [f for f in failures if f.level == "contract"]
        if failures:
            raise ContractCheckFailed(failures, operation=self._label(), seed=self._seed)

    def call_and_check(self, *, checks: Iterable[str] | None = None) -> HttpResponse:
        """`call`, then `check`; returns the response when every check passed."""
        __tracebackhide__ = True
        response = self.call()
        self.check(response, checks=checks)
        return response

    def as_curl(self) -> str:
        """A ``curl`` line for the request (token from ``$CONTRACTTEST_TOKEN``, secrets redacted)."""
        from contracttest.runner.results import RequestSnapshot

        engine = self._endpoint.engine
        case = self.as_runner_case()
        request = self.request or engine.transport.build(case)
        cred = case.credential if isinstance(case.credential, int) else None
        return RequestSnapshot.capture(request, engine.redactor, credential=cred).curl

    # ------------------------------------------------------------------------------ helpers
    def _resolve(self, checks: Iterable[str] | None) -> list[str] | None:
        if checks is None:
            return list(self._checks) if self._checks is not None else None
        from contracttest.runner.catalog import resolve_checks

        return resolve_checks([checks] if isinstance(checks, str) else list(checks))

    def _label(self) -> str:
        op = self.operation
        return f"{op.label} ({op.method} {op.path}, {self.kind} case)"

    def __repr__(self) -> str:
        parts = [f"{self.method} {self.path}", self.kind, f"expect={self.expect}"]
        if self.path_params:
            parts.append(f"path={redact(self.path_params)!r}")
        if self.query:
            parts.append(f"query={redact(self.query)!r}")
        from contracttest.runner.case import NO_BODY

        if self.body is not NO_BODY:
            parts.append(f"body={redact(self.body)!r}")
        if self.violation is not None:
            parts.append(f"breaks={self.violation.rule}@{self.violation.pointer or '/'}")
        return f"ContractCase({', '.join(parts)})"
