"""Load an OpenAPI 3.0/3.1 document into a `Spec`.

Lenient by default: real specs have defects (the full Vapi spec fails strict validation), so structural
problems become diagnostics and the spec still loads; ``strict=True`` makes any error-level diagnostic fatal.

Structural validation uses the official OpenAPI meta-schemas that ship with openapi-spec-validator, run through
jsonschema-rs when it is installed (about 100x faster than openapi-spec-validator on the 3 MB Vapi spec) and
through jsonschema otherwise, plus the semantic checks openapi-spec-validator adds (path parameters, duplicate
parameters and operationIds). A parsed, overlaid and validated spec is cached on disk by content hash, so an
unchanged spec reloads without parsing or validating again.

``$ref``s to other documents follow the resolution policy of `contracttest.openapi.refs` (a remote spec
never reads local files, a local spec's refs stay in its directory, regular files only, each document
fetched once per load): they are checked every time a spec is loaded (never taken from the cache, since
the documents they name can change), and each refusal or failure is an error diagnostic at its ``$ref``.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import os
import pickle
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from contracttest import _pointer
from contracttest.errors import SourceError, SpecError
from contracttest.findings import Finding, Severity, truncate_value
from contracttest.openapi.convert import Translator
from contracttest.openapi.model import HTTP_METHODS, Spec
from contracttest.openapi.refs import RefResolver

__all__ = ["cache_dir", "load_spec", "structural_diagnostics"]

CACHE_FORMAT = 4
MAX_DIAGNOSTICS_PER_RULE = 500


def cache_dir() -> Path:
    """Where parsed specs are cached (``CONTRACTTEST_CACHE_DIR``, else the XDG cache)."""
    env = os.environ.get("CONTRACTTEST_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "contracttest"


class _LazyPositions:
    """Positions of a document whose text we have but did not need to parse (cache hit)."""

    def __init__(self, text: str, source: str) -> None:
        self._text = text
        self._source = source
        self._inner: Any = None

    def locate(self, pointer: str) -> tuple[int, int] | None:
        if self._inner is None:
            from contracttest._io import parse_document

            self._inner = parse_document(self._text, self._source).positions
        result: tuple[int, int] | None = self._inner.locate(pointer)
        return result

    def locate_key(self, pointer: str) -> tuple[int, int] | None:
        self.locate("")
        result: tuple[int, int] | None = self._inner.locate_key(pointer)
        return result


def load_spec(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    overlays: Sequence[str | os.PathLike[str]] = (),
    strict: bool = False,
    cache: bool = True,
    ref_dirs: Sequence[str | os.PathLike[str]] = (),
    ref_urls: Sequence[str] = (),
) -> Spec:
    """Load, overlay, validate and model an OpenAPI document.

    Args:
        source: a file path, an http(s) URL, or an already-parsed mapping.
        overlays: OpenAPI Overlay 1.0 files applied in order before anything else.
        strict: raise `SpecError` when the spec has any error-level diagnostic.
        cache: reuse the on-disk cache of an unchanged spec + overlays.
        ref_dirs: directories besides the spec's own that local ``$ref``s may read
            (see `contracttest.openapi.refs`).
        ref_urls: URL prefixes besides the spec's own origin that a remote spec's ``$ref``s may
            fetch.

    Returns:
        The `Spec`; its ``diagnostics`` list every defect found.

    Raises:
        SourceError: the spec or an overlay cannot be read or parsed.
        SpecError: the document is not OpenAPI 3.0/3.1, or (strict) has errors.
        OverlayError: an overlay is malformed.

    Example:
        >>> spec = load_spec("spec/vapi-phone-numbers.yaml")  # doctest: +SKIP
        >>> spec.target("POST /phone-number").schema()  # doctest: +SKIP
    """
    from contracttest._io import MAX_DEPTH, check_depth, read_text
    from contracttest.openapi.refs import RefPolicy, RefResolver

    if isinstance(source, Mapping):
        too_deep = check_depth(dict(source), MAX_DEPTH)
        if too_deep is not None:
            raise SpecError(
                f"nested more than {MAX_DEPTH} levels deep", source="<mapping>", pointer=too_deep
            )
        data = copy.deepcopy(dict(source))
        text = json.dumps(data, sort_keys=True, default=str)
        name = "<mapping>"
        positions: Any = None
        resolver = RefResolver(RefPolicy.for_source(None, ref_dirs, ref_urls))
    else:
        text, name = read_text(source)
        data = None
        positions = None
        resolver = RefResolver(RefPolicy.for_source(source, ref_dirs, ref_urls))

    overlay_texts = []
    for ov in overlays:
        otext, oname = read_text(ov)
        overlay_texts.append((otext, oname))

    key = _cache_key(text, [t for t, _ in overlay_texts], strict)
    cached = _cache_get(key) if cache and not isinstance(source, Mapping) else None
    if cached is not None:
        raw, cached_diagnostics, external = cached
        ref_findings = resolver.check(raw, name) if external else []
        if strict:
            _refuse_errors(ref_findings, name)
        positions = _LazyPositions(text, name)
        return _make_spec(
            raw, name, key[:64], [*cached_diagnostics, *ref_findings], positions, resolver
        )

    if data is None:
        from contracttest._io import parse_document

        doc = parse_document(text, name)
        data = doc.data
        positions = doc.positions
    if not isinstance(data, dict):
        raise SpecError(
            f"an OpenAPI document must be an object at the top level, got {type(data).__name__}",
            source=name,
        )
    version = data.get("openapi")
    if version is None and "swagger" in data:
        raise SpecError(
            f"this is a Swagger {data.get('swagger')} document; contracttest reads OpenAPI 3.0 and 3.1 "
            "(convert it first, e.g. with swagger2openapi)",
            source=name,
            pointer="/swagger",
        )
    if not isinstance(version, str) or not re.match(r"^3\.[01]\.\d+", version):
        raise SpecError(
            f"unsupported 'openapi' version {version!r}; expected 3.0.x or 3.1.x",
            source=name,
            pointer="/openapi",
        )

    diagnostics: list[Finding] = []
    if overlay_texts:
        from contracttest._io import parse_document
        from contracttest.openapi.overlay import apply_overlays

        parsed = []
        for otext, oname in overlay_texts:
            odoc = parse_document(otext, oname)
            if not isinstance(odoc.data, dict):
                raise SourceError("an overlay must be an object", source=oname)
            parsed.append((odoc.data, oname))
        data, ov_findings = apply_overlays(data, parsed)
        diagnostics.extend(ov_findings)
        # pointers still mostly hold after an overlay; positions stay best-effort
    diagnostics.extend(structural_diagnostics(data))
    diagnostics.extend(_semantic_diagnostics(data))
    external = _has_external_refs(data)
    ref_findings = resolver.check(data, name) if external else []
    if strict:
        _refuse_errors([*diagnostics, *ref_findings], name)
    if cache and not isinstance(source, Mapping):
        _cache_put(key, (data, diagnostics, external))
    return _make_spec(data, name, key[:64], [*diagnostics, *ref_findings], positions, resolver)


def _refuse_errors(diagnostics: list[Finding], name: str) -> None:
    """``--strict``: any error-level diagnostic makes the spec unusable."""
    errors = [d for d in diagnostics if d.severity >= Severity.ERROR]
    if errors:
        shown = "\n".join(f"  {d.pointer or '/'}: {d.message}" for d in errors[:10])
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise SpecError(
            f"{len(errors)} error(s) in the spec (--strict):\n{shown}{more}", source=name
        )


def _has_external_refs(data: dict[str, Any]) -> bool:
    from contracttest.openapi.refs import iter_refs

    return any(not ref.startswith("#") for _, ref in iter_refs(data))


def _make_spec(
    raw: dict[str, Any],
    name: str,
    sha: str,
    diagnostics: list[Finding],
    positions: Any,
    resolver: RefResolver,
) -> Spec:
    dialect = "3.1" if str(raw.get("openapi", "")).startswith("3.1") else "3.0"
    translator = Translator(raw, dialect, load_external=resolver.load)  # type: ignore[arg-type]
    spec = Spec(
        raw,
        source=name,
        sha256=hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
        if name == "<mapping>"
        else sha,
        diagnostics=diagnostics,
        positions=positions,
        translator=translator,
    )

    def where(pointer: str) -> tuple[str | None, int | None, int | None]:
        (located,) = spec.locate([Finding("", Severity.ERROR, pointer, "")])
        return located.source, located.line, located.column

    translator.where = where
    return spec


# ---------------------------------------------------------------------------------------- caching
def _cache_key(text: str, overlays: list[str], strict: bool) -> str:
    from contracttest import __version__

    h = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    spec_sha = h.hexdigest()
    for o in overlays:
        h.update(b"\0overlay\0")
        h.update(o.encode("utf-8", "surrogatepass"))
    h.update(f"\0{strict}\0{__version__}\0{CACHE_FORMAT}\0{_diagnostic_libraries()}".encode())
    return spec_sha + "-" + h.hexdigest()[:32]


_DIAGNOSTIC_LIBRARIES = ("jsonschema-rs", "openapi-spec-validator", "jsonschema", "PyYAML")


@functools.lru_cache(maxsize=1)
def _diagnostic_libraries() -> str:
    """The versions of the libraries the cached data and diagnostics come from: an entry written
    under jsonschema-rs 0.61 must not be served to a venv with 0.44 (different oas.structure)."""
    from importlib import metadata

    versions = []
    for name in _DIAGNOSTIC_LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return ",".join(versions)


_Cached = tuple[dict[str, Any], list[Finding], bool]
"""(overlaid document, diagnostics, whether it has external $refs)."""


def _cache_get(key: str) -> _Cached | None:
    path = cache_dir() / f"{key}.pickle"
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
        RecursionError,
        MemoryError,
    ):
        return None
    if not (
        isinstance(value, tuple)
        and len(value) == 3
        and isinstance(value[0], dict)
        and isinstance(value[1], list)
        and isinstance(value[2], bool)
    ):
        return None
    return value


def _cache_put(key: str, value: _Cached) -> None:
    """Write the cache entry atomically; a failure leaves nothing behind (no ``.tmp-*`` file)."""
    directory = cache_dir()
    tmp: str | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / f"{key}.pickle")
        tmp = None
    except (OSError, RecursionError, pickle.PicklingError, TypeError):
        pass  # a cache that cannot be written is only slower, never wrong
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


# ---------------------------------------------------------------------------------------- validation
@functools.lru_cache(maxsize=4)
def _meta_schema(version: str) -> dict[str, Any]:
    from importlib.resources import files

    folder = "v3.1" if version == "3.1" else "v3.0"
    text = (
        files("openapi_spec_validator") / "resources" / "schemas" / folder / "schema.json"
    ).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.lru_cache(maxsize=4)
def _meta_validator(version: str) -> tuple[str, Any]:
    schema = _meta_schema(version)
    if version == "3.0":
        try:
            import jsonschema_rs

            return "rs", jsonschema_rs.validator_for(schema)
        except Exception:  # jsonschema-rs is optional: fall back to the reference implementation
            pass
    import jsonschema

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    return "py", cls(schema)


def structural_diagnostics(data: dict[str, Any]) -> list[Finding]:
    """Every place the document breaks the OpenAPI meta-schema, explained at its deepest cause."""
    version = "3.1" if str(data.get("openapi", "")).startswith("3.1") else "3.0"
    if version == "3.1":
        return _osv_diagnostics(data)
    kind, validator = _meta_validator(version)
    out: list[Finding] = []
    if kind == "rs":
        for err in validator.iter_errors(data):
            pointer, message = _explain_rs(err)
            out.append(
                Finding(
                    rule="oas.structure",
                    severity=Severity.ERROR,
                    pointer=pointer,
                    message=message,
                    suggestion="fix the spec, or patch it with an overlay",
                )
            )
    else:
        from jsonschema.exceptions import best_match

        for err in validator.iter_errors(data):
            deep = best_match([err]) if err.context else err
            out.append(
                Finding(
                    rule="oas.structure",
                    severity=Severity.ERROR,
                    pointer=_pointer.from_parts(deep.absolute_path),
                    message=_short(deep.message),
                )
            )
    return out


def _osv_diagnostics(data: dict[str, Any]) -> list[Finding]:
    """OAS 3.1: the meta-schema uses $dynamicRef; let openapi-spec-validator walk it.

    It resolves ``$ref``s itself (``file://`` and http ones included), which would bypass the
    resolution policy of `contracttest.openapi.refs`: it is shown a copy whose external refs are
    empty objects (the loader checks those refs under the policy). A ref it cannot follow, or any
    other failure of the library, is one diagnostic, never a crash of the load.
    """
    from openapi_spec_validator import OpenAPIV31SpecValidator

    if _has_external_refs(data):
        data = _without_external_refs(data)
    out = []
    try:
        for err in OpenAPIV31SpecValidator(data).iter_errors():
            path = getattr(err, "absolute_path", None) or getattr(err, "path", None) or []
            out.append(
                Finding(
                    rule="oas.structure",
                    severity=Severity.ERROR,
                    pointer=_pointer.from_parts(list(path)),
                    message=_short(str(getattr(err, "message", err))),
                )
            )
    except Exception as exc:  # a dangling $ref, a recursion: the library gives up, the load goes on
        ref = getattr(exc, "ref", None)
        why = (
            f"$ref {ref!r} cannot be followed" if isinstance(ref, str) else f"{type(exc).__name__}"
        )
        out.append(
            Finding(
                rule="oas.structure",
                severity=Severity.ERROR,
                pointer="",
                message=f"the structural check of the OpenAPI 3.1 document stopped: {why}",
                suggestion="fix the reference (`contracttest spec lint` names where it is)",
            )
        )
    return out


def _without_external_refs(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` in which every object with an external ``$ref`` is ``{}``."""
    from contracttest.openapi.refs import iter_refs

    external = [p for p, ref in iter_refs(data) if not ref.startswith("#")]
    copy_ = copy.deepcopy(data)
    for pointer in external:
        parts = _pointer.parts(pointer)
        parent = _pointer.resolve(copy_, _pointer.from_parts(parts[:-1])) if parts else None
        if parent is None:
            return {"openapi": copy_.get("openapi"), "info": copy_.get("info"), "paths": {}}
        key: Any = int(parts[-1]) if isinstance(parent, list) else parts[-1]
        parent[key] = {}
    return copy_


def _explain_rs(err: Any) -> tuple[str, str]:
    """Descend a jsonschema-rs oneOf/anyOf failure to the branch and error that explain it."""
    depth = 0
    while depth < 32:
        ctx = getattr(err.kind, "context", None)
        if not ctx:
            break
        # Skip the "Reference Object" branch: "$ref is a required property" explains nothing.
        branches = [
            b
            for b in ctx
            if b
            and not all(
                "'$ref' is a required" in e.message or '"$ref" is a required' in e.message
                for e in b
            )
        ]
        if not branches:
            break
        best = max(branches, key=lambda b: max(len(list(e.instance_path)) for e in b))
        err = max(best, key=lambda e: len(list(e.instance_path)))
        depth += 1
    pointer = _pointer.from_parts(list(err.instance_path))
    message = err.message
    if type(err.kind).__name__ in ("OneOfNotValid", "AnyOfNotValid"):
        message = f"{truncate_value(err.instance, 80)} is not valid under any of the allowed forms"
    return pointer, _short(message)


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


_PATH_PARAM = re.compile(r"{([^{}/]+)}")


def _semantic_diagnostics(data: dict[str, Any]) -> list[Finding]:
    """The checks openapi-spec-validator makes beyond the meta-schema."""
    out: list[Finding] = []
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return out
    seen_ids: dict[str, str] = {}

    def params_of(node: Any, pointer: str) -> list[tuple[str, str, str]]:
        res: list[tuple[str, str, str]] = []
        if not isinstance(node, list):
            return res
        for i, p in enumerate(node):
            ptr = _pointer.join(pointer, i)
            if isinstance(p, dict) and "$ref" in p and isinstance(p["$ref"], str):
                p = (
                    _pointer.resolve(data, p["$ref"].lstrip("#"), None)
                    if p["$ref"].startswith("#")
                    else None
                )
            if (
                isinstance(p, dict)
                and isinstance(p.get("name"), str)
                and isinstance(p.get("in"), str)
            ):
                res.append((p["in"], p["name"], ptr))
        return res

    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        ipath = _pointer.join("/paths", path)
        templ = _PATH_PARAM.findall(path)
        shared = params_of(item.get("parameters"), _pointer.join(ipath, "parameters"))
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            optr = _pointer.join(ipath, method)
            own = params_of(op.get("parameters"), _pointer.join(optr, "parameters"))
            seen: dict[tuple[str, str], str] = {}
            for loc, name, ptr in own:
                k = (loc, name.lower() if loc == "header" else name)
                if k in seen:
                    out.append(
                        Finding(
                            rule="oas.duplicate-parameter",
                            severity=Severity.ERROR,
                            pointer=ptr,
                            message=f"parameter {name!r} in {loc} is declared twice (first at {seen[k]})",
                        )
                    )
                seen.setdefault(k, ptr)
            declared = {n for loc, n, _ in [*shared, *own] if loc == "path"}
            for name in templ:
                if name not in declared:
                    out.append(
                        Finding(
                            rule="oas.path-parameter-undeclared",
                            severity=Severity.ERROR,
                            pointer=optr,
                            message=f"{method.upper()} {path}: path parameter {{{name}}} is not declared",
                            suggestion=f"add a parameter with name: {name}, in: path, required: true",
                        )
                    )
            for loc, name, ptr in [*shared, *own]:
                if loc == "path" and name not in templ:
                    out.append(
                        Finding(
                            rule="oas.path-parameter-unused",
                            severity=Severity.ERROR,
                            pointer=ptr,
                            message=f"path parameter {name!r} does not appear in {path!r}",
                        )
                    )
            op_id = op.get("operationId")
            if isinstance(op_id, str):
                if op_id in seen_ids:
                    out.append(
                        Finding(
                            rule="oas.duplicate-operation-id",
                            severity=Severity.ERROR,
                            pointer=_pointer.join(optr, "operationId"),
                            message=f"operationId {op_id!r} is also used at {seen_ids[op_id]}",
                        )
                    )
                seen_ids.setdefault(op_id, optr)
    return out
