"""The differential oracle: the NestJS reference server (class-validator) against contracttest's
validator (API and ``contracttest validate``) and ``contracttest mock``, on the same requests.

Required, on every request of the run (at least 2,000 by default; ``nox -s reference`` runs the slow
volume): the validator's verdict is the server's; every field the server's 400 names is one a
finding points at; ``contracttest validate`` says what the API says; the mock answers the server's
status and names the field the server names. Where the framework departs from the contract the
expected outcome comes from the named model of that departure (`differential.DEVIATIONS`, listed in
tests/reference/nestjs/README.md), and every one of them must show up in the run.

Set ``CONTRACTTEST_DIFFERENTIAL_REPORT=<file>`` to write the table (markdown) there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from _components import NestServer
from cases import Targets, boundary, generated, handwritten, minimal_bodies
from differential import (
    DEVIATIONS,
    HttpParty,
    Result,
    cli_agrees,
    cli_outcomes,
    disagreements,
    render,
    run_cases,
    spec_view,
    start_mock,
    stop,
    table,
    with_cli,
)

pytestmark = pytest.mark.network

SEED = 12
MOCK_TOKENS = ("differential-mock-org1-token", "differential-mock-org2-token")


def _run(
    fixed_spec: Any,
    nestjs: NestServer,
    mock_url: str,
    *,
    every_variant: bool,
    boundary_limit: int | None,
    per_target: int,
) -> list[Result]:
    view = spec_view(fixed_spec)
    bases = minimal_bodies(view)
    cases = [
        *handwritten(Targets(view, bases, every_variant=every_variant)),
        *boundary(view, boundary_limit),
        *generated(view, per_target, SEED),
    ]
    server = HttpParty("nestjs", nestjs.url, nestjs.tokens[0])
    mock = HttpParty("mock", mock_url, MOCK_TOKENS[0])
    try:
        server.seed(bases)
        mock.seed(bases)
        results = run_cases(view, cases, server, mock)
    finally:
        server.close()
        mock.close()
    results = with_cli(results, cli_outcomes(cases))
    report = os.environ.get("CONTRACTTEST_DIFFERENTIAL_REPORT")
    if report:
        rows, total = table(results)
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_text(render(rows, total, nestjs.versions) + "\n", encoding="utf-8")
    return results


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    proc, url = start_mock(MOCK_TOKENS)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def default_run(fixed_spec: Any, nestjs_server: NestServer, mock_url: str) -> list[Result]:
    return _run(
        fixed_spec,
        nestjs_server,
        mock_url,
        every_variant=False,
        boundary_limit=150,
        per_target=5,
    )


def _report(results: Sequence[Result], broken: Sequence[Result], versions: dict[str, str]) -> str:
    rows, total = table(results)
    return "\n".join([render(rows, total, versions), "", *disagreements(broken, limit=25)])


def check_agreement(results: Sequence[Result], versions: dict[str, str]) -> None:
    """Every requirement of the module docstring, on ``results``."""
    assert len(results) >= 2000

    wrong_verdict = [r for r in results if not r.verdict_agrees]
    assert not wrong_verdict, _report(results, wrong_verdict, versions)

    wrong_field = [r for r in results if not r.fields_agree]
    assert not wrong_field, _report(results, wrong_field, versions)

    cli_off = [r for r in results if not cli_agrees(r)]
    assert not cli_off, _report(results, cli_off, versions)
    assert sum(r.cli is not None for r in results) >= 0.9 * len(results)

    mock_off = [r for r in results if not r.mock_agrees]
    assert not mock_off, _report(results, mock_off, versions)

    seen = {d for r in results if r.deviation for d in r.deviation.split("+")}
    assert seen == set(DEVIATIONS), f"documented deviations not exercised: {set(DEVIATIONS) - seen}"


def test_validator_mock_and_cli_agree_with_the_nestjs_server(
    default_run: list[Result], fixed_spec: Any, nestjs_server: NestServer
) -> None:
    check_agreement(default_run, nestjs_server.versions)


def test_the_run_covers_every_family_and_both_verdicts(default_run: list[Result]) -> None:
    rows, _ = table(default_run)
    families = {row.family for row in rows}
    assert families >= {
        "boundary valid",
        "boundary invalid",
        "generated valid",
        "generated invalid",
        "length",
        "E.164",
        "hooks",
        "unknown property",
        "nested union member",
        "wrong type",
        "malformed JSON",
        "non-object body",
        "no body",
        "bad id",
        "null member",
    }
    statuses = {r.server.status for r in default_run}
    assert {200, 201, 400}.issubset(statuses), statuses
    # Invalid bodies of every create and update variant reached the server.
    invalid = {
        (r.case.method, r.case.variant)
        for r in default_run
        if r.server.status == 400 and r.case.method in ("POST", "PATCH")
    }
    assert len(invalid) == 10, invalid


@pytest.mark.slow
def test_differential_at_volume(fixed_spec: Any, nestjs_server: NestServer, mock_url: str) -> None:
    results = _run(
        fixed_spec,
        nestjs_server,
        mock_url,
        every_variant=True,
        boundary_limit=None,
        per_target=int(os.environ.get("CONTRACTTEST_DIFFERENTIAL_EXAMPLES", "60")),
    )
    check_agreement(results, nestjs_server.versions)
