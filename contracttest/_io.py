"""Reading JSON and YAML documents from files and URLs, safely, with source positions.

Design choices (see ARCHITECTURE.md, "_io"):

* **YAML is read as YAML 1.2 core schema data**, built straight from the parser's event stream (the
  PyYAML composer and constructor are not used). Only ``true/True/TRUE/false/False/FALSE`` are
  booleans, so ``on``, ``off``, ``yes``, ``no``, ``y`` and ``n`` stay strings (Vapi hooks have a key
  called ``on``). ``null``, ``Null``, ``NULL``, ``~`` and the empty scalar are null. Integers are
  decimal, ``0o`` octal or ``0x`` hex (``0123`` is 123, there is no sexagesimal); dates stay strings.
  ``.inf`` and ``.nan`` are rejected because JSON cannot carry them.
* **Only core schema tags** (``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``, ``!!map``,
  ``!!seq`` and the non-specific ``!``) are allowed; anything else is a `SourceError`.
* **Mapping keys become strings**: a payload is JSON, so a scalar key keeps its source text
  (``200:`` is the key ``"200"``, ``on:`` is ``"on"``). Keys that are collections are an error, and so
  is a key given twice (the message names both lines). Plain ``<<`` merge keys are honoured.
* **Aliases are copied, and the copying is capped**: every alias yields an independent copy (JSON has no
  shared references, and later layers may edit documents), and the number of nodes produced through
  aliases is capped at `MAX_ALIAS_NODES`, so a "billion laughs" document fails in milliseconds instead
  of eating memory. Recursive aliases are rejected.
* **Nesting is capped at `MAX_DEPTH`, for JSON and YAML alike**, before anything recursive sees the data
  (the spec cache's pickling, translation, validator compilation, redaction): libyaml's scanner slows
  down quadratically with nesting depth (and its composer recurses on the C stack), so the event loop
  stops as soon as the cap is passed; parsed JSON is measured by an iterative walk (`check_depth`).
* **JSON uses the stdlib parser** (the 3 MB Vapi spec parses in ~30 ms). A key given twice is an error,
  as in YAML; ``NaN`` and ``Infinity`` are rejected, and so are numbers JSON text can write but no
  reader can hold (``1e400`` overflows to infinity; integers of more than 4300 digits), with their place.
* **What is JSON**: ``.json`` files are; so is any sniffed text (no suffix, standard input) that starts
  with ``{`` or ``[`` and holds a double quote. Invalid JSON is reported as such and never re-read as
  YAML; only quote-less flow YAML (``{a: 1}``) falls back to YAML.
* **Bytes**: UTF-8 (a BOM is dropped), or UTF-16/UTF-32 marked by their BOM; a NUL byte means binary.
  Files are opened without blocking, so a FIFO without a writer or a device never hangs a read, and
  everything is read under the size cap, standard input included (`read_bytes`, `read_stream`).
* **Positions are lazy**: `Document.positions` costs nothing until ``locate()`` is first called. Then
  YAML is composed again (nodes carry marks) and JSON is tokenized once by a small scanner. Lines and
  columns are 1-based and count characters (code points), not bytes.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import json
import math
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from contracttest.errors import SourceError, UsageError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "Document",
    "Positions",
    "ReadError",
    "check_depth",
    "decode",
    "escape_pointer_segment",
    "is_loopback_url",
    "is_url",
    "load_document",
    "loads_incremental",
    "parse_document",
    "parse_pointer",
    "read_bytes",
    "read_stream",
    "read_text",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest document `read_text` accepts (64 MiB)."""
DEFAULT_TIMEOUT = 10.0
"""Seconds allowed for fetching a URL (connect, each read, and the whole body)."""
MAX_ALIAS_NODES = 100_000
"""Most nodes a YAML document may produce through aliases (the "billion laughs" guard)."""
MAX_DEPTH = 256
"""Deepest nesting of collections a JSON or YAML document (spec, overlay, payload) may have."""

Format = Literal["json", "yaml"]

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


def is_url(source: str | os.PathLike[str]) -> bool:
    """Whether ``source`` looks like a URL (``scheme://...``) rather than a file path."""
    return isinstance(source, str) and _SCHEME_RE.match(source) is not None


def is_loopback_url(url: str) -> bool:
    """Whether ``url``'s host is this machine (``localhost``, 127.0.0.0/8, ``::1``).

    HTTP clients must not route such requests through ``HTTP_PROXY``: a proxy would carry them, and
    whatever they hold, off the machine.
    """
    import ipaddress

    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _display_url(url: str) -> str:
    """The URL without user:password and without the values of secret query parameters
    (``?access_token=``), so credentials never reach messages."""
    from contracttest.redaction import Redactor, url_without_credentials

    try:
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        plain = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    except ValueError:
        return url_without_credentials(url)
    return Redactor().url(plain)


# --------------------------------------------------------------------------------------------------
# Reading text


def read_text(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[str, str]:
    """Read a UTF-8 document from a file path or an http(s) URL.

    Args:
        source: a path, or an ``http://`` / ``https://`` URL (redirects are followed).
        max_bytes: refuse documents larger than this many bytes (checked while reading).
        timeout: seconds allowed to connect, for each read, and for the whole download.

    Returns:
        ``(text, display_name)``: the decoded text (a leading BOM removed, see `decode`) and the name to
        show in messages (the path as given, or the URL without credentials).

    Raises:
        ReadError: missing file, directory, unreadable, not UTF-8, binary, too large, HTTP error
            status, timeout, connection failure; SourceError: unsupported URL scheme.

    Example:
        >>> text, name = read_text("spec/vapi-phone-numbers.yaml")  # doctest: +SKIP
    """
    if is_url(source):
        assert isinstance(source, str)
        name = _display_url(source)
        scheme = _SCHEME_RE.match(source).group(1).lower()  # type: ignore[union-attr]
        if scheme not in ("http", "https"):
            raise SourceError(
                f"unsupported URL scheme {scheme!r}; expected a file path or an http(s) URL",
                source=name,
            )
        data = _fetch(source, name, max_bytes=max_bytes, timeout=timeout)
    else:
        name = os.fspath(source)
        data = read_bytes(source, name, max_bytes=max_bytes, timeout=timeout)
    return decode(data, name), name


class ReadError(SourceError):
    """A document's bytes could not be read or decoded; ``rule`` names the kind (``file.unreadable``,
    ``file.too-large``, ``file.binary``, ``file.encoding``), for layers that report it as a finding."""

    def __init__(self, rule: str, message: str, **where: Any) -> None:
        super().__init__(message, **where)
        self.rule = rule


def _too_large(name: str, max_bytes: int, size: int | None = None) -> ReadError:
    got = f"{size} bytes" if size is not None else f"more than {max_bytes} bytes"
    return ReadError(
        "file.too-large",
        f"document is too large ({got}); the limit is {max_bytes} bytes",
        source=name,
    )


_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str | None:
    """What a non-regular file is (``"a named pipe (FIFO)"``...), None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def read_bytes(
    path: str | os.PathLike[str],
    name: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    regular_only: bool = False,
) -> bytes:
    """The bytes of a file, read under a size cap without ever blocking for good.

    The file is opened non-blocking, so a FIFO with no writer or a terminal cannot hang the read; a
    pipe or device (``<(cmd)``, ``/dev/stdin``) is read until end of file for at most ``timeout``
    seconds, under the same size cap as a file (``/dev/zero`` is "too large", not 64 MiB of RAM).

    Args:
        path: the file.
        name: how messages name it (default: ``path`` as given).
        max_bytes: refuse more than this many bytes (checked while reading).
        timeout: seconds a pipe or device may take to deliver its data.
        regular_only: refuse anything but a regular file (``$ref`` targets: no device files).

    Raises:
        ReadError: missing, a directory, unreadable, not a regular file (``regular_only``), too
            large, or a pipe that delivered nothing in time.
    """
    shown = os.fspath(path) if name is None else name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ReadError("file.unreadable", "no such file", source=shown) from None
    except IsADirectoryError:
        raise ReadError(
            "file.unreadable", "is a directory, expected a file", source=shown
        ) from None
    except PermissionError:
        raise ReadError("file.unreadable", "permission denied", source=shown) from None
    except OSError as exc:
        raise ReadError(
            "file.unreadable", f"cannot read: {exc.strerror or exc}", source=shown
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        kind = file_kind(mode)
        if kind == "a directory":
            raise ReadError("file.unreadable", "is a directory, expected a file", source=shown)
        if kind is not None and regular_only:
            raise ReadError(
                "file.unreadable",
                f"is {kind}, not a regular file; refusing to read it",
                source=shown,
            )
        if kind is None:
            os.set_blocking(fd, True)
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read(max_bytes + 1)
        else:
            data = _read_stream_fd(fd, shown, max_bytes=max_bytes, timeout=timeout, kind=kind)
    except OSError as exc:
        raise ReadError(
            "file.unreadable", f"cannot read: {exc.strerror or exc}", source=shown
        ) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise _too_large(shown, max_bytes)
    return data


def _read_stream_fd(fd: int, name: str, *, max_bytes: int, timeout: float, kind: str) -> bytes:
    """Read a non-blocking pipe or device until end of file, the size cap or the deadline."""
    import select

    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    # A FIFO nobody has opened for writing reads as end of file at once; a writer that is just
    # connecting gets a moment to show up before that counts as "no writer".
    empty_until = time.monotonic() + 0.25
    while size <= max_bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ReadError(
                "file.unreadable",
                f"is {kind} that delivered no end of file within {timeout:g} s",
                source=name,
            )
        try:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
        except BlockingIOError:  # a writer, but no data yet
            select.select([fd], [], [], min(left, 0.5))
            continue
        if not chunk:
            if not chunks and time.monotonic() < empty_until:
                time.sleep(0.02)
                continue
            break
        chunks.append(chunk)
        size += len(chunk)
    if not chunks:
        raise ReadError(
            "file.unreadable",
            f"is {kind} with nothing to read (no writer); expected a file",
            source=name,
        )
    return b"".join(chunks)


def read_stream(stream: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a binary (or text) stream, such as standard input, under the same size cap as files.

    Reading stops one byte past ``max_bytes`` (1 GB on stdin costs nothing), so a result longer than
    ``max_bytes`` means "over the cap": the caller reports it the way it reports a file that is.
    """
    raw = getattr(stream, "buffer", stream)
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk = raw.read(min(1 << 20, max_bytes + 1 - size))
        if not chunk:
            break
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _fetch(url: str, name: str, *, max_bytes: int, timeout: float) -> bytes:
    import httpx

    deadline = time.monotonic() + timeout
    headers = {"Accept": "application/json, application/yaml;q=0.9, */*;q=0.5"}
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                timeout=timeout,
                headers=headers,
                # A proxy must never carry a request for this machine off it.
                trust_env=not is_loopback_url(url),
            ) as client,
            client.stream("GET", url) as response,
        ):
            if not response.is_success:
                reason = f" {response.reason_phrase}" if response.reason_phrase else ""
                raise ReadError(
                    "file.unreadable",
                    f"HTTP {response.status_code}{reason}; expected a 2xx response",
                    source=name,
                )
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(name, max_bytes, int(declared))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(name, max_bytes)
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the whole download took too long")
    except httpx.TimeoutException:
        raise ReadError("file.unreadable", f"timed out after {timeout:g} s", source=name) from None
    except httpx.TooManyRedirects:
        raise ReadError("file.unreadable", "too many redirects", source=name) from None
    except httpx.HTTPError as exc:
        detail = str(exc).replace(url, name)
        raise ReadError(
            "file.unreadable", f"cannot fetch: {type(exc).__name__}: {detail}", source=name
        ) from None
    return b"".join(chunks)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[line_start:offset].decode("utf-8", "replace")) + 1


def decode(data: bytes, name: str) -> str:
    """The text of a document: UTF-8 (BOM dropped), or UTF-16/32 announced by a BOM.

    Raises:
        ReadError: ``file.binary`` for a NUL byte in text that has no UTF-16/32 BOM, ``file.encoding``
            for bytes that are not UTF-8 (or damaged UTF-16/32), each with line and column.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ReadError(
                    "file.encoding",
                    f"the {codec.upper()} text is damaged at byte offset {exc.start + len(bom)} "
                    f"({exc.reason})",
                    source=name,
                ) from None
    nul = data.find(b"\0")
    if nul != -1:
        line, column = _line_col_of_byte(data, nul)
        raise ReadError(
            "file.binary",
            f"binary data (NUL byte at offset {nul}), not a JSON or YAML text",
            source=name,
            line=line,
            column=column,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col_of_byte(data, exc.start)
        raise ReadError(
            "file.encoding",
            f"not valid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x}: "
            f"{exc.reason}); documents must be UTF-8, or UTF-16/32 with a BOM",
            source=name,
            line=line,
            column=column,
        ) from None


# --------------------------------------------------------------------------------------------------
# Documents


@dataclass(frozen=True)
class Document:
    """A parsed JSON or YAML document.

    Attributes:
        data: the JSON-compatible value (dict, list, str, int, float, bool or None).
        source: the file path or URL it came from (for messages).
        text: the decoded text.
        sha256: hex SHA-256 of the UTF-8 encoded text.
        fmt: ``"json"`` or ``"yaml"``: how it was parsed.
        positions: lazy map from JSON pointers to 1-based ``(line, column)``.
    """

    data: Any = field(repr=False)
    source: str
    text: str = field(repr=False)
    sha256: str
    fmt: Format
    positions: Positions = field(repr=False, compare=False)


def load_document(
    source: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> Document:
    """Read and parse a JSON or YAML document from a path or URL.

    Args:
        source: a path or an http(s) URL.
        fmt: ``"json"`` or ``"yaml"``; by default guessed from the extension, then the content.
        max_bytes: size cap, see `read_text`.
        timeout: network timeout, see `read_text`.

    Raises:
        SourceError: the document cannot be read or parsed (the message names file, line, column).
        UsageError: ``fmt`` is not ``json`` or ``yaml``.
    """
    text, name = read_text(source, max_bytes=max_bytes, timeout=timeout)
    return parse_document(text, name, fmt=fmt)


def _guess_format(source: str) -> Format | None:
    path = urlsplit(source).path if is_url(source) else source
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return None


def parse_document(text: str, source: str, *, fmt: str | None = None) -> Document:
    """Parse ``text`` as JSON or YAML.

    Args:
        text: the document.
        source: name used in messages (and to guess the format from its extension).
        fmt: ``"json"`` or ``"yaml"`` (``"yml"`` too); guessed when None: by extension, else text
            starting with ``{`` or ``[`` is JSON when it holds a double quote (invalid JSON is an
            error, not YAML); quote-less flow YAML (``{a: 1}``) is read as YAML.

    Raises:
        SourceError: syntax error, unsupported YAML feature, alias bomb, several YAML documents,
            nesting deeper than `MAX_DEPTH`, a number no reader can hold.
        UsageError: unknown ``fmt``.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    chosen: Format
    if fmt is not None:
        low = fmt.lower()
        if low not in ("json", "yaml", "yml"):
            raise UsageError(f"unknown document format {fmt!r}; expected 'json' or 'yaml'")
        chosen = "json" if low == "json" else "yaml"
        data = _parse_json(text, source) if chosen == "json" else _parse_yaml(text, source)
    else:
        guessed = _guess_format(source)
        if guessed == "json":
            chosen, data = "json", _parse_json(text, source)
        elif guessed == "yaml":
            chosen, data = "yaml", _parse_yaml(text, source)
        elif text.lstrip()[:1] in ("{", "["):
            try:
                chosen, data = "json", _parse_json(text, source)
            except SourceError as json_error:
                # Text with a double quote that opens like JSON is meant as JSON: re-reading broken
                # JSON as YAML would accept a trailing comma or a comment. Only quote-less flow YAML
                # (`{a: 1}`) is YAML; if YAML cannot read it either, the JSON message is the useful one.
                if '"' in text:
                    raise _json_meant(json_error) from None
                try:
                    chosen, data = "yaml", _parse_yaml(text, source)
                except SourceError:
                    raise json_error from None
        else:
            chosen, data = "yaml", _parse_yaml(text, source)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Document(
        data=data,
        source=source,
        text=text,
        sha256=digest,
        fmt=chosen,
        positions=Positions(text, chosen, source),
    )


# --------------------------------------------------------------------------------------------------
# JSON


class _NonFiniteError(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFiniteError(name)


class _DuplicateKeyError(ValueError):
    pass


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _DuplicateKeyError
    return obj


def _duplicate_key_error(text: str, source: str) -> SourceError:
    """Where the first repeated member key of (valid) JSON text is, as YAML reports it."""
    lines = _LineIndex(text)
    # Per open container: {key: offset} for objects, None for arrays; want_key as in _scan_json.
    stack: list[tuple[dict[str, int] | None, bool]] = []
    keys: dict[str, int] | None = None
    want_key = False
    for m in _JSON_TOKEN.finditer(text):
        group = m.lastindex
        if group == 1 and want_key:
            want_key = False
            string = m.group(1)
            key = json.loads(string) if "\\" in string else string[1:-1]
            assert keys is not None
            if key in keys:
                first_line, first_col = lines.line_col(keys[key])
                line, column = lines.line_col(m.start(1))
                return SourceError(
                    f"duplicate key {key!r} (first defined at line {first_line}, column "
                    f"{first_col}); each key may appear once",
                    source=source,
                    line=line,
                    column=column,
                )
            keys[key] = m.start(1)
        elif group == 2:
            punct = m.group(2)
            if punct == "{" or punct == "[":
                stack.append((keys, want_key))
                keys, want_key = ({}, True) if punct == "{" else (None, False)
            elif punct == "}" or punct == "]":
                keys, want_key = stack.pop() if stack else (None, False)
            elif punct == ",":
                want_key = keys is not None
    return SourceError("invalid JSON: a member key appears twice in one object", source=source)


def _json_meant(error: SourceError) -> SourceError:
    if "(name the file" in error.message:
        return error
    return SourceError(
        f"{error.message} (text that opens with a bracket and uses double quotes is read as JSON; "
        "name the file .yaml to have it read as YAML)",
        source=error.source,
        line=error.line,
        column=error.column,
        pointer=error.pointer,
    )


class _NumberError(ValueError):
    def __init__(self, literal: str, why: str) -> None:
        super().__init__(literal)
        self.literal = literal
        self.why = why


def _json_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise _NumberError(literal, "is too large for a 64-bit float (it would become Infinity)")
    return value


def _json_int(literal: str) -> int:
    try:
        return int(literal)
    except ValueError:  # more digits than int() accepts (sys.get_int_max_str_digits)
        raise _NumberError(literal, _too_many_digits(literal)) from None


_MAX_INT_BITS = 14_000
"""Integers are read exactly up to about 4200 decimal digits (what Python converts to text by default)."""


def _too_many_digits(literal: str) -> str:
    digits = len(literal.lstrip("+-"))
    return (
        f"has {digits} digits, more than any JSON reader holds exactly (JavaScript reads it as "
        "Infinity or rounds it)"
    )


def _shown_number(literal: str) -> str:
    return literal if len(literal) <= 24 else f"{literal[:12]}…{literal[-6:]}"


def _parse_json(text: str, source: str, *, max_depth: int = MAX_DEPTH) -> Any:
    try:
        data = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_json_float,
            parse_int=_json_int,
            object_pairs_hook=_unique_object,
        )
    except _DuplicateKeyError:
        raise _duplicate_key_error(text, source) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno
        ) from None
    except _NonFiniteError as exc:
        line = column = None
        for offset, token in _json_literals(text):
            if token == str(exc):
                line, column = _LineIndex(text).line_col(offset)
                break
        raise SourceError(
            f"invalid JSON: {exc} is not a JSON number", source=source, line=line, column=column
        ) from None
    except _NumberError as exc:
        line = column = None
        for offset, token in _json_literals(text):
            if token == exc.literal:
                line, column = _LineIndex(text).line_col(offset)
                break
        raise SourceError(
            f"the number {_shown_number(exc.literal)} {exc.why}",
            source=source,
            line=line,
            column=column,
        ) from None
    except RecursionError:
        raise _json_too_deep(text, source, max_depth) from None
    except ValueError as exc:
        raise SourceError(f"invalid JSON: {exc}", source=source) from None
    if check_depth(data, max_depth) is not None:
        raise _json_too_deep(text, source, max_depth)
    return data


_WS = re.compile(r"[ \t\n\r]*")


def loads_incremental(text: str, decoder: json.JSONDecoder | None = None) -> Any:
    """``decoder.decode(text)``, parsing the members of a top-level object or array one at a time.

    ``json.loads`` of 10 MB is one C call that holds the GIL for seconds, so a worker thread parsing a
    large request body would still stall the event loop; member by member, other threads run in
    between. Errors are the decoder's `json.JSONDecodeError`, at the same positions.
    """
    dec = decoder or json.JSONDecoder()
    i = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if i >= len(text) or text[i] not in "{[":
        return dec.decode(text)
    raw, closing = dec.raw_decode, "}" if text[i] == "{" else "]"
    pairs: list[tuple[str, Any]] = []
    items: list[Any] = []
    i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
    if text.startswith(closing, i):
        i += 1
    else:
        while True:
            if closing == "}":
                if not text.startswith('"', i):
                    raise json.JSONDecodeError(
                        "Expecting property name enclosed in double quotes", text, i
                    )
                key, i = raw(text, i)
                i = _WS.match(text, i).end()  # type: ignore[union-attr]
                if not text.startswith(":", i):
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
                value, i = raw(text, _WS.match(text, i + 1).end())  # type: ignore[union-attr]
                pairs.append((key, value))
            else:
                value, i = raw(text, i)
                items.append(value)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text.startswith(",", i):
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith(closing, i):
                i += 1
                break
            raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
    if _WS.match(text, i).end() != len(text):  # type: ignore[union-attr]
        raise json.JSONDecodeError("Extra data", text, _WS.match(text, i).end())  # type: ignore[union-attr]
    if closing == "]":
        return items
    hook = dec.object_pairs_hook
    return hook(pairs) if hook is not None else dict(pairs)


def check_depth(value: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """None when ``value`` nests collections at most ``max_depth`` deep, else the JSON pointer of the
    first collection past the cap. Iterative: any depth is measured without recursion."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth, pointer = pop()
        if depth > max_depth:
            return pointer
        if type(node) is dict:
            for k, v in node.items():
                if type(v) is dict or type(v) is list:
                    push((v, depth + 1, f"{pointer}/{escape_pointer_segment(k)}"))
        elif type(node) is list:
            for i, v in enumerate(node):
                if type(v) is dict or type(v) is list:
                    push((v, depth + 1, f"{pointer}/{i}"))
    return None


def _json_too_deep(text: str, source: str, max_depth: int) -> SourceError:
    """Where JSON text first opens a container past ``max_depth`` (the text parsed, or nearly)."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        punct = m.group(2)
        if punct == "{" or punct == "[":
            depth += 1
            if depth > max_depth:
                line, column = _LineIndex(text).line_col(m.start(2))
                return SourceError(
                    f"nested more than {max_depth} levels deep",
                    source=source,
                    line=line,
                    column=column,
                )
        elif punct == "}" or punct == "]":
            depth -= 1
    return SourceError(f"nested more than {max_depth} levels deep", source=source)


# --------------------------------------------------------------------------------------------------
# YAML


def _yaml_loader_class() -> Any:
    """libyaml's loader when PyYAML was built with it (about 10x faster), else the pure-Python one.

    Only its parser (the event stream) and, for positions, its composer are used: data is built by
    `_YamlBuilder`, so PyYAML's resolver and constructor (YAML 1.1 rules) never run.
    """
    import yaml

    return getattr(yaml, "CBaseLoader", yaml.BaseLoader)


_CORE = "tag:yaml.org,2002:"
_INT_DEC = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF_NAN = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")
_SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null"))
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
# First characters a plain scalar needs to be anything but a string (fast path).
_NON_STR_START = frozenset("-+0123456789.~nNtTfF")


class _YamlBuilder:
    """Builds JSON data from a YAML event stream (see the module docstring for the rules)."""

    def __init__(self, source: str, max_alias_nodes: int, max_depth: int) -> None:
        self.source = source
        self.max_alias_nodes = max_alias_nodes
        self.max_depth = max_depth
        self.alias_nodes = 0
        # anchor -> (value, node count, key text if scalar, still open)
        self.anchors: dict[str, tuple[Any, int, str | None]] = {}
        self.open_anchors: set[str] = set()

    def error(self, message: str, mark: Any) -> SourceError:
        line = column = None
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        return SourceError(message, source=self.source, line=line, column=column)

    # Scalars ---------------------------------------------------------------------------------

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        value: str = event.value
        if tag is None:
            if not event.style:
                return self.plain(value, event)
            return value
        if tag == "!" or tag == _CORE + "str":
            return value
        if tag == _CORE + "int":
            number = self.as_int(value, event)
            if number is None:
                raise self.error(f"{value!r} is not an integer (tag !!int)", event.start_mark)
            return number
        if tag == _CORE + "float":
            if _FLOAT.match(value) or _INT_DEC.match(value):
                return self.as_float(value, event)
            if _INF_NAN.match(value):
                raise self.not_json(value, event)
            raise self.error(f"{value!r} is not a number (tag !!float)", event.start_mark)
        if tag == _CORE + "bool":
            if value in _TRUES:
                return True
            if value in _FALSES:
                return False
            raise self.error(f"{value!r} is not true or false (tag !!bool)", event.start_mark)
        if tag == _CORE + "null":
            if value in _NULLS:
                return None
            raise self.error(f"{value!r} is not null (tag !!null)", event.start_mark)
        raise self.bad_tag(tag, event)

    def plain(self, value: str, event: Any) -> Any:
        if value and value[0] not in _NON_STR_START:
            return value
        if value in _NULLS:
            return None
        if value in _TRUES:
            return True
        if value in _FALSES:
            return False
        number = self.as_int(value, event)
        if number is not None:
            return number
        if _FLOAT.match(value):
            return self.as_float(value, event)
        if _INF_NAN.match(value):
            raise self.not_json(value, event)
        return value

    def as_int(self, value: str, event: Any) -> int | None:
        try:
            if _INT_DEC.match(value):
                number = int(value)
            elif _INT_OCT.match(value):
                number = int(value[2:], 8)
            elif _INT_HEX.match(value):
                number = int(value[2:], 16)
            else:
                return None
        except ValueError:  # more digits than int() accepts: never silently a float (Infinity)
            number = None
        if number is None or number.bit_length() > _MAX_INT_BITS:
            raise self.error(
                f"the number {_shown_number(value)} {_too_many_digits(value)}", event.start_mark
            )
        return number

    def as_float(self, value: str, event: Any) -> float:
        number = float(value)
        if math.isinf(number):
            raise self.error(
                f"the number {_shown_number(value)} is too large for a 64-bit float (it would "
                "become Infinity); quote it if it is meant as a string",
                event.start_mark,
            )
        return number

    def not_json(self, value: str, event: Any) -> SourceError:
        return self.error(
            f"{value} (infinity / not-a-number) cannot be represented in JSON; quote it if it is "
            "meant as a string",
            event.start_mark,
        )

    def bad_tag(self, tag: str, event: Any) -> SourceError:
        shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        return self.error(
            f"unsupported tag {shown!r}; only YAML core schema tags are allowed "
            "(!!str, !!int, !!float, !!bool, !!null, !!seq, !!map)",
            event.start_mark,
        )

    # The event loop --------------------------------------------------------------------------

    def build(self, events: Iterator[Any]) -> Any:
        import yaml.events as ev

        root: list[Any] = []  # receives the document's value
        # Frames: [container, size, anchor, start_event, is_map, pending_key, key_lines, merges]
        stack: list[list[Any]] = []
        documents = 0

        def emit(value: Any, size: int, key_text: str | None, event: Any) -> None:
            if not stack:
                root.append(value)
                return
            frame = stack[-1]
            frame[1] += size
            if not frame[4]:
                frame[0].append(value)
                return
            pending = frame[5]
            if pending is None:
                if key_text is None:
                    raise self.error(
                        "mapping keys must be scalars (strings), found a collection",
                        event.start_mark,
                    )
                frame[5] = (key_text, event.start_mark)
                return
            key, mark = pending
            frame[5] = None
            if key is _MERGE:
                frame[7].append((value, mark))
                return
            seen = frame[6]
            if key in seen:
                first = seen[key]
                raise self.error(
                    f"duplicate key {key!r} (first defined at line {first.line + 1}, column "
                    f"{first.column + 1}); each key may appear once",
                    mark,
                )
            seen[key] = mark
            frame[0][key] = value

        for event in events:
            kind = type(event)
            if kind is ev.ScalarEvent:
                if stack and stack[-1][4] and stack[-1][5] is None:
                    # A key: JSON keys are strings, so a scalar key keeps its source text.
                    tag = event.tag
                    if tag is not None and tag != "!" and tag not in _SCALAR_TAGS:
                        raise self.bad_tag(tag, event)
                    key_text: Any = event.value
                    if tag is None and not event.style and event.value == "<<":
                        key_text = _MERGE
                    value = self.scalar(event) if event.anchor is not None else None
                else:
                    value = self.scalar(event)
                    key_text = event.value
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1, event.value)
                emit(value, 1, key_text, event)
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                if len(stack) >= self.max_depth:
                    raise self.error(
                        f"nested more than {self.max_depth} levels deep", event.start_mark
                    )
                tag = event.tag
                is_map = kind is ev.MappingStartEvent
                if tag is not None and tag != "!" and tag != _CORE + ("map" if is_map else "seq"):
                    raise self.bad_tag(tag, event)
                if event.anchor is not None:
                    self.open_anchors.add(event.anchor)
                stack.append([{} if is_map else [], 1, event.anchor, event, is_map, None, {}, []])
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                frame = stack.pop()
                container, size, anchor, start = frame[0], frame[1], frame[2], frame[3]
                if frame[4] and frame[7]:
                    self.merge(container, frame[7])
                if anchor is not None:
                    self.open_anchors.discard(anchor)
                    self.anchors[anchor] = (container, size, None)
                emit(container, size, None, start)
            elif kind is ev.AliasEvent:
                name = event.anchor
                if name in self.open_anchors:
                    raise self.error(
                        f"recursive alias *{name} (a collection cannot contain itself in JSON)",
                        event.start_mark,
                    )
                if name not in self.anchors:
                    raise self.error(f"undefined alias *{name}", event.start_mark)
                value, size, key_text = self.anchors[name]
                self.alias_nodes += size
                if self.alias_nodes > self.max_alias_nodes:
                    raise self.error(
                        f"aliases expand to more than {self.max_alias_nodes} nodes; refusing to "
                        "expand further (a 'billion laughs' document?)",
                        event.start_mark,
                    )
                emit(_copy(value), size, key_text, event)
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.error(
                        "expected exactly one YAML document, found a second one (remove the '---' "
                        "separator or split the file)",
                        event.start_mark,
                    )
            # StreamStart/StreamEnd/DocumentEnd carry nothing we need.
        if not root:
            raise SourceError(
                "empty document: expected exactly one YAML document", source=self.source
            )
        return root[0]

    def merge(self, target: dict[str, Any], merges: list[tuple[Any, Any]]) -> None:
        """Apply ``<<`` merge keys: explicit keys win, then earlier merged mappings."""
        merged: dict[str, Any] = {}
        for value, mark in merges:
            sources = value if isinstance(value, list) else [value]
            for item in sources:
                if not isinstance(item, dict):
                    raise self.error("a '<<' merge key needs a mapping or a list of mappings", mark)
                for key, val in item.items():
                    merged.setdefault(key, val)
        for key, val in merged.items():
            target.setdefault(key, val)


class _MergeKey:
    def __repr__(self) -> str:
        return "<<"


_MERGE: Any = _MergeKey()


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _yaml_events(loader: Any) -> Iterator[Any]:
    while loader.check_event():
        yield loader.get_event()


def _yaml_error(exc: Exception, source: str, text: str) -> SourceError:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "syntax error"
        message = f"invalid YAML: {problem}"
        if mark is not None:
            indent = _line_at(text, mark.line)[: mark.column + 1]
            if "\t" in indent and not indent.strip(" \t"):
                message += "; tabs cannot be used for indentation"
        if exc.context:
            message += f" ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                message += f" at line {exc.context_mark.line + 1}"
            message += ")"
        line = column = None
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
        return SourceError(message, source=source, line=line, column=column)
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _LineIndex(text).line_col(min(exc.position, len(text)))
        return SourceError(
            f"invalid YAML: {exc.reason} (character {exc.character!r})",
            source=source,
            line=line,
            column=column,
        )
    return SourceError(f"invalid YAML: {exc}", source=source)


def _line_at(text: str, line: int) -> str:
    """The 0-based ``line`` of ``text`` (empty if out of range)."""
    lines = text.split("\n", line + 1)
    return lines[line] if line < len(lines) else ""


def _parse_yaml(
    text: str,
    source: str,
    *,
    max_alias_nodes: int = MAX_ALIAS_NODES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    import yaml

    loader = _yaml_loader_class()(text)
    builder = _YamlBuilder(source, max_alias_nodes, max_depth)
    try:
        return builder.build(_yaml_events(loader))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source, text) from None
    finally:
        loader.dispose()


# --------------------------------------------------------------------------------------------------
# JSON pointers


def escape_pointer_segment(segment: str | int) -> str:
    """Escape one reference token for a JSON pointer (RFC 6901: ``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return str(segment).replace("~", "~0").replace("/", "~1")


def parse_pointer(pointer: str) -> list[str]:
    """Split an RFC 6901 JSON pointer into unescaped reference tokens.

    Raises:
        UsageError: the pointer is neither empty nor starts with ``/``.
    """
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise UsageError(f"invalid JSON pointer {pointer!r}: must be empty or start with '/'")
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def _index(segment: str, length: int) -> int | None:
    if not segment.isdigit() or (len(segment) > 1 and segment[0] == "0"):
        return None
    i = int(segment)
    return i if i < length else None


# --------------------------------------------------------------------------------------------------
# Positions


class _LineIndex:
    """Offsets -> 1-based (line, column) by bisecting line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer("\n", text))

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


# A JSON position node: [value offset, key offset or -1, children (dict/list) or None]
_JsonNode = list[Any]

_JSON_TOKEN = re.compile(
    r'[ \t\n\r]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([{}\[\],:])|([^ \t\n\r{}\[\],:"]+))', re.DOTALL
)


def _json_literals(text: str) -> Iterator[tuple[int, str]]:
    """Offsets of the bare (non-string, non-punctuation) tokens of JSON-ish text."""
    pos, end = 0, len(text)
    match = _JSON_TOKEN.match
    while pos < end:
        m = match(text, pos)
        if m is None or m.end() == pos:
            return
        if m.group(3) is not None:
            yield m.start(3), m.group(3)
        pos = m.end()


def _scan_json(text: str) -> _JsonNode | None:
    """Tokenize valid JSON once, recording where each value (and member key) starts.

    The text has already been parsed, so every character belongs to a token; the loop keeps the
    current container's state in locals (this runs over every token of a 3 MB spec).
    """
    root: _JsonNode | None = None
    # Saved states of the enclosing containers: (children, want_key, key, key_offset)
    stack: list[tuple[Any, bool, Any, int]] = []
    children: Any = None  # dict or list of the current container; None at the top
    want_key, key, key_offset = False, None, -1
    loads = json.loads
    for m in _JSON_TOKEN.finditer(text):
        group = m.lastindex
        if group == 1:  # a string: a member key or a value
            if want_key:
                want_key = False
                string = m.group(1)
                key = loads(string) if "\\" in string else string[1:-1]
                key_offset = m.start(1)
                continue
            node: _JsonNode = [m.start(1), -1, None]
        elif group == 3:  # a number, true, false or null
            node = [m.start(3), -1, None]
        else:
            punct = m.group(2)
            if punct == ",":
                want_key = type(children) is dict
                continue
            if punct == ":":
                continue
            if punct == "}" or punct == "]":
                if stack:
                    children, want_key, key, key_offset = stack.pop()
                continue
            node = [m.start(2), -1, {} if punct == "{" else []]
        # attach the value to its container
        if children is None:
            if root is None:
                root = node
        elif type(children) is dict:
            node[1] = key_offset
            children[key] = node
        else:
            children.append(node)
        if node[2] is not None:  # a container opens
            stack.append((children, want_key, key, key_offset))
            children = node[2]
            want_key, key, key_offset = type(children) is dict, None, -1
    return root


class Positions:
    """Where the values of a document are: JSON pointer -> 1-based ``(line, column)``.

    Nothing is computed until the first lookup; then YAML is composed again (nodes carry marks) or
    JSON is tokenized once. Lookups through YAML aliases give the position of the anchored node.

    Example:
        >>> doc = parse_document('{"a": [1, {"b~/c": 2}]}', "x.json")
        >>> doc.positions.locate("/a/1/b~0~1c")
        (1, 19)
    """

    def __init__(self, text: str, fmt: Format, source: str) -> None:
        self._text = text
        self._fmt = fmt
        self._source = source
        self._lines: _LineIndex | None = None
        self._json_root: _JsonNode | None = None
        self._yaml_root: Any = None
        self._yaml_maps: dict[int, dict[str, tuple[Any, Any]]] = {}
        self._ready = False

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """``(line, column)`` of the value at ``pointer``, or None if there is no such value."""
        found = self._find(pointer)
        return found[0] if found is not None else None

    def locate_key(self, pointer: str) -> tuple[int, int] | None:
        """``(line, column)`` of the key of the object member at ``pointer`` (None for array items,
        the root, or pointers naming nothing)."""
        found = self._find(pointer)
        return found[1] if found is not None else None

    def _prepare(self) -> None:
        if self._ready:
            return
        self._lines = _LineIndex(self._text)
        if self._fmt == "json":
            self._json_root = _scan_json(self._text)
        else:
            import yaml

            loader = _yaml_loader_class()(self._text)
            try:
                self._yaml_root = loader.get_single_node()
            except yaml.YAMLError as exc:
                raise _yaml_error(exc, self._source, self._text) from None
            finally:
                loader.dispose()
        self._ready = True

    def _find(self, pointer: str) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
        segments = parse_pointer(pointer)
        self._prepare()
        if self._fmt == "json":
            return self._find_json(segments)
        return self._find_yaml(segments)

    def _find_json(
        self, segments: list[str]
    ) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
        node = self._json_root
        assert self._lines is not None
        if node is None:
            return None
        for segment in segments:
            children = node[2]
            if isinstance(children, dict):
                node = children.get(segment)
            elif isinstance(children, list):
                i = _index(segment, len(children))
                node = children[i] if i is not None else None
            else:
                node = None
            if node is None:
                return None
        key = self._lines.line_col(node[1]) if node[1] >= 0 else None
        return self._lines.line_col(node[0]), key

    def _yaml_map(self, node: Any) -> dict[str, tuple[Any, Any]]:
        import yaml

        cached = self._yaml_maps.get(id(node))
        if cached is not None:
            return cached
        explicit: dict[str, tuple[Any, Any]] = {}
        merged: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value == "<<" and not key_node.style:
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for src in sources:
                    if isinstance(src, yaml.MappingNode):
                        for k, v in self._yaml_map(src).items():
                            merged.setdefault(k, v)
                continue
            explicit.setdefault(key_node.value, (key_node, value_node))
        for k, v in merged.items():
            explicit.setdefault(k, v)
        self._yaml_maps[id(node)] = explicit
        return explicit

    def _find_yaml(
        self, segments: list[str]
    ) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
        import yaml

        node = self._yaml_root
        key_node = None
        if node is None:
            return None
        for segment in segments:
            if isinstance(node, yaml.MappingNode):
                pair = self._yaml_map(node).get(segment)
                if pair is None:
                    return None
                key_node, node = pair
            elif isinstance(node, yaml.SequenceNode):
                i = _index(segment, len(node.value))
                if i is None:
                    return None
                key_node, node = None, node.value[i]
            else:
                return None
        mark = node.start_mark
        key = None
        if key_node is not None:
            key = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return (mark.line + 1, mark.column + 1), key
