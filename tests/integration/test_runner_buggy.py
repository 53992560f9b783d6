"""The runner against deliberately buggy servers: each bug is reported by the checks meant to catch
it, and a correct server gets a clean run.

Every bug in `buggy_servers.BUGS` is run with the checks that should catch it (fast); a
representative handful, and the correct server, get the full default set of checks, and the slow
suite runs the whole matrix with every check (as ``nox -s bench`` does).
"""

from __future__ import annotations

from typing import Any

import pytest
from _runner_support import TOKENS, describe, detect, failed_checks, run_runner
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
    assert BUGS[bug][1] <= failed_checks(result), describe(result)
    assert result.exit_code == 1


@pytest.mark.slow
@pytest.mark.parametrize("bug", sorted(BUGS))
def test_full_matrix(fixed_spec: Any, bug: str) -> None:
    with serve(make_app(fixed_spec, TOKENS, bug)) as url:
        result = run_runner(fixed_spec, url, max_examples=5)
    assert BUGS[bug][1] <= failed_checks(result), describe(result)
