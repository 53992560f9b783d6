"""JUnit XML: one testcase per operation x check, failures carry the reproduction."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from _report_sample import assert_no_secret, sample_result

from contracttest.report import junit


def test_one_testcase_per_operation_and_check() -> None:
    result = sample_result(failures=2)
    root = ET.fromstring(junit.render(result))
    cases = root.findall(".//testcase")
    assert len(cases) == len(result.results)
    assert root.get("tests") == str(len(result.results))
    assert root.get("failures") == "1" and root.get("errors") == "1" and root.get("skipped") == "1"
    names = {(c.get("classname"), c.get("name")) for c in cases}
    assert ("contracttest.PhoneNumberController_create", "response.schema") in names


def test_failure_text_is_a_reproduction() -> None:
    root = ET.fromstring(junit.render(sample_result(failures=2)))
    failure = root.find(".//testcase[@name='response.schema']/failure")
    assert failure is not None
    assert failure.get("type") == "schema.required"
    assert "2 failing case(s)" in (failure.get("message") or "")
    text = failure.text or ""
    assert text.count("reproduce: curl") == 2
    assert "HTTP 201" in text and "rule: schema.required" in text


def test_errors_and_skips_say_why() -> None:
    root = ET.fromstring(junit.render(sample_result()))
    error = root.find(".//testcase[@name='auth.required']/error")
    assert error is not None and "timed out" in (error.get("message") or "")
    skipped = root.find(".//testcase[@name='stateful.pagination']/skipped")
    assert skipped is not None and skipped.get("message") == "read-only run"


def test_no_secret_and_no_control_characters() -> None:
    result = sample_result()
    failure = result.results[("PhoneNumberController_create", "response.schema")].failures[0]
    from dataclasses import replace

    result.results[("PhoneNumberController_create", "response.schema")].failures[0] = replace(
        failure, case="odd \x00\x1b input"
    )
    text = junit.render(result)
    assert_no_secret(text)
    ET.fromstring(text)  # still well-formed XML


def test_coverage_properties() -> None:
    root = ET.fromstring(junit.render(sample_result()))
    props = {
        p.get("name"): p.get("value")
        for suite in root.iter("testsuite")
        if "create" in (suite.get("name") or "")
        for p in suite.iter("property")
    }
    assert props["coverage.negative.exercised"] == "9"
    assert props["coverage.negative.enumerated"] == "10"
    assert props["coverage.family.phone"] == "3/3"
    assert props["coverage.run.negative"] == "9/10 (90.0%)"
