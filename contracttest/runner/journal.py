"""The journal of resources a run created on an endpoint, so nothing is left behind.

Every resource is appended (and fsynced) *before* the run moves on, with the request that deletes it; a
second line marks it deleted. Whatever has no deletion line after a crash is what ``contracttest
cleanup`` removes. Entries hold no credentials: only the index of the credential (org) that created the
resource, so cleanup asks for the same tokens again.
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

__all__ = ["DEFAULT_JOURNAL", "Journal", "JournalEntry", "read_pending"]

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
    """Append-only journal file shared by runs (one JSON object per line)."""

    def __init__(self, path: str | os.PathLike[str], run_id: str) -> None:
        self.path = Path(path)
        self.run_id = run_id
        self._lock = threading.Lock()
        self._n = 0
        self._open: dict[str, JournalEntry] = {}

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
        """Write a created resource to disk before returning."""
        with self._lock:
            self._n += 1
            entry = JournalEntry(
                entry=f"{self.run_id}:{self._n}",
                run=self.run_id,
                base_url=base_url,
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
        with self._lock:
            for e in self._open.values():
                if e.resource_id == resource_id and e.base_url == base_url:
                    return e
        return None

    def _append(self, record: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def iter_records(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each well-formed line; a torn last line (crash) is skipped."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise SourceError(f"cannot read the journal: {exc.strerror or exc}", source=str(p)) from exc
    lines = text.split("\n")
    for i, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if i >= len(lines) - 1:
                # The last line was being written when the process died.
                continue
            raise SourceError(
                f"the journal is corrupt: {exc.msg}", source=str(p), line=i, column=exc.pos + 1
            ) from exc
        if isinstance(record, dict):
            yield i, record


def read_pending(path: str | os.PathLike[str]) -> list[JournalEntry]:
    """Every entry of the journal that has no deletion line, oldest first."""
    created: dict[str, JournalEntry] = {}
    fields = set(JournalEntry.__dataclass_fields__)
    for lineno, record in iter_records(path):
        event = record.get("event")
        if event == "created":
            data = {k: record.get(k) for k in fields}
            if any(v is None for v in data.values()):
                raise SourceError(
                    "the journal has a 'created' entry without "
                    + ", ".join(sorted(k for k, v in data.items() if v is None)),
                    source=str(path),
                    line=lineno,
                )
            created[str(data["entry"])] = JournalEntry(**data)  # type: ignore[arg-type]
        elif event in ("deleted", "gone"):
            created.pop(str(record.get("entry")), None)
    return list(created.values())


def compact(path: str | os.PathLike[str]) -> int:
    """Rewrite the journal with only its pending entries (atomically); returns how many remain."""
    pending = read_pending(path)
    p = Path(path)
    if not p.exists():
        return 0
    tmp = p.with_name(p.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for e in pending:
            fh.write(
                json.dumps({"format": FORMAT, "event": "created", **asdict(e)}, sort_keys=True)
                + "\n"
            )
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, p)
    return len(pending)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
