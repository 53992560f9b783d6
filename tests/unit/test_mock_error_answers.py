"""Where an error message goes in a documented error schema (`place_message`)."""

from __future__ import annotations

from typing import Any

import pytest

from contracttest.mock.error_answers import place_message
from contracttest.mock.responses import SchemaView

STR = {"type": "string"}


def place(schema: dict[str, Any], base: Any, status: int = 400) -> Any:
    return place_message(SchemaView(schema), base, "limit must be at most 50", status)


@pytest.mark.parametrize(
    ("schema", "base", "expected"),
    [
        # the flat shapes: message, detail (RFC 7807 with its status), error_description (OAuth)
        (
            {"type": "object", "properties": {"message": STR, "code": {"type": "integer"}}},
            {},
            {"message": "limit must be at most 50", "code": 400},
        ),
        (
            {
                "type": "object",
                "properties": {"title": STR, "detail": STR, "status": {"type": "integer"}},
            },
            {"title": "a"},
            {"title": "a", "detail": "limit must be at most 50", "status": 400},
        ),
        (
            {"type": "object", "properties": {"error": STR, "error_description": STR}},
            {},
            {"error_description": "limit must be at most 50"},
        ),
        # nested: Azure's {"error": {"code", "message"}}, JSON:API's {"errors": [{"detail"}]}
        (
            {
                "type": "object",
                "properties": {
                    "error": {"type": "object", "properties": {"code": STR, "message": STR}}
                },
            },
            {},
            {"error": {"message": "limit must be at most 50"}},
        ),
        (
            {
                "type": "object",
                "properties": {
                    "errors": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"detail": STR}},
                    }
                },
            },
            {"errors": []},
            {"errors": [{"detail": "limit must be at most 50"}]},
        ),
        # a status member with an enum takes the status only if the enum has it
        (
            {
                "type": "object",
                "properties": {"message": STR, "status": {"type": "integer", "enum": [500]}},
            },
            {"status": 500},
            {"message": "limit must be at most 50", "status": 500},
        ),
        # cut to maxLength
        (
            {"type": "object", "properties": {"message": {"type": "string", "maxLength": 5}}},
            {},
            {"message": "limit"},
        ),
    ],
)
def test_the_message_lands_where_the_schema_carries_one(
    schema: dict[str, Any], base: Any, expected: Any
) -> None:
    assert place(schema, base) == expected


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"code": {"type": "integer"}}},
        {"type": "object", "properties": {"message": {"type": "string", "enum": ["x"]}}},
        {"type": "array", "items": STR},
    ],
)
def test_no_place_for_a_message(schema: dict[str, Any]) -> None:
    assert place(schema, [] if schema["type"] == "array" else {}) is None


def test_the_base_is_not_changed() -> None:
    base: dict[str, Any] = {"error": {}}
    schema = {
        "type": "object",
        "properties": {"error": {"type": "object", "properties": {"message": STR}}},
    }
    assert place(schema, base) == {"error": {"message": "limit must be at most 50"}}
    assert base == {"error": {}}
