"""``contracttest spec lint``: output formats, filters and exit codes (in-process, and one subprocess)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from contracttest.cli import ExitCode, run

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "tests" / "data" / "specs"
SEED = REPO / "spec" / "vapi-phone-numbers.yaml"  # byte for byte the seed (spec/MANIFEST.json)
FIXES = REPO / "spec" / "overlays" / "vapi-fixes.yaml"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:  # shown when an assertion fails
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


def lint(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = run(["spec", "lint", *argv], stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def _outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no pyproject.toml configures a spec, so only the arguments count."""
    monkeypatch.chdir(tmp_path)


def test_text_output_locates_every_finding_and_ends_with_a_summary() -> None:
    # Given the seed spec with its known defects, when it is linted
    r = lint(str(SEED))
    # Then it fails with one located line and one fix per finding, and a summary
    assert r.code == ExitCode.FINDINGS, r
    lines = r.out.splitlines()
    unsat = next(line for line in lines if "BackoffPlan/properties/type)" in line)
    assert unsat.startswith(f"{SEED}:449:11: error schema.unsatisfiable: BackoffPlan.type ")
    assert (
        lines[lines.index(unsat) + 1]
        == "  fix: set `type: string` to match the enum (or fix the enum)"
    )
    assert lines[-1] == f"{SEED}: 13 finding(s): 9 errors, 4 warnings, 0 info"
    assert lines[-2].startswith(
        "by rule: discriminator.oneOf-overlap 1, discriminator.property-undeclared 5, "
    )
    assert r.err == ""


def test_the_fixes_overlay_makes_the_seed_clean() -> None:
    r = lint(str(SEED), "--overlay", str(FIXES))
    assert r.code == ExitCode.OK, r
    assert r.out.strip() == f"{SEED}: no findings"


def test_without_arguments_the_configured_spec_and_overlay_are_linted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the project's [tool.contracttest] (the seed spec plus the fixes overlay)
    monkeypatch.chdir(REPO)
    # When spec lint runs with no spec argument, Then it lints that pair, which is clean
    r = lint()
    assert r.code == ExitCode.OK, r
    assert r.out.strip().endswith("no findings")
    # and --no-overlay shows the seed's own defects
    assert lint("--no-overlay", "-q").code == ExitCode.FINDINGS


def test_json_output() -> None:
    r = lint("--spec", str(SEED), "--format", "json")
    assert r.code == ExitCode.FINDINGS, r
    doc = json.loads(r.out)
    assert set(doc) == {"spec", "sha256", "findings", "summary"}
    assert doc["spec"] == str(SEED)
    assert len(doc["sha256"]) == 64
    assert doc["summary"]["total"] == len(doc["findings"]) == 13
    assert doc["summary"]["rules"]["discriminator.property-undeclared"] == 5
    first = doc["findings"][0]
    assert {
        "rule",
        "severity",
        "pointer",
        "message",
        "suggestion",
        "source",
        "line",
        "column",
    } <= set(first)


def test_fail_on_min_severity_and_rule_filters() -> None:
    spec = str(SPECS / "oneof.yaml")  # one ambiguous-oneOf error pair and one warning
    assert lint(spec).code == ExitCode.FINDINGS
    warnings_only = lint(spec, "--rule", "oneOf.", "--min-severity", "warning", "--format", "json")
    assert {f["severity"] for f in json.loads(warnings_only.out)["findings"]} == {
        "error",
        "warning",
    }
    errors = lint(spec, "--min-severity", "error", "--format", "json")
    assert {f["severity"] for f in json.loads(errors.out)["findings"]} == {"error"}
    only_codes = lint(spec, "--rule", "components.", "--format", "json")
    assert json.loads(only_codes.out)["findings"] == []
    assert only_codes.code == ExitCode.OK
    # components.unused is info: it never fails a run unless asked to
    comps = str(SPECS / "components.yaml")
    assert lint(comps, "--rule", "components.unused").code == ExitCode.OK
    assert lint(comps, "--rule", "components.unused", "--fail-on", "info").code == ExitCode.FINDINGS


def test_quiet_prints_only_the_counts() -> None:
    r = lint(str(SPECS / "discriminators.yaml"), "-q")
    assert r.code == ExitCode.FINDINGS
    assert r.out.splitlines() == [
        "by rule: discriminator.oneOf-overlap 1, discriminator.property-undeclared 1, "
        "discriminator.tag-mismatch 1, discriminator.target-missing 1",
        f"{SPECS / 'discriminators.yaml'}: 4 finding(s): 4 errors, 0 warnings, 0 info",
    ]


def test_secrets_never_reach_the_output() -> None:
    for fmt in ("text", "json"):
        r = lint(str(SPECS / "values.yaml"), "--format", fmt)
        assert "twilioAuthToken" in r.out
        assert "sk-not-a-number" not in r.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.yaml"], "missing.yaml"),
        ([str(SEED), "--spec", str(FIXES)], "two specs given"),
        ([str(SPECS / "values.yaml"), "--strict"], "(--strict)"),
        ([], "no spec given"),
    ],
)
def test_could_not_run_is_exit_2(argv: list[str], message: str) -> None:
    r = lint(*argv)
    assert r.code == ExitCode.ERROR, r
    assert r.err.startswith("error: ")
    assert message in r.err
    assert r.out == ""


def test_unknown_format_is_a_usage_error() -> None:
    r = lint(str(SEED), "--format", "xml")
    assert r.code == ExitCode.ERROR
    assert "invalid choice: 'xml'" in r.err


def test_subprocess_end_to_end(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "contracttest", "spec", "lint", str(SEED), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == ExitCode.FINDINGS, proc.stderr
    assert json.loads(proc.stdout)["summary"]["error"] == 9


# ------------------------------------------------------------------------------------ sarif, config

SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-2.1.0.schema.json"


def test_sarif_output_is_valid_sarif_with_a_located_result_per_finding() -> None:
    import jsonschema

    r = lint(str(SEED), "--format", "sarif")
    assert r.code == ExitCode.FINDINGS, r
    log = json.loads(r.out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    errors = list(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(log))
    assert not errors, errors[0].message
    (run_,) = log["runs"]
    results = run_["results"]
    assert len(results) == 13
    overlap = next(x for x in results if x["ruleId"] == "discriminator.oneOf-overlap")
    assert overlap["level"] == "error"
    assert overlap["locations"][0]["physicalLocation"]["region"]["startLine"] == 348
    assert overlap["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("/oneOf")
    rules = {rule["id"] for rule in run_["tool"]["driver"]["rules"]}
    assert rules == {x["ruleId"] for x in results}


def _project(tmp_path: Path, table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.contracttest]\nspec = "{SEED}"\noverlay = ["{FIXES}"]\n\n'
        f"[tool.contracttest.spec-lint]\n{table}\n",
        encoding="utf-8",
    )


def test_the_security_family_runs_when_the_project_asks(tmp_path: Path) -> None:
    # Given a project that turns the security rules on and lowers the unbounded-input ones
    _project(tmp_path, 'security = true\nseverity = { "security.unbounded-input" = "info" }')
    r = lint("--format", "json")
    doc = json.loads(r.out)
    rules = doc["summary"]["rules"]
    # Then they run (as warnings), the lowered rule reports as info, and warnings fail the run
    assert {"security.ssrf-url", "security.auth-responses"} <= set(rules)
    levels = {f["rule"]: f["severity"] for f in doc["findings"]}
    assert levels["security.ssrf-url"] == "warning"
    assert levels["security.unbounded-input"] == "info"
    assert r.code == ExitCode.FINDINGS
    # and the options win over the table
    r = lint("--severity", "security.=info", "--fail-on", "warning")
    assert r.code == ExitCode.OK, r


def test_naming_a_security_rule_runs_it(tmp_path: Path) -> None:
    r = lint(str(SEED), "--overlay", str(FIXES), "--rule", "security.auth-responses")
    assert r.code == ExitCode.FINDINGS
    assert r.out.splitlines()[-2] == "by rule: security.auth-responses 6"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('severity = { "schema.unsatisfiabel" = "off" }', "did you mean 'schema.unsatisfiable'"),
        ('severity = { "security." = "loud" }', "error, warning, info or off"),
        ('security = "yes"', "security must be true or false"),
        ('fail-on = "never"', "fail-on must be error, warning or info"),
    ],
)
def test_a_bad_spec_lint_table_is_a_usage_error_naming_the_file(
    tmp_path: Path, table: str, message: str
) -> None:
    _project(tmp_path, table)
    r = lint()
    assert r.code == ExitCode.ERROR, r
    assert message in r.err and "pyproject.toml" in r.err and "Traceback" not in r.err
