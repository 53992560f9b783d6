"""``contracttest generate``, in-process: JSON lines, labels, seeds, --all and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from contracttest.cli import run
from contracttest.exitcodes import ExitCode
from contracttest.openapi import load_spec
from contracttest.validate import validate

REPO = Path(__file__).resolve().parents[2]
SEED = str(REPO / "spec" / "vapi-phone-numbers.yaml")
FIXES = str(REPO / "spec" / "overlays" / "vapi-fixes.yaml")
FIXED = ["--spec", SEED, "--overlay", FIXES]
UNFIXED = ["--spec", SEED, "--no-overlay"]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["generate", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def lines(text: str) -> list[dict[str, Any]]:
    # splitlines, not split("\n"): a record must stay one line for every line reader
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def fixed() -> Any:
    return load_spec(SEED, overlays=[FIXES])


def test_valid_payloads_as_json_lines(fixed: Any) -> None:
    code, out, err = cli(*FIXED, "--target", "POST /phone-number", "-n", "5", "--seed", "1")
    assert code == ExitCode.OK, err
    records = lines(out)
    assert len(records) == 5
    for r in records:
        assert r["target"] == "POST /phone-number" and r["violation"] is None
        assert [
            f for f in validate(fixed, "POST /phone-number", r["payload"]) if f.severity >= 30
        ] == []


def test_invalid_payloads_carry_their_label(fixed: Any) -> None:
    code, out, _ = cli(
        *FIXED, "--target", "CreateTwilioPhoneNumberDTO", "--invalid", "-n", "6", "--seed", "2"
    )
    assert code == ExitCode.OK
    for r in lines(out):
        rule, pointer = r["violation"]["rule"], r["violation"]["pointer"]
        found = {
            (f.rule, f.pointer) for f in validate(fixed, "CreateTwilioPhoneNumberDTO", r["payload"])
        }
        assert (rule, pointer) in found


def test_rule_filter_and_boundary_phase() -> None:
    code, out, _ = cli(
        *FIXED, "--target", "TransferDestinationNumber", "--invalid", "--rule", "phone.*", "-n", "3"
    )
    assert code == ExitCode.OK
    assert {r["violation"]["rule"] for r in lines(out)} <= {"phone.e164", "phone.alphanumeric"}
    code, out, _ = cli(*FIXED, "--target", "SipAuthentication", "--boundary", "-n", "0")
    payloads = [r["payload"] for r in lines(out)]
    assert code == ExitCode.OK and {"username": "a" * 20, "password": "a" * 20} in payloads


def test_a_record_is_one_line_whatever_its_strings_hold() -> None:
    from contracttest.cli.commands.generate import _line

    text = _line({"payload": "a\u2028b\u2029c\x85d\ne"})
    assert text.count("\n") == 1 and len(text.splitlines()) == 1
    assert json.loads(text) == {"payload": "a\u2028b\u2029c\x85d\ne"}


def test_same_seed_same_output() -> None:
    args = (*FIXED, "--target", "PATCH /phone-number/{id}", "--invalid", "-n", "5", "--seed", "9")
    assert cli(*args)[1] == cli(*args)[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--target", "Nope"], "no DTO or operation named 'Nope'"),
        ([], "give either --target TARGET or --all"),
        (
            ["--target", "SipAuthentication", "--rule", "phone.*"],
            "--rule only applies with --invalid",
        ),
        (["--target", "SipAuthentication", "-n", "-1"], "-n must be >= 0"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str) -> None:
    code, _, err = cli(*FIXED, *argv)
    assert code == ExitCode.ERROR and message in err


def test_an_unsatisfiable_target_exits_2_naming_the_defect() -> None:
    code, _, err = cli(*UNFIXED, "--target", "BackoffPlan")
    assert code == ExitCode.ERROR
    assert "no valid payload exists" in err and "BackoffPlan/properties/type" in err


def test_all_prints_the_coverage_table_and_flags_the_seed_defects() -> None:
    code, out, _ = cli(*UNFIXED, "--all", "-n", "2", "--boundary-limit", "20", "--format", "json")
    doc = json.loads(out)
    assert code == ExitCode.FINDINGS  # two components of the unfixed seed have no valid payload
    summary = doc["summary"]
    # BackoffPlan and PhoneNumberCallEndingHookFilter have no valid payload; 23 DTOs reach one of
    # them (or TransferPlan.sipVerb) through an optional member, which is left out
    assert summary["dtos"] == {"total": 36, "full": 11, "partial": 23, "unsatisfiable": 2}
    assert summary["disagreements"] == 0 and summary["discarded"] == 0 and summary["failed"] == 0
    by_target = {t["target"]: t for t in doc["targets"]}
    assert by_target["BackoffPlan"]["status"] == "unsatisfiable"
    assert any("sipVerb" in why for why in by_target["TransferPlan"]["left_out"])
    post = by_target["PhoneNumberController_create:request"]
    assert post["variants_reached"] == post["variants"] > 0


def test_all_on_the_fixed_seed_spec_is_clean() -> None:
    code, out, _ = cli(*FIXED, "--all", "-n", "2", "--boundary-limit", "20")
    assert code == ExitCode.OK
    assert "49 targets: 49 fully generated, 0 partly, 0 unsatisfiable" in " ".join(out.split())
