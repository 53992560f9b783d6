"""Turn raw HTTP input into JSON values the validators can judge, or into a clean 4xx.

Every way a body can be bad ends here as an `HTTPProblem` (400, 413 or 415), never as a 500: bytes
that are not UTF-8, JSON syntax errors, ``NaN``/``Infinity``, numbers too large for a double, integers
with thousands of digits, nesting beyond a limit (checked without recursion), a body over the size cap.
Query and path values are strings on the wire; they are coerced to the type their parameter schema
names first (``limit=5`` -> 5), and left as strings when they do not parse, so that the validator
reports ``limit must be a number``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from contracttest._io import loads_incremental
from contracttest.mock.errors import error_body

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation

__all__ = [
    "HTTPProblem",
    "coerce_value",
    "json_depth_exceeds",
    "media_type_of",
    "parse_json_body",
    "read_capped",
]

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_INTEGER = re.compile(r"-?(?:0|[1-9]\d*)")


class HTTPProblem(Exception):
    """A request the mock answers with an error status (body shaped by `error_body`)."""

    def __init__(
        self,
        status: int,
        message: str | list[str],
        *,
        headers: dict[str, str] | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__(message if isinstance(message, str) else "; ".join(message))
        self.status = status
        self.messages = [message] if isinstance(message, str) else list(message)
        self.body = error_body(status, message, error)
        """NestJS's envelope; the app answers the operation's documented error schema instead when
        there is one (`contracttest.mock.error_answers`)."""
        self.headers = headers or {}
        self.operation: Operation | None = None
        """The routed operation the problem arose on (set by the app), None before routing."""


async def read_capped(stream: AsyncIterator[bytes], declared: str | None, cap: int) -> bytes:
    """The whole request body, or 413 as soon as it is known to exceed ``cap`` bytes."""
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise HTTPProblem(400, ["Content-Length must be a number"]) from None
        if length > cap:
            raise HTTPProblem(413, f"request entity too large: {length} bytes, the limit is {cap}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > cap:
            raise HTTPProblem(413, f"request entity too large: more than {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def media_type_of(content_type: str | None) -> tuple[str, dict[str, str]]:
    """``application/json; charset=UTF-8`` -> ``("application/json", {"charset": "utf-8"})``."""
    if not content_type:
        return "", {}
    main, *rest = content_type.split(";")
    params = {}
    for item in rest:
        key, _, value = item.partition("=")
        params[key.strip().lower()] = value.strip().strip('"').lower()
    return main.strip().lower(), params


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:20]}... is out of range")
    return value


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests arrays/objects deeper than ``limit`` (iterative, no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
    return False


def parse_json_body(raw: bytes, charset: str | None, max_depth: int) -> Any:
    """Decode and parse a JSON request body (400 on anything that is not plain JSON)."""
    if charset not in (None, "", "utf-8", "utf8"):
        raise HTTPProblem(415, f'unsupported charset "{charset.upper()}"')
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, [f"body is not valid UTF-8 (byte {exc.start})"]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        # member by member: a large body parsed in a worker thread must not hold the GIL for seconds
        decoder = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_parse_float)
        value = loads_incremental(text, decoder)
    except json.JSONDecodeError as exc:
        raise HTTPProblem(
            400, [f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]
        ) from None
    except RecursionError:
        raise HTTPProblem(400, [f"body nests deeper than {max_depth} levels"]) from None
    except ValueError as exc:
        raise HTTPProblem(400, [f"body is not valid JSON: {exc}"]) from None
    if json_depth_exceeds(value, max_depth):
        raise HTTPProblem(400, [f"body nests deeper than {max_depth} levels"])
    return value


def _types_of(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return []
    typ = schema.get("type")
    if isinstance(typ, str):
        return [typ]
    if isinstance(typ, list):
        return [t for t in typ if isinstance(t, str)]
    for key in ("oneOf", "anyOf", "allOf"):
        subs = schema.get(key)
        if isinstance(subs, list):
            out: list[str] = []
            for sub in subs:
                out.extend(t for t in _types_of(sub) if t not in out)
            if out:
                return out
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return sorted({_json_type(v) for v in schema["enum"]})
    return []


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "string"


def coerce_value(values: Iterable[str], schema: Any, *, explode: bool = True) -> Any:
    """Query/path/header text -> the JSON value its parameter schema expects (when it parses)."""
    raw = list(values)
    types = _types_of(schema)
    if "array" in types:
        items = schema.get("items") if isinstance(schema, dict) else None
        if len(raw) == 1 and not explode:
            raw = raw[0].split(",")
        return [coerce_value([v], items) for v in raw]
    if len(raw) != 1:
        # A repeated scalar parameter: Express hands the handler an array, and validation says so.
        return raw
    text = raw[0]
    for typ in types:
        if typ == "integer" and _INTEGER.fullmatch(text):
            return int(text) if len(text) < 300 else text
        if typ == "number" and _JSON_NUMBER.fullmatch(text) and len(text) < 300:
            number = float(text)
            if math.isinf(number):
                return text
            return int(text) if _INTEGER.fullmatch(text) else number
        if typ == "boolean" and text in ("true", "false"):
            return text == "true"
        if typ == "null" and text == "null":
            return None
    return text
