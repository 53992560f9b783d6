"""Shared type aliases."""

from __future__ import annotations

from typing import Any, TypeAlias

JSON: TypeAlias = Any
"""Any JSON value (dict, list, str, int, float, bool, None)."""

JSONObject: TypeAlias = dict[str, Any]
Schema: TypeAlias = dict[str, Any]


def json_type(value: Any) -> str:
    """The JSON Schema type of a Python value (``1.0`` is an ``integer``, as in JSON Schema).

    Values that are not JSON get their Python type name, which matches no JSON Schema type.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
