"""Where the mock keeps created objects: in memory, or in SQLite so state survives a restart.

Both stores hold `Record`s per *collection* (a resource plus its scope, see `Resource.collection_key`)
and per org. Every mutation is atomic: the memory store serialises them with a lock, the SQLite store
runs each one in a ``BEGIN IMMEDIATE`` transaction under the same lock, so concurrent requests (even
from two servers sharing one file) never lose or duplicate a write. Listing semantics (filters, search,
sorting, paging) live in one place, `Query.matches` / `Query.sort_key`, which both stores use; the
SQLite store pushes only the common case (time ranges, createdAt order, limit/offset) into SQL.
"""

from __future__ import annotations

import json
import operator
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from contracttest.errors import UsageError

__all__ = ["MemoryStore", "Query", "Record", "SQLiteStore", "Store", "open_store"]

RangeOp = Literal["gt", "lt", "ge", "le"]
TimeField = Literal["created", "updated"]


@dataclass(frozen=True)
class Record:
    """One stored object."""

    id: str
    org: str
    seq: int
    """Insertion order; breaks ties between equal timestamps."""
    created_us: int
    updated_us: int
    body: dict[str, Any]
    """The object as the mock answers it before projection (client fields + server fields)."""


@dataclass
class Query:
    """What a list operation asks for."""

    org: str
    ranges: list[tuple[TimeField, RangeOp, int]] = field(default_factory=list)
    equals: list[tuple[str, str]] = field(default_factory=list)
    """(property, text) pairs: the record's value rendered as query text must equal ``text``."""
    search: tuple[tuple[str, ...], str] | None = None
    """(properties, needle): case-insensitive substring match on any of the properties."""
    sort_by: str | None = None
    """A body property to sort by; None sorts by creation time."""
    descending: bool = True
    offset: int = 0
    limit: int | None = None

    @property
    def sql_friendly(self) -> bool:
        return not self.equals and self.search is None and self.sort_by is None

    def matches(self, rec: Record) -> bool:
        for fld, op, value in self.ranges:
            have = rec.created_us if fld == "created" else rec.updated_us
            if not _compare(have, op, value):
                return False
        for prop, text in self.equals:
            if query_text(rec.body.get(prop)) != text:
                return False
        if self.search is not None:
            props, needle = self.search
            low = needle.lower()
            if not any(
                isinstance(rec.body.get(p), str) and low in rec.body[p].lower() for p in props
            ):
                return False
        return True

    def sort_key(self, rec: Record) -> tuple[Any, ...]:
        if self.sort_by is None:
            return _by_creation(rec)
        value = rec.body.get(self.sort_by)
        # Missing values sort first ascending (last descending), numbers before strings.
        if isinstance(value, bool) or value is None:
            rank: tuple[Any, ...] = (0, 0, "")
        elif isinstance(value, int | float):
            rank = (1, value, "")
        else:
            rank = (2, 0, str(value))
        return (*rank, rec.created_us, rec.seq)

    def run(self, records: list[Record]) -> tuple[list[Record], int]:
        """Filter, sort and page ``records`` (all of one collection)."""
        org = self.org
        if self.ranges or self.equals or self.search is not None:
            hits = [r for r in records if r.org == org and self.matches(r)]
        else:
            hits = [r for r in records if r.org == org]
        hits.sort(
            key=_by_creation if self.sort_by is None else self.sort_key, reverse=self.descending
        )
        total = len(hits)
        end = None if self.limit is None else self.offset + self.limit
        return hits[self.offset : end], total


_by_creation = operator.attrgetter("created_us", "seq")


def _compare(have: int, op: RangeOp, value: int) -> bool:
    if op == "gt":
        return have > value
    if op == "lt":
        return have < value
    if op == "ge":
        return have >= value
    return have <= value


def query_text(value: Any) -> str | None:
    """How a stored value reads in a query string (``true``, ``3``, ``abc``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    return json.dumps(value, sort_keys=True)


Mutation = Callable[[Record], Record]


class Store(Protocol):
    """Storage every mock backend offers."""

    def next_seq(self) -> int: ...

    def insert(self, collection: str, record: Record) -> None: ...

    def get(self, collection: str, org: str, record_id: str) -> Record | None: ...

    def taken(self, collection: str, record_id: str) -> bool:
        """Whether any org's object in ``collection`` holds ``record_id`` (what `insert` refuses)."""
        ...

    def update(self, collection: str, org: str, record_id: str, change: Mutation) -> Record | None:
        """Apply ``change`` atomically; None when there is no such record (in that org)."""
        ...

    def delete(self, collection: str, org: str, record_id: str) -> Record | None: ...

    def query(self, collection: str, query: Query) -> tuple[list[Record], int]:
        """One page of matching records and the total number of matches."""
        ...

    def count(self, collection: str | None = None) -> int: ...

    def salt(self) -> bytes:
        """A per-store random secret (org ids are derived from tokens with it)."""
        ...

    def close(self) -> None: ...


class MemoryStore:
    """Records in dicts; state ends with the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, Record]] = {}
        self._seq = 0
        self._salt = secrets.token_bytes(32)

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def insert(self, collection: str, record: Record) -> None:
        with self._lock:
            bucket = self._data.setdefault(collection, {})
            if record.id in bucket:
                raise KeyError(f"duplicate id {record.id!r} in {collection!r}")
            bucket[record.id] = record

    def get(self, collection: str, org: str, record_id: str) -> Record | None:
        rec = self._data.get(collection, {}).get(record_id)
        return rec if rec is not None and rec.org == org else None

    def taken(self, collection: str, record_id: str) -> bool:
        return record_id in self._data.get(collection, {})

    def update(self, collection: str, org: str, record_id: str, change: Mutation) -> Record | None:
        with self._lock:
            bucket = self._data.get(collection, {})
            rec = bucket.get(record_id)
            if rec is None or rec.org != org:
                return None
            new = change(rec)
            bucket[record_id] = replace(new, id=rec.id, org=rec.org, seq=rec.seq)
            return bucket[record_id]

    def delete(self, collection: str, org: str, record_id: str) -> Record | None:
        with self._lock:
            bucket = self._data.get(collection, {})
            rec = bucket.get(record_id)
            if rec is None or rec.org != org:
                return None
            del bucket[record_id]
            return rec

    def query(self, collection: str, query: Query) -> tuple[list[Record], int]:
        with self._lock:
            records = list(self._data.get(collection, {}).values())
        return query.run(records)

    def count(self, collection: str | None = None) -> int:
        with self._lock:
            if collection is not None:
                return len(self._data.get(collection, {}))
            return sum(len(b) for b in self._data.values())

    def salt(self) -> bytes:
        return self._salt

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    org TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS records_list ON records (collection, org, created_us, seq);
"""
_FORMAT = "1"
_COLUMNS = "seq, id, org, created_us, updated_us, body"


class SQLiteStore:
    """Records in one SQLite file (WAL mode); survives restarts."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise UsageError(f"--db {self.path} is a directory; expected a database file")
        try:
            self._conn = sqlite3.connect(
                str(self.path), check_same_thread=False, isolation_level=None, timeout=30
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._check_integrity()
            self._conn.executescript(_SCHEMA)
            row = self._conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise UsageError(f"--db {self.path}: not a usable SQLite database ({exc})") from exc
        if row is not None and row[0] != _FORMAT:
            raise UsageError(
                f"--db {self.path}: written by another mock store format ({row[0]}); "
                f"expected {_FORMAT}; use a new file"
            )
        self._lock = threading.Lock()
        with self._tx() as cur:
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (_FORMAT,))
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(32),))
            self._salt = bytes.fromhex(
                cur.execute("SELECT value FROM meta WHERE key='salt'").fetchone()[0]
            )
            self._seq = int(
                cur.execute("SELECT COALESCE(MAX(rowid), 0) FROM records").fetchone()[0]
            )

    def _check_integrity(self) -> None:
        """Refuse a damaged file at start (a torn page, a half-copied file): a mock that opened it
        would answer 500 to everything. ``quick_check`` reads every page once (linear in the size)."""
        rows = self._conn.execute("PRAGMA quick_check(5)").fetchall()
        problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
        if problems:
            self._conn.close()
            raise UsageError(
                f"--db {self.path}: the SQLite database is damaged ({'; '.join(problems)[:300]}); "
                "restore it from a copy, or start the mock with a new file"
            )

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    def next_seq(self) -> int:
        # Insertion order comes from the AUTOINCREMENT rowid; the value passed in is ignored. The
        # number is still one the minted ids count with (it was always 0: every integer id the
        # mock minted over a file store was the same, and the second create a 409).
        with self._lock:
            self._seq += 1
            return self._seq

    def insert(self, collection: str, record: Record) -> None:
        with self._tx() as cur:
            try:
                cur.execute(
                    "INSERT INTO records (collection, id, org, created_us, updated_us, body) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        collection,
                        record.id,
                        record.org,
                        record.created_us,
                        record.updated_us,
                        _dumps(record.body),
                    ),
                )
            except sqlite3.IntegrityError:
                raise KeyError(f"duplicate id {record.id!r} in {collection!r}") from None

    def get(self, collection: str, org: str, record_id: str) -> Record | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE collection=? AND id=? AND org=?",
                (collection, record_id, org),
            ).fetchone()
        return _record(row) if row else None

    def taken(self, collection: str, record_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM records WHERE collection=? AND id=?", (collection, record_id)
            ).fetchone()
        return row is not None

    def update(self, collection: str, org: str, record_id: str, change: Mutation) -> Record | None:
        with self._tx() as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM records WHERE collection=? AND id=? AND org=?",
                (collection, record_id, org),
            ).fetchone()
            if row is None:
                return None
            old = _record(row)
            new = replace(change(old), id=old.id, org=old.org, seq=old.seq)
            cur.execute(
                "UPDATE records SET created_us=?, updated_us=?, body=? WHERE seq=?",
                (new.created_us, new.updated_us, _dumps(new.body), old.seq),
            )
            return new

    def delete(self, collection: str, org: str, record_id: str) -> Record | None:
        with self._tx() as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM records WHERE collection=? AND id=? AND org=?",
                (collection, record_id, org),
            ).fetchone()
            if row is None:
                return None
            cur.execute("DELETE FROM records WHERE seq=?", (row[0],))
            return _record(row)

    def query(self, collection: str, query: Query) -> tuple[list[Record], int]:
        where = ["collection=?", "org=?"]
        args: list[Any] = [collection, query.org]
        for fld, op, value in query.ranges:
            col = "created_us" if fld == "created" else "updated_us"
            where.append(f"{col} {_SQL_OPS[op]} ?")
            args.append(value)
        clause = " AND ".join(where)
        with self._lock:
            if not query.sql_friendly:
                rows = self._conn.execute(
                    f"SELECT {_COLUMNS} FROM records WHERE {clause}", args
                ).fetchall()
                return query.run([_record(r) for r in rows])
            total = self._conn.execute(
                f"SELECT count(*) FROM records WHERE {clause}", args
            ).fetchone()[0]
            order = "DESC" if query.descending else "ASC"
            limit = -1 if query.limit is None else query.limit
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE {clause} "
                f"ORDER BY created_us {order}, seq {order} LIMIT ? OFFSET ?",
                [*args, limit, query.offset],
            ).fetchall()
        return [_record(r) for r in rows], int(total)

    def count(self, collection: str | None = None) -> int:
        with self._lock:
            if collection is None:
                row = self._conn.execute("SELECT count(*) FROM records").fetchone()
            else:
                row = self._conn.execute(
                    "SELECT count(*) FROM records WHERE collection=?", (collection,)
                ).fetchone()
        return int(row[0])

    def salt(self) -> bytes:
        return self._salt

    def close(self) -> None:
        with self._lock:
            self._conn.close()


_SQL_OPS = {"gt": ">", "lt": "<", "ge": ">=", "le": "<="}


def _dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), allow_nan=False)


def _record(row: tuple[Any, ...]) -> Record:
    seq, rid, org, created, updated, body = row
    return Record(
        id=rid,
        org=org,
        seq=int(seq),
        created_us=int(created),
        updated_us=int(updated),
        body=json.loads(body),
    )


def open_store(db: str | os.PathLike[str] | None) -> Store:
    """A SQLite store for ``db``, or a memory store when ``db`` is None."""
    if db is None:
        return MemoryStore()
    return SQLiteStore(db)
