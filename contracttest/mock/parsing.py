"""Turn raw HTTP input into JSON values the validators can judge, or into a clean 4xx.

Every way a body can be bad ends here as an `HTTPProblem` (400, 413 or 415), never as a 500: bytes
that are not UTF-8, JSON syntax errors, ``NaN``/``Infinity``, numbers too large for a double, integers
with thousands of digits, nesting beyond a limit (checked without recursion), a body over the size cap.
Each is one message about the body as a whole, worded as a NestJS server's body-parser words it (node's
``JSON.parse``: ``Unexpected end of JSON input``, ``Expected ',' or '}' after property value in JSON at
position 12``; ``request entity too large``), so a client's error handling meets the shape it will meet.
Query and path values are strings on the wire; they are coerced to the type their parameter schema
names first (``limit=5`` -> 5), and left as strings when they do not parse, so that the validator
reports ``limit must be a number``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from contracttest._io import loads_incremental
from contracttest.mock.errors import error_body

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation, Spec

__all__ = [
    "TOO_LARGE",
    "HTTPProblem",
    "coerce_value",
    "json_depth_exceeds",
    "json_syntax_message",
    "media_type_of",
    "param_fits",
    "parse_json_body",
    "raw_schema",
    "read_capped",
    "strict_syntax_message",
    "unexpected_token",
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
            raise HTTPProblem(400, "Content-Length must be a number") from None
        if length > cap:
            raise HTTPProblem(413, TOO_LARGE)
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > cap:
            raise HTTPProblem(413, TOO_LARGE)
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


def parse_json_body(
    raw: bytes, charset: str | None, max_depth: int, *, strict: bool = False
) -> Any:
    """Decode and parse a JSON request body (400 on anything that is not plain JSON).

    ``strict``: only an object or an array is a body, as body-parser's ``strict`` option (NestJS's
    default) has it; anything else is refused with ``JSON.parse``'s message for its first character.
    """
    if charset not in (None, "", "utf-8", "utf8"):
        raise HTTPProblem(415, f'unsupported charset "{charset.upper()}"', error="")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, f"body is not valid UTF-8 (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    first = _WS.match(text).end()  # type: ignore[union-attr]
    if strict and first < len(text) and text[first] not in "{[":
        raise HTTPProblem(400, strict_syntax_message(text, first))
    try:
        # member by member: a large body parsed in a worker thread must not hold the GIL for seconds
        decoder = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_parse_float)
        value = loads_incremental(text, decoder)
    except json.JSONDecodeError as exc:
        raise HTTPProblem(400, json_syntax_message(text, exc.msg, exc.pos)) from None
    except RecursionError:
        raise HTTPProblem(400, f"body nests deeper than {max_depth} levels") from None
    except ValueError as exc:
        constant = _unquoted_constant(text)
        if constant is not None:  # NaN, Infinity, -Infinity
            raise HTTPProblem(400, json_syntax_message(text, "Expecting value", constant)) from None
        raise HTTPProblem(400, f"body is not valid JSON: {exc}") from None
    if json_depth_exceeds(value, max_depth):
        raise HTTPProblem(400, f"body nests deeper than {max_depth} levels")
    return value


# ------------------------------------------------------------------ JSON.parse's messages (V8, node 20)
TOO_LARGE = "request entity too large"
"""body-parser's message for a body over the limit."""
_WS = re.compile(r"[ \t\n\r]*")
_CONTEXT = 10
"""V8 quotes at most this many characters on each side of an unexpected token..."""
_SHORT = 2 * _CONTEXT + 1
"""...and the whole text when it is at most this long."""
_HEX = frozenset("0123456789abcdefABCDEF")


def _units(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _at(text: str, pos: int) -> str:
    """`` in JSON at position N`` with N counted in UTF-16 units, as JavaScript counts."""
    return f" in JSON at position {len(_units(text[:pos])) // 2}"


def unexpected_token(text: str, pos: int) -> str:
    """``JSON.parse``'s ``Unexpected token`` message for the character at ``pos`` of ``text``."""
    if pos >= len(text):
        return "Unexpected end of JSON input"
    if text[pos].isdigit():
        return "Unexpected number" + _at(text, pos)
    units = _units(text)
    n = len(units) // 2
    upos = len(_units(text[:pos])) // 2

    def cut(a: int, b: int) -> str:
        return units[2 * a : 2 * b].decode("utf-16-le", "surrogatepass")

    token = cut(upos, upos + 1)
    if n <= _SHORT:
        quoted = f'"{text}"'
    elif upos < _CONTEXT:
        quoted = f'"{cut(0, upos + _CONTEXT)}"...'
    elif upos >= n - _CONTEXT:
        quoted = f'..."{cut(upos - _CONTEXT, n)}"'
    else:
        quoted = f'..."{cut(upos - _CONTEXT, upos + _CONTEXT)}"...'
    return f"Unexpected token '{token}', {quoted} is not valid JSON"


def strict_syntax_message(text: str, first: int) -> str:
    """body-parser's refusal of a body that is not an object or an array (its ``strict`` mode):
    ``JSON.parse`` of the text with everything from the first character on masked as ``#``, each
    masked run then read back from the text."""
    masked = text[:first] + "#" * (len(text) - first)
    message = unexpected_token(masked, first)
    return re.sub("#+", lambda m: text[first : first + len(m.group())], message)


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def _before(text: str, pos: int) -> str:
    """The last character before ``pos`` that is not whitespace ('' at the start)."""
    stripped = text[:pos].rstrip(" \t\n\r")
    return stripped[-1:] if stripped else ""


def _outside_strings(text: str, end: int | None = None) -> Iterator[tuple[int, str]]:
    """(index, character) of every character of ``text`` before ``end`` that is not inside a JSON
    string (the quotes themselves are skipped too)."""
    stop = len(text) if end is None else end
    i, in_string = 0, False
    while i < stop:
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        else:
            yield i, c
        i += 1


def _container(text: str, pos: int) -> str:
    """The innermost bracket open at ``pos`` (``{`` or ``[``), strings skipped."""
    stack: list[str] = []
    for _, c in _outside_strings(text, pos):
        if c in "{[":
            stack.append(c)
        elif c in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _number_end(text: str, pos: int) -> str | None:
    """V8's message when the number that ends before ``pos`` is cut short there, else None."""
    start = pos
    while start > 0 and text[start - 1] in "0123456789+-.eE":
        start -= 1
    number = text[start:pos]
    if not number or not number[-1].isdigit():
        return None
    if pos >= len(text):
        return None
    c = text[pos]
    if c.isdigit():  # a leading zero: 01
        return "Unexpected number" + _at(text, pos)
    if c == "." and not any(x in number for x in ".eE"):
        after = pos + 1
        if after < len(text) and text[after].isdigit():
            return None
        return "Unterminated fractional number" + _at(text, after)
    if c in "eE" and not any(x in number for x in "eE"):
        after = pos + 1 + (text[pos + 1 : pos + 2] in ("+", "-"))
        if after < len(text) and text[after].isdigit():
            return None
        return "Exponent part is missing a number" + _at(text, after)
    return None


def _literal(text: str, pos: int) -> str | None:
    """V8's message for a cut-short ``true``/``false``/``null`` at ``pos``, else None."""
    for word in ("true", "false", "null"):
        if text[pos] != word[0]:
            continue
        for k, expected in enumerate(word):
            if pos + k >= len(text):
                return "Unexpected end of JSON input"
            if text[pos + k] != expected:
                return unexpected_token(text, pos + k)
    return None


def json_syntax_message(text: str, reason: str, pos: int) -> str:
    """What ``JSON.parse`` (node 20) says of ``text``, from Python's ``reason`` and ``pos`` for the
    same fault (`json.JSONDecodeError`'s ``msg`` and ``pos``)."""
    q = _skip(text, pos)
    if reason.startswith("Expecting value"):
        if q >= len(text):
            return "Unexpected end of JSON input"
        if text[q] == "-":
            after = q + 1
            if after >= len(text):
                return "Unexpected end of JSON input"
            return "No number after minus sign" + _at(text, after)
        return _literal(text, q) or unexpected_token(text, q)
    if reason.startswith("Expecting property name"):
        if _before(text, q) == "{":
            return "Expected property name or '}'" + _at(text, q)
        return "Expected double-quoted property name" + _at(text, q)
    if reason.startswith("Expecting ':'"):
        return "Expected ':' after property name" + _at(text, q)
    if reason.startswith("Expecting ','"):
        cut = _number_end(text, q)
        if cut is not None:
            return cut
        if _container(text, q) == "[":
            return "Expected ',' or ']' after array element" + _at(text, q)
        return "Expected ',' or '}' after property value" + _at(text, q)
    if reason.startswith("Unterminated string"):
        return "Unterminated string" + _at(text, len(text))
    if reason.startswith("Invalid control character"):
        return "Bad control character in string literal" + _at(text, pos)
    if reason.startswith("Invalid \\uXXXX"):
        start = text.rfind("\\u", 0, pos + 1) + 2
        bad = next((i for i in range(start, start + 4) if text[i : i + 1] not in _HEX), start)
        return "Bad Unicode escape" + _at(text, bad)
    if reason.startswith("Invalid \\escape"):
        return "Bad escaped character" + _at(text, pos + 1)
    if reason.startswith("Extra data"):
        at = _at(text, q).removeprefix(" in JSON")
        return "Unexpected non-whitespace character after JSON" + at
    return unexpected_token(text, q)


def _unquoted_constant(text: str) -> int | None:
    """Where the first ``NaN``/``Infinity``/``-Infinity`` outside a string starts, if any."""
    for i, _ in _outside_strings(text):
        if text.startswith(("NaN", "Infinity", "-Infinity"), i):
            return i
    return None


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


def raw_schema(spec: Spec, node: Any, depth: int = 0) -> Any:
    """A parameter's schema node with its local ``$ref``s followed (at most 20 in a row), also
    inside ``allOf``/``anyOf``/``oneOf`` and ``items``: PeerTube's ``videoId`` is
    ``{allOf: [{$ref: id}]}``, an integer only once the ``allOf`` entry is read."""
    seen = 0
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#") and seen < 20:
        node = spec.resolve(node["$ref"][1:], {})
        seen += 1
    if not isinstance(node, dict) or depth >= 8:
        return node
    out = dict(node)
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            out[key] = [raw_schema(spec, sub, depth + 1) for sub in node[key]]
    if isinstance(node.get("items"), dict):
        out["items"] = raw_schema(spec, node["items"], depth + 1)
    return out


_SCALAR = {
    "number": "number",
    "integer": "number",
    "boolean": "boolean",
    "null": "null",
    "string": "string",
}
"""A scalar schema type -> the `_json_type` of the values that can be one."""


def param_fits(text: str, schema: Any) -> bool:
    """Whether parameter text could be a value of ``schema`` (its type, ``enum`` and ``pattern``):
    enough to tell where one parameter ends and the next begins in ``{maxLat}.{format}``."""
    if not isinstance(schema, dict):
        return True
    value = coerce_value([text], schema)
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and value not in enum:
        return False
    types = _types_of(schema)
    if (
        types
        and all(t in _SCALAR for t in types)
        and _json_type(value) not in {_SCALAR[t] for t in types}
    ):
        return False
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and isinstance(value, str):
        return _pattern_matches(pattern, value)
    return True


def _pattern_matches(pattern: str, text: str) -> bool:
    from contracttest.errors import PatternError
    from contracttest.schema.ecma import compile_pattern

    try:
        return bool(compile_pattern(pattern).search(text))
    except (PatternError, ValueError, OverflowError, RecursionError):
        return True  # an unreadable pattern tells nothing about the split
