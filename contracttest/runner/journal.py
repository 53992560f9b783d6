"""The journal of resources a run created on an endpoint, so nothing is left behind.

Every resource is appended (and fsynced) *before* the run moves on, with the request that deletes it; a
second line marks it deleted. Whatever has no deletion line after a crash is what ``contracttest
cleanup`` removes. Entries hold no credentials: only the index of the credential (org) that created the
resource, so cleanup asks for the same tokens again, and the endpoint's URL without its userinfo or
secret query parameters.

A crash can leave a torn last line, and a hand-edited journal a foreign one. Each record is complete
(one JSON object on one line, with every field of its kind) or it is not a record: `read_journal`
skips such lines and reports each (`DamagedLine`), never writes onto them, and `compact` moves them to
``<journal>.damaged``. A run refuses to add to a journal with damaged lines; a binary file is not a
journal at all.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from contracttest.errors import SourceError
from contracttest.redaction import url_without_credentials

__all__ = [
    "DEFAULT_JOURNAL",
    "DamagedLine",
    "Journal",
    "JournalEntry",
    "JournalState",
    "compact",
    "damaged_path",
    "iter_records",
    "read_journal",
    "read_pending",
]

DEFAULT_JOURNAL = Path(".contracttest") / "journal.jsonl"
FORMAT = 1


@dataclass(frozen=True)
class JournalEntry:
    """One resource a run created."""

    entry: str
    """Unique id of this entry (``<run>:<n>``)."""
    run: str
    base_url: str
    operation: str
    """The operation that created it."""
    resource_id: str
    delete_method: str
    delete_path: str
    """Rendered path of the request that deletes it (no query, no secrets)."""
    credential: int
    """Index of the credential (org) that owns it: 0 for the first token, 1 for the second."""
    created_at: str


class Journal:
    """Append-only journal file shared by runs (one JSON object per line).

    Opening it for a run checks it first: a journal that is not one (binary data, a directory) or
    that has damaged lines (a torn record from a crash, a foreign line) is refused with the line to
    look at, before anything is created; ``contracttest cleanup`` deals with it. Each record is
    appended with one ``write`` and fsynced; if the file does not end with a newline (another writer
    died mid-record), the record starts on a fresh line, so it never lands on a torn one.
    """

    def __init__(
        self, path: str | os.PathLike[str], run_id: str, *, accept_damaged: bool = False
    ) -> None:
        self.path = Path(path)
        self.run_id = run_id
        self._lock = threading.Lock()
        self._n = 0
        self._open: dict[str, JournalEntry] = {}
        if not accept_damaged:
            state = read_journal(self.path)
            if state.damaged:
                first = state.damaged[0]
                more = f" (and {len(state.damaged) - 1} more)" if len(state.damaged) > 1 else ""
                raise SourceError(
                    f"the journal has a damaged line{more}: {first.reason}; refusing to add to a "
                    "journal that cannot be read back. Run `contracttest cleanup` (it deletes what "
                    "the readable records name and moves damaged lines aside) and start again",
                    source=str(self.path),
                    line=first.line,
                )

    def record_created(
        self,
        *,
        base_url: str,
        operation: str,
        resource_id: str,
        delete_method: str,
        delete_path: str,
        credential: int,
    ) -> JournalEntry:
        """Write a created resource to disk before returning (the URL without its credentials)."""
        with self._lock:
            self._n += 1
            entry = JournalEntry(
                entry=f"{self.run_id}:{self._n}",
                run=self.run_id,
                base_url=url_without_credentials(base_url),
                operation=operation,
                resource_id=resource_id,
                delete_method=delete_method,
                delete_path=delete_path,
                credential=credential,
                created_at=_now(),
            )
            self._append({"format": FORMAT, "event": "created", **asdict(entry)})
            self._open[entry.entry] = entry
            return entry

    def record_deleted(self, entry: JournalEntry | str, *, how: str = "deleted") -> None:
        key = entry if isinstance(entry, str) else entry.entry
        with self._lock:
            self._append({"format": FORMAT, "event": how, "entry": key, "at": _now()})
            self._open.pop(key, None)

    def open_entries(self) -> list[JournalEntry]:
        """What this run created and has not deleted yet."""
        with self._lock:
            return list(self._open.values())

    def find(self, base_url: str, resource_id: str) -> JournalEntry | None:
        wanted = url_without_credentials(base_url)
        with self._lock:
            for e in self._open.values():
                if e.resource_id == resource_id and e.base_url == wanted:
                    return e
        return None

    def _append(self, record: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # never continue a torn line
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class DamagedLine:
    """A journal line that is not a complete record of ours (skipped, reported, never written onto)."""

    line: int
    reason: str
    text: str
    """The line as text (undecodable bytes replaced), cut to 200 characters."""


@dataclass
class JournalState:
    pending: list[JournalEntry]
    """Created entries without a deletion record, oldest first."""
    damaged: list[DamagedLine]


_FIELDS = {name: f.type for name, f in JournalEntry.__dataclass_fields__.items()}


def read_journal(path: str | os.PathLike[str]) -> JournalState:
    """Every readable record of the journal; each line that is not one is a `DamagedLine`.

    A missing journal is an empty one.

    Raises:
        SourceError: the journal is a directory, unreadable, or binary (not a contracttest journal).
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        return JournalState([], [])
    except IsADirectoryError:
        raise SourceError("the journal is a directory, expected a file", source=str(p)) from None
    except OSError as exc:
        raise SourceError(f"cannot read the journal: {exc.strerror or exc}", source=str(p)) from exc
    nul = data.find(b"\0")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise SourceError(
            f"not a contracttest journal: binary data (a NUL byte at offset {nul}); a journal is "
            "UTF-8 text, one JSON record per line",
            source=str(p),
            line=line,
        )
    created: dict[str, JournalEntry] = {}
    damaged: list[DamagedLine] = []
    lines = data.split(b"\n")
    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        torn = i == len(lines)  # the last line has no newline: its writer died mid-record
        record, why = _parse_line(raw)
        if record is None:
            if torn and why.startswith("not JSON"):
                why = "a torn record (the process writing it died before the end of the line)"
            damaged.append(DamagedLine(i, why, raw.decode("utf-8", "replace")[:200]))
            continue
        event = record["event"]
        if event == "created":
            entry = JournalEntry(**{k: record[k] for k in _FIELDS})
            created[entry.entry] = entry
        else:
            created.pop(str(record["entry"]), None)
    return JournalState(list(created.values()), damaged)


def _parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """(record, "") for a complete record of ours, else (None, why not)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
    try:
        record = json.loads(text)
    except ValueError as exc:
        return None, f"not JSON ({getattr(exc, 'msg', exc)})"
    if not isinstance(record, dict):
        return None, f"a JSON {type(record).__name__}, not a journal record"
    event = record.get("event")
    if event == "created":
        missing = sorted(k for k in _FIELDS if k not in record)
        if missing:
            return None, f"a 'created' record without {', '.join(missing)}"
        bad = [
            k
            for k, kind in _FIELDS.items()
            if not isinstance(record[k], int if kind in (int, "int") else str)
            or isinstance(record[k], bool)
        ]
        if bad:
            return None, f"a 'created' record with a wrong type for {', '.join(sorted(bad))}"
        return record, ""
    if event in ("deleted", "gone"):
        if not isinstance(record.get("entry"), str):
            return None, f"a '{event}' record without an entry"
        return record, ""
    return None, f"not a journal record (event {event!r})"


def iter_records(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each complete record of the journal; damaged lines are skipped
    (`read_journal` reports them)."""
    p = Path(path)
    read_journal(p)  # a binary file or a directory is an error, as for every reader
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        return
    for i, raw in enumerate(data.split(b"\n"), start=1):
        if raw.strip():
            record, _ = _parse_line(raw)
            if record is not None:
                yield i, record


def read_pending(path: str | os.PathLike[str]) -> list[JournalEntry]:
    """Every entry of the journal that has no deletion line, oldest first (damaged lines skipped)."""
    return read_journal(path).pending


def damaged_path(path: str | os.PathLike[str]) -> Path:
    """Where `compact` moves damaged lines: ``<journal>.damaged`` next to the journal."""
    p = Path(path)
    return p.with_name(p.name + ".damaged")


def compact(path: str | os.PathLike[str]) -> int:
    """Rewrite the journal with only its pending entries (atomically); returns how many remain.

    Damaged lines are not dropped: they are appended to `damaged_path` (with their line number), so
    the journal is clean for the next run and nothing it held is lost.
    """
    p = Path(path)
    if not p.exists():
        return 0
    state = read_journal(p)
    if state.damaged:
        with damaged_path(p).open("ab") as side:
            for d in state.damaged:
                raw = _raw_line(p, d.line)
                side.write(f"# {p.name}:{d.line} ({_now()}): {d.reason}\n".encode())
                side.write(raw + b"\n")
            side.flush()
            os.fsync(side.fileno())
    tmp = p.with_name(p.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for e in state.pending:
            fh.write(
                json.dumps({"format": FORMAT, "event": "created", **asdict(e)}, sort_keys=True)
                + "\n"
            )
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, p)
    return len(state.pending)


def _raw_line(path: Path, number: int) -> bytes:
    lines = path.read_bytes().split(b"\n")
    return lines[number - 1] if 0 < number <= len(lines) else b""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
