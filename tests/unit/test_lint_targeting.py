"""Targeting: --target, pyproject globs, "$contract", detection; in that order, never silent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracttest.errors import TargetError
from contracttest.findings import Severity
from contracttest.lint import GlobTargets, Linter

CREATE_TWILIO = {
    "provider": "twilio",
    "number": "+14155550123",
    "twilioAccountSid": "AC0123456789abcdef0123456789abcdef",
}
UPDATE_TWILIO = {"provider": "twilio", "name": "renamed"}


def _write(tmp_path: Path, name: str, payload: Any) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


def _rules(findings: list[Any]) -> list[str]:
    return [f.rule for f in findings]


# ------------------------------------------------------------------------------------ --target
def test_option_target_checks_every_file_against_it(fixed_spec: Any, tmp_path: Path) -> None:
    linter = Linter(fixed_spec, target="PATCH /phone-number/{id}")
    create = linter.lint_file(_write(tmp_path, "a.json", CREATE_TWILIO))
    assert (create.target, create.target_source) == ("PATCH /phone-number/{id}", "option")
    assert create.how == "target PATCH /phone-number/{id} from --target"
    assert create.findings == []
    # the same payload is wrong for a DTO that does not declare twilioAccountSid
    vapi = Linter(fixed_spec, target="CreateVapiPhoneNumberDTO").lint_file(
        _write(tmp_path, "b.json", {**CREATE_TWILIO, "provider": "vapi"})
    )
    assert vapi.target == "CreateVapiPhoneNumberDTO"
    assert set(_rules(vapi.findings)) == {"schema.additionalProperties"}
    assert all(f.target == "CreateVapiPhoneNumberDTO" for f in vapi.findings)


def test_an_unknown_option_target_is_an_error_before_any_file(fixed_spec: Any) -> None:
    with pytest.raises(TargetError, match="POST /phone-numbers"):
        Linter(fixed_spec, target="POST /phone-numbers")


# ------------------------------------------------------------------------------------ globs
def test_pyproject_globs_pick_the_target(fixed_spec: Any, tmp_path: Path) -> None:
    globs = GlobTargets(
        {
            "payloads/updates/*.json": "PATCH /phone-number/{id}",
            "payloads/**/*.json": "POST /phone-number",
        },
        tmp_path,
    )
    linter = Linter(fixed_spec, globs=globs)
    update = linter.lint_file(_write(tmp_path, "payloads/updates/u.json", UPDATE_TWILIO))
    assert (update.target, update.target_source) == ("PATCH /phone-number/{id}", "config")
    assert (
        update.how
        == "target PATCH /phone-number/{id} from pyproject glob 'payloads/updates/*.json'"
    )
    assert update.findings == []
    create = linter.lint_file(_write(tmp_path, "payloads/creates/c.json", UPDATE_TWILIO))
    assert create.target_source == "config"
    assert create.target == "POST /phone-number"
    assert "schema.required" in _rules(create.findings)  # an update body is not a create body
    # a file no glob matches falls through to detection
    other = linter.lint_file(_write(tmp_path, "elsewhere/x.json", CREATE_TWILIO))
    assert other.target_source == "detected"


def test_a_glob_naming_nothing_is_an_error_with_its_source(fixed_spec: Any, tmp_path: Path) -> None:
    globs = GlobTargets({"*.json": "CreateTwilloPhoneNumberDTO"}, tmp_path, source="pyproject.toml")
    with pytest.raises(TargetError) as info:
        Linter(fixed_spec, globs=globs)
    assert info.value.source == "pyproject.toml"
    assert "'*.json'" in info.value.message
    assert "CreateTwilioPhoneNumberDTO" in info.value.message  # the suggestion


# ------------------------------------------------------------------------------------ $contract
def test_contract_key_names_the_target_and_is_not_part_of_the_payload(
    fixed_spec: Any, tmp_path: Path
) -> None:
    path = _write(tmp_path, "u.json", {"$contract": "PATCH /phone-number/{id}", **UPDATE_TWILIO})
    result = Linter(fixed_spec).lint_file(path)
    assert (result.target, result.target_source) == ("PATCH /phone-number/{id}", "contract")
    assert result.how == 'target PATCH /phone-number/{id} from "$contract"'
    assert result.findings == []  # no additionalProperties finding for "$contract"


def test_contract_key_with_a_dto_name_in_yaml(fixed_spec: Any, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('"$contract": CreateVapiPhoneNumberDTO\nprovider: vapi\nname: x\n')
    result = Linter(fixed_spec).lint_file(path)
    assert (result.target, result.target_source) == ("CreateVapiPhoneNumberDTO", "contract")
    assert result.findings == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("POST /phone-numbers", "did you mean 'POST /phone-number'"),
        (42, 'must be a target string such as "POST /phone-number", got 42'),
        ("", "must be a target string"),
    ],
)
def test_a_bad_contract_key_is_a_finding_on_the_key(
    fixed_spec: Any, tmp_path: Path, value: Any, message: str
) -> None:
    path = tmp_path / "c.json"
    path.write_text('{\n  "provider": "vapi",\n  "$contract": ' + json.dumps(value) + "\n}\n")
    result = Linter(fixed_spec).lint_file(path)
    assert result.target is None
    (finding,) = result.findings
    assert finding.rule == "lint.contract-invalid"
    assert finding.severity is Severity.ERROR
    assert message in finding.message
    assert (finding.line, finding.column, finding.pointer) == (3, 16, "/$contract")


# ------------------------------------------------------------------------------------ precedence
def test_option_beats_glob_beats_contract(fixed_spec: Any, tmp_path: Path) -> None:
    path = _write(tmp_path, "p/u.json", {"$contract": "PATCH /phone-number/{id}", **CREATE_TWILIO})
    globs = GlobTargets({"p/*.json": "POST /phone-number"}, tmp_path)
    by_glob = Linter(fixed_spec, globs=globs).lint_file(path)
    assert by_glob.target_source == "config"
    by_option = Linter(fixed_spec, target="CreateTwilioPhoneNumberDTO", globs=globs).lint_file(path)
    assert by_option.target_source == "option"
    # "$contract" was overruled: said, not silent
    for result in (by_glob, by_option):
        (conflict,) = [f for f in result.findings if f.rule == "lint.target-conflict"]
        assert conflict.severity is Severity.WARNING
        assert "'PATCH /phone-number/{id}'" in conflict.message
        assert (conflict.line, conflict.column) == (2, 16)


def test_no_conflict_when_the_contract_agrees(fixed_spec: Any, tmp_path: Path) -> None:
    path = _write(
        tmp_path, "c.json", {"$contract": "PhoneNumberController_create", **CREATE_TWILIO}
    )
    result = Linter(fixed_spec, target="POST /phone-number").lint_file(path)
    assert result.findings == []


# ------------------------------------------------------------------------------------ detection
def test_detection_by_discriminator_prefers_the_most_specific_body(
    fixed_spec: Any, tmp_path: Path
) -> None:
    linter = Linter(fixed_spec)
    create = linter.lint_file(_write(tmp_path, "c.json", CREATE_TWILIO))
    assert (create.target, create.target_source) == ("POST /phone-number", "detected")
    assert create.how is not None
    assert create.how.startswith(
        "detected target POST /phone-number (CreateTwilioPhoneNumberDTO) by provider=twilio"
    )
    assert "PATCH /phone-number/{id} fits too but less specifically" in create.how
    assert create.findings == []
    # an update body fails the create DTO's required properties: the update body is picked
    update = linter.lint_file(_write(tmp_path, "u.json", UPDATE_TWILIO))
    assert update.target == "PATCH /phone-number/{id}"
    assert update.how is not None
    assert "by provider=twilio; next best POST /phone-number with 2 errors" in update.how
    assert update.findings == []


def test_detection_with_an_unknown_tag_still_reports_the_tag(
    fixed_spec: Any, tmp_path: Path
) -> None:
    result = Linter(fixed_spec).lint_file(
        _write(tmp_path, "t.json", {**CREATE_TWILIO, "provider": "twillio"})
    )
    assert result.target_source == "detected"
    assert result.how is not None
    assert (
        "its discriminator property provider (provider=twillio is none of its tags)" in result.how
    )
    assert "discriminator.unknown" in _rules(result.findings)


def test_a_required_tag_is_more_specific_than_an_optional_one(
    fixed_spec: Any, tmp_path: Path
) -> None:
    # Both bodies take {"provider": "vapi", "name": ...}, but only the create DTOs require the tag
    # (the update DTOs leave it optional): the create body wins, and the note says PATCH fits too.
    linter = Linter(fixed_spec)
    clean = linter.lint_file(_write(tmp_path, "v.json", {"provider": "vapi", "name": "x"}))
    assert clean.target == "POST /phone-number"
    assert clean.findings == []
    assert clean.how is not None
    assert "PATCH /phone-number/{id} fits too but less specifically" in clean.how
    dirty = linter.lint_file(_write(tmp_path, "w.json", {"provider": "vapi", "name": "x" * 41}))
    assert dirty.target == "POST /phone-number"
    assert _rules(dirty.findings) == ["schema.maxLength"]


def _twin_spec() -> Any:
    """Two operations whose bodies take exactly the same payloads."""
    from contracttest.openapi.model import Spec

    body = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    }
    ok = {"200": {"description": "ok"}}
    return Spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "twins", "version": "1"},
            "paths": {
                "/cats": {
                    "post": {"operationId": "createCat", "requestBody": body, "responses": ok}
                },
                "/dogs": {
                    "post": {"operationId": "createDog", "requestBody": body, "responses": ok}
                },
            },
            "components": {
                "schemas": {
                    "Pet": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string", "maxLength": 5}},
                    }
                }
            },
        },
        source="<twins>",
        sha256="0",
    )


def test_ties_are_reported_as_ambiguous(tmp_path: Path) -> None:
    linter = Linter(_twin_spec())
    clean = linter.lint_file(_write(tmp_path, "v.json", {"name": "Rex"}))
    (info,) = clean.findings
    assert info.rule == "lint.target-ambiguous"
    assert info.severity is Severity.INFO  # valid against both: nothing hidden
    assert "POST /cats" in info.message and "POST /dogs" in info.message
    dirty = linter.lint_file(_write(tmp_path, "w.json", {"name": "Rexford"}))
    ambiguous = [f for f in dirty.findings if f.rule == "lint.target-ambiguous"]
    assert [f.severity for f in ambiguous] == [Severity.WARNING]
    assert "schema.maxLength" in _rules(dirty.findings)


def test_detection_by_best_match_without_a_discriminator(fixed_spec: Any, tmp_path: Path) -> None:
    # No provider: only the property names say which body this is.
    payload = {"numberDesiredAreaCode": "415", "name": "Sales"}
    result = Linter(fixed_spec).lint_file(_write(tmp_path, "a.json", payload))
    assert result.target == "POST /phone-number"  # the update DTOs do not declare the area code
    assert result.how is not None
    assert result.how.startswith(
        "detected target POST /phone-number by best match (2 of 2 top-level properties declared)"
    )
    assert "PATCH /phone-number/{id} does not declare 1 property" in result.how
    assert _rules(result.findings) == ["discriminator.missing"]


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ({"firstMessage": "hi", "voicemailMessage": "bye"}, "no operation's request body fits"),
        ([{"provider": "vapi"}], "the payload is a list"),
        ("just a string", "the payload is a str"),
        ({}, "an empty object"),
    ],
)
def test_a_file_that_matches_no_target_is_reported(
    fixed_spec: Any, tmp_path: Path, payload: Any, why: str
) -> None:
    result = Linter(fixed_spec).lint_file(_write(tmp_path, "x.json", payload))
    assert result.target is None
    assert result.target_source is None
    (finding,) = result.findings
    assert finding.rule == "lint.no-target"
    assert finding.severity is Severity.ERROR
    assert why in finding.message
    assert (finding.line, finding.column) == (1, 1)
    assert finding.suggestion is not None and "$contract" in finding.suggestion


def test_no_detect_turns_detection_off(fixed_spec: Any, tmp_path: Path) -> None:
    result = Linter(fixed_spec, detect=False).lint_file(_write(tmp_path, "c.json", CREATE_TWILIO))
    assert _rules(result.findings) == ["lint.no-target"]
    assert "detection is off" in result.findings[0].message


def test_findings_point_at_lines_in_json_and_yaml(fixed_spec: Any, tmp_path: Path) -> None:
    json_file = tmp_path / "p.json"
    json_file.write_text(
        '{\n  "provider": "byo-phone-number",\n  "credentialId": "c",\n'
        '  "number": "4155550100",\n  "extra": 1\n}\n'
    )
    yaml_file = tmp_path / "p.yaml"
    yaml_file.write_text(
        "provider: byo-phone-number\ncredentialId: c\nnumber: '4155550100'\nextra: 1\n"
    )
    linter = Linter(fixed_spec, target="POST /phone-number")
    got_json = {(f.rule, f.line, f.column) for f in linter.lint_file(json_file).findings}
    got_yaml = {(f.rule, f.line, f.column) for f in linter.lint_file(yaml_file).findings}
    # the value of a bad number; the key of an unknown property
    assert got_json == {("phone.e164", 4, 13), ("schema.additionalProperties", 5, 3)}
    assert got_yaml == {("phone.e164", 3, 9), ("schema.additionalProperties", 4, 1)}


def test_a_missing_required_property_points_at_its_parent_object(
    fixed_spec: Any, tmp_path: Path
) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        '{\n  "provider": "byo-phone-number",\n  "credentialId": "c",\n'
        '  "fallbackDestination": {\n    "type": "number"\n  }\n}\n'
    )
    result = Linter(fixed_spec, target="POST /phone-number").lint_file(path)
    (req,) = [f for f in result.findings if f.rule == "schema.required"]
    assert req.pointer.startswith("/fallbackDestination")
    assert (req.line, req.column) == (4, 26)


def test_secrets_are_not_echoed(fixed_spec: Any, tmp_path: Path) -> None:
    payload = {**CREATE_TWILIO, "twilioAuthToken": 12345, "provider": "twilio"}
    result = Linter(fixed_spec).lint_file(_write(tmp_path, "s.json", payload))
    assert "schema.type" in _rules(result.findings)
    assert all("12345" not in str(f) for f in result.findings)
