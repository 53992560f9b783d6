"""The JSON report: schema-valid, versioned, every failing case with its reproduction, no secrets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from _report_sample import TOKEN, TWILIO_SECRET, XSS, assert_no_secret, sample_result

from contracttest.errors import UsageError
from contracttest.report import get_writer, json_, parse_formats, write_reports


def test_document_validates_against_its_schema() -> None:
    doc = json_.to_document(sample_result())
    jsonschema.Draft7Validator.check_schema(json_.REPORT_SCHEMA)
    jsonschema.validate(doc, json_.REPORT_SCHEMA)
    assert doc["schema_version"] == json_.SCHEMA_VERSION
    assert doc["verdict"] == "failed" and doc["exit_code"] == 1


def test_run_metadata_names_spec_seed_and_versions() -> None:
    run = json_.to_document(sample_result())["run"]
    assert run["spec"]["sha256"] == "0" * 63 + "1"
    assert run["spec"]["overlays"] == ["spec/overlays/vapi-fixes.yaml"]
    assert run["seed"] == 42
    assert run["versions"]["contracttest"] == "0.1.0"


def test_every_failing_case_is_there_with_its_reproduction() -> None:
    doc = json_.to_document(sample_result(failures=3))
    create = next(
        o for o in doc["operations"] if o["operation_id"] == "PhoneNumberController_create"
    )
    assert create["status"] == "failed"
    schema_check = next(c for c in create["checks"] if c["check"] == "response.schema")
    assert schema_check["status"] == "failed" and len(schema_check["failures"]) == 3
    failure = schema_check["failures"][0]
    assert failure["finding"]["rule"] == "schema.required"
    assert failure["request"]["curl"].startswith("curl ")
    assert "${CONTRACTTEST_TOKEN}" in failure["request"]["curl"]
    assert failure["response"]["status"] == 201
    assert failure["payload"]["name"] == XSS
    statuses = {c["check"]: c["status"] for c in create["checks"]}
    assert statuses == {
        "response.schema": "failed",
        "server.no-5xx": "passed",
        "auth.required": "errored",
    }
    find_all = next(
        o for o in doc["operations"] if o["operation_id"] == "PhoneNumberController_findAll"
    )
    skipped = next(c for c in find_all["checks"] if c["check"] == "stateful.pagination")
    assert skipped["reason"] == "read-only run"


def test_secrets_are_redacted_everywhere() -> None:
    text = json_.render(sample_result())
    assert_no_secret(text)
    doc = json.loads(text)
    failure = doc["operations"][0]["checks"][0]["failures"][0]
    assert failure["payload"]["twilioAuthToken"] == "[REDACTED]"
    assert failure["request"]["headers"]["Authorization"] == "Bearer [REDACTED]"
    assert (
        "token=%5BREDACTED%5D" in failure["request"]["url"]
        or "token=[REDACTED]" in failure["request"]["url"]
    )
    assert "[REDACTED]" in doc["notes"][0]


def test_write_is_atomic_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / json_.FILENAME
    target.write_text("old")
    path = json_.write(sample_result(), tmp_path)
    assert path == target
    assert json.loads(target.read_text())["verdict"] == "failed"
    assert sorted(os.listdir(tmp_path)) == [json_.FILENAME]  # no temporary file left behind


def test_writers_are_looked_up_by_name(tmp_path: Path) -> None:
    written = write_reports(sample_result(), ["json", "junit", "html", "md"], tmp_path / "out")
    assert set(written) == {"json", "junit", "html", "md"}
    assert all(p.is_file() for p in written.values())
    assert get_writer("xml") is get_writer("junit")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("json,junit", ["json", "junit"]),
        ("html, md ,json", ["html", "md", "json"]),
        ("all", ["json", "junit", "html", "md"]),
        ("none", []),
        ("markdown,xml", ["md", "junit"]),
    ],
)
def test_parse_formats(text: str, expected: list[str]) -> None:
    assert parse_formats(text) == expected


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown report format 'pdf'"):
        parse_formats("json,pdf")


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from contracttest.errors import SourceError

    with pytest.raises(SourceError, match="cannot write the report"):
        json_.write(sample_result(), blocker / "sub")


def test_secret_in_a_finding_message_is_scrubbed_by_the_run_redactor() -> None:
    result = sample_result()
    failure = result.results[("PhoneNumberController_create", "response.schema")].failures[0]
    from dataclasses import replace

    leaky = replace(
        failure, finding=replace(failure.finding, message=f"got {TOKEN} and {TWILIO_SECRET}")
    )
    result.results[("PhoneNumberController_create", "response.schema")].failures[0] = leaky
    assert_no_secret(json_.render(result))


def test_repeated_failures_say_how_often() -> None:
    from dataclasses import replace

    from contracttest.report import html, junit, markdown

    result = sample_result(failures=1)
    key = ("PhoneNumberController_create", "response.schema")
    result.results[key].failures[0] = replace(result.results[key].failures[0], occurrences=7)
    doc = json_.to_document(result)
    jsonschema.validate(doc, json_.REPORT_SCHEMA)
    assert doc["operations"][0]["checks"][0]["failures"][0]["occurrences"] == 7
    assert "×7" in html.render(result)
    assert "7 cases failed this way" in junit.render(result)
    assert "7 cases failed this way" in markdown.render(result)


def test_coverage_section_per_operation_and_family() -> None:
    doc = json_.to_document(sample_result())
    cov = doc["coverage"]
    assert cov["negative"] == {"exercised": 9, "enumerated": 10, "percent": 90.0}
    assert cov["edges"]["enumerated"] == 4
    (op,) = cov["operations"]
    assert op["families"]["phone"] == {"exercised": 3, "enumerated": 3, "percent": 100.0}
    assert op["not_exercised"][0]["reason"].startswith("no payload breaks only this")
    jsonschema.validate(doc, json_.REPORT_SCHEMA)
