"""The plugin's fixtures: the configured spec, the built-in mock over real HTTP, a client bound to the
endpoint under test, a validator."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from plugin_support import SEED, SPEC_ARGS, TOKEN_A


def test_contract_spec_is_the_configured_spec(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_spec(contract_spec):
            assert contract_spec.title
            assert [op.operation_id for op in contract_spec.operations] == [
                "PhoneNumberController_findAll",
                "PhoneNumberController_create",
                "PhoneNumberController_findAllPaginated",
                "PhoneNumberController_findOne",
                "PhoneNumberController_remove",
                "PhoneNumberController_update",
            ]

        def test_same_object(contract_spec, request):
            assert request.getfixturevalue("contract_spec") is contract_spec
        """
    )
    pytester.runpytest(*SPEC_ARGS).assert_outcomes(passed=2)


def test_contract_spec_from_tool_contracttest(pytester: pytest.Pytester) -> None:
    # Without --contract-spec or ini keys, [tool.contracttest] in pyproject.toml names the spec
    (pytester.path / "openapi.yaml").write_text(SEED.read_text())
    pytester.makepyprojecttoml('[tool.contracttest]\nspec = "openapi.yaml"\n')
    pytester.makepyfile(
        """
        def test_spec(contract_spec):
            assert contract_spec.source.endswith("openapi.yaml")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_no_spec_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_spec(contract_spec):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*contracttest: no spec for contract tests: pass --contract-spec*"]
    )
    assert "Traceback" not in result.stdout.str()


def test_unreadable_spec_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_spec(contract_spec):\n    pass\n")
    result = pytester.runpytest("--contract-spec=missing.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*contracttest: *missing.yaml*"])
    assert "During handling" not in result.stdout.str()


def test_contract_mock_serves_real_http_on_loopback(pytester: pytest.Pytester) -> None:
    # Given a token for the mock
    pytester.makepyfile(
        f"""
        import json
        import urllib.error
        import urllib.request

        def get(url, token=None):
            req = urllib.request.Request(url)
            if token:
                req.add_header("Authorization", "Bearer " + token)
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    return resp.status, json.load(resp)
            except urllib.error.HTTPError as exc:
                return exc.code, None

        def test_mock(contract_mock, contract_base_url):
            assert contract_mock.startswith("http://127.0.0.1:")
            # without --contract-base-url the endpoint under test is the mock
            assert contract_base_url == contract_mock
            assert get(contract_mock + "/phone-number")[0] == 401
            status, body = get(contract_mock + "/phone-number", "{TOKEN_A}")
            assert status == 200 and body == []
        """
    )
    pytester.runpytest(*SPEC_ARGS, f"--contract-token={TOKEN_A}").assert_outcomes(passed=1)


def test_contract_client_keeps_session_state_on_the_mock(pytester: pytest.Pytester) -> None:
    # The client is authenticated with a generated token the mock accepts; the mock lives for the
    # whole session, so what one test creates the next one reads.
    pytester.makepyfile(
        """
        created = {}

        def test_create(contract_client):
            r = contract_client.post(
                "/phone-number", json={"provider": "vapi", "name": "Front desk"}
            )
            assert r.status_code == 201, r.text
            created["id"] = r.json()["id"]

        def test_read(contract_client, contract_validator):
            r = contract_client.get("/phone-number/" + created["id"])
            assert r.status_code == 200
            assert contract_validator(r.json(), "PhoneNumberController_findOne:response:200") == []

        def test_anonymous_is_refused(contract_client):
            r = contract_client.get("/phone-number", headers={"Authorization": ""})
            assert r.status_code == 401
        """
    )
    pytester.runpytest(*SPEC_ARGS, "-p", "no:randomly").assert_outcomes(passed=3)


def test_contract_client_targets_the_base_url(
    pytester: pytest.Pytester, buggy_server: Callable[[str | None], str]
) -> None:
    # Given a (correct) server of the API on 127.0.0.1
    url = buggy_server(None)
    pytester.makepyfile(
        f"""
        def test_client(contract_client, contract_base_url, contract_mock):
            assert contract_base_url == "{url}"
            assert str(contract_client.base_url).rstrip("/") == "{url}"
            r = contract_client.post(
                "/phone-number",
                json={{"provider": "byo-phone-number", "number": "+14155550100",
                       "credentialId": "cred-1"}},
            )
            assert r.status_code == 201, r.text
            # the mock is still available, and is not the endpoint under test
            assert contract_mock != contract_base_url
        """
    )
    result = pytester.runpytest(
        *SPEC_ARGS, f"--contract-base-url={url}", f"--contract-token={TOKEN_A}"
    )
    result.assert_outcomes(passed=1)


def test_contract_validator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_validator(contract_validator):
            assert contract_validator({"provider": "vapi"}, "CreateVapiPhoneNumberDTO") == []
            assert contract_validator.is_valid({"provider": "vapi"}, "POST /phone-number")
            found = contract_validator(
                {"provider": "byo-phone-number", "number": "415", "credentialId": "c"},
                "POST /phone-number",
            )
            assert [f.rule for f in found] == ["phone.e164"]
            contract_validator.assert_invalid(
                {"provider": "vapi", "name": "x" * 41}, "POST /phone-number", rule="schema.maxLength"
            )
        """
    )
    pytester.runpytest(*SPEC_ARGS).assert_outcomes(passed=1)
