"""Options and ini keys: where each setting comes from, and how a bad one is reported."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from plugin_support import FIXES, SEED, SPEC_ARGS, TOKEN_A

HEADER_TEST = """
def test_nothing():
    pass
"""


def _header(result: pytest.RunResult) -> str:
    lines = [ln for ln in result.outlines if ln.startswith("contracttest:")]
    assert len(lines) == 1, result.outlines
    return lines[0]


def test_help_lists_the_contracttest_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    out = result.stdout.str()
    assert "contract tests (contracttest)" in out
    for option in (
        "--contract-spec",
        "--contract-overlay",
        "--contract-base-url",
        "--contract-token",
        "--contract-max-examples",
        "--contract-seed",
        "--contract-report-dir",
        "--contract-report",
        "--contract-allow-writes",
    ):
        assert option in out
    for ini in ("contract_spec", "contract_overlay", "contract_base_url", "contract_report_dir"):
        assert ini in out
    # Tokens are secrets: no ini key for them.
    assert "contract_token" not in out


def test_options_show_in_the_header(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(HEADER_TEST)
    result = pytester.runpytest(
        f"--contract-spec={SEED}",
        f"--contract-overlay={FIXES}",
        "--contract-base-url=http://127.0.0.1:9",
        f"--contract-token={TOKEN_A}",
        "--contract-max-examples=7",
        "--contract-seed=1234",
        "--contract-report-dir=out",
        "--contract-report=json,md",
    )
    result.assert_outcomes(passed=1)
    header = _header(result)
    assert f"spec {SEED} + 1 overlay(s)" in header
    assert "target http://127.0.0.1:9" in header
    assert "seed 1234" in header
    assert "max examples 7" in header
    assert f"reports json, md -> {pytester.path / 'out'}" in header
    assert TOKEN_A not in result.stdout.str()


def test_ini_keys_resolve_against_the_ini_file(pytester: pytest.Pytester) -> None:
    # Given the settings in [tool.pytest.ini_options], with paths relative to pyproject.toml
    (pytester.path / "api").mkdir()
    (pytester.path / "api" / "spec.yaml").write_text(SEED.read_text())
    pytester.makepyprojecttoml(
        """
        [tool.pytest.ini_options]
        contract_spec = "api/spec.yaml"
        contract_base_url = "http://127.0.0.1:9/v1"
        contract_max_examples = "3"
        contract_seed = "99"
        contract_report_dir = "build/contract"
        contract_report = "junit"
        """
    )
    sub = pytester.mkdir("tests")
    (sub / "test_x.py").write_text(HEADER_TEST)
    # When pytest runs from a subdirectory
    result = pytester.runpytest(sub / "test_x.py", "--rootdir", str(pytester.path))
    # Then every path is relative to the ini file, not to the working directory
    header = _header(result)
    assert f"spec {pytester.path / 'api' / 'spec.yaml'}" in header
    assert "target http://127.0.0.1:9/v1" in header
    assert "seed 99" in header
    assert "max examples 3" in header
    assert f"reports junit -> {pytester.path / 'build' / 'contract'}" in header


def test_command_line_beats_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        contract_base_url = http://127.0.0.1:9
        contract_max_examples = 3
        """
    )
    pytester.makepyfile(HEADER_TEST)
    result = pytester.runpytest(
        "--contract-base-url=http://127.0.0.1:10", "--contract-max-examples=5"
    )
    header = _header(result)
    assert "target http://127.0.0.1:10;" in header
    assert "max examples 5" in header


def test_no_header_without_configuration(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(HEADER_TEST)
    result = pytester.runpytest()
    assert not [ln for ln in result.outlines if ln.startswith("contracttest:")]


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (["--contract-max-examples=0"], "", "--contract-max-examples must be 1 or more, got 0"),
        (["--contract-seed=-3"], "", "--contract-seed must be 0 or more, got -3"),
        (
            ["--contract-base-url=ftp://user:pw@example.com"],
            "",
            "--contract-base-url 'ftp://[REDACTED]@example.com': expected an http(s) URL",
        ),
        (["--contract-report=json,pdf"], "", "unknown report format 'pdf'"),
        (
            [],
            "contract_max_examples = lots",
            "[tool.pytest.ini_options] contract_max_examples must be an integer >= 1, got 'lots'",
        ),
        ([], "contract_report = xml,bogus", "unknown report format 'bogus'"),
    ],
)
def test_bad_settings_stop_the_run(
    pytester: pytest.Pytester, args: list[str], ini: str, message: str
) -> None:
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(HEADER_TEST)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "contracttest: " in err
    assert message in err
    assert "pw@" not in err


@pytest.mark.parametrize(
    ("env", "works"),
    [
        ({"CONTRACTTEST_TOKEN": TOKEN_A}, True),
        ({"VAPI_API_KEY": TOKEN_A}, True),  # the seed spec is a Vapi spec
        ({"CONTRACTTEST_TOKEN": "not-a-known-token"}, False),
    ],
)
def test_tokens_come_from_the_environment(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    buggy_server: Callable[[str | None], str],
    env: dict[str, str],
    works: bool,
) -> None:
    # Given a server that knows TOKEN_A, and the token only in the environment
    url = buggy_server(None)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(
        """
        def test_list(contract_client):
            assert contract_client.get("/phone-number").status_code == 200
        """
    )
    result = pytester.runpytest(*SPEC_ARGS, f"--contract-base-url={url}")
    result.assert_outcomes(**({"passed": 1} if works else {"failed": 1}))
    assert TOKEN_A not in result.stdout.str()


def test_credentials_in_urls_are_not_shown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(HEADER_TEST)
    result = pytester.runpytest(
        "--contract-spec=https://alice:hunter2@specs.example.com/api.yaml",
        "--contract-base-url=http://bob:s3cret@127.0.0.1:9",
    )
    header = _header(result)
    assert "spec https://[REDACTED]@specs.example.com/api.yaml" in header
    assert "target http://[REDACTED]@127.0.0.1:9" in header
    out = result.stdout.str() + result.stderr.str()
    assert "hunter2" not in out and "s3cret" not in out
