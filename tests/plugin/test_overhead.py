"""Zero overhead: a pytest run that does not use contract tests imports nothing heavy.

Every pytest run in an environment with contracttest installed loads the plugin through the pytest11
entry point, so these run pytest in a subprocess (a clean ``sys.modules``) and look at what was
imported by the end of the session.
"""

from __future__ import annotations

import json

import pytest

HEAVY = (
    "hypothesis",
    "hypothesis_jsonschema",
    "jsonschema",
    "jsonschema_rs",
    "openapi_spec_validator",
    "httpx",
    "starlette",
    "uvicorn",
    "rich",
    "phonenumbers",
    "yaml",
    "contracttest.openapi",
    "contracttest.validate",
    "contracttest.generate",
    "contracttest.mock",
    "contracttest.runner",
    "contracttest.report",
    "contracttest.pytest",
)

RECORDER = """
import json, sys

def pytest_sessionfinish(session):
    with open("modules.json", "w") as fh:
        json.dump({
            "modules": sorted(sys.modules),
            "plugin": session.config.pluginmanager.has_plugin("contracttest"),
        }, fh)
"""


def _imported(pytester: pytest.Pytester, *args: str) -> tuple[list[str], bool, pytest.RunResult]:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    data = json.loads((pytester.path / "modules.json").read_text())
    modules = data["modules"]
    heavy = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    return heavy, data["plugin"], result


def test_an_unrelated_run_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    # Given a project with ordinary tests that never touch a contract
    pytester.makeconftest(RECORDER)
    pytester.makepyfile(
        test_plain="""
        def test_add():
            assert 1 + 1 == 2

        def test_tmp(tmp_path):
            assert tmp_path.exists()
        """
    )
    # When pytest runs with contracttest installed
    heavy, loaded, result = _imported(pytester)
    # Then the plugin was loaded, the tests ran, and no heavy module was imported
    result.assert_outcomes(passed=2)
    assert loaded, "the contracttest plugin was not registered through its entry point"
    assert heavy == []
    # and the plugin adds nothing to the output (pytest itself lists it among the plugins)
    own = [ln for ln in result.outlines if "contracttest" in ln and not ln.startswith("plugins:")]
    assert own == []


def test_a_failing_unrelated_run_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    # Failures go through the assertion-repr and terminal-summary hooks: still nothing heavy.
    pytester.makeconftest(RECORDER)
    pytester.makepyfile(test_plain="def test_fails():\n    assert [1, 2] == [1, 3]\n")
    heavy, loaded, result = _imported(pytester, "-n", "0")
    result.assert_outcomes(failed=1)
    assert loaded
    assert heavy == []


def test_the_plugin_loads_its_layers_only_when_used(
    pytester: pytest.Pytester, spec_args: list[str]
) -> None:
    # The same recorder sees the heavy layers once a contract fixture is used (the check above
    # would pass vacuously if the recorder could not see imports).
    pytester.makeconftest(RECORDER)
    pytester.makepyfile(
        test_used="def test_spec(contract_spec):\n    assert contract_spec.operations\n"
    )
    heavy, _loaded, result = _imported(pytester, *spec_args)
    result.assert_outcomes(passed=1)
    assert "contracttest.openapi" in heavy
