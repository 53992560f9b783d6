"""The runner against deliberately buggy servers: each bug is reported by the checks meant to catch
it, and a correct server gets a clean run.

Every bug in `buggy_servers.BUGS` is run with the checks that should catch it (fast); a
representative handful, and the correct server, get the full default set of checks, and the slow
suite runs the whole matrix with every check (as ``nox -s bench`` does).
"""

from __future__ import annotations

from typing import Any

import pytest
from _runner_support import TOKENS, caught, describe, detect, run_runner
from buggy_servers import BUGS, IN_THE_SPEC, make_app, serve

from contracttest.runner.catalog import checks_info
from contracttest.runner.plan import DEFAULT_MAX_UNITS
from contracttest.runner.results import Status

pytestmark = pytest.mark.network

REPRESENTATIVE = (
    "leak-auth-token",
    "page-off-by-one",
    "cross-org-write",
    "accept-invalid-e164",
    "patch-changes-provider",
    "crash-bad-id",
    "delete-still-listed",
    "unicode-mangled",
    "crash-sql-quote",
)
SECRET_BUGS = ("leak-api-secret", "leak-in-list", "echo-secret-in-400", "echo-token-header")


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


@pytest.mark.slow  # 60-160 s on two cores; the default run keeps the REPRESENTATIVE slice below
def test_every_bug_is_reported() -> None:
    # Given one server per bug, each run (two at a time: this machine has two cores) with the
    # checks that should catch its kind of bug
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = list(pool.map(detect, sorted(BUGS)))
    # Then every one of them is reported by those checks, with a finding and a curl line
    missed = [
        f"{bug}: {BUGS[bug][0]}\n{digest}"
        for bug, failed, digest in outcomes
        if not BUGS[bug][1] <= failed
    ]
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("bug", REPRESENTATIVE)
def test_bugs_are_reported_with_every_check_on(fixed_spec: Any, bug: str) -> None:
    with serve(make_app(fixed_spec, TOKENS, bug)) as url:
        result = run_runner(fixed_spec, url)
    assert BUGS[bug][1] <= caught(result, bug), describe(result)
    # a bug that breaks the contract fails the run; one the spec itself commits is its finding
    assert result.exit_code == (0 if bug in IN_THE_SPEC else 1), describe(result)


@pytest.mark.slow
@pytest.mark.parametrize("bug", sorted(BUGS))
def test_full_matrix(fixed_spec: Any, bug: str) -> None:
    # Every check at the unit budget a user's `contracttest run` has (as `nox -s bench` runs it):
    # the short budget of the other tests sends only the first ways of breaking each place, and
    # a bug in a later way (E.164's country code 0, a '#' with the check off) goes unsent.
    with serve(make_app(fixed_spec, TOKENS, bug)) as url:
        result = run_runner(fixed_spec, url, max_examples=5, max_units=DEFAULT_MAX_UNITS)
    assert BUGS[bug][1] <= caught(result, bug), describe(result)


@pytest.mark.parametrize("bug", SECRET_BUGS)
def test_leaked_secrets_never_reach_a_report(fixed_spec: Any, bug: str, tmp_path: Any) -> None:
    # Given a server that leaks a secret (a Twilio credential, a planted marker, the caller's token)
    from buggy_servers import TWILIO_MARK

    from contracttest.report import write_reports
    from contracttest.runner.markers import MARKER_PREFIX

    with serve(make_app(fixed_spec, TOKENS, bug)) as url:
        result = run_runner(fixed_spec, url, checks=["response.no-secrets"])
    # When the runner reports the leak in every format (a failure, or the spec's own finding
    # where the response schema documents the credential)
    assert "response.no-secrets" in caught(result, bug), describe(result)
    paths = write_reports(result, ["json", "junit", "html", "md"], tmp_path)
    # Then no report carries the secret itself
    for path in paths.values():
        text = path.read_text()
        assert TWILIO_MARK not in text, path.name
        assert MARKER_PREFIX + "-" not in text, path.name
        assert TOKENS[0] not in text and TOKENS[1] not in text, path.name
