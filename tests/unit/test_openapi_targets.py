"""Target resolution when an operationId is spelled like a component schema (corpus class)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from contracttest.cli import run
from contracttest.errors import TargetError
from contracttest.openapi import load_spec

SPEC = Path(__file__).parents[1] / "data" / "corpus" / "operation-named-like-schema.yaml"


@pytest.fixture(scope="module")
def spec():
    return load_spec(SPEC, cache=False)


def test_every_target_of_the_spec_resolves(spec) -> None:
    targets = list(spec.iter_targets())
    dtos = {t.pointer for t in targets if t.kind == "dto"}
    assert dtos == {
        "/components/schemas/BoxScore",
        "/components/schemas/Score",
        "/components/schemas/ScoreInput",
    }
    for target in targets:
        assert target.schema()["type"] == "object"


def test_a_bare_name_shared_by_a_bodiless_operation_names_the_schema(spec) -> None:
    assert spec.target("BoxScore").kind == "dto"
    assert spec.target("BoxScore:parameters").kind == "parameters"
    assert spec.target("BoxScore:response:200").kind == "response"


def test_a_bare_name_shared_by_an_operation_with_a_body_names_the_operation(spec) -> None:
    assert spec.target("Score").kind == "request"
    assert spec.target("Score").pointer.startswith("/paths/")
    dto = spec.target("#/components/schemas/Score")
    assert (dto.kind, dto.pointer) == ("dto", "/components/schemas/Score")
    assert spec.dto("Score").pointer == "/components/schemas/Score"
    assert spec.dto_key("Score") == "#/components/schemas/Score"
    assert spec.dto_key("ScoreInput") == "ScoreInput"


def test_the_pointer_form_names_only_schemas(spec) -> None:
    with pytest.raises(TargetError, match="no DTO 'Scor'"):
        spec.target("#/components/schemas/Scor")


def test_spec_lint_reads_the_spec_without_error() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["spec", "lint", "--spec", str(SPEC)], stdout=out, stderr=err)
    assert code in (0, 1), err.getvalue()
    assert "error:" not in err.getvalue()


def test_generate_all_covers_the_shared_name() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["generate", "--spec", str(SPEC), "--all", "--format", "json"], stdout=out, stderr=err
    )
    assert code == 0, err.getvalue()
    assert '"#/components/schemas/Score"' in out.getvalue()
