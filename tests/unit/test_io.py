"""contracttest._io: reading files and URLs, JSON/YAML parsing rules, positions."""

from __future__ import annotations

import codecs
import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracttest import _io
from contracttest._io import load_document, parse_document, parse_pointer, read_text
from contracttest.errors import SourceError, UsageError

REPO = Path(__file__).resolve().parents[2]
SEED_SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"


def codecs_bom(codec: str) -> bytes:
    return "\ufeff".encode(codec)


def _err(text: str, source: str = "doc.yaml", **kw: Any) -> SourceError:
    with pytest.raises(SourceError) as info:
        parse_document(text, source, **kw)
    return info.value


# --------------------------------------------------------------------------------------------------
# Files


def test_read_text_file_and_display_name(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": "\xc3\xa9"}')  # BOM + UTF-8
    text, name = read_text(path)
    assert text == '{"a": "é"}'
    assert name == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file") as info:
        read_text(tmp_path / "nope.yaml")
    assert info.value.source == str(tmp_path / "nope.yaml")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is a directory"):
        read_text(tmp_path)


def test_not_utf8_names_byte_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(SourceError, match="not valid UTF-8 at byte offset 11") as info:
        read_text(path)
    assert (info.value.line, info.value.column) == (2, 7)


def test_size_cap_on_files(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text("[" + "1," * 100 + "1]")
    with pytest.raises(SourceError, match=r"too large.*limit is 50 bytes"):
        read_text(path, max_bytes=50)
    assert read_text(path, max_bytes=1000)[0].startswith("[1,")


def test_unsupported_scheme() -> None:
    with pytest.raises(SourceError, match="unsupported URL scheme 'ftp'"):
        read_text("ftp://example.com/spec.yaml")


def test_load_document_seed_spec() -> None:
    doc = load_document(SEED_SPEC)
    assert doc.fmt == "yaml"
    assert doc.data["openapi"] == "3.0.0"
    assert "/phone-number" in doc.data["paths"]
    assert len(doc.sha256) == 64


# --------------------------------------------------------------------------------------------------
# Format detection


@pytest.mark.parametrize(
    ("source", "text", "fmt"),
    [
        ("x.json", '{"a": 1}', "json"),
        ("x.yaml", '{"a": 1}', "yaml"),
        ("x.YML", "a: 1", "yaml"),
        ("x", " \n [1, 2]", "json"),
        ("x", "{a: 1}", "yaml"),  # flow YAML falls back after JSON fails
        ("x", "a: 1", "yaml"),
        ("https://h/x.json?token=1", "[1]", "json"),
    ],
)
def test_format_detection(source: str, text: str, fmt: str) -> None:
    assert parse_document(text, source).fmt == fmt


def test_explicit_format_and_unknown_format() -> None:
    assert parse_document("[1]", "x.yaml", fmt="json").fmt == "json"
    with pytest.raises(UsageError, match="unknown document format 'xml'"):
        parse_document("<a/>", "x", fmt="xml")


def test_bracketed_non_json_reports_the_json_error() -> None:
    err = _err('{"a": 1,, }', "x")
    assert "invalid JSON" in str(err)


def test_sha256_is_of_utf8_text() -> None:
    import hashlib

    doc = parse_document('{"é": 1}', "x.json")
    assert doc.sha256 == hashlib.sha256('{"é": 1}'.encode()).hexdigest()


# --------------------------------------------------------------------------------------------------
# JSON


def test_json_syntax_error_has_line_and_column() -> None:
    err = _err('{\n  "a": 1,\n  "b": }\n', "x.json")
    assert (err.source, err.line, err.column) == ("x.json", 3, 8)
    assert "invalid JSON: Expecting value" in str(err)
    assert str(err).startswith("x.json:3:8: ")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_numbers_rejected(literal: str) -> None:
    err = _err(f'{{"s": "NaN", "a": [1, {literal}]}}', "x.json")
    assert f"{literal} is not a JSON number" in str(err)
    assert (err.line, err.column) == (1, 23)


@pytest.mark.parametrize("levels", [_io.MAX_DEPTH + 1, 600, 100_000])
def test_json_too_deep_is_a_source_error_at_its_place(levels: int) -> None:
    # Past the cap, whether or not json.loads itself gives up (it does near 1000 levels).
    err = _err('{"a": ' + "[" * levels + "]" * levels + "}", "x.json")
    assert f"nested more than {_io.MAX_DEPTH} levels deep" in str(err)
    assert (err.line, err.column) == (1, 6 + _io.MAX_DEPTH)


def test_json_at_the_depth_cap_parses() -> None:
    levels = _io.MAX_DEPTH
    assert parse_document("[" * levels + "]" * levels, "x.json").data == _nested_lists(levels)


def _nested_lists(levels: int) -> object:
    value: list[object] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_check_depth_is_iterative_and_names_the_place() -> None:
    deep: object = 1
    for _ in range(50_000):
        deep = {"a/b": [deep]}
    pointer = _io.check_depth(deep, 3)
    assert pointer == "/a~1b/0/a~1b"
    assert _io.check_depth({"a": [1, {"b": 2}]}, 3) is None


@pytest.mark.parametrize(
    ("text", "source", "where"),
    [
        ('{"n": 1e400}', "x.json", (1, 7)),
        ('{"n": [-1e400]}', "x.json", (1, 8)),
        ('{"n": ' + "9" * 5000 + "}", "x.json", (1, 7)),
        ("n: 1e400\n", "x.yaml", (1, 4)),
        ("n: !!float 2e308\n", "x.yaml", (1, 4)),
        ("a: 1\nn: " + "9" * 5000 + "\n", "x.yaml", (2, 4)),
        ("n: 0x" + "f" * 5000 + "\n", "x.yaml", (1, 4)),
    ],
)
def test_numbers_no_reader_can_hold_are_errors_not_infinity(
    text: str, source: str, where: tuple[int, int]
) -> None:
    err = _err(text, source)
    assert (err.line, err.column) == where
    assert "Infinity" in str(err) or "digits" in str(err)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"name": "x",}', "invalid JSON"),
        ('{"name": "x" /* c */}', "invalid JSON"),
        ('{name: "x"}', "invalid JSON"),
        ('["a",]', "invalid JSON"),
    ],
)
def test_sniffed_broken_json_is_not_reread_as_yaml(text: str, words: str) -> None:
    err = _err(text, "<stdin>")
    assert words in str(err) and ".yaml" in str(err)
    assert err.line == 1


def test_quote_less_flow_yaml_is_still_yaml() -> None:
    assert parse_document("{a: 1, b: [x, y]}", "<stdin>").data == {"a": 1, "b": ["x", "y"]}


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ('{"a": "é"}'.encode("utf-16"), '{"a": "é"}'),
        (b"\xef\xbb\xbf" + b'{"a": 1}', '{"a": 1}'),
        (codecs_bom("utf-32-le") + '{"a": 1}'.encode("utf-32-le"), '{"a": 1}'),
        (codecs_bom("utf-16-be") + '{"a": 1}'.encode("utf-16-be"), '{"a": 1}'),
    ],
)
def test_decode_honours_byte_order_marks(data: bytes, text: str) -> None:
    assert _io.decode(data, "x") == text


@pytest.mark.parametrize(
    ("data", "rule", "where"),
    [
        (b'{"a":\n "\x00"}', "file.binary", (2, 3)),
        (b'{"a":\n "caf\xe9"}', "file.encoding", (2, 6)),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "file.encoding", (None, None)),
    ],
)
def test_decode_errors_name_the_kind_and_place(
    data: bytes, rule: str, where: tuple[int | None, int | None]
) -> None:
    with pytest.raises(_io.ReadError) as info:
        _io.decode(data, "p.json")
    assert info.value.rule == rule
    assert (info.value.line, info.value.column) == where


def test_read_bytes_never_blocks_on_a_fifo_without_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(_io.ReadError, match="named pipe"):
        _io.read_bytes(fifo, timeout=5)
    assert time.perf_counter() - start < 2


def test_read_bytes_reads_a_pipe_with_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as fh:
            fh.write(b'{"a": 1}')

    import threading

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.05)
    try:
        assert _io.read_bytes(fifo, timeout=5) in (b'{"a": 1}',)
    finally:
        writer.join(5)


def test_read_bytes_caps_devices_and_refuses_them_when_asked() -> None:
    with pytest.raises(_io.ReadError, match="too large"):
        _io.read_bytes("/dev/zero", max_bytes=1000)
    with pytest.raises(_io.ReadError, match="character device, not a regular file"):
        _io.read_bytes("/dev/zero", regular_only=True)


def test_read_stream_caps_standard_input() -> None:
    import io

    assert _io.read_stream(io.BytesIO(b"x" * 10), max_bytes=10) == b"x" * 10
    # one byte past the cap says "over"; the rest of a huge stream is never read
    stream = io.BytesIO(b"x" * 10_000_000)
    assert _io.read_stream(stream, max_bytes=10) == b"x" * 11
    assert stream.tell() < 2_000_000
    assert _io.read_stream(io.StringIO("é"), max_bytes=10) == "é".encode()


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000/x", True),
        ("http://127.8.9.10/x", True),
        ("http://localhost/x", True),
        ("http://[::1]:80/", True),
        ("https://api.vapi.ai/x", False),
        ("http://10.0.0.1/x", False),
    ],
)
def test_is_loopback_url(url: str, loopback: bool) -> None:
    assert _io.is_loopback_url(url) is loopback


# --------------------------------------------------------------------------------------------------
# YAML scalars (1.2 core schema)


def test_yaml_core_schema_scalars() -> None:
    text = """\
on: yes
off: no
y: n
t: [true, True, TRUE, false, False, FALSE]
nulls: [null, Null, NULL, ~, !!null '']
empty:
ints: [0, -7, +3, 0123, 0o17, 0x1F]
floats: [1.5, -0.5e3, .5, 1., 1e3]
strings: [0o8, 0x, 2024-01-01, 1:30, "true", '1', 1_000, .inf-ish]
tagged: [!!str 12, !!int "12", !!float 3, !!bool "false", !!null "", ! 7]
"""
    data = parse_document(text, "x.yaml").data
    assert data["on"] == "yes"
    assert data["off"] == "no"
    assert data["y"] == "n"
    assert data["t"] == [True, True, True, False, False, False]
    assert data["nulls"] == [None, None, None, None, None]
    assert data["empty"] is None
    assert data["ints"] == [0, -7, 3, 123, 15, 31]
    assert all(type(v) is int for v in data["ints"])
    assert data["floats"] == [1.5, -500.0, 0.5, 1.0, 1000.0]
    assert all(type(v) is float for v in data["floats"])
    assert data["strings"] == ["0o8", "0x", "2024-01-01", "1:30", "true", "1", "1_000", ".inf-ish"]
    assert data["tagged"] == ["12", 12, 3.0, False, None, "7"]


def test_vapi_hook_on_key_stays_a_string() -> None:
    text = "hooks:\n- on: call.ending\n  filters: [{type: oneOf, key: x, oneOf: [a]}]\n"
    data = parse_document(text, "x.yaml").data
    assert data == {
        "hooks": [{"on": "call.ending", "filters": [{"type": "oneOf", "key": "x", "oneOf": ["a"]}]}]
    }


def test_scalar_keys_become_their_source_text() -> None:
    data = parse_document("200: ok\n1.50: a\ntrue: b\n~: c\n0x1F: d\n", "x.yaml").data
    assert data == {"200": "ok", "1.50": "a", "true": "b", "~": "c", "0x1F": "d"}
    assert all(isinstance(k, str) for k in data)


@pytest.mark.parametrize("value", [".inf", "-.Inf", ".NaN", "!!float .nan"])
def test_yaml_infinity_and_nan_rejected(value: str) -> None:
    err = _err(f"a: {value}\n")
    assert "cannot be represented in JSON" in str(err)
    assert (err.line, err.column) == (1, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!int x\n", "'x' is not an integer"),
        ("a: !!bool yes\n", "'yes' is not true or false"),
        ("a: !!float abc\n", "'abc' is not a number"),
        ("a: !!null x\n", "'x' is not null"),
    ],
)
def test_yaml_bad_explicit_core_tags(text: str, message: str) -> None:
    assert message in str(_err(text))


# --------------------------------------------------------------------------------------------------
# YAML safety and structure


@pytest.mark.parametrize(
    ("text", "shown", "where"),
    [
        (
            "a: !!python/object/apply:os.system [echo hi]\n",
            "!!python/object/apply:os.system",
            (1, 4),
        ),
        ("a:\n  b: !custom x\n", "!custom", (2, 6)),
        ("a: !!set {x}\n", "!!set", (1, 4)),
        ("a: !!binary aGk=\n", "!!binary", (1, 4)),
        ("a: !!timestamp 2024-01-01\n", "!!timestamp", (1, 4)),
        ("? !!python/name:os.system k\n: v\n", "!!python/name:os.system", (1, 3)),
    ],
)
def test_tags_rejected_with_position(text: str, shown: str, where: tuple[int, int]) -> None:
    err = _err(text)
    assert f"unsupported tag {shown!r}" in str(err)
    assert (err.line, err.column) == where


def test_billion_laughs_fails_fast() -> None:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, 10):
        refs = ", ".join([f"*lol{i - 1}"] * 10)
        lines.append(f"lol{i}: &lol{i} [{refs}]")
    text = "\n".join(lines) + "\n"
    err = _err(text, "laughs.yaml")
    # The cap answers at 100,000 expanded nodes, not after the 10**9 the document asks for.
    assert "aliases expand to more than 100000 nodes" in str(err)
    assert err.source == "laughs.yaml"
    assert err.line is not None


def test_alias_cap_is_configurable_and_aliases_are_copies() -> None:
    text = "a: &x {k: [1, 2]}\nb: *x\nc: *x\n"
    # x is 5 nodes (mapping, key, list, 2 items); two aliases produce 10
    data = _io._parse_yaml(text, "x.yaml", max_alias_nodes=10)
    assert data["b"] == data["c"] == {"k": [1, 2]}
    assert data["b"] is not data["a"]
    assert data["b"]["k"] is not data["c"]["k"]
    with pytest.raises(SourceError, match="more than 9 nodes") as info:
        _io._parse_yaml(text, "x.yaml", max_alias_nodes=9)
    assert (info.value.line, info.value.column) == (3, 4)


def test_many_aliases_of_a_scalar_hit_the_cap() -> None:
    text = "a: &s x\nb: [" + ", ".join(["*s"] * 100_001) + "]\n"
    assert "aliases expand" in str(_err(text))


def test_recursive_and_undefined_aliases() -> None:
    assert "recursive alias *r" in str(_err("a: &r\n  b: *r\n"))
    err = _err("a: *nope\n")
    assert "undefined alias" in str(err) or "found undefined alias" in str(err)
    assert err.line == 1


def test_nesting_depth_capped_quickly() -> None:
    start = time.perf_counter()
    err = _err("[" * 200_000 + "]" * 200_000)
    # Which parser layer answers first depends on the PyYAML release (6.0.4 caps nesting in its own
    # scanner, before our cap sees the events): what a user relies on is an error about nesting
    # that names the file, line and column, quickly.
    assert err.source == "doc.yaml"
    assert err.line == 1 and err.column is not None and err.column > _io.MAX_DEPTH
    assert "nest" in str(err).lower()
    assert time.perf_counter() - start < 1.0
    ok = "[" * _io.MAX_DEPTH + "]" * _io.MAX_DEPTH
    assert parse_document(ok, "x.yaml").data is not None


def test_duplicate_keys_name_both_lines() -> None:
    err = _err("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert "duplicate key 'c' (first defined at line 3, column 3)" in str(err)
    assert (err.line, err.column) == (4, 3)
    # keys that differ only in how they are written are still the same JSON key
    assert "duplicate key '200'" in str(_err("200: a\n'200': b\n"))


def test_json_duplicate_keys_rejected_like_yaml() -> None:
    # json.loads would keep the last value silently; a server may keep either
    text = '{"x": {"a": 1, "b": [{"a": 1}, {"a": 2}]},\n  "y": {"k": 1,\n "k\\u0000": 0, "k": 2}}'
    err = _err(text, "p.json")
    assert "duplicate key 'k' (first defined at line 2, column 9)" in str(err)
    assert (err.source, err.line, err.column) == ("p.json", 3, 16)
    # the same key in sibling or nested objects is fine
    assert parse_document('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}', "q.json").data["a"] == {
        "a": 1
    }
    # an escaped spelling is the same key
    assert "duplicate key 'ab'" in str(_err('{"ab": 1, "a\\u0062": 2}', "r.json"))


def test_collection_keys_rejected() -> None:
    err = _err("? [a, b]\n: 1\n")
    assert "mapping keys must be scalars" in str(err)
    assert err.line == 1


def test_merge_keys() -> None:
    text = "base: &b {x: 1, y: 2}\nmore: &m {z: 3, x: 9}\nd:\n  <<: [*b, *m]\n  y: 5\n"
    data = parse_document(text, "x.yaml").data
    assert data["d"] == {"x": 1, "y": 5, "z": 3}
    # a quoted '<<' is an ordinary key
    assert parse_document("'<<': 1\n", "x.yaml").data == {"<<": 1}
    assert "merge key needs a mapping" in str(_err("a:\n  <<: 3\n"))


def test_multiple_documents_rejected() -> None:
    err = _err("a: 1\n---\nb: 2\n")
    assert "expected exactly one YAML document" in str(err)
    assert err.line == 2


def test_empty_yaml_rejected_but_explicit_null_accepted() -> None:
    assert "empty document" in str(_err("# just a comment\n"))
    assert parse_document("null\n", "x.yaml").data is None


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: [1, 2\nb: 3\n", (2, 2), "expected ',' or ']'"),
        ("a:\n  b: 1\n c: 2\n", (3, 2), "did not find expected key"),
        ("a: 'x\n", (2, 1), "found unexpected end of stream"),
        ("a:\n\tb: 1\n", (2, 1), "tabs cannot be used for indentation"),
        ("a: 1\n\x01\n", (2, 1), "control characters are not allowed"),
    ],
)
def test_yaml_syntax_errors(text: str, where: tuple[int, int], words: str) -> None:
    err = _err(text, "bad.yaml")
    assert err.source == "bad.yaml"
    assert (err.line, err.column) == where, str(err)
    assert words in str(err)
    assert str(err).startswith(f"bad.yaml:{where[0]}:{where[1]}: invalid YAML: ")


def test_pure_python_parser_gives_the_same_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    text = SEED_SPEC.read_text(encoding="utf-8")
    fast = parse_document(text, "seed.yaml")
    monkeypatch.setattr(_io, "_yaml_loader_class", lambda: yaml.BaseLoader)
    slow = parse_document(text, "seed.yaml")
    assert slow.data == fast.data
    pointer = "/components/schemas/TransferDestinationNumber/properties/number"
    assert slow.positions.locate(pointer) == fast.positions.locate(pointer)
    err = _err("a: !!python/object x\n")
    assert (err.line, err.column) == (1, 4)


def test_seed_spec_matches_pyyaml_safe_load_where_rules_agree() -> None:
    """Our loader differs from PyYAML (YAML 1.1) only on keys and 1.1-only scalars."""
    import yaml

    text = SEED_SPEC.read_text(encoding="utf-8")
    ours = parse_document(text, "seed.yaml").data
    theirs = yaml.safe_load(text)
    # PyYAML turns response codes into int keys; JSON round-trip makes them strings.
    assert ours == json.loads(json.dumps(theirs))


# --------------------------------------------------------------------------------------------------
# Pointers and positions


def test_parse_pointer() -> None:
    assert parse_pointer("") == []
    assert parse_pointer("/a~1b/~01/") == ["a/b", "~1", ""]
    with pytest.raises(UsageError, match="must be empty or start with '/'"):
        parse_pointer("a/b")
    assert _io.escape_pointer_segment("a/~b") == "a~1~0b"


JSON_DOC = """{
  "a": [10, {"b/c": "x", "t~": [true, null]}],
  "é": {"ü": -1.5e3},
  "esc\\"aped": "v",
  "uni\\u00e9": 0,
  "": {"": []}
}
"""


@pytest.mark.parametrize(
    ("pointer", "value", "key"),
    [
        ("", (1, 1), None),
        ("/a", (2, 8), (2, 3)),
        ("/a/0", (2, 9), None),
        ("/a/1", (2, 13), None),
        ("/a/1/b~1c", (2, 21), (2, 14)),
        ("/a/1/t~0", (2, 32), (2, 26)),
        ("/a/1/t~0/1", (2, 39), None),
        ("/é", (3, 8), (3, 3)),
        ("/é/ü", (3, 14), (3, 9)),
        ('/esc"aped', (4, 16), (4, 3)),
        ("/unié", (5, 16), (5, 3)),
        ("/", (6, 7), (6, 3)),
        ("//", (6, 12), (6, 8)),
    ],
)
def test_json_positions(pointer: str, value: tuple[int, int], key: tuple[int, int] | None) -> None:
    doc = parse_document(JSON_DOC, "x.json")
    assert doc.positions.locate(pointer) == value
    assert doc.positions.locate_key(pointer) == key


@pytest.mark.parametrize("pointer", ["/zz", "/a/2", "/a/01", "/a/-", "/a/0/x", "/é/ü/0"])
def test_json_positions_missing(pointer: str) -> None:
    doc = parse_document(JSON_DOC, "x.json")
    assert doc.positions.locate(pointer) is None
    assert doc.positions.locate_key(pointer) is None


YAML_DOC = """\
# comment
a:
  - 10
  - b/c: x
    "t~": [true, null]
é:
  ü: -1.5e3
base: &b
  k: 1
m:
  <<: *b
  own: 2
on: "é"
200:
  description: ok
"""


@pytest.mark.parametrize(
    ("pointer", "value", "key"),
    [
        ("/a", (3, 3), (2, 1)),
        ("/a/0", (3, 5), None),
        ("/a/1/b~1c", (4, 10), (4, 5)),
        ("/a/1/t~0", (5, 11), (5, 5)),
        ("/a/1/t~0/1", (5, 18), None),
        ("/é/ü", (7, 6), (7, 3)),
        ("/m/k", (9, 6), (9, 3)),  # through a merge key: where the merged value is written
        ("/m/own", (12, 8), (12, 3)),
        ("/on", (13, 5), (13, 1)),
        ("/200/description", (15, 16), (15, 3)),
    ],
)
def test_yaml_positions(pointer: str, value: tuple[int, int], key: tuple[int, int] | None) -> None:
    doc = parse_document(YAML_DOC, "x.yaml")
    assert doc.positions.locate(pointer) == value
    assert doc.positions.locate_key(pointer) == key


def test_positions_are_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = _io._scan_json
    monkeypatch.setattr(_io, "_scan_json", lambda text: calls.append("scan") or real(text))
    doc = parse_document('{"a": 1}', "x.json")
    assert calls == []
    assert doc.positions.locate("/a") == (1, 7)
    assert doc.positions.locate("/a") == (1, 7)
    assert calls == ["scan"]


def test_positions_in_seed_spec_point_at_the_text() -> None:
    doc = load_document(SEED_SPEC)
    lines = doc.text.splitlines()
    line, col = doc.positions.locate_key("/paths/~1phone-number/post")  # type: ignore[misc]
    assert lines[line - 1][col - 1 :].startswith("post:")
    line, col = doc.positions.locate("/paths/~1phone-number/post/operationId")  # type: ignore[misc]
    assert lines[line - 1][col - 1 :] == "PhoneNumberController_create"


def test_json_positions_handle_crlf_and_whitespace() -> None:
    doc = parse_document('{\r\n\t"a" :\r\n  [ 1 ,\r\n 2 ] }', "x.json")
    assert doc.positions.locate("/a") == (3, 3)
    assert doc.positions.locate("/a/1") == (4, 2)
    assert doc.positions.locate_key("/a") == (2, 2)


# --------------------------------------------------------------------------------------------------
# URLs (a real HTTP server on 127.0.0.1)


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, *, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/ok.json":
            self._send(200, b'{"openapi": "3.0.0"}')
        elif self.path == "/spec":  # no extension: format sniffed from content
            self._send(200, b"openapi: 3.0.0\non: yes\n")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok.json")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/big-declared":
            self._send(200, b"[" + b"1," * 5000 + b"1]")
        elif self.path == "/big-streamed":
            self.protocol_version = "HTTP/1.0"
            self._send(200, b"[" + b"1," * 5000 + b"1]", length=False)
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, b"{}")
        elif self.path == "/latin1":
            self._send(200, b'{"a": "caf\xe9"}')
        else:
            self._send(404, b'{"error": "not found"}')


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.network
def test_url_ok(server: str) -> None:
    doc = load_document(f"{server}/ok.json")
    assert doc.data == {"openapi": "3.0.0"}
    assert doc.fmt == "json"
    assert doc.source == f"{server}/ok.json"


@pytest.mark.network
def test_url_sniffed_yaml_and_redirect(server: str) -> None:
    assert load_document(f"{server}/spec").data == {"openapi": "3.0.0", "on": "yes"}
    assert load_document(f"{server}/redirect").data == {"openapi": "3.0.0"}


@pytest.mark.network
def test_url_404(server: str) -> None:
    with pytest.raises(SourceError, match="HTTP 404 Not Found; expected a 2xx response") as info:
        read_text(f"{server}/missing.yaml")
    assert info.value.source == f"{server}/missing.yaml"


@pytest.mark.network
@pytest.mark.parametrize("path", ["/big-declared", "/big-streamed"])
def test_url_too_large(server: str, path: str) -> None:
    with pytest.raises(SourceError, match=r"too large.*limit is 1000 bytes"):
        read_text(f"{server}{path}", max_bytes=1000)
    assert len(read_text(f"{server}{path}", max_bytes=100_000)[0]) == 10_003


@pytest.mark.network
def test_url_timeout(server: str) -> None:
    start = time.perf_counter()
    with pytest.raises(SourceError, match=r"timed out after 0\.3 s"):
        read_text(f"{server}/slow", timeout=0.3)
    assert time.perf_counter() - start < 1.5


@pytest.mark.network
def test_url_not_utf8(server: str) -> None:
    with pytest.raises(SourceError, match="not valid UTF-8 at byte offset 10"):
        read_text(f"{server}/latin1")


@pytest.mark.network
def test_url_connection_refused_and_credentials_hidden() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SourceError, match="cannot fetch") as info:
        read_text(f"http://user:hunter2@127.0.0.1:{port}/x.json", timeout=2)
    assert "hunter2" not in str(info.value)
    assert info.value.source == f"http://127.0.0.1:{port}/x.json"


@pytest.mark.parametrize(
    "text",
    ["{}", "[]", ' { "a" : [1, 2], "b": {"c": null} } ', '[1, "x", {"y": 2}]', "5", '"s"'],
)
def test_loads_incremental_reads_what_json_reads(text: str) -> None:
    assert _io.loads_incremental(text) == json.loads(text)


@pytest.mark.parametrize(
    "text", ['{"a": 1,}', "{a: 1}", "[1 2]", '{"a" 1}', '{"a": 1} x', "[1,]", "{", "["]
)
def test_loads_incremental_fails_where_json_fails(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as ours:
        _io.loads_incremental(text)
    with pytest.raises(json.JSONDecodeError) as stdlib:
        json.loads(text)
    assert (ours.value.msg, ours.value.pos) == (stdlib.value.msg, stdlib.value.pos)
