"""End of the session: merge what the contract tests recorded and write the run's reports."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from contracttest.errors import ContractTestError

if TYPE_CHECKING:
    import pytest

    from contracttest.runner.results import RunResult

__all__ = ["finish_session", "summary_line"]


def summary_line(result: RunResult) -> tuple[str, str]:
    """``(markup, text)``: one line per spec for the terminal summary."""
    counts = result.counts()
    failing = len(result.failures("contract"))
    advisory = len(result.failures("advisory"))
    name = result.metadata.spec_title or result.metadata.spec_source
    text = (
        f"{name}: {len(result.operations)} operation(s) x {len(result.checks)} check(s): "
        f"{counts['passed']} passed, {counts['failed']} failed, {counts['errored']} errored, "
        f"{counts['skipped']} skipped; {failing} failing case(s)"
        f"{f', {advisory} advisory finding(s)' if advisory else ''}; "
        f"{result.metadata.requests} requests to {result.metadata.base_url}; "
        f"seed {result.metadata.seed}"
    )
    markup = {"passed": "green", "failed": "red"}.get(result.verdict, "yellow")
    return markup, text


def _slug(result: RunResult, index: int) -> str:
    stem = Path(result.metadata.spec_source.split("?", 1)[0]).stem or "spec"
    return f"{index + 1:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', stem)}"


def finish_session(
    config: pytest.Config, payloads: list[str], lost_workers: list[str]
) -> tuple[list[tuple[str, str]], bool]:
    """Merge the sessions' payloads; write reports when a report dir is set.

    Returns:
        Terminal-summary lines, and whether writing the reports failed.
    """
    from contracttest.cli.commands.run import tokens_from_env
    from contracttest.pytest._merge import merge
    from contracttest.pytest._settings import read_settings
    from contracttest.report import write_reports
    from contracttest.runner.redaction import Redactor

    lines: list[tuple[str, str]] = []
    try:
        settings = read_settings(config)
        results = merge(payloads, notes=lost_workers)
    except (ContractTestError, ValueError) as exc:
        return [("red", f"could not assemble the contract results: {exc}")], True
    for note in lost_workers:
        lines.append(("yellow", note))
    failed = False
    for i, result in enumerate(results):
        # A last line of defence for the writers (the results were redacted where recorded).
        result.redactor = Redactor([*settings.tokens, *tokens_from_env(None)])
        lines.append(summary_line(result))
        if settings.report_dir is None:
            continue
        directory = (
            settings.report_dir if len(results) == 1 else settings.report_dir / _slug(result, i)
        )
        try:
            written = write_reports(result, settings.report_formats, directory)
        except (ContractTestError, OSError) as exc:
            lines.append(("red", f"could not write the contract reports to {directory}: {exc}"))
            failed = True
            continue
        shown = ", ".join(f"{fmt} {path}" for fmt, path in written.items())
        lines.append(("", f"reports: {shown}"))
        if os.environ.get("GITHUB_STEP_SUMMARY"):  # as `contracttest run` does
            from contracttest.report.markdown import write_step_summary

            try:
                write_step_summary(result)
            except OSError as exc:
                lines.append(("yellow", f"could not append to $GITHUB_STEP_SUMMARY: {exc}"))
    return lines, failed
