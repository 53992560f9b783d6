"""Fixtures for the pytest plugin's tests: pytester, the seed spec's paths, buggy servers.

pytester is registered here at configure time rather than with ``pytest_plugins``: pytest refuses
``pytest_plugins`` in a conftest below the rootdir's (``tests/conftest.py`` is the top-level one).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from plugin_support import FIXES, REPO, SEED, TOKEN_A, TOKEN_B


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


PRELOAD = (
    "httpcore",
    "httpx",
    "hypothesis",
    "jsonschema",
    "starlette.applications",
    "uvicorn",
    "yaml",
    "contracttest.mock.app",
    "contracttest.openapi",
    "contracttest.pytest._drive",
    "contracttest.pytest._merge",
    "contracttest.pytest._report",
    "contracttest.pytest._runtime",
    "contracttest.report.html",
    "contracttest.report.json_",
    "contracttest.report.junit",
    "contracttest.report.markdown",
    "contracttest.runner.engine",
    "contracttest.strategies",
    "contracttest.validate",
)


@pytest.fixture(autouse=True, scope="session")
def _import_heavy_modules_once() -> None:
    """Import the stack in this process before any in-process pytester run.

    pytester restores ``sys.modules`` after each inner run, dropping what the run imported. Pure
    Python modules are then imported afresh by the next run, but C extensions are not: PyYAML's
    ``_yaml`` would keep emitting event classes of the dropped ``yaml`` module, and the loader would
    see no document at all. Importing everything up front keeps one generation of each module.
    """
    for name in PRELOAD:
        importlib.import_module(name)
    from contracttest.runner.catalog import checks_info

    checks_info()  # imports every check module (the registry refuses a second generation)


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports written by inner runs must not land in the CI job's summary, nor pick up its tokens."""
    for name in (
        "GITHUB_STEP_SUMMARY",
        "CONTRACTTEST_TOKEN",
        "CONTRACTTEST_TOKEN_2",
        "VAPI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def spec_args() -> list[str]:
    """Command-line options naming the seed spec and its fixes overlay (absolute paths)."""
    return [f"--contract-spec={SEED}", f"--contract-overlay={FIXES}"]


def _load_buggy_servers() -> ModuleType:
    name = "contracttest_plugin_tests_buggy_servers"
    module = sys.modules.get(name)
    if module is None:
        path = REPO / "tests" / "integration" / "buggy_servers.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fixed_seed_spec() -> Any:
    from contracttest.openapi import load_spec

    return load_spec(SEED, overlays=[FIXES])


@pytest.fixture
def buggy_server(fixed_seed_spec: Any) -> Iterator[Callable[[str | None], str]]:
    """``buggy_server(bug)``: serve the runner's reference Phone Numbers server with one bug (or
    none) on 127.0.0.1; returns its base URL. Tokens: ``TOKEN_A`` and ``TOKEN_B``."""
    module = _load_buggy_servers()
    stack: list[Any] = []

    def start(bug: str | None) -> str:
        cm = module.serve(module.make_app(fixed_seed_spec, [TOKEN_A, TOKEN_B], bug))
        url: str = cm.__enter__()
        stack.append(cm)
        return url

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)
