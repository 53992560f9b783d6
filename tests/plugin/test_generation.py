"""Test generation: one test per operation and kind, each driven by Hypothesis, on the built-in mock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from plugin_support import SPEC_ARGS, TOKEN_A

OPS = (
    "PhoneNumberController_findAll",
    "PhoneNumberController_create",
    "PhoneNumberController_findAllPaginated",
    "PhoneNumberController_findOne",
    "PhoneNumberController_remove",
    "PhoneNumberController_update",
)


def _collected(result: pytest.RunResult) -> list[str]:
    return [ln.split("::", 1)[1] for ln in result.outlines if "::" in ln]


def test_one_test_per_operation_and_kind(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import contracttest.pytest as ct

        @ct.parametrize()
        def test_default(case):
            pass

        @ct.parametrize(kinds=["auth"], operations=["GET /phone-number", "PATCH /phone-number/{id}"])
        def test_auth(case):
            pass

        @pytest.mark.contract(operations="tag:Phone Numbers", kinds="valid")
        def test_marker(case):
            pass
        """
    )
    result = pytester.runpytest(*SPEC_ARGS, "--collect-only", "-q")
    ids = _collected(result)
    assert ids[:12] == [f"test_default[{op}-{kind}]" for op in OPS for kind in ("valid", "invalid")]
    assert ids[12:14] == [
        "test_auth[PhoneNumberController_findAll-auth]",
        "test_auth[PhoneNumberController_update-auth]",
    ]
    assert ids[14:] == [f"test_marker[{op}-valid]" for op in OPS]


def test_cases_pass_on_the_mock(pytester: pytest.Pytester) -> None:
    # Given a contract test that also inspects the cases it gets
    pytester.makepyfile(
        """
        import collections
        import contracttest.pytest as ct
        from contracttest.pytest import NO_BODY

        calls = collections.Counter()

        @ct.parametrize(kinds=["valid", "invalid", "auth"], max_examples=3)
        def test_api(case, contract_validator, tmp_path):
            calls[(case.operation.label, case.kind)] += 1
            assert tmp_path.exists()  # other fixtures still work
            if case.kind == "valid" and case.body is not NO_BODY:
                assert contract_validator(case.body, case.operation.label) == []
            if case.kind == "invalid":
                # as in `contracttest run`: an undeclared query parameter need only avoid a 5xx
                assert case.expect in ("reject", "any") and case.violation is not None
            if case.kind == "auth":
                assert case.expect == "unauthorized"
            response = case.call_and_check()
            assert response is case.response

        def test_counts():
            # Hypothesis ran each generated test at most max_examples times
            assert calls and all(1 <= n <= 3 for (op, kind), n in calls.items() if kind != "auth")
            assert all(n == 2 for (op, kind), n in calls.items() if kind == "auth")
        """
    )
    # When it runs against the built-in mock (no --contract-base-url)
    result = pytester.runpytest(*SPEC_ARGS, "-p", "no:randomly")
    # Then every generated test passes: the mock honours its own contract
    result.assert_outcomes(passed=6 + 6 + 6 + 1)
    result.stdout.fnmatch_lines(
        ["*= contracttest =*", "Vapi Phone Numbers API: 6 operation(s) x * 0 failed, 0 errored*"]
    )


def test_checks_select_what_is_checked(
    pytester: pytest.Pytester, buggy_server: Callable[[str | None], str]
) -> None:
    # Given a server answering 200 where the spec documents 201 for POST /phone-number
    url = buggy_server("create-200")
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="POST /phone-number", kinds="valid", max_examples=2,
                        checks=["response.schema", "response.content-type"])
        def test_schema_only(case):
            case.call_and_check()

        @ct.parametrize(operations="POST /phone-number", kinds="valid", max_examples=2)
        def test_every_check(case):
            case.call_and_check()

        @ct.parametrize(operations="POST /phone-number", kinds="valid", max_examples=2)
        def test_per_call(case):
            case.call_and_check(checks="request")  # prefixes work too
        """
    )
    result = pytester.runpytest(
        *SPEC_ARGS, f"--contract-base-url={url}", f"--contract-token={TOKEN_A}"
    )
    # Then only the test that runs response.status fails
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["FAILED *test_every_check*"])
    result.stdout.fnmatch_lines(["E *[[]response.status[]] *"])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "@ct.parametrize(operations='PhoneNumberController_creat')\ndef test_x(case): pass",
            "*contract test test_x: --include 'PhoneNumberController_creat' matches no operation*"
            "did you mean*PhoneNumberController_create*",
        ),
        (
            "@ct.parametrize()\ndef test_x(request): pass",
            "*contract test test_x: the function must take a 'case' argument*",
        ),
        (
            "@ct.parametrize(kinds='happy')\ndef test_x(case): pass",
            "*contract marker: unknown kind 'happy'; expected valid, invalid, auth*",
        ),
        (
            "import pytest\n@pytest.mark.contract(operation='x')\ndef test_x(case): pass",
            "*contract marker: unknown argument(s) operation; known: spec, operations*",
        ),
        (
            "@ct.parametrize(checks=['response.shape'])\ndef test_x(case): pass",
            "*no check 'response.shape'; known checks: *",
        ),
        (
            "@ct.parametrize('nowhere.yaml')\ndef test_x(case): pass",
            "*contract test test_x: *nowhere.yaml*",
        ),
    ],
)
def test_mistakes_are_collection_errors(
    pytester: pytest.Pytester, source: str, message: str
) -> None:
    pytester.makepyfile("import contracttest.pytest as ct\n" + source)
    result = pytester.runpytest(*SPEC_ARGS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


def test_explicit_spec_next_to_the_test_module(pytester: pytest.Pytester) -> None:
    from plugin_support import FIXES, SEED

    (pytester.path / "api.yaml").write_text(SEED.read_text())
    (pytester.path / "fixes.yaml").write_text(FIXES.read_text())
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize("api.yaml", overlays=["fixes.yaml"], operations="GET /phone-number",
                        kinds="valid", max_examples=2)
        def test_list(case):
            case.call_and_check()
        """
    )
    # no --contract-spec: the marker names its own spec, and gets its own mock
    pytester.runpytest().assert_outcomes(passed=1)


def test_read_only_and_missing_credentials_skip(
    pytester: pytest.Pytester, buggy_server: Callable[[str | None], str]
) -> None:
    url = buggy_server(None)
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="POST /phone-number", kinds="valid")
        def test_create(case):
            case.call_and_check()
        """
    )
    # A non-loopback endpoint is only read unless writes are allowed (nothing is sent here)
    result = pytester.runpytest(*SPEC_ARGS, "--contract-base-url=http://api.example.invalid", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*read-only: POST /phone-number changes data*--contract-allow-writes*"]
    )
    # Without a token, secured operations cannot be tested
    result = pytester.runpytest(*SPEC_ARGS, f"--contract-base-url={url}", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*POST /phone-number needs credentials: pass --contract-token*"])


def test_cases_can_be_changed_before_sending(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="POST /phone-number", kinds="valid", max_examples=2)
        def test_create(case, contract_client):
            case.body = {"provider": "vapi", "name": "Changed"}
            case.headers["x-request-id"] = "abc"
            assert "curl -sS -X POST" in case.as_curl()
            response = case.call_and_check()
            assert response.status == 201
            assert response.json()["name"] == "Changed"
            assert "x-request-id" in dict(case.request.headers)
            assert "ContractCase(POST /phone-number, valid" in repr(case)
        """
    )
    pytester.runpytest(*SPEC_ARGS).assert_outcomes(passed=1)


def test_live_writes_are_journaled_and_cleaned_up(
    pytester: pytest.Pytester, buggy_server: Callable[[str | None], str]
) -> None:
    # Given a (correct) live server on loopback, where writes are allowed
    url = buggy_server(None)
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations=["POST /phone-number", "GET /phone-number/{id}"],
                        kinds="valid", max_examples=3)
        def test_api(case):
            case.call_and_check()
        """
    )
    result = pytester.runpytest(
        *SPEC_ARGS, f"--contract-base-url={url}", f"--contract-token={TOKEN_A}"
    )
    result.assert_outcomes(passed=2)
    # Then everything the session created was journaled, and deleted at the end
    from contracttest.runner.journal import DEFAULT_JOURNAL, iter_records, read_pending

    journal = pytester.path / DEFAULT_JOURNAL
    events = [record["event"] for _line, record in iter_records(journal)]
    assert events.count("created") >= 3
    assert read_pending(journal) == []
    assert TOKEN_A not in journal.read_text()
