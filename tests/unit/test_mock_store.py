"""Both mock stores: same semantics, atomic mutations, SQLite persistence."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from contracttest.errors import UsageError
from contracttest.mock.store import MemoryStore, Query, Record, SQLiteStore, Store, open_store

C = "/thing"


def rec(store: Store, rid: str, org: str = "o1", created: int = 0, **body: object) -> Record:
    return Record(rid, org, store.next_seq(), created, created, {"id": rid, **body})


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "m.db")
    yield s
    s.close()


def test_crud_and_org_isolation(store: Store) -> None:
    store.insert(C, rec(store, "a", name="x"))
    assert store.get(C, "o1", "a") is not None
    assert store.get(C, "o2", "a") is None  # another org sees nothing
    assert store.get("/other", "o1", "a") is None
    assert store.update(C, "o2", "a", lambda r: r) is None
    got = store.update(
        C, "o1", "a", lambda r: replace(r, updated_us=5, body={**r.body, "name": "y"})
    )
    assert got is not None and got.body["name"] == "y" and got.updated_us == 5
    assert store.get(C, "o1", "a").body["name"] == "y"  # type: ignore[union-attr]
    assert store.delete(C, "o2", "a") is None
    assert store.delete(C, "o1", "a") is not None
    assert store.delete(C, "o1", "a") is None
    assert store.get(C, "o1", "a") is None


def test_duplicate_id_is_refused(store: Store) -> None:
    store.insert(C, rec(store, "a"))
    with pytest.raises(KeyError):
        store.insert(C, rec(store, "a"))


def test_an_id_any_org_holds_is_taken(store: Store) -> None:
    # what insert refuses: the mock minted ids another org held, each create retried them until a
    # 409 (vestorly.com.json: "no free id left")
    store.insert(C, rec(store, "a"))
    assert store.taken(C, "a") and not store.taken(C, "b") and not store.taken("/other", "a")
    assert store.get(C, "o2", "a") is None  # though org 2 cannot see it


def test_numbers_for_minted_ids_count_up(store: Store) -> None:
    # the file store answered 0 every time: every integer id it minted was the same
    first, second = store.next_seq(), store.next_seq()
    assert second > first


def test_update_cannot_change_identity(store: Store) -> None:
    store.insert(C, rec(store, "a"))
    got = store.update(C, "o1", "a", lambda r: replace(r, id="b", org="o2"))
    assert got is not None and (got.id, got.org) == ("a", "o1")


def test_failed_update_changes_nothing(store: Store) -> None:
    store.insert(C, rec(store, "a", name="x"))

    def boom(r: Record) -> Record:
        raise ValueError("rejected")

    with pytest.raises(ValueError):
        store.update(C, "o1", "a", boom)
    assert store.get(C, "o1", "a").body["name"] == "x"  # type: ignore[union-attr]


def fill(store: Store) -> None:
    for i in range(10):
        store.insert(
            C,
            rec(
                store, f"r{i}", created=1000 * (i // 2), name=f"Name {i}", n=i % 3, flag=i % 2 == 0
            ),
        )
    store.insert(C, rec(store, "other", org="o2", created=0, name="Name other"))


@pytest.mark.parametrize(
    ("query", "expected_ids", "total"),
    [
        (Query("o1"), [f"r{i}" for i in range(9, -1, -1)], 10),
        (Query("o1", descending=False, limit=3), ["r0", "r1", "r2"], 10),
        (Query("o1", limit=3, offset=3), ["r6", "r5", "r4"], 10),
        (Query("o1", limit=0), [], 10),
        (Query("o1", ranges=[("created", "gt", 3000)]), ["r9", "r8"], 2),
        (Query("o1", ranges=[("created", "ge", 3000)]), ["r9", "r8", "r7", "r6"], 4),
        (
            Query("o1", ranges=[("created", "lt", 1000), ("updated", "le", 0)], descending=False),
            ["r0", "r1"],
            2,
        ),
        (Query("o1", equals=[("n", "1")], descending=False), ["r1", "r4", "r7"], 3),
        (Query("o1", equals=[("flag", "true")], limit=2), ["r8", "r6"], 5),
        (Query("o1", search=(("name",), "NAME 1")), ["r1"], 1),
        (Query("o1", search=(("missing",), "name")), [], 0),
        (Query("o1", sort_by="n", descending=False, limit=4), ["r0", "r3", "r6", "r9"], 10),
        (Query("o2"), ["other"], 1),
    ],
)
def test_query(store: Store, query: Query, expected_ids: list[str], total: int) -> None:
    fill(store)
    records, count = store.query(C, query)
    assert [r.id for r in records] == expected_ids
    assert count == total


def test_sqlite_state_survives_reopen(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    first = SQLiteStore(db)
    salt = first.salt()
    first.insert(C, rec(first, "a", name="kept"))
    first.close()
    second = SQLiteStore(db)
    assert second.salt() == salt  # org ids derived from tokens stay the same
    got = second.get(C, "o1", "a")
    assert got is not None and got.body == {"id": "a", "name": "kept"}
    second.close()


def test_sqlite_rejects_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello, this is not sqlite" * 100)
    with pytest.raises(UsageError, match="not a usable SQLite database"):
        SQLiteStore(bad)
    with pytest.raises(UsageError, match="is a directory"):
        SQLiteStore(tmp_path)


def test_sqlite_rejects_another_format(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    SQLiteStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value='0' WHERE key='format'")
    with pytest.raises(UsageError, match="another mock store format"):
        SQLiteStore(db)


def test_open_store() -> None:
    assert isinstance(open_store(None), MemoryStore)


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    store.insert(C, rec(store, "counter", hits=0))
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(50):
                store.insert(C, rec(store, f"t{k}-{i}"))
                store.update(
                    C,
                    "o1",
                    "counter",
                    lambda r: replace(r, body={**r.body, "hits": r.body["hits"] + 1}),
                )
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count(C) == 8 * 50 + 1
    assert store.get(C, "o1", "counter").body["hits"] == 8 * 50  # type: ignore[union-attr]
    records, total = store.query(C, Query("o1"))
    assert total == len({r.id for r in records}) == 401
