"""Request parsing for the mock: every bad body is a clean 4xx, query text becomes typed values."""

from __future__ import annotations

import asyncio
import json
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
        (b'{"a":', "Unexpected end of JSON input"),
        (b" ", "Unexpected end of JSON input"),
        (b'{"a": NaN}', 'Unexpected token \'N\', "{"a": NaN}" is not valid JSON'),
        (b'{"a": -Infinity}', "No number after minus sign in JSON at position 7"),
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
    # One message about the body as a whole, as body-parser answers (no field to name)
    assert isinstance(info.value.body["message"], str)
    assert fragment in info.value.body["message"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Each pair as the NestJS reference server (node 20.20.2, body-parser 2.4.0) answers it;
        # tests/reference/test_mock_body_parser.py compares a longer list with the running server.
        ("{", "Expected property name or '}' in JSON at position 1"),
        ('{"a":1,}', "Expected double-quoted property name in JSON at position 7"),
        ('{"a" 1}', "Expected ':' after property name in JSON at position 5"),
        ('{"a": 1 "b": 2}', "Expected ',' or '}' after property value in JSON at position 8"),
        ("[1 2]", "Expected ',' or ']' after array element in JSON at position 3"),
        ('{"a":1} x', "Unexpected non-whitespace character after JSON at position 8"),
        ('{"a": "x', "Unterminated string in JSON at position 8"),
        ('{"a": 01}', "Unexpected number in JSON at position 7"),
        ('{"a": 1.}', "Unterminated fractional number in JSON at position 8"),
        ('{"a": 1e+}', "Exponent part is missing a number in JSON at position 9"),
        ('{"a": "\\q"}', "Bad escaped character in JSON at position 8"),
        ('{"a": "\\u12G4"}', "Bad Unicode escape in JSON at position 11"),
        ('{"a": tru}', 'Unexpected token \'}\', "{"a": tru}" is not valid JSON'),
        # positions count UTF-16 units, as JavaScript does
        ('{"a": "\U0001f600", x}', "Expected double-quoted property name in JSON at position 12"),
        # long texts are quoted around the token only
        (
            '{"n": x, "name": "abcdefghijklmnop"}',
            'Unexpected token \'x\', "{"n": x, "name":"... is not valid JSON',
        ),
        (
            '{"name": "abcdefghijklmnopqrstuvwxyz", "x": y, "zzzzzzzzzzzzzzzzzzz": 1}',
            'Unexpected token \'y\', ..."yz", "x": y, "zzzzzz"... is not valid JSON',
        ),
    ],
)
def test_syntax_errors_read_as_json_parse_words_them(text: str, message: str) -> None:
    with pytest.raises(HTTPProblem) as info:
        parse_json_body(text.encode(), None, 64)
    assert info.value.body["message"] == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1", "Unexpected token '1', \"1\" is not valid JSON"),
        ('"abc"', 'Unexpected token \'"\', ""abc"" is not valid JSON'),
        ("  null", "Unexpected token 'n', \"  null\" is not valid JSON"),
        ("nul", "Unexpected token 'n', \"nul\" is not valid JSON"),
    ],
)
def test_strict_mode_takes_only_objects_and_arrays(text: str, message: str) -> None:
    with pytest.raises(HTTPProblem) as info:
        parse_json_body(text.encode(), None, 64, strict=True)
    assert info.value.body["message"] == message
    # without it (a spec whose server is not NestJS's), a JSON scalar is a body
    if text != "nul":
        assert parse_json_body(text.encode(), None, 64) == json.loads(text)


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
        # body-parser's 413 as NestJS answers it: no "error" member, no detail
        assert info.value.body == {"statusCode": 413, "message": "request entity too large"}
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


def test_parameter_schemas_are_read_through_refs_inside_combinators() -> None:
    from contracttest.mock.parsing import raw_schema
    from contracttest.openapi.model import Spec

    # PeerTube: videoId is {allOf: [{$ref: id}]} and id is an integer
    spec = Spec(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "id": {"type": "integer", "minimum": 1},
                    "Video": {
                        "properties": {"id": {"allOf": [{"$ref": "#/components/schemas/id"}]}}
                    },
                }
            },
        },
        source="<test>",
        sha256="0",
    )
    video_id = raw_schema(spec, {"$ref": "#/components/schemas/Video/properties/id"})
    assert coerce_value(["7"], video_id) == 7
    ids = raw_schema(
        spec, {"type": "array", "items": {"$ref": "#/components/schemas/Video/properties/id"}}
    )
    assert coerce_value(["1", "2"], ids) == [1, 2]
