"""Contract tests for an API, with contracttest's pytest plugin. Copy this file into your tests.

Setup (pyproject.toml):

    [tool.pytest.ini_options]
    contract_spec = "openapi/vapi-phone-numbers.yaml"   # or spec = ... in [tool.contracttest]
    # contract_overlay = ["openapi/fixes.yaml"]

Run:

    pytest                                          # against the built-in mock of the spec
    CONTRACTTEST_TOKEN=... pytest --contract-base-url=https://staging.example.com
    pytest -n auto --contract-report-dir=reports    # JSON, JUnit, HTML, Markdown; one report
                                                    # even with pytest-xdist workers

A failure names the check, the rule and the JSON pointer, shows the smallest request Hypothesis
found and a curl line to replay it; tokens and secrets are redacted. Rerun the same cases with
--contract-seed=N (the seed is printed with the failure).
"""

import contracttest.pytest as ct


# One test per operation and kind of request, each driven by Hypothesis: valid requests must get a
# documented 2xx and a conforming answer, invalid ones a 4xx that names the field, requests without
# or with wrong credentials a 401/403. No server ever answers 5xx.
@ct.parametrize(kinds=["valid", "invalid", "auth"])
def test_api_honours_its_contract(case):
    case.call_and_check()


# Narrower and deeper: only invalid requests to one operation, with more examples.
@ct.parametrize(operations=["POST /phone-number"], kinds="invalid", max_examples=50)
def test_bad_phone_numbers_are_rejected(case):
    response = case.call_and_check()
    assert 400 <= response.status < 500


# Only some checks: here, that every read answers with a conforming body.
@ct.parametrize(operations="GET *", kinds="valid", checks="response")
def test_reads_conform(case):
    case.call_and_check()


# Your own payloads (fixtures, examples from the docs), checked against the contract.
def test_our_payloads_match_the_contract():
    ct.assert_valid({"provider": "vapi", "name": "Support"}, "CreateVapiPhoneNumberDTO")
    ct.assert_invalid(
        {"provider": "byo-phone-number", "number": "4155550100", "credentialId": "cred-1"},
        "POST /phone-number",
        rule="phone.e164",
    )


# Hand-written requests: contract_client is an httpx.Client bound to the endpoint under test,
# authenticated with the first token; contract_validator checks any payload against the spec.
def test_a_round_trip(contract_client, contract_validator):
    created = contract_client.post("/phone-number", json={"provider": "vapi", "name": "Example"})
    assert created.status_code == 201, created.text
    contract_validator.assert_valid(created.json(), "PhoneNumberController_create:response:201")
    assert contract_client.delete(f"/phone-number/{created.json()['id']}").status_code == 200
