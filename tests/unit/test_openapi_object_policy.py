"""Unknown request properties: open as in OpenAPI, closed where the server is known to forbid them.

The policy is data (`unknown_properties` in a rule table, `closed-objects` in pyproject.toml,
`--closed-objects`), not a default wired for Vapi. Corpus class 2 (sakari.io's webhook body).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracttest.cli import run
from contracttest.generate.core import examples, generator_for
from contracttest.openapi import load_spec
from contracttest.validate import get_validator
from contracttest.validate.rules import read_rule_table

REPO = Path(__file__).resolve().parents[2]
OPEN = REPO / "tests" / "data" / "corpus" / "open-objects.yaml"
SEED = REPO / "spec" / "vapi-phone-numbers.yaml"


def test_request_objects_are_open_by_default() -> None:
    spec = load_spec(OPEN, cache=False)
    assert spec.closed_objects is False
    v = get_validator(spec, "subscribe")
    assert v.is_valid({"callbackUrl": "https://x.example", "events": ["sent"], "extra": 1})


def test_a_required_member_the_schema_does_not_declare_can_be_generated() -> None:
    spec = load_spec(OPEN, cache=False)
    values = examples(generator_for(spec).valid("subscribe"), 10, seed=1)
    assert values and all("callbackUrl" in v for v in values)


def test_the_vapi_rule_table_closes_the_seed() -> None:
    spec = load_spec(SEED, cache=False)
    assert spec.closed_objects is True
    v = get_validator(spec, "CreateVapiPhoneNumberDTO")
    assert v.is_valid({"provider": "vapi"})
    findings = list(v.iter_findings({"provider": "vapi", "surprise": 1}))
    assert [f.rule for f in findings] == ["schema.additionalProperties"]
    # --allow-unknown-properties (allow_unknown) still opens them
    assert get_validator(spec, "CreateVapiPhoneNumberDTO", allow_unknown=True).is_valid(
        {"provider": "vapi", "surprise": 1}
    )


def test_closing_a_spec_explicitly_makes_the_undeclared_member_unsatisfiable() -> None:
    spec = load_spec(OPEN, cache=False)
    spec.closed_objects = True
    with pytest.raises(Exception, match="'callbackUrl' is required but not allowed"):
        generator_for(spec).valid("subscribe")


def test_rule_table_key_is_checked(tmp_path: Path) -> None:
    table = tmp_path / "t.yaml"
    table.write_text("name: t\nunknown_properties: forbid\nrules: {}\n")
    with pytest.raises(Exception, match="'unknown_properties' must be 'reject' or 'ignore'"):
        read_rule_table(table)
    table.write_text("name: t\nunknown_properties: reject\nrules: {}\n")
    assert read_rule_table(table).unknown_properties == "reject"


def _generate(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["generate", "--spec", str(OPEN), "--target", "subscribe", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_closed_objects_flag() -> None:
    code, out, _ = _generate("-n", "2", "--seed", "1")
    assert code == 0 and all("callbackUrl" in json.loads(x)["payload"] for x in out.splitlines())
    code, _, err = _generate("-n", "2", "--closed-objects")
    assert code == 2
    assert "'callbackUrl' is required but not allowed (closed object)" in err


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def test_pyproject_key_closes_the_configured_spec(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        f'[tool.contracttest]\nspec = "{OPEN.as_posix()}"\nclosed-objects = true\n'
    )
    code, _, err = _generate("-n", "1")
    assert code == 2 and "required but not allowed" in err
    (project / "pyproject.toml").write_text(
        f'[tool.contracttest]\nspec = "{OPEN.as_posix()}"\nclosed-objects = "yes"\n'
    )
    code, _, err = _generate("-n", "1")
    assert code == 2 and "closed-objects must be true or false" in err


def test_pyproject_key_can_open_a_spec_the_rule_table_closes(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        f'[tool.contracttest]\nspec = "{SEED.as_posix()}"\nclosed-objects = false\n'
    )
    out, err = io.StringIO(), io.StringIO()
    payload = project / "p.json"
    payload.write_text('{"provider": "vapi", "surprise": 1}')
    code = run(["validate", "--target", "CreateVapiPhoneNumberDTO", str(payload)], out, err)
    assert code == 0, out.getvalue() + err.getvalue()
