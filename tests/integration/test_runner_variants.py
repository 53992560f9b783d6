"""The runner never provokes a discriminator change itself: every variant gets its own fixtures,
and a PATCH that names a provider goes to a resource of that provider (or to none)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from _runner_support import TOKENS, describe, run_runner
from buggy_servers import make_app, serve

from contracttest.runner.plan import RunConfig, build_plan

pytestmark = pytest.mark.network

PROVIDERS = {"byo-phone-number", "twilio", "vonage", "vapi", "telnyx"}


@contextlib.contextmanager
def _engine(spec: Any, url: str, seed: int) -> Iterator[Any]:
    """An engine that is set up but not run (its client closed at the end)."""
    from contracttest.runner.engine import Engine

    config = RunConfig(spec=spec, base_url=url, tokens=list(TOKENS), max_examples=2, seed=seed)
    engine = Engine(build_plan(config, url, "live"), [])
    try:
        yield engine
    finally:
        engine.client.close()


@pytest.mark.parametrize("seed", [8, 11])  # seeds whose first draws leave out a variant
def test_every_variant_gets_fixtures(fixed_spec: Any, seed: int) -> None:
    with serve(make_app(fixed_spec, TOKENS)) as url, _engine(fixed_spec, url, seed) as engine:
        res = engine.scope.resource_of(fixed_spec.operation("PhoneNumberController_create"))
        assert set(engine.fixtures.tags(res)) == PROVIDERS


def test_a_patch_goes_to_a_resource_of_the_provider_it_names(fixed_spec: Any) -> None:
    with serve(make_app(fixed_spec, TOKENS)) as url, _engine(fixed_spec, url, 8) as engine:
        update = fixed_spec.operation("PhoneNumberController_update")
        for provider in sorted(PROVIDERS):
            inst, why, _tag = engine.builder.known_id(update, {"provider": provider, "name": "x"})
            assert inst is not None, why
            assert inst.tag == provider
        # A provider the runner has no resource of gets no resource (never another variant's)
        inst, why, _tag = engine.builder.known_id(update, {"provider": "sip-trunk", "name": "x"})
        assert inst is None and "sip-trunk" in why


@pytest.mark.parametrize("seed", [5, 8])
def test_a_server_that_lets_patch_change_the_provider_is_caught_only_where_it_is_asked_to(
    fixed_spec: Any, seed: int
) -> None:
    # Given a server on which a PATCH naming another provider converts the number
    with serve(make_app(fixed_spec, TOKENS, "patch-changes-provider")) as url:
        result = run_runner(fixed_spec, url, seed=seed, max_examples=4)
    # Then the discriminator check catches it with the step built for it ...
    failures = result.failures()
    rules = {f.finding.rule for f in failures if f.check == "stateful.discriminator"}
    assert rules == {"stateful.discriminator-changed"}, describe(result)
    # ... and the resources the other checks share kept their provider: a converted number only
    # shows in the converted number's own responses (members of its old variant), never as a
    # failed lifecycle, isolation or valid request
    others = {f.check for f in failures} - {"stateful.discriminator", "response.schema"}
    assert not others, describe(result)
