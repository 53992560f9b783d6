"""Shared type aliases."""

from __future__ import annotations

from typing import Any, TypeAlias

JSON: TypeAlias = Any
"""Any JSON value (dict, list, str, int, float, bool, None)."""

JSONObject: TypeAlias = dict[str, Any]
Schema: TypeAlias = dict[str, Any]
