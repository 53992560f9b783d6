"""Warnings that qualify a verdict: each fires on the run that earns it, stays silent otherwise, and
every report shows the same ones (those that affect the verdict first)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from _report_sample import TOKEN, assert_no_secret, sample_result

from contracttest.report import html, json_, junit, markdown
from contracttest.report.run_warnings import RULES, warnings_of
from contracttest.runner.results import CheckResult, RunResult, Status

CREATE = "PhoneNumberController_create"
FIND_ALL = "PhoneNumberController_findAll"


def _clean() -> RunResult:
    """Two operations whose checks all passed, every valid request answered 2xx, full coverage."""
    r = sample_result(failures=0)
    results = {
        (CREATE, "response.schema"): CheckResult(CREATE, "response.schema", Status.PASSED, 40),
        (FIND_ALL, "response.schema"): CheckResult(FIND_ALL, "response.schema", Status.PASSED, 12),
    }
    cov = [replace(c, negative=[10, 10], missed=[], missed_total=0) for c in r.coverage]
    return replace(
        r,
        results=results,
        coverage=cov,
        responses={
            CREATE: {"success": {201: 30}, "reject": {400: 10}, "unauthorized": {401: 2}},
            FIND_ALL: {"success": {200: 12}, "unauthorized": {401: 2}},
        },
    )


def _ids(result: RunResult) -> list[str]:
    return [w.id for w in warnings_of(result)]


def test_a_clean_run_has_no_warning() -> None:
    assert _ids(_clean()) == []


def test_every_request_answered_401_is_an_auth_warning_naming_the_operations() -> None:
    # Given a run whose requests with credentials were all answered 401 (the auth probes too)
    r = replace(
        _clean(),
        responses={
            CREATE: {"success": {401: 30}, "reject": {401: 10}, "unauthorized": {401: 2}},
            FIND_ALL: {"success": {401: 11, 200: 1}},
        },
    )
    # Then one warning says so, first, naming both operations with their numbers
    w = warnings_of(r)[0]
    assert (w.id, w.affects_verdict) == ("auth-rejected", True)
    assert {i.operation: i.detail for i in w.items} == {
        CREATE: "40/40 responses were 401/403",
        FIND_ALL: "11/12 responses were 401/403",
    }
    # and operations behind the wall are not blamed a second time for never succeeding
    assert "no-resource-created" not in _ids(r) and "valid-never-succeeded" not in _ids(r)


def test_auth_probes_alone_answered_401_is_no_warning() -> None:
    r = replace(_clean(), responses={FIND_ALL: {"unauthorized": {401: 2}, "success": {200: 3}}})
    assert _ids(r) == []


def test_a_create_that_never_succeeded_and_reads_that_found_nothing() -> None:
    r = replace(
        _clean(),
        responses={
            CREATE: {"success": {400: 7, 422: 1}, "reject": {400: 10}},
            FIND_ALL: {"success": {404: 5}},
        },
    )
    by_id = {w.id: w for w in warnings_of(r)}
    create = by_id["no-resource-created"]
    assert create.items[0].operation == CREATE
    assert create.items[0].detail == "0 of 8 valid requests succeeded (7× 400, 1× 422)"
    other = by_id["valid-never-succeeded"]
    assert [i.operation for i in other.items] == [FIND_ALL]
    assert "404" in other.message


def test_coverage_far_below_enumerated_names_the_operation_and_the_main_reason() -> None:
    r = sample_result(failures=0)
    r = replace(r, coverage=[replace(c, negative=[3, 10]) for c in r.coverage])
    w = {w.id: w for w in warnings_of(r)}["coverage-low"]
    assert "3 of 10" in w.message and "30.0%" in w.message
    assert w.items[0].operation == CREATE
    assert "no payload breaks only this" in w.items[0].detail
    # 80% and above is no warning
    r = replace(r, coverage=[replace(c, negative=[8, 10]) for c in r.coverage])
    assert "coverage-low" not in _ids(r)


def test_most_checks_unfinished_or_skipped() -> None:
    errored = {
        (CREATE, c): CheckResult(CREATE, c, Status.ERRORED, 1, errors=["timed out"])
        for c in ("response.schema", "server.no-5xx")
    }
    r = replace(_clean(), results={**_clean().results, **errored})
    assert "checks-unfinished" in _ids(r)
    one = {(CREATE, "server.no-5xx"): errored[(CREATE, "server.no-5xx")]}
    r = replace(_clean(), results={**_clean().results, **one})  # 1 of 3: not most
    assert "checks-unfinished" not in _ids(r)
    skipped = {
        (FIND_ALL, c): CheckResult(FIND_ALL, c, Status.SKIPPED, reason="read-only run")
        for c in ("auth.required", "stateful.pagination", "server.no-5xx")
    }
    w = {w.id: w for w in warnings_of(replace(_clean(), results={**_clean().results, **skipped}))}
    assert w["checks-skipped"].items[0].detail == "read-only run: 3 results"


def test_advisory_findings_in_a_passing_run() -> None:
    r = sample_result(failures=1)
    failure = replace(r.failures()[0], level="advisory")
    results = {
        (CREATE, "response.schema"): CheckResult(
            CREATE, "response.schema", Status.ADVISORY, 40, failures=[failure]
        )
    }
    r = replace(_clean(), results={**_clean().results, **results})
    assert r.verdict == "passed"
    assert _ids(r) == ["advisory-only"]
    # with --fail-on advisory they fail the run: no warning needed
    r.metadata.fail_on = "advisory"
    assert _ids(r) == []


def test_nothing_tested() -> None:
    r = replace(_clean(), results={})
    r.metadata.requests = 0
    assert _ids(r) == ["nothing-tested"]


def test_affecting_warnings_come_before_notes() -> None:
    r = replace(
        _clean(),
        coverage=[replace(c, left_out=4) for c in _clean().coverage],
        responses={FIND_ALL: {"success": {401: 3}}},
    )
    assert _ids(r) == ["auth-rejected", "places-left-out"]
    assert [w.affects_verdict for w in warnings_of(r)] == [True, False]


def test_every_rule_is_silent_on_a_clean_run() -> None:
    clean = _clean()
    assert all(rule(clean) is None for rule in RULES)


@pytest.fixture()
def walled() -> RunResult:
    """A run whose every request was answered 401, with a secret in a check's error."""
    r = replace(
        _clean(),
        responses={CREATE: {"success": {401: 9}}, FIND_ALL: {"success": {401: 3}}},
    )
    results = dict(r.results)
    results[(FIND_ALL, "server.no-5xx")] = CheckResult(FIND_ALL, "server.no-5xx", Status.PASSED, 3)
    r = replace(r, results=results)
    r.notes.append(f"token {TOKEN}")
    return r


def test_every_format_shows_the_same_warnings_first(walled: RunResult, tmp_path: Path) -> None:
    # JSON: a warnings member, valid under the shipped schema
    doc = json.loads(json_.render(walled))
    assert [w["id"] for w in doc["warnings"]] == ["auth-rejected"]
    assert doc["warnings"][0]["items"][0] == {
        "operation": CREATE,
        "detail": "9/9 responses were 401/403",
    }
    import jsonschema

    jsonschema.Draft7Validator(json_.REPORT_SCHEMA).validate(doc)
    # Markdown: a GitHub alert before the matrix
    md = markdown.render(walled)
    assert md.index("> [!WARNING]") < md.index("| operation |")
    assert "**Authentication failed**" in md
    # JUnit: properties on every suite, and the operation's own detail on its suite
    root = ET.fromstring(junit.render(walled))
    for suite in root.iter("testsuite"):
        props = {p.get("name"): p.get("value") or "" for p in suite.iter("property")}
        assert props["warnings"] == "1"
        assert props["warning.auth-rejected"].startswith(
            "Authentication failed (affects the verdict)"
        )
        assert "401/403" in props["warning.auth-rejected.operation"]
    # HTML: the warnings section is the first thing in <main>, open, and the verdict links to it
    page = html.render(walled)
    main = page.index("<main>")
    assert page.index('<section id="warnings">', main) == page.index("<section", main)
    assert 'id="warning-auth-rejected"' in page and "open>" in page
    assert 'href="#warning-auth-rejected">⚠ 1 warning affects this result' in page
    for text in (json_.render(walled), md, junit.render(walled), page):
        assert_no_secret(text)


def test_junit_keeps_warnings_when_nothing_ran() -> None:
    r = replace(_clean(), results={})
    r.metadata.requests = 0
    root = ET.fromstring(junit.render(r))
    props = {p.get("name"): p.get("value") or "" for p in root.iter("property")}
    assert props["warning.nothing-tested"].startswith("Nothing was tested")


def test_the_console_prints_the_warnings_next_to_the_verdict(walled: RunResult) -> None:
    import io

    from rich.console import Console

    from contracttest.report.console import ConsoleReporter
    from contracttest.runner import events

    for quiet in (False, True):
        out = io.StringIO()
        reporter = ConsoleReporter(Console(file=out, width=200, color_system=None), quiet=quiet)
        reporter.handle_event(events.RunDone(walled))
        lines = out.getvalue().rstrip().splitlines()
        warning = next(i for i, ln in enumerate(lines) if "⚠ warning: Authentication failed" in ln)
        assert lines[-1].startswith("PASSED") and warning < len(lines) - 1
        assert lines[-1].endswith("1 warning above qualifies this result")
        assert any(f"{CREATE}: 9/9 responses were 401/403" in ln for ln in lines) != quiet
        assert_no_secret(out.getvalue())
