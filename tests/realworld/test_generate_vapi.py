"""Generation on the full Vapi spec (../shared/vapi/openapi.json): every component schema and every
operation target, valid payloads that validate and invalid ones that fail with exactly their label.

The slow test (``nox -s realworld``) walks all 981 component schemas and every operation; the default
suite runs a thin deterministic slice.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import settings

from contracttest.generate.core import generator_for
from contracttest.generate.coverage import TargetCoverage, cover_target
from contracttest.openapi import Spec

# The schemas no value can satisfy as the spec writes them (see the plan's reason for each):
# a string enum under `type: object` (BackoffPlan.type, AudioFormat.format), an enum of strings on an
# array (the Azure OpenAI credential's models, the phone-number ending filter's oneOf), and a `role`
# whose `pattern: ORG_ROLE_OR_CUSTOM_ROLE_PATTERN` (a constant's name, not a regex) no admin/editor/
# viewer or org-... role can match.
UNSATISFIABLE = {
    "BackoffPlan": "no value of type 'object'",
    "AudioFormat": "no value of type 'object'",
    "CreateAzureOpenAICredentialDTO": "no value of type 'array'",
    "AzureOpenAICredential": "no value of type 'array'",
    "PhoneNumberCallEndingHookFilter": "no value of type 'array'",
    "InviteUserDTO": "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN",
    "UpdateUserRoleDTO": "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN",
}


def _check(results: list[TargetCoverage]) -> None:
    problems = [
        f"{r.target}: {r.error or f'{r.disagreements} valid payload(s) rejected'}"
        for r in results
        if r.error or r.disagreements
    ]
    assert problems == []
    for r in results:
        if r.status == "unsatisfiable":
            assert r.target in UNSATISFIABLE, (r.target, r.reason)
            assert UNSATISFIABLE[r.target] in (r.reason or "")
        else:
            assert r.valid > 0 and r.invalid > 0, r.target


def test_a_slice_of_the_full_spec_round_trips(vapi_spec: Spec) -> None:
    generator = generator_for(vapi_spec)
    names = sorted(vapi_spec.dto_names)[::97]
    results = [
        cover_target(generator, vapi_spec.target(name), n=2, boundary_limit=10) for name in names
    ]
    _check(results)


@pytest.mark.slow
def test_every_schema_and_operation_of_the_full_spec(vapi_spec: Spec) -> None:
    generator = generator_for(vapi_spec)
    n = settings().max_examples
    targets = list(vapi_spec.iter_targets())
    results = [cover_target(generator, t, n=n, boundary_limit=100) for t in targets]
    _check(results)
    dtos = [r for r in results if ":" not in r.target]
    status = Counter(r.status for r in dtos)
    assert len(dtos) == 981
    assert {r.target for r in dtos if r.status == "unsatisfiable"} == set(UNSATISFIABLE)
    assert status["full"] + status["partial"] == 981 - len(UNSATISFIABLE)
    # every union variant is reached by some valid payload, but for the few whose every simple value
    # also matches a sibling branch
    variants = sum(r.variants for r in results)
    reached = sum(r.reached for r in results)
    assert reached >= 0.99 * variants, (reached, variants)
