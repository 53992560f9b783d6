"""Where a spec's ``$ref``s may lead, and loading the documents they name: the resolution policy.

The policy, as a security reviewer reads it:

* **A remote spec stays remote, on its own origin.** A spec read over http(s) resolves relative refs
  against its own URL (``common.json`` next to ``https://host/api/spec.json`` is
  ``https://host/api/common.json``, and ``/etc/passwd`` is ``https://host/etc/passwd``). It may name
  http(s) documents only: a ``file:`` URL is refused, and nothing it says ever opens a local file. A
  document on another origin (another host, port or scheme: a cloud metadata address, a service on
  the reader's network) is refused unless the user allows its URL prefix (``--allow-ref-url``).
* **A local spec stays in its directory.** Refs to files resolve against the referring document's
  directory; after following symlinks the file must sit under the spec's own directory, or under a
  directory the user allows (``--allow-ref-dir DIR``, repeatable). ``../../etc/passwd``, ``/etc/passwd``
  and a symlink pointing out are refused. A local spec may name http(s) documents.
* **Regular files only.** Devices (``/dev/zero``), FIFOs and sockets are refused before they are
  opened for reading; documents are read under the spec size cap.
* **Each external document once.** A `RefResolver` belongs to one loaded spec: every document is
  fetched at most once, and a failure is remembered as well (a negative cache), so a ref to a URL
  that never answers costs one timeout per run, not one per request.
* **Every refusal is a finding.** `RefResolver.check` walks the spec (and the documents it reaches)
  when it is loaded: each ``$ref`` that is refused (``spec.ref-refused``) or cannot be loaded
  (``spec.ref-unresolvable``) becomes an error diagnostic at the ``$ref``'s pointer, which
  ``spec lint`` shows; the translator refuses to build a schema that reaches one, so ``validate``,
  ``generate`` and the mock never treat it as "anything".
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit
from urllib.request import url2pathname

from contracttest import _pointer
from contracttest._io import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, is_url
from contracttest.errors import ContractTestError, RefError
from contracttest.findings import Finding, Severity

if TYPE_CHECKING:
    from contracttest.openapi.model import Spec

__all__ = [
    "MAX_DOCUMENTS",
    "RefPolicy",
    "RefResolver",
    "ensure_resolvable",
    "iter_refs",
    "unresolvable_parts",
]

MAX_DOCUMENTS = 200
"""Most external documents one spec may pull in (a ref graph is not a crawler)."""

REFUSED = "spec.ref-refused"
UNRESOLVABLE = "spec.ref-unresolvable"


def _error(rule: str, message: str, pointer: str | None = None) -> RefError:
    err = RefError(message, pointer=pointer)
    err.rule = rule  # type: ignore[attr-defined]
    return err


def rule_of(error: RefError) -> str:
    """``spec.ref-refused`` or ``spec.ref-unresolvable`` for an error the resolver raised."""
    return str(getattr(error, "rule", UNRESOLVABLE))


@dataclass(frozen=True)
class RefPolicy:
    """What the refs of one spec may read.

    Attributes:
        spec_uri: the spec's URL, or the absolute path of a local spec ("" for an in-memory mapping,
            whose refs resolve against the current directory).
        roots: real (symlink-free) directories local files may be read from.
        origins: URL prefixes a remote spec's refs may fetch (its own origin and those allowed).
        timeout: seconds for fetching one URL.
        max_bytes: size cap of one document.
    """

    spec_uri: str
    roots: tuple[str, ...]
    origins: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def remote(self) -> bool:
        return is_url(self.spec_uri)

    @classmethod
    def for_source(
        cls,
        source: str | os.PathLike[str] | None,
        allowed_dirs: Sequence[str | os.PathLike[str]] = (),
        allowed_urls: Sequence[str] = (),
    ) -> RefPolicy:
        """The policy of a spec read from ``source`` (None: an in-memory mapping)."""
        origins = [_origin(u) if not urlsplit(u).path.strip("/") else u for u in allowed_urls]
        if source is not None and is_url(os.fspath(source)):
            spec_uri, home = os.fspath(source), None
            origins.insert(0, _origin(spec_uri))
        elif source is not None:
            spec_uri = os.path.abspath(os.fspath(source))
            home = os.path.dirname(os.path.realpath(spec_uri))
        else:
            spec_uri, home = "", os.path.realpath(os.getcwd())
        roots = [home] if home is not None else []
        roots.extend(os.path.realpath(os.fspath(d)) for d in allowed_dirs)
        return cls(spec_uri, tuple(dict.fromkeys(roots)), tuple(dict.fromkeys(origins)))


@dataclass
class RefResolver:
    """Loads the documents a spec's refs name, under a `RefPolicy`; each at most once.

    ``load`` is the translator's ``load_external``: ``(referring document, ref without fragment) ->
    (document uri, document)``; the referring document is "" for the spec itself.
    """

    policy: RefPolicy
    _docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    _failed: dict[str, RefError] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def locate(self, base: str, ref: str) -> str:
        """The absolute URL or real path ``ref`` names, seen from document ``base``.

        Raises:
            RefError: the policy refuses it (rule ``spec.ref-refused``).
        """
        base = base or self.policy.spec_uri
        remote_base = is_url(base)
        scheme = urlsplit(ref).scheme.lower() if ":" in ref else ""
        if len(scheme) == 1:  # a Windows drive letter, not a scheme
            scheme = ""
        if scheme in ("http", "https"):
            return self._remote(ref, ref)
        if scheme == "file":
            if remote_base or self.policy.remote:
                raise _error(
                    REFUSED,
                    f"$ref {ref!r}: a spec read over http(s) cannot read local files",
                )
            path = url2pathname(unquote(urlsplit(ref).path))
            return self._local(path, ref)
        if scheme:
            raise _error(
                REFUSED,
                f"$ref {ref!r}: unsupported scheme {scheme!r}; expected a relative ref or http(s)",
            )
        if remote_base:
            joined = urljoin(base, ref)
            parts = urlsplit(joined)
            return self._remote(
                urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), ref
            )
        if self.policy.remote:  # never reached: remote specs have URL bases all the way down
            raise _error(REFUSED, f"$ref {ref!r}: a spec read over http(s) cannot read local files")
        anchor = os.path.dirname(base) if base else os.getcwd()
        return self._local(os.path.join(anchor, unquote(ref)), ref)

    def _remote(self, url: str, ref: str) -> str:
        """``url`` when the policy lets the spec fetch it: a local spec may fetch any http(s) URL, a
        remote one its own origin and the URL prefixes the user allowed."""
        if not self.policy.remote or any(_under(url, o) for o in self.policy.origins):
            return url
        raise _error(
            REFUSED,
            f"$ref {ref!r} leads to {shown(url)}, on another origin than the spec's "
            f"({shown(self.policy.origins[0])}); a spec read over http(s) fetches only its own "
            f"origin (allow another one with --allow-ref-url {shown(_origin(url))})",
        )

    def _local(self, path: str, ref: str) -> str:
        real = os.path.realpath(path)
        if not any(_inside(real, root) for root in self.policy.roots):
            where = " or ".join(self.policy.roots) or "the spec's directory"
            raise _error(
                REFUSED,
                f"$ref {ref!r} leads to {real}, outside {where}; local refs stay in the spec's "
                "directory (allow another one with --allow-ref-dir DIR)",
            )
        try:
            mode = os.stat(real).st_mode
        except FileNotFoundError:
            raise _error(UNRESOLVABLE, f"$ref {ref!r}: no such file {real}") from None
        except OSError as exc:
            raise _error(
                UNRESOLVABLE, f"$ref {ref!r}: cannot read {real}: {exc.strerror}"
            ) from None
        from contracttest._io import file_kind

        kind = file_kind(mode)
        if kind is not None:
            raise _error(REFUSED, f"$ref {ref!r}: {real} is {kind}; only regular files are read")
        return real

    def load(self, base: str, ref: str) -> tuple[str, dict[str, Any]]:
        """``(uri, document)`` for ``ref`` (without its fragment) seen from document ``base``.

        Raises:
            RefError: refused by the policy, or the document cannot be read, parsed, or is not an
                object; the same error again, without a new attempt, for a document that failed.
        """
        uri = self.locate(base, ref)
        with self._lock:
            if uri in self._docs:
                return uri, self._docs[uri]
            if uri in self._failed:
                raise self._failed[uri]
            if len(self._docs) + len(self._failed) >= MAX_DOCUMENTS:
                raise _error(REFUSED, f"$ref {ref!r}: more than {MAX_DOCUMENTS} external documents")
        try:
            data = self._read(uri)
        except RefError as exc:
            with self._lock:
                self._failed[uri] = exc
            raise
        with self._lock:
            self._docs.setdefault(uri, data)
            return uri, self._docs[uri]

    def _read(self, uri: str) -> dict[str, Any]:
        from contracttest._io import parse_document, read_bytes, read_text

        try:
            if is_url(uri):
                text, name = read_text(
                    uri, max_bytes=self.policy.max_bytes, timeout=self.policy.timeout
                )
            else:
                from contracttest._io import decode

                raw = read_bytes(uri, max_bytes=self.policy.max_bytes, regular_only=True)
                text, name = decode(raw, uri), uri
            doc = parse_document(text, name)
        except ContractTestError as exc:
            raise _error(UNRESOLVABLE, f"external $ref {exc}") from None
        if not isinstance(doc.data, dict):
            raise _error(
                UNRESOLVABLE,
                f"external $ref {shown(uri)} is a {type(doc.data).__name__}, not an object document",
            )
        return doc.data

    # ------------------------------------------------------------------ the check at load time
    def check(self, document: dict[str, Any], source: str | None = None) -> list[Finding]:
        """Every external ``$ref`` of ``document`` (and of the documents it reaches) loaded now:
        one error finding per ref that is refused, cannot be loaded, or points at nothing.

        A finding about a ref inside another document sits at the spec's ``$ref`` that led there,
        and its message says in which document and where the bad ref is.
        """
        findings: list[Finding] = []
        # (document uri, document, pointer in the spec of the $ref that reached it: None for the spec)
        todo: list[tuple[str, dict[str, Any], str | None]] = [("", document, None)]
        seen_docs: set[str] = {""}
        while todo:
            base, doc, entry = todo.pop()
            for pointer, ref in iter_refs(doc):
                if ref.startswith("#"):
                    continue
                here = pointer if entry is None else entry
                target, _, fragment = ref.partition("#")
                try:
                    uri, data = self.load(base, target)
                except RefError as exc:
                    findings.append(_finding(exc, here, base, pointer, source))
                    continue
                frag = unquote(fragment)
                if frag and (
                    not frag.startswith("/") or _pointer.resolve(data, frag, None) is None
                ):
                    missing = _error(
                        UNRESOLVABLE, f"$ref {ref!r} points at nothing in {shown(uri)}"
                    )
                    findings.append(_finding(missing, here, base, pointer, source))
                if uri not in seen_docs:
                    seen_docs.add(uri)
                    todo.append((uri, data, here))
        return findings


def _finding(exc: RefError, pointer: str, base: str, inner: str, source: str | None) -> Finding:
    rule = rule_of(exc)
    message = exc.message
    if base:
        message = f"in {shown(base)} at {inner or '/'}: {message}"
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        pointer=pointer,
        message=message,
        source=source,
        suggestion=(
            "point the $ref at a document next to the spec (or allow its directory with "
            "--allow-ref-dir, its URL with --allow-ref-url), or inline the schema"
            if rule == REFUSED
            else "fix the reference, or make the document it names available"
        ),
    )


def _origin(url: str) -> str:
    """``scheme://host[:port]/`` of a URL (lower-case scheme and host, default ports dropped)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host += f":{port}"
    return f"{scheme}://{host}/"


def _under(url: str, prefix: str) -> bool:
    """Whether ``url`` is on ``prefix``'s origin and under its path."""
    if _origin(url) != _origin(prefix):
        return False
    path = urlsplit(prefix).path or "/"
    return (urlsplit(url).path or "/").startswith(path)


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives
        return False


def shown(uri: str) -> str:
    """A document's name for messages: a URL without credentials, a path as it is."""
    if is_url(uri):
        from contracttest.redaction import url_without_credentials

        return url_without_credentials(uri)
    return uri


def iter_refs(document: Any) -> Iterator[tuple[str, str]]:
    """``(pointer of the object holding it, $ref string)`` for every ``$ref`` in ``document``.

    Iterative, in document order; ``$ref`` members that are not strings are skipped.
    """
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield pointer, ref
            for key in reversed(list(node)):
                value = node[key]
                if isinstance(value, dict | list):
                    stack.append((value, f"{pointer}/{_pointer.escape(key)}"))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                if isinstance(node[i], dict | list):
                    stack.append((node[i], f"{pointer}/{i}"))


def unresolvable_parts(spec: Spec) -> list[Finding]:
    """The error diagnostics of the spec's operations that no schema can be built past: refused or
    unloadable external documents, refs that point at nothing, cycles with no schema in them.

    Builds the schema of every operation's request body, parameters and responses (each once: they
    are cached on the spec, and a run or a mock needs them anyway).
    """
    from contracttest.errors import SpecError

    broken: dict[tuple[str, str], Finding] = {}
    for d in spec.diagnostics:
        if d.rule in (REFUSED, UNRESOLVABLE) and d.severity >= Severity.ERROR:
            broken.setdefault((d.pointer, d.message), d)
    for op in spec.operations:
        keys = [f"{op.label}:request"] if op.json_body() is not None else []
        if op.parameters:
            keys.append(f"{op.label}:parameters")
        keys.extend(f"{op.label}:response:{status}" for status in op.responses)
        for key in keys:
            try:
                spec.target(key).schema()
            except SpecError as exc:
                f = Finding(
                    rule=str(getattr(exc, "rule", "spec.ref-unresolvable")),
                    severity=Severity.ERROR,
                    pointer=exc.pointer or op.pointer,
                    message=exc.message,
                    target=key,
                )
                broken.setdefault((f.pointer, f.message), f)
            except ContractTestError:  # no JSON schema for this status: nothing to build
                continue
    return spec.locate(list(broken.values()))


def ensure_resolvable(spec: Spec, user: str) -> None:
    """Raise `SpecError` naming every part of ``spec`` that ``user`` (``"the mock"``...) cannot
    serve because a ``$ref`` in it is refused, unloadable, dangling or an empty cycle.

    A mock that answered those operations with 500s would make ``contracttest run`` blame the
    server for the spec's defect; refusing up front turns it into exit 2 with the spec finding.
    """
    from contracttest.errors import SpecError

    problems = unresolvable_parts(spec)
    if not problems:
        return
    first = problems[0]
    lines = "\n".join(f"  {_place(f)}: {f.rule}: {f.message}" for f in problems[:10])
    more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
    raise SpecError(
        f"{user} cannot serve this spec: {len(problems)} part(s) of it cannot be resolved "
        f"(`contracttest spec lint` lists them):\n{lines}{more}",
        source=first.source,
        line=first.line,
        column=first.column,
        pointer=first.pointer,
    )


def _place(f: Finding) -> str:
    where = f.source or ""
    if f.line is not None:
        where += f":{f.line}" + (f":{f.column}" if f.column is not None else "")
    return f"{where} at {f.pointer or '/'}".strip()
