"""The contract state of one pytest session: specs, the built-in mock, endpoints, results.

A `Runtime` is built the first time a contract fixture, marker or helper needs it (never in a run
that does not use the plugin). Each endpoint (a spec and the URL it is tested at) wraps one
`contracttest.runner.engine.Engine`, so contract tests build cases, send requests, create fixtures,
run checks and record results exactly as ``contracttest run`` does; at the end of the session the results are
serialised (`contracttest.pytest._merge`) and the controller writes the reports.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from contracttest.errors import ContractTestError, UsageError
from contracttest.pytest._settings import (
    Settings,
    is_url,
    read_settings,
    safe_url,
)

if TYPE_CHECKING:
    import httpx
    import pytest

    from contracttest.openapi.model import Spec
    from contracttest.pytest.assertions import ContractValidator
    from contracttest.runner.engine import Engine
    from contracttest.runner.http import HttpClient
    from contracttest.runner.plan import Plan

__all__ = ["Endpoint", "Runtime", "current", "describe_settings"]

CLEANUP_SECONDS = 30.0


def current() -> Runtime | None:
    """The runtime of the innermost pytest session using the plugin, if any."""
    from contracttest.pytest_plugin import active_runtime

    return active_runtime()


def describe_settings(config: pytest.Config) -> str:
    """The report-header line (no secret: tokens are only counted)."""
    from contracttest.pytest_plugin import session_seed

    s = read_settings(config)
    spec = safe_url(s.spec) if s.spec else "[tool.contracttest] spec"
    if s.overlays:
        spec += f" + {len(s.overlays)} overlay(s)"
    target = safe_url(s.base_url) if s.base_url else "built-in mock on 127.0.0.1"
    parts = [f"spec {spec}", f"target {target}", f"seed {session_seed(config)}"]
    parts.append(f"max examples {s.max_examples}")
    if s.report_dir is not None:
        parts.append(f"reports {', '.join(s.report_formats)} -> {s.report_dir}")
    return "contracttest: " + "; ".join(parts)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Endpoint:
    """One spec tested at one URL: the runner pieces contract cases use, and what they recorded."""

    key: str
    spec: Spec
    spec_source: str
    overlays: tuple[str, ...]
    base_url: str
    target: str
    """``mock`` (the built-in mock this session started) or ``live``."""
    engine: Engine
    client: HttpClient
    started_at: str = field(default_factory=_now)
    started: float = field(default_factory=time.monotonic)
    finished_at: str | None = None
    duration_s: float = 0.0
    operations: set[str] = field(default_factory=set)
    """Labels of the operations a contract test ran (the report's rows)."""
    closed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def plan(self) -> Plan:
        return self.engine.plan

    def finish(self) -> None:
        """Delete what the tests created and close the client (idempotent)."""
        if self.closed:
            return
        self.closed = True
        try:
            problems = self.engine.transport.cleanup(
                self.engine.ledger, deadline=time.monotonic() + CLEANUP_SECONDS
            )
            self.notes.extend(self.engine.redactor.text(p) for p in problems[:10])
        finally:
            self.client.close()
            self.finished_at = _now()
            self.duration_s = round(time.monotonic() - self.started, 3)


class Runtime:
    """Everything contract tests share in one pytest session (one per xdist worker)."""

    def __init__(self, settings: Settings, *, seed: int, rootpath: Path) -> None:
        self.settings = settings
        self.seed = seed
        self.rootpath = rootpath
        self._specs: dict[str, Spec] = {}
        self._sources: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._mocks: dict[str, str] = {}
        self._endpoints: dict[str, Endpoint] = {}
        self._stack = contextlib.ExitStack()
        self._generated_tokens: tuple[str, ...] | None = None
        self._default_key: str | None = None
        self._closed = False

    @classmethod
    def from_config(cls, config: pytest.Config) -> Runtime:
        from contracttest.pytest_plugin import session_seed

        return cls(read_settings(config), seed=session_seed(config), rootpath=config.rootpath)

    # ------------------------------------------------------------------------------- specs
    def default_key(self) -> str:
        """Key of the configured spec (option, ini, ``[tool.contracttest]``), loaded on first use."""
        if self._default_key is None:
            source, overlays = self._default_source()
            self._default_key = self._load(source, tuple(overlays))
        return self._default_key

    def _default_source(self) -> tuple[str, list[str]]:
        from contracttest.cli import resolve_spec_args

        s = self.settings
        args = SimpleNamespace(
            spec=s.spec,
            overlay=list(s.overlays) if s.overlays is not None else None,
            no_overlay=False,
        )
        try:
            return resolve_spec_args(args)  # type: ignore[arg-type]
        except UsageError as exc:
            if "no spec given" not in exc.message:
                raise
            raise UsageError(
                "no spec for contract tests: pass --contract-spec FILE_OR_URL, set contract_spec "
                "in [tool.pytest.ini_options], or spec in [tool.contracttest] of pyproject.toml"
            ) from None

    def spec_key(self, ref: Any = None, *, overlays: Any = None, base: Path | None = None) -> str:
        """The key of a spec named by a marker: None (configured), a `Spec`, or a path/URL.

        Relative paths are looked up next to the test module (``base``), then in the rootdir.
        """
        from contracttest.openapi.model import Spec

        if ref is None:
            if overlays:
                raise UsageError("overlays= needs spec=: the configured spec has its own overlays")
            return self.default_key()
        if isinstance(ref, Spec):
            key = f"object:{id(ref)}"
            self._specs[key] = ref
            self._sources[key] = (ref.source, ())
            return key
        if not isinstance(ref, (str, Path)):
            raise UsageError(
                f"spec must be a path, a URL or a loaded Spec, got {type(ref).__name__} {ref!r}"
            )
        if isinstance(overlays, (str, Path)):
            overlays = [overlays]
        resolved = tuple(self._locate(str(o), base) for o in (overlays or ()))
        return self._load(self._locate(str(ref), base), resolved)

    def _locate(self, value: str, base: Path | None) -> str:
        if is_url(value):
            return value
        path = Path(value).expanduser()
        if path.is_absolute():
            return str(path)
        if base is not None and (base / path).exists():
            return str(base / path)
        return str(self.rootpath / path)

    def _load(self, source: str, overlays: tuple[str, ...]) -> str:
        key = f"{source}|{'|'.join(overlays)}"
        if key not in self._specs:
            from contracttest.openapi import load_spec

            self._specs[key] = load_spec(source, overlays=list(overlays))
            self._sources[key] = (source, overlays)
        return key

    def spec(self, key: str | None = None) -> Spec:
        return self._specs[key if key is not None else self.default_key()]

    # ------------------------------------------------------------------------------ tokens
    def tokens_for(self, spec: Spec) -> tuple[str, ...]:
        """``--contract-token``, else the environment as ``contracttest run`` reads it:
        ``CONTRACTTEST_TOKEN`` (and ``_2``), or ``VAPI_API_KEY`` (and ``_2``) for Vapi specs."""
        if self.settings.tokens:
            return self.settings.tokens
        from contracttest.cli.commands.run import tokens_from_env

        return tuple(tokens_from_env(spec))

    def mock_tokens(self, spec: Spec) -> tuple[str, ...]:
        """Tokens the built-in mock accepts: the configured ones, completed with generated ones to
        two orgs (as ``contracttest run`` does, so the isolation checks have another org)."""
        if self._generated_tokens is None:
            self._generated_tokens = tuple(f"ct-mock-{secrets.token_urlsafe(18)}" for _ in range(2))
        tokens = self.tokens_for(spec)
        return (*tokens, *self._generated_tokens)[: max(2, len(tokens))]

    # ----------------------------------------------------------------------------- targets
    def mock_url(self, key: str) -> str:
        """Start (once) the built-in mock of a spec on a free loopback port."""
        url = self._mocks.get(key)
        if url is None:
            from contracttest.mock import running_mock

            spec = self._specs[key]
            url = self._stack.enter_context(running_mock(spec, tokens=self.mock_tokens(spec)))
            self._mocks[key] = url
        return url

    def endpoint(self, key: str) -> Endpoint:
        """The endpoint contract tests of a spec call (``--contract-base-url`` or the mock)."""
        got = self._endpoints.get(key)
        if got is not None:
            return got
        if self._closed:
            raise UsageError("the contract session is over; no new requests")
        from contracttest.runner.engine import Engine
        from contracttest.runner.http import HttpClient
        from contracttest.runner.plan import RunConfig, build_plan

        spec = self._specs[key]
        s = self.settings
        source, overlays = self._sources[key]
        if s.base_url:
            base_url, target = s.base_url, "live"
            tokens = self.tokens_for(spec)
        else:
            base_url, target = self.mock_url(key), "mock"
            tokens = self.mock_tokens(spec)
        config = RunConfig(
            spec=spec,
            base_url=base_url,
            tokens=list(tokens),
            max_examples=s.max_examples,
            seed=self.seed,
            allow_writes=s.allow_writes,
            fail_on=s.fail_on,
            overlays=list(overlays),
            spec_source=source,
            target=target,  # type: ignore[arg-type]
        )
        plan = build_plan(config, base_url, target)  # type: ignore[arg-type]
        client = HttpClient(plan.base_url, timeout=10.0, retries=2)
        engine = Engine(plan, client=client)
        if target == "live":
            # Resources created on a real endpoint are journaled before the test moves on, so
            # `contracttest cleanup` removes what a crashed session left behind.
            from contracttest.runner.journal import DEFAULT_JOURNAL, Journal

            engine.attach_journal(Journal(self.rootpath / DEFAULT_JOURNAL, engine.run_id))
        ep = Endpoint(
            key=key,
            spec=spec,
            spec_source=source,
            overlays=overlays,
            base_url=plan.base_url,
            target=target,
            engine=engine,
            client=client,
        )
        self._endpoints[key] = ep
        return ep

    @property
    def endpoints(self) -> list[Endpoint]:
        return list(self._endpoints.values())

    # ---------------------------------------------------------------------------- fixtures
    def _fixture(self, fn: Any) -> Any:
        import pytest

        try:
            return fn()
        except ContractTestError as exc:
            raise pytest.fail.Exception(f"contracttest: {exc}", pytrace=False) from None

    def fixture_spec(self) -> Spec:
        return self._fixture(lambda: self.spec())  # type: ignore[no-any-return]

    def fixture_mock(self) -> str:
        return self._fixture(lambda: self.mock_url(self.default_key()))  # type: ignore[no-any-return]

    def fixture_base_url(self) -> str:
        return self._fixture(lambda: self.endpoint(self.default_key()).base_url)  # type: ignore[no-any-return]

    def fixture_client(self) -> httpx.Client:
        def make() -> httpx.Client:
            import httpx

            ep = self.endpoint(self.default_key())
            headers: dict[str, str] = {"accept": "application/json"}
            params: dict[str, str] = {}
            plan = ep.plan
            if plan.credentials:
                name, value = plan.credentials[0]
                if plan.auth is not None and plan.auth.location == "query":
                    params[name] = value
                elif plan.auth is not None and plan.auth.location == "cookie":
                    headers["cookie"] = f"{name}={value}"
                else:
                    headers[name] = value
            return httpx.Client(base_url=ep.base_url, headers=headers, params=params, timeout=10.0)

        return self._fixture(make)  # type: ignore[no-any-return]

    def fixture_validator(self) -> ContractValidator:
        from contracttest.pytest.assertions import ContractValidator

        return ContractValidator(self.fixture_spec())

    # ---------------------------------------------------------------------------- the end
    def finish(self) -> str | None:
        """Clean up every endpoint, then serialise what the contract tests recorded (or None)."""
        from contracttest.pytest._merge import dump_runtime

        try:
            for ep in self._endpoints.values():
                ep.finish()
            return dump_runtime(self)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the mocks (idempotent; `finish` calls it)."""
        if self._closed:
            return
        self._closed = True
        for ep in self._endpoints.values():
            with contextlib.suppress(Exception):
                ep.finish()
        self._stack.close()
