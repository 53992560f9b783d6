"""Markdown summary: matrix and failures, under 1 MiB, appended to $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from pathlib import Path

import pytest
from _report_sample import assert_no_secret, sample_result

from contracttest.report import markdown


def test_summary_has_verdict_matrix_and_failures() -> None:
    text = markdown.render(sample_result(failures=2))
    assert text.startswith("## contracttest: ❌ FAILED")
    assert "| operation | schema | no 5xx | auth | pagination |" in text
    assert "| `POST /phone-number` | ❌ 2 | ✅ | ⚠️ | · |" in text
    assert text.count("<details><summary><b>#") == 2
    assert "```sh\ncurl " in text
    assert_no_secret(text)


def test_huge_runs_stay_under_one_mebibyte() -> None:
    text = markdown.render(sample_result(failures=400, payload_size=4000))
    assert len(text.encode("utf-8")) < markdown.MAX_BYTES
    assert "more failing case(s) are left out" in text


def test_step_summary_is_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert markdown.write_step_summary(sample_result()) == summary
    text = summary.read_text()
    assert text.startswith("previous step\n## contracttest")
    assert_no_secret(text)


def test_no_step_summary_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert markdown.write_step_summary(sample_result()) is None


def test_coverage_section() -> None:
    text = markdown.render(sample_result())
    assert "### Coverage" in text
    assert "negative coverage 9/10 (90.0%), valid edges 4/4" in text
    assert "1 unit(s) not exercised" in text and "41 characters" in text
