"""Generation on the full Vapi spec (../shared/vapi/openapi.json): every component schema and every
operation target, valid payloads that validate and invalid ones that fail with exactly their label.

The slow test (``nox -s realworld``) walks all 981 component schemas and every operation; the default
suite runs a thin deterministic slice.
"""

from __future__ import annotations

from collections import Counter

import pytest

from contracttest.generate.core import generator_for
from contracttest.generate.coverage import TargetCoverage, cover_target
from contracttest.openapi import Spec

# The component schemas no value can satisfy as the spec writes them: five defects, in seven
# schemas. A required property whose enum lists strings under `type: object` (BackoffPlan.type,
# AudioFormat.format) or `type: array` (the Azure OpenAI credential's models, in its create DTO and
# its response; the phone-number call-ending hook filter's `oneOf`), and a `role` whose `pattern`
# is a constant's name (ORG_ROLE_OR_CUSTOM_ROLE_PATTERN, matched anywhere in the string) which none
# of admin/editor/viewer nor the `^org-[a-z0-9-]+$` roles of its oneOf can contain.
UNSATISFIABLE = {
    "BackoffPlan": "no value of type 'object'",
    "AudioFormat": "no value of type 'object'",
    "CreateAzureOpenAICredentialDTO": "no value of type 'array'",
    "AzureOpenAICredential": "no value of type 'array'",
    "PhoneNumberCallEndingHookFilter": "no value of type 'array'",
    "InviteUserDTO": "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN",
    "UpdateUserRoleDTO": "ORG_ROLE_OR_CUSTOM_ROLE_PATTERN",
}

# Why the other targets are only partly generated: the optional parts no value can satisfy, by the
# pointer of the part, with what the generator says about it. Anything else left out is a
# generator bug, and a defect that is no longer seen means the spec or the generator changed.
_STRING_ENUM_ON_ARRAY = "has no value of type 'array'"
_STRING_ENUM_ON_OBJECT = "has no value of type 'object'"
LEFT_OUT = {
    **{
        f"/components/schemas/{schema}/properties/{prop}": _STRING_ENUM_ON_ARRAY
        for schema, prop in [
            ("AnalyticsQuery", "groupBy"),
            ("AssemblyAITranscriber", "languageCodes"),
            ("FallbackAssemblyAITranscriber", "languageCodes"),
            ("DeepgramTranscriber", "redaction"),
            ("FallbackDeepgramTranscriber", "redaction"),
            ("VapiTranscriber", "languages"),
            ("ChunkPlan", "punctuationBoundaries"),
            ("FormatPlan", "formattersEnabled"),
            ("TwilioVoicemailDetectionPlan", "voicemailDetectionTypes"),
            ("SyncVoiceLibraryDTO", "providers"),
            ("UpdateAzureOpenAICredentialDTO", "models"),
            ("Campaign", "serverMessages"),
            ("CampaignSummary", "serverMessages"),
            ("CreateCampaignDTO", "serverMessages"),
            *(
                (schema, prop)
                for schema in (
                    "Assistant",
                    "AssistantDraft",
                    "AssistantOverrides",
                    "AssistantVersion",
                    "CreateAssistantDTO",
                    "CreateAssistantDraftDTO",
                    "UpdateAssistantDTO",
                    "UpdateAssistantDraftDTO",
                )
                for prop in ("clientMessages", "serverMessages")
            ),
        ]
    },
    "/components/schemas/TransferPlan/properties/sipVerb": _STRING_ENUM_ON_OBJECT,
    "/components/schemas/VoiceLibrary/properties/provider": _STRING_ENUM_ON_OBJECT,
    # the unsatisfiable schemas above, where another schema refers to them optionally
    "/components/schemas/BackoffPlan/properties/type": _STRING_ENUM_ON_OBJECT,
    "/components/schemas/AudioFormat/properties/format": _STRING_ENUM_ON_OBJECT,
    "/components/schemas/CreateAzureOpenAICredentialDTO/properties/models": _STRING_ENUM_ON_ARRAY,
    "/components/schemas/PhoneNumberCallEndingHookFilter/properties/oneOf": _STRING_ENUM_ON_ARRAY,
    # `enum: []` as the first oneOf branch of a voice id
    "/components/schemas/NeuphonicVoice/properties/voiceId/oneOf/0": "enum lists no value",
    "/components/schemas/FallbackNeuphonicVoice/properties/voiceId/oneOf/0": "enum lists no value",
    # `enum: ['1', '2', 'latest']` beside a oneOf whose branch 1 is `type: number, enum: [1, 2]`
    "/components/schemas/VapiVoice/properties/version/oneOf/1": "enums have no value in common",
    "/components/schemas/FallbackVapiVoice/properties/version/oneOf/1": "enums have no value in common",
    # StructuredOutputController_run's 200: allOf [{properties: {skipped: ...}},
    # {additionalProperties: StructuredOutputRunResult}]: `skipped` must be both (name: string vs
    # name: SkippedStructuredOutput object)
    "/components/schemas/StructuredOutputRunResult/properties/name": "disagree on type",
}
N = 20
"""Examples per target (the issue's measure), valid and invalid, besides the boundary phase."""


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
    targets = list(vapi_spec.iter_targets())
    results = [cover_target(generator, t, n=N, boundary_limit=100) for t in targets]
    _check(results)
    dtos = [r for r in results if ":" not in r.target]
    operations = [r for r in results if ":" in r.target]
    assert len(dtos) == 981
    assert {r.target for r in dtos if r.status == "unsatisfiable"} == set(UNSATISFIABLE)
    assert all(r.status != "unsatisfiable" for r in operations)
    # partly generated only where the spec leaves no value for an optional part
    left_out = {n.pointer: n.reason for r in results for n in r.notes if n.kind == "left-out"}
    assert sorted(left_out) == sorted(LEFT_OUT)
    for pointer, reason in left_out.items():
        assert LEFT_OUT[pointer] in reason, (pointer, reason)
    for r in results:
        assert (r.status == "partial") == any(n.kind == "left-out" for n in r.notes), r.target
    # every union variant is reached by some valid payload, but for the few whose every simple value
    # also matches a sibling branch
    variants = sum(r.variants for r in results)
    reached = sum(r.reached for r in results)
    assert reached >= 0.99 * variants, (reached, variants)
    # every constraint class the spec has is broken by some labelled invalid payload
    rules = set().union(*(r.rules for r in results))
    assert {
        "schema.type",
        "schema.required",
        "schema.enum",
        "schema.minLength",
        "schema.maxLength",
        "schema.minimum",
        "schema.maximum",
        "schema.format",
        "schema.pattern",
        "schema.additionalProperties",
        "discriminator.unknown",
        "discriminator.missing",
        "phone.e164",
        "phone.alphanumeric",
        "hooks.on",
        "hooks.do.shape",
    } <= rules
    status = Counter(r.status for r in dtos)
    ops = Counter(r.status for r in operations)
    print(
        f"\n{len(dtos)} schemas: {status['full']} fully generated, {status['partial']} partly, "
        f"{status['unsatisfiable']} unsatisfiable; {len(operations)} operation targets: "
        f"{ops['full']} fully, {ops['partial']} partly; valid {sum(r.valid for r in results)}, "
        f"invalid {sum(r.invalid for r in results)}, disagreements "
        f"{sum(r.disagreements for r in results)}, variants {reached}/{variants}"
    )
