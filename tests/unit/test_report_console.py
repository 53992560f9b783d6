"""Console output: summary table and verdict, ``-q`` prints the verdict only, no secrets."""

from __future__ import annotations

import io

from _report_sample import assert_no_secret, sample_result
from rich.console import Console

from contracttest.report.console import ConsoleReporter, verdict_line
from contracttest.runner import events


def _render(quiet: bool, verbose: int = 0) -> str:
    out = io.StringIO()
    reporter = ConsoleReporter(
        Console(file=out, width=120, color_system=None), quiet=quiet, verbose=verbose
    )
    result = sample_result()
    reporter.handle_event(events.PhaseStarted("positive", "valid requests", 2))
    reporter.handle_event(events.PhaseDone("positive", 1.5, 10))
    reporter.handle_event(events.Note(f"note {result.metadata.run_id}"))
    reporter.handle_event(events.RunDone(result))
    reporter.shutdown()
    return out.getvalue()


def test_quiet_prints_only_the_verdict() -> None:
    text = _render(quiet=True)
    assert text.strip().splitlines() == [verdict_line(sample_result())]
    assert text.startswith("FAILED: 2 operations x 4 checks")


def test_summary_table_failures_and_verdict() -> None:
    text = _render(quiet=False, verbose=1)
    assert "response.schema" in text and "failing cases" in text
    assert "✗ response.schema PhoneNumberController_create" in text
    assert "could not finish" in text
    assert "curl " in text
    assert text.rstrip().splitlines()[-1].startswith("FAILED")
    assert_no_secret(text)


def test_the_coverage_line() -> None:
    text = _render(quiet=False)
    assert "negative coverage 9/10 (90.0%), valid edges 4/4" in text


def test_a_coverage_gate_below_fails_the_run_and_says_so() -> None:
    from contracttest.report._coverage import gate_line

    passing = sample_result(failures=0)
    passing.results = {k: r for k, r in passing.results.items() if r.status.value != "failed"}
    passing.results = {k: r for k, r in passing.results.items() if r.status.value != "errored"}
    assert passing.verdict == "passed"
    gated = sample_result(failures=0, gate=95)
    gated.results = passing.results
    assert gated.verdict == "failed" and gated.exit_code == 1
    assert gate_line(gated) == "negative coverage 90.0% below --coverage-fail-under 95%"
    met = sample_result(failures=0, gate=90)
    met.results = passing.results
    assert met.verdict == "passed"
