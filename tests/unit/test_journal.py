"""contracttest.runner.journal: records complete or ignored, damaged lines reported and never written onto."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracttest.errors import SourceError
from contracttest.runner.journal import (
    Journal,
    compact,
    damaged_path,
    read_journal,
    read_pending,
)


def _created(journal: Journal, rid: str) -> None:
    journal.record_created(
        base_url="http://127.0.0.1:9",
        operation="op",
        resource_id=rid,
        delete_method="DELETE",
        delete_path=f"/r/{rid}",
        credential=0,
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"event": "created", "entry": "x:1", "reso', "torn record"),
        (b"hello, not a record", "not JSON"),
        (b"[1, 2, 3]", "JSON list"),
        (b'{"event": "created", "entry": "x:1"}', "without base_url"),
        (
            b'{"event": "created", "entry": 1, "run": "r", "base_url": "u", "operation": "o", '
            b'"resource_id": "i", "delete_method": "D", "delete_path": "/p", "credential": 0, '
            b'"created_at": "t"}',
            "wrong type for entry",
        ),
        (b'{"event": "exploded"}', "event 'exploded'"),
        (b'{"note": "\xff\xfe"}', "not UTF-8"),
    ],
)
def test_damaged_lines_are_skipped_and_reported(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path, "r")
    _created(journal, "a")
    with path.open("ab") as fh:
        fh.write(line + (b"" if reason == "torn record" else b"\n"))
    if reason != "torn record":
        _created(Journal(path, "r2", accept_damaged=True), "b")
    state = read_journal(path)
    assert [e.resource_id for e in state.pending] == (
        ["a"] if reason == "torn record" else ["a", "b"]
    )
    (damaged,) = state.damaged
    assert damaged.line == 2
    assert reason in damaged.reason


def test_an_append_never_lands_on_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    _created(Journal(path, "r"), "a")
    torn = b'{"event": "created", "entry": "r:2", "resour'
    with path.open("ab") as fh:
        fh.write(torn)
    _created(Journal(path, "cleanup", accept_damaged=True), "b")
    lines = path.read_bytes().split(b"\n")
    assert lines[1] == torn  # intact, on its own line
    assert json.loads(lines[2])["resource_id"] == "b"


def test_a_run_refuses_a_damaged_journal_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(b'{"event": "deleted", "entry": "x"}\nnot json\n')
    before = path.read_bytes()
    with pytest.raises(SourceError, match="damaged line") as info:
        Journal(path, "run")
    assert info.value.line == 2 and info.value.source == str(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "data", [bytes(range(256)), '{"event": "deleted", "entry": "x"}\n'.encode("utf-16")]
)
def test_a_binary_file_is_not_a_journal(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(data)
    with pytest.raises(SourceError, match="not a contracttest journal: binary"):
        read_journal(path)


def test_a_directory_is_not_a_journal(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is a directory"):
        read_journal(tmp_path)


def test_compact_keeps_pending_entries_and_moves_damaged_lines_aside(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path, "r")
    _created(journal, "a")
    _created(journal, "b")
    journal.record_deleted("r:1")
    with path.open("ab") as fh:
        fh.write(b"garbage line\n")
    assert compact(path) == 1
    assert read_journal(path).damaged == []
    assert [e.resource_id for e in read_pending(path)] == ["b"]
    side = damaged_path(path).read_text()
    assert "j.jsonl:4" in side and "garbage line" in side


def test_urls_are_stored_without_credentials(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path, "r")
    journal.record_created(
        base_url="https://user:Pa55@api.example.com/v1?api_key=K3Y&region=eu",
        operation="op",
        resource_id="a",
        delete_method="DELETE",
        delete_path="/r/a",
        credential=0,
    )
    text = path.read_text()
    assert "Pa55" not in text and "K3Y" not in text
    (entry,) = read_pending(path)
    assert entry.base_url == "https://api.example.com/v1?region=eu"
    assert journal.find("https://user:Pa55@api.example.com/v1?api_key=K3Y&region=eu", "a") == entry
