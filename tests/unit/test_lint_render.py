"""Output formats of the linter: text, json, SARIF 2.1.0 (validated against its schema), github."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from contracttest.findings import Finding, Severity
from contracttest.lint.linter import FileResult, LintReport
from contracttest.lint.render import (
    escape_data,
    escape_property,
    render_github,
    render_json,
    render_text,
    to_sarif,
)

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-2.1.0.schema.json"


def _report(tmp_path: Path) -> LintReport:
    a = str(tmp_path / "payloads" / "twilio.json")
    b = str(tmp_path / "payloads" / "odd, name: 100%.yaml")
    c = str(tmp_path / "payloads" / "broken.json")
    return LintReport(
        files=[
            FileResult(
                a,
                [
                    Finding(
                        "schema.maxLength",
                        Severity.ERROR,
                        "/name",
                        "longer than 40 characters",
                        expected="maxLength 40",
                        actual='"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
                        source=a,
                        line=6,
                        column=11,
                        target="POST /phone-number",
                    ),
                    Finding(
                        "schema.required",
                        Severity.ERROR,
                        "",
                        "'twilioAccountSid' is a required property",
                        source=a,
                        line=1,
                        column=1,
                        target="POST /phone-number",
                    ),
                ],
                target="POST /phone-number",
                target_source="detected",
                how="detected target POST /phone-number (CreateTwilioPhoneNumberDTO) by provider=twilio",
                fmt="json",
            ),
            FileResult(
                b,
                [
                    Finding(
                        "yaml.bool-key",
                        Severity.WARNING,
                        "/hooks/0/on",
                        "key on is read as the string 'on'\nsecond line",
                        source=b,
                        line=4,
                        column=5,
                    )
                ],
                target="PATCH /phone-number/{id}",
                target_source="contract",
                how='target PATCH /phone-number/{id} from "$contract"',
                fmt="yaml",
            ),
            FileResult(
                c,
                [
                    Finding(
                        "file.syntax",
                        Severity.ERROR,
                        "",
                        "invalid JSON: Expecting value",
                        source=c,
                        line=3,
                        column=13,
                    )
                ],
            ),
            FileResult(str(tmp_path / "payloads" / "ok.json"), [], "POST /phone-number", "option"),
        ],
        spec="spec/vapi-phone-numbers.yaml",
    )


# ------------------------------------------------------------------------------------ text
def test_text_is_one_compact_line_per_finding(tmp_path: Path) -> None:
    out = io.StringIO()
    report = _report(tmp_path)
    render_text(report, Console(file=out, width=80, color_system=None))
    lines = out.getvalue().splitlines()
    a = report.files[0].path
    assert lines[0] == f"{a}: note: {report.files[0].how}"  # detection is always stated
    assert lines[1] == (
        f"{a}:1:1: error schema.required 'twilioAccountSid' is a required property at $"
    )
    assert lines[2].startswith(
        f"{a}:6:11: error schema.maxLength longer than 40 characters at $.name"
    )
    assert "(expected maxLength 40; got " in lines[2]
    assert lines[-1] == "4 files checked: 3 errors, 1 warning in 3 files."
    # soft wrap: long lines are not broken at the console width
    assert all(line.startswith(str(tmp_path)) for line in lines[:-1] if "note:" not in line)


def test_text_is_coloured_on_a_terminal_only(tmp_path: Path) -> None:
    plain, tty = io.StringIO(), io.StringIO()
    render_text(_report(tmp_path), Console(file=plain, width=100, color_system=None))
    render_text(
        _report(tmp_path),
        Console(file=tty, width=100, force_terminal=True, color_system="standard"),
    )
    assert "\x1b[" not in plain.getvalue()
    assert "\x1b[1;31merror" in tty.getvalue()


def test_text_verbose_says_how_every_target_was_chosen(tmp_path: Path) -> None:
    out = io.StringIO()
    render_text(_report(tmp_path), Console(file=out, width=100), verbose=True)
    assert 'note: target PATCH /phone-number/{id} from "$contract"' in out.getvalue()


def test_text_for_a_clean_run(tmp_path: Path) -> None:
    out = io.StringIO()
    report = LintReport([FileResult("a.json", [], "X", "option")], spec="s.yaml")
    render_text(report, Console(file=out, width=100))
    assert out.getvalue() == "1 file checked: no findings.\n"


# ------------------------------------------------------------------------------------ json
def test_json_is_machine_readable(tmp_path: Path) -> None:
    out = io.StringIO()
    render_json(_report(tmp_path), out)
    doc = json.loads(out.getvalue())
    assert doc["summary"] == {
        "files": 4,
        "files_with_findings": 3,
        "findings": 4,
        "error": 3,
        "warning": 1,
        "info": 0,
    }
    assert doc["exit_code"] == 1
    first = doc["files"][0]
    assert first["target"] == "POST /phone-number"
    assert first["target_source"] == "detected"
    assert first["how"].startswith("detected target POST /phone-number")
    assert first["findings"][1] == {
        "rule": "schema.maxLength",
        "severity": "error",
        "pointer": "/name",
        "path": "$.name",
        "message": "longer than 40 characters",
        "expected": "maxLength 40",
        "actual": '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
        "source": str(tmp_path / "payloads" / "twilio.json"),
        "line": 6,
        "column": 11,
        "target": "POST /phone-number",
    }
    assert doc["files"][3] == {
        "path": str(tmp_path / "payloads" / "ok.json"),
        "target": "POST /phone-number",
        "target_source": "option",
        "findings": [],
    }


# ------------------------------------------------------------------------------------ sarif
@pytest.fixture(scope="module")
def sarif_validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_is_valid_sarif_210(tmp_path: Path, sarif_validator) -> None:  # type: ignore[no-untyped-def]
    log = to_sarif(_report(tmp_path), root=tmp_path)
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert log["version"] == "2.1.0"


def test_sarif_schema_catches_a_broken_log(sarif_validator) -> None:  # type: ignore[no-untyped-def]
    # The schema is real: a result without a message is not SARIF.
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    assert list(sarif_validator.iter_errors(log))


def test_sarif_rules_locations_and_fingerprints(tmp_path: Path) -> None:
    run = to_sarif(_report(tmp_path), root=tmp_path)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "file.syntax",
        "schema.maxLength",
        "schema.required",
        "yaml.bool-key",
    ]
    assert rules[1]["name"] == "SchemaMaxLength"
    assert rules[3]["defaultConfiguration"] == {"level": "warning"}
    by_rule = {r["ruleId"]: r for r in run["results"]}
    maxlen = by_rule["schema.maxLength"]
    assert rules[maxlen["ruleIndex"]]["id"] == "schema.maxLength"
    loc = maxlen["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {
        "uri": "payloads/twilio.json",
        "uriBaseId": "%SRCROOT%",
    }
    assert loc["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 11}
    assert loc["logicalLocations"] == [{"fullyQualifiedName": "$.name"}]
    assert maxlen["properties"]["pointer"] == "/name"
    odd = by_rule["yaml.bool-key"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert odd["uri"] == "payloads/odd%2C%20name%3A%20100%25.yaml"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [_report(tmp_path).files[0].how]
    fps = [r["partialFingerprints"]["contracttest/v1"] for r in run["results"]]
    assert len(set(fps)) == len(fps)


def test_sarif_fingerprints_survive_moving_lines(tmp_path: Path) -> None:
    report = _report(tmp_path)
    before = to_sarif(report, root=tmp_path)["runs"][0]["results"]
    for r in report.files:
        r.findings = [f.with_location(f.source, (f.line or 0) + 10, 1) for f in r.findings]
    after = to_sarif(report, root=tmp_path)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert before[0]["locations"] != after[0]["locations"]


def test_sarif_for_a_file_outside_the_root_uses_an_absolute_uri(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    run = to_sarif(_report(tmp_path), root=root)["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].startswith("file:///")
    assert "uriBaseId" not in uri


# ------------------------------------------------------------------------------------ github
def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b: c%\n") == "a%2Cb%3A c%25%0A"


def test_github_annotations(tmp_path: Path) -> None:
    out = io.StringIO()
    report = _report(tmp_path)
    render_github(report, out)
    lines = out.getvalue().splitlines()
    a = report.files[0].path
    assert lines[0] == (
        f"::notice file={escape_property(a)},title=contracttest target::{report.files[0].how}"
    )
    assert lines[1] == (
        f"::error file={escape_property(a)},line=1,col=1,title=schema.required::"
        "'twilioAccountSid' is a required property at $"
    )
    odd = next(line for line in lines if "yaml.bool-key" in line)
    assert odd.startswith("::warning file=")
    assert "odd%2C name%3A 100%25.yaml,line=4,col=5,title=yaml.bool-key::" in odd
    assert odd.endswith("key on is read as the string 'on'%0Asecond line at $.hooks[0].on")
    broken = next(line for line in lines if "file.syntax" in line)
    assert broken.endswith("title=file.syntax::invalid JSON: Expecting value")
    assert len(lines) == 5  # one notice + four findings; nothing for the clean file
