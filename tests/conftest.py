"""Shared fixtures and Hypothesis profiles.

Profiles: ``dev`` (default, fast), ``ci`` (more examples); pick one with ``CONTRACTTEST_HYPOTHESIS_PROFILE``.
The full Vapi spec is read from ``../shared/vapi/openapi.json`` (override with ``CONTRACTTEST_VAPI_SPEC``);
tests that need it skip when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SEED_SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
FIXES_OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
VAPI_SPEC = Path(
    os.environ.get("CONTRACTTEST_VAPI_SPEC", REPO.parent / "shared" / "vapi" / "openapi.json")
)

settings.register_profile(
    "dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "realworld", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("CONTRACTTEST_HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the spec cache of the test run out of the user's home."""
    os.environ.setdefault("CONTRACTTEST_CACHE_DIR", str(tmp_path_factory.mktemp("ct-cache")))


@pytest.fixture(scope="session")
def seed_spec_path() -> Path:
    return SEED_SPEC


@pytest.fixture(scope="session")
def fixes_overlay_path() -> Path:
    return FIXES_OVERLAY


@pytest.fixture(scope="session")
def seed_spec():  # type: ignore[no-untyped-def]
    """The seed Vapi Phone Numbers spec exactly as published (defects included)."""
    from contracttest.openapi import load_spec

    return load_spec(SEED_SPEC)


@pytest.fixture(scope="session")
def fixed_spec():  # type: ignore[no-untyped-def]
    """The seed spec with spec/overlays/vapi-fixes.yaml applied: what Vapi's server really does."""
    from contracttest.openapi import load_spec

    return load_spec(SEED_SPEC, overlays=[FIXES_OVERLAY])


@pytest.fixture(scope="session")
def vapi_spec_path() -> Path:
    if not VAPI_SPEC.is_file():
        pytest.skip(f"full Vapi spec not found at {VAPI_SPEC} (set CONTRACTTEST_VAPI_SPEC)")
    return VAPI_SPEC


@pytest.fixture(scope="session")
def vapi_spec(vapi_spec_path: Path):  # type: ignore[no-untyped-def]
    from contracttest.openapi import load_spec

    return load_spec(vapi_spec_path)


@pytest.fixture(scope="session")
def nestjs_server():  # type: ignore[no-untyped-def]
    """The NestJS reference server (tests/reference/nestjs), built once per lockfile and source hash
    into a cache outside the repository and started on a free port of 127.0.0.1 for the session.

    Two orgs: ``nestjs_server.tokens`` holds their bearer tokens. Skips (fails under
    ``CONTRACTTEST_REQUIRE_COMPONENTS=1``, as in CI) when node >= 20 or the npm registry is missing.
    """
    from _components import ComponentMissing, missing, start_nestjs

    try:
        server = start_nestjs()
    except ComponentMissing as exc:
        missing("the NestJS reference server", str(exc))
    yield server
    server.stop()
