"""Reading payload files: every unusable file is one located finding; positions for JSON and YAML."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from contracttest.findings import Finding, Severity
from contracttest.lint.reading import Payload, read_payload


def _finding(path: Path, **kw: object) -> Finding:
    got = read_payload(path, **kw)  # type: ignore[arg-type]
    assert isinstance(got, Finding), f"expected a finding, got a payload: {got}"
    assert got.severity is Severity.ERROR
    assert got.source == str(path)
    return got


def _payload(path: Path) -> Payload:
    got = read_payload(path)
    assert isinstance(got, Payload), f"expected a payload, got {got}"
    return got


# ------------------------------------------------------------------------------------ bad files
def test_invalid_json_is_a_syntax_finding_at_the_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.json"
    f.write_text('{\n  "provider": "twilio",\n  "number": +1415\n}\n')
    got = _finding(f)
    assert got.rule == "file.syntax"
    assert (got.line, got.column) == (3, 13)


def test_invalid_yaml_is_a_syntax_finding_at_the_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("provider: twilio\nhooks: [\n  - on\n")
    got = _finding(f)
    assert got.rule == "file.syntax"
    assert got.line is not None and got.line >= 2
    assert "YAML" in got.message


def test_binary_file_points_at_the_first_nul_byte(tmp_path: Path) -> None:
    f = tmp_path / "logo.json"
    f.write_bytes(b"\x89PNG\r\n\x1a\nab\x00\x00")
    got = _finding(f)
    assert got.rule == "file.binary"
    assert (got.line, got.column) == (3, 3)


def test_non_utf8_text_points_at_the_bad_byte(tmp_path: Path) -> None:
    f = tmp_path / "latin1.json"
    f.write_bytes('{\n  "name": "Zoë"\n}\n'.encode("latin-1"))
    got = _finding(f)
    assert got.rule == "file.encoding"
    assert (got.line, got.column) == (2, 14)
    assert "0xeb" in got.message


def test_utf16_with_a_bom_is_read(tmp_path: Path) -> None:
    f = tmp_path / "utf16.json"
    f.write_bytes(codecs.BOM_UTF16_LE + '{"provider": "vapi"}'.encode("utf-16-le"))
    assert _payload(f).data == {"provider": "vapi"}


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", b"# only a comment\n---\n"])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "empty.yaml"
    f.write_bytes(content)
    got = _finding(f)
    assert got.rule == "file.empty"
    assert (got.line, got.column) == (1, 1)


def test_huge_files_are_not_read(tmp_path: Path) -> None:
    f = tmp_path / "huge.json"
    f.write_text('{"name": "' + "x" * 2000 + '"}')
    got = _finding(f, max_bytes=1000)
    assert got.rule == "file.too-large"
    assert "1,000-byte cap" in got.message
    assert (got.line, got.column) == (1, 1)


def test_missing_file_and_directory_are_unreadable(tmp_path: Path) -> None:
    assert _finding(tmp_path / "nope.json").rule == "file.unreadable"
    assert "directory" in _finding(tmp_path).message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_permissions(tmp_path: Path) -> None:
    f = tmp_path / "secret.json"
    f.write_text("{}")
    f.chmod(0)
    assert _finding(f).rule == "file.unreadable"


def test_yaml_tags_and_alias_bombs_are_syntax_findings(tmp_path: Path) -> None:
    f = tmp_path / "tag.yaml"
    f.write_text("provider: !!python/object:os.system echo\n")
    assert _finding(f).rule == "file.syntax"
    bomb = tmp_path / "bomb.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    bomb.write_text("\n".join(lines) + "\n")
    assert _finding(bomb).rule == "file.syntax"


# ------------------------------------------------------------------------------------ payloads
def test_yaml_is_read_with_yaml12_scalars(tmp_path: Path) -> None:
    f = tmp_path / "hook.yaml"
    f.write_text("hooks:\n  - on: call.ringing\n    flag: no\n")
    assert _payload(f).data == {"hooks": [{"on": "call.ringing", "flag": "no"}]}


def test_contract_key_is_split_off_the_payload(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text('{"$contract": "POST /phone-number", "provider": "vapi"}')
    got = _payload(f)
    assert got.has_contract
    assert got.contract == "POST /phone-number"
    assert got.data == {"provider": "vapi"}
    assert "$contract" in got.document.data  # the document itself is untouched


JSON_TEXT = """\
{
  "provider": "byo-phone-number",
  "fallbackDestination": {
    "type": "number",
    "number": "4155550100"
  },
  "hooks": [
    {"on": "call.ringing", "do": []}
  ]
}
"""

YAML_TEXT = """\
provider: byo-phone-number
fallbackDestination:
  type: number
  number: "4155550100"
hooks:
  - "on": call.ringing
    do: []
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "p.json",
            JSON_TEXT,
            {
                "/fallbackDestination/number": (5, 15),
                "/hooks/0/do": (8, 34),
                "/fallbackDestination/extension": (3, 26),  # missing: its parent object
                "/hooks/0/missing/deeper": (8, 5),
                "": (1, 1),
            },
        ),
        (
            "p.yaml",
            YAML_TEXT,
            {
                "/fallbackDestination/number": (4, 11),
                "/hooks/0/do": (7, 9),
                "/fallbackDestination/extension": (3, 3),
                "/hooks/0/missing/deeper": (6, 5),
                "": (1, 1),
            },
        ),
    ],
)
def test_positions_of_values_and_of_missing_members(
    tmp_path: Path, name: str, text: str, expected: dict[str, tuple[int, int]]
) -> None:
    f = tmp_path / name
    f.write_text(text)
    payload = _payload(f)
    for pointer, pos in expected.items():
        assert payload.locate(pointer) == pos, pointer


def test_key_positions_for_unknown_properties(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text('{\n  "provider": "vapi",\n  "colour":   "red"\n}\n')
    payload = _payload(f)
    assert payload.locate("/colour", key=True) == (3, 3)
    assert payload.locate("/colour") == (3, 15)
