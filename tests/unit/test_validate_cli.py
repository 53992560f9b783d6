"""``contracttest validate``, in-process: exit codes, text and JSON output, stdin, options."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from contracttest.cli import run
from contracttest.exitcodes import ExitCode

REPO = Path(__file__).resolve().parents[2]
SPEC_ARGS = [
    "--spec",
    str(REPO / "spec" / "vapi-phone-numbers.yaml"),
    "--overlay",
    str(REPO / "spec" / "overlays" / "vapi-fixes.yaml"),
]
TWILIO = {
    "provider": "twilio",
    "number": "+14155550100",
    "twilioAccountSid": "AC123",
    "twilioAuthToken": "do-not-print-this-token",
}


def cli(*argv: str, stdin: str | None = None, monkeypatch: Any = None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    code = run(["validate", *SPEC_ARGS, *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, payload: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return str(path)


def test_valid_file_exits_0(tmp_path: Path) -> None:
    code, out, err = cli("--target", "POST /phone-number", write(tmp_path, "ok.json", TWILIO))
    assert code == ExitCode.OK, err
    assert "valid" in out


def test_findings_exit_1_with_file_line_and_rule(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", {**TWILIO, "nmae": "typo"})
    code, out, _ = cli("--target", "PhoneNumberController_create", bad)
    assert code == ExitCode.FINDINGS
    assert f"{bad}:6:3: error: schema.additionalProperties: property nmae should not exist" in out
    assert "do-not-print-this-token" not in out


def test_json_output(tmp_path: Path) -> None:
    ok = write(tmp_path, "ok.json", TWILIO)
    bad = write(tmp_path, "bad.json", {"provider": "plivo"})
    code, out, _ = cli("--target", "POST /phone-number", "--format", "json", ok, bad)
    assert code == ExitCode.FINDINGS
    data = json.loads(out)
    assert [f["path"] for f in data["files"]] == [ok, bad]
    assert data["files"][0]["findings"] == []
    (finding,) = data["files"][1]["findings"]
    assert {k: finding[k] for k in ("rule", "severity", "pointer")} == {
        "rule": "discriminator.unknown",
        "severity": "error",
        "pointer": "/provider",
    }
    assert "message" in finding
    assert finding["line"] == 2  # "provider" is on the second line of the indented file


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = cli(
        "--target",
        "CreateTwilioPhoneNumberDTO",
        "-",
        stdin=json.dumps(TWILIO),
        monkeypatch=monkeypatch,
    )
    assert code == ExitCode.OK
    assert "<stdin>" in out


def test_yaml_payload(tmp_path: Path) -> None:
    path = tmp_path / "vapi.yaml"
    path.write_text("provider: vapi\nname: Front desk\n", encoding="utf-8")
    code, _, err = cli("--target", "POST /phone-number", str(path))
    assert code == ExitCode.OK, err


def test_allow_unknown_properties(tmp_path: Path) -> None:
    path = write(tmp_path, "extra.json", {**TWILIO, "futureField": 1})
    assert cli("--target", "POST /phone-number", path)[0] == ExitCode.FINDINGS
    code = cli("--target", "POST /phone-number", "--allow-unknown-properties", path)[0]
    assert code == ExitCode.OK


def test_warnings_pass_unless_fail_on_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "caller.json",
        {
            "provider": "vapi",
            "fallbackDestination": {
                "type": "number",
                "number": "+14155550100",
                "callerId": "4155550199",
            },
        },
    )
    code, out, _ = cli("--target", "POST /phone-number", path)
    assert code == ExitCode.OK
    assert "warning: phone.e164" in out
    assert cli("--target", "POST /phone-number", "--fail-on", "warning", path)[0] == 1


def test_e164_level_valid(tmp_path: Path) -> None:
    # +1 555 010 0000 has E.164 syntax but no North American area code 555 in the number plan.
    body = {"provider": "byo-phone-number", "credentialId": "c", "number": "+15550100000"}
    path = write(tmp_path, "byo.json", body)
    assert cli("--target", "POST /phone-number", path)[0] == ExitCode.OK
    code, out, _ = cli("--target", "POST /phone-number", "--e164-level", "valid", path)
    assert code == ExitCode.FINDINGS
    assert "phone.e164" in out


def test_length_method(tmp_path: Path) -> None:
    path = write(tmp_path, "astral.json", {"provider": "vapi", "name": "😀" * 40})
    assert cli("--target", "POST /phone-number", path)[0] == ExitCode.OK
    code, out, _ = cli("--target", "POST /phone-number", "--length-method", "utf16", path)
    assert code == ExitCode.FINDINGS
    assert "utf16 count: 80" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--target", "POST /phone-numbers", "x.json"], "no DTO or operation"),
        (["--target", "POST /phone-number", "missing.json"], "missing.json"),
        (["--target", "POST /phone-number", "--e164-level", "strict", "x.json"], "invalid choice"),
        (["x.json"], "--target"),
    ],
)
def test_could_not_run_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], needle: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    code, _, err = cli(*argv)
    assert code == ExitCode.ERROR
    assert needle in err


def test_unparseable_file_exits_2_naming_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "provider": "vapi",\n  "name": \n}\n', encoding="utf-8")
    code, _, err = cli("--target", "POST /phone-number", str(path))
    assert code == ExitCode.ERROR
    assert "broken.json:" in err


# ------------------------------------------------------------------------------------ hostile input
def test_an_unreadable_file_is_reported_in_place_and_the_others_still_checked(
    tmp_path: Path,
) -> None:
    good = write(tmp_path, "a.json", {"provider": "vapi"})
    bad = write(tmp_path, "b.json", {"provider": "vapi", "name": 5})
    deep = tmp_path / "c.json"
    deep.write_text('{"a":' * 400 + "1" + "}" * 400, encoding="utf-8")
    binary = tmp_path / "d.json"
    binary.write_bytes(b"\x89PNG\r\n\x00\x00")
    code, out, err = cli("--target", "POST /phone-number", good, bad, str(deep), str(binary))
    assert code == ExitCode.ERROR  # the table: a file that cannot be read means "could not run"
    assert f"{good}: valid" in out
    assert f"{bad}:3:" in out and "schema.type" in out
    assert f"{deep}:1:" in err and "nested more than 256 levels" in err
    assert f"{binary}:2:" in err and "binary" in err


def test_a_lone_surrogate_is_written_escaped_not_an_internal_error(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"provider": "vapi", "name": "\\ud83d' + "x" * 45 + '"}', encoding="utf-8")
    for fmt in ("text", "json"):
        code, out, err = cli("--target", "POST /phone-number", "--format", fmt, str(path))
        assert code == ExitCode.FINDINGS, err
        assert "\\ud83d" in out and "internal error" not in err
        out.encode("utf-8")  # a strict UTF-8 stream can write it


def test_utf16_with_a_bom_is_read_as_lint_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "u.json"
    path.write_bytes('{"provider": "vapi", "name": "ünï"}'.encode("utf-16"))
    code, out, _ = cli("--target", "POST /phone-number", str(path))
    assert code == ExitCode.OK and ": valid" in out


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"provider": "vapi",}', "invalid JSON"),
        (b'{"provider": "caf\xe9"}', "not valid UTF-8"),
        (bytes(range(256)), "binary"),
        (b'{"name": "' + b"x" * 2000 + b'"}', "byte cap"),
    ],
)
def test_standard_input_is_never_called_valid_when_it_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch, data: bytes, words: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["validate", *SPEC_ARGS, "--target", "POST /phone-number", "--max-file-size", "1000", "-"],
        stdout=out,
        stderr=err,
    )
    assert code == ExitCode.ERROR
    assert "<stdin>" in err.getvalue() and words in err.getvalue()
    assert ": valid" not in out.getvalue()


def test_a_misspelt_secret_field_is_never_printed(tmp_path: Path) -> None:
    payload = {**TWILIO, "twilioAuthTokn": "misspelt-secret-value"}
    payload.pop("twilioAuthToken")
    path = write(tmp_path, "t.json", payload)
    for fmt in ("text", "json"):
        code, out, err = cli("--target", "CreateTwilioPhoneNumberDTO", "--format", fmt, path)
        assert code == ExitCode.FINDINGS
        assert "misspelt-secret-value" not in out + err
