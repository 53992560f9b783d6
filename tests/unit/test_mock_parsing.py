"""Request parsing for the mock: every bad body is a clean 4xx, query text becomes typed values."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from contracttest.mock.parsing import (
    HTTPProblem,
    coerce_value,
    json_depth_exceeds,
    media_type_of,
    parse_json_body,
    read_capped,
)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b'{"a":', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b'{"a": -Infinity}', "-Infinity is not valid JSON"),
        (b'{"a": 1e999}', "out of range"),
        (b'{"a": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (b'{"a": "\xff"}', "not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nests deeper"),
        (b"[" * 65 + b"]" * 65, "nests deeper than 64"),
        (b'{"a": {"b": ' * 40 + b"1" + b"}}" * 40, "nests deeper"),
    ],
)
def test_bad_json_bodies_are_400(raw: bytes, fragment: str) -> None:
    with pytest.raises(HTTPProblem) as info:
        parse_json_body(raw, None, 64)
    assert info.value.status == 400
    assert info.value.body["statusCode"] == 400
    assert info.value.body["error"] == "Bad Request"
    assert any(fragment in m for m in info.value.body["message"])


def test_good_json_bodies() -> None:
    assert parse_json_body(b'\xef\xbb\xbf{"a": [1, 2.5, "\\ud800"]}', "utf-8", 64) == {
        "a": [1, 2.5, "\ud800"]
    }
    assert parse_json_body(b"[" * 64 + b"]" * 64, None, 64) is not None


def test_other_charsets_are_415() -> None:
    with pytest.raises(HTTPProblem) as info:
        parse_json_body(b"{}", "iso-8859-1", 64)
    assert info.value.status == 415


def test_depth_check_is_iterative() -> None:
    value: Any = 1
    for _ in range(5000):
        value = [value]
    assert json_depth_exceeds(value, 64)
    assert not json_depth_exceeds({"a": [{"b": 1}]}, 3)
    assert json_depth_exceeds({"a": [{"b": 1}]}, 2)


async def _chunks(parts: list[bytes]) -> AsyncIterator[bytes]:
    for p in parts:
        yield p


def test_read_capped() -> None:
    assert asyncio.run(read_capped(_chunks([b"ab", b"cd"]), "4", 4)) == b"abcd"
    for declared, parts in [("5", [b"abcde"]), (None, [b"ab", b"cd", b"e"])]:
        with pytest.raises(HTTPProblem) as info:
            asyncio.run(read_capped(_chunks(parts), declared, 4))
        assert info.value.status == 413
        assert set(info.value.body) == {"statusCode", "message"}  # NestJS's 413 has no "error"
    with pytest.raises(HTTPProblem) as info:
        asyncio.run(read_capped(_chunks([]), "abc", 4))
    assert info.value.status == 400


def test_media_type_of() -> None:
    assert media_type_of("Application/JSON; charset=UTF-8") == (
        "application/json",
        {"charset": "utf-8"},
    )
    assert media_type_of(None) == ("", {})


@pytest.mark.parametrize(
    ("values", "schema", "expected"),
    [
        (["5"], {"type": "number"}, 5),
        (["2.5"], {"type": "number"}, 2.5),
        (["-0"], {"type": "integer"}, 0),
        (["1e3"], {"type": "number"}, 1000.0),
        (["abc"], {"type": "number"}, "abc"),
        (["NaN"], {"type": "number"}, "NaN"),
        (["Infinity"], {"type": "number"}, "Infinity"),
        (["1e999"], {"type": "number"}, "1e999"),
        (["2.5"], {"type": "integer"}, "2.5"),
        (["true"], {"type": "boolean"}, True),
        (["yes"], {"type": "boolean"}, "yes"),
        (["a", "b"], {"type": "string"}, ["a", "b"]),
        (["a", "b"], {"type": "array", "items": {"type": "string"}}, ["a", "b"]),
        (["1,2"], {"type": "array", "items": {"type": "integer"}}, [1, 2]),
        (["x"], {}, "x"),
        (["7"], {"oneOf": [{"type": "integer"}, {"type": "string"}]}, 7),
        (["ASC"], {"enum": ["ASC", "DESC"]}, "ASC"),
    ],
)
def test_coerce_value(values: list[str], schema: dict[str, Any], expected: Any) -> None:
    explode = not (len(values) == 1 and "," in values[0])
    assert coerce_value(values, schema, explode=explode) == expected
