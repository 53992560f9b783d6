"""The conformance runner: point it at an endpoint (or at the built-in mock), get a verdict.

``run(config, handlers)`` is the whole job: without ``config.base_url`` it serves the spec's mock on a
free loopback port with two generated tokens (so the auth and isolation checks run), otherwise it
tests the given endpoint, journaling what it creates. The engine (`contracttest.runner.engine`)
drives the case sources (`contracttest.runner.sources`) and hands each exchange to the checks
(`contracttest.runner.catalog`); results in `contracttest.runner.results`; reports in
`contracttest.report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from contracttest.runner.events import Handler
    from contracttest.runner.plan import RunConfig
    from contracttest.runner.results import RunResult

__all__ = ["RunConfig", "RunResult", "run"]


def run(
    config: RunConfig,
    handlers: Iterable[Handler] = (),
    *,
    journal: str | Path | None = None,
) -> RunResult:
    """Run the conformance checks of ``config``.

    Args:
        config: what to run (spec, endpoint, credentials, limits).
        handlers: event consumers (the console reporter, a pytest collector...).
        journal: where to record created resources on a live endpoint (ignored for the mock).

    Returns:
        The `RunResult` (its ``exit_code`` is the CLI's exit status).

    Raises:
        ContractTestError: the run cannot start (bad options, the mock does not start).
    """
    import secrets
    from dataclasses import replace

    from contracttest.runner.engine import Engine
    from contracttest.runner.journal import Journal
    from contracttest.runner.plan import build_plan

    handlers = list(handlers)
    if config.base_url is None:
        from contracttest.mock.server import running_mock

        tokens = list(config.tokens) or [f"ct-mock-{secrets.token_urlsafe(18)}"]
        while len(tokens) < 2:
            tokens.append(f"ct-mock-{secrets.token_urlsafe(18)}")
        with running_mock(config.spec, tokens=tokens) as url:
            cfg = replace(config, tokens=tokens, base_url=url)
            plan = build_plan(cfg, url, "mock")
            return Engine(plan, handlers).run()
    plan = build_plan(config, config.base_url, config.target or "live")
    engine = Engine(plan, handlers)
    if journal is not None:
        engine.attach_journal(Journal(journal, engine.run_id))
    return engine.run()


def __getattr__(name: str) -> Any:
    if name == "RunConfig":
        from contracttest.runner.plan import RunConfig

        return RunConfig
    if name == "RunResult":
        from contracttest.runner.results import RunResult

        return RunResult
    raise AttributeError(f"module 'contracttest.runner' has no attribute {name!r}")
