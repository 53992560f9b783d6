"""The mock's SQLite store refuses a damaged file at start instead of answering 500 to everything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contracttest.errors import UsageError
from contracttest.mock.store import Record, SQLiteStore


def _db(path: Path) -> None:
    store = SQLiteStore(path)
    for i in range(300):
        store.insert("things", Record(f"id{i}", "org", 0, i, i, {"name": "x" * 300}))
    store.close()
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def test_a_healthy_file_reopens_with_its_records(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _db(path)
    store = SQLiteStore(path)
    assert store.count("things") == 300
    store.close()


@pytest.mark.parametrize("damage", ["page", "header", "truncated"])
def test_a_damaged_file_is_refused_naming_it(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "state.db"
    _db(path)
    raw = bytearray(path.read_bytes())
    if damage == "page":
        for page in range(2, min(len(raw) // 4096, 12)):
            raw[page * 4096 + 8 : page * 4096 + 300] = os.urandom(292)
    elif damage == "header":
        raw[0:100] = os.urandom(100)
    else:
        raw = raw[: len(raw) // 2 + 123]
    path.write_bytes(bytes(raw))
    with pytest.raises(UsageError, match=r"--db .*state\.db") as info:
        SQLiteStore(path)
    assert "damaged" in str(info.value) or "not a usable SQLite database" in str(info.value)
