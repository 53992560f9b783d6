"""Generated tests failing on buggy servers: the output reads like a contract finding."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from plugin_support import SPEC_ARGS, TOKEN_A, TOKEN_B

Server = Callable[[str | None], str]


def _run(pytester: pytest.Pytester, url: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        *SPEC_ARGS,
        f"--contract-base-url={url}",
        f"--contract-token={TOKEN_A}",
        f"--contract-token={TOKEN_B}",
        "--contract-seed=7",
        *args,
    )


def _no_internals(out: str) -> None:
    """No secret, no traceback through the runner, the validators or Hypothesis."""
    assert TOKEN_A not in out and TOKEN_B not in out
    for internal in (
        "contracttest/runner",
        "contracttest/pytest/",
        "site-packages/hypothesis",
        "jsonschema",
        "Traceback",
        "Falsifying example",
    ):
        assert internal not in out, internal


def test_undeclared_response_member(pytester: pytest.Pytester, buggy_server: Server) -> None:
    # Given a server whose responses carry a member the schema does not declare
    url = buggy_server("extra-field")
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="POST /phone-number", kinds="valid", max_examples=5)
        def test_create(case):
            case.call_and_check()
        """
    )
    # When the generated test runs against it
    result = _run(pytester, url)
    # Then it fails with the check, the rule, the pointer, the payload, the response and a curl line
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "    def test_create(case):",
            ">       case.call_and_check()",
            "E *ContractCheckFailed: PhoneNumberController_create (POST /phone-number, valid case)"
            " broke the contract: 1 failing check (response.schema)",
            "E *[[]response.schema[]] schema.additionalProperties at $.internalCost (pointer /internalCost)",
            "E *response 201: the response has member 'internalCost', which the schema does not declare",
            "E *expected: only declared members",
            "E *case:     valid request",
            'E *payload:  {*"provider": *}',
            "E *response: 201 application/json*",
            'E *{*"internalCost": 0.42*}',
            "E *reproduce:",
            'E *curl -sS -X POST http://127.0.0.1:*/phone-number * -H "Authorization: Bearer'
            ' ${CONTRACTTEST_TOKEN}" * --data-raw *',
            "E *seed 7: rerun with --contract-seed 7",
        ]
    )
    _no_internals(result.stdout.str())


def test_minimal_payload(pytester: pytest.Pytester, buggy_server: Server) -> None:
    # Given a server that crashes on non-ASCII names
    url = buggy_server("crash-unicode")
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="POST /phone-number", kinds="valid", max_examples=60,
                        checks="server")
        def test_create(case):
            if isinstance(case.body, dict) and case.body.get("name"):
                case.call_and_check()
        """
    )
    result = _run(pytester, url)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "[server.no-5xx]" in out
    # Hypothesis shrank the failing request before pytest showed it: one non-ASCII character
    payload = next(ln for ln in result.outlines if ln.startswith("E") and "payload:" in ln)
    name = payload.split('"name": "', 1)[1].split('"', 1)[0]
    assert len(name) == 1 and not name.isascii(), payload
    _no_internals(out)


def test_secrets_never_reach_the_output(
    pytester: pytest.Pytester, buggy_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a server whose 400s quote the twilioAuthToken sent, and echoes the caller's token in
    # its 404s
    url = buggy_server("echo-secret-in-400")
    # (the secret comes from the environment: pytest shows the test's source, which is the user's)
    monkeypatch.setenv("TW_TOKEN", "tw-sekrit-0042")
    pytester.makepyfile(
        """
        import os
        import contracttest.pytest as ct

        @ct.parametrize(operations="POST /phone-number", kinds="valid", max_examples=1)
        def test_create(case):
            case.body = {"provider": "twilio", "number": "+14155550101",
                         "twilioAccountSid": "AC0123456789", "twilioAuthToken": os.environ["TW_TOKEN"],
                         "name": 42}
            case.call_and_check()
        """
    )
    result = _run(pytester, url, "-l")  # -l: the case is shown among the locals too
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E *[[]response.no-secrets[]] response.secret-echoed*"])
    out = result.stdout.str()
    assert "tw-sekrit-0042" not in out
    assert '"twilioAuthToken": "[REDACTED]"' in out
    _no_internals(out)

    url = buggy_server("echo-token")
    pytester.makepyfile(
        test_echo="""
        import contracttest.pytest as ct

        @ct.parametrize(operations="GET /phone-number/{id}", kinds="valid", max_examples=1)
        def test_get(case):
            case.path_params["id"] = "00000000-0000-4000-8000-000000000000"
            case.call_and_check(checks="response.no-secrets")
        """
    )
    result = _run(pytester, url, "test_echo.py", "-l")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["E *[[]response.no-secrets[]] response.secret-echoed at $.message*"]
    )
    _no_internals(result.stdout.str())


def test_missing_authentication(pytester: pytest.Pytester, buggy_server: Server) -> None:
    url = buggy_server("no-auth")
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations=["GET /phone-number", "DELETE /phone-number/{id}"], kinds="auth")
        def test_auth(case):
            case.call_and_check()
        """
    )
    result = _run(pytester, url)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E *PhoneNumberController_findAll (GET /phone-number, auth case) broke the contract:"
            " 1 failing check (auth.required)",
            "E *[[]auth.required[]] auth.not-enforced",
            "E *GET /phone-number accepted a request without credentials",
            "E *expected: 401 or 403",
        ]
    )
    # the reproduction has no Authorization header at all
    curl = next(ln for ln in result.outlines if "curl -sS -X GET" in ln)
    assert "Authorization" not in curl
    _no_internals(result.stdout.str())


def test_errors_that_do_not_name_the_field(pytester: pytest.Pytester, buggy_server: Server) -> None:
    # Given a server whose 400s never say which field is wrong
    url = buggy_server("vague-errors")
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="POST /phone-number", kinds="invalid", max_examples=10)
        def test_rejects(case):
            case.call_and_check()
        """
    )
    # A vague 400 breaks no contract (the spec documents no error message): by default it is an
    # advisory finding in the summary and the reports, not a failed test ...
    result = _run(pytester, url)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*0 failing case(s), * advisory finding(s)*"])
    # ... and with --contract-fail-on advisory it fails the test, explained like any failure
    result = _run(pytester, url, "--contract-fail-on", "advisory")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *PhoneNumberController_create (POST /phone-number, invalid case) has advisory "
            "findings (--contract-fail-on advisory): 1 failing check (request.error-names-field)",
            "E *[[]request.error-names-field[]] request.error-misses-field*",
            "E *the 400 response does not name the broken field *",
            "E *case:     invalid body: *",
            "E *response: 400 application/json*",
        ]
    )
    _no_internals(result.stdout.str())


def test_a_correct_server_passes(pytester: pytest.Pytester, buggy_server: Server) -> None:
    url = buggy_server(None)
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(kinds=["valid", "invalid", "auth"], max_examples=5)
        def test_api(case):
            case.call_and_check()
        """
    )
    _run(pytester, url).assert_outcomes(passed=18)


def test_an_unreachable_endpoint_fails_fast(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Count the connection attempts the run makes (pytester runs the inner session in this process)
    attempts: list[object] = []
    connect = socket.create_connection

    def counting(address: object, *args: object, **kwargs: object) -> socket.socket:
        if address == ("127.0.0.1", port):
            attempts.append(address)
        return connect(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", counting)
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="GET /phone-number", kinds="valid", max_examples=50)
        def test_list(case):
            case.call_and_check()
        """
    )
    result = _run(pytester, f"http://127.0.0.1:{port}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"contracttest: the endpoint could not be reached: GET http://127.0.0.1:{port}/phone-number*"
        ]
    )
    _no_internals(result.stdout.str())
    # One request with the client's retries (3), not 50 examples each retried, and no shrinking of
    # a failure every input has.
    assert 1 <= len(attempts) <= 4, f"{len(attempts)} connection attempts"
