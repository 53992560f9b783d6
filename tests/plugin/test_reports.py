"""Reports at the end of the session: the same files as ``contracttest run``, merged under xdist."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plugin_support import SPEC_ARGS, TOKEN_A, TOKEN_B

Server = Callable[[str | None], str]

CONTRACT_TEST = """
import contracttest.pytest as ct

@ct.parametrize(kinds=["valid", "invalid", "auth"], max_examples=3)
def test_api(case):
    case.call_and_check()
"""


def _report(directory: Path) -> dict[str, Any]:
    import jsonschema

    from contracttest.report.json_ import REPORT_SCHEMA

    doc: dict[str, Any] = json.loads((directory / "contracttest-report.json").read_text())
    jsonschema.validate(doc, REPORT_SCHEMA)
    return doc


def _all_text(directory: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(directory.iterdir()))


def test_reports_of_a_passing_session(pytester: pytest.Pytester) -> None:
    # Given contract tests and a report dir
    pytester.makepyfile(CONTRACT_TEST)
    # When the session runs against the built-in mock
    result = pytester.runpytest(*SPEC_ARGS, "--contract-report-dir=reports", "--contract-seed=11")
    result.assert_outcomes(passed=18)
    out = pytester.path / "reports"
    # Then the four reports of `contracttest run` are there
    assert sorted(p.name for p in out.iterdir()) == [
        "contracttest-report.json",
        "junit.xml",
        "report.html",
        "report.md",
    ]
    doc = _report(out)
    assert doc["verdict"] == "passed" and doc["exit_code"] == 0
    assert doc["run"]["target"] == "mock" and doc["run"]["seed"] == 11
    assert [op["operation_id"] for op in doc["operations"]] == [
        "PhoneNumberController_findAll",
        "PhoneNumberController_create",
        "PhoneNumberController_findAllPaginated",
        "PhoneNumberController_findOne",
        "PhoneNumberController_remove",
        "PhoneNumberController_update",
    ]
    checks = {c["check"] for op in doc["operations"] for c in op["checks"]}
    assert {"request.valid-accepted", "request.invalid-rejected", "auth.required"} <= checks
    assert doc["run"]["requests"] > 18
    suite = ET.parse(out / "junit.xml").getroot()
    assert len(suite.findall(".//testcase")) == doc["summary"]["checks"]
    html = (out / "report.html").read_text()
    assert "GET /phone-number/{id}" in html or "PhoneNumberController_findOne" in html
    assert (out / "report.md").read_text().startswith("## contracttest: ")
    # and the terminal says where they are
    result.stdout.fnmatch_lines(
        [
            "*= contracttest =*",
            "Vapi Phone Numbers API: 6 operation(s) x *",
            "reports: json */reports/*",
        ]
    )


def test_reports_of_a_failing_session(pytester: pytest.Pytester, buggy_server: Server) -> None:
    url = buggy_server("extra-field")
    pytester.makepyfile(CONTRACT_TEST)
    result = pytester.runpytest(
        *SPEC_ARGS,
        f"--contract-base-url={url}",
        f"--contract-token={TOKEN_A}",
        f"--contract-token={TOKEN_B}",
        "--contract-report-dir=out",
        "--contract-report=json,md",
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = pytester.path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["contracttest-report.json", "report.md"]
    doc = _report(out)
    assert doc["verdict"] == "failed" and doc["run"]["target"] == "live"
    failures = [f for op in doc["operations"] for c in op["checks"] for f in c["failures"]]
    assert failures and {f["finding"]["rule"] for f in failures} == {"schema.additionalProperties"}
    assert all("curl -sS" in f["request"]["curl"] for f in failures)
    # no token in any report
    text = _all_text(out)
    assert TOKEN_A not in text and TOKEN_B not in text
    assert "${CONTRACTTEST_TOKEN}" in text


def test_no_contract_test_no_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest(*SPEC_ARGS, "--contract-report-dir=reports")
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "reports").exists()
    assert "= contracttest =" not in result.stdout.str()


def test_unwritable_report_dir(pytester: pytest.Pytester) -> None:
    (pytester.path / "taken").write_text("a file, not a directory")
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="GET /phone-number", kinds="valid", max_examples=1)
        def test_list(case):
            case.call_and_check()
        """
    )
    result = pytester.runpytest(*SPEC_ARGS, "--contract-report-dir=taken")
    result.assert_outcomes(passed=1)
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["could not write the contract reports to */taken: *"])


def test_xdist_workers_merge_into_one_report(
    pytester: pytest.Pytester, buggy_server: Server
) -> None:
    # Given a buggy server and contract tests spread over two xdist workers
    url = buggy_server("extra-field")
    pytester.makepyfile(CONTRACT_TEST)
    # When the session runs with -n 2 (workers are subprocesses)
    result = pytester.runpytest_subprocess(
        *SPEC_ARGS,
        "-n",
        "2",
        "-p",
        "no:cacheprovider",
        f"--contract-base-url={url}",
        f"--contract-token={TOKEN_A}",
        f"--contract-token={TOKEN_B}",
        "--contract-report-dir=merged",
        "--contract-report=json,junit",
        "--contract-seed=5",
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # Then the controller wrote one report with both workers' results
    out = pytester.path / "merged"
    doc = _report(out)
    assert "merged from 2 pytest-xdist workers" in doc["notes"]
    assert doc["run"]["seed"] == 5  # the controller's seed reached every worker
    assert len(doc["operations"]) == 6
    failing_ops = {
        op["operation_id"] for op in doc["operations"] for c in op["checks"] if c["failures"]
    }
    assert len(failing_ops) >= 4, failing_ops
    per_check = {
        (op["operation_id"], c["check"]): c["cases"]
        for op in doc["operations"]
        for c in op["checks"]
    }
    # every auth test ran twice (no credentials, a wrong token), whichever worker ran it
    assert all(n == 2 for (op, check), n in per_check.items() if check == "auth.required")
    assert len(ET.parse(out / "junit.xml").getroot().findall(".//testcase")) == len(per_check)
    text = _all_text(out)
    assert TOKEN_A not in text and TOKEN_B not in text
    # and the terminal shows one contracttest section
    assert result.stdout.str().count("= contracttest =") == 1


@pytest.mark.parametrize("formats", ["json", "json,md"])
def test_github_step_summary(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, formats: str
) -> None:
    # Given a GitHub Actions step summary file, as `contracttest run` writes to
    summary = pytester.path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    pytester.makepyfile(
        """
        import contracttest.pytest as ct

        @ct.parametrize(operations="GET /phone-number", kinds="valid", max_examples=1)
        def test_list(case):
            case.call_and_check()
        """
    )
    pytester.runpytest(*SPEC_ARGS, "--contract-report-dir=r", f"--contract-report={formats}")
    # Then the Markdown summary is appended once, whichever formats were asked for
    assert summary.read_text().count("## contracttest: ") == 1
