"""The fast path: a jsonschema-rs validator that gives the same verdict as the detailed path.

jsonschema-rs is 30-300x faster than python-jsonschema, but three of its keyword semantics are not ours,
so the schema it compiles is rewritten first (keyword-aware: a *property* named ``pattern`` is left alone):

* patterns: a translated ``pattern`` is portable (ECMA-262 with ``u``, Python's ``re`` and Rust's regex
  read it alike), so jsonschema-rs runs it natively; ``x-ecma-pattern`` (a spec pattern with no portable
  form, e.g. ``/^.{1,64}$/`` counting UTF-16 units) becomes the Python keyword ``x-ct-ecma-pattern``,
  which calls the same matcher (`contracttest.schema.ecma`) as the detailed path.
* ``maxLength``/``minLength``: counted the server's way when that is not code points: a native check
  that implies ours is tried first, then the Python keyword ``x-ct-maxLength`` (see `_length_guard`).
* ``format``: only the formats of `contracttest.validate.formats` are checked, with the same functions;
  any other ``format`` is an annotation and is removed, as are ``contentEncoding``/``contentMediaType``.

Schemas the rewrite cannot make faithful (``patternProperties``, whose regexes jsonschema-rs would run
itself) get no fast path: `build` returns None and the caller validates with the detailed path.
"""

from __future__ import annotations

import functools
from typing import Any

from contracttest.openapi.convert import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS
from contracttest.validate import _keywords
from contracttest.validate.formats import FORMATS

__all__ = [
    "available",
    "build",
    "compile_branch",
    "compile_rewritten",
    "rewrite",
    "rewrite_or_none",
]

_ANNOTATIONS_DROPPED = ("contentEncoding", "contentMediaType")


class Unfaithful(Exception):
    """The schema uses a keyword the fast path cannot evaluate our way."""


def available() -> bool:
    """Whether jsonschema-rs is installed."""
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:
        return False
    return True


def rewrite(schema: Any, length_method: str) -> Any:
    """A copy of ``schema`` whose keywords jsonschema-rs evaluates exactly like the detailed path."""
    if isinstance(schema, bool) or not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            if key == "patternProperties" and value:
                raise Unfaithful("patternProperties")
            out[key] = {name: rewrite(sub, length_method) for name, sub in value.items()}
        elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            out.setdefault(key, []).extend(rewrite(sub, length_method) for sub in value)
        elif key in SCHEMA_KEYWORDS:
            if isinstance(value, list):
                out[key] = [rewrite(sub, length_method) for sub in value]
            else:
                out[key] = rewrite(value, length_method)
        elif key == "pattern" and isinstance(value, str):
            # Portable (ECMA with u and Rust's regex agree on it): native, unless it cannot compile.
            out["pattern" if _rs_compiles(value) else "x-ct-portable-pattern"] = value
        elif key == "x-ecma-pattern" and isinstance(value, str):
            out["x-ct-ecma-pattern"] = value
        elif key in ("maxLength", "minLength") and length_method != "codepoints":
            out.setdefault("allOf", []).append(_length_guard(key, value, length_method))
        elif key == "format":
            if value in FORMATS:
                out[key] = value
        elif key in _ANNOTATIONS_DROPPED:
            continue
        else:
            out[key] = value
    return out


def _length_guard(keyword: str, limit: Any, method: str) -> dict[str, Any]:
    """``maxLength``/``minLength`` counted by ``method``, with Python called only when needed.

    ``anyOf [A, B]`` where B is the exact check (a Python keyword) and A a native check that implies
    B: validator.js never counts more than the code points, UTF-16 never fewer, and every method
    agrees on ASCII. jsonschema-rs tries A first, so ordinary strings never reach Python.
    """
    exact = {"x-ct-" + keyword: limit}
    implies_exact = (keyword == "maxLength" and method in _keywords.VALIDATORJS_METHODS) or (
        keyword == "minLength" and method == "utf16"
    )
    native: dict[str, Any] = {keyword: limit}
    if not implies_exact:
        native["pattern"] = "^[\\x00-\\x7f]*$"
    return {"anyOf": [native, exact]}


@functools.lru_cache(maxsize=4096)
def _rs_compiles(pattern: str) -> bool:
    try:
        import jsonschema_rs

        jsonschema_rs.validator_for({"pattern": pattern})
    except Exception:  # jsonschema-rs cannot compile it: our matcher decides
        return False
    return True


class _Pattern:
    __slots__ = ("test",)
    flags = ""

    def __init__(self, parent: dict[str, Any], value: Any, path: list[str | int]) -> None:
        self.test = _keywords.matcher(str(value), self.flags)

    def validate(self, instance: Any) -> None:
        if type(instance) is str and not self.test(instance):
            raise ValueError("does not match pattern")


class _PortablePattern(_Pattern):
    __slots__ = ()
    flags = _keywords.PORTABLE_FLAGS


def _length_keyword(method: str, longest: bool) -> type:
    check = _keywords.too_long if longest else _keywords.too_short

    class _Length:
        __slots__ = ("limit",)

        def __init__(self, parent: dict[str, Any], value: Any, path: list[str | int]) -> None:
            self.limit = int(value)

        def validate(self, instance: Any) -> None:
            if type(instance) is str and check(instance, self.limit, method):
                raise ValueError("length out of bounds")

    return _Length


def _format(check: Any) -> Any:
    def run(value: Any) -> bool:
        return not isinstance(value, str) or bool(check(value))

    return run


def rewrite_or_none(schema: dict[str, Any], length_method: str) -> dict[str, Any] | None:
    """`rewrite`, or None when jsonschema-rs is not installed or cannot be made faithful."""
    if not available():
        return None
    try:
        out = rewrite(schema, length_method)
    except Unfaithful:
        return None
    return out if isinstance(out, dict) else None


def compile_rewritten(fast_schema: Any, length_method: str) -> Any:
    """A jsonschema-rs validator for a schema `rewrite` produced."""
    import jsonschema_rs

    keywords: dict[str, Any] = {
        "x-ct-ecma-pattern": _Pattern,
        "x-ct-portable-pattern": _PortablePattern,
    }
    if length_method != "codepoints":
        keywords["x-ct-maxLength"] = _length_keyword(length_method, True)
        keywords["x-ct-minLength"] = _length_keyword(length_method, False)
    return jsonschema_rs.validator_for(
        fast_schema,
        validate_formats=True,
        ignore_unknown_formats=True,
        formats={name: _format(check) for name, check in FORMATS.items()},
        keywords=keywords,
    )


def compile_branch(subschema: Any, fast_root: dict[str, Any], length_method: str) -> Any:
    """A validator for ``subschema`` (a node of the original schema) inside its rewritten root."""
    wrapped: dict[str, Any] = {"allOf": [rewrite(subschema, length_method)]}
    if "$schema" in fast_root:
        wrapped["$schema"] = fast_root["$schema"]
    for key in ("definitions", "$defs"):
        if key in fast_root:
            wrapped[key] = fast_root[key]
    return compile_rewritten(wrapped, length_method)


def build(schema: dict[str, Any], length_method: str) -> Any:
    """A compiled jsonschema-rs validator for ``schema``, or None (not installed / not faithful)."""
    fast_schema = rewrite_or_none(schema, length_method)
    return None if fast_schema is None else compile_rewritten(fast_schema, length_method)
