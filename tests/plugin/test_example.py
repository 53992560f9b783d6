"""The example module of the README (examples/test_contract_example.py) runs as written."""

from __future__ import annotations

import pytest
from plugin_support import REPO, SPEC_ARGS

EXAMPLE = REPO / "examples" / "test_contract_example.py"


def test_the_readme_example_passes_on_the_mock(pytester: pytest.Pytester) -> None:
    # Given the example copied into a project as it is
    pytester.makepyfile(test_contract_example=EXAMPLE.read_text())
    # When pytest runs it with the seed spec, few examples and a report dir
    result = pytester.runpytest(*SPEC_ARGS, "--contract-max-examples=3", "--contract-report-dir=r")
    # Then every test passes against the built-in mock, and the report is written
    result.assert_outcomes(passed=18 + 1 + 3 + 1 + 1)
    assert (pytester.path / "r" / "contracttest-report.json").is_file()
