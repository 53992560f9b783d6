"""Reading payload files: every way a file can be unusable becomes a located finding, never an exception.

Parsing itself is `contracttest._io`'s job (safe YAML with 1.2 scalars, positions, SourceError with line
and column); this module only adds what a linter needs around it: a size cap checked before reading, binary
and encoding detection with the offending byte's position, empty documents, and the ``"$contract"`` key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracttest.errors import SourceError
from contracttest.findings import Finding, Severity

if TYPE_CHECKING:
    from contracttest._io import Document

__all__ = ["CONTRACT_KEY", "DEFAULT_MAX_BYTES", "Payload", "fmt_for", "read_payload"]

CONTRACT_KEY = "$contract"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_SUFFIX_FMT = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass
class Payload:
    """A payload file that parsed, with the ``"$contract"`` key split off."""

    source: str
    document: Document
    data: Any
    """The payload itself (without ``"$contract"``)."""
    contract: Any = None
    """The value of ``"$contract"``, if the file has one (not validated yet)."""
    has_contract: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def fmt(self) -> str:
        return str(self.document.fmt)

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``pointer``, or of its nearest existing ancestor (1, 1 at worst).

        ``key=True`` prefers the member's key over its value (unknown properties, YAML keys).
        """
        positions = self.document.positions
        ptr = pointer
        while True:
            pos = None
            try:
                if key and ptr:
                    pos = positions.locate_key(ptr)
                if pos is None:
                    pos = positions.locate(ptr)
            except (KeyError, IndexError, ValueError, TypeError):
                pos = None
            if pos is not None:
                return int(pos[0]), int(pos[1])
            if not ptr:
                return 1, 1
            ptr = ptr.rsplit("/", 1)[0]
            key = False


def fmt_for(source: str) -> str | None:
    """``json``/``yaml`` from the file name, or None to let the reader sniff."""
    return _SUFFIX_FMT.get(Path(source).suffix.lower())


def _file_finding(rule: str, source: str, message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        pointer="",
        message=message,
        source=source,
        line=line,
        column=column,
    )


def decode(raw: bytes, source: str) -> str | Finding:
    """The text of a payload file, or the finding that says why there is none (`contracttest._io.decode`)."""
    from contracttest._io import ReadError
    from contracttest._io import decode as decode_text

    try:
        return decode_text(raw, source)
    except ReadError as exc:
        return _file_finding(exc.rule, source, exc.message, exc.line or 1, exc.column or 1)


def read_payload(
    path: str | os.PathLike[str],
    *,
    display: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fmt: str | None = None,
    raw: bytes | None = None,
) -> Payload | Finding:
    """Read and parse one payload file.

    Args:
        path: the file (ignored when ``raw`` is given, except for its name).
        display: the name findings carry (defaults to ``path``).
        max_bytes: files larger than this are not read (``file.too-large``).
        fmt: ``json`` or ``yaml``; by default from the suffix, else sniffed.
        raw: the file's bytes, when already read (standard input).

    Returns:
        The `Payload`, or one ``file.*`` finding located in the file.
    """
    source = display if display is not None else os.fspath(path)
    if raw is None:
        try:
            size = os.stat(path).st_size
            if os.path.isdir(path):
                return _file_finding("file.unreadable", source, "is a directory, not a file")
            if size > max_bytes:
                return _file_finding(
                    "file.too-large",
                    source,
                    f"{size:,} bytes is over the {max_bytes:,}-byte cap; the file was not read",
                )
            from contracttest._io import ReadError, read_bytes

            try:  # never blocks: a FIFO or a device is read under the cap and a deadline
                raw = read_bytes(path, source, max_bytes=max_bytes)
            except ReadError as exc:
                return _file_finding(exc.rule, source, exc.message)
        except FileNotFoundError:
            return _file_finding("file.unreadable", source, "no such file")
        except OSError as exc:
            return _file_finding("file.unreadable", source, f"cannot read: {exc.strerror or exc}")
    if len(raw) > max_bytes:
        return _file_finding(
            "file.too-large",
            source,
            f"over the {max_bytes:,}-byte cap; the file was not read",
        )
    text = decode(raw, source)
    if isinstance(text, Finding):
        return text
    if not text.strip():
        return _file_finding("file.empty", source, "empty file: no payload to check")
    from contracttest._io import parse_document

    try:
        doc = parse_document(text, source, fmt=fmt or fmt_for(source))
    except SourceError as exc:
        return _file_finding("file.syntax", source, exc.message, exc.line or 1, exc.column or 1)
    if doc.data is None and doc.fmt == "yaml" and _only_comments(text):
        return _file_finding("file.empty", source, "the YAML file holds only comments: no payload")
    data = doc.data
    contract: Any = None
    has_contract = False
    if isinstance(data, dict) and CONTRACT_KEY in data:
        has_contract = True
        contract = data[CONTRACT_KEY]
        data = {k: v for k, v in data.items() if k != CONTRACT_KEY}
    return Payload(source, doc, data, contract, has_contract)


def _only_comments(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            return False
    return True
