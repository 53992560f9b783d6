"""The JSON report's schema file: shipped beside the writer, named by its version, the one copy the
writer and the tests use, in step with the statuses the runner knows, and strict where it must be."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from _report_sample import sample_result

from contracttest.report import json_
from contracttest.runner.results import STATUSES


def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json_.SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def test_the_file_is_the_schema_of_this_version() -> None:
    schema = _schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert json_.SCHEMA_PATH.name == f"run-report-{json_.SCHEMA_VERSION}.json"
    assert schema["$id"] == json_.SCHEMA_ID
    assert schema == json_.REPORT_SCHEMA  # the writer's module serves the file, not a copy
    major = json_.SCHEMA_VERSION.split(".")[0]
    assert jsonschema.Draft7Validator(schema["properties"]["schema_version"]).is_valid(
        f"{major}.99"
    ), "a reader of this major version accepts every minor version"


def test_status_enums_follow_the_runner() -> None:
    schema = _schema()
    op = schema["properties"]["operations"]["items"]["properties"]
    assert op["status"]["enum"] == list(STATUSES)
    assert op["checks"]["items"]["properties"]["status"]["enum"] == list(STATUSES)
    assert set(STATUSES) <= set(schema["properties"]["summary"]["properties"])


def test_the_sample_report_is_valid() -> None:
    jsonschema.Draft7Validator(_schema()).validate(json.loads(json_.render(sample_result())))


Damage = Callable[[dict[str, Any]], Any]
DAMAGES: dict[str, Damage] = {
    "no verdict": lambda d: d.pop("verdict"),
    "no warnings": lambda d: d.pop("warnings"),
    "no schema_version": lambda d: d.pop("schema_version"),
    "warning without affects_verdict": lambda d: d["warnings"].append(
        {"id": "x", "title": "t", "message": "m", "tip": "", "items": []}
    ),
    "no seed": lambda d: d["run"].pop("seed"),
    "failure without finding": lambda d: d["operations"][0]["checks"][0]["failures"][0].pop(
        "finding"
    ),
    "negative count": lambda d: d["summary"].update(failed=-1),
    "unknown verdict": lambda d: d.update(verdict="green"),
    "bad version": lambda d: d.update(schema_version="one"),
    "response status not a code": lambda d: d["operations"][0]["responses"].update(
        success={"2xx": 1}
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGES.values()), ids=list(DAMAGES))
def test_the_schema_rejects_a_report_missing_what_it_requires(damage: Damage) -> None:
    doc = json.loads(json_.render(sample_result()))
    doc["operations"][0]["responses"] = {"success": {"201": 3}}
    validator = jsonschema.Draft7Validator(_schema())
    validator.validate(doc)
    broken = copy.deepcopy(doc)
    damage(broken)
    assert not validator.is_valid(broken)
