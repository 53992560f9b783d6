"""The runner against deliberately buggy servers: each bug is reported by the checks meant to catch
it, and a correct server gets a clean run.

Every bug in `buggy_servers.BUGS` is run with the checks that should catch it (fast); a
representative handful, and the correct server, get the full default set of checks, and the slow
suite runs the whole matrix with every check (as ``nox -s bench`` does).
"""

from __future__ import annotations

from typing import Any

import pytest
from _runner_support import TOKENS, describe, failed_checks, run_runner
from buggy_servers import BUGS, make_app, serve

from contracttest.runner.registry import checks_info
from contracttest.runner.results import Status

pytestmark = pytest.mark.network

REPRESENTATIVE = (
    "leak-auth-token",
    "page-off-by-one",
    "cross-org-write",
    "accept-invalid-e164",
    "patch-changes-provider",
    "crash-bad-id",
)


def test_correct_server_gets_a_clean_run(fixed_spec: Any) -> None:
    # Given a server that honours the contract
    with serve(make_app(fixed_spec, TOKENS)) as url:
        # When every check runs against it
        result = run_runner(fixed_spec, url, max_examples=4)
    # Then nothing fails, nothing errors, and every check actually ran somewhere
    assert result.verdict == "passed", describe(result)
    ran = {
        check for (_op, check), r in result.results.items() if r.status is Status.PASSED and r.cases
    }
    assert ran == {c.id for c in checks_info()}, describe(result)
    assert result.metadata.requests > 200


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_bug_is_reported(fixed_spec: Any, bug: str) -> None:
    text, expected = BUGS[bug]
    # Given a server with one bug
    with serve(make_app(fixed_spec, TOKENS, bug)) as url:
        # When the checks meant to catch that kind of bug run
        result = run_runner(fixed_spec, url, checks=sorted(expected))
    # Then they fail, with a finding that says what is wrong
    assert expected <= failed_checks(result), f"{bug}: {text}\n{describe(result)}"
    failures = [f for f in result.failures() if f.check in expected]
    assert all(f.finding.message and f.finding.rule for f in failures)
    assert any(f.request is not None and f.request.curl.startswith("curl ") for f in failures)


@pytest.mark.parametrize("bug", REPRESENTATIVE)
def test_bugs_are_reported_with_every_check_on(fixed_spec: Any, bug: str) -> None:
    with serve(make_app(fixed_spec, TOKENS, bug)) as url:
        result = run_runner(fixed_spec, url)
    assert BUGS[bug][1] <= failed_checks(result), describe(result)
    assert result.exit_code == 1


@pytest.mark.slow
@pytest.mark.parametrize("bug", sorted(BUGS))
def test_full_matrix(fixed_spec: Any, bug: str) -> None:
    with serve(make_app(fixed_spec, TOKENS, bug)) as url:
        result = run_runner(fixed_spec, url, max_examples=5)
    assert BUGS[bug][1] <= failed_checks(result), describe(result)
